//! `isms migrate`: a small ISMS written against ISO/IEC 27001:2013 Annex A
//! (`tests/fixtures/import/isms-2013`) upgraded to the 2022 catalogue.

#[path = "support/clean.rs"]
mod clean;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use clean::{copy_dir, findings};

fn fixture() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/isms-2013"),
        tmp.path(),
    );
    tmp
}

fn migrate(dir: &Path, write: bool) -> (i32, String) {
    let mut cmd = Command::cargo_bin("isms").unwrap();
    cmd.arg("migrate").arg(dir);
    if write {
        cmd.arg("--write");
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap()
}

#[test]
fn dry_run_by_default_prints_the_auditors_table_and_the_diff() {
    let dir = fixture();
    let before = read(dir.path(), "soa.yaml");
    let (code, out) = migrate(dir.path(), false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(
        "| A.5.1.1 | Policies for information security | 5.1 | Policies for information security | merged with A.5.1.2; review: conflicting decisions (A.5.1.1 true, A.5.1.2 false): applicable wins |"
    ), "{out}");
    assert!(out.contains("| A.9.2.1 | User registration and de-registration | 5.16 | Identity management | renumbered |"));
    assert!(out.contains("| A.18.2.3 | Technical compliance review | 5.36, 8.8 |"));
    assert!(out.contains("- 5.7 Threat intelligence (new in 2022)"));
    assert!(out.contains("+  - id: \"5.1\""));
    assert!(out.contains("Dry run: nothing was written"));
    assert_eq!(read(dir.path(), "soa.yaml"), before);
}

#[test]
fn write_merges_the_soa_and_rewrites_every_control_reference() {
    let dir = fixture();
    let (code, report) = migrate(dir.path(), true);
    assert_eq!(code, 0, "{report}");
    let soa = read(dir.path(), "soa.yaml");
    // Both justifications kept, applicable wins, evidence carried over.
    assert!(soa.contains(
        "justification: \"A.5.1.1: Required by customers and the board. A.5.1.2: Reviews are part of A.5.1.1.\""
    ), "{soa}");
    assert!(soa.contains("path: evidence/policy-approval.pdf"));
    // The split control's decision reached both successors.
    let loaded = isms::loader::load(dir.path()).unwrap();
    let soa_m = loaded.model.soa.as_ref().unwrap();
    assert_eq!(soa_m.controls.len(), 93);
    for id in ["5.36", "8.8"] {
        let e = soa_m
            .controls
            .iter()
            .find(|c| c.value.id.value == id)
            .unwrap();
        assert!(e.value.applicable.as_ref().unwrap().value, "{id}");
    }
    // Risks, their actions and policy front matter now name 2022 controls.
    let risks = read(dir.path(), "risks.yaml");
    assert!(risks.contains("controls: [\"5.16\", \"5.18\"]"), "{risks}");
    assert!(risks.contains("controls: [\"8.15\", \"8.16\"]"), "{risks}");
    assert!(!risks.contains("A.9"), "{risks}");
    let policy = read(dir.path(), "policies/access-control.md");
    assert!(
        policy.contains("controls: [\"5.15\", \"5.16\", \"5.18\"]"),
        "{policy}"
    );
    assert!(policy.ends_with("Access is granted by role and removed on the last working day.\n"));
    // `isms check` finds no 2013 id left, and the undecided controls are exactly the ones the
    // report listed.
    let found = findings(dir.path(), "2026-12-07");
    assert!(
        !found.iter().any(|f| f.code.starts_with("LOAD-")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|f| f.message.contains("2013")),
        "{found:?}"
    );
    let undecided: BTreeSet<String> = found
        .iter()
        .filter(|f| f.code == "SOA-04")
        .filter_map(|f| f.message.split_whitespace().nth(1).map(str::to_string))
        .collect();
    let listed: BTreeSet<String> = report
        .lines()
        .filter(|l| {
            l.starts_with("- ")
                && (l.ends_with("(new in 2022)") || l.ends_with("(no 2013 entry in the SoA)"))
        })
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
        .collect();
    assert_eq!(undecided, listed);
    // Seven 2022 controls got a decision: 5.1, 5.16, 5.18, 7.1, 8.15, 5.36 and 8.8.
    assert_eq!(listed.len(), 93 - 7);
    // A second run has nothing left to do.
    let (code, out) = migrate(dir.path(), false);
    assert_eq!(code, 0);
    assert!(out.contains("Nothing to migrate"), "{out}");
}
