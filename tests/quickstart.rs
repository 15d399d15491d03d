//! The README's quickstart keeps working as time passes: its first command, run on the shipped
//! example on a day two years from now, still reports a clean ISMS, because the example freezes
//! its evaluation date (`as_of` in isms.yaml) and says so.

#[path = "support/clean.rs"]
mod clean;

use assert_cmd::Command;
use clean::copy_dir;

/// Two years after the example was written.
const LATER: &str = "2028-12-07";

/// The arguments of the README's first quickstart command (`cargo run --release -- ARGS`).
fn quickstart_args() -> Vec<String> {
    let readme = include_str!("../README.md");
    let quickstart = readme
        .split("## Quickstart")
        .nth(1)
        .expect("README.md has a Quickstart section");
    let command = quickstart
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("cargo run"))
        .expect("the quickstart has a `cargo run` command");
    let args = command
        .split_once(" -- ")
        .expect("the command passes arguments after `--`")
        .1;
    args.split_whitespace().map(str::to_owned).collect()
}

fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas"),
        tmp.path(),
    );
    tmp
}

/// Runs the quickstart's arguments with the example path replaced by `dir`.
fn run_quickstart(dir: &std::path::Path, today: &str) -> assert_cmd::assert::Assert {
    let args: Vec<String> = quickstart_args()
        .into_iter()
        .map(|a| {
            if a == "examples/acme-saas" {
                dir.display().to_string()
            } else {
                a
            }
        })
        .collect();
    assert_eq!(args.first().map(String::as_str), Some("check"));
    Command::cargo_bin("isms")
        .unwrap()
        .args(&args)
        .arg("--format")
        .arg("json")
        .env("ISMS_TODAY", today)
        .env_remove("ISMS_COLOR")
        .assert()
}

fn summary(out: &[u8]) -> (String, u64, u64) {
    let v: serde_json::Value = serde_json::from_slice(out).unwrap();
    let non_git_warnings = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "warning")
        .filter(|d| !d["code"].as_str().unwrap_or("").starts_with("GIT-"))
        .count() as u64;
    (
        v["as_of"].as_str().unwrap().to_owned(),
        v["summary"]["errors"].as_u64().unwrap(),
        non_git_warnings,
    )
}

#[test]
fn quickstart_is_clean_two_years_later() {
    let tmp = example_copy();
    let assert = run_quickstart(tmp.path(), LATER).success();
    let out = assert.get_output();
    let (as_of, errors, warnings) = summary(&out.stdout);
    assert_eq!(as_of, "2026-12-01");
    assert_eq!((errors, warnings), (0, 0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("evaluated as of 2026-12-01, the date fixed by `as_of` in isms.yaml"),
        "the frozen date is announced: {stderr}"
    );
}

#[test]
fn without_the_frozen_date_the_example_decays() {
    let tmp = example_copy();
    let manifest = tmp.path().join("isms.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let unfrozen: String = text
        .lines()
        .filter(|l| !l.starts_with("as_of:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(text, unfrozen, "the example sets as_of");
    std::fs::write(&manifest, unfrozen).unwrap();
    let assert = run_quickstart(tmp.path(), LATER).failure();
    let (as_of, errors, _) = summary(&assert.get_output().stdout);
    assert_eq!(as_of, LATER);
    assert!(errors > 0, "two years on, reviews and audits are overdue");
}

#[test]
fn an_explicit_as_of_wins_over_the_frozen_date() {
    let tmp = example_copy();
    let assert = Command::cargo_bin("isms")
        .unwrap()
        .args(["check", "--as-of", "2027-06-01", "--format", "json"])
        .arg(tmp.path())
        .assert();
    let (as_of, _, _) = summary(&assert.get_output().stdout);
    assert_eq!(as_of, "2027-06-01");
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr);
    assert!(!stderr.contains("fixed by `as_of`"), "{stderr}");
}

#[test]
fn a_malformed_isms_today_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    Command::cargo_bin("isms")
        .unwrap()
        .args(["init", "--no-git", "--org", "Example"])
        .arg(tmp.path().join("new-isms"))
        .env("ISMS_TODAY", "07/12/2026")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "ISMS_TODAY is `07/12/2026`, not a date",
        ));
}

/// A record added to the frozen example is dated on its frozen day, not after it (which
/// `check` would report as a date after the evaluation date, SUP-08).
#[test]
fn records_added_to_the_frozen_example_take_its_date() {
    let tmp = example_copy();
    Command::cargo_bin("isms")
        .unwrap()
        .args([
            "new",
            "risk",
            "--title",
            "Laptop theft in transit",
            "--owner",
            "p-cto",
        ])
        .arg(tmp.path())
        .env("ISMS_TODAY", LATER)
        .assert()
        .success();
    let risks = std::fs::read_to_string(tmp.path().join("risks.yaml")).unwrap();
    assert!(risks.contains("identified: 2026-12-01"), "{risks}");
    let out = Command::cargo_bin("isms")
        .unwrap()
        .args(["check", "--no-git", "--format", "json"])
        .arg(tmp.path())
        .env("ISMS_TODAY", LATER)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"SUP-08"), "{codes:?}");
    assert!(
        codes.contains(&"RSK-05"),
        "the rating is a person's decision: {codes:?}"
    );
}
