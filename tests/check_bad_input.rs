//! `isms check` on one class of bad input at a time: each is reported with its LOAD code at the
//! right file and line, with a hint, exit code 1, and never a panic.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad-input")
        .join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A repository made of the base isms.yaml plus the named fixture folder (if any).
fn repo(case: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("base"), dir.path());
    if let Some(case) = case {
        copy_dir(&fixture(case), dir.path());
    }
    dir
}

fn check_json(dir: &Path) -> (i32, Vec<Value>) {
    let out = cargo_bin_cmd!("isms")
        .args([
            "check",
            "--no-git",
            "--format",
            "json",
            "--as-of",
            "2026-11-23",
        ])
        .arg(dir)
        .output()
        .unwrap();
    let code = out.status.code().expect("exit code (no crash by signal)");
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}", String::from_utf8_lossy(&out.stdout)));
    let diags = json["diagnostics"].as_array().cloned().unwrap_or_default();
    (code, diags)
}

/// Runs the check and returns the one diagnostic with `code`, asserting exit code 1.
fn expect(dir: &Path, code: &str) -> Value {
    let (exit, diags) = check_json(dir);
    assert_eq!(exit, 1, "{diags:#?}");
    let found: Vec<&Value> = diags.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(found.len(), 1, "expected one {code}: {diags:#?}");
    let d = found[0].clone();
    assert!(
        d["hint"].as_str().is_some_and(|h| !h.is_empty()),
        "{code} has a hint: {d:#?}"
    );
    d
}

fn at(d: &Value) -> (&str, u64) {
    (
        d["location"]["path"].as_str().unwrap(),
        d["location"]["line"].as_u64().unwrap(),
    )
}

#[test]
fn the_base_fixture_has_no_load_problem() {
    let dir = repo(None);
    let (_, diags) = check_json(dir.path());
    let load: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("LOAD-"))
        .collect();
    assert!(load.is_empty(), "{load:#?}");
}

#[test]
fn missing_manifest() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("unknown-field"), dir.path());
    let d = expect(dir.path(), "LOAD-001");
    assert_eq!(d["location"]["path"], "isms.yaml");
}

#[test]
fn unknown_field() {
    let dir = repo(Some("unknown-field"));
    let d = expect(dir.path(), "LOAD-008");
    assert_eq!(at(&d), ("assets.yaml", 5));
    assert_eq!(d["hint"], "did you mean `owner`?");
}

#[test]
fn missing_field() {
    let dir = repo(Some("missing-field"));
    let d = expect(dir.path(), "LOAD-009");
    assert_eq!(at(&d), ("assets.yaml", 2));
    assert!(d["message"].as_str().unwrap().contains("`name`"));
}

#[test]
fn wrong_type() {
    let dir = repo(Some("wrong-type"));
    let d = expect(dir.path(), "LOAD-010");
    assert_eq!(at(&d), ("risks.yaml", 6));
}

#[test]
fn bad_date() {
    let dir = repo(Some("bad-date"));
    let d = expect(dir.path(), "LOAD-011");
    assert_eq!(at(&d), ("risks.yaml", 5));
    assert!(d["hint"].as_str().unwrap().contains("YYYY-MM-DD"));
}

#[test]
fn duplicate_id() {
    let dir = repo(Some("duplicate-id"));
    let d = expect(dir.path(), "LOAD-012");
    assert_eq!(at(&d), ("assets.yaml", 3));
}

#[test]
fn dangling_reference() {
    let dir = repo(Some("dangling-reference"));
    let d = expect(dir.path(), "LOAD-013");
    assert_eq!(at(&d), ("risks.yaml", 4));
    assert_eq!(d["hint"], "did you mean `p-cto`?");
}

#[test]
fn unknown_control_id() {
    let dir = repo(Some("unknown-control"));
    let d = expect(dir.path(), "LOAD-014");
    assert_eq!(at(&d), ("risks.yaml", 5));
    assert!(d["message"].as_str().unwrap().contains("8.35"));
}

#[test]
fn control_id_from_2013() {
    let dir = repo(Some("control-2013"));
    let d = expect(dir.path(), "LOAD-015");
    assert!(
        d["hint"]
            .as_str()
            .unwrap()
            .contains("8.7 (Protection against malware)"),
        "{d:#?}"
    );
}

#[test]
fn yaml_syntax() {
    let dir = repo(Some("yaml-syntax"));
    let d = expect(dir.path(), "LOAD-006");
    assert_eq!(d["location"]["path"], "assets.yaml");
}

