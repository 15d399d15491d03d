//! CLI tests for `isms controls`: listing, filters, formats, showing one control, 2013 ids and
//! errors.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

/// `isms controls <args>` with colour off and no inherited colour setting.
fn controls(args: &[&str]) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("isms");
    cmd.env_remove("ISMS_COLOR")
        .env("NO_COLOR", "1")
        .arg("controls")
        .args(args);
    cmd
}

fn stdout_of(args: &[&str]) -> String {
    let out = controls(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("stdout is UTF-8")
}

/// The ids in the first column of the table output (data rows only).
fn table_ids(out: &str) -> Vec<String> {
    out.lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.contains('.'))
        .map(String::from)
        .collect()
}

fn json_ids(args: &[&str]) -> Vec<String> {
    let mut full = args.to_vec();
    full.extend(["--format", "json"]);
    let v: Value = serde_json::from_str(&stdout_of(&full)).expect("valid JSON");
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|c| c["id"].as_str().expect("id is a string").to_string())
        .collect()
}

#[test]
fn lists_all_93_controls_in_catalogue_order() {
    let out = stdout_of(&[]);
    let ids = table_ids(&out);
    assert_eq!(ids.len(), 93);
    assert_eq!(ids.first().map(String::as_str), Some("5.1"));
    assert_eq!(ids.last().map(String::as_str), Some("8.34"));
    let pos = |id: &str| ids.iter().position(|i| i == id).expect(id);
    assert_eq!(pos("5.10"), pos("5.9") + 1);
    assert!(
        out.lines()
            .next()
            .is_some_and(|h| h.starts_with("ID") && h.contains("TITLE") && h.contains("THEME"))
    );
    assert_eq!(out.lines().last(), Some("93 controls"));
    // Aligned columns: every title starts at the same column as the TITLE header.
    let title_col = out.find("TITLE").expect("header");
    let row = out
        .lines()
        .find(|l| l.starts_with("5.10 "))
        .expect("row 5.10");
    assert_eq!(row.find("Acceptable use"), Some(title_col));
}

#[test]
fn table_snapshot() {
    insta::assert_snapshot!("controls_list", stdout_of(&[]));
}

#[test]
fn filters_combine() {
    let out = stdout_of(&["--theme", "physical", "--type", "detective"]);
    assert_eq!(table_ids(&out), ["7.4", "7.11"]);
    assert_eq!(out.lines().last(), Some("2 of 93 controls"));

    assert_eq!(
        json_ids(&["--theme", "Technological", "--type", "CORRECTIVE"]),
        ["8.7", "8.13", "8.16"]
    );
    assert_eq!(
        json_ids(&[
            "--concept",
            "recover",
            "--domain",
            "governance and ecosystem"
        ]),
        ["5.37"]
    );
    assert_eq!(
        json_ids(&["--capability", "identity_and_access_management"]),
        [
            "5.3", "5.15", "5.16", "5.17", "5.18", "5.37", "7.2", "8.2", "8.3", "8.4", "8.5"
        ]
    );
    assert_eq!(
        json_ids(&[
            "--capability",
            "Identity and Access Management",
            "--theme",
            "people"
        ]),
        Vec::<String>::new()
    );
    assert_eq!(
        json_ids(&[
            "--property",
            "availability",
            "--domain",
            "resilience",
            "--new"
        ]),
        ["5.7", "5.30"]
    );
}

#[test]
fn new_lists_the_11_controls_added_in_2022() {
    assert_eq!(
        json_ids(&["--new"]),
        [
            "5.7", "5.23", "5.30", "7.4", "8.9", "8.10", "8.11", "8.12", "8.16", "8.23", "8.28"
        ]
    );
}

