//! `isms new`: each kind of record on a copy of the clean fixture, the example and a fresh
//! scaffold; the record loads, `isms check` reports only the decisions a person still has to
//! take, the register's other bytes are unchanged, unknown references write nothing.

#[path = "support/clean.rs"]
mod clean;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use clean::{AS_OF, copy, copy_dir, findings, snapshot};

fn isms() -> Command {
    let mut c = Command::cargo_bin("isms").unwrap();
    c.env_remove("ISMS_COLOR").env_remove("ISMS_TODAY");
    c
}

fn codes(dir: &Path, as_of: &str) -> BTreeSet<String> {
    findings(dir, as_of)
        .into_iter()
        .filter(|f| !f.waived)
        .map(|f| format!("{}:{}", f.severity, f.code))
        .collect()
}

/// The record kinds with the flags a person gives, and the findings the new record leaves:
/// only what a person still has to decide or record (a rating, an approval, a description).
const KINDS: &[(&str, &[&str], &[&str])] = &[
    (
        "risk",
        &["--title", "Laptop theft", "--owner", "p-ceo"],
        &["error:RSK-05", "warning:RSK-03"],
    ),
    (
        "risk",
        &[
            "--title",
            "Laptop theft",
            "--owner",
            "p-ceo",
            "--asset",
            "A-01",
            "--affects",
            "confidentiality",
            "--threat",
            "Theft",
            "--vulnerability",
            "Unattended devices",
            "--likelihood",
            "2",
            "--impact",
            "2",
        ],
        &["error:RSK-06"],
    ),
    (
        "asset",
        &[
            "--name",
            "Phone",
            "--asset-kind",
            "hardware",
            "--owner",
            "p-ceo",
            "--classification",
            "internal",
        ],
        &[],
    ),
    (
        "supplier",
        &[
            "--name",
            "Hoster",
            "--owner",
            "p-ceo",
            "--service",
            "Hosting",
            "--criticality",
            "low",
        ],
        &[],
    ),
    (
        "objective",
        &["--title", "Fewer incidents", "--owner", "p-ceo"],
        &["error:OBJ-01", "warning:OBJ-03"],
    ),
    ("incident", &["--title", "Lost badge"], &["warning:ANX-05"]),
    (
        "change",
        &["--title", "New office", "--owner", "p-ceo"],
        &["warning:CHG-01"],
    ),
    (
        "nonconformity",
        &[
            "--title",
            "Missed review",
            "--source",
            "self-identified",
            "--owner",
            "p-ceo",
        ],
        &["error:IMP-01", "warning:IMP-01"],
    ),
    (
        "person",
        &["--name", "Jo Bloggs", "--role", "Engineer"],
        &["warning:ANX-10", "warning:SUP-02"],
    ),
    (
        "policy",
        &["--title", "Clean desk", "--owner", "p-ceo"],
        &["error:SUP-04"],
    ),
    (
        "procedure",
        &["--title", "Key handling", "--owner", "p-ceo"],
        &["error:SUP-04"],
    ),
    (
        "audit",
        &[
            "--title",
            "Audit of access control",
            "--auditor",
            "p-ceo",
            "--owner",
            "p-ceo",
        ],
        &["error:AUD-02"],
    ),
    (
        "review",
        &["--title", "Interim review", "--owner", "p-ceo"],
        &[],
    ),
];

#[test]
fn every_kind_loads_and_leaves_only_the_person_decisions() {
    for (kind, flags, expected) in KINDS {
        let dir = copy();
        let before = codes(dir.path(), AS_OF);
        let out = isms()
            .args(["new", kind])
            .arg(dir.path())
            .args(*flags)
            .args(["--on", "2025-06-01"])
            .assert()
            .success();
        let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(stdout.starts_with("created "), "{kind}: {stdout}");
        let loaded = isms::loader::load(dir.path()).unwrap();
        let load_errors: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code.starts_with("LOAD"))
            .collect();
        assert!(load_errors.is_empty(), "{kind}: {load_errors:?}");
        let after = codes(dir.path(), AS_OF);
        let new: BTreeSet<String> = after.difference(&before).cloned().collect();
        let expected: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(new, expected, "{kind} {flags:?}");
    }
}

