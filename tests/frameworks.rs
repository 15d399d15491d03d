//! Other frameworks: `isms frameworks` (list and show), the coverage document of
//! `isms render --framework` (recomputed independently from the embedded CSV for a sample of
//! requirements, and snapshotted as Markdown), the FWK rules of `isms check --framework`, own
//! answers in `frameworks/<id>.yaml`, and custom frameworks from CSV files.

#[path = "support/clean.rs"]
mod clean;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use clean::{AS_OF, Found, line_of};
use serde_json::Value;

const EXAMPLE_AS_OF: &str = "2026-12-07";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas")
}

fn data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/frameworks")
        .join(file)
}

/// Copies the clean fixture, applies `(file, from, to)` edits (an empty `from` appends `to`,
/// a missing file is created).
fn edited(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let tmp = clean::copy();
    for (file, from, to) in edits {
        let path = tmp.path().join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let text = if from.is_empty() {
            format!("{text}{to}")
        } else {
            assert_eq!(text.matches(from).count(), 1, "`{from}` once in {file}");
            text.replacen(from, to, 1)
        };
        std::fs::write(&path, text).unwrap();
    }
    tmp
}

/// The findings of `isms check --framework <frameworks>` on `dir`.
fn findings_with(dir: &Path, frameworks: &[&str]) -> Vec<Found> {
    let mut loaded = isms::loader::load(dir).unwrap();
    for f in frameworks {
        loaded.model.selected_frameworks.push(f.to_string());
    }
    let outcome = isms::checks::check_loaded(&loaded, &[], AS_OF.parse().unwrap());
    outcome
        .findings
        .into_iter()
        .map(|f| {
            let loc = f.diagnostic.location.clone();
            Found {
                code: f.diagnostic.code,
                severity: format!("{:?}", f.diagnostic.severity).to_lowercase(),
                message: f.diagnostic.message,
                path: loc.as_ref().map(|l| l.path.clone()).unwrap_or_default(),
                line: loc.map_or(0, |l| l.line),
                record: f.diagnostic.record,
                waived: f.waiver.is_some(),
            }
        })
        .collect()
}

fn fwk(found: &[Found]) -> Vec<&Found> {
    found
        .iter()
        .filter(|f| f.code.starts_with("FWK-"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// isms frameworks

#[test]
fn list_shows_built_in_frameworks_with_their_attribution() {
    let out = cargo_bin_cmd!("isms")
        .args(["frameworks", "-C"])
        .arg(example())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("nis2") && text.contains("349"), "{text}");
    assert!(text.contains("csf") && text.contains("106"), "{text}");
    assert!(
        text.contains("ENISA") && text.contains("CC BY 4.0"),
        "{text}"
    );
    assert!(text.contains("converted to a CSV"), "{text}");
    assert!(
        text.contains("National Institute of Standards and Technology"),
        "{text}"
    );

    let help = cargo_bin_cmd!("isms")
        .args(["frameworks", "--help"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(help).unwrap();
    assert!(
        help.contains("ENISA") && help.contains("intersect"),
        "{help}"
    );

    let json = cargo_bin_cmd!("isms")
        .args(["frameworks", "--format", "json", "-C"])
        .arg(example())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&json).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["nis2", "csf"]);
    assert_eq!(v[0]["mappings"], 954);
}

#[test]
fn show_one_requirement_with_the_decisions_of_the_isms() {
    let json = cargo_bin_cmd!("isms")
        .args([
            "frameworks",
            "show",
            "nis2",
            "13.1.1",
            "--format",
            "json",
            "--as-of",
        ])
        .arg(EXAMPLE_AS_OF)
        .arg("-C")
        .arg(example())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&json).unwrap();
    let reqs = v["requirements"].as_array().unwrap();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r["id"], "13.1.1");
    assert_eq!(r["class"], "excluded-or-planned");
    assert_eq!(r["refs"][0]["reference"], "A.7.11");
    assert_eq!(r["refs"][0]["applicable"], false);

    let text = cargo_bin_cmd!("isms")
        .args([
            "frameworks",
            "show",
            "nis2",
            "1.1.1.a",
            "--as-of",
            EXAMPLE_AS_OF,
            "-C",
        ])
        .arg(example())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    // A.5.1 in the example: implemented, owned by the ISMS manager, evidence of 2026-11-02.
    assert!(
        text.contains("A.5.1 ")
            && text.contains("owner Daniel Osei")
            && text.contains("evidence 2026-11-02 (35 days old)"),
        "{text}"
    );
    assert!(text.contains("not fulfilment"), "{text}");
}

