//! `isms risks`, `isms soa` and `isms controls ID` inside an ISMS: filters, sort orders,
//! formats, levels from the methodology, table width and colours.

#[path = "support/clean.rs"]
mod clean;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A day the example is current on.
const EXAMPLE_AS_OF: &str = "2026-12-07";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas")
}

/// `isms <args>` with a fixed width and no inherited colour or date settings.
fn isms(args: &[&str]) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("isms");
    cmd.env_remove("ISMS_COLOR")
        .env_remove("NO_COLOR")
        .env_remove("ISMS_AS_OF")
        .env("COLUMNS", "120")
        .args(args);
    cmd
}

fn stdout(args: &[&str]) -> String {
    let out = isms(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("stdout is UTF-8")
}

fn json(args: &[&str]) -> Vec<Value> {
    let mut full = args.to_vec();
    full.extend(["--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&full)).expect("valid JSON");
    v.as_array().expect("an array").clone()
}

fn risks_json(extra: &[&str]) -> Vec<Value> {
    let dir = example();
    let mut args = vec!["risks", dir.to_str().unwrap(), "--as-of", EXAMPLE_AS_OF];
    args.extend(extra);
    json(&args)
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// isms risks

#[test]
fn risks_lists_the_whole_register_with_levels_from_the_methodology() {
    let rows = risks_json(&[]);
    assert!(rows.len() > 20, "{}", rows.len());
    let r1 = &rows[0];
    assert_eq!(r1["id"], "R-001");
    // The example rates R-001 likelihood 4 x impact 5 = 20 inherent, which its bands call
    // Critical; the residual is in the High band.
    assert_eq!(r1["inherent"]["label"], "Critical");
    assert_eq!(r1["inherent"]["value"], 20.0);
    assert_eq!(r1["residual"]["label"], "High");
    assert_eq!(r1["owner"], "p-sre");
    assert_eq!(r1["treatment"], "mitigate");
    assert_eq!(r1["status"], "accepted");
    assert!(r1["controls"].as_array().unwrap().contains(&"5.17".into()));
}

#[test]
fn risks_filters_combine() {
    let all = risks_json(&[]);
    let by_owner = risks_json(&["--owner", "p-sre"]);
    assert!(!by_owner.is_empty() && by_owner.len() < all.len());
    assert!(by_owner.iter().all(|r| r["owner"] == "p-sre"));

    let high = risks_json(&["--level", "high"]);
    assert!(!high.is_empty());
    assert!(
        high.iter().all(|r| r["residual"]["label"] == "High"),
        "{high:?}"
    );

    let both = risks_json(&["--owner", "p-sre", "--level", "High"]);
    assert!(
        both.iter()
            .all(|r| r["owner"] == "p-sre" && r["residual"]["label"] == "High")
    );
    assert!(both.len() <= by_owner.len().min(high.len()));

    let treating = risks_json(&["--status", "in-treatment"]);
    assert!(!treating.is_empty());
    assert!(
        treating
            .iter()
            .all(|r| r["open_actions"].as_u64().unwrap() > 0)
    );
    let mitigated = risks_json(&["--treatment", "modify"]);
    assert!(mitigated.iter().all(|r| r["treatment"] == "mitigate"));
    assert!(!mitigated.is_empty());
}

#[test]
fn risks_control_filter_treats_ids_as_text() {
    let with_5_1 = risks_json(&["--control", "5.1"]);
    assert!(!with_5_1.is_empty());
    for r in &with_5_1 {
        let controls: Vec<&str> = r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(controls.contains(&"5.1"), "{} has {controls:?}", r["id"]);
    }
    let with_5_15 = risks_json(&["--control", "A.5.15"]);
    assert!(!with_5_15.is_empty());
    assert_ne!(ids(&with_5_1), ids(&with_5_15));
}

#[test]
fn risks_sort_by_residual_level_highest_first() {
    let rows = risks_json(&["--sort", "residual"]);
    let levels: Vec<f64> = rows
        .iter()
        .map_while(|r| r["residual"]["value"].as_f64())
        .collect();
    assert!(levels.len() > 10);
    assert!(levels.windows(2).all(|w| w[0] >= w[1]), "{levels:?}");
    let by_id = risks_json(&[]);
    assert_ne!(ids(&rows), ids(&by_id));
}

#[test]
fn risks_unknown_band_is_refused_with_the_bands() {
    let dir = example();
    let out = isms(&["risks", dir.to_str().unwrap(), "--level", "severe"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("no such band") && err.contains("Critical"),
        "{err}"
    );
}

#[test]
fn risks_unknown_status_lists_the_valid_values() {
    let out = isms(&["risks", ".", "--status", "closed"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("in-treatment, awaiting-acceptance"), "{err}");
}

#[test]
fn risks_csv_has_one_row_per_risk() {
    let dir = example();
    let csv = stdout(&[
        "risks",
        dir.to_str().unwrap(),
        "--as-of",
        EXAMPLE_AS_OF,
        "--format",
        "csv",
    ]);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,title,owner,inherent_level")
    );
    assert_eq!(lines.count(), risks_json(&[]).len());
}

#[test]
fn risk_levels_follow_a_matrix_methodology() {
    let tmp = clean::copy();
    let yaml = std::fs::read_to_string(tmp.path().join("isms.yaml")).unwrap();
    let yaml = yaml.replace(
        "  level: product\n  acceptance_threshold: 3\n",
        "  level: matrix\n  matrix:\n    - [Low, Low, Medium]\n    - [Low, Medium, High]\n    - [Medium, High, High]\n  bands:\n    - { max: 1, label: Low }\n    - { max: 2, label: Medium }\n    - { max: 3, label: High }\n  acceptance_threshold: Low\n",
    );
    assert!(yaml.contains("level: matrix"));
    std::fs::write(tmp.path().join("isms.yaml"), yaml).unwrap();
    let rows = json(&[
        "risks",
        tmp.path().to_str().unwrap(),
        "--as-of",
        clean::AS_OF,
    ]);
    // R-01 is rated likelihood 3 x impact 3 before treatment: the matrix says High (not 9).
    let r1 = rows.iter().find(|r| r["id"] == "R-01").unwrap();
    assert_eq!(r1["inherent"]["label"], "High", "{r1}");
    assert_eq!(r1["inherent"]["value"], 3.0, "{r1}");
    assert_eq!(r1["inherent"]["acceptable"], false, "{r1}");
}

#[test]
fn risks_table_fits_the_width_and_keeps_one_line_per_risk() {
    let dir = example();
    for width in ["60", "80", "120", "200"] {
        let out = isms(&["risks", dir.to_str().unwrap(), "--as-of", EXAMPLE_AS_OF])
            .env("COLUMNS", width)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        let w: usize = width.parse().unwrap();
        for line in out.lines() {
            assert!(line.chars().count() <= w, "{width}: {line:?}");
        }
        let rows = out
            .lines()
            .filter(|l| l.trim_start().starts_with("R-"))
            .count();
        assert_eq!(rows, risks_json(&[]).len(), "{width}:\n{out}");
    }
}

#[test]
fn risks_table_snapshot() {
    let out = stdout(&[
        "risks",
        clean::fixture().to_str().unwrap(),
        "--as-of",
        clean::AS_OF,
    ]);
    insta::assert_snapshot!(out);
}

#[test]
fn colours_follow_the_color_flag_and_no_color() {
    let dir = example();
    let d = dir.to_str().unwrap();
    let always = stdout(&["--color", "always", "risks", d, "--as-of", EXAMPLE_AS_OF]);
    assert!(always.contains("\x1b[1m"), "header in bold");
    assert!(
        always.contains("\x1b[31m"),
        "risks above the threshold in red"
    );
    let never = stdout(&["--color", "never", "risks", d, "--as-of", EXAMPLE_AS_OF]);
    assert!(!never.contains('\x1b'));
    // `auto` is off when stdout is not a terminal, and NO_COLOR keeps it off.
    let auto = isms(&["risks", d, "--as-of", EXAMPLE_AS_OF])
        .env("NO_COLOR", "1")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(!String::from_utf8(auto).unwrap().contains('\x1b'));
    let soa = stdout(&["--color", "always", "soa", d]);
    assert!(soa.contains("\x1b[1m"));
}

// ---------------------------------------------------------------------------------------
// isms soa

fn soa_json(extra: &[&str]) -> Vec<Value> {
    let dir = example();
    let mut args = vec!["soa", dir.to_str().unwrap()];
    args.extend(extra);
    json(&args)
}

#[test]
fn soa_lists_controls_in_id_order_with_ids_as_text() {
    let rows = soa_json(&[]);
    assert_eq!(rows.len(), 93);
    let list = ids(&rows);
    let p9 = list.iter().position(|i| i == "5.9").unwrap();
    let p10 = list.iter().position(|i| i == "5.10").unwrap();
    let p1 = list.iter().position(|i| i == "5.1").unwrap();
    assert!(p1 < p9 && p9 < p10, "{list:?}");
    let c = &rows[p10];
    assert_eq!(
        c["title"],
        "Acceptable use of information and other associated assets"
    );
    assert_eq!(c["theme"], "organizational");
}

#[test]
fn soa_filters_combine() {
    let excluded = soa_json(&["--excluded"]);
    assert!(!excluded.is_empty());
    assert!(excluded.iter().all(|r| r["applicable"] == false));
    let applicable = soa_json(&["--applicable"]);
    assert_eq!(applicable.len() + excluded.len(), 93);
    let physical = soa_json(&["--theme", "physical"]);
    assert_eq!(physical.len(), 14);
    assert!(ids(&physical).iter().all(|i| i.starts_with("7.")));
    let physical_excluded = soa_json(&["--theme", "Physical", "--excluded"]);
    assert!(physical_excluded.len() < physical.len());
    assert!(ids(&physical_excluded).iter().all(|i| i.starts_with("7.")));
    let implemented = soa_json(&["--status", "implemented"]);
    assert!(implemented.iter().all(|r| r["status"] == "implemented"));
    assert!(!implemented.is_empty());
}

#[test]
fn soa_rejects_unknown_values_and_both_applicable_and_excluded() {
    let dir = example();
    let d = dir.to_str().unwrap();
    let err = isms(&["soa", d, "--status", "done"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("implemented, partial, planned, not-implemented"),
        "{err}"
    );
    isms(&["soa", d, "--applicable", "--excluded"])
        .assert()
        .code(2);
}

#[test]
fn soa_table_and_csv() {
    let dir = example();
    let d = dir.to_str().unwrap();
    let table = stdout(&["soa", d, "--theme", "physical"]);
    assert!(table.lines().next().unwrap().contains("DECISION"));
    assert!(table.contains(" 7.10 "), "{table}");
    assert!(table.contains("14 of 93 controls"), "{table}");
    let csv = stdout(&["soa", d, "--format", "csv", "--excluded"]);
    let first = csv.lines().nth(1).unwrap();
    assert!(first.contains(",false,"), "{first}");
}

// ---------------------------------------------------------------------------------------
// isms controls ID inside an ISMS

/// `isms controls ID --format json` gives one object.
fn control_json(args: &[&str], cwd: &Path) -> Value {
    let mut full = args.to_vec();
    full.extend(["--format", "json"]);
    let out = isms(&full)
        .current_dir(cwd)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_str(&String::from_utf8(out).unwrap()).unwrap()
}

#[test]
fn controls_id_adds_the_decision_risks_documents_and_evidence() {
    let dir = example();
    let v = control_json(
        &[
            "controls",
            "8.5",
            "--dir",
            dir.to_str().unwrap(),
            "--as-of",
            EXAMPLE_AS_OF,
        ],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(v["id"], "8.5");
    assert_eq!(v["title"], "Secure authentication");
    let d = &v["decision"];
    assert_eq!(d["applicable"], true);
    assert_eq!(d["status"], "implemented");
    assert_eq!(d["owner"], "p-it");
    let risks = ids(d["risks"].as_array().unwrap());
    assert!(risks.contains(&"R-001".to_string()), "{risks:?}");
    assert!(d["risks"][0]["inherent"]["label"].is_string());
    let docs = ids(d["documents"].as_array().unwrap());
    assert!(docs.contains(&"POL-03".to_string()), "{docs:?}");
    let ev = &d["evidence"][0];
    assert_eq!(ev["collected"], "2026-10-15");
    assert_eq!(ev["age_days"], 53);
    assert_eq!(d["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn controls_id_inside_an_isms_folder_needs_no_dir() {
    let v = control_json(&["controls", "8.5", "--as-of", EXAMPLE_AS_OF], &example());
    assert_eq!(v["decision"]["owner"], "p-it");
    let text = isms(&["controls", "8.5", "--as-of", EXAMPLE_AS_OF])
        .current_dir(example())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("In this ISMS"), "{text}");
    assert!(text.contains("POL-03 Access Control Policy"), "{text}");
}

#[test]
fn controls_id_outside_an_isms_shows_the_catalogue_only() {
    let tmp = tempfile::tempdir().unwrap();
    let v = control_json(&["controls", "5.10"], tmp.path());
    assert_eq!(v["id"], "5.10");
    assert!(v.get("decision").is_none(), "{v}");
}

#[test]
fn controls_id_reports_the_check_findings_about_the_control() {
    let tmp = clean::copy();
    // Implemented but with no evidence: the SoA rules have something to say about 5.1.
    let soa = std::fs::read_to_string(tmp.path().join("soa.yaml")).unwrap();
    let v = control_json(
        &[
            "controls",
            "5.1",
            "--dir",
            tmp.path().to_str().unwrap(),
            "--as-of",
            clean::AS_OF,
        ],
        tmp.path(),
    );
    let d = &v["decision"];
    assert_eq!(d["in_soa"], true, "{soa}");
    assert_eq!(d["status"], "planned");
    // The clean fixture passes every rule: nothing about 5.1.
    assert_eq!(d["findings"].as_array().unwrap().len(), 0, "{d}");
    let edited = soa.replacen(
        "justification: Baseline control for a SaaS company.",
        "justification: \"\"",
        1,
    );
    assert_ne!(edited, soa, "the fixture's first justification");
    std::fs::write(tmp.path().join("soa.yaml"), edited).unwrap();
    let v = control_json(
        &[
            "controls",
            "5.1",
            "--dir",
            tmp.path().to_str().unwrap(),
            "--as-of",
            clean::AS_OF,
        ],
        tmp.path(),
    );
    let findings = v["decision"]["findings"].as_array().unwrap().clone();
    assert!(!findings.is_empty(), "{v}");
    assert!(
        findings
            .iter()
            .all(|f| f["location"].as_str().unwrap().starts_with("soa.yaml:"))
    );
}
