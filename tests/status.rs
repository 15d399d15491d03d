//! `isms status`: snapshots of the dashboard (text and JSON) on the example and on a fresh
//! scaffold, and the order of the to-dos on a fresh scaffold.

#[path = "support/clean.rs"]
mod clean;

use clean::copy_dir;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

/// A day the example is current on (its records run to late 2026).
const EXAMPLE_AS_OF: &str = "2026-12-01";
/// The scaffold is made on this day and looked at a few months later.
const SCAFFOLD_DAY: (i16, i8, i8) = (2025, 1, 31);
const SCAFFOLD_AS_OF: &str = "2025-06-30";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas")
}

fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&example(), tmp.path());
    tmp
}

fn scaffold() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let (y, m, d) = SCAFFOLD_DAY;
    isms::scaffold::init(&isms::scaffold::InitOptions {
        dir: tmp.path().to_path_buf(),
        org: Some("Example Ltd".into()),
        template: isms::scaffold::DEFAULT_TEMPLATE.to_string(),
        git: false,
        force: false,
        today: jiff::civil::date(y, m, d),
    })
    .unwrap();
    tmp
}

fn status(dir: &Path, as_of: &str, format: &str) -> String {
    let out = cargo_bin_cmd!("isms")
        .args([
            "status", "--no-git", "--color", "never", "--as-of", as_of, "--format", format,
        ])
        .arg(dir)
        .env_remove("NO_COLOR")
        .env_remove("ISMS_AS_OF")
        .env_remove("ISMS_COLOR")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(dir: &Path, as_of: &str) -> Value {
    serde_json::from_str(&status(dir, as_of, "json")).unwrap()
}

#[test]
fn example_text() {
    let dir = example_copy();
    insta::assert_snapshot!(status(dir.path(), EXAMPLE_AS_OF, "text"));
}

#[test]
fn example_json() {
    let dir = example_copy();
    let v = json(dir.path(), EXAMPLE_AS_OF);
    assert_eq!(v["as_of"], EXAMPLE_AS_OF);
    insta::assert_json_snapshot!(v);
}

#[test]
fn scaffold_text() {
    let dir = scaffold();
    insta::assert_snapshot!(status(dir.path(), SCAFFOLD_AS_OF, "text"));
}

#[test]
fn scaffold_json() {
    let dir = scaffold();
    insta::assert_json_snapshot!(json(dir.path(), SCAFFOLD_AS_OF));
}

#[test]
fn output_is_deterministic_under_as_of() {
    let dir = example_copy();
    assert_eq!(
        status(dir.path(), EXAMPLE_AS_OF, "json"),
        status(dir.path(), EXAMPLE_AS_OF, "json")
    );
}

/// The scope and the policy come before the treatment plans: approving 36 plans means little
/// while the boundary they sit in is not approved.
#[test]
fn scope_and_policy_approval_come_before_treatment_plans() {
    let dir = scaffold();
    let v = json(dir.path(), SCAFFOLD_AS_OF);
    let todo = v["todo"].as_array().unwrap();
    let pos = |pred: &dyn Fn(&Value) -> bool| todo.iter().position(pred);
    let scope = pos(&|t| {
        t["first"]
            .as_str()
            .is_some_and(|f| f.starts_with("scope.md"))
    })
    .expect("a scope to-do");
    let policy = pos(&|t| {
        t["first"]
            .as_str()
            .is_some_and(|f| f.starts_with("policies/information-security"))
    })
    .expect("a policy to-do");
    let plans = pos(&|t| t["rule"] == "RSK-09").expect("treatment plan approvals to-do");
    assert!(scope < policy, "{todo:#?}");
    assert!(policy < plans, "{todo:#?}");
    assert!(todo[plans]["count"].as_u64().unwrap() > 1);
    // Stages never go backwards within one severity.
    let key = |t: &Value| t["severity"].as_str().unwrap_or("").to_string();
    for w in todo.windows(2) {
        if key(&w[0]) == key(&w[1]) {
            let order = [
                "records",
                "context",
                "policy",
                "risk",
                "soa",
                "objectives",
                "support",
                "operation",
                "audit",
                "review",
                "improvement",
                "evidence",
            ];
            let rank = |t: &Value| order.iter().position(|s| t["stage"] == *s).unwrap();
            assert!(rank(&w[0]) <= rank(&w[1]), "{w:#?}");
        }
    }
}

#[test]
fn readiness_is_explained_and_consistent() {
    let dir = scaffold();
    let v = json(dir.path(), SCAFFOLD_AS_OF);
    let o = &v["overall"];
    let (applicable, passing, failing) = (
        o["applicable"].as_u64().unwrap(),
        o["passing"].as_u64().unwrap(),
        o["failing"].as_u64().unwrap(),
    );
    assert_eq!(applicable, passing + failing);
    assert_eq!(o["percent"].as_u64().unwrap(), passing * 100 / applicable);
    let text = status(dir.path(), SCAFFOLD_AS_OF, "text");
    assert!(text.contains("Readiness = rules with no outstanding error / rules applied"));
}

#[test]
fn a_missing_folder_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("isms")
        .args(["status", "--no-git"])
        .arg(tmp.path().join("nope"))
        .assert()
        .code(2);
}