#[test]
fn show_rejects_unknown_frameworks_and_requirements() {
    cargo_bin_cmd!("isms")
        .args(["frameworks", "show", "soc3"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("available: nis2, csf"));
    cargo_bin_cmd!("isms")
        .args(["frameworks", "show", "nis2", "1.1.1.z"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean"));
}

// ---------------------------------------------------------------------------------------------
// The coverage document

/// The NIS2 mapping read straight from the shipped CSV: requirement → ISO references.
fn shipped_nis2_mapping() -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut r = csv::Reader::from_path(data("nis2-ir-2024-2690-to-iso27001-2022.csv")).unwrap();
    for row in r.records() {
        let row = row.unwrap();
        let refs = map.entry(row[0].to_string()).or_default();
        if !refs.contains(&row[1].to_string()) {
            refs.push(row[1].to_string());
        }
    }
    map
}

fn shipped_nis2_requirements() -> Vec<String> {
    let mut r = csv::Reader::from_path(data("nis2-ir-2024-2690.csv")).unwrap();
    r.records()
        .map(Result::unwrap)
        .filter(|row| &row[2] == "True")
        .map(|row| row[0].to_string())
        .collect()
}

/// The class a requirement should get, worked out from the SoA by hand: clauses always count,
/// a control counts when applicable and implemented.
fn expected_class(
    soa: &BTreeMap<String, (Option<bool>, Option<String>)>,
    refs: &[String],
) -> &'static str {
    if refs.is_empty() {
        return "not mapped to ISO — needs its own answer";
    }
    let controls: Vec<&(Option<bool>, Option<String>)> = refs
        .iter()
        .filter_map(|r| r.strip_prefix("A."))
        .map(|c| soa.get(c).unwrap_or(&(None, None)))
        .collect();
    let implemented = |d: &&(Option<bool>, Option<String>)| {
        d.0 == Some(true) && d.1.as_deref() == Some("implemented")
    };
    let some = |d: &&(Option<bool>, Option<String>)| {
        d.0 == Some(true) && matches!(d.1.as_deref(), Some("implemented" | "partial"))
    };
    if controls.iter().all(implemented) {
        "covered by implemented controls"
    } else if controls.iter().any(some) {
        "partly"
    } else {
        "only by excluded or planned controls"
    }
}

/// The example's SoA read with a plain line scan (not through the loader): id → (applicable,
/// status).
fn example_soa() -> BTreeMap<String, (Option<bool>, Option<String>)> {
    let text = std::fs::read_to_string(example().join("soa.yaml")).unwrap();
    let mut out = BTreeMap::new();
    let mut id: Option<String> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("- id: ") {
            id = Some(rest.trim_matches('"').to_string());
            out.insert(id.clone().unwrap(), (None, None));
        } else if let Some(cur) = &id
            && line.starts_with("    ")
            && !line.starts_with("      ")
        {
            let e = out.get_mut(cur).unwrap();
            if let Some(v) = t.strip_prefix("applicable: ") {
                e.0 = Some(v == "true");
            } else if let Some(v) = t.strip_prefix("status: ") {
                e.1 = Some(v.to_string());
            }
        }
    }
    out
}

