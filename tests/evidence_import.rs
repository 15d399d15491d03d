//! `isms evidence import prowler|powerpipe|github`: exports recorded as SoA evidence, the
//! scan rules (SCAN-01, SCAN-02), imported evidence in the existing freshness rules and the
//! audit pack, and refusal of malformed input with nothing written.

#[path = "support/clean.rs"]
mod clean;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clean::{AS_OF, copy, findings, line_of};
use predicates::prelude::*;

fn isms() -> Command {
    Command::cargo_bin("isms").unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/evidence_import")
        .join(name)
}

fn sha256(bytes: &[u8]) -> String {
    isms::render::pack::sha256_hex(bytes)
}

/// Every file under `dir` with its bytes, to prove nothing was written.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn soa(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("soa.yaml")).unwrap()
}

/// The text of one control's entry in soa.yaml, up to the next control.
fn control_block(soa: &str, id: &str) -> String {
    let start = soa
        .find(&format!("  - id: \"{id}\"\n"))
        .unwrap_or_else(|| panic!("{id} in soa.yaml"));
    let rest = &soa[start + 4..];
    let end = rest.find("\n  - id: ").map_or(rest.len(), |e| e + 1);
    soa[start..start + 4 + end].to_string()
}

/// Sets a control's status in soa.yaml.
fn set_status(dir: &Path, id: &str, status: &str) {
    let text = soa(dir);
    let block = control_block(&text, id);
    let new = block
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("status:") {
                format!("    status: {status}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    std::fs::write(dir.join("soa.yaml"), text.replacen(&block, &new, 1)).unwrap();
}

fn import(tool: &str, file: &str, dir: &Path) -> assert_cmd::assert::Assert {
    isms()
        .args(["evidence", "import", tool])
        .arg(fixture(file))
        .arg(dir)
        .assert()
}

/// The lines of `before` are all in `after`, in order: the import only added lines.
fn only_added(before: &str, after: &str) {
    let mut it = after.lines();
    for line in before.lines() {
        assert!(
            it.any(|l| l == line),
            "line `{line}` of the original is gone or moved"
        );
    }
}

#[test]
fn prowler_csv_is_stored_and_recorded_per_control() {
    let d = copy();
    let before = soa(d.path());
    import("prowler", "prowler-iso27001-2022.csv", d.path())
        .success()
        .stdout(predicate::str::contains(
            "collected 2025-06-20, expires 2025-08-04",
        ))
        .stdout(predicate::str::contains("8.24   2 passed, 1 failed"))
        .stderr(predicate::str::contains(
            "reported as manual by the scanner, not evidence: 5.2",
        ));
    let stored = d.path().join("evidence/scanners/prowler-2025-06-20.csv");
    let original = std::fs::read(fixture("prowler-iso27001-2022.csv")).unwrap();
    assert_eq!(std::fs::read(&stored).unwrap(), original, "stored as is");

    let after = soa(d.path());
    only_added(&before, &after);
    let block = control_block(&after, "8.24");
    for want in [
        "      - path: evidence/scanners/prowler-2025-06-20.csv\n",
        &sha256(&original),
        "        collected: 2025-06-20\n",
        "        expires: 2025-08-04\n",
        "          tool: prowler\n",
        "          passed: 2\n",
        "          failed: 1\n",
        "rds_instance_storage_encrypted",
    ] {
        assert!(block.contains(want), "{want:?} in\n{block}");
    }
    // 5.10 is its own control, not 5.1; a manual requirement is not evidence.
    assert!(control_block(&after, "5.10").contains("prowler-2025-06-20.csv"));
    assert!(!control_block(&after, "5.1").contains("prowler"));
    assert!(!control_block(&after, "5.2").contains("prowler"));
    // The existing flow-style entry of 8.13 stays and the new one follows it.
    let b813 = control_block(&after, "8.13");
    assert!(
        b813.contains("- { url: https://tickets.example.com/OPS-1"),
        "{b813}"
    );
    assert!(b813.find("OPS-1").unwrap() < b813.find("prowler-2025").unwrap());

    // The result loads and passes the evidence rules: file exists, hash matches.
    let found = findings(d.path(), AS_OF);
    assert!(found.iter().all(|f| f.severity != "error"), "{found:#?}");
    assert!(
        !found.iter().any(|f| f.code.starts_with("LOAD")),
        "{found:#?}"
    );
}

#[test]
fn importing_the_same_export_again_changes_nothing() {
    let d = copy();
    import("prowler", "prowler-iso27001-2022.csv", d.path()).success();
    let once = tree(d.path());
    import("prowler", "prowler-iso27001-2022.csv", d.path())
        .success()
        .stdout(predicate::str::contains(
            "8.24   already records this file, unchanged",
        ));
    assert_eq!(
        tree(d.path()),
        once,
        "a second import of the same file changes nothing"
    );
}

#[test]
fn a_different_export_under_the_same_name_needs_force() {
    let d = copy();
    import("prowler", "prowler-iso27001-2022.csv", d.path()).success();
    let before = tree(d.path());
    let changed = d.path().join("changed.csv");
    let text = std::fs::read_to_string(fixture("prowler-iso27001-2022.csv")).unwrap();
    std::fs::write(&changed, text.replace(";FAIL;RDS", ";PASS;RDS")).unwrap();
    isms()
        .args(["evidence", "import", "prowler"])
        .arg(&changed)
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "evidence/scanners/prowler-2025-06-20.csv already exists with different content; pass --force",
        ));
    let mut after = tree(d.path());
    after.remove(Path::new("changed.csv"));
    assert_eq!(after, before);
    isms()
        .args(["evidence", "import", "prowler", "--force"])
        .arg(&changed)
        .arg(d.path())
        .assert()
        .success();
    let block = control_block(&soa(d.path()), "8.24");
    assert!(
        block.contains("passed: 3\n") && block.contains("failed: 0\n"),
        "{block}"
    );
    assert_eq!(
        block.matches("prowler-2025-06-20.csv").count(),
        1,
        "{block}"
    );
}