#[test]
fn markdown_without_front_matter() {
    let dir = repo(Some("front-matter"));
    let d = expect(dir.path(), "LOAD-007");
    assert_eq!(at(&d), ("policies/access.md", 1));
}

#[test]
fn empty_file() {
    let dir = repo(Some("empty-file"));
    let d = expect(dir.path(), "LOAD-005");
    assert_eq!(d["location"]["path"], "suppliers.yaml");
}

#[test]
fn non_utf8_file() {
    let dir = repo(None);
    std::fs::write(
        dir.path().join("assets.yaml"),
        b"assets:\n  - id: \xc3\x28\n",
    )
    .unwrap();
    let d = expect(dir.path(), "LOAD-004");
    assert_eq!(at(&d), ("assets.yaml", 2));
}

#[test]
fn oversized_file() {
    let dir = repo(None);
    let big = "# padding line for the size limit test ................................\n";
    std::fs::write(
        dir.path().join("assets.yaml"),
        big.repeat(9 * 1024 * 1024 / big.len() + 1),
    )
    .unwrap();
    expect(dir.path(), "LOAD-003");
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_repository() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("assets.yaml"), "assets: []\n").unwrap();
    let dir = repo(None);
    std::os::unix::fs::symlink(
        outside.path().join("assets.yaml"),
        dir.path().join("assets.yaml"),
    )
    .unwrap();
    expect(dir.path(), "LOAD-016");
}

#[test]
fn alias_bomb() {
    let mut bomb = String::from("assets:\n  - &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..10 {
        let p = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!(
            "  - &l{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        ));
    }
    let dir = repo(None);
    std::fs::write(dir.path().join("assets.yaml"), bomb).unwrap();
    expect(dir.path(), "LOAD-006");
}

#[test]
fn all_problems_in_one_run() {
    let dir = repo(Some("unknown-field"));
    copy_dir(&fixture("dangling-reference"), dir.path());
    copy_dir(&fixture("front-matter"), dir.path());
    let (exit, diags) = check_json(dir.path());
    assert_eq!(exit, 1);
    let codes: Vec<&str> = diags
        .iter()
        .filter_map(|d| d["code"].as_str())
        .filter(|c| c.starts_with("LOAD-"))
        .collect();
    for code in ["LOAD-007", "LOAD-008", "LOAD-013"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

#[test]
fn human_output_names_file_line_and_fix() {
    let dir = repo(Some("unknown-field"));
    let out = cargo_bin_cmd!("isms")
        .args([
            "check",
            "--no-git",
            "--color",
            "never",
            "--as-of",
            "2026-11-23",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[LOAD-008]: unknown field `onwer`"),
        "{text}"
    );
    assert!(text.contains("assets.yaml:5:5"), "{text}");
    assert!(
        text.contains("onwer: p-cto"),
        "snippet shows the line: {text}"
    );
    assert!(text.contains("did you mean `owner`?"), "{text}");
}

#[test]
fn a_missing_folder_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("isms")
        .args(["check"])
        .arg(dir.path().join("does-not-exist"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not exist"));
}

/// One mistake is reported once: a record that fails to load is not also reported as
/// missing, nor are references to it dangling, nor is an unknown approver "not top management".
#[test]
fn one_typo_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas"),
        dir.path(),
    );
    let edit = |rel: &str, from: &str, to: &str| {
        let p = dir.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} contains {from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    // SoA entry 5.1 no longer loads; risks use 5.1.
    edit(
        "soa.yaml",
        "    status: implemented",
        "    status: implemnted",
    );
    // Risk R-001 no longer loads; the SoA refers to it.
    edit(
        "risks.yaml",
        "    treatment: mitigate",
        "    treatment: mitigat",
    );
    // The policy's approver does not exist.
    edit(
        "policies/information-security-policy.md",
        "  by: p-ceo",
        "  by: p-ceoo",
    );
    let (exit, diags) = check_json(dir.path());
    assert_eq!(exit, 1);
    let codes: std::collections::BTreeSet<&str> =
        diags.iter().filter_map(|d| d["code"].as_str()).collect();
    let expected: std::collections::BTreeSet<&str> = ["LOAD-011", "LOAD-013"].into_iter().collect();
    assert_eq!(codes, expected, "{diags:#?}");
    let dangling: Vec<&Value> = diags.iter().filter(|d| d["code"] == "LOAD-013").collect();
    assert_eq!(
        dangling.len(),
        1,
        "only the misspelt approver: {dangling:#?}"
    );
}
