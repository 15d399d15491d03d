//! Diagnostics that do not mislead: every unknown field named in one run, id suggestions that
//! never propose a different record, stable SARIF fingerprints, GitHub annotations in order of
//! importance, and errors that neither flood nor confuse.

#[path = "support/clean.rs"]
mod clean;

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

/// `isms check --format json` on `dir`: exit code and diagnostics.
fn check_json(dir: &Path) -> (i32, Vec<Value>) {
    let out = cargo_bin_cmd!("isms")
        .args([
            "check",
            "--no-git",
            "--format",
            "json",
            "--as-of",
            clean::AS_OF,
        ])
        .arg(dir)
        .output()
        .unwrap();
    let code = out.status.code().expect("exit code (no crash by signal)");
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}", String::from_utf8_lossy(&out.stdout)));
    (
        code,
        json["diagnostics"].as_array().cloned().unwrap_or_default(),
    )
}

fn messages(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["code"].as_str().unwrap_or(""),
                d["location"]["path"].as_str().unwrap_or(""),
                d["location"]["line"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "`{from}` in {rel}");
    std::fs::write(p, text.replacen(from, to, 1)).unwrap();
}

/// Every unknown field of a record is reported in one run, each at its own line, in a register
/// and in a document's front matter.
#[test]
fn every_unknown_field_in_one_run() {
    let dir = clean::copy();
    edit(
        dir.path(),
        "assets.yaml",
        "    name: Customer database\n",
        "    name: Customer database\n    colour: blue\n    flavour: salty\n    shape: round\n",
    );
    edit(
        dir.path(),
        "policies/information-security.md",
        "review_months: 12\n",
        "review_months: 12\nreviewer: p-ceo\naudience: everyone\n",
    );
    let (code, diags) = check_json(dir.path());
    assert_eq!(code, 1);
    let all = messages(&diags);
    for (field, file) in [
        ("colour", "assets.yaml"),
        ("flavour", "assets.yaml"),
        ("shape", "assets.yaml"),
        ("reviewer", "policies/information-security.md"),
        ("audience", "policies/information-security.md"),
    ] {
        let hits: Vec<&String> = all
            .iter()
            .filter(|m| m.contains(&format!("unknown field `{field}`")) && m.contains(file))
            .collect();
        assert_eq!(hits.len(), 1, "`{field}` once in {all:#?}");
    }
    let lines: std::collections::BTreeSet<u64> = diags
        .iter()
        .filter(|d| {
            d["message"].as_str().is_some_and(|m| {
                m.starts_with("unknown field") && !m.contains("reviewer") && !m.contains("audience")
            })
        })
        .filter_map(|d| d["location"]["line"].as_u64())
        .collect();
    assert_eq!(lines.len(), 3, "each at its own line: {all:#?}");
}
