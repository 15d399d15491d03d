//! `isms render` and `isms templates` end to end, on a small ISMS written by the test: output
//! folders and confinement, escaping of hostile record text, CSV formula guards, xlsx read back
//! with a real spreadsheet reader, reproducible audit packs, template overrides and errors,
//! and the DRAFT marker driven by Git.

use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

#[path = "support/git.rs"]
mod git_support;
use git_support::{ALICE, BOB, DAY, EPOCH, TestRepo};

const AS_OF: &str = "2026-03-01";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A small but complete ISMS. Some record text is hostile on purpose: a `<script>` in a risk
/// title, raw HTML in a policy body, a formula in a register cell, a `javascript:` evidence URL.
fn fixture(root: &Path) {
    write(
        root,
        "isms.yaml",
        r#"schema_version: 1
organisation:
  name: Testco
  legal_name: Testco Ltd
people:
  - id: p-ceo
    name: Ada Boss
    role: Chief Executive Officer
    top_management: true
  - id: p-sec
    name: Sam <b>Secure</b>
    role: Security Lead
risk_methodology:
  likelihood:
    - { value: 1, label: Rare }
    - { value: 2, label: Unlikely }
    - { value: 3, label: Likely }
  impact:
    - { value: 1, label: Low }
    - { value: 2, label: Medium }
    - { value: 3, label: High }
  level: product
  acceptance_threshold: 3
  bands:
    - { max: 3, label: Low }
    - { max: 6, label: Medium }
    - { max: 9, label: High }
"#,
    );
    write(
        root,
        "context.yaml",
        r#"issues:
  - id: ISS-01
    type: external
    description: Customers ask for security assurance
    risks: [R-001]
climate_change:
  relevant: false
  rationale: Fully remote software company with cloud hosting.
interested_parties:
  - id: IP-01
    name: Customers
    type: external
    requirements:
      - id: REQ-01
        description: Protect customer data
        addressed: true
        how: Through the ISMS
        obligations: [OBL-01]
obligations:
  - id: OBL-01
    title: GDPR
    type: legal
    owner: p-sec
    controls: ["5.34"]
"#,
    );
    write(
        root,
        "scope.md",
        r#"---
id: DOC-SCOPE
title: ISMS scope
version: "1.0"
owner: p-sec
approval: { by: p-ceo, on: 2026-01-10 }
in_scope:
  units: [Everyone]
  locations: [Remote]
  services: [The Testco app]
  systems: [Cloud account]
out_of_scope:
  - item: Office cleaning
    reason: No information handled
---

# ISMS scope

The whole company is in scope.
"#,
    );
    write(
        root,
        "policies/information-security.md",
        r#"---
id: POL-01
title: Information Security Policy
kind: information-security
version: "1.0"
owner: p-sec
approval: { by: p-ceo, on: 2026-01-10 }
review_months: 12
controls: ["5.1"]
---

# Information Security Policy

We protect information. <script>alert('policy')</script>

<div onclick="steal()">raw block</div>

[click](javascript:alert(1))
"#,
    );
    write(
        root,
        "assets.yaml",
        r#"assets:
  - id: A-001
    name: Customer database
    type: information
    owner: p-sec
    classification: confidential
    value: { confidentiality: 3, integrity: 3, availability: 2 }
"#,
    );
    write(
        root,
        "risks.yaml",
        r#"assessed: 2026-01-05
risks:
  - id: R-001
    title: "<script>alert('risk')</script> data leak"
    description: "=HYPERLINK(\"http://evil.example\",\"click\")"
    assets: [A-001]
    owner: p-sec
    affects: [confidentiality]
    inherent: { likelihood: 3, impact: 3 }
    treatment: mitigate
    controls: ["5.15", "8.5"]
    plan:
      - id: RTP-1
        action: Turn on MFA everywhere
        owner: p-sec
        due: 2026-02-01
        status: in-progress
    plan_approval: { by: p-sec, on: 2026-01-06 }
    residual: { likelihood: 1, impact: 3 }
    acceptance: { by: p-sec, on: 2026-01-06, rationale: Low enough }
  - id: R-002
    title: "+cmd|' /C calc'!A0"
    owner: p-sec
    inherent: { likelihood: 1, impact: 2 }
    treatment: accept
    residual: { likelihood: 1, impact: 2 }
"#,
    );
    write(
        root,
        "soa.yaml",
        r#"document:
  id: DOC-SOA
  title: Statement of Applicability
  version: "2.0"
  owner: p-sec
  approval: { by: p-ceo, on: 2026-01-20 }
controls:
  - id: "5.1"
    applicable: true
    justification: Policies are required. <img src=x onerror=alert(1)>
    reasons: [business]
    status: implemented
    owner: p-sec
    policies: [POL-01]
    evidence:
      - url: "javascript:alert(document.cookie)"
        description: Hostile link
        collected: 2026-01-15
      - path: evidence/ack.csv
        collected: 2026-01-15
  - id: "5.10"
    applicable: true
    justification: Acceptable use rules
    risks: [R-001]
    status: partial
    owner: p-sec
  - id: "7.4"
    applicable: false
    justification: No premises of our own
"#,
    );
    write(
        root,
        "nonconformities.yaml",
        r#"nonconformities:
  - id: NC-2026-01
    title: Access review missed
    source: self-identified
    raised: 2026-01-02
    owner: p-sec
    due: 2026-02-01
    status: open
"#,
    );
}

