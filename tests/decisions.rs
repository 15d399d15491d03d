//! `isms approve`, `accept`, `close` and `done`: each records the decision in place (every
//! other byte unchanged), refuses a person who may not take it (writing nothing), and
//! `--commit` records it in Git with an `Approved-by:` trailer that satisfies GIT-04.

#[path = "support/clean.rs"]
mod clean;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clean::{findings, snapshot};

const AS_OF: &str = "2026-12-07";

fn isms() -> Command {
    let mut c = Command::cargo_bin("isms").unwrap();
    c.env_remove("ISMS_COLOR").env_remove("ISMS_TODAY");
    c
}

/// A fresh scaffold (a Git repository with one commit).
fn scaffold() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    isms().arg("init").arg(&dir).assert().success();
    let repo = git2::Repository::open(&dir).unwrap();
    let mut cfg = repo.config().unwrap();
    cfg.set_str("user.name", "Test Runner").unwrap();
    cfg.set_str("user.email", "runner@example.com").unwrap();
    (tmp, dir)
}

fn has(dir: &Path, code: &str, record: &str) -> bool {
    findings(dir, AS_OF).iter().any(|f| {
        f.code == code && (f.record.as_deref() == Some(record) || f.message.contains(record))
    })
}

#[test]
fn approve_a_policy_the_soa_the_scope_and_the_methodology() {
    let (_t, dir) = scaffold();
    assert!(has(&dir, "LDR-01", "POL-01"));
    isms()
        .args(["approve", "POL-01"])
        .arg(&dir)
        .args(["--by", "p-ceo", "--on", "2026-12-01"])
        .assert()
        .success();
    assert!(!has(&dir, "LDR-01", "POL-01"));

    for (target, code) in [
        ("soa", "SOA-08"),
        ("scope", "CTX-05"),
        ("methodology", "RSK-01"),
    ] {
        let before = findings(&dir, AS_OF)
            .iter()
            .filter(|f| f.code == code)
            .count();
        assert!(before > 0, "{code}");
        isms()
            .args(["approve", target])
            .arg(&dir)
            .args(["--by", "p-ceo", "--on", "2026-12-01"])
            .assert()
            .success();
        let after = findings(&dir, AS_OF)
            .iter()
            .filter(|f| f.code == code)
            .count();
        assert_eq!(after, 0, "{target}: {code}");
    }
}

#[test]
fn the_approval_edit_touches_only_its_own_lines() {
    let (_t, dir) = scaffold();
    let policy = dir.join("policies/information-security.md");
    let before = std::fs::read_to_string(&policy).unwrap();
    let others = snapshot(&dir);
    isms()
        .args(["approve", "POL-01"])
        .arg(&dir)
        .args(["--by", "p-ceo", "--on", "2026-12-01"])
        .assert()
        .success()
        .stdout("policies/information-security.md: POL-01 approved by p-ceo\n");
    let after = std::fs::read_to_string(&policy).unwrap();
    let approval_line = before
        .lines()
        .find(|l| l.starts_with("approval:"))
        .unwrap()
        .to_string();
    let expected = before
        .replacen("version: \"0.1\"", "version: \"1.0\"", 1)
        .replacen(&approval_line, "approval: { by: p-ceo, on: 2026-12-01 }", 1);
    assert_eq!(after, expected);
    // No other file changed.
    let now = snapshot(&dir);
    for ((p, b), (q, c)) in others.iter().zip(&now) {
        assert_eq!(p, q);
        if p != "policies/information-security.md" {
            assert_eq!(b, c, "{p}");
        }
    }
}

