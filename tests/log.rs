//! `isms log` end to end, on repositories built with fixed dates.

#[path = "support/git.rs"]
mod git_support;

use assert_cmd::cargo::cargo_bin_cmd;
use git_support::{ALICE, BOB, DAY, EPOCH, TestRepo};
use predicates::str::contains;

/// A repository whose ISMS lives in `isms/`, with a register, a renamed policy, a merged
/// branch, an approval trailer and a code-only commit.
fn sample() -> TestRepo {
    let mut r = TestRepo::new();
    r.write("src/app.rs", "fn main() {}\n")
        .write(
            "isms/registers/risks.yaml",
            "risks:\n  - id: R-001\n    title: Laptop theft\n  - id: R-002\n    title: Phishing\n",
        )
        .write(
            "isms/soa.yaml",
            "controls:\n  - id: 5.1\n    applicable: true\n  - id: 5.2\n    applicable: true\n",
        )
        .write(
            "isms/policies/access.md",
            "---\nid: POL-01\ntitle: Access\n---\nNeed to know.\n",
        );
    r.commit_as(&ALICE, EPOCH, "Start the ISMS");
    r.write("src/app.rs", "fn main() { println!(); }\n");
    r.commit_as(&BOB, EPOCH + DAY, "Code only");
    r.branch("risk-review");
    r.write(
        "isms/registers/risks.yaml",
        "risks:\n  - id: R-001\n    title: Laptop theft or loss\n  - id: R-003\n    title: Supplier breach\n",
    );
    r.commit_as(&BOB, EPOCH + 2 * DAY, "Quarterly risk review");
    r.checkout("main");
    r.write(
        "isms/soa.yaml",
        "controls:\n  - id: 5.1\n    applicable: true\n  - id: 5.2\n    applicable: true\n  - id: 5.10\n    applicable: true\n",
    );
    r.commit_as(&ALICE, EPOCH + 3 * DAY, "Add 5.10 to the SoA");
    r.merge(
        "risk-review",
        &ALICE,
        EPOCH + 4 * DAY,
        "Merge risk review\n\nApproved-by: Carol Chief <carol@example.com>\n",
    );
    r.rename("isms/policies/access.md", "isms/policies/access-control.md");
    r.commit_as(&ALICE, EPOCH + 5 * DAY, "Rename the access policy");
    r
}

fn isms(dir: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("isms");
    cmd.arg("--color")
        .arg("never")
        .arg("log")
        .arg("-C")
        .arg(dir)
        .env_remove("ISMS_COLOR");
    cmd
}

