//! The whole document set of `isms render`, and the derived statuses it shares with
//! `isms check`: a risk the documents call "not accepted", an action they flag "overdue", is
//! exactly one `check` reports, on the example and on a fresh scaffold.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;

const AS_OF: &str = "2026-12-07";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas")
}

/// A fresh scaffold, as `isms init` writes it.
fn scaffold() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("isms")
        .args(["init", "--no-git", "--org", "Scaffold Ltd"])
        .arg(tmp.path().join("isms"))
        .assert()
        .success();
    tmp
}

/// `(code, record)` of every error and warning `isms check` reports as of `as_of`.
fn check_findings(dir: &Path, as_of: &str) -> BTreeSet<(String, String)> {
    let out = cargo_bin_cmd!("isms")
        .args(["check", "--no-git", "--format", "json", "--as-of", as_of])
        .arg(dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check json");
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["waived"].is_null())
        .filter_map(|d| {
            Some((
                d["code"].as_str()?.to_string(),
                d["record"].as_str()?.to_string(),
            ))
        })
        .collect()
}

fn codes_for(found: &BTreeSet<(String, String)>, code: &str) -> BTreeSet<String> {
    found
        .iter()
        .filter(|(c, _)| c == code)
        .map(|(_, r)| r.clone())
        .collect()
}

/// Renders `docs` of `dir` as Markdown into a new folder.
fn render_md(dir: &Path, as_of: &str, docs: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("isms")
        .args([
            "render", "--draft", "--format", "md", "--as-of", as_of, "-C",
        ])
        .arg(dir)
        .args(docs)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    out
}

/// The `### ID title` sections of a Markdown document, as (id, section text).
fn sections(md: &str, marker: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in md.lines() {
        if let Some(rest) = line.strip_prefix(marker) {
            let id = rest.split_whitespace().next().unwrap_or("").to_string();
            out.push((id, String::new()));
        } else if line.starts_with("## ") && marker == "### " {
            // A new level-2 heading ends the risk details.
            if let Some(last) = out.last_mut() {
                last.1.push_str("\n<end>");
            }
        } else if let Some(last) = out.last_mut()
            && !last.1.ends_with("<end>")
        {
            last.1.push_str(line);
            last.1.push('\n');
        }
    }
    out
}

/// Risks the risk register shows with a residual-risk acceptance problem.
fn rendered_unaccepted(out: &Path) -> BTreeSet<String> {
    let md = std::fs::read_to_string(out.join("risk-register.md")).unwrap();
    sections(&md, "### ")
        .into_iter()
        .filter(|(_, s)| s.contains("- Residual risk acceptance:"))
        .map(|(id, _)| id)
        .collect()
}

/// Risks the treatment plan shows with an overdue action.
fn rendered_overdue_actions(out: &Path) -> BTreeSet<String> {
    let md = std::fs::read_to_string(out.join("risk-treatment-plan.md")).unwrap();
    sections(&md, "## ")
        .into_iter()
        .filter(|(_, s)| s.contains("(overdue)"))
        .map(|(id, _)| id)
        .collect()
}

fn assert_same_statuses(dir: &Path, as_of: &str) -> usize {
    let found = check_findings(dir, as_of);
    let out = render_md(dir, as_of, &["risk-register", "risk-treatment-plan"]);
    let unaccepted = rendered_unaccepted(out.path());
    assert_eq!(
        unaccepted,
        codes_for(&found, "RSK-10"),
        "the risk register and RSK-10 must name the same risks as not accepted ({})",
        dir.display()
    );
    let overdue = rendered_overdue_actions(out.path());
    assert_eq!(
        overdue,
        codes_for(&found, "RSK-14"),
        "the treatment plan and RSK-14 must flag the same risks' actions as overdue ({})",
        dir.display()
    );
    unaccepted.len() + overdue.len()
}

#[test]
fn render_and_check_agree_on_acceptance_and_overdue_actions_of_the_example() {
    // As of the example's date nothing is wrong; two years on, acceptances with an `until:`
    // have lapsed and open actions are overdue, so both sides have something to say.
    assert_same_statuses(&example(), AS_OF);
    let later = assert_same_statuses(&example(), "2028-12-31");
    assert!(later > 0, "two years on, some statuses must have changed");
}

#[test]
fn render_and_check_agree_on_acceptance_of_a_fresh_scaffold() {
    let tmp = scaffold();
    let dir = tmp.path().join("isms");
    let n = assert_same_statuses(&dir, AS_OF);
    assert!(n > 0, "a fresh scaffold has undecided acceptances");
}

