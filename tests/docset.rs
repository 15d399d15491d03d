//! The whole document set of `isms render`, and the derived statuses it shares with
//! `isms check`: a risk the documents call "not accepted", an action they flag "overdue", is
//! exactly one `check` reports, on the example and on a fresh scaffold.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;

const AS_OF: &str = "2026-12-07";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas")
}

/// A fresh scaffold, as `isms init` writes it.
fn scaffold() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("isms")
        .args(["init", "--no-git", "--org", "Scaffold Ltd"])
        .arg(tmp.path().join("isms"))
        .assert()
        .success();
    tmp
}

/// `(code, record)` of every error and warning `isms check` reports as of `as_of`.
fn check_findings(dir: &Path, as_of: &str) -> BTreeSet<(String, String)> {
    let out = cargo_bin_cmd!("isms")
        .args(["check", "--no-git", "--format", "json", "--as-of", as_of])
        .arg(dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check json");
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["waived"].is_null())
        .filter_map(|d| {
            Some((
                d["code"].as_str()?.to_string(),
                d["record"].as_str()?.to_string(),
            ))
        })
        .collect()
}

fn codes_for(found: &BTreeSet<(String, String)>, code: &str) -> BTreeSet<String> {
    found
        .iter()
        .filter(|(c, _)| c == code)
        .map(|(_, r)| r.clone())
        .collect()
}

/// Renders `docs` of `dir` as Markdown into a new folder.
fn render_md(dir: &Path, as_of: &str, docs: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("isms")
        .args([
            "render", "--draft", "--format", "md", "--as-of", as_of, "-C",
        ])
        .arg(dir)
        .args(docs)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    out
}

/// The `### ID title` sections of a Markdown document, as (id, section text).
fn sections(md: &str, marker: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in md.lines() {
        if let Some(rest) = line.strip_prefix(marker) {
            let id = rest.split_whitespace().next().unwrap_or("").to_string();
            out.push((id, String::new()));
        } else if line.starts_with("## ") && marker == "### " {
            // A new level-2 heading ends the risk details.
            if let Some(last) = out.last_mut() {
                last.1.push_str("\n<end>");
            }
        } else if let Some(last) = out.last_mut()
            && !last.1.ends_with("<end>")
        {
            last.1.push_str(line);
            last.1.push('\n');
        }
    }
    out
}

/// Risks the risk register shows with a residual-risk acceptance problem.
fn rendered_unaccepted(out: &Path) -> BTreeSet<String> {
    let md = std::fs::read_to_string(out.join("risk-register.md")).unwrap();
    sections(&md, "### ")
        .into_iter()
        .filter(|(_, s)| s.contains("- Residual risk acceptance:"))
        .map(|(id, _)| id)
        .collect()
}

/// Risks the treatment plan shows with an overdue action.
fn rendered_overdue_actions(out: &Path) -> BTreeSet<String> {
    let md = std::fs::read_to_string(out.join("risk-treatment-plan.md")).unwrap();
    sections(&md, "## ")
        .into_iter()
        .filter(|(_, s)| s.contains("(overdue)"))
        .map(|(id, _)| id)
        .collect()
}

fn assert_same_statuses(dir: &Path, as_of: &str) -> usize {
    let found = check_findings(dir, as_of);
    let out = render_md(dir, as_of, &["risk-register", "risk-treatment-plan"]);
    let unaccepted = rendered_unaccepted(out.path());
    assert_eq!(
        unaccepted,
        codes_for(&found, "RSK-10"),
        "the risk register and RSK-10 must name the same risks as not accepted ({})",
        dir.display()
    );
    let overdue = rendered_overdue_actions(out.path());
    assert_eq!(
        overdue,
        codes_for(&found, "RSK-14"),
        "the treatment plan and RSK-14 must flag the same risks' actions as overdue ({})",
        dir.display()
    );
    unaccepted.len() + overdue.len()
}

#[test]
fn render_and_check_agree_on_acceptance_and_overdue_actions_of_the_example() {
    // As of the example's date nothing is wrong; two years on, acceptances with an `until:`
    // have lapsed and open actions are overdue, so both sides have something to say.
    assert_same_statuses(&example(), AS_OF);
    let later = assert_same_statuses(&example(), "2028-12-31");
    assert!(later > 0, "two years on, some statuses must have changed");
}

#[test]
fn render_and_check_agree_on_acceptance_of_a_fresh_scaffold() {
    let tmp = scaffold();
    let dir = tmp.path().join("isms");
    let n = assert_same_statuses(&dir, AS_OF);
    assert!(n > 0, "a fresh scaffold has undecided acceptances");
}