fn stdout(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.assert().success().get_output().clone();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn whole_isms_log() {
    let r = sample();
    let out = stdout(&mut isms(&r.path().join("isms")));
    insta::assert_snapshot!("whole_isms_log", out);
    assert!(
        !out.contains("Code only"),
        "commits outside the ISMS folder are not listed"
    );
}

#[test]
fn file_history_follows_renames() {
    let r = sample();
    let out = stdout(isms(&r.path().join("isms")).arg("policies/access-control.md"));
    insta::assert_snapshot!("file_history", out);
    assert!(out.contains("R policies/access-control.md (from policies/access.md)"));
    assert!(out.contains("A policies/access.md: POL-01 added"));
}

#[test]
fn path_relative_to_the_current_folder() {
    let r = sample();
    let out = stdout(
        isms(&r.path().join("isms"))
            .current_dir(r.path())
            .arg("isms/soa.yaml"),
    );
    assert!(out.contains("Add 5.10 to the SoA"), "{out}");
    assert!(out.contains("M soa.yaml: 5.10 added"), "{out}");
}

#[test]
fn record_history_keeps_5_1_and_5_10_apart() {
    let r = sample();
    let dir = r.path().join("isms");
    let five_one = stdout(isms(&dir).arg("5.1"));
    assert!(five_one.contains("Start the ISMS"), "{five_one}");
    assert!(!five_one.contains("Add 5.10"), "{five_one}");
    let five_ten = stdout(isms(&dir).arg("5.10"));
    assert!(five_ten.contains("M soa.yaml: 5.10 added"), "{five_ten}");
    assert!(!five_ten.contains("Start the ISMS"), "{five_ten}");

    let r1 = stdout(isms(&dir).arg("R-002"));
    insta::assert_snapshot!("record_history", r1);
}

#[test]
fn folder_since_and_limit() {
    let r = sample();
    let dir = r.path().join("isms");
    let out = stdout(isms(&dir).arg("registers/"));
    assert!(out.contains("registers/risks.yaml"));
    assert!(!out.contains("soa.yaml"), "{out}");

    // Authored on or after 2024-01-04 00:00 UTC: the SoA change, the merge, the rename.
    let out = stdout(isms(&dir).args(["--since", "2024-01-04"]));
    assert_eq!(out.matches("Alice Example").count(), 3, "{out}");
    assert!(!out.contains("Quarterly risk review"), "{out}");
    let out = stdout(isms(&dir).args(["-n", "1"]));
    assert!(out.contains("Rename the access policy"));
    assert_eq!(out.matches(" <").count(), 1, "{out}");

    isms(&dir)
        .args(["--since", "2024-13-01"])
        .assert()
        .code(2)
        .stderr(contains("YYYY-MM-DD"));
    let out = stdout(isms(&dir).args(["--since", "2030-01-01"]));
    assert_eq!(out, "No changes.\n");
}

#[test]
fn json_output() {
    let r = sample();
    let out = stdout(isms(&r.path().join("isms")).args(["--format", "json", "R-001"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["repository"]["state"], "ready");
    assert_eq!(v["repository"]["branch"], "main");
    assert_eq!(v["repository"]["prefix"], "isms");
    assert_eq!(v["query"]["kind"], "record");
    assert_eq!(v["query"]["target"], "R-001");
    let entries = v["entries"].as_array().unwrap();
    let subjects: Vec<&str> = entries
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            "Merge risk review",
            "Quarterly risk review",
            "Start the ISMS"
        ]
    );
    let merge = &entries[0];
    assert_eq!(merge["merge"], true);
    assert_eq!(merge["approved_by"][0], "Carol Chief <carol@example.com>");
    assert_eq!(merge["date"], "2024-01-05T00:00:00+00:00");
    assert_eq!(merge["author"], "Alice Example");
    assert_eq!(
        merge["changes"][0],
        serde_json::json!({
            "path": "registers/risks.yaml",
            "kind": "modified",
            "records": [{ "id": "R-001", "change": "modified" }]
        })
    );

    let out = stdout(isms(&r.path().join("isms")).args([
        "--format",
        "json",
        "policies/access-control.md",
    ]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["query"]["kind"], "path");
    assert_eq!(v["entries"][0]["changes"][0]["from"], "policies/access.md");
    assert_eq!(v["entries"][0]["changes"][0]["kind"], "renamed");
}

#[test]
fn unknown_targets_are_clear_errors() {
    let r = sample();
    let dir = r.path().join("isms");
    isms(&dir)
        .arg("R-01")
        .assert()
        .code(2)
        .stderr(contains(
            "nothing in the Git history of the ISMS is called R-01",
        ))
        .stderr(contains("did you mean"));
    std::fs::write(dir.join("draft.md"), "new\n").unwrap();
    isms(&dir)
        .arg("draft.md")
        .assert()
        .code(2)
        .stderr(contains("never committed"));
}

#[test]
fn no_repository_empty_repository_and_shallow_clone() {
    let plain = tempfile::tempdir().unwrap();
    isms(plain.path())
        .assert()
        .code(2)
        .stderr(contains("is not inside a Git repository"));

    let empty = TestRepo::new();
    isms(empty.path())
        .assert()
        .success()
        .stdout("No changes.\n")
        .stderr(contains("no commits yet"));

    let r = sample();
    let clone = r.shallow_clone(1);
    isms(&clone.path().join("isms"))
        .assert()
        .success()
        .stdout(contains("Rename the access policy"))
        .stderr(contains("shallow clone"))
        .stderr(contains("git fetch --unshallow"));
}

#[test]
fn detached_head_is_noted() {
    let r = sample();
    r.detach();
    isms(&r.path().join("isms"))
        .assert()
        .success()
        .stderr(contains("HEAD is detached"))
        .stdout(contains("Rename the access policy"));
}

/// The real history of a published policy repository (CC0, 46 commits): a file's log in JSON
/// follows the 2023 rename and names the right authors and dates.
#[test]
fn real_policy_repository_file_log() {
    let clone = git_support::clone_with_git(&git_support::fixture("git/security-policies.bundle"));
    let out =
        stdout(isms(clone.path()).args(["--format", "json", "incident-response-policy/index.md"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entries = v["entries"].as_array().unwrap();
    let oldest = entries.last().unwrap();
    assert_eq!(oldest["short_id"], "ea1bf6f");
    assert_eq!(oldest["author"], "Maya Kaczorowski");
    assert_eq!(oldest["date"], "2022-09-06T08:24:39-07:00");
    assert_eq!(oldest["changes"][0]["path"], "incident-response/index.md");
    assert_eq!(oldest["changes"][0]["kind"], "added");
    let rename = entries.iter().find(|e| e["short_id"] == "af87440").unwrap();
    assert_eq!(rename["changes"][0]["from"], "incident-response/index.md");
    assert_eq!(rename["author"], "Andrew Lytvynov");
    // Non-merge commits only, as `git log --no-merges --follow` lists them: 7.
    assert_eq!(entries.iter().filter(|e| e["merge"] == false).count(), 7);

    let all = stdout(isms(clone.path()).args(["--since", "2026-01-01", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert_eq!(
        v["entries"].as_array().unwrap().len(),
        8,
        "commits since 2026-01-01, as `git log --since=2026-01-01T00:00:00Z` counts them"
    );
}
