//! Policy acknowledgements (7.3, A.5.1, A.6.3): the register, rule SUP-13 (legitimate
//! designs and the exact finding), `isms import acknowledgements` (resolution of people and
//! policies, nothing written on errors, idempotent re-import), the rate in `isms status` and
//! on the rendered policy.

#[path = "support/clean.rs"]
mod clean;

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use clean::{AS_OF, Found, line_of};

/// The clean fixture's people with the organisation on AS_OF; p-dev left on 2025-03-31.
const CURRENT: [&str; 4] = ["p-ceo", "p-ciso", "p-cto", "p-auditor"];

fn register(people: &[&str], version: &str, date: &str) -> String {
    let mut s = "acknowledgements:\n".to_string();
    for p in people {
        s.push_str(&format!(
            "  - {{ person: {p}, policy: POL-01, version: \"{version}\", date: {date}, method: HR system }}\n"
        ));
    }
    s
}

fn with_register(text: &str) -> tempfile::TempDir {
    let tmp = clean::copy();
    std::fs::write(tmp.path().join("acknowledgements.yaml"), text).unwrap();
    tmp
}

fn sup13(dir: &Path, as_of: &str) -> Vec<Found> {
    clean::findings(dir, as_of)
        .into_iter()
        .filter(|f| f.code == "SUP-13")
        .collect()
}

#[test]
fn everyone_acknowledged_is_clean() {
    let tmp = with_register(&register(&CURRENT, "1.0", "2025-02-06"));
    let all = clean::findings(tmp.path(), AS_OF);
    assert!(all.is_empty(), "{all:?}");
}

#[test]
fn within_the_window_is_not_yet_a_finding() {
    // POL-01 was approved on 2025-02-01: with a 30-day window nothing is due before 2025-03-03.
    let tmp = with_register(&register(&["p-ceo"], "1.0", "2025-02-06"));
    assert!(sup13(tmp.path(), "2025-02-20").is_empty());
    // A longer window configured by the organisation.
    let isms = tmp.path().join("isms.yaml");
    let text = std::fs::read_to_string(&isms).unwrap();
    assert!(
        !text.contains("cadences:"),
        "the fixture uses the default cadences"
    );
    std::fs::write(
        &isms,
        format!("{text}cadences:\n  acknowledgement_days: 200\n"),
    )
    .unwrap();
    assert!(sup13(tmp.path(), AS_OF).is_empty());
}

#[test]
fn no_register_no_rule() {
    let tmp = clean::copy();
    assert!(sup13(tmp.path(), AS_OF).is_empty());
}

#[test]
fn one_person_missing_is_reported_at_the_policy_version() {
    let tmp = with_register(&register(
        &["p-ceo", "p-ciso", "p-cto"],
        "1.0",
        "2025-02-06",
    ));
    let found = sup13(tmp.path(), AS_OF);
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    let policy =
        std::fs::read_to_string(tmp.path().join("policies/information-security.md")).unwrap();
    assert_eq!(f.path, "policies/information-security.md");
    assert_eq!(f.line, line_of(&policy, "version: \"1.0\""));
    assert_eq!(f.severity, "error");
    assert_eq!(f.record.as_deref(), Some("POL-01 p-auditor"));
    assert!(
        f.message.contains("p-auditor has not acknowledged POL-01 version 1.0 (approved 2025-02-01), due by 2025-03-03"),
        "{}",
        f.message
    );
}

#[test]
fn an_older_version_does_not_count_and_leavers_are_not_asked() {
    // Everyone acknowledged 0.9 only; p-dev (left) is never expected.
    let tmp = with_register(&register(&CURRENT, "0.9", "2025-01-06"));
    let found = sup13(tmp.path(), AS_OF);
    let people: Vec<&str> = found.iter().map(|f| f.record.as_deref().unwrap()).collect();
    assert_eq!(
        people,
        [
            "POL-01 p-auditor",
            "POL-01 p-ceo",
            "POL-01 p-ciso",
            "POL-01 p-cto"
        ]
    );
}

#[test]
fn unknown_person_or_policy_in_the_register_is_a_dangling_reference() {
    let tmp = with_register(
        "acknowledgements:\n  - { person: p-nobody, policy: POL-01, version: \"1.0\", date: 2025-02-06 }\n  - { person: p-ceo, policy: POL-99, date: 2025-02-06 }\n",
    );
    let found = clean::findings(tmp.path(), AS_OF);
    let dangling: Vec<u32> = found
        .iter()
        .filter(|f| f.code == "LOAD-013" && f.path == "acknowledgements.yaml")
        .map(|f| f.line)
        .collect();
    assert_eq!(dangling, [2, 3], "{found:?}");
}

// ---------------------------------------------------------------------------------------------
// isms import acknowledgements

fn import(dir: &Path, csv: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let file = dir.join("export.csv");
    std::fs::write(&file, csv).unwrap();
    cargo_bin_cmd!("isms")
        .args(["import", "acknowledgements"])
        .arg(&file)
        .arg("-C")
        .arg(dir)
        .args(extra)
        .assert()
}