fn render(dir: &Path, format: &str, out: &Path) -> String {
    cargo_bin_cmd!("isms")
        .args([
            "render",
            "--framework",
            "nis2",
            "--as-of",
            EXAMPLE_AS_OF,
            "--format",
            format,
        ])
        .arg("-C")
        .arg(dir)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    let path = out.join(format!("frameworks/nis2.{format}"));
    if format == "xlsx" {
        assert!(std::fs::metadata(&path).unwrap().len() > 1000);
        return String::new();
    }
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn coverage_rows_match_the_shipped_mapping() {
    let out = tempfile::tempdir().unwrap();
    let csv_text = render(&example(), "csv", out.path());
    let mapping = shipped_nis2_mapping();
    let requirements = shipped_nis2_requirements();
    let soa = example_soa();
    assert_eq!(soa.len(), 93, "the line scan found every SoA entry");
    // Rendered: requirement → (coverage, references in the order given).
    let mut rendered: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    for row in r.records() {
        let row = row.unwrap();
        let e = rendered
            .entry(row[1].to_string())
            .or_insert_with(|| (row[3].to_string(), Vec::new()));
        if !row[4].is_empty() {
            e.1.push(row[4].to_string());
        }
    }
    assert_eq!(
        rendered.len(),
        requirements.len(),
        "one entry per assessable requirement"
    );
    // A fixed sample across the sections, plus every 17th requirement.
    let mut sample: Vec<&str> = vec!["1.1.1.a", "2.1.2.c", "5.2.a", "6.1.2.a", "7.2.a", "13.1.1"];
    sample.extend(requirements.iter().step_by(17).map(String::as_str));
    for id in sample {
        let refs = mapping.get(id).cloned().unwrap_or_default();
        let (class, got_refs) = &rendered[id];
        let mut want_sorted = refs.clone();
        want_sorted.sort();
        let mut got_sorted = got_refs.clone();
        got_sorted.sort();
        assert_eq!(got_sorted, want_sorted, "references of {id}");
        assert_eq!(class, expected_class(&soa, &refs), "coverage of {id}");
    }
    // The example excludes A.7.11 (supporting utilities): section 13 is not covered by it.
    assert_eq!(rendered["13.1.1"].0, "only by excluded or planned controls");
    assert_eq!(
        rendered["7.2.a"].0,
        "not mapped to ISO — needs its own answer"
    );
    // Other formats render too.
    render(&example(), "xlsx", out.path());
    let html = render(&example(), "html", out.path());
    assert!(html.contains("ENISA") && html.contains("not proof that the requirement is fulfilled"));
}

#[test]
fn coverage_document_markdown_snapshot() {
    // A copy outside Git, so the document-control block does not depend on the commit.
    let repo = tempfile::tempdir().unwrap();
    clean::copy_dir(&example(), repo.path());
    let out = tempfile::tempdir().unwrap();
    let md = render(repo.path(), "md", out.path());
    assert!(md.contains("| **Total** | 349 |"), "{}", &md[..2000]);
    insta::assert_snapshot!("nis2_coverage_acme_saas_md", md);
}

#[test]
fn own_answers_override_the_mapping_in_the_document() {
    let repo = tempfile::tempdir().unwrap();
    clean::copy_dir(&example(), repo.path());
    std::fs::create_dir_all(repo.path().join("frameworks")).unwrap();
    std::fs::write(
        repo.path().join("frameworks/nis2.yaml"),
        "answers:\n  - id: \"13.1.1\"\n    status: implemented\n    owner: p-it\n    notes: The serviced office provides power and cooling under contract.\n  - id: \"7.2.a\"\n    status: partial\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let md = render(repo.path(), "md", out.path());
    let line = md.lines().find(|l| l.starts_with("| **13.1.1**")).unwrap();
    assert!(
        line.contains("| covered by implemented controls |"),
        "{line}"
    );
    assert!(
        line.contains("implemented (p-it): The serviced office"),
        "{line}"
    );
    let line = md.lines().find(|l| l.starts_with("| **7.2.a**")).unwrap();
    assert!(line.contains("| partly |"), "{line}");
    assert!(
        md.contains("frameworks/nis2.yaml"),
        "answers file listed among the sources"
    );
}

// ---------------------------------------------------------------------------------------------
// isms check --framework

#[test]
fn no_framework_rules_unless_selected() {
    let tmp = edited(&[]);
    assert!(fwk(&findings_with(tmp.path(), &[])).is_empty());
}

#[test]
fn requirement_mapped_only_to_excluded_controls_is_reported_at_the_exclusion() {
    let soa_from = "  - id: \"7.11\"\n    applicable: true\n    reasons: [business]\n    justification: Baseline control for a SaaS company.";
    let soa_to = "  - id: \"7.11\"\n    applicable: false\n    reasons: [no-premises]\n    justification: No own premises; the serviced office runs its utilities.";
    let tmp = edited(&[("soa.yaml", soa_from, soa_to)]);
    let found = findings_with(tmp.path(), &["nis2"]);
    let f1: Vec<&Found> = found.iter().filter(|f| f.code == "FWK-01").collect();
    let text = std::fs::read_to_string(tmp.path().join("soa.yaml")).unwrap();
    // The `applicable: false` line right below `- id: "7.11"` (1-based).
    let excluded_line = line_of(&text, "- id: \"7.11\"") + 1;
    let ids: Vec<&str> = f1.iter().map(|f| f.record.as_deref().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "13.1.1", "13.1.2.a", "13.1.2.b", "13.1.2.c", "13.1.2.d", "13.1.2.f", "13.1.3"
        ]
    );
    for f in &f1 {
        assert_eq!(f.path, "soa.yaml");
        assert_eq!(f.line, excluded_line, "{f:?}");
        assert_eq!(f.severity, "error");
        assert!(f.message.contains("A.7.11"), "{}", f.message);
    }

    // An own answer for each settles it.
    let answers = "answers:\n".to_string()
        + &ids
            .iter()
            .map(|id| format!("  - id: \"{id}\"\n    status: implemented\n    notes: Landlord contract S-07.\n"))
            .collect::<String>();
    std::fs::create_dir_all(tmp.path().join("frameworks")).unwrap();
    std::fs::write(tmp.path().join("frameworks/nis2.yaml"), answers).unwrap();
    let found = findings_with(tmp.path(), &["nis2"]);
    assert!(
        !found.iter().any(|f| f.code == "FWK-01"),
        "{:?}",
        fwk(&found)
    );
}

#[test]
fn unmapped_requirements_need_an_own_answer() {
    let tmp = edited(&[]);
    let found = findings_with(tmp.path(), &["nis2"]);
    let f2: Vec<&str> = found
        .iter()
        .filter(|f| f.code == "FWK-02")
        .map(|f| f.record.as_deref().unwrap())
        .collect();
    assert_eq!(f2.len(), 24, "{f2:?}");
    assert!(f2.contains(&"7.2.a") && f2.contains(&"9.2.c.xii"));
    // With an answers file, the remaining findings point at it; answered ones disappear.
    let tmp = edited(&[(
        "frameworks/nis2.yaml",
        "",
        "answers:\n  - id: \"7.2.a\"\n    notes: Measured through the ISMS metrics (metrics.yaml).\n",
    )]);
    let found = findings_with(tmp.path(), &["nis2"]);
    let f2: Vec<&Found> = found.iter().filter(|f| f.code == "FWK-02").collect();
    assert_eq!(f2.len(), 23);
    assert!(
        f2.iter()
            .all(|f| f.path == "frameworks/nis2.yaml" && f.severity == "warning")
    );
    assert!(!f2.iter().any(|f| f.record.as_deref() == Some("7.2.a")));
}

#[test]
fn frameworks_in_isms_yaml_select_the_rules_and_unknown_ones_are_reported() {
    let tmp = edited(&[("isms.yaml", "", "frameworks: [nis2, soc9]\n")]);
    let found = findings_with(tmp.path(), &[]);
    assert!(
        found.iter().any(|f| f.code == "FWK-02"),
        "nis2 selected by isms.yaml"
    );
    let text = std::fs::read_to_string(tmp.path().join("isms.yaml")).unwrap();
    let unknown: Vec<&Found> = found.iter().filter(|f| f.code == "FWK-04").collect();
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert_eq!(unknown[0].path, "isms.yaml");
    assert_eq!(unknown[0].line, line_of(&text, "frameworks: [nis2, soc9]"));
    assert!(unknown[0].message.contains("soc9"));
}

#[test]
fn check_cli_takes_framework_and_refuses_unknown_ones() {
    let tmp = edited(&[]);
    cargo_bin_cmd!("isms")
        .args(["check", "--no-git", "--as-of", AS_OF, "--framework", "nis2"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("FWK-02"));
    cargo_bin_cmd!("isms")
        .args(["check", "--no-git", "--as-of", AS_OF, "--framework", "nist"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("available: nis2, csf"));
}

#[test]
fn answer_for_an_unknown_requirement_is_reported_with_its_line() {
    let tmp = edited(&[(
        "frameworks/csf.yaml",
        "",
        "answers:\n  - id: GV.OC-01\n    status: implemented\n  - id: GV.OC-99\n    status: implemented\n",
    )]);
    let found = findings_with(tmp.path(), &[]);
    let f: Vec<&Found> = found.iter().filter(|f| f.code == "FWK-05").collect();
    assert_eq!(f.len(), 1, "{:?}", fwk(&found));
    assert_eq!(f[0].path, "frameworks/csf.yaml");
    assert_eq!(f[0].line, 4);
    assert!(f[0].message.contains("GV.OC-99"));
}

// ---------------------------------------------------------------------------------------------
// Custom frameworks

const SOC_REQUIREMENTS: &str = "framework_id,requirement_id,title,section\n\
acme-ctl,AC-1,Access is reviewed quarterly,Access\n\
acme-ctl,AC-2,Leavers lose access on their last day,Access\n\
acme-ctl,HR-1,Staff sign the code of conduct,People\n";

#[test]
fn custom_framework_loads_and_is_checked() {
    let tmp = edited(&[
        ("frameworks/acme-ctl-requirements.csv", "", SOC_REQUIREMENTS),
        (
            "frameworks/acme-ctl-mapping.csv",
            "",
            "framework_id,requirement_id,iso_ref,relationship\nacme-ctl,AC-1,A.5.18,intersect\nacme-ctl,AC-2,A.5.18,\nacme-ctl,AC-2,A.6.5,subset\n",
        ),
    ]);
    let out = cargo_bin_cmd!("isms")
        .args(["frameworks", "-C"])
        .arg(tmp.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("acme-ctl") && text.contains("own"), "{text}");
    let found = findings_with(tmp.path(), &["acme-ctl"]);
    let f: Vec<&Found> = found.iter().filter(|f| f.code.starts_with("FWK")).collect();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].code, "FWK-02");
    assert_eq!(f[0].record.as_deref(), Some("HR-1"));
}

#[test]
fn bad_custom_rows_are_reported_with_file_and_line() {
    let tmp = edited(&[
        ("frameworks/req.csv", "", SOC_REQUIREMENTS),
        (
            "frameworks/map.csv",
            "",
            "framework_id,requirement_id,iso_ref,relationship\nacme-ctl,AC-1,A.5.18,intersect\nacme-ctl,AC-9,A.5.18,\nacme-ctl,AC-2,A.14.2.1,\nacme-ctl,AC-2,A.6.5,overlaps\n",
        ),
        ("frameworks/notes.csv", "", "a,b\n1,2\n"),
    ]);
    let found = findings_with(tmp.path(), &[]);
    let f: Vec<(String, u32)> = found
        .iter()
        .filter(|f| f.code == "FWK-03")
        .map(|f| (f.path.clone(), f.line))
        .collect();
    assert_eq!(
        f,
        [
            ("frameworks/map.csv".to_string(), 3),
            ("frameworks/map.csv".to_string(), 4),
            ("frameworks/map.csv".to_string(), 5),
            ("frameworks/notes.csv".to_string(), 1),
        ]
    );
    // `isms frameworks` still lists it, and says what is wrong on stderr with exit 1.
    cargo_bin_cmd!("isms")
        .args(["frameworks", "-C"])
        .arg(tmp.path())
        .assert()
        .code(1)
        .stdout(predicates::str::contains("acme-ctl"))
        .stderr(predicates::str::contains("frameworks/map.csv:3"));
}
