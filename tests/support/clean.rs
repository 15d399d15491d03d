//! The clean fixture (`tests/fixtures/check/clean`, a small ISMS that passes every rule as of
//! [`AS_OF`]) and the findings of a copy of it, shared by the rule test files. Each test file
//! uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use isms::checks;

/// The date the clean fixture passes every rule at.
pub const AS_OF: &str = "2025-06-30";

pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/clean")
}

pub fn copy_dir(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(src).unwrap();
        let target = dst.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of the clean fixture.
pub fn copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    tmp
}

/// One finding, flattened for assertions.
#[derive(Debug)]
pub struct Found {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub path: String,
    pub line: u32,
    pub record: Option<String>,
    pub waived: bool,
}

/// Every finding of `isms check` on `dir` as of `as_of`.
pub fn findings(dir: &Path, as_of: &str) -> Vec<Found> {
    let loaded = isms::loader::load(dir).expect("fixture loads");
    let outcome = checks::check_loaded(&loaded, &[], as_of.parse().unwrap());
    outcome
        .findings
        .into_iter()
        .map(|f| {
            let loc = f.diagnostic.location.clone();
            Found {
                code: f.diagnostic.code,
                severity: format!("{:?}", f.diagnostic.severity).to_lowercase(),
                message: f.diagnostic.message,
                path: loc.as_ref().map(|l| l.path.clone()).unwrap_or_default(),
                line: loc.map_or(0, |l| l.line),
                record: f.diagnostic.record,
                waived: f.waiver.is_some(),
            }
        })
        .collect()
}

/// The 1-based line of the only line of `text` containing `needle`.
pub fn line_of(text: &str, needle: &str) -> u32 {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "`{needle}` once in {text}");
    u32::try_from(lines[0]).unwrap()
}

/// Every file below `dir` with its bytes, in path order: compared before and after a command
/// to show what it wrote (or that it wrote nothing).
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}
