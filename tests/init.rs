//! `isms init`: scaffolding a new ISMS repository, end to end through the binary.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn isms() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("isms")
}

/// `isms` with Git configuration isolated in `home`, so the author of the scaffold commit does
/// not depend on the machine running the tests.
fn isms_with_home(home: &Path) -> Command {
    let mut cmd = isms();
    cmd.env("HOME", home)
        .env("USERPROFILE", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL");
    cmd
}

/// Every path `isms init` writes: the template's files and the generated schemas.
fn template_paths() -> BTreeSet<String> {
    isms::scaffold::template("startup-saas")
        .expect("built-in template")
        .files
        .iter()
        .map(|f| f.path.to_string())
        .chain(
            isms::scaffold::generated_files()
                .into_iter()
                .map(|(p, _)| p),
        )
        .collect()
}

/// Every file below `dir`, `/`-separated, ignoring `.git`.
fn files_below(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// Runs `isms init DIR --no-git` (plus `extra`) and returns DIR.
fn scaffold(tmp: &tempfile::TempDir, extra: &[&str]) -> std::path::PathBuf {
    let dir = tmp.path().join("isms");
    isms()
        .arg("init")
        .arg(&dir)
        .arg("--no-git")
        .args(extra)
        .assert()
        .success();
    dir
}

#[test]
fn creates_every_template_file_and_prints_next_steps() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new/isms");
    isms()
        .arg("init")
        .arg(&dir)
        .args(["--org", "Acme Cloud Ltd", "--no-git"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Created 68 file(s)"))
        .stdout(predicate::str::contains("isms check"));
    let expected: BTreeSet<String> = template_paths().iter().map(|p| p.to_string()).collect();
    assert_eq!(files_below(&dir), expected);
    let manifest = std::fs::read_to_string(dir.join("isms.yaml")).unwrap();
    assert!(manifest.contains("name: \"Acme Cloud Ltd\""));
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.starts_with("# Information security management system of Acme Cloud Ltd"));
}

#[test]
fn output_lists_created_files_and_next_steps() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    let out = isms()
        .arg("init")
        .arg(&dir)
        .args(["--org", "Acme Cloud Ltd", "--no-git"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout)
        .unwrap()
        .replace(&dir.display().to_string(), "[DIR]");
    insta::assert_snapshot!(stdout);
}

#[test]
fn without_org_the_name_is_a_visible_placeholder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = scaffold(&tmp, &[]);
    let manifest = std::fs::read_to_string(dir.join("isms.yaml")).unwrap();
    assert!(manifest.contains("name: \"Organisation (name to fill in)\""));
}

#[test]
fn refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    isms()
        .arg("init")
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not empty"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(files_below(&dir), BTreeSet::from(["notes.txt".to_string()]));
    assert!(!dir.join(".git").exists());
}

#[test]
fn refuses_a_file_as_target() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("isms");
    std::fs::write(&file, "x").unwrap();
    isms()
        .arg("init")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a folder"));
}

#[test]
fn unknown_template_lists_the_templates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    isms()
        .arg("init")
        .arg(&dir)
        .args(["--template", "enterprise"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("startup-saas"));
    assert!(!dir.exists());
}

#[test]
fn refuses_an_organisation_name_with_a_line_break() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    isms()
        .arg("init")
        .arg(&dir)
        .args(["--org", "Acme\nLtd", "--no-git"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("control character"));
    assert!(!dir.exists());
}