/// The `| Sources |` line of a rendered Markdown document, split into files.
fn sources_of(md: &str) -> Vec<String> {
    md.lines()
        .find_map(|l| l.strip_prefix("| Sources | "))
        .map(|rest| {
            rest.trim_end_matches(" |")
                .split(", ")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_record_file_of_the_example_is_represented_in_a_document() {
    let out = render_md(&example(), AS_OF, &[]);
    let mut covered = BTreeSet::new();
    for entry in walkdir::WalkDir::new(out.path()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") && entry.file_name() != "index.md" {
            covered.extend(sources_of(&std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
    let loaded = isms::loader::load(&example()).unwrap();
    let records: Vec<String> = loaded
        .model
        .sources
        .files()
        .map(|(_, f)| f.path.clone())
        .collect();
    assert!(records.len() > 30, "{records:?}");
    let missing: Vec<&String> = records.iter().filter(|r| !covered.contains(*r)).collect();
    assert!(
        missing.is_empty(),
        "record files no document (other than the index) is built from: {missing:?}"
    );
}

#[test]
fn the_new_documents_exist_in_their_formats_and_the_index_links_them_by_clause() {
    let out = tempfile::tempdir().unwrap();
    for format in ["html", "md", "csv", "xlsx"] {
        cargo_bin_cmd!("isms")
            .args(["render", "--format", format, "--as-of", AS_OF, "-C"])
            .arg(example())
            .arg("--out")
            .arg(out.path().join(format))
            .assert()
            .success();
    }
    let has = |f: &str| out.path().join(f).is_file();
    for doc in [
        "roles",
        "processes",
        "communication",
        "external-documents",
        "procedures/PRO-01",
        "procedures/PRO-02",
    ] {
        assert!(has(&format!("html/{doc}.html")), "{doc}.html");
        assert!(has(&format!("md/{doc}.md")), "{doc}.md");
        assert!(!has(&format!("csv/{doc}.csv")), "{doc} is not a register");
    }
    for doc in ["suppliers", "incidents", "competence", "metrics", "changes"] {
        for f in ["html", "md", "csv", "xlsx"] {
            assert!(has(&format!("{f}/{doc}.{f}")), "{doc}.{f}");
        }
    }
    // The risk methodology procedure is rendered as a controlled document.
    let pro = std::fs::read_to_string(out.path().join("md/procedures/PRO-01.md")).unwrap();
    assert!(pro.starts_with("# Risk Assessment and Treatment Methodology"));
    assert!(pro.contains("| Approval date | 2026-01-12 |"), "{pro}");
    assert!(pro.contains("## Revision history"));

    // The index walks the clauses in order, then Annex A.
    let index = std::fs::read_to_string(out.path().join("md/index.md")).unwrap();
    let pos = |needle: &str| {
        index
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not in the index:\n{index}"))
    };
    let order = [
        "(clause 4)",
        "(processes.md)",
        "(clause 5)",
        "(roles.md)",
        "(clauses 6.1",
        "(changes.md)",
        "(clause 7)",
        "(competence.md)",
        "(communication.md)",
        "(external-documents.md)",
        "(clause 8)",
        "(procedures/PRO-01.md)",
        "(clause 9)",
        "(metrics.md)",
        "(audits/programme.md)",
        "(clause 10)",
        "Annex A controls",
        "(suppliers.md)",
        "(incidents.md)",
    ];
    for w in order.windows(2) {
        assert!(pos(w[0]) < pos(w[1]), "{} before {}", w[0], w[1]);
    }

    // Every metric with results has a chart, one dot per numeric result.
    let html = std::fs::read_to_string(out.path().join("html/metrics.html")).unwrap();
    let loaded = isms::loader::load(&example()).unwrap();
    let with_results = loaded
        .model
        .metrics
        .iter()
        .filter(|m| m.results.iter().next().is_some())
        .count();
    assert_eq!(
        html.matches("<figure class=\"chart\"").count(),
        with_results
    );
    assert!(html.matches("<circle").count() > with_results);
    assert!(html.contains("<polyline points=\""));

    // The csv of a register is the register: one row per record plus the header.
    let csv = std::fs::read_to_string(out.path().join("csv/suppliers.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.records().count(), loaded.model.suppliers.len());
}

/// Error counts of `isms check --no-git` per file.
fn errors_per_file(dir: &Path, as_of: &str) -> std::collections::BTreeMap<String, usize> {
    let out = cargo_bin_cmd!("isms")
        .args(["check", "--no-git", "--format", "json", "--as-of", as_of])
        .arg(dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut m = std::collections::BTreeMap::new();
    for d in v["diagnostics"].as_array().unwrap() {
        if d["severity"] == "error"
            && d["waived"].is_null()
            && let Some(p) = d["location"]["path"].as_str()
        {
            *m.entry(p.to_string()).or_insert(0) += 1;
        }
    }
    m
}

/// The error count a rendered Markdown document states, 0 when it states none.
fn stated_errors(md: &str) -> usize {
    md.lines()
        .find_map(|l| l.strip_prefix("> **Does not pass `isms check`** as of "))
        .and_then(|rest| rest.split(": ").nth(1))
        .and_then(|n| n.split_whitespace().next())
        .map_or(0, |n| n.parse().unwrap())
}

#[test]
fn documents_show_the_errors_check_reports_in_their_own_records() {
    let tmp = scaffold();
    let dir = tmp.path().join("isms");
    // The records are not in Git here, so render runs check without the Git rules too.
    let errors = errors_per_file(&dir, AS_OF);
    let out = render_md(&dir, AS_OF, &[]);
    let read = |f: &str| std::fs::read_to_string(out.path().join(f)).unwrap();
    for (doc, file) in [
        ("risk-register.md", "risks.yaml"),
        ("risk-treatment-plan.md", "risks.yaml"),
        ("soa.md", "soa.yaml"),
        ("index.md", "isms.yaml"),
    ] {
        let expected = errors.get(file).copied().unwrap_or(0);
        assert!(expected > 0, "the scaffold has errors in {file}");
        assert_eq!(
            stated_errors(&read(doc)),
            expected,
            "{doc} and check on {file}"
        );
    }
    let rr = read("risk-register.md");
    assert!(rr.contains("> - RSK-10 R-001: "), "{rr}");

    // A passing ISMS shows none.
    let clean = render_md(&example(), AS_OF, &[]);
    for entry in walkdir::WalkDir::new(clean.path()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            let md = std::fs::read_to_string(entry.path()).unwrap();
            assert_eq!(stated_errors(&md), 0, "{}", entry.path().display());
        }
    }
}