#[test]
fn pointer_records_the_archive_location_and_hash_only() {
    let d = copy();
    isms()
        .args([
            "evidence",
            "import",
            "prowler",
            "--pointer",
            "https://archive.example.com/prowler/2025-06-20.csv",
        ])
        .arg(fixture("prowler-iso27001-2022.csv"))
        .arg(d.path())
        .assert()
        .success();
    assert!(
        !d.path().join("evidence/scanners").exists(),
        "nothing stored"
    );
    let block = control_block(&soa(d.path()), "8.24");
    assert!(
        block.contains("- url: https://archive.example.com/prowler/2025-06-20.csv\n"),
        "{block}"
    );
    let original = std::fs::read(fixture("prowler-iso27001-2022.csv")).unwrap();
    assert!(block.contains(&sha256(&original)), "{block}");
}

#[test]
fn dry_run_shows_the_diff_and_writes_nothing() {
    let d = copy();
    let before = tree(d.path());
    import_args(
        &["--dry-run"],
        "prowler",
        "prowler-iso27001-2022.csv",
        d.path(),
    )
    .success()
    .stdout(predicate::str::contains("--- a/soa.yaml"))
    .stdout(predicate::str::contains(
        "+      - path: evidence/scanners/prowler-2025-06-20.csv",
    ));
    assert_eq!(tree(d.path()), before);
}

fn import_args(args: &[&str], tool: &str, file: &str, dir: &Path) -> assert_cmd::assert::Assert {
    isms()
        .args(["evidence", "import", tool])
        .args(args)
        .arg(fixture(file))
        .arg(dir)
        .assert()
}

#[test]
fn prowler_ocsf_counts_iso_2022_findings_only() {
    let d = copy();
    import("prowler", "prowler-findings.ocsf.json", d.path())
        .success()
        .stdout(predicate::str::contains("Prowler JSON-OCSF findings"))
        .stderr(predicate::str::contains("1 muted or skipped"));
    assert!(
        d.path()
            .join("evidence/scanners/prowler-2025-06-20.json")
            .is_file()
    );
    let after = soa(d.path());
    let b824 = control_block(&after, "8.24");
    assert!(
        b824.contains("passed: 1\n") && b824.contains("failed: 1\n"),
        "{b824}"
    );
    // The muted FAIL for 5.10 is not counted, the PASS is.
    let b510 = control_block(&after, "5.10");
    assert!(
        b510.contains("passed: 1\n") && b510.contains("failed: 0\n"),
        "{b510}"
    );
    assert!(!control_block(&after, "5.2").contains("prowler"));
}