#[test]
fn force_adds_missing_files_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = scaffold(&tmp, &[]);
    // An edited file, two deleted ones and a file of the user's own.
    let edited = b"# my own register\nrisks: []\n";
    std::fs::write(dir.join("risks.yaml"), edited).unwrap();
    std::fs::remove_file(dir.join("soa.yaml")).unwrap();
    std::fs::remove_file(dir.join("policies/cryptography.md")).unwrap();
    std::fs::write(dir.join("mine.txt"), "mine").unwrap();

    let out = isms()
        .arg("init")
        .arg(&dir)
        .args(["--force", "--no-git"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let (created, skipped) = stdout.split_once("Skipped").expect("a skipped section");
    assert!(created.contains("Created 2 file(s)"), "{stdout}");
    assert!(created.contains("  soa.yaml\n") && created.contains("  policies/cryptography.md\n"));
    assert!(skipped.starts_with(" 66 existing file(s)"), "{stdout}");
    assert!(skipped.contains("  risks.yaml\n"));

    assert_eq!(std::fs::read(dir.join("risks.yaml")).unwrap(), edited);
    assert_eq!(
        std::fs::read_to_string(dir.join("mine.txt")).unwrap(),
        "mine"
    );
    let mut expected: BTreeSet<String> = template_paths().iter().map(|p| p.to_string()).collect();
    expected.insert("mine.txt".into());
    assert_eq!(files_below(&dir), expected);
}

#[test]
fn force_on_a_complete_scaffold_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = scaffold(&tmp, &[]);
    let before: Vec<Vec<u8>> = template_paths()
        .iter()
        .map(|p| std::fs::read(dir.join(p)).unwrap())
        .collect();
    isms()
        .arg("init")
        .arg(&dir)
        .args(["--force", "--org", "Other Name"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Created 0 file(s)"))
        .stdout(predicate::str::contains("Git: nothing new to commit."));
    let after: Vec<Vec<u8>> = template_paths()
        .iter()
        .map(|p| std::fs::read(dir.join(p)).unwrap())
        .collect();
    assert_eq!(before, after);
    assert!(!dir.join(".git").exists());
}

#[test]
fn no_git_creates_no_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = scaffold(&tmp, &[]);
    assert!(!dir.join(".git").exists());
}

#[test]
fn git_repository_with_one_commit_of_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(
        home.join(".gitconfig"),
        "[user]\n\tname = Dana Owner\n\temail = dana@example.com\n",
    )
    .unwrap();
    let dir = tmp.path().join("isms");
    isms_with_home(&home)
        .arg("init")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("Git: created a repository"));

    let repo = git2::Repository::open(&dir).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let commits: Vec<git2::Oid> = walk.map(|c| c.unwrap()).collect();
    assert_eq!(commits.len(), 1);
    let commit = repo.find_commit(commits[0]).unwrap();
    assert_eq!(
        commit.message().ok(),
        Some("Initial ISMS scaffold (isms init)")
    );
    assert_eq!(commit.author().name().ok(), Some("Dana Owner"));
    assert_eq!(commit.author().email().ok(), Some("dana@example.com"));

    let mut committed = BTreeSet::new();
    commit
        .tree()
        .unwrap()
        .walk(git2::TreeWalkMode::PreOrder, |root, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob) {
                committed.insert(format!("{root}{}", entry.name().unwrap()));
            }
            git2::TreeWalkResult::Ok
        })
        .unwrap();
    let expected: BTreeSet<String> = template_paths().iter().map(|p| p.to_string()).collect();
    assert_eq!(committed, expected);
    let statuses = repo.statuses(None).unwrap();
    assert_eq!(statuses.len(), 0, "the working tree is clean");
}

#[test]
fn git_author_falls_back_without_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let dir = tmp.path().join("isms");
    isms_with_home(&home)
        .arg("init")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("as isms <isms@localhost>"));
    let repo = git2::Repository::open(&dir).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.author().name().ok(), Some("isms"));
    assert_eq!(head.author().email().ok(), Some("isms@localhost"));
}

#[test]
fn inside_an_existing_repository_nothing_is_committed() {
    let tmp = tempfile::tempdir().unwrap();
    let outer = git2::Repository::init(tmp.path()).unwrap();
    let dir = tmp.path().join("isms");
    isms()
        .arg("init")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("inside the existing repository"));
    assert!(!dir.join(".git").exists());
    assert!(
        outer.head().is_err(),
        "no commit was made in the outer repository"
    );
}

