//! Gaps closed in rendering and date order: the organisation's own controls in the SoA,
//! quantitative risk methodologies in the heat map, and approvals dated before the version
//! they approve.

#[path = "support/clean.rs"]
mod clean;

use clean::copy_dir;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;

const AS_OF: &str = "2025-06-30";

fn clean() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/clean")
}

/// A copy of the clean fixture with `edits` applied: (file, text found exactly once,
/// replacement); an empty text to find appends the replacement.
fn repo(edits: &[(&str, &str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("isms");
    copy_dir(&clean(), &root);
    for (file, find, replace) in edits {
        let p = root.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        let new = if find.is_empty() {
            format!("{text}{replace}")
        } else {
            assert_eq!(text.matches(find).count(), 1, "{file}: {find:?}");
            text.replacen(find, replace, 1)
        };
        std::fs::write(&p, new).unwrap();
    }
    (d, root)
}

fn render(root: &Path, doc: &str, format: &str, out: &Path) {
    cargo_bin_cmd!("isms")
        .args(["render", doc, "--format", format, "--as-of", AS_OF, "-C"])
        .arg(root)
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

/// Findings as `CODE message` for the repository at `dir`.
fn findings(dir: &Path) -> Vec<String> {
    let loaded = isms::loader::load(dir).expect("fixture loads");
    let outcome = isms::checks::check_loaded(&loaded, &[], AS_OF.parse().unwrap());
    outcome
        .findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            format!("{} {}", d.code, d.message)
        })
        .collect()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

// --- The organisation's own controls in the SoA (6.1.3 c) -----------------------------------

const OWN: &str = "additional_controls:\n  - id: ORG-01\n    title: Customer data deletion on contract end\n    source: Customer contracts\n    justification: Contracts require deletion within 30 days.\n    risks: [R-01]\n    status: planned\n";

#[test]
fn own_controls_are_rendered_in_every_soa_format() {
    let (d, root) = repo(&[("soa.yaml", "", OWN)]);
    let out = d.path();

    let md = out.join("soa.md");
    render(&root, "soa", "md", &md);
    let md = read(&md);
    let section = md
        .find("## Additional controls (6.1.3 c)")
        .expect("a separate section");
    // After the 93 Annex A controls.
    assert!(md.find("| 8.34 |").unwrap() < section, "{md}");
    assert!(
        md[section..].contains(
            "| ORG-01 | Customer data deletion on contract end | Customer contracts | Planned |"
        ),
        "{md}"
    );
    assert!(md[section..].contains("Contracts require deletion within 30 days."));
    assert!(md[section..].contains("R-01"));

    let html = out.join("soa.html");
    render(&root, "soa", "html", &html);
    let html = read(&html);
    let section = html
        .find("<h2>Additional controls (6.1.3 c)</h2>")
        .expect("a separate section");
    assert!(
        html.find("id=\"control-8.34\"").unwrap() < section,
        "{html}"
    );
    assert!(html[section..].contains("id=\"control-ORG-01\""), "{html}");
    assert!(html[section..].contains("Customer data deletion on contract end"));
    assert!(html[section..].contains("Contracts require deletion within 30 days."));

    let csv = out.join("soa.csv");
    render(&root, "soa", "csv", &csv);
    let csv = read(&csv);
    let rows: Vec<&str> = csv.lines().collect();
    // Header, 93 Annex A controls, then the own control.
    assert_eq!(rows.len(), 95, "{csv}");
    let last = rows[94];
    assert!(
        last.starts_with(
            "ORG-01,Customer data deletion on contract end,Additional controls (6.1.3 c),"
        ),
        "{last}"
    );
    assert!(last.contains("Source: Customer contracts"), "{last}");

    use calamine::{Reader, Xlsx};
    let xlsx = out.join("soa.xlsx");
    render(&root, "soa", "xlsx", &xlsx);
    let mut wb: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let range = wb.worksheet_range("SoA").unwrap();
    assert_eq!(range.height(), 95);
    let last: Vec<String> = range
        .rows()
        .next_back()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(last[0], "ORG-01");
    assert_eq!(last[2], "Additional controls (6.1.3 c)");
}

#[test]
fn soa_without_own_controls_has_no_additional_section() {
    let (d, root) = repo(&[]);
    let md = d.path().join("soa.md");
    render(&root, "soa", "md", &md);
    assert!(!read(&md).contains("Additional controls"));
    let html = d.path().join("soa.html");
    render(&root, "soa", "html", &html);
    assert!(!read(&html).contains("Additional controls"));
}

// --- A policy approved before the version it approves (7.5.2 c, 7.5.3) ----------------------

const POL: &str = "policies/information-security.md";

fn sup09(root: &Path) -> Vec<String> {
    findings(root)
        .into_iter()
        .filter(|f| f.starts_with("SUP-09"))
        .collect()
}

#[test]
fn approval_on_or_after_the_version_date_is_in_order() {
    let (_d, root) = repo(&[(
        POL,
        "version: \"1.0\"\n",
        "version: \"1.0\"\nversion_date: 2025-02-01\n",
    )]);
    assert_eq!(sup09(&root), Vec::<String>::new());
}

#[test]
fn approval_before_the_version_date_is_sup_09() {
    let (_d, root) = repo(&[(
        POL,
        "version: \"1.0\"\n",
        "version: \"1.0\"\nversion_date: 2025-02-10\n",
    )]);
    let loaded = isms::loader::load(&root).expect("fixture loads");
    let outcome = isms::checks::check_loaded(&loaded, &[], AS_OF.parse().unwrap());
    let hits: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.diagnostic.code == "SUP-09")
        .collect();
    assert_eq!(hits.len(), 1, "{:?}", sup09(&root));
    let msg = &hits[0].diagnostic.message;
    assert!(
        msg.contains("approval of policy") && msg.contains("2025-02-01"),
        "{msg}"
    );
    let text = format!("{:?}", hits[0].diagnostic);
    assert!(text.contains("information-security.md"), "{text}");
}
