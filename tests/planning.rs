//! The commands that take a fresh scaffold to a clean `isms check` without opening a YAML
//! file: `isms plan` (due dates, re-plans, new actions, opportunities, changes), the bulk
//! forms of `confirm`, `approve` and `accept` (`risks`), `confirm assessment`, obligations
//! and external documents, `isms evidence add` and `isms onboard`. Each changes only the
//! bytes of what it records, and a refusal or `--dry-run` writes nothing.

#[path = "support/clean.rs"]
mod clean;
#[path = "support/recording.rs"]
mod recording;

use std::path::Path;

use clean::{findings, snapshot};
use recording::{acme, isms, scaffold};

const AS_OF: &str = "2026-12-07";

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// The lines a change removed and added (a line diff): every other line is byte-identical
/// and in its place.
fn changed(before: &str, after: &str) -> (String, String) {
    let diff = similar::TextDiff::from_lines(before, after);
    let (mut removed, mut added) = (String::new(), String::new());
    for c in diff.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Delete => removed.push_str(c.value()),
            similar::ChangeTag::Insert => added.push_str(c.value()),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

fn count(dir: &Path, code: &str) -> usize {
    findings(dir, AS_OF)
        .iter()
        .filter(|f| f.code == code)
        .count()
}

fn count_of(dir: &Path, code: &str, prefix: &str) -> usize {
    findings(dir, AS_OF)
        .iter()
        .filter(|f| f.code == code && f.record.as_deref().is_some_and(|r| r.starts_with(prefix)))
        .count()
}

fn has(dir: &Path, code: &str, needle: &str) -> bool {
    findings(dir, AS_OF).iter().any(|f| {
        f.code == code && (f.record.as_deref() == Some(needle) || f.message.contains(needle))
    })
}

/// Runs `isms ARGS DIR` and expects it to fail with `message`, writing nothing.
fn refused(dir: &Path, args: &[&str], message: &str) {
    let before = snapshot(dir);
    let out = isms().args(args).arg(dir).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(message), "{args:?}: {err}");
    assert_eq!(snapshot(dir), before, "{args:?} wrote something");
}