fn isms() -> assert_cmd::Command {
    let mut c = cargo_bin_cmd!("isms");
    c.env_remove("ISMS_AS_OF").env("NO_COLOR", "1");
    c
}

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("isms");
    fixture(&root);
    (dir, root)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn list_names_every_document() {
    let (_d, root) = setup();
    isms()
        .args(["render", "--list", "-C"])
        .arg(&root)
        .assert()
        .success()
        .stdout(predicate::str::contains("soa  "))
        .stdout(predicate::str::contains("policies/POL-01"))
        .stdout(predicate::str::contains("risk-heat-map"))
        .stdout(predicate::str::contains("nonconformities"))
        .stdout(predicate::str::contains("html,md,csv,xlsx"));
}

#[test]
fn a_first_positional_isms_folder_is_the_repository() {
    let (d, root) = setup();
    let file = d.path().join("soa.md");
    isms()
        .args(["render"])
        .arg(&root)
        .args(["soa", "--as-of", AS_OF, "-o"])
        .arg(&file)
        .assert()
        .success();
    assert!(read(&file).starts_with("# Statement of Applicability"));
}

#[test]
fn renders_html_into_build_and_rerenders_its_own_output() {
    let (_d, root) = setup();
    isms()
        .args(["render", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .assert()
        .success();
    let build = root.join("build");
    for f in [
        "index.html",
        "soa.html",
        "risk-register.html",
        "risk-heat-map.html",
        "policies/POL-01.html",
    ] {
        assert!(build.join(f).is_file(), "{f} missing");
    }
    // The index links only what this run produced (HTML), so no dead Markdown links.
    let index = read(&build.join("index.html"));
    assert!(index.contains("href=\"soa.html\""), "{index}");
    assert!(!index.contains(".md\""), "{index}");
    // Running again replaces the files it wrote itself without --force ...
    isms()
        .args(["render", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .assert()
        .success();
    // ... but not a file someone edited since.
    std::fs::write(build.join("soa.html"), "hand edited").unwrap();
    isms()
        .args(["render", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("soa.html").and(predicate::str::contains("--force")));
    assert_eq!(read(&build.join("soa.html")), "hand edited");
    isms()
        .args(["render", "--force", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .assert()
        .success();
    assert!(read(&build.join("soa.html")).contains("Statement of Applicability"));
}

#[test]
fn output_is_never_written_inside_the_records() {
    let (_d, root) = setup();
    for out in [root.clone(), root.join("policies")] {
        isms()
            .args(["render", "--as-of", AS_OF, "-C"])
            .arg(&root)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("inside the ISMS records"));
    }
    isms()
        .args(["render", "soa", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("-o")
        .arg(root.join("soa.html"))
        .assert()
        .code(2);
    assert!(!root.join("soa.html").exists());
}

#[test]
fn hostile_record_text_renders_as_text() {
    let (d, root) = setup();
    let out = d.path().join("out");
    for format in ["html", "md"] {
        isms()
            .args(["render", "--as-of", AS_OF, "--format", format, "-C"])
            .arg(&root)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
    }
    for f in [
        "risk-register",
        "risk-treatment-plan",
        "soa",
        "policies/POL-01",
        "asset-inventory",
        "index",
    ] {
        for ext in ["html", "md"] {
            let text = read(&out.join(format!("{f}.{ext}")));
            // In Markdown a tag is harmless when its `<` is backslash-escaped.
            let raw = |needle: &str| {
                text.match_indices(needle)
                    .any(|(i, _)| ext == "html" || !text[..i].ends_with('\\'))
            };
            assert!(!raw("<script"), "{f}.{ext} contains a script tag");
            assert!(!raw("<img"), "{f}.{ext} contains an img tag");
            assert!(!raw("<div onclick"), "{f}.{ext} contains raw HTML");
            assert!(!raw("<b>Secure"), "{f}.{ext} contains a person's raw HTML");
            assert!(
                !text.contains("href=\"javascript:"),
                "{f}.{ext} links javascript:"
            );
            assert!(
                !text.contains("](javascript:"),
                "{f}.{ext} links javascript:"
            );
        }
    }
    let risks = read(&out.join("risk-register.html"));
    assert!(
        risks.contains("&lt;script&gt;alert(&#39;risk&#39;)&lt;/script&gt; data leak"),
        "{risks}"
    );
    let policy = read(&out.join("policies/POL-01.html"));
    assert!(
        policy.contains("&lt;script&gt;alert(&#39;policy&#39;)&lt;/script&gt;")
            || policy.contains("&lt;script&gt;alert('policy')&lt;/script&gt;"),
        "{policy}"
    );
    assert!(policy.contains("&lt;div onclick="), "{policy}");
    let soa = read(&out.join("soa.html"));
    // The hostile evidence URL is shown as text, not as a link.
    assert!(
        soa.contains("javascript:alert(document.cookie)") && !soa.contains("href=\"javascript"),
        "{soa}"
    );
    let md = read(&out.join("risk-register.md"));
    assert!(md.contains("\\<script\\>"), "{md}");
}

#[test]
fn csv_is_rfc4180_with_formula_guard() {
    let (d, root) = setup();
    let file = d.path().join("risks.csv");
    isms()
        .args(["render", "risk-register", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("-o")
        .arg(&file)
        .assert()
        .success();
    let csv = read(&file);
    assert!(csv.starts_with("Risk,Title,Description,"), "{csv}");
    assert!(csv.contains("\r\n"), "CRLF line ends");
    // Cells that a spreadsheet would execute are prefixed with a quote.
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""),
        "{csv}"
    );
    assert!(csv.contains("'+cmd|' /C calc'!A0"), "{csv}");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.records().count(), 2);
}

#[test]
fn xlsx_reads_back_with_rows_columns_and_dates() {
    use calamine::{Data, Reader, Xlsx};
    let (d, root) = setup();
    let file = d.path().join("soa.xlsx");
    isms()
        .args(["render", "soa", "--format", "xlsx", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("-o")
        .arg(&file)
        .assert()
        .success();
    let mut wb: Xlsx<_> = calamine::open_workbook(&file).unwrap();
    assert_eq!(wb.sheet_names(), ["SoA"]);
    let range = wb.worksheet_range("SoA").unwrap();
    // Header plus one row per Annex A control.
    assert_eq!(range.height(), 94);
    assert_eq!(range.width(), 13);
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &header[..6],
        [
            "Control",
            "Title",
            "Theme",
            "Applicable",
            "Status",
            "Justification"
        ]
    );
    let row = |id: &str| {
        range
            .rows()
            .find(|r| r[0] == Data::String(id.to_string()))
            .unwrap()
            .to_vec()
    };
    let r510 = row("5.10");
    assert_eq!(
        r510[1].to_string(),
        "Acceptable use of information and other associated assets"
    );
    assert_eq!(r510[3].to_string(), "yes");
    assert_eq!(r510[4].to_string(), "Partial");
    assert_eq!(r510[7].to_string(), "R-001");
    assert_eq!(row("7.4")[3].to_string(), "no");
    assert_eq!(
        row("8.34")[3],
        Data::Empty,
        "an undecided control has no answer"
    );

    // The registers workbook has one sheet per register, and dates are real dates.
    let all = d.path().join("registers.xlsx");
    isms()
        .args(["render", "registers", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("-o")
        .arg(&all)
        .assert()
        .success();
    let mut wb: Xlsx<_> = calamine::open_workbook(&all).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "SoA",
            "Risks",
            "Treatment plan",
            "Assets",
            "Nonconformities"
        ]
    );
    let plan = wb.worksheet_range("Treatment plan").unwrap();
    let due = &plan.rows().nth(1).unwrap()[7];
    match due {
        Data::DateTime(dt) => {
            assert!(dt.is_datetime());
            assert_eq!(dt.as_f64(), 46054.0, "2026-02-01 as an Excel serial date");
        }
        other => panic!("due date is not a date: {other:?}"),
    }
}

#[test]
fn xlsx_is_byte_identical_for_the_same_input_and_date() {
    let (d, root) = setup();
    let mut outputs = Vec::new();
    for i in 0..2 {
        let file = d.path().join(format!("soa{i}.xlsx"));
        isms()
            .args(["render", "soa", "--as-of", AS_OF, "-C"])
            .arg(&root)
            .arg("-o")
            .arg(&file)
            .assert()
            .success();
        outputs.push(std::fs::read(&file).unwrap());
        // Past the one-second resolution of any clock-based timestamp.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn audit_pack_is_reproducible_and_hashes_match() {
    let (d, root) = setup();
    let mut packs = Vec::new();
    for i in 0..2 {
        let zip = d.path().join(format!("pack{i}.zip"));
        isms()
            .args(["render", "--as-of", AS_OF, "-C"])
            .arg(&root)
            .arg("--audit-pack")
            .arg(&zip)
            .assert()
            .success()
            .stdout(predicate::str::contains("SHA-256"));
        packs.push(std::fs::read(&zip).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    assert_eq!(packs[0], packs[1], "same records and date, same bytes");

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(packs.remove(0))).unwrap();
    let mut json = String::new();
    zip.by_name("MANIFEST.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(manifest["as_of"], AS_OF);
    assert_eq!(manifest["draft"], true, "the fixture is not in Git");
    let files = manifest["files"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    for want in [
        "index.html",
        "index.md",
        "soa.html",
        "soa.md",
        "soa.csv",
        "soa.xlsx",
        "registers.xlsx",
        "policies/POL-01.md",
    ] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
    assert!(!names.contains(&"policies/POL-01.csv"));
    for f in files {
        let mut bytes = Vec::new();
        zip.by_name(f["path"].as_str().unwrap())
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            ::isms::render::pack::sha256_hex(&bytes)
        );
    }
    let mut txt = String::new();
    zip.by_name("MANIFEST.txt")
        .unwrap()
        .read_to_string(&mut txt)
        .unwrap();
    assert!(txt.contains("As of:          2026-03-01"), "{txt}");
}

#[test]
fn user_template_overrides_and_broken_template_is_located() {
    let (d, root) = setup();
    write(
        &root,
        "templates/soa.md",
        "Custom SoA for {{ org.name }}: {{ soa.summary.applicable }} applicable\n",
    );
    let file = d.path().join("soa.md");
    isms()
        .args(["render", "soa", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("-o")
        .arg(&file)
        .assert()
        .success();
    assert_eq!(read(&file), "Custom SoA for Testco: 2 applicable\n");
    isms()
        .args(["templates", "list", "-C"])
        .arg(&root)
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"soa\.md\s+user: templates/soa\.md").unwrap())
        .stdout(predicate::str::is_match(r"soa\.html\s+built-in").unwrap());

    write(
        &root,
        "templates/soa.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% for x in %}\n{% endblock content %}\n",
    );
    isms()
        .args(["render", "soa", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("template templates/soa.html:3:"));
    isms()
        .args(["templates", "list", "-C"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("templates/soa.html:3"));
}

#[test]
fn templates_export_refuses_to_overwrite_without_force() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("tpl");
    isms()
        .args(["templates", "export"])
        .arg(&out)
        .assert()
        .success();
    for f in ["base.html", "style.css", "soa.html", "soa.md", "index.md"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let original = read(&out.join("soa.html"));
    std::fs::write(out.join("soa.html"), "mine").unwrap();
    isms()
        .args(["templates", "export"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(read(&out.join("soa.html")), "mine");
    isms()
        .args(["templates", "export", "--force"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(read(&out.join("soa.html")), original);
}

#[test]
fn exported_templates_render_like_the_builtins() {
    let (d, root) = setup();
    isms()
        .args(["templates", "export"])
        .arg(root.join("templates"))
        .assert()
        .success();
    let a = d.path().join("a.html");
    isms()
        .args(["render", "soa", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("-o")
        .arg(&a)
        .assert()
        .success();
    std::fs::remove_dir_all(root.join("templates")).unwrap();
    let b = d.path().join("b.html");
    isms()
        .args(["render", "soa", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("-o")
        .arg(&b)
        .assert()
        .success();
    assert_eq!(read(&a), read(&b));
}

#[test]
fn unknown_document_and_unavailable_format_are_errors() {
    let (_d, root) = setup();
    isms()
        .args(["render", "nope", "-C"])
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown document `nope`"));
    isms()
        .args(["render", "policies/POL-01", "--format", "csv", "-C"])
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not available as csv; it comes as html, md",
        ));
}

#[test]
fn load_errors_stop_rendering_unless_draft() {
    let (d, root) = setup();
    write(
        &root,
        "assets.yaml",
        "assets:\n  - id: A-001\n    name: X\n    type: spaceship\n",
    );
    isms()
        .args(["render", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("isms check"));
    let out = d.path().join("out");
    isms()
        .args(["render", "--draft", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(read(&out.join("soa.html")).contains("DRAFT"));
}

// --- Git: commit id, last change and the DRAFT marker ---------------------------------------

fn commit_all(root: &Path, message: &str, when: i64) -> String {
    let repo =
        git2::Repository::open(root).unwrap_or_else(|_| git2::Repository::init(root).unwrap());
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::new("Tester", "t@example.com", &git2::Time::new(when, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
        .to_string()
}

#[test]
fn git_state_drives_commit_last_change_and_draft() {
    let (d, root) = setup();
    write(&root, ".gitignore", "/build/\n");
    // 2026-01-25 12:00 UTC
    let commit = commit_all(&root, "Records", 1_769_342_400);
    let out = d.path().join("out");
    isms()
        .args(["render", "soa", "policies", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let soa = read(&out.join("soa.html"));
    assert!(soa.contains(&commit[..12]), "commit id shown");
    assert!(
        soa.contains("2026-01-25"),
        "last change of the sources shown"
    );
    assert!(
        !soa.contains("class=\"draft-banner\""),
        "clean tree: not a draft"
    );

    // An uncommitted change to a source of the SoA makes it a draft, and names the file;
    // the policy does not depend on soa.yaml and stays final.
    let soa_yaml = read(&root.join("soa.yaml"))
        .replace("Acceptable use rules", "Acceptable use rules, updated");
    std::fs::write(root.join("soa.yaml"), soa_yaml).unwrap();
    isms()
        .args(["render", "soa", "policies", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let soa = read(&out.join("soa.html"));
    assert!(soa.contains("class=\"draft-banner\""), "{soa}");
    assert!(soa.contains("uncommitted changes to soa.yaml"), "{soa}");
    let policy = read(&out.join("policies/POL-01.html"));
    assert!(!policy.contains("class=\"draft-banner\""));
}

// --- Git: revision history -------------------------------------------------------------------

/// Replaces `from` with `to` in the file at `rel`, which must contain it.
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let text = read(&root.join(rel));
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(root.join(rel), text.replace(from, to)).unwrap();
}

/// The position of `needle` in `haystack`, which must contain it.
fn at(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} missing from:\n{haystack}"))
}

#[test]
fn revision_history_lists_the_commits_of_the_policy_newest_first() {
    let mut repo = TestRepo::new();
    // The ISMS in a subfolder of a larger repository: paths are relative to it.
    let root = repo.path().join("isms");
    fixture(&root);
    repo.write(".gitignore", "/out/\n");
    let import = repo.commit_as(&ALICE, EPOCH, "Import the ISMS records");
    let p = "policies/information-security.md";
    edit(&root, p, "version: \"1.0\"", "version: \"1.1\"");
    edit(
        &root,
        p,
        "We protect information.",
        "We protect all information.",
    );
    let review = repo.commit_as(&BOB, EPOCH + 10 * DAY, "Review the security policy");
    // Changes to other files are not revisions of the policy, even those it looks things up in.
    edit(&root, "isms.yaml", "Testco Ltd", "Testco Limited");
    edit(
        &root,
        "soa.yaml",
        "Acceptable use rules",
        "Acceptable use rules apply",
    );
    let other = repo.commit_as(&BOB, EPOCH + 15 * DAY, "Rename the company");
    edit(&root, p, "version: \"1.1\"", "version: \"2.0\"");
    let rewrite = repo.commit_as(
        &ALICE,
        EPOCH + 30 * DAY,
        "Rewrite the policy | board <approved>",
    );

    let out = repo.path().join("out");
    isms()
        .args([
            "render",
            "policies/POL-01",
            "--format",
            "md",
            "--as-of",
            AS_OF,
            "-C",
        ])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let md = read(&out.join("policies/POL-01.md"));
    let table = &md[at(&md, "## Revision history")..at(&md, "\n---\n")];
    let short = |oid: git2::Oid| oid.to_string()[..7].to_string();
    let rows = [
        format!(
            "| 2.0 | 2024-01-31 | Alice Example | Rewrite the policy \\| board \\<approved\\> | `{}",
            short(rewrite)
        ),
        format!(
            "| 1.1 | 2024-01-11 | Bob Example | Review the security policy | `{}",
            short(review)
        ),
        format!(
            "| 1.0 | 2024-01-01 | Alice Example | Import the ISMS records | `{}",
            short(import)
        ),
    ];
    let positions: Vec<usize> = rows.iter().map(|r| at(table, r)).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "newest first:\n{table}"
    );
    assert_eq!(
        table.matches("\n| ").count(),
        4,
        "header and three rows:\n{table}"
    );
    assert!(!table.contains(&short(other)), "{table}");
    assert!(!table.contains("older revision"), "{table}");

    // The same rows in HTML, escaped.
    isms()
        .args(["render", "policies/POL-01", "soa", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = read(&out.join("policies/POL-01.html"));
    let table = &html[at(&html, "<h2>Revision history</h2>")..];
    let first = at(
        table,
        &format!(
            "<td class=\"nowrap\">2.0</td><td class=\"nowrap\">2024-01-31</td><td>Alice Example</td><td>Rewrite the policy | board &lt;approved&gt;</td><td class=\"commit\">{}",
            short(rewrite)
        ),
    );
    let second = at(
        table,
        "<td>Bob Example</td><td>Review the security policy</td>",
    );
    let third = at(
        table,
        "<td>Alice Example</td><td>Import the ISMS records</td>",
    );
    assert!(first < second && second < third, "{table}");
    // The SoA's history is that of soa.yaml: the import and the rename commit only.
    let soa = read(&out.join("soa.html"));
    let table = &soa[at(&soa, "<h2>Revision history</h2>")..at(&soa, "</section>\n<footer")];
    assert!(
        table.contains(&short(other)) && table.contains(&short(import)),
        "{table}"
    );
    assert!(
        !table.contains(&short(review)) && !table.contains(&short(rewrite)),
        "{table}"
    );
}

#[test]
fn a_document_never_committed_says_it_has_no_history() {
    let (d, root) = setup();
    let out = d.path().join("out");
    // Not in a repository at all.
    isms()
        .args([
            "render", "policies", "--format", "md", "--as-of", AS_OF, "-C",
        ])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let md = read(&out.join("policies/POL-01.md"));
    assert!(
        md.contains(
            "## Revision history\n\nNo Git history: this document has not been committed yet.\n"
        ),
        "{md}"
    );
    assert!(!md.contains("| Date | Author |"), "no empty table: {md}");

    // In a repository, committed except for a new policy: the others have a history, the new
    // one says it has none.
    git_support::init_main(&root);
    write(&root, ".gitignore", "/build/\n");
    commit_all(&root, "Records", 1_769_342_400);
    write(
        &root,
        "policies/new.md",
        "---\nid: POL-02\ntitle: New Policy\nkind: topic-specific\nversion: \"0.1\"\nowner: p-sec\n---\nDraft text.\n",
    );
    isms()
        .args(["render", "policies", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let old = read(&out.join("policies/POL-01.html"));
    assert!(old.contains("<td>Tester</td><td>Records</td>"), "{old}");
    let new = read(&out.join("policies/POL-02.html"));
    assert!(
        new.contains(
            "<p class=\"muted\">No Git history: this document has not been committed yet.</p>"
        ),
        "{new}"
    );
}

// --- Browser ----------------------------------------------------------------------------------

const CHROMIUM: &str = "/usr/bin/chromium";

/// Renders the SoA and loads it in headless Chromium: the page must load and the DOM must hold
/// the SoA tables with all 93 controls. Skipped (with a note) where Chromium is not installed,
/// unless `ISMS_REQUIRE_BROWSER` is set; `.ci/run` installs Debian's `chromium` and sets it.
#[test]
fn soa_html_loads_in_a_headless_browser() {
    if !Path::new(CHROMIUM).exists() {
        // CI sets ISMS_REQUIRE_BROWSER after installing Chromium, so a broken install fails
        // the run instead of silently skipping the test.
        assert!(
            std::env::var_os("ISMS_REQUIRE_BROWSER").is_none(),
            "{CHROMIUM} is missing but ISMS_REQUIRE_BROWSER is set"
        );
        eprintln!("skipped: {CHROMIUM} not installed (apt-get install chromium)");
        return;
    }
    let (d, root) = setup();
    let out = d.path().join("out");
    isms()
        .args(["render", "soa", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let profile = d.path().join("profile");
    let url = format!("file://{}", out.join("soa.html").display());
    let output = std::process::Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=2000",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        !log.contains(":CONSOLE"),
        "the page logged to the console: {log}"
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("<title>DOC-SOA Statement of Applicability"),
        "{dom}"
    );
    for clause in ["5", "6", "7", "8"] {
        assert!(
            dom.contains(&format!("id=\"soa-{clause}\"")),
            "SoA table {clause} missing"
        );
    }
    assert_eq!(
        dom.matches("<tr id=\"control-").count(),
        93,
        "every control is a row"
    );
    assert!(!dom.contains("<script"), "no script in the page");
    // Self-contained: no stylesheet, script, image or font fetched from anywhere.
    let html = read(&out.join("soa.html"));
    for external in ["<link", "src=\"http", "url(http", "@import"] {
        assert!(!html.contains(external), "external resource: {external}");
    }

    let png = d.path().join("soa.png");
    let shot = std::process::Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--window-size=1280,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .expect("run chromium");
    assert!(shot.status.success());
    let bytes = std::fs::read(&png).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
        "a real screenshot"
    );
}

#[test]
fn next_review_falls_back_to_the_cadence_like_isms_check() {
    let (_d, root) = setup();
    let policy = root.join("policies/information-security.md");
    let text = read(&policy).replace("review_months: 12\n", "");
    std::fs::write(&policy, text).unwrap();
    let out = root.parent().unwrap().join("pol.md");
    isms()
        .args(["render", "policies/POL-01", "--as-of", AS_OF, "-o"])
        .arg(&out)
        .arg("-C")
        .arg(&root)
        .assert()
        .success();
    // No review_months: approval 2026-01-10 plus the default 12-month policy cadence.
    assert!(
        read(&out).contains("| Next review | 2027-01-10 |"),
        "{}",
        read(&out)
    );
}

#[test]
fn a_risk_register_split_into_yml_files_names_them_as_sources() {
    let (_d, root) = setup();
    std::fs::create_dir_all(root.join("risks")).unwrap();
    std::fs::rename(root.join("risks.yaml"), root.join("risks/main.yml")).unwrap();
    let out = root.parent().unwrap().join("rr.md");
    isms()
        .args(["render", "risk-register", "--as-of", AS_OF, "-o"])
        .arg(&out)
        .arg("-C")
        .arg(&root)
        .assert()
        .success();
    let text = read(&out);
    let sources = text.lines().find(|l| l.starts_with("| Sources |")).unwrap();
    assert!(sources.contains("risks/main.yml"), "{sources}");
}

#[test]
fn an_untracked_evidence_file_does_not_make_the_audit_pack_a_draft() {
    let (d, root) = setup();
    write(&root, ".gitignore", "/build/\n");
    commit_all(&root, "Records", 1_769_342_400);
    write(&root, "evidence/new-scan.pdf", "scan");
    let pack = d.path().join("pack.zip");
    isms()
        .args(["render", "--as-of", AS_OF, "-C"])
        .arg(&root)
        .arg("--audit-pack")
        .arg(&pack)
        .assert()
        .success();
    let manifest = pack_manifest(&pack);
    // The fixture does not pass `isms check`, which makes the pack a draft by itself; the
    // untracked file must not add the Git reason.
    let uncommitted =
        |m: &serde_json::Value| m["draft_reasons"].to_string().contains("uncommitted");
    assert!(!uncommitted(&manifest), "{manifest:#}");
    // An uncommitted record does.
    let soa = read(&root.join("soa.yaml")).replace("Acceptable use rules", "Acceptable use");
    std::fs::write(root.join("soa.yaml"), soa).unwrap();
    isms()
        .args(["render", "--as-of", AS_OF, "--force", "-C"])
        .arg(&root)
        .arg("--audit-pack")
        .arg(&pack)
        .assert()
        .success();
    let manifest = pack_manifest(&pack);
    assert_eq!(manifest["draft"], true);
    assert!(uncommitted(&manifest), "{manifest:#}");
}

fn pack_manifest(zip_path: &Path) -> serde_json::Value {
    use std::io::Read;
    let bytes = std::fs::read(zip_path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut json = String::new();
    zip.by_name("MANIFEST.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    serde_json::from_str(&json).unwrap()
}