#[test]
fn no_match_is_not_an_error() {
    controls(&["--theme", "people", "--concept", "recover"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no control matches"));
}

#[test]
fn json_has_every_attribute_and_guidance() {
    let v: Value = serde_json::from_str(&stdout_of(&["--format", "json"])).expect("valid JSON");
    let all = v.as_array().expect("array");
    assert_eq!(all.len(), 93);
    let c = all.iter().find(|c| c["id"] == "5.37").expect("5.37");
    assert_eq!(c["title"], "Documented operating procedures");
    assert_eq!(c["theme"], "Organizational");
    assert_eq!(
        c["control_types"],
        serde_json::json!(["Preventive", "Corrective"])
    );
    assert_eq!(
        c["security_domains"],
        serde_json::json!(["Governance_and_Ecosystem", "Protection", "Defence"])
    );
    assert_eq!(
        c["operational_capabilities"].as_array().map(Vec::len),
        Some(9)
    );
    assert_eq!(c["predecessors_2013"], serde_json::json!(["A.12.1.1"]));
    assert_eq!(c["new_in_2022"], false);
    for c in all {
        for key in ["security_properties", "cybersecurity_concepts"] {
            assert!(
                c[key].as_array().is_some_and(|a| !a.is_empty()),
                "{} {key}",
                c["id"]
            );
        }
        assert!(
            c["guidance"].as_str().is_some_and(|g| g.len() > 40),
            "{}",
            c["id"]
        );
    }
}

#[test]
fn csv_output_round_trips() {
    let out = stdout_of(&["--format", "csv", "--theme", "people"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers = reader.headers().expect("header").clone();
    assert_eq!(&headers[0], "id");
    assert_eq!(&headers[3], "control_type");
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV");
    assert_eq!(rows.len(), 8);
    assert_eq!(
        &rows[2][1],
        "Information security awareness, education and training"
    );
    assert_eq!(&rows[3][3], "Preventive;Corrective");
}

#[test]
fn shows_one_control() {
    for id in ["8.5", "A.8.5", " a.8.5 "] {
        controls(&[id])
            .assert()
            .success()
            .stdout(predicate::str::starts_with("8.5 Secure authentication\n"))
            .stdout(predicate::str::contains("Technological (clause 8)"))
            .stdout(predicate::str::contains("Identity and access management"))
            .stdout(predicate::str::contains("A.9.4.2 Secure log-on procedures"))
            .stdout(predicate::str::contains("Guidance"))
            .stdout(predicate::str::contains("New in 2022").not());
    }
    insta::assert_snapshot!("controls_show_8_5", stdout_of(&["8.5"]));
}

#[test]
fn show_marks_new_controls_and_title_variants() {
    controls(&["5.23"])
        .assert()
        .success()
        .stdout(predicate::str::contains("New in 2022"));
    controls(&["8.25"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Secure development lifecycle"));
    // A title is accepted too.
    controls(&["secure authentication"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("8.5 "));
}

#[test]
fn show_json_is_one_object() {
    let v: Value =
        serde_json::from_str(&stdout_of(&["8.15", "--format", "json"])).expect("valid JSON");
    assert_eq!(v["id"], "8.15");
    assert_eq!(
        v["predecessors_2013"],
        serde_json::json!(["A.12.4.1", "A.12.4.2", "A.12.4.3"])
    );
}

#[test]
fn explains_2013_ids() {
    controls(&["A.9.2.1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ISO/IEC 27001:2013"))
        .stdout(predicate::str::contains(
            "User registration and de-registration",
        ))
        .stdout(predicate::str::contains("5.16  Identity management"));
    let v: Value =
        serde_json::from_str(&stdout_of(&["12.3.1", "--format", "json"])).expect("valid JSON");
    assert_eq!(v["id_2013"], "A.12.3.1");
    assert_eq!(v["ids_2022"], serde_json::json!(["8.13"]));
    controls(&["A.18.2.3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("5.36").and(predicate::str::contains("8.8 ")));
}

#[test]
fn unknown_id_fails_with_suggestion() {
    controls(&["5.99"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown Annex A control `5.99`"))
        .stderr(predicate::str::contains("did you mean `5.9`"));
    controls(&["A.9.9.9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ISO/IEC 27001:2013"))
        .stderr(predicate::str::contains("did you mean `A."));
    controls(&["5.1.0.0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown Annex A control"));
}

#[test]
fn unknown_filter_value_lists_valid_values() {
    controls(&["--domain", "cloud"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "governance_and_ecosystem, protection, defence, resilience",
        ));
    controls(&["--theme", "digital"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "organizational, people, physical, technological",
        ));
    controls(&["--capability", "magic"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("information_security_assurance"));
}

#[test]
fn id_and_filters_conflict() {
    controls(&["8.5", "--theme", "people"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--theme"));
}