/// Runs `isms ARGS DIR --dry-run`: it prints a diff and writes nothing.
fn dry_run(dir: &Path, args: &[&str]) -> String {
    let before = snapshot(dir);
    let out = isms()
        .args(args)
        .arg(dir)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(snapshot(dir), before, "--dry-run wrote something");
    String::from_utf8(out.stdout).unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = isms().args(args).arg(dir).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const OWNERS: [&str; 6] = [
    "p-ceo",
    "p-cto",
    "p-security-lead",
    "p-ops-lead",
    "p-head-people",
    "p-head-finance",
];

#[test]
fn plan_sets_due_dates_replans_with_a_reason_and_adds_actions() {
    let (_t, dir) = scaffold();
    assert!(has(&dir, "RSK-08", "R-001"));
    let diff = dry_run(&dir, &["plan", "R-001#1", "--due", "2027-01-31"]);
    assert!(diff.contains("+        due: 2027-01-31"), "{diff}");

    let before = read(&dir, "risks.yaml");
    ok(&dir, &["plan", "R-001#1", "--due", "2027-01-31"]);
    let (removed, added) = changed(&before, &read(&dir, "risks.yaml"));
    assert_eq!(removed, "        due: ~   # to do: target date\n");
    assert_eq!(added, "        due: 2027-01-31\n");

    // A date already set moves only with a reason, and the move is kept.
    refused(
        &dir,
        &["plan", "R-001#1", "--due", "2027-04-30"],
        "already due on 2027-01-31",
    );
    refused(
        &dir,
        &["plan", "R-001#1", "--due", "2026-11-01", "--reason", "x"],
        "before 2026-12-01",
    );
    refused(
        &dir,
        &[
            "plan",
            "R-001#1",
            "--due",
            "2027-04-30",
            "--by",
            "p-secrity-lead",
        ],
        "did you mean `p-security-lead`?",
    );
    let before = read(&dir, "risks.yaml");
    ok(
        &dir,
        &[
            "plan",
            "R-001#1",
            "--due",
            "2027-04-30",
            "--reason",
            "Keys delivered late",
            "--by",
            "p-security-lead",
        ],
    );
    let (removed, added) = changed(&before, &read(&dir, "risks.yaml"));
    assert_eq!(removed, "");
    assert!(added.contains("replanned:"), "{added}");
    assert!(added.contains("due: 2027-04-30"), "{added}");
    assert!(added.contains("reason: Keys delivered late"), "{added}");
    assert!(read(&dir, "risks.yaml").contains("        due: 2027-01-31\n"));

    // Every action still without a date, at once.
    ok(&dir, &["plan", "risks", "--due", "2027-06-30"]);
    assert!(
        findings(&dir, AS_OF)
            .iter()
            .all(|f| !(f.code == "RSK-08" && f.message.contains("due date"))),
        "an action is still without a due date"
    );
    refused(
        &dir,
        &["plan", "risks", "--due", "2027-06-30"],
        "already has a due date",
    );
    refused(
        &dir,
        &["plan", "R-0001#1", "--due", "2027-06-30"],
        "there is no treatment action",
    );
}

#[test]
fn plan_adds_the_first_action_of_a_new_risk() {
    let (_t, dir) = scaffold();
    ok(
        &dir,
        &[
            "new",
            "risk",
            "--title",
            "Laptop stolen from a car",
            "--owner",
            "p-ops-lead",
            "--likelihood",
            "2",
            "--impact",
            "3",
            "--treatment",
            "mitigate",
            "--controls",
            "8.1",
        ],
    );
    assert!(has(&dir, "RSK-08", "R-042"));
    refused(
        &dir,
        &["plan", "R-042", "--due", "2027-02-28"],
        "has no treatment plan yet",
    );
    refused(
        &dir,
        &[
            "plan",
            "R-042",
            "--action",
            "Lockable bags",
            "--due",
            "2027-02-28",
        ],
        "give --owner",
    );
    refused(
        &dir,
        &[
            "plan",
            "R-042",
            "--action",
            "Lockable bags",
            "--owner",
            "p-opslead",
            "--due",
            "2027-02-28",
        ],
        "did you mean `p-ops-lead`?",
    );
    let before = read(&dir, "risks.yaml");
    ok(
        &dir,
        &[
            "plan",
            "R-042",
            "--action",
            "Lockable bags",
            "--owner",
            "p-ops-lead",
            "--due",
            "2027-02-28",
            "--resources",
            "Ten bags",
        ],
    );
    let (removed, added) = changed(&before, &read(&dir, "risks.yaml"));
    assert_eq!(removed, "");
    assert!(added.starts_with("    plan:\n"), "{added}");
    assert!(!has(&dir, "RSK-08", "R-042"));

    // The owner rates what remains after treatment.
    assert!(has(&dir, "RSK-10", "R-042"));
    refused(
        &dir,
        &[
            "confirm",
            "R-042",
            "--by",
            "p-ops-lead",
            "--residual",
            "9x9",
        ],
        "not on the methodology's scale",
    );
    refused(
        &dir,
        &["confirm", "R-042", "--by", "p-cto", "--residual", "1x3"],
        "is not the owner of risk R-042",
    );
    ok(
        &dir,
        &[
            "confirm",
            "R-042",
            "--by",
            "p-ops-lead",
            "--residual",
            "1x3",
        ],
    );
    let text = read(&dir, "risks.yaml");
    assert!(text.contains("residual:"), "{text}");
    assert!(!findings(&dir, AS_OF).iter().any(|f| f.code == "RSK-10"
        && f.record.as_deref() == Some("R-042")
        && f.message.contains("no residual rating")));
}

#[test]
fn plan_an_opportunity_and_the_change_that_sets_up_the_isms() {
    let (_t, dir) = scaffold();
    assert_eq!(count(&dir, "RSK-17"), 1);
    refused(
        &dir,
        &["plan", "OPP-01", "--action", "Certify"],
        "give --owner",
    );
    refused(
        &dir,
        &["plan", "OPP-01", "--owner", "p-ceo"],
        "give --action",
    );
    let before = read(&dir, "risks.yaml");
    ok(
        &dir,
        &[
            "plan",
            "OPP-01",
            "--owner",
            "p-ceo",
            "--action",
            "Certify and publish the certificate",
        ],
    );
    let (removed, added) = changed(&before, &read(&dir, "risks.yaml"));
    assert!(removed.contains("# to do: person id"), "{removed}");
    assert!(added.contains("owner: p-ceo\n"), "{added}");
    assert!(
        added.contains("action: Certify and publish the certificate\n"),
        "{added}"
    );
    assert_eq!(count(&dir, "RSK-17"), 0);

    assert_eq!(count(&dir, "CHG-01"), 1);
    refused(&dir, &["plan", "CHG-001"], "give --due");
    ok(&dir, &["plan", "CHG-001", "--due", "2027-03-31"]);
    refused(
        &dir,
        &["plan", "CHG-001", "--due", "2027-04-30"],
        "already planned for 2027-03-31",
    );
    ok(&dir, &["approve", "CHG-001", "--by", "p-ceo"]);
    assert_eq!(count(&dir, "CHG-01"), 0);
}

#[test]
fn owners_confirm_approve_and_accept_their_risks_in_bulk() {
    let (_t, dir) = scaffold();
    refused(
        &dir,
        &["confirm", "assessment", "--by", "p-security-lead"],
        "the risk assessment is not complete",
    );
    for o in OWNERS {
        ok(&dir, &["confirm", "risks", "--by", o]);
    }
    assert_eq!(count(&dir, "RSK-05"), 0);
    assert_eq!(count(&dir, "RSK-15"), 0);
    refused(
        &dir,
        &["confirm", "risks", "--by", "p-cto"],
        "no risk owned by p-cto",
    );
    assert_eq!(count(&dir, "RSK-13"), 1);
    let before = read(&dir, "risks.yaml");
    ok(&dir, &["confirm", "assessment", "--by", "p-security-lead"]);
    let (removed, added) = changed(&before, &read(&dir, "risks.yaml"));
    assert!(removed.starts_with("assessed: ~"), "{removed}");
    assert_eq!(added, "assessed: 2026-12-01\n");
    assert_eq!(count(&dir, "RSK-13"), 0);

    ok(&dir, &["plan", "risks", "--due", "2027-06-30"]);
    for o in OWNERS {
        ok(&dir, &["approve", "risks", "--by", o]);
    }
    assert_eq!(count(&dir, "RSK-09"), 0);

    // Within the criteria in bulk; above them one by one, each with its own reason.
    for o in OWNERS {
        ok(
            &dir,
            &[
                "accept",
                "risks",
                "--by",
                o,
                "--rationale",
                "Within the criteria",
            ],
        );
    }
    let left: Vec<String> = findings(&dir, AS_OF)
        .into_iter()
        .filter(|f| f.code == "RSK-10")
        .filter_map(|f| f.record)
        .collect();
    assert_eq!(left, ["R-003", "R-009", "R-020"]);
    refused(
        &dir,
        &["accept", "R-003", "--by", "p-ceo", "--rationale", "x"],
        "not by the risk owner p-cto",
    );
    for (r, o) in [
        ("R-003", "p-cto"),
        ("R-009", "p-cto"),
        ("R-020", "p-security-lead"),
    ] {
        ok(
            &dir,
            &[
                "accept",
                r,
                "--by",
                o,
                "--rationale",
                "Costs more than the loss",
            ],
        );
    }
    assert_eq!(count(&dir, "RSK-10"), 0);
}

#[test]
fn accept_until_is_bounded_by_the_methodology() {
    // The scaffold's methodology proposes that an acceptance holds for a year at most.
    let (_t, dir) = scaffold();
    assert!(read(&dir, "isms.yaml").contains("\n  acceptance_max_months: 12\n"));
    refused(
        &dir,
        &[
            "accept",
            "R-001",
            "--by",
            "p-security-lead",
            "--rationale",
            "Low",
            "--until",
            "2028-01-01",
        ],
        "more than 12 months after 2026-12-01",
    );
    refused(
        &dir,
        &[
            "accept",
            "R-001",
            "--by",
            "p-security-lead",
            "--rationale",
            "Low",
            "--until",
            "2026-12-01",
        ],
        "is not after the day of the acceptance",
    );
    ok(
        &dir,
        &[
            "accept",
            "R-001",
            "--by",
            "p-security-lead",
            "--rationale",
            "Low",
        ],
    );
    assert!(read(&dir, "risks.yaml").contains("until: 2027-12-01"));

    // An acceptance written by hand without an end date is reported.
    let risks = read(&dir, "risks.yaml");
    let hand = risks.replacen(", until: 2027-12-01", "", 1);
    assert_ne!(hand, risks);
    std::fs::write(dir.join("risks.yaml"), hand).unwrap();
    assert!(findings(&dir, AS_OF).iter().any(|f| f.code == "RSK-10"
        && f.record.as_deref() == Some("R-001")
        && f.message.contains("has no `until:` date")));
}

#[test]
fn edits_keep_an_unusual_register_byte_for_byte() {
    let (_t, dir) = scaffold();
    let register = "\
# Our own register, laid out our way.
assessed: ~    # to do

risks:

    -   id: R-001      # the first one
        title: 'Phishing'
        owner: p-security-lead
        inherent: {likelihood: 4, impact: 4, to_confirm: true}   # High
        treatment: mitigate
        controls: [\"5.17\"]

        plan:
            -   action: \"Security keys\"   # ordered
                owner: p-ops-lead
                due: ~

        # the rest is the owner's
        residual: { likelihood: 1 , impact: 4, to_confirm: true }
        plan_approval: { by: ~, on: ~ }
";
    std::fs::write(dir.join("risks.yaml"), register).unwrap();
    let steps: [&[&str]; 5] = [
        &["plan", "R-001#1", "--due", "2027-01-31"],
        &["confirm", "R-001", "--by", "p-security-lead"],
        &["confirm", "assessment", "--by", "p-security-lead"],
        &["approve", "R-001", "--by", "p-security-lead"],
        &[
            "accept",
            "R-001",
            "--by",
            "p-security-lead",
            "--rationale",
            "Low",
        ],
    ];
    for args in steps {
        let before = read(&dir, "risks.yaml");
        ok(&dir, args);
        let after = read(&dir, "risks.yaml");
        let (removed, added) = changed(&before, &after);
        assert!(!added.is_empty(), "{args:?} changed nothing");
        // Comments and blank lines outside the decision are untouched.
        for keep in [
            "# Our own register",
            "# the first one",
            "# ordered",
            "# the rest is the owner's",
        ] {
            assert!(after.contains(keep), "{args:?} lost `{keep}`:\n{after}");
        }
        assert!(removed.lines().count() <= 2, "{args:?} rewrote {removed:?}");
        assert!(added.lines().count() <= 5, "{args:?} added {added:?}");
    }
    let after = read(&dir, "risks.yaml");
    assert!(after.contains("            -   action: \"Security keys\"   # ordered\n"));
    assert!(after.contains("                due: 2027-01-31\n"));
    assert!(after.contains("assessed: 2026-12-01\n"));
}

#[test]
fn evidence_add_records_a_file_or_a_link_against_an_applicable_control() {
    let (_t, dir) = scaffold();
    assert!(has(&dir, "ANX-02", "5.18"));
    refused(
        &dir,
        &[
            "evidence",
            "add",
            "5.81",
            "--url",
            "https://t.example/1",
            "--description",
            "x",
        ],
        "soa.yaml has no control `5.81`",
    );
    refused(
        &dir,
        &["evidence", "add", "5.18", "--description", "Access review"],
        "give where the evidence is",
    );
    refused(
        &dir,
        &[
            "evidence",
            "add",
            "5.18",
            "--path",
            "evidence/none.pdf",
            "--description",
            "x",
        ],
        "there is no such file",
    );
    refused(
        &dir,
        &[
            "evidence",
            "add",
            "5.18",
            "--path",
            "../outside.md",
            "--description",
            "x",
        ],
        "--path ../outside.md",
    );
    refused(
        &dir,
        &[
            "evidence",
            "add",
            "5.18",
            "--url",
            "https://t.example/1",
            "--description",
            "x",
            "--collected",
            "2026-12-24",
        ],
        "is after 2026-12-01",
    );
    // 7.6 is a proposed exclusion in the scaffold.
    refused(
        &dir,
        &[
            "evidence",
            "add",
            "7.6",
            "--url",
            "https://t.example/1",
            "--description",
            "x",
        ],
        "excluded in the SoA",
    );
    let args = [
        "evidence",
        "add",
        "5.18",
        "--url",
        "https://tickets.example.com/SEC-12",
        "--description",
        "Quarterly access review",
        "--collected",
        "2026-11-28",
    ];
    let diff = dry_run(&dir, &args);
    assert!(
        diff.contains("+      - url: https://tickets.example.com/SEC-12"),
        "{diff}"
    );
    let before = read(&dir, "soa.yaml");
    ok(&dir, &args);
    let (removed, added) = changed(&before, &read(&dir, "soa.yaml"));
    assert_eq!(removed, "    evidence: []\n");
    assert!(added.contains("collected: 2026-11-28"), "{added}");
    assert!(!has(&dir, "ANX-02", "5.18"));
    refused(&dir, &args, "already records this evidence");

    std::fs::write(dir.join("evidence/restore.md"), "# Restore test\n").unwrap();
    ok(
        &dir,
        &[
            "evidence",
            "add",
            "A.8.13",
            "--path",
            "evidence/restore.md",
            "--description",
            "Restore test",
        ],
    );
    let soa = read(&dir, "soa.yaml");
    assert!(soa.contains("path: evidence/restore.md"), "{soa}");
    assert!(soa.contains("sha256: "), "{soa}");
    assert!(!has(&dir, "ANX-06", "8.13"));
    // The recorded hash matches the file (EVD rules check it).
    assert!(
        !findings(&dir, AS_OF)
            .iter()
            .any(|f| f.message.contains("evidence/restore.md")),
        "the new evidence is reported"
    );
}

#[test]
fn evidence_add_on_the_example_changes_only_the_new_entry() {
    let (_t, dir) = acme();
    let before = read(&dir, "soa.yaml");
    ok(
        &dir,
        &[
            "evidence",
            "add",
            "5.18",
            "--url",
            "https://tickets.example.com/SEC-400",
            "--description",
            "Access review of November",
            "--collected",
            "2026-11-30",
        ],
    );
    let (removed, added) = changed(&before, &read(&dir, "soa.yaml"));
    assert_eq!(removed, "");
    assert!(
        added.contains("https://tickets.example.com/SEC-400"),
        "{added}"
    );
    assert!(added.contains("collected: 2026-11-30"), "{added}");
}

#[test]
fn onboard_records_the_personnel_controls() {
    let (_t, dir) = scaffold();
    assert!(has(&dir, "ANX-10", "p-ceo"));
    refused(
        &dir,
        &["onboard", "p-coe", "--screened", "2026-11-02"],
        "did you mean `p-ceo`?",
    );
    refused(&dir, &["onboard", "p-ceo"], "give the dates to record");
    refused(
        &dir,
        &["onboard", "p-ceo", "--screened", "2026-12-02"],
        "is after 2026-12-01",
    );
    refused(
        &dir,
        &[
            "onboard",
            "p-internal-auditor",
            "--covered-by-supplier",
            "SUP-61",
        ],
        "there is no supplier `SUP-61`",
    );
    let before = read(&dir, "isms.yaml");
    let args = [
        "onboard",
        "p-ceo",
        "--screened",
        "2026-11-02",
        "--terms-signed",
        "2026-11-02",
        "--confidentiality-signed",
        "2026-11-02",
        "--acceptable-use",
        "2026-11-03",
    ];
    dry_run(&dir, &args);
    ok(&dir, &args);
    let (removed, added) = changed(&before, &read(&dir, "isms.yaml"));
    assert_eq!(removed, "");
    assert_eq!(
        added,
        "    screened: 2026-11-02\n    terms_signed: 2026-11-02\n    confidentiality_signed: 2026-11-02\n    acceptable_use_acknowledged: 2026-11-03\n"
    );
    assert!(!has(&dir, "ANX-10", "p-ceo"));
    refused(
        &dir,
        &["onboard", "p-ceo", "--screened", "2026-10-01"],
        "already has `screened: 2026-11-02`",
    );
    ok(
        &dir,
        &[
            "onboard",
            "p-internal-auditor",
            "--covered-by-supplier",
            "SUP-16",
        ],
    );
    assert!(!has(&dir, "ANX-10", "p-internal-auditor"));

    let (_t2, acme) = acme();
    let person = findings(&acme, "2026-12-01")
        .into_iter()
        .find(|f| f.code == "ANX-10")
        .and_then(|f| f.record);
    if let Some(p) = person {
        let before = read(&acme, "isms.yaml");
        ok(&acme, &["onboard", &p, "--acceptable-use", "2026-11-30"]);
        let (removed, added) = changed(&before, &read(&acme, "isms.yaml"));
        assert!(
            removed.is_empty() || removed.lines().count() == 1,
            "{removed}"
        );
        assert!(added.contains("2026-11-30"), "{added}");
    }
}

#[test]
fn owners_confirm_obligations_and_editions_of_external_documents() {
    let (_t, dir) = scaffold();
    assert_eq!(count(&dir, "ANX-04"), 10);
    refused(
        &dir,
        &["confirm", "OBL-01", "--by", "p-cto"],
        "does not keep obligation OBL-01",
    );
    let before = read(&dir, "context.yaml");
    ok(&dir, &["confirm", "OBL-01", "--by", "p-head-finance"]);
    let (removed, added) = changed(&before, &read(&dir, "context.yaml"));
    assert_eq!(
        removed,
        "    last_reviewed: ~   # to do: date of the last legal review\n"
    );
    assert_eq!(added, "    last_reviewed: 2026-12-01\n");
    for o in ["p-head-finance", "p-cto", "p-ops-lead", "p-head-people"] {
        ok(&dir, &["confirm", "obligations", "--by", o]);
    }
    assert_eq!(count(&dir, "ANX-04"), 0);

    assert_eq!(count_of(&dir, "SUP-04", "EXT-"), 3);
    refused(
        &dir,
        &["confirm", "EXT-03", "--by", "p-ops-lead"],
        "--edition",
    );
    refused(
        &dir,
        &["confirm", "EXT-03", "--by", "p-cto", "--edition", "2026"],
        "does not keep external document EXT-03",
    );
    refused(
        &dir,
        &[
            "confirm",
            "R-001",
            "--by",
            "p-security-lead",
            "--edition",
            "2026",
        ],
        "describe an external document",
    );
    let before = read(&dir, "isms.yaml");
    ok(
        &dir,
        &[
            "confirm",
            "EXT-03",
            "--by",
            "p-ops-lead",
            "--edition",
            "SOC 2 report 2026",
            "--location",
            "https://compliance.example.com",
        ],
    );
    let (removed, added) = changed(&before, &read(&dir, "isms.yaml"));
    assert!(removed.contains("location: ~"), "{removed}");
    assert!(
        added.contains("location: https://compliance.example.com\n"),
        "{added}"
    );
    assert!(added.contains("version: SOC 2 report 2026\n"), "{added}");
    assert_eq!(count_of(&dir, "SUP-04", "EXT-"), 2);

    // The example: an external document with a version already is re-confirmed in place.
    let (_t2, acme) = acme();
    let before = read(&acme, "isms.yaml");
    ok(
        &acme,
        &[
            "confirm",
            "EXT-02",
            "--by",
            "p-isms",
            "--edition",
            "2022 (checked 2026)",
        ],
    );
    let (removed, added) = changed(&before, &read(&acme, "isms.yaml"));
    assert_eq!(removed, "    version: \"2022\"\n");
    assert_eq!(added, "    version: \"2022 (checked 2026)\"\n");
}

#[test]
fn a_reassessment_redates_the_risks_and_then_the_assessment() {
    let (_t, dir) = scaffold();
    for o in OWNERS {
        ok(&dir, &["confirm", "risks", "--by", o]);
    }
    ok(&dir, &["confirm", "assessment", "--by", "p-security-lead"]);
    // The same day there is nothing left to confirm.
    refused(
        &dir,
        &["confirm", "R-001", "--by", "p-security-lead"],
        "already assessed on 2026-12-01",
    );
    // A year and more later the assessment is due again; the owner re-assesses, keeping
    // the ratings, and the risk is dated anew.
    let later = "2028-01-10";
    assert!(
        findings(&dir, later)
            .iter()
            .any(|f| f.code == "RSK-15" && f.record.as_deref() == Some("R-001"))
    );
    ok(
        &dir,
        &["confirm", "R-001", "--by", "p-security-lead", "--on", later],
    );
    assert!(read(&dir, "risks.yaml").contains("    last_assessed: 2028-01-10\n"));
    assert!(
        !findings(&dir, later)
            .iter()
            .any(|f| f.code == "RSK-15" && f.record.as_deref() == Some("R-001"))
    );
    ok(
        &dir,
        &["confirm", "risks", "--by", "p-security-lead", "--on", later],
    );
    assert!(
        !findings(&dir, later)
            .iter()
            .any(|f| f.code == "RSK-15" && f.record.as_deref() == Some("R-013"))
    );
}

#[test]
fn the_assessment_is_not_dated_while_a_risk_is_unrated() {
    let (_t, dir) = scaffold();
    for o in OWNERS {
        ok(&dir, &["confirm", "risks", "--by", o]);
    }
    ok(
        &dir,
        &["new", "risk", "--title", "Unrated", "--owner", "p-cto"],
    );
    refused(
        &dir,
        &["confirm", "assessment", "--by", "p-security-lead"],
        "R-042 not rated yet",
    );
    ok(
        &dir,
        &["confirm", "R-042", "--by", "p-cto", "--inherent", "2x2"],
    );
    ok(&dir, &["confirm", "assessment", "--by", "p-security-lead"]);
}

#[test]
fn plan_commit_records_who_decided_the_replan() {
    let (_t, dir) = scaffold();
    let repo = git2::Repository::init(&dir).unwrap();
    let mut cfg = repo.config().unwrap();
    cfg.set_str("user.name", "Test Runner").unwrap();
    cfg.set_str("user.email", "runner@example.com").unwrap();
    ok(
        &dir,
        &["plan", "R-001#1", "--due", "2027-01-31", "--commit"],
    );
    let out = ok(
        &dir,
        &[
            "plan",
            "R-001#1",
            "--due",
            "2027-03-31",
            "--reason",
            "Keys late",
            "--by",
            "p-security-lead",
            "--commit",
        ],
    );
    assert!(out.contains("committed "), "{out}");
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let msg = head.message().unwrap();
    assert!(msg.contains("Approved-by: Security lead"), "{msg}");
    let files: Vec<String> = {
        let tree = head.tree().unwrap();
        let parent = head.parent(0).unwrap().tree().unwrap();
        let diff = repo
            .diff_tree_to_tree(Some(&parent), Some(&tree), None)
            .unwrap();
        diff.deltas()
            .map(|d| d.new_file().path().unwrap().display().to_string())
            .collect()
    };
    assert_eq!(files, ["risks.yaml"]);
}

#[test]
fn plan_on_the_example_replans_an_action_with_an_id() {
    let (_t, dir) = acme();
    refused(
        &dir,
        &["plan", "RTP-001-1", "--due", "2027-01-31"],
        "action RTP-001-1 is done",
    );
    refused(
        &dir,
        &["plan", "RTP-004-2", "--due", "2027-01-31"],
        "already due on",
    );
    let before = read(&dir, "risks.yaml");
    ok(
        &dir,
        &[
            "plan",
            "RTP-004-2",
            "--due",
            "2027-01-31",
            "--reason",
            "Vendor delay",
            "--by",
            "p-isms",
        ],
    );
    let (removed, added) = changed(&before, &read(&dir, "risks.yaml"));
    assert_eq!(removed, "");
    assert!(added.contains("reason: Vendor delay"), "{added}");
    assert!(added.contains("due: 2027-01-31"), "{added}");
}

#[test]
fn plan_gives_an_action_without_an_owner_its_owner() {
    let (_t, dir) = scaffold();
    let risks = read(&dir, "risks.yaml");
    let text = risks.replacen(
        "        owner: p-ops-lead\n        due: ~   # to do: target date\n",
        "        due: ~   # to do: target date\n",
        1,
    );
    assert_ne!(text, risks);
    std::fs::write(dir.join("risks.yaml"), &text).unwrap();
    let hint = findings(&dir, AS_OF)
        .into_iter()
        .find(|f| f.code == "RSK-08" && f.message.contains("an owner"))
        .map(|f| f.message)
        .unwrap();
    assert!(hint.contains("R-001"), "{hint}");
    refused(
        &dir,
        &["plan", "R-001", "--owner", "p-ops-lead"],
        "name the action",
    );
    refused(
        &dir,
        &["plan", "R-001#1", "--owner", "p-opslead"],
        "did you mean `p-ops-lead`?",
    );
    ok(
        &dir,
        &[
            "plan",
            "R-001#1",
            "--owner",
            "p-ops-lead",
            "--due",
            "2027-01-31",
        ],
    );
    let (removed, added) = changed(&text, &read(&dir, "risks.yaml"));
    assert_eq!(removed, "        due: ~   # to do: target date\n");
    assert!(added.contains("owner: p-ops-lead\n"), "{added}");
    assert!(added.contains("due: 2027-01-31\n"), "{added}");
    assert!(
        !findings(&dir, AS_OF)
            .iter()
            .any(|f| f.code == "RSK-08" && f.message.contains("an owner"))
    );
}

#[test]
fn accept_risks_names_the_risks_it_leaves_to_a_decision_of_their_own() {
    let (_t, dir) = scaffold();
    let out = isms()
        .args([
            "accept",
            "risks",
            "--by",
            "p-cto",
            "--rationale",
            "Within the criteria",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not accepted: R-003 (above the acceptance criteria"),
        "{err}"
    );
    assert!(err.contains("R-009"), "{err}");
    let text = read(&dir, "risks.yaml");
    let r003 = &text[text.find("  - id: R-003").unwrap()..text.find("  - id: R-004").unwrap()];
    assert!(r003.contains("acceptance: { by: ~"), "{r003}");
}