#[test]
fn scan_failures_on_an_implemented_control_are_reported_at_its_soa_entry() {
    let d = copy();
    import("prowler", "prowler-iso27001-2022.csv", d.path()).success();
    // Planned: the failures are no contradiction.
    assert!(
        !findings(d.path(), AS_OF)
            .iter()
            .any(|f| f.code == "SCAN-01")
    );
    set_status(d.path(), "8.24", "implemented");
    let found = findings(d.path(), AS_OF);
    let scan: Vec<_> = found.iter().filter(|f| f.code == "SCAN-01").collect();
    assert_eq!(scan.len(), 1, "{found:#?}");
    let f = scan[0];
    assert_eq!(f.path, "soa.yaml");
    assert_eq!(f.line, line_of(&soa(d.path()), "- id: \"8.24\""));
    assert_eq!(f.record.as_deref(), Some("8.24"));
    assert!(
        f.message
            .contains("control 8.24 is recorded as implemented")
            && f.message.contains("1 failure")
            && f.message.contains("newest on 2025-06-20")
            && f.message.contains("rds_instance_storage_encrypted"),
        "{}",
        f.message
    );
    // 5.15 passed everything: no finding once implemented.
    set_status(d.path(), "5.15", "implemented");
    assert!(
        !findings(d.path(), AS_OF)
            .iter()
            .any(|f| f.code == "SCAN-01" && f.record.as_deref() == Some("5.15"))
    );
}

#[test]
fn a_newer_clean_scan_supersedes_a_failing_one() {
    let d = copy();
    import("prowler", "prowler-iso27001-2022.csv", d.path()).success();
    set_status(d.path(), "8.24", "implemented");
    let newer = d.path().join("newer.csv");
    let text = std::fs::read_to_string(fixture("prowler-iso27001-2022.csv")).unwrap();
    std::fs::write(
        &newer,
        text.replace("2025-06-20 08:14", "2025-06-27 08:14")
            .replace(";FAIL;RDS", ";PASS;RDS"),
    )
    .unwrap();
    isms()
        .args(["evidence", "import", "prowler"])
        .arg(&newer)
        .arg(d.path())
        .assert()
        .success();
    let block = control_block(&soa(d.path()), "8.24");
    assert!(block.contains("prowler-2025-06-20.csv") && block.contains("prowler-2025-06-27.csv"));
    assert!(
        !findings(d.path(), AS_OF)
            .iter()
            .any(|f| f.code == "SCAN-01")
    );
}

