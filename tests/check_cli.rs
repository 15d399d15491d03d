//! `isms check`, `isms rules` and `isms explain` from the command line: exit codes, every
//! output format (snapshots), configuration and waivers, folding, and the generated rules page.

#[path = "support/clean.rs"]
mod clean;

use clean::copy_dir;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

const AS_OF: &str = "2025-06-30";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/clean")
}

/// A copy of the clean fixture with edits applied: (file, text found exactly once, replacement).
/// A replacement of `None` deletes the file.
fn repo(edits: &[(&str, &str, Option<&str>)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    for (file, from, to) in edits {
        let path = tmp.path().join(file);
        match to {
            None => std::fs::remove_file(&path).unwrap(),
            Some(to) => {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(
                    text.matches(from).count(),
                    1,
                    "`{from}` must occur once in {file}"
                );
                std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
            }
        }
    }
    tmp
}

/// Appends text to a file of the repository.
fn append(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    let mut content = std::fs::read_to_string(&path).unwrap();
    content.push_str(text);
    std::fs::write(path, content).unwrap();
}

fn isms(args: &[&str]) -> Output {
    cargo_bin_cmd!("isms")
        .env_clear()
        .args(args)
        .output()
        .unwrap()
}

fn check(dir: &Path, extra: &[&str]) -> Output {
    let d = dir.to_str().unwrap();
    // The Git rules have their own tests below; the copies here are not repositories.
    let mut args = vec!["check", d, "--as-of", AS_OF, "--color", "never", "--no-git"];
    args.extend_from_slice(extra);
    isms(&args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(o)))
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The repository used for the format snapshots: errors with and without a location, a
/// related location, warnings, a waived finding and a stale waiver.
fn mixed() -> tempfile::TempDir {
    let dir = repo(&[
        (
            "soa.yaml",
            "justification: No own premises; the team works remotely and production runs at the cloud provider.",
            Some("justification: N/A"),
        ),
        (
            "risks.yaml",
            "controls: [\"8.13\"]",
            Some("controls: [\"8.13\", \"7.5\"]"),
        ),
        (
            "risks.yaml",
            "        status: done\n        completed: 2025-05-20\n",
            Some("        status: in-progress\n"),
        ),
        ("incidents.yaml", "    response: Link blocked\n", Some("")),
        ("metrics.yaml", "", None),
    ]);
    append(
        dir.path(),
        "isms.yaml",
        "
checks:
  waivers:
    - rule: RSK-14
      record: R-01
      owner: p-cto
      expires: 2025-12-31
      reason: \"Backup automation waits for the new storage contract, tracked in CHG-01\"
    - rule: risk-action-overdue
      record: R-99
      owner: p-cto
      expires: 2025-12-31
      reason: Left over from a deleted risk
",
    );
    dir
}

/// Replaces the temporary folder in output so snapshots are stable.
fn redact(text: &str, dir: &Path) -> String {
    text.replace(dir.to_str().unwrap(), "[REPO]")
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn clean_repository_exits_zero() {
    let o = check(&fixture(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "isms check: no problems found (as of 2025-06-30)\n"
    );
}

#[test]
fn errors_exit_one_and_warnings_only_with_deny_warnings() {
    let errors = repo(&[(
        "soa.yaml",
        "justification: No own premises; the team works remotely and production runs at the cloud provider.",
        Some("justification: TBD"),
    )]);
    assert_eq!(check(errors.path(), &[]).status.code(), Some(1));

    let warnings = repo(&[("incidents.yaml", "    response: Link blocked\n", Some(""))]);
    let o = check(warnings.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("warning[ANX-05]"), "{}", stdout(&o));
    assert_eq!(
        check(warnings.path(), &["--deny", "warnings"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        check(warnings.path(), &["--deny", "ANX-05"]).status.code(),
        Some(1)
    );
    assert_eq!(
        check(warnings.path(), &["--deny", "incidents-handled"])
            .status
            .code(),
        Some(1)
    );
    // --allow makes the error informational: shown, not failing.
    let o = check(errors.path(), &["--allow", "soa-05"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("info[SOA-05]"), "{}", stdout(&o));
}

#[test]
fn tool_errors_exit_two() {
    let missing = isms(&["check", "/definitely/not/here", "--as-of", AS_OF]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("/definitely/not/here does not exist"),
        "{}",
        stderr(&missing)
    );

    let bad_date = isms(&[
        "check",
        fixture().to_str().unwrap(),
        "--as-of",
        "2025-02-30",
    ]);
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(
        stderr(&bad_date).contains("YYYY-MM-DD"),
        "{}",
        stderr(&bad_date)
    );

    let unknown = isms(&["check", fixture().to_str().unwrap(), "--deny", "SOA-5O"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("did you mean"),
        "{}",
        stderr(&unknown)
    );

    let conflict = isms(&[
        "check",
        fixture().to_str().unwrap(),
        "--deny",
        "SOA-05",
        "--allow",
        "soa-05",
    ]);
    assert_eq!(conflict.status.code(), Some(2));
}

#[test]
fn load_problems_are_reported_and_fail() {
    let dir = repo(&[(
        "assets.yaml",
        "    type: information\n",
        Some("    type: [information\n"),
    )]);
    let o = check(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        codes(&json(&o)).iter().any(|c| c == "LOAD-006"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn human_format() {
    let dir = mixed();
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(redact(&stdout(&o), dir.path()));
}

#[test]
fn json_format() {
    let dir = mixed();
    let o = check(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["version"], 1);
    assert_eq!(v["failed"], true);
    assert_eq!(v["summary"]["waived"], 1);
    let waived: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["waived"].is_null())
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["code"], "RSK-14");
    assert_eq!(waived[0]["waived"]["owner"], "p-cto");
    assert!(
        codes(&v).contains(&"CFG-05".to_string()),
        "stale waiver reported"
    );
    insta::assert_snapshot!(redact(&stdout(&o), dir.path()));
}

#[test]
fn sarif_format_is_valid() {
    let dir = mixed();
    let o = check(dir.path(), &["--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "isms");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique");
    assert!(ids.contains(&"SOA-05") && ids.contains(&"LOAD-006") && ids.contains(&"CFG-05"));
    for r in rules {
        assert!(
            r["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(
            ["error", "warning", "note"]
                .contains(&r["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], id, "ruleIndex points at the rule");
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let locs = r["locations"].as_array().unwrap();
        assert_eq!(
            locs.len(),
            1,
            "code scanning needs a location on every result"
        );
        assert!(
            locs[0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some()
        );
        if let Some(line) = locs[0]["physicalLocation"]["region"]["startLine"].as_u64() {
            assert!(line >= 1);
        }
    }
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "RSK-14");
    assert_eq!(suppressed[0]["suppressions"][0]["status"], "accepted");
    // The rule descriptors are the registry (covered by the rules page test); the snapshot
    // keeps one of them and the results.
    let sample = rules.iter().find(|r| r["id"] == "SOA-05").unwrap().clone();
    let mut v = v.clone();
    v["runs"][0]["tool"]["driver"]["rules"] = serde_json::json!({ "SOA-05": sample });
    // Rule indexes move when rules are added; they are checked above.
    for r in v["runs"][0]["results"].as_array_mut().unwrap() {
        r.as_object_mut().unwrap().remove("ruleIndex");
    }
    let text = serde_json::to_string_pretty(&v).unwrap();
    insta::assert_snapshot!(redact(&text, dir.path()));
}

#[test]
fn github_format() {
    let dir = mixed();
    let o = check(dir.path(), &["--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.lines().all(|l| l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::notice ")),
        "{out}"
    );
    assert!(out.contains("::error file=soa.yaml,line="), "{out}");
    assert!(out.contains("title=isms SOA-05::"), "{out}");
    insta::assert_snapshot!(redact(&out, dir.path()));
}

#[test]
fn github_paths_are_relative_to_the_git_root() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let isms_dir = tmp.path().join("compliance/isms");
    std::fs::create_dir_all(&isms_dir).unwrap();
    copy_dir(&fixture(), &isms_dir);
    std::fs::remove_file(isms_dir.join("incidents.yaml")).unwrap();
    append(
        &isms_dir,
        "assets.yaml",
        "  - { id: A-02, name: Laptops, type: hardware }\n",
    );
    let o = check(&isms_dir, &["--format", "github"]);
    assert!(
        stdout(&o).contains("file=compliance/isms/assets.yaml,line="),
        "{}",
        stdout(&o)
    );
}

#[test]
fn junit_format() {
    let dir = mixed();
    let o = check(dir.path(), &["--format", "junit"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("<?xml"));
    assert!(out.contains("<testsuite name=\"soa\""), "{out}");
    assert!(
        out.contains("name=\"SOA-05 soa-exclusion-justified\">"),
        "{out}"
    );
    // Rules without findings and the test counts change whenever a rule is added; the
    // snapshot keeps the test cases that have content.
    let kept: Vec<String> = out
        .lines()
        .filter(|l| !(l.trim_start().starts_with("<testcase ") && l.ends_with("/>")))
        .map(|l| match l.find(" tests=\"") {
            Some(i) => {
                let end = l[i + 8..].find('"').map_or(l.len(), |e| i + 8 + e + 1);
                format!("{}{}", &l[..i], &l[end..])
            }
            None => l.to_string(),
        })
        .collect();
    insta::assert_snapshot!(redact(&kept.join("\n"), dir.path()));
}

#[test]
fn config_changes_severity_and_disables_with_reason() {
    let dir = repo(&[("incidents.yaml", "    response: Link blocked\n", Some(""))]);
    append(
        dir.path(),
        "isms.yaml",
        "
checks:
  rules:
    ANX-05: { severity: error, reason: Incident records are contractual evidence }
",
    );
    let o = check(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "raised to error by configuration");

    let dir = repo(&[("incidents.yaml", "    response: Link blocked\n", Some(""))]);
    append(
        dir.path(),
        "isms.yaml",
        "\nchecks:\n  rules:\n    incidents-handled: { disabled: true, reason: Incidents live in the ticket system }\n",
    );
    let o = check(dir.path(), &["--format", "json", "--deny", "warnings"]);
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(codes(&v).is_empty(), "{}", stdout(&o));
    assert_eq!(v["disabled"][0]["rule"], "ANX-05");

    let dir = repo(&[("incidents.yaml", "    response: Link blocked\n", Some(""))]);
    append(
        dir.path(),
        "isms.yaml",
        "\nchecks:\n  rules:\n    ANX-05: { disabled: true }\n",
    );
    let o = check(dir.path(), &["--format", "json"]);
    let c = codes(&json(&o));
    assert!(
        c.contains(&"CFG-02".to_string()) && c.contains(&"ANX-05".to_string()),
        "{c:?}"
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn expired_waiver_is_reported_and_no_longer_waives() {
    let dir = repo(&[(
        "soa.yaml",
        "justification: No own premises; the team works remotely and production runs at the cloud provider.",
        Some("justification: N/A"),
    )]);
    append(
        dir.path(),
        "isms.yaml",
        "\nchecks:\n  waivers:\n    - { rule: SOA-05, record: \"7.5\", owner: p-ciso, expires: 2025-06-29, reason: Decision pending }\n",
    );
    let o = check(dir.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let c = codes(&json(&o));
    assert!(
        c.contains(&"CFG-04".to_string()) && c.contains(&"SOA-05".to_string()),
        "{c:?}"
    );
    // The day before expiry it still waives.
    let d = dir.path().to_str().unwrap();
    let o = isms(&["check", d, "--as-of", "2025-06-29", "--format", "json"]);
    let v = json(&o);
    assert!(!codes(&v).contains(&"CFG-04".to_string()), "{}", stdout(&o));
    assert_eq!(v["summary"]["waived"], 1);
}

#[test]
fn many_findings_of_one_rule_are_folded() {
    let dir = repo(&[]);
    let soa = dir.path().join("soa.yaml");
    let text = std::fs::read_to_string(&soa).unwrap();
    let head = text.split("controls:\n").next().unwrap().to_string();
    std::fs::write(&soa, format!("{head}controls: []\n")).unwrap();
    let o = check(dir.path(), &[]);
    let out = stdout(&o);
    assert!(
        out.contains(
            "... and 92 more SOA-01 findings (soa-covers-annex-a) about 5.2, 5.3, 5.4, 5.5, 5.6, 5.7 and 86 others; use --no-fold to list them all"
        ),
        "{out}"
    );
    assert!(out.contains("findings by rule:"), "{out}");
    assert_eq!(out.matches("error[SOA-01]").count(), 1);
    let all = stdout(&check(dir.path(), &["--no-fold"]));
    assert_eq!(all.matches("error[SOA-01]").count(), 93);
    let v = json(&check(dir.path(), &["--format", "json"]));
    assert_eq!(
        codes(&v).iter().filter(|c| *c == "SOA-01").count(),
        93,
        "JSON carries everything"
    );
}

#[test]
fn rules_lists_the_registry() {
    let o = isms(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for code in ["SOA-01", "CTX-02", "RSK-10", "MR-02", "LOAD-006", "CFG-04"] {
        assert!(out.contains(code), "{code} missing from:\n{out}");
    }
    let o = isms(&["rules", "--format", "json", "--area", "risk"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert!(list.len() >= 15);
    assert!(
        list.iter()
            .all(|r| r["code"].as_str().unwrap().starts_with("RSK-"))
    );
    assert_eq!(list[0]["area"], "risk");
    let bad = isms(&["rules", "--area", "riks"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("did you mean `risk`"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn explain_by_code_or_name() {
    let by_code = isms(&["explain", "soa-05"]);
    assert_eq!(by_code.status.code(), Some(0));
    let text = stdout(&by_code);
    assert!(
        text.starts_with("SOA-05  soa-exclusion-justified"),
        "{text}"
    );
    assert!(text.contains("ISO/IEC 27001:2022 6.1.3 d"), "{text}");
    let by_name = isms(&["explain", "SOA-EXCLUSION-JUSTIFIED"]);
    assert_eq!(stdout(&by_name), text);
    let json = isms(&["explain", "RSK-10", "--format", "json"]);
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["name"], "residual-risk-accepted-by-owner");
    let unknown = isms(&["explain", "residual-risk-accepted-by-ownr"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("did you mean `residual-risk-accepted-by-owner`"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn rules_page_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = isms::checks::registry::markdown();
    assert!(
        committed == generated,
        "docs/rules.md is stale: regenerate it with `cargo run -- rules --format markdown > docs/rules.md`"
    );
    let o = isms(&["rules", "--format", "markdown"]);
    assert_eq!(stdout(&o), generated, "the command writes the same page");
}

#[test]
fn a_folder_without_isms_yaml_reports_only_that() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.md"), "# not an ISMS\n").unwrap();
    let o = check(tmp.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(codes(&json(&o)), vec!["LOAD-001"], "{}", stdout(&o));
}

#[test]
fn a_fresh_scaffold_reads_as_a_to_do_list() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    let init = isms(&["init", dir.to_str().unwrap(), "--no-git"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let v = json(&check(&dir, &["--format", "json"]));
    let found = codes(&v);
    // CTX-02: who decided on climate change is the user's to record; SUP-12: the markers.
    for todo in [
        "LDR-01", "SOA-08", "CTX-05", "AUD-03", "MR-01", "RSK-01", "RSK-05", "RSK-10", "CTX-02",
        "OPS-01", "SUP-12",
    ] {
        assert!(
            found.iter().any(|c| c == todo),
            "{todo} should be on the to-do list: {found:?}"
        );
    }
    assert!(
        !found.iter().any(|c| c.starts_with("LOAD-")),
        "the scaffold loads cleanly: {found:?}"
    );
    // Approvals (the methodology's too), audits, reviews, the proposed risk ratings and the
    // acceptance of residual risk are to do; the structure itself is complete.
    let rsk01: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "RSK-01")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        rsk01.iter().all(|m| m.contains("have not been approved")),
        "only the methodology's approval is to do: {rsk01:?}"
    );
    for done in [
        "SOA-01", "SOA-04", "SOA-05", "SOA-06", "SOA-07", "RSK-04", "CTX-01", "LDR-02",
    ] {
        assert!(
            !found.iter().any(|c| c == done),
            "{done} should already pass on a scaffold: {found:?}"
        );
    }
    let human = stdout(&check(&dir, &[]));
    let lines = human.lines().count();
    // Folding keeps each rule to a few lines; the bound grows only with the number of rules
    // that have something for the owner to decide on a fresh scaffold.
    assert!(
        lines < 400,
        "the to-do list should stay short, got {lines} lines:\n{human}"
    );
}

#[test]
fn git_rules_run_unless_no_git() {
    let dir = repo(&[]);
    let d = dir.path().to_str().unwrap();
    // Outside a repository: one informational finding, the run passes.
    let o = isms(&["check", d, "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(codes(&json(&o)), vec!["GIT-01"]);

    // Committed: clean. An uncommitted edit: GIT-03.
    let repo = git2::Repository::init(dir.path()).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::new(
        "Ada Chief",
        "ada@example.com",
        &git2::Time::new(1_746_000_000, 0),
    )
    .unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "ISMS as of May 2025", &tree, &[])
        .unwrap();
    let o = isms(&["check", d, "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(codes(&json(&o)), Vec::<String>::new(), "{}", stdout(&o));

    append(
        dir.path(),
        "assets.yaml",
        "  - { id: A-02, name: Laptops, type: hardware, owner: p-cto }\n",
    );
    let o = isms(&["check", d, "--as-of", AS_OF, "--format", "json"]);
    let c = codes(&json(&o));
    assert_eq!(c, vec!["GIT-03"], "{}", stdout(&o));
    let o = isms(&["check", d, "--as-of", AS_OF, "--format", "json", "--no-git"]);
    assert!(codes(&json(&o)).is_empty());
}

#[test]
fn a_waiver_owned_by_an_unknown_person_waives_nothing() {
    let dir = repo(&[(
        "soa.yaml",
        "justification: No own premises; the team works remotely and production runs at the cloud provider.",
        Some("justification: N/A"),
    )]);
    append(
        dir.path(),
        "isms.yaml",
        "\nchecks:\n  waivers:\n    - { rule: SOA-05, record: \"7.5\", owner: p-nobody, expires: 2025-12-31, reason: Decision pending }\n",
    );
    let v = json(&check(dir.path(), &["--format", "json"]));
    let c = codes(&v);
    assert!(c.contains(&"CFG-03".to_string()), "{c:?}");
    assert_eq!(v["summary"]["waived"], 0, "{v:#}");
}

#[test]
fn a_second_information_security_policy_still_needs_its_approval() {
    let dir = repo(&[]);
    std::fs::write(
        dir.path().join("policies/z-second.md"),
        "---\nid: POL-99\ntitle: Second policy\nkind: information-security\nversion: \"1.0\"\nowner: p-ciso\n---\n# Second\n",
    )
    .unwrap();
    let v = json(&check(dir.path(), &["--format", "json"]));
    let sup04: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SUP-04" && d["record"] == "POL-99")
        .collect();
    assert_eq!(sup04.len(), 1, "{v:#}");
}

#[test]
fn a_stale_waiver_keeps_the_natural_order_of_findings() {
    let soa = fixture().join("soa.yaml");
    let text = std::fs::read_to_string(soa).unwrap();
    let dir = repo(&[]);
    // Remove 5.2 and 5.10 from the SoA: SOA-01 reports both, about the whole file.
    let mut kept = Vec::new();
    let mut skip = false;
    for line in text.lines() {
        if line.starts_with("  - id:") {
            skip = line.ends_with("\"5.2\"")
                || line.ends_with("\"5.10\"")
                || line.ends_with(" 5.2")
                || line.ends_with(" 5.10");
        }
        if !skip {
            kept.push(line);
        }
    }
    std::fs::write(dir.path().join("soa.yaml"), kept.join("\n") + "\n").unwrap();
    let order = |v: &Value| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "SOA-01")
            .map(|d| d["record"].as_str().unwrap().to_string())
            .collect()
    };
    let before = order(&json(&check(dir.path(), &["--format", "json"])));
    assert_eq!(before, vec!["5.2", "5.10"]);
    append(
        dir.path(),
        "isms.yaml",
        "\nchecks:\n  waivers:\n    - { rule: SOA-05, record: \"9.9\", owner: p-ciso, expires: 2025-12-31, reason: Nothing }\n",
    );
    let after = order(&json(&check(dir.path(), &["--format", "json"])));
    assert_eq!(after, before);
}