#[test]
fn the_register_keeps_every_byte_outside_the_new_record() {
    let dir = copy();
    let path = dir.path().join("risks.yaml");
    let odd = "# Risks, with comments and odd indentation.\nrisks:\n\n    -   id: R-01\n        title: \"First\"   # kept\n        owner: p-ceo\n\n    # a comment between items\n    -   id: R-09\n        title: 'Ninth'\n        owner: p-ceo\n\n# trailing comment\n";
    std::fs::write(&path, odd).unwrap();
    isms()
        .args(["new", "risk"])
        .arg(dir.path())
        .args(["--title", "Tenth", "--owner", "p-ceo", "--on", "2025-06-01"])
        .assert()
        .success()
        .stdout("created R-10 in risks.yaml:13\n");
    let after = std::fs::read_to_string(&path).unwrap();
    let inserted = "\n    -   id: R-10\n        title: Tenth\n        owner: p-ceo\n        identified: 2025-06-01\n";
    let at = odd.find("\n# trailing").unwrap();
    assert_eq!(after, format!("{}{inserted}{}", &odd[..at], &odd[at..]));
}

#[test]
fn an_unknown_owner_is_refused_with_a_suggestion_and_nothing_is_written() {
    let dir = copy();
    let before = snapshot(dir.path());
    isms()
        .args(["new", "risk"])
        .arg(dir.path())
        .args(["--title", "X", "--owner", "p-coe"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `p-ceo`?"));
    isms()
        .args(["new", "risk"])
        .arg(dir.path())
        .args(["--title", "X", "--owner", "p-ceo", "--asset", "A-1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("there is no asset `A-1`"));
    isms()
        .args(["new", "risk"])
        .arg(dir.path())
        .args([
            "--title",
            "X",
            "--owner",
            "p-ceo",
            "--likelihood",
            "7",
            "--impact",
            "1",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not on the methodology's scale"));
    isms()
        .args(["new", "asset"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "needs --name, --asset-kind, --owner",
        ));
    isms()
        .args(["new", "asset"])
        .arg(dir.path())
        .args([
            "--name",
            "X",
            "--owner",
            "p-ceo",
            "--asset-kind",
            "spaceship",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("would not load"));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn next_id_skips_gaps_and_follows_split_registers() {
    let dir = copy();
    std::fs::write(
        dir.path().join("suppliers.yaml"),
        "suppliers:\n  - id: SUP-007\n    name: A\n    owner: p-ceo\n  - id: SUP-003\n    name: B\n    owner: p-ceo\n",
    )
    .unwrap();
    isms()
        .args(["new", "supplier"])
        .arg(dir.path())
        .args(["--name", "C", "--owner", "p-ceo"])
        .assert()
        .success()
        .stdout(predicates::str::starts_with(
            "created SUP-008 in suppliers.yaml:",
        ));

    // A split register: the new risk goes to the last file of the folder.
    let risks = std::fs::read_to_string(dir.path().join("risks.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("risks")).unwrap();
    std::fs::write(
        dir.path().join("risks/a-people.yaml"),
        "risks:\n  - id: R-30\n    title: P\n    owner: p-ceo\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("risks/b-cloud.yaml"), "risks: []\n").unwrap();
    isms()
        .args(["new", "risk"])
        .arg(dir.path())
        .args(["--title", "Cloud", "--owner", "p-ceo", "--on", "2025-06-01"])
        .assert()
        .success()
        .stdout("created R-31 in risks/b-cloud.yaml:2\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("risks.yaml")).unwrap(),
        risks
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("risks/b-cloud.yaml")).unwrap(),
        "risks:\n  - id: R-31\n    title: Cloud\n    owner: p-ceo\n    identified: 2025-06-01\n"
    );
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let dir = copy();
    let before = snapshot(dir.path());
    let out = isms()
        .args(["new", "policy"])
        .arg(dir.path())
        .args(["--title", "Clean desk", "--owner", "p-ceo", "--dry-run"])
        .assert()
        .success();
    let diff = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        diff.starts_with("--- /dev/null\n+++ b/policies/clean-desk.md\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+approval: { by: ~, on: ~ }\n") || diff.contains("+approval:\n"),
        "{diff}"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn works_on_the_example_and_on_a_fresh_scaffold() {
    let example = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas"),
        example.path(),
    );
    let scaffold = tempfile::tempdir().unwrap();
    let fresh = scaffold.path().join("isms");
    isms().arg("init").arg(&fresh).assert().success();
    for (dir, owner, next) in [
        (example.path(), "p-sre", "R-057"),
        (fresh.as_path(), "p-cto", "R-"),
    ] {
        let before = codes(dir, "2026-12-07");
        isms()
            .args(["new", "risk"])
            .arg(dir)
            .args([
                "--title",
                "Laptop theft",
                "--owner",
                owner,
                "--on",
                "2026-12-01",
            ])
            .assert()
            .success()
            .stdout(predicates::str::contains(format!("created {next}")));
        let after = codes(dir, "2026-12-07");
        let new: BTreeSet<String> = after.difference(&before).cloned().collect();
        assert!(
            new.iter()
                .all(|c| c == "error:RSK-05" || c == "warning:RSK-03"),
            "{}: {new:?}",
            dir.display()
        );
    }
}