#[test]
fn a_refused_approver_or_acceptor_writes_nothing() {
    let (_t, dir) = scaffold();
    let before = snapshot(&dir);
    isms()
        .args(["approve", "POL-01"])
        .arg(&dir)
        .args(["--by", "p-security-lead"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("may not approve POL-01"));
    isms()
        .args(["approve", "POL-01"])
        .arg(&dir)
        .args(["--by", "p-cee"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `p-ceo`?"));
    isms()
        .args(["approve", "methodology"])
        .arg(&dir)
        .args(["--by", "p-ops-lead"])
        .assert()
        .code(2);
    isms()
        .args(["accept", "R-001"])
        .arg(&dir)
        .args(["--by", "p-cto", "--rationale", "fine"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "not by the risk owner p-security-lead",
        ));
    isms()
        .args(["approve", "R-001"])
        .arg(&dir)
        .args(["--by", "p-cto"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not the owner of risk R-001"));
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn accept_plan_approval_and_done_on_a_risk() {
    let (_t, dir) = scaffold();
    let path = dir.join("risks.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    isms()
        .args(["accept", "R-001"])
        .arg(&dir)
        .args([
            "--by",
            "p-security-lead",
            "--rationale",
            "Within the risk appetite",
            "--on",
            "2026-12-01",
        ])
        .assert()
        .success();
    isms()
        .args(["approve", "R-001"])
        .arg(&dir)
        .args(["--by", "p-security-lead", "--on", "2026-12-01"])
        .assert()
        .success();
    isms()
        .args(["done", "R-001#1"])
        .arg(&dir)
        .args(["--on", "2026-12-02"])
        .assert()
        .success();
    let after = std::fs::read_to_string(&path).unwrap();
    let line = |s: &str, start: &str| {
        s.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap()
            .to_string()
    };
    let expected = before
        .replacen(
            &line(&before, "acceptance:"),
            // The scaffold's methodology limits an acceptance to 12 months, so it gets an end.
            "    acceptance: { by: p-security-lead, on: 2026-12-01, rationale: Within the risk appetite, until: 2027-12-01 }",
            1,
        )
        .replacen(
            &line(&before, "plan_approval:"),
            "    plan_approval: { by: p-security-lead, on: 2026-12-01 }",
            1,
        )
        .replacen(
            "        status: planned\n        resources: \"Security keys for all staff; 2 days of platform work\"\n",
            "        status: done\n        resources: \"Security keys for all staff; 2 days of platform work\"\n        completed: 2026-12-02\n",
            1,
        );
    assert_eq!(after, expected);
    let f = findings(&dir, AS_OF);
    assert!(
        !f.iter()
            .any(|f| f.code == "RSK-09" && f.message.contains("R-001 ")),
        "plan approved"
    );
    assert!(
        !f.iter().any(|f| f.code == "RSK-10"
            && f.message.contains("R-001")
            && f.message.contains("names no one")),
        "accepted"
    );
}

#[test]
fn close_a_nonconformity() {
    let dir = clean::copy();
    isms()
        .args(["new", "nonconformity"])
        .arg(dir.path())
        .args([
            "--title",
            "Missed review",
            "--source",
            "self-identified",
            "--owner",
            "p-ceo",
            "--on",
            "2025-05-01",
        ])
        .assert()
        .success();
    let path = dir.path().join("nonconformities.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    let id = "NC-02";
    assert!(before.contains(&format!("id: {id}")), "{before}");
    isms()
        .args(["close", id])
        .arg(dir.path())
        .args(["--root-cause", "No reminder"])
        .args(["--effectiveness", "Reviews held on time since"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--corrective-action"));
    isms()
        .args(["close", id])
        .arg(dir.path())
        .args([
            "--root-cause",
            "No reminder",
            "--corrective-action",
            "Calendar reminder",
        ])
        .args([
            "--effectiveness",
            "Reviews held on time since",
            "--by",
            "p-ceo",
            "--on",
            "2025-06-20",
        ])
        .assert()
        .success();
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(&before[..before.find(&format!("  - id: {id}")).unwrap()]));
    let loaded = isms::loader::load(dir.path()).unwrap();
    let nc = loaded
        .model
        .nonconformities
        .iter()
        .find(|n| n.id.value == id)
        .unwrap();
    assert_eq!(nc.root_cause.as_ref().unwrap().value, "No reminder");
    assert_eq!(nc.closed.as_ref().unwrap().value.to_string(), "2025-06-20");
    assert!(nc.effectiveness.as_ref().unwrap().effective.value);
    assert!(
        loaded
            .diagnostics
            .iter()
            .all(|d| !d.code.starts_with("LOAD"))
    );
}

fn head(r: &git2::Repository) -> git2::Commit<'_> {
    r.head().unwrap().peel_to_commit().unwrap()
}

fn git_findings(dir: &Path, as_of: &str) -> String {
    let out = isms()
        .arg("check")
        .arg(dir)
        .args(["--as-of", as_of])
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn commit_records_the_trailer_and_satisfies_git_04() {
    let (_t, dir) = scaffold();
    let repo = git2::Repository::open(&dir).unwrap();
    // Something unrelated staged by the user stays out of the commit.
    std::fs::write(dir.join("notes.txt"), "draft").unwrap();
    let mut idx = repo.index().unwrap();
    idx.add_path(Path::new("notes.txt")).unwrap();
    idx.write().unwrap();

    isms()
        .args(["approve", "POL-01"])
        .arg(&dir)
        .args(["--by", "p-ceo", "--on", "2026-01-05", "--commit"])
        .assert()
        .success();
    let c = head(&repo);
    assert_eq!(c.parent_count(), 1);
    let msg = c.message().unwrap();
    assert!(msg.starts_with("POL-01 approved by p-ceo\n\n"), "{msg}");
    assert!(
        msg.contains("\nApproved-by: CEO (name to fill in)"),
        "{msg}"
    );
    let parent_tree = c.parent(0).unwrap().tree().unwrap();
    let diff = repo
        .diff_tree_to_tree(Some(&parent_tree), Some(&c.tree().unwrap()), None)
        .unwrap();
    let paths: Vec<String> = diff
        .deltas()
        .map(|d| d.new_file().path().unwrap().display().to_string())
        .collect();
    assert_eq!(paths, ["policies/information-security.md"]);

    // A later change of the content is not covered by that approval (GIT-04)...
    let policy = dir.join("policies/information-security.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, format!("{text}\nOne more rule.\n")).unwrap();
    let mut idx = repo.index().unwrap();
    idx.add_path(Path::new("policies/information-security.md"))
        .unwrap();
    idx.write().unwrap();
    let tree = repo.find_tree(idx.write_tree().unwrap()).unwrap();
    let sig = repo.signature().unwrap();
    repo.commit(
        Some("HEAD"),
        &sig,
        &sig,
        "Add a rule\n",
        &tree,
        &[&head(&repo)],
    )
    .unwrap();
    let today = jiff::ZonedDateTime::now().date().to_string();
    assert!(git_findings(&dir, &today).contains("GIT-04"));

    // ...until it is approved again, with a commit carrying the trailer.
    isms()
        .args(["approve", "POL-01"])
        .arg(&dir)
        .args(["--by", "p-ceo", "--on", &today, "--commit"])
        .assert()
        .success();
    let out = git_findings(&dir, &today);
    assert!(!out.contains("GIT-04"), "{out}");
    assert!(!out.contains("GIT-05"), "{out}");
}

#[test]
fn confirm_proposed_ratings_and_exclusions() {
    let (_t, dir) = scaffold();
    let soa = std::fs::read_to_string(dir.join("soa.yaml")).unwrap();
    isms()
        .args(["confirm", "7.6"])
        .arg(&dir)
        .args(["--by", "p-security-lead"])
        .assert()
        .code(2);
    isms()
        .args(["confirm", "7.6"])
        .arg(&dir)
        .args(["--by", "p-ceo"])
        .assert()
        .success();
    let line = soa
        .lines()
        .find(|l| l.starts_with("    proposed: true"))
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("soa.yaml")).unwrap(),
        soa.replacen(line, "    proposed: false", 1)
    );
    isms()
        .args(["confirm", "R-001"])
        .arg(&dir)
        .args(["--by", "p-security-lead", "--on", "2026-12-01"])
        .assert()
        .success();
    let f = findings(&dir, AS_OF);
    assert!(
        !f.iter()
            .any(|f| f.code == "RSK-05" && f.message.contains("R-001 "))
    );
    assert!(
        !f.iter()
            .any(|f| f.code == "SOA-19" && f.message.contains("7.6 "))
    );
}
