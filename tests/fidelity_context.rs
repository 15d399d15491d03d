//! Context, leadership, objectives, improvement and operation rules judged the way an auditor
//! would: the legitimate design gives no finding, the real nonconformity gives exactly the
//! expected one, at the expected file and line.

use std::path::{Path, PathBuf};

use isms::checks;

const AS_OF: &str = "2025-06-30";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/clean")
}

fn copy_dir(src: &Path, dst: &Path) {
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

/// One finding, flattened for assertions.
#[derive(Debug)]
#[allow(dead_code)]
struct Found {
    code: String,
    severity: String,
    message: String,
    path: String,
    line: u32,
}

/// Copies the clean fixture, replaces whole files (`(file, Some(text))`) or edits them
/// (`from` must occur exactly once), and checks the copy as of `as_of`.
fn check(edits: &[(&str, &str, &str)], as_of: &str) -> (Vec<Found>, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    for (file, from, to) in edits {
        let path = tmp.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if from.is_empty() {
            std::fs::write(&path, to).unwrap();
            continue;
        }
        assert_eq!(text.matches(from).count(), 1, "`{from}` in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    let loaded = isms::loader::load(tmp.path()).expect("fixture loads");
    let outcome = checks::check_loaded(&loaded, &[], as_of.parse().unwrap());
    let found = outcome
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
            }
        })
        .collect();
    (found, tmp)
}

fn findings(edits: &[(&str, &str, &str)]) -> Vec<Found> {
    check(edits, AS_OF).0
}

fn of<'a>(found: &'a [Found], code: &str) -> Vec<&'a Found> {
    found.iter().filter(|f| f.code == code).collect()
}

/// 1-based line of the only line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "`{needle}` once in {text}");
    u32::try_from(lines[0]).unwrap()
}

fn assert_clean(found: &[Found]) {
    assert!(found.is_empty(), "expected no findings, got {found:#?}");
}

/// Exactly one finding, with this code, at this file and line.
fn assert_only(found: &[Found], code: &str, path: &str, line: u32) {
    assert_eq!(found.len(), 1, "expected exactly one {code}, got {found:#?}");
    assert_eq!(found[0].code, code, "{found:#?}");
    assert_eq!((found[0].path.as_str(), found[0].line), (path, line), "{found:#?}");
}

// --- LDR-02: policy statements are structural, not keywords --------------------------------

const POLICY: &str = "policies/information-security.md";

const GERMAN_POLICY: &str = "\
---
id: POL-01
title: Informationssicherheitsleitlinie
kind: information-security
version: \"1.0\"
owner: p-ciso
approval: { by: p-ceo, on: 2025-02-01 }
review_months: 12
communicated:
  on: 2025-02-05
  via: Betriebsversammlung
  acknowledgements: Personalsystem
statements:
  objectives: 2. Ziele der Informationssicherheit
  requirements: 3. Verpflichtungen der Geschäftsleitung
  improvement: 3. Verpflichtungen der Geschäftsleitung
---
# Informationssicherheitsleitlinie

## 2. Ziele der Informationssicherheit

Die Geschäftsleitung legt jährlich messbare Ziele fest und überprüft sie in der Managementbewertung.

## 3. Verpflichtungen der Geschäftsleitung

Wir verpflichten uns, die zutreffenden Anforderungen zu erfüllen und das ISMS fortlaufend zu verbessern.
";

#[test]
fn ldr02_policy_in_another_language_passes() {
    assert_clean(&findings(&[(POLICY, "", GERMAN_POLICY)]));
}

#[test]
fn ldr02_keywords_without_statements_are_not_enough() {
    // The body still says "objectives", "applicable requirements" and "continual improvement".
    let found = findings(&[(
        POLICY,
        "statements:\n  objectives: Objectives\n  requirements: Commitments\n  improvement: Commitments\n",
        "",
    )]);
    assert_only(&found, "LDR-02", POLICY, 2);
}

#[test]
fn ldr02_hollow_section_is_reported_at_its_field() {
    let hollow = GERMAN_POLICY.replace(
        "Wir verpflichten uns, die zutreffenden Anforderungen zu erfüllen und das ISMS fortlaufend zu verbessern.\n",
        "",
    );
    let found = findings(&[(POLICY, "", &hollow)]);
    let ldr = of(&found, "LDR-02");
    assert_eq!(ldr.len(), 2, "{found:#?}");
    assert_eq!(found.len(), 2, "{found:#?}");
    let lines: Vec<u32> = ldr.iter().map(|f| f.line).collect();
    assert_eq!(
        lines,
        vec![
            line_of(&hollow, "requirements: 3."),
            line_of(&hollow, "improvement: 3.")
        ]
    );
}

#[test]
fn ldr02_named_section_must_exist() {
    let found = findings(&[(POLICY, "  objectives: Objectives\n", "  objectives: Goals\n")]);
    assert_only(&found, "LDR-02", POLICY, 14);
}
