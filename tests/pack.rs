//! The audit pack: the evidence files the SoA cites (verified against their recorded SHA-256),
//! the `isms check` result of the same records, a cover and manifest that say when the ISMS
//! does not pass, and `isms pack verify` on intact and tampered packs.

#[path = "support/clean.rs"]
mod clean;

use clean::copy_dir;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

const AS_OF: &str = "2026-12-07";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas")
}

fn pack_of(dir: &Path, zip: &Path) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("isms")
        .args(["render", "--as-of", AS_OF, "-C"])
        .arg(dir)
        .arg("--audit-pack")
        .arg(zip)
        .assert()
}

fn entries(zip: &Path) -> Vec<(String, Vec<u8>)> {
    let bytes = std::fs::read(zip).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (name, b)
        })
        .collect()
}

fn entry(zip: &Path, name: &str) -> String {
    let all = entries(zip);
    let (_, b) = all
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} not in the pack"));
    String::from_utf8(b.clone()).unwrap()
}

fn manifest(zip: &Path) -> serde_json::Value {
    serde_json::from_str(&entry(zip, "MANIFEST.json")).unwrap()
}

/// Writes a copy of the pack with `edit` applied to its entries.
fn rewrite(zip: &Path, out: &Path, edit: impl Fn(&mut Vec<(String, Vec<u8>)>)) {
    let mut all = entries(zip);
    edit(&mut all);
    let mut w = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for (name, bytes) in all {
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&bytes).unwrap();
    }
    w.finish().unwrap();
}

fn verify(zip: &Path) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("isms")
        .args(["pack", "verify"])
        .arg(zip)
        .assert()
}

#[test]
fn the_pack_of_a_failing_scaffold_says_so_on_its_cover_and_in_its_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    cargo_bin_cmd!("isms")
        .args(["init", "--org", "Scaffold Ltd"])
        .arg(&dir)
        .assert()
        .success();
    let zip = tmp.path().join("pack.zip");
    pack_of(&dir, &zip)
        .success()
        .stderr(predicate::str::contains("DRAFT").and(predicate::str::contains("isms check")));

    let m = manifest(&zip);
    assert_eq!(
        m["draft"], true,
        "a scaffold with open errors is no issued pack"
    );
    let errors = m["check"]["errors"].as_u64().unwrap();
    assert!(
        errors > 100,
        "the scaffold has many undecided items: {errors}"
    );
    assert_eq!(m["check"]["passed"], false);
    let reasons = m["draft_reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r.as_str().unwrap().contains(&format!("{errors} errors"))),
        "{reasons:?}"
    );

    let cover = entry(&zip, "COVER.md");
    assert!(cover.contains("DRAFT"), "{cover}");
    assert!(
        cover.contains(&format!("FAILED ({errors} errors")),
        "{cover}"
    );
    assert!(cover.contains("| RSK-10 |"), "errors by rule: {cover}");
    let html = entry(&zip, "cover.html");
    assert!(html.contains("class=\"draft\""), "{html}");

    // The check result of the same records: every finding, in text and JSON.
    let json: serde_json::Value = serde_json::from_str(&entry(&zip, "check/result.json")).unwrap();
    assert_eq!(json["summary"]["errors"].as_u64(), Some(errors));
    let findings = json["diagnostics"].as_array().unwrap().len() as u64;
    assert!(findings >= errors);
    let text = entry(&zip, "check/result.txt");
    assert!(text.contains("RSK-10"), "{text}");
    assert!(!text.contains('\u{1b}'), "no terminal colours in the pack");

    verify(&zip).success();
}

#[test]
fn the_example_pack_carries_its_evidence_verified_and_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("acme.zip");
    pack_of(&example(), &zip).success();
    let m = manifest(&zip);
    assert_eq!(m["check"]["passed"], true);
    assert_eq!(m["check"]["errors"], 0);
    let verified = m["evidence"]["verified"].as_u64().unwrap();
    assert!(verified > 0, "{}", m["evidence"]);
    assert_eq!(m["evidence"]["mismatched"], 0);
    assert!(m["evidence"]["external"].as_u64().unwrap() > 0);

    // A cited file is in the pack, byte for byte, and listed in the manifest.
    let cited = "evidence/change/2026-10-branch-protection.json";
    let in_pack = format!("evidence/files/{cited}");
    let original = std::fs::read(example().join(cited)).unwrap();
    let all = entries(&zip);
    let (_, b) = all.iter().find(|(n, _)| *n == in_pack).unwrap();
    assert_eq!(*b, original);
    assert!(
        m["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == in_pack.as_str())
    );
    let index = entry(&zip, "evidence/INDEX.md");
    assert!(index.contains(&format!("| {cited} |")), "{index}");
    assert!(index.contains("## External evidence"));
    assert!(
        index.contains("https://"),
        "external evidence with its address"
    );

    verify(&zip)
        .success()
        .stdout(predicate::str::contains("intact"));
}

#[test]
fn changed_evidence_is_reported_in_the_pack_and_fails_the_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acme");
    copy_dir(&example(), &dir);
    let cited = "evidence/change/2026-10-branch-protection.json";
    std::fs::write(dir.join(cited), "{\"tampered\": true}\n").unwrap();
    let zip = tmp.path().join("pack.zip");
    pack_of(&dir, &zip)
        .code(1)
        .stderr(predicate::str::contains(cited).and(predicate::str::contains("SHA-256")));
    let m = manifest(&zip);
    assert_eq!(m["draft"], true);
    assert!(m["evidence"]["mismatched"].as_u64().unwrap() >= 1);
    let reasons = m["draft_reasons"].to_string();
    assert!(reasons.contains("changed since collection"), "{reasons}");
    let index = entry(&zip, "evidence/INDEX.md");
    assert!(index.contains("CHANGED since collection"), "{index}");
    // check reports the same file (SOA-15) in the carried result.
    let text = entry(&zip, "check/result.txt");
    assert!(text.contains("SOA-15") && text.contains(cited), "{text}");
}

#[test]
fn pack_verify_finds_changed_missing_and_extra_files() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("acme.zip");
    pack_of(&example(), &zip).success();

    let changed = tmp.path().join("changed.zip");
    rewrite(&zip, &changed, |all| {
        let soa = all.iter_mut().find(|(n, _)| n == "soa.md").unwrap();
        soa.1.extend_from_slice(b"\nAll controls implemented.\n");
    });
    verify(&changed).code(1).stdout(
        predicate::str::contains("NOT INTACT")
            .and(predicate::str::contains("soa.md has been changed")),
    );

    let missing = tmp.path().join("missing.zip");
    rewrite(&zip, &missing, |all| {
        all.retain(|(n, _)| n != "risk-register.md")
    });
    verify(&missing).code(1).stdout(predicate::str::contains(
        "risk-register.md is listed in the manifest but missing from the zip",
    ));

    let extra = tmp.path().join("extra.zip");
    rewrite(&zip, &extra, |all| {
        all.push(("notes.txt".into(), b"added later".to_vec()));
    });
    verify(&extra).code(1).stdout(predicate::str::contains(
        "notes.txt is in the zip but not listed in the manifest",
    ));

    let json = cargo_bin_cmd!("isms")
        .args(["pack", "verify", "--format", "json"])
        .arg(&extra)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["intact"], false);

    let not_zip = tmp.path().join("not.zip");
    std::fs::write(&not_zip, "hello").unwrap();
    verify(&not_zip)
        .code(1)
        .stdout(predicate::str::contains("not a readable zip file"));
}
