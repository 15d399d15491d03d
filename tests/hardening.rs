//! Robustness of the loader, renderer and emitters against hostile or broken input: no panic,
//! no hang, located diagnostics, nothing written where it must not be.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

const AS_OF: &str = "2025-06-30";

fn clean() -> PathBuf {
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

/// A copy of the clean fixture.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&clean(), dir.path());
    dir
}

/// Replaces the one occurrence of `from` in `file` by `to`.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{file}: `{from}` once");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn run(args: &[&str], dir: &Path) -> Output {
    cargo_bin_cmd!("isms")
        .args(args)
        .arg(dir)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap()
}

/// `isms check --format json`: exit code (never a crash) and diagnostics.
fn check_json(dir: &Path) -> (i32, Vec<Value>) {
    let out = run(
        &["check", "--no-git", "--format", "json", "--as-of", AS_OF],
        dir,
    );
    let code = out.status.code().expect("exit code, not killed");
    assert_ne!(code, 101, "panic: {}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "json: {e}\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, json["diagnostics"].as_array().cloned().unwrap_or_default())
}

fn with_code<'a>(diags: &'a [Value], code: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

fn at(d: &Value) -> (String, u64) {
    (
        d["location"]["path"].as_str().unwrap_or("").to_string(),
        d["location"]["line"].as_u64().unwrap_or(0),
    )
}

fn line_of(dir: &Path, file: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

// --- 1. Date arithmetic -------------------------------------------------------------------

#[test]
fn clean_fixture_is_clean() {
    let dir = repo();
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 0, "{diags:#?}");
}

#[test]
fn huge_review_interval_on_a_policy_is_a_located_error_not_a_panic() {
    let dir = repo();
    let f = "policies/information-security.md";
    edit(dir.path(), f, "review_months: 12", "review_months: 239977");
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 1);
    let found = with_code(&diags, "LOAD-011");
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(at(found[0]), (f.to_string(), line_of(dir.path(), f, "review_months")));
    assert!(found[0]["hint"].as_str().unwrap().contains("1200"));
}

#[test]
fn huge_cadences_are_located_errors_not_panics() {
    for (field, value) in [
        ("policy_review_months", "9999999"),
        ("access_revocation_days", "9999999"),
        ("evidence_max_age_days", "4294967295"),
    ] {
        let dir = repo();
        let text = std::fs::read_to_string(dir.path().join("isms.yaml")).unwrap();
        std::fs::write(
            dir.path().join("isms.yaml"),
            format!("{text}cadences:\n  {field}: {value}\n"),
        )
        .unwrap();
        let (code, diags) = check_json(dir.path());
        assert_eq!(code, 1, "{field}");
        let found = with_code(&diags, "LOAD-011");
        assert_eq!(found.len(), 1, "{field}: {diags:#?}");
        assert_eq!(
            at(found[0]),
            ("isms.yaml".to_string(), line_of(dir.path(), "isms.yaml", field)),
            "{field}"
        );
    }
}

#[test]
fn the_largest_allowed_intervals_load_and_check_without_panic() {
    let dir = repo();
    let f = "policies/information-security.md";
    edit(dir.path(), f, "review_months: 12", "review_months: 1200");
    let text = std::fs::read_to_string(dir.path().join("isms.yaml")).unwrap();
    std::fs::write(
        dir.path().join("isms.yaml"),
        format!("{text}cadences:\n  policy_review_months: 1200\n  access_revocation_days: 36525\n  evidence_max_age_days: 36525\n"),
    )
    .unwrap();
    let (_, diags) = check_json(dir.path());
    assert!(with_code(&diags, "LOAD-011").is_empty(), "{diags:#?}");
}