#[test]
fn ttl_comes_from_isms_yaml_and_an_expired_import_gives_the_freshness_finding() {
    let d = copy();
    let manifest = d.path().join("isms.yaml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("evidence:\n  ttl_days:\n    prowler: 5\n");
    std::fs::write(&manifest, text).unwrap();
    import("prowler", "prowler-iso27001-2022.csv", d.path())
        .success()
        .stdout(predicate::str::contains("expires 2025-06-25"));
    assert!(control_block(&soa(d.path()), "8.13").contains("expires: 2025-06-25\n"));
    // Valid on its expiry day, expired the day after: the existing SOA-16 reports it.
    let on_the_day = findings(d.path(), "2025-06-25");
    assert!(
        !on_the_day.iter().any(|f| f.code == "SOA-16"),
        "{on_the_day:#?}"
    );
    let after = findings(d.path(), AS_OF);
    let expired: Vec<_> = after
        .iter()
        .filter(|f| f.code == "SOA-16" && f.record.as_deref() == Some("8.13"))
        .collect();
    assert_eq!(expired.len(), 1, "{after:#?}");
    assert!(
        expired[0]
            .message
            .contains("evidence/scanners/prowler-2025-06-20.csv")
    );
    assert!(expired[0].message.contains("expired on 2025-06-25"));
}

#[test]
fn the_audit_pack_manifest_lists_an_imported_file_with_its_sha256() {
    let d = copy();
    import("prowler", "prowler-iso27001-2022.csv", d.path()).success();
    let out = tempfile::tempdir().unwrap();
    let zip_path = out.path().join("pack.zip");
    isms()
        .args(["render", "--as-of", AS_OF, "-C"])
        .arg(d.path())
        .arg("--audit-pack")
        .arg(&zip_path)
        .assert()
        .success();
    let bytes = std::fs::read(&zip_path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut json = String::new();
    zip.by_name("MANIFEST.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&json).unwrap();
    let want = sha256(&std::fs::read(fixture("prowler-iso27001-2022.csv")).unwrap());
    let files = manifest["files"].as_array().unwrap();
    assert!(
        files.iter().any(|f| f["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("evidence/scanners/prowler-2025-06-20.csv"))
            && f["sha256"] == want.as_str()),
        "{json}"
    );
}

#[test]
fn powerpipe_tags_are_mapped_to_controls() {
    let d = copy();
    import_args(
        &[
            "--map",
            "encryption=8.24",
            "--map",
            "service:AWS/S3=8.12",
            "--map",
            "backup=8.13",
        ],
        "powerpipe",
        "powerpipe-benchmark.json",
        d.path(),
    )
    .success()
    .stdout(predicate::str::contains("collected 2025-06-20"))
    .stderr(predicate::str::contains("1 muted or skipped"));
    assert!(
        d.path()
            .join("evidence/scanners/powerpipe-2025-06-20.json")
            .is_file()
    );
    let after = soa(d.path());
    let b824 = control_block(&after, "8.24");
    assert!(
        b824.contains("tool: powerpipe")
            && b824.contains("passed: 1\n")
            && b824.contains("failed: 1\n"),
        "{b824}"
    );
    assert!(
        b824.contains("aws_compliance.control.s3_bucket_default_encryption_enabled"),
        "{b824}"
    );
    // Both S3 controls carry service AWS/S3.
    let b812 = control_block(&after, "8.12");
    assert!(
        b812.contains("passed: 3\n") && b812.contains("failed: 1\n"),
        "{b812}"
    );
    let b813 = control_block(&after, "8.13");
    assert!(
        b813.contains("passed: 2\n") && b813.contains("failed: 0\n"),
        "{b813}"
    );
}

#[test]
fn powerpipe_map_must_name_a_control_and_match_a_tag() {
    let d = copy();
    let before = tree(d.path());
    import_args(
        &["--map", "encryption=5.38"],
        "powerpipe",
        "powerpipe-benchmark.json",
        d.path(),
    )
    .code(2)
    .stderr(predicate::str::contains(
        "`5.38` in `encryption=5.38` is not an Annex A control",
    ));
    import_args(
        &["--map", "hipaa=8.24"],
        "powerpipe",
        "powerpipe-benchmark.json",
        d.path(),
    )
    .code(2)
    .stderr(predicate::str::contains(
        "powerpipe-benchmark.json: none of the 2 controls carries the tag(s) hipaa",
    ))
    .stderr(predicate::str::contains("--map TAG=CONTROL"));
    assert_eq!(tree(d.path()), before);
}

#[test]
fn github_protection_is_evidence_for_8_4_8_25_8_32() {
    let d = copy();
    import_args(
        &["--collected", "2025-06-20"],
        "github",
        "github-protection.json",
        d.path(),
    )
    .success();
    assert!(
        d.path()
            .join("evidence/github/branch-protection-acme-app-main-2025-06-20.json")
            .is_file()
    );
    let after = soa(d.path());
    for (id, passed) in [("8.4", 4), ("8.25", 2), ("8.32", 4)] {
        let b = control_block(&after, id);
        assert!(b.contains("tool: github"), "{b}");
        assert!(
            b.contains(&format!("passed: {passed}\n")) && b.contains("failed: 0\n"),
            "{id}: {b}"
        );
        assert!(b.contains("expires: 2025-08-04\n"), "{b}");
    }
    set_status(d.path(), "8.32", "implemented");
    assert!(
        !findings(d.path(), AS_OF)
            .iter()
            .any(|f| f.code.starts_with("SCAN"))
    );
}

#[test]
fn weak_branch_protection_is_a_finding_for_implemented_controls() {
    let d = copy();
    import_args(
        &["--collected", "2025-06-20"],
        "github",
        "github-protection-weak.json",
        d.path(),
    )
    .success();
    set_status(d.path(), "8.32", "implemented");
    set_status(d.path(), "8.4", "implemented");
    let found = findings(d.path(), AS_OF);
    let weak: Vec<_> = found.iter().filter(|f| f.code == "SCAN-02").collect();
    assert_eq!(weak.len(), 2, "{found:#?}");
    let m832 = &weak
        .iter()
        .find(|f| f.record.as_deref() == Some("8.32"))
        .unwrap()
        .message;
    assert!(
        m832.contains("the GitHub settings saved on 2025-06-20")
            && m832.contains("lack 3 protections"),
        "{m832}"
    );
    for name in [
        "force pushes blocked",
        "required pull request reviews",
        "rules enforced for administrators",
    ] {
        assert!(m832.contains(name), "{name} in {m832}");
    }
    assert!(!found.iter().any(|f| f.code == "SCAN-01"));
}

#[test]
fn an_unprotected_branch_fails_every_protection() {
    let d = copy();
    import_args(
        &["--collected", "2025-06-20"],
        "github",
        "github-not-protected.json",
        d.path(),
    )
    .success();
    let b = control_block(&soa(d.path()), "8.4");
    assert!(
        b.contains("passed: 0\n") && b.contains("failed: 4\n"),
        "{b}"
    );
}

#[test]
fn pull_request_reviews_are_evidence_for_8_32() {
    let d = copy();
    import("github", "github-reviews.json", d.path())
        .success()
        .stdout(predicate::str::contains("collected 2025-06-19"));
    assert!(
        d.path()
            .join("evidence/github/pr-reviews-acme-app-12-2025-06-19.json")
            .is_file()
    );
    let after = soa(d.path());
    assert!(control_block(&after, "8.32").contains("passed: 1\n"));
    assert!(!control_block(&after, "8.4").contains("github"));
}

/// Each malformed export: exit 2, an error naming the file (and line where known) with a
/// hint, and not one byte of the ISMS changed.
#[test]
fn malformed_exports_are_refused_and_nothing_is_written() {
    let cases: &[(&str, &str, &[&str], &[&str])] = &[
        (
            "prowler",
            "prowler-wrong-columns.csv",
            &[],
            &[
                "prowler-wrong-columns.csv:1: this is not a Prowler ISO 27001:2022 compliance CSV: the header has no REQUIREMENTS_ID, STATUS, CHECKID, ASSESSMENTDATE columns",
            ],
        ),
        (
            "prowler",
            "prowler-unknown-ids.csv",
            &[],
            &[
                "prowler-unknown-ids.csv:3: 2 requirement id(s) are not Annex A controls of ISO/IEC 27001:2022: A.5.38, A.9.2.1",
                "ISO/IEC 27001:2013 ids",
            ],
        ),
        (
            "prowler",
            "prowler-cis-3.0.csv",
            &[],
            &[
                "prowler-cis-3.0.csv:2: this report is for the framework `CIS`, not ISO 27001",
                "--compliance iso27001_2022_<provider>",
            ],
        ),
        (
            "prowler",
            "prowler-other-framework.csv",
            &[],
            &[
                "prowler-other-framework.csv:2: this report is for the framework `CIS`, not ISO 27001",
            ],
        ),
        (
            "prowler",
            "prowler-iso27001-2013.csv",
            &[],
            &["prowler-iso27001-2013.csv:2: this report is for ISO/IEC 27001:2013"],
        ),
        (
            "prowler",
            "prowler-ragged.csv",
            &[],
            &["prowler-ragged.csv:3: this row has 3 fields, the header has 20"],
        ),
        (
            "prowler",
            "prowler-truncated.ocsf.json",
            &[],
            &[
                "prowler-truncated.ocsf.json:",
                "the JSON ends too early: the file is truncated",
            ],
        ),
        (
            "prowler",
            "prowler-cis-only.ocsf.json",
            &[],
            &["prowler-cis-only.ocsf.json: no finding is mapped to ISO/IEC 27001:2022"],
        ),
        (
            "powerpipe",
            "powerpipe-truncated.json",
            &["--map", "encryption=8.24"],
            &["powerpipe-truncated.json:", "the JSON ends too early"],
        ),
        (
            "powerpipe",
            "prowler-findings.ocsf.json",
            &["--map", "encryption=8.24"],
            &["prowler-findings.ocsf.json: this is not a Powerpipe benchmark export"],
        ),
        (
            "github",
            "github-other.json",
            &[],
            &[
                "github-other.json: this is neither a GitHub branch protection nor a pull-request review listing",
                "gh api repos/OWNER/REPO/branches/BRANCH/protection",
            ],
        ),
        (
            "github",
            "prowler-iso27001-2022.csv",
            &[],
            &["prowler-iso27001-2022.csv:1:1: this is not valid JSON"],
        ),
    ];
    for (tool, file, args, wants) in cases {
        let d = copy();
        let before = tree(d.path());
        let assert = import_args(args, tool, file, d.path()).code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        for want in *wants {
            assert!(stderr.contains(want), "{file}: `{want}` in\n{stderr}");
        }
        assert!(stderr.contains("hint: "), "{file}: a hint in\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(tree(d.path()), before, "{file}: nothing written");
    }
}

#[test]
fn a_folder_without_isms_yaml_is_refused() {
    let d = tempfile::tempdir().unwrap();
    import("prowler", "prowler-iso27001-2022.csv", d.path())
        .code(2)
        .stderr(predicate::str::contains("has no isms.yaml"));
    assert!(tree(d.path()).is_empty());
}

#[test]
fn a_pointer_must_be_a_web_address() {
    let d = copy();
    let before = tree(d.path());
    for bad in [
        "s3://bucket/scan.csv",
        "file:///tmp/scan.csv",
        "https://",
        "archive/scan.csv",
    ] {
        import_args(
            &["--pointer", bad],
            "prowler",
            "prowler-iso27001-2022.csv",
            d.path(),
        )
        .code(2)
        .stderr(predicate::str::contains(
            "is not an https:// (or http://) URL with a host",
        ));
    }
    assert_eq!(tree(d.path()), before);
}