/// Rules that check the internal consistency of the records (levels, links, justifications,
/// roles). A fresh scaffold must not trigger any of them: what remains are to-dos that only the
/// user can resolve (approvals, dates, evidence, records of things that have happened, such as
/// who decided on climate change (CTX-02) and the supplier assessments (OPS-01), and the
/// proposed risk ratings, which RSK-05 reports until the owners confirm them).
const CONSISTENCY_RULES: &[&str] = &[
    "SOA-01", "SOA-02", "SOA-03", "SOA-04", "SOA-05", "SOA-06", "SOA-07", "SOA-09", "SOA-10",
    "SOA-11", "SOA-12", "SOA-13", "CTX-01", "CTX-03", "CTX-04", "CTX-06", "CTX-07", "LDR-02",
    "LDR-04", "LDR-05", "RSK-02", "RSK-03", "RSK-04", "RSK-06", "RSK-07", "RSK-11", "RSK-12",
    "RSK-14", "OBJ-03", "SUP-03", "SUP-05", "SUP-07", "AUD-01", "AUD-02", "AUD-04", "AUD-06",
    "AUD-08", "ANX-01", "ANX-05",
];

#[test]
fn scaffold_passes_check_with_no_load_or_consistency_problems() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = scaffold(&tmp, &["--org", r#"Ac"me \ Cloud: #1"#]);
    let out = isms()
        .arg("check")
        .arg(&dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    // 1: the check ran and reports the to-dos; 2 would mean it could not run.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let bad: Vec<String> = diagnostics
        .iter()
        .filter(|d| {
            let code = d["code"].as_str().unwrap_or("");
            let message = d["message"].as_str().unwrap_or("");
            code.starts_with("LOAD-")
                || code.starts_with("CFG-")
                || CONSISTENCY_RULES.contains(&code)
                // The methodology itself is consistent; only its approval is the user's to give.
                || (code == "RSK-01" && !message.contains("have not been approved"))
                // Risks are rated (as proposals), never unrated.
                || (code == "RSK-05" && !message.contains("nobody has decided yet"))
        })
        .map(|d| format!("{} {} at {}", d["code"], d["message"], d["location"]))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn scaffold_risk_ratings_are_reported_until_decided() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = scaffold(&tmp, &[]);
    let loaded = isms::loader::load(&dir).unwrap();
    let ratings = loaded
        .model
        .risks
        .iter()
        .flat_map(|r| [r.inherent.as_ref(), r.residual.as_ref()])
        .flatten()
        .count();
    let outcome = isms::checks::check_loaded(&loaded, &[], "2026-01-01".parse().unwrap());
    let codes: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.diagnostic.code.as_str())
        .collect();
    // Every proposed rating, and every residual risk's missing acceptance, stays visible.
    assert_eq!(codes.iter().filter(|c| **c == "RSK-05").count(), ratings);
    assert_eq!(
        codes.iter().filter(|c| **c == "RSK-10").count(),
        loaded.model.risks.len()
    );
}

#[test]
fn scaffold_content_soa_risks_and_policies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = scaffold(&tmp, &[]);
    let loaded = isms::loader::load(&dir).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let model = loaded.model;

    let soa: Vec<(String, String)> = model
        .soa_entries()
        .map(|e| {
            let title = e
                .title
                .as_ref()
                .map(|t| t.value.clone())
                .unwrap_or_default();
            (e.id.value.clone(), title)
        })
        .collect();
    let catalogue: Vec<(String, String)> = isms::catalogue::controls()
        .iter()
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect();
    assert_eq!(soa.len(), 93);
    assert_eq!(soa, catalogue);

    assert!(model.risks.len() >= 30, "{} risks", model.risks.len());
    assert!(
        model.policies.len() >= 12,
        "{} policies",
        model.policies.len()
    );
    assert!(model.information_security_policy().is_some());
}
