//! Diagnostics that do not mislead: every unknown field named in one run, id suggestions that
//! never propose a different record, stable SARIF fingerprints, GitHub annotations in order of
//! importance, and errors that neither flood nor confuse.

#[path = "support/clean.rs"]
mod clean;
#[path = "support/git.rs"]
mod git_support;

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

/// A dangling reference is offered only spelling variants of the same id: `A-017` is not a
/// typo of `A-01` (another number is another record), `a_1` is.
#[test]
fn id_suggestions_never_propose_another_number() {
    let dir = clean::copy();
    edit(
        dir.path(),
        "risks.yaml",
        "    owner: p-cto\n",
        "    owner: p-cto\n    assets: [A-017]\n",
    );
    let (_, diags) = check_json(dir.path());
    let dangling: Vec<&Value> = diags.iter().filter(|d| d["code"] == "LOAD-013").collect();
    assert_eq!(dangling.len(), 1, "{:#?}", messages(&diags));
    let hint = dangling[0]["hint"].as_str().unwrap_or("");
    assert!(!hint.contains("A-01`"), "{hint}");

    let dir = clean::copy();
    edit(
        dir.path(),
        "risks.yaml",
        "    owner: p-cto\n",
        "    owner: p-cto\n    assets: [a_1]\n",
    );
    let (_, diags) = check_json(dir.path());
    let dangling: Vec<&Value> = diags.iter().filter(|d| d["code"] == "LOAD-013").collect();
    assert_eq!(dangling.len(), 1, "{:#?}", messages(&diags));
    assert_eq!(dangling[0]["hint"], "did you mean `A-01`?");
}

/// The finding reference of a nonconformity and `isms log` follow the same rule.
#[test]
fn finding_and_log_suggestions_never_propose_another_number() {
    let dir = clean::copy();
    edit(
        dir.path(),
        "nonconformities.yaml",
        "finding: F-01",
        "finding: F-017",
    );
    let (_, diags) = check_json(dir.path());
    let dangling: Vec<&Value> = diags.iter().filter(|d| d["code"] == "LOAD-013").collect();
    assert_eq!(dangling.len(), 1, "{:#?}", messages(&diags));
    let hint = dangling[0]["hint"].as_str().unwrap_or("");
    assert!(!hint.contains("did you mean"), "{hint}");

    let mut r = git_support::TestRepo::new();
    r.write(
        "risks.yaml",
        "risks:\n  - id: R-01\n    title: Laptop theft\n  - id: R-170\n    title: Phishing\n",
    );
    r.commit("Risks");
    let out = cargo_bin_cmd!("isms")
        .args(["log", "R-017"])
        .current_dir(r.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is called R-017"), "{err}");
    assert!(!err.contains("did you mean"), "{err}");
    let out = cargo_bin_cmd!("isms")
        .args(["log", "r-17"])
        .current_dir(r.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("R-170"), "{err}");
}

/// A fresh scaffold in a temporary folder (outside any Git repository), without Git.
fn scaffold() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("isms")
        .args(["init", "--no-git", "--org", "Acme"])
        .arg(tmp.path().join("isms"))
        .assert()
        .success();
    tmp
}

fn sarif_fingerprints(dir: &Path) -> Vec<String> {
    let out = cargo_bin_cmd!("isms")
        .args([
            "check",
            "--no-git",
            "--format",
            "sarif",
            "--as-of",
            "2026-12-07",
        ])
        .arg(dir)
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["isms/v1"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// On a scaffold (hundreds of findings, many per record), every SARIF result has its own
/// fingerprint, and a second run gives the same ones.
#[test]
fn sarif_fingerprints_are_unique_and_stable() {
    let tmp = scaffold();
    let dir = tmp.path().join("isms");
    let first = sarif_fingerprints(&dir);
    assert!(first.len() > 100, "{}", first.len());
    let distinct: std::collections::BTreeSet<&String> = first.iter().collect();
    assert_eq!(
        distinct.len(),
        first.len(),
        "fingerprints shared by several results"
    );
    assert_eq!(sarif_fingerprints(&dir), first);
}

/// `--format github`: errors before warnings before notices (GitHub shows only 10 of each per
/// step), a closing summary notice, and the findings by rule in the job summary.
#[test]
fn github_annotations_most_important_first_with_a_job_summary() {
    let tmp = scaffold();
    let dir = tmp.path().join("isms");
    let summary = tmp.path().join("step-summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = cargo_bin_cmd!("isms")
        .args([
            "check",
            "--no-git",
            "--format",
            "github",
            "--as-of",
            "2026-12-07",
        ])
        .arg(&dir)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let kind = |l: &str| -> u8 {
        if l.starts_with("::error ") {
            0
        } else if l.starts_with("::warning ") {
            1
        } else {
            2
        }
    };
    let kinds: Vec<u8> = lines.iter().map(|l| kind(l)).collect();
    assert!(kinds.contains(&0) && kinds.contains(&1), "{text}");
    assert!(
        kinds.windows(2).all(|w| w[0] <= w[1]),
        "not ordered by importance:\n{text}"
    );
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("::notice title=isms check::isms check as of 2026-12-07: "),
        "{last}"
    );
    let errors = kinds.iter().filter(|k| **k == 0).count();
    assert!(last.contains(&format!("{errors} error")), "{last}");
    if errors > 10 {
        assert!(last.contains("GitHub shows the first 10 error"), "{last}");
    }

    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("earlier step\n### isms check\n"),
        "appended: {md}"
    );
    assert!(
        md.contains("| Rule | Name | Severity | Findings | Waived |"),
        "{md}"
    );
    // One row per rule, with the number of its annotations.
    let first_code = lines[0]
        .split("title=isms ")
        .nth(1)
        .and_then(|s| s.split("::").next())
        .unwrap();
    let n = lines
        .iter()
        .filter(|l| l.contains(&format!("title=isms {first_code}::")))
        .count();
    let row = md
        .lines()
        .find(|l| l.starts_with(&format!("| {first_code} |")))
        .unwrap_or_else(|| panic!("{first_code} in {md}"));
    assert!(row.contains(&format!("| error | {n} |")), "{row}");

    // Without the variable, nothing but the annotations.
    cargo_bin_cmd!("isms")
        .args([
            "check",
            "--no-git",
            "--format",
            "github",
            "--as-of",
            "2026-12-07",
        ])
        .arg(&dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .assert()
        .code(1);
}

/// `isms init` inside another repository warns and suggests a folder outside it or
/// `--no-git`; at the top of a repository made for it, or with `--no-git`, it does not.
#[test]
fn init_inside_another_repository_warns() {
    let tmp = tempfile::tempdir().unwrap();
    let outer = tmp.path().join("checkout");
    git_support::init_main(&outer);
    let out = cargo_bin_cmd!("isms")
        .args(["init", "my-isms"])
        .current_dir(&outer)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is inside the Git repository"), "{err}");
    assert!(err.contains("--no-git"), "{err}");
    let outside = std::fs::canonicalize(tmp.path()).unwrap().join("my-isms");
    assert!(
        err.contains(&format!("isms init {}", outside.display())),
        "{err}"
    );
    assert!(!outer.join("my-isms/.git").exists());

    // The top of a repository prepared for the ISMS: no warning.
    let own = tmp.path().join("own");
    git_support::init_main(&own);
    let out = cargo_bin_cmd!("isms")
        .args(["init", "--force"])
        .arg(&own)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));

    let out = cargo_bin_cmd!("isms")
        .args(["init", "--no-git", "other"])
        .current_dir(&outer)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}