#[test]
fn import_resolves_people_and_policies_and_writes_the_register() {
    let tmp = clean::copy();
    let csv = "person,policy,version,date,method\n\
p-ceo,POL-01,1.0,2025-02-06,DocuSign\n\
Ben Secure,Information Security Policy,,2025-02-07,DocuSign\n\
p-cto,pol-01,1.0,2025-02-08,HR system\n\
p-auditor,POL-01,1.0,2025-02-09,\n";
    // The export has no e-mail addresses for the fixture's people; ids and names resolve.
    import(tmp.path(), csv, &[])
        .success()
        .stdout(predicates::str::contains(
            "added 4 acknowledgement(s) to acknowledgements.yaml",
        ));
    let text = std::fs::read_to_string(tmp.path().join("acknowledgements.yaml")).unwrap();
    assert!(text.contains("person: p-ciso"), "{text}");
    assert!(text.contains("version: \"1.0\""), "{text}");
    let all = clean::findings(tmp.path(), AS_OF);
    assert!(all.is_empty(), "the imported register is complete: {all:?}");
    // The same export again changes nothing.
    import(tmp.path(), csv, &[])
        .success()
        .stdout(predicates::str::contains("added 0 acknowledgement(s)"))
        .stdout(predicates::str::contains("4 already recorded"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("acknowledgements.yaml")).unwrap(),
        text
    );
}

#[test]
fn import_reports_every_bad_row_and_writes_nothing() {
    let tmp = clean::copy();
    let csv = "person,policy,version,date,method\n\
p-ceo,POL-01,1.0,2025-02-06,DocuSign\n\
Ada Chef,POL-01,1.0,2025-02-06,DocuSign\n\
p-ciso,Acceptable Use,1.0,2025-02-06,DocuSign\n\
p-cto,POL-01,1.0,06/02/2025,DocuSign\n";
    let out = import(tmp.path(), csv, &[])
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("export.csv:3: unknown person `Ada Chef`: did you mean `Ada Chief`?"),
        "{err}"
    );
    assert!(
        err.contains("export.csv:4: unknown policy `Acceptable Use`"),
        "{err}"
    );
    assert!(
        err.contains("export.csv:5: `06/02/2025` is not a date"),
        "{err}"
    );
    assert!(err.contains("nothing imported: 3 problem(s)"), "{err}");
    assert!(!tmp.path().join("acknowledgements.yaml").exists());
}

#[test]
fn import_dry_run_prints_the_diff_only() {
    let tmp = with_register(&register(&["p-ceo"], "1.0", "2025-02-06"));
    let before = std::fs::read_to_string(tmp.path().join("acknowledgements.yaml")).unwrap();
    import(
        tmp.path(),
        "person,policy,date\np-ciso,POL-01,2025-02-07\n",
        &["--dry-run"],
    )
    .success()
    .stdout(predicates::str::contains("+++ b/acknowledgements.yaml"))
    // The register's items are flow mappings, and the new one follows their style.
    .stdout(predicates::str::contains("+  - { person: p-ciso"))
    .stdout(predicates::str::contains("would add 1"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("acknowledgements.yaml")).unwrap(),
        before
    );
}

#[test]
fn import_needs_the_required_columns() {
    let tmp = clean::copy();
    import(tmp.path(), "name,document\nx,y\n", &[])
        .code(1)
        .stderr(predicates::str::contains(
            "export.csv:1: the header lacks the column(s) person, policy, date",
        ));
}

// ---------------------------------------------------------------------------------------------
// Status and the rendered policy

#[test]
fn status_shows_the_acknowledgement_rate() {
    let tmp = with_register(&register(
        &["p-ceo", "p-ciso", "p-cto"],
        "1.0",
        "2025-02-06",
    ));
    let out = cargo_bin_cmd!("isms")
        .args(["status", "--no-git", "--as-of", AS_OF, "--color", "never"])
        .arg(tmp.path())
        .assert()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Policy acknowledgements (75%: 3 of 4)"),
        "{text}"
    );
    assert!(
        text.contains("POL-01 1.0 (approved 2025-02-01): 3 of 4; overdue: p-auditor"),
        "{text}"
    );
    let json = cargo_bin_cmd!("isms")
        .args(["status", "--no-git", "--format", "json", "--as-of", AS_OF])
        .arg(tmp.path())
        .assert()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["acknowledgements"]["percent"], 75);
    assert_eq!(v["acknowledgements"]["overdue"], 1);
}

#[test]
fn rendered_policy_shows_its_acknowledgements() {
    let tmp = with_register(&register(
        &["p-ceo", "p-ciso", "p-cto"],
        "1.0",
        "2025-02-06",
    ));
    let out = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("isms")
        .args([
            "render", "policies", "--draft", "--format", "md", "--as-of", AS_OF, "-C",
        ])
        .arg(tmp.path())
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let md = std::fs::read_to_string(out.path().join("policies/POL-01.md")).unwrap();
    assert!(
        md.contains("- Acknowledged (version 1.0): 3 of 4 people (75%); overdue: Dana Audit (due 2025-03-03)"),
        "{md}"
    );
}