/// The window of one due item (by record id) on a given day.
fn window_of(dir: &Path, as_of: &str, record: &str) -> Option<(String, i64)> {
    let v = json(dir, as_of);
    v["due"]
        .as_array()?
        .iter()
        .find(|d| d["record"] == record)
        .map(|d| {
            (
                d["window"].as_str().unwrap_or("").to_string(),
                d["days"].as_i64().unwrap_or(0),
            )
        })
}

/// The example plans internal audit AUD-2026-02 for 2026-12-02.
#[test]
fn due_dates_move_from_far_to_near_to_overdue() {
    let dir = example_copy();
    let p = dir.path();
    assert_eq!(
        window_of(p, "2026-07-01", "AUD-2026-02"),
        None,
        "more than 90 days ahead"
    );
    assert_eq!(
        window_of(p, "2026-10-01", "AUD-2026-02"),
        Some(("within-90-days".into(), 62))
    );
    assert_eq!(
        window_of(p, "2026-12-02", "AUD-2026-02"),
        Some(("within-30-days".into(), 0)),
        "due today is not yet overdue"
    );
    assert_eq!(
        window_of(p, "2026-12-05", "AUD-2026-02"),
        Some(("overdue".into(), -3))
    );
}

#[test]
fn colours_follow_the_color_option() {
    let dir = scaffold();
    let run = |color: &str| {
        let out = cargo_bin_cmd!("isms")
            .args([
                "status",
                "--no-git",
                "--as-of",
                SCAFFOLD_AS_OF,
                "--color",
                color,
            ])
            .arg(dir.path())
            .env_remove("NO_COLOR")
            .env_remove("ISMS_COLOR")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run("always").contains("\x1b["));
    assert!(!run("never").contains('\x1b'));
    // Not a terminal: `auto` stays plain.
    assert!(!run("auto").contains('\x1b'));
}

/// Rules that never ran neither pass nor fail, and records that did not load make every other
/// figure read too high: the dashboard says so instead of reporting a flattering percentage.
#[test]
fn incomplete_inputs_are_flagged() {
    let empty = tempfile::tempdir().unwrap();
    let v = json(empty.path(), SCAFFOLD_AS_OF);
    assert_eq!(v["rules_ran"], false);
    let areas: Vec<&str> = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["area"].as_str())
        .collect();
    assert_eq!(areas, ["load"]);

    let dir = example_copy();
    std::fs::write(dir.path().join("risks.yaml"), "risks: [\n  - id: {\n").unwrap();
    let v = json(dir.path(), EXAMPLE_AS_OF);
    assert_eq!(v["rules_ran"], true);
    assert_eq!(v["records_loaded"], false);
    assert_eq!(v["todo"][0]["stage"], "records", "{:#}", v["todo"][0]);
    let text = status(dir.path(), EXAMPLE_AS_OF, "text");
    assert!(text.contains("Some records did not load"), "{text}");
}

/// What `isms status` and `check` tell a newcomer to do on a fresh scaffold is a command, not
/// a YAML edit: every finding's hint names the `isms` command that records the decision,
/// except the scaffold's to-do notes (written in an editor) and Git's own setup.
#[test]
fn every_scaffold_finding_names_the_command_that_closes_it() {
    let tmp = scaffold();
    let out = cargo_bin_cmd!("isms")
        .args([
            "check",
            "--no-git",
            "--as-of",
            "2026-12-07",
            "--format",
            "json",
        ])
        .arg(tmp.path())
        .env_remove("ISMS_AS_OF")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut without: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !matches!(d["code"].as_str(), Some("SUP-12")))
        .filter(|d| !d["hint"].as_str().unwrap_or_default().contains("`isms "))
        .map(|d| format!("{}: {}", d["code"], d["hint"]))
        .collect();
    without.dedup();
    assert!(without.is_empty(), "{without:#?}");
}
