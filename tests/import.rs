//! `isms import`: spreadsheets in the shapes real ones have (title rows, blank rows, section
//! headings, Y/N and ✓, 2013 ids, names instead of people ids) and Markdown policies with
//! foreign front matter, brought into an ISMS; bad input refused with the row and column;
//! the rendered SoA and risk register edited in a spreadsheet and imported back.

#[path = "support/clean.rs"]
mod clean;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader};
use clean::{copy_dir, findings};

const AS_OF: &str = "2026-12-07";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

/// A copy of the fixture ISMS (isms.yaml only: people and the risk methodology).
fn isms() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("isms"), tmp.path());
    tmp
}

fn isms_cmd() -> Command {
    Command::cargo_bin("isms").unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = isms_cmd().args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn import(kind: &str, file: &Path, dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "import",
        kind,
        file.to_str().unwrap(),
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Every file of `dir` with its bytes, for "nothing was written".
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

/// The ids named in report lines of the form `  ID...: ... added undecided ...`.
fn undecided_in_report(report: &str) -> BTreeSet<String> {
    report
        .lines()
        .filter(|l| l.contains("was added undecided"))
        .filter_map(|l| l.trim().split(':').next().map(str::to_string))
        .collect()
}

#[test]
fn a_2013_soa_with_title_rows_and_y_n_marks_is_mapped_to_2022() {
    let dir = isms();
    let r = import("soa", &fixtures().join("soa-2013.csv"), dir.path(), &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("header row 4"), "{}", r.stdout);
    assert!(r.stdout.contains("2013 Annex A ids were mapped"));
    // A.5.1.1 (Y) and A.5.1.2 (N) merged into 5.1: applicable wins, both reasons kept.
    assert!(
        r.stdout
            .contains("A.5.1.1 and A.5.1.2 merged into 5.1 with different `applicable`"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("A.18.2.3 split into 5.36 and 8.8"));
    assert!(r.stdout.contains("\"Facilities team\" (row 15)"));
    let soa = std::fs::read_to_string(dir.path().join("soa.yaml")).unwrap();
    assert!(soa.contains(
        "justification: \"A.5.1.1: Required by customers and the board; A.5.1.2: Reviewed as part of A.5.1.1\""
    ), "{soa}");
    // Names and e-mails became people ids; ✓, x, ✗ became decisions.
    let loaded = isms::loader::load(dir.path()).unwrap();
    let soa_model = loaded.model.soa.as_ref().unwrap();
    let entry = |id: &str| {
        soa_model
            .controls
            .iter()
            .find(|c| c.value.id.value == id)
            .unwrap_or_else(|| panic!("{id} missing"))
            .value
            .clone()
    };
    assert_eq!(entry("5.16").owner.unwrap().value, "p-ops");
    assert!(entry("5.2").applicable.unwrap().value);
    assert!(entry("5.8").applicable.unwrap().value);
    assert!(!entry("7.1").applicable.unwrap().value);
    assert_eq!(soa_model.controls.len(), 93);
    // The 11 controls new in 2022 are listed for a decision.
    let undecided = undecided_in_report(&r.stdout);
    for id in isms::catalogue::NEW_IN_2022 {
        assert!(undecided.contains(id), "{id} not reported");
    }
    // `isms check` reports as undecided exactly the controls the report listed.
    let found = findings(dir.path(), AS_OF);
    let soa04: BTreeSet<String> = found
        .iter()
        .filter(|f| f.code == "SOA-04")
        .filter_map(|f| f.message.split_whitespace().nth(1).map(str::to_string))
        .collect();
    assert_eq!(soa04, undecided);
    // The unknown owner is the only broken reference, and the report named it.
    let unknown: Vec<&str> = found
        .iter()
        .filter(|f| f.code == "LOAD-013")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(unknown[0].contains("Facilities team"));
}

#[test]
fn registers_with_odd_headers_import_and_check_reports_only_what_the_sheets_lacked() {
    let dir = isms();
    for kind in ["suppliers", "assets", "risks"] {
        let r = import(
            kind,
            &fixtures().join(format!("{kind}.csv")),
            dir.path(),
            &[],
        );
        assert_eq!(r.code, 0, "{kind}: {}{}", r.stdout, r.stderr);
    }
    let risks = std::fs::read_to_string(dir.path().join("risks.yaml")).unwrap();
    // "Likely"/"Major" placed on the 5-point scales, "Reduce" is mitigate, 2013 ids mapped.
    assert!(
        risks.contains("inherent: {likelihood: 4, impact: 4, level: 16}"),
        "{risks}"
    );
    assert!(risks.contains("treatment: mitigate"));
    assert!(risks.contains("controls: [\"5.16\", \"8.15\"]"));
    assert!(risks.contains("owner: p-ops"), "e-mail matched: {risks}");
    let assets = std::fs::read_to_string(dir.path().join("assets.yaml")).unwrap();
    assert!(assets.contains("classification: restricted"));
    assert!(assets.contains("value: {confidentiality: 3, integrity: 3, availability: 2}"));
    let suppliers = std::fs::read_to_string(dir.path().join("suppliers.yaml")).unwrap();
    assert!(suppliers.contains("contact: aws-support@amazon.example"));
    assert!(suppliers.contains("certifications: [ISO/IEC 27001, SOC 2 Type II]"));
    let found = findings(dir.path(), AS_OF);
    assert!(
        !found
            .iter()
            .any(|f| f.code.starts_with("LOAD-") && f.code != "LOAD-013"),
        "the imported files load: {:?}",
        found
            .iter()
            .filter(|f| f.code.starts_with("LOAD"))
            .collect::<Vec<_>>()
    );
    let unknown: Vec<&str> = found
        .iter()
        .filter(|f| f.code == "LOAD-013")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(unknown[0].contains("Pat Jones"));
    // The risk without a residual rating is reported: the sheet had none.
    assert!(
        found
            .iter()
            .any(|f| f.code == "RSK-10" && f.message.contains("NW-01"))
    );
}

#[test]
fn dry_run_shows_the_diff_and_writes_nothing() {
    let dir = isms();
    let before = snapshot(dir.path());
    let r = import(
        "suppliers",
        &fixtures().join("suppliers.csv"),
        dir.path(),
        &["--dry-run"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("--- /dev/null\n+++ b/suppliers.yaml"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+    name: Amazon Web Services"));
    assert!(r.stdout.contains("Dry run: nothing was written."));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn existing_records_are_refused_without_update() {
    let dir = isms();
    let f = fixtures().join("risks.csv");
    assert_eq!(import("risks", &f, dir.path(), &[]).code, 0);
    let before = snapshot(dir.path());
    let r = import("risks", &f, dir.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("row 3: risk NW-01 already exists in risks.yaml: use --update"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(dir.path()), before);
    // With --update the same sheet changes nothing.
    let r = import("risks", &f, dir.path(), &["--update"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("0 new, 0 fields changed, 4 unchanged"),
        "{}",
        r.stdout
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn bad_input_names_file_row_and_column_and_writes_nothing() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("soa", "binary.csv", &["binary.csv: not a spreadsheet"]),
        (
            "soa",
            "no-applicable.csv",
            &["no-applicable.csv: row 1: missing the required column for `applicable`"],
        ),
        (
            "risks",
            "bad-date.csv",
            &["bad-date.csv: row 2, column E (\"Last assessed\"): \"next spring\" is not a date"],
        ),
        ("soa", "empty.csv", &["empty.csv: the sheet is empty"]),
        (
            "soa",
            "duplicate.csv",
            &[
                "row 3, column A (\"Control\"): duplicate control 5.1: row 2 has it too",
                "row 4, column A (\"Control\"): \"9.9\" is not an ISO/IEC 27001:2022 Annex A control",
            ],
        ),
    ];
    for (kind, file, wanted) in cases {
        let dir = isms();
        let before = snapshot(dir.path());
        let r = import(kind, &fixtures().join("bad").join(file), dir.path(), &[]);
        assert_eq!(r.code, 2, "{file}: {}", r.stdout);
        for w in *wanted {
            assert!(
                r.stderr.contains(w),
                "{file}: wanted {w:?} in\n{}",
                r.stderr
            );
        }
        assert!(r.stderr.contains("nothing was written"), "{file}");
        assert_eq!(snapshot(dir.path()), before, "{file} wrote something");
    }
    // A Word document gets the conversion hint.
    let dir = isms();
    let docx = dir.path().join("soa.docx");
    std::fs::write(&docx, b"PK\x03\x04").unwrap();
    let r = import("soa", &docx, dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("save the table as .xlsx or .csv"),
        "{}",
        r.stderr
    );
}

/// A messy 2022 SoA workbook: a cover sheet, a merged title row, a blank row, control ids
/// stored as numbers (so 5.10 arrives as 5.1), an owner merged down two rows, and a column
/// whose header no table knows.
fn messy_workbook(path: &Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("Cover").unwrap();
    cover.write_string(0, 0, "Northwind ISMS").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("SoA 2022").unwrap();
    ws.merge_range(0, 0, 0, 4, "Statement of Applicability", &Format::new())
        .unwrap();
    let headers = ["Ref", "Included", "Justification", "Owner", "Decision by"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let rows: &[(f64, &str, &str)] = &[
        (5.8, "Y", "Projects touch customer data"),
        (5.9, "Y", "Inventory needed"),
        (5.1, "Y", "Acceptable use rules"), // 5.10, stored as a number
        (5.11, "N", "Assets are returned by the leaver process"),
    ];
    for (i, (id, yn, why)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number(r, 0, *id).unwrap();
        ws.write_string(r, 1, *yn).unwrap();
        ws.write_string(r, 2, *why).unwrap();
        ws.write_string(r, 4, "Board").unwrap();
    }
    ws.merge_range(3, 3, 4, 3, "Thomas Hardy", &Format::new())
        .unwrap();
    ws.write_string(5, 3, "Ana Trujillo").unwrap();
    ws.write_string(6, 3, "Ana Trujillo").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn a_messy_workbook_with_numeric_ids_and_merged_cells() {
    let dir = isms();
    let xlsx = dir.path().join("soa.xlsx");
    messy_workbook(&xlsx);
    let r = import(
        "soa",
        &xlsx,
        dir.path(),
        &["--sheet", "SoA 2022", "--map", "Decision by=-", "--dry-run"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("(sheet \"SoA 2022\"): header row 3, 4 controls read"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("\"Decision by\"                    not imported"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+  - id: \"5.10\"\n+    title: Acceptable use of information and other associated assets\n+    applicable: true"), "{}", r.stdout);
    assert!(
        !r.stdout.contains(
            "id: \"5.1\"\n+    title: Policies for information security\n+    applicable"
        )
    );
    // The owner merged over two rows reached both.
    let owners = r.stdout.matches("+    owner: p-ciso").count();
    assert_eq!(owners, 2, "{}", r.stdout);
    // An unknown sheet names the ones there are.
    let r = import("soa", &xlsx, dir.path(), &["--sheet", "Risks"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("no sheet named \"Risks\"; the workbook has: Cover, SoA 2022"),
        "{}",
        r.stderr
    );
}

/// Reads every sheet of a workbook as cell values.
fn read_workbook(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).unwrap();
            let rows = range.rows().map(<[Data]>::to_vec).collect();
            (n, rows)
        })
        .collect()
}

/// Writes the sheets back as a workbook (what saving in a spreadsheet program does).
fn write_workbook(path: &Path, sheets: &[(String, Vec<Vec<Data>>)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    Data::String(s) => ws.write_string(r, c, s).map(|_| ()),
                    Data::Float(x) => ws.write_number(r, c, *x).map(|_| ()),
                    Data::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()),
                    Data::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()),
                    Data::DateTime(d) => {
                        let f = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                        ws.write_number_with_format(r, c, d.as_f64(), &f)
                            .map(|_| ())
                    }
                    _ => Ok(()),
                }
                .unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// Sets the cell in the row whose first column is `id`, in the column headed `header`.
fn edit_cell(rows: &mut [Vec<Data>], id: &str, header: &str, value: Data) {
    let col = rows[0]
        .iter()
        .position(|h| matches!(h, Data::String(s) if s == header))
        .unwrap_or_else(|| panic!("no column {header}"));
    let row = rows
        .iter_mut()
        .find(|r| matches!(&r[0], Data::String(s) if s == id))
        .unwrap_or_else(|| panic!("no row {id}"));
    row[col] = value;
}

/// The removed and the inserted lines of a line diff, `git diff` style.
fn changed_lines(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(a, b);
    let (mut removed, mut inserted) = (Vec::new(), Vec::new());
    for c in diff.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Delete => removed.push(c.value().trim_end().to_string()),
            similar::ChangeTag::Insert => inserted.push(c.value().trim_end().to_string()),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, inserted)
}

#[test]
fn rendered_soa_and_risk_register_edited_in_a_spreadsheet_import_back_with_update() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas"),
        root,
    );
    let soa_x = root.join("build/soa.xlsx");
    let risk_x = root.join("build/risks.xlsx");
    for (doc, out) in [("soa", &soa_x), ("risk-register", &risk_x)] {
        let r = run(&[
            "render",
            doc,
            "-C",
            root.to_str().unwrap(),
            "--format",
            "xlsx",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    // Three edits in the SoA, two in the risk register.
    let mut soa = read_workbook(&soa_x);
    edit_cell(
        &mut soa[0].1,
        "5.1",
        "Justification",
        Data::String("A policy set is the basis of the ISMS.".into()),
    );
    edit_cell(
        &mut soa[0].1,
        "5.7",
        "Status",
        Data::String("Partial".into()),
    );
    edit_cell(
        &mut soa[0].1,
        "8.1",
        "Owner",
        Data::String("Kenji Watanabe".into()),
    );
    write_workbook(&soa_x, &soa);
    let mut risks = read_workbook(&risk_x);
    edit_cell(
        &mut risks[0].1,
        "R-001",
        "Inherent likelihood",
        Data::Float(3.0),
    );
    edit_cell(
        &mut risks[0].1,
        "R-002",
        "Treatment",
        Data::String("Transfer".into()),
    );
    write_workbook(&risk_x, &risks);

    let soa_before = std::fs::read_to_string(root.join("soa.yaml")).unwrap();
    let risks_before = std::fs::read_to_string(root.join("risks.yaml")).unwrap();
    let r = import("soa", &soa_x, root, &["--update"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("0 new, 3 fields changed, 90 unchanged"),
        "{}",
        r.stdout
    );
    let r = import("risks", &risk_x, root, &["--update"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("2 fields changed"), "{}", r.stdout);

    let soa_after = std::fs::read_to_string(root.join("soa.yaml")).unwrap();
    let (removed, inserted) = changed_lines(&soa_before, &soa_after);
    assert_eq!(
        inserted,
        // A changed block text is rewritten as one entry: the short new text fits its line.
        [
            "    justification: A policy set is the basis of the ISMS.",
            "    status: partial",
            "    owner: p-seceng",
        ],
        "{removed:#?}"
    );
    // Only the justification entry, the status and the owner went.
    assert_eq!(removed.len(), 5, "{removed:#?}");
    assert_eq!(removed[0], "    justification: >-");
    assert!(removed[1].starts_with("      A policy set is the basis of the ISMS: staff"));
    assert_eq!(removed[3], "    status: implemented");
    assert_eq!(removed[4], "    owner: p-it");
    let risks_after = std::fs::read_to_string(root.join("risks.yaml")).unwrap();
    let (removed, inserted) = changed_lines(&risks_before, &risks_after);
    assert_eq!(
        inserted,
        ["      likelihood: 3", "    treatment: transfer"],
        "{removed:?}"
    );
    assert_eq!(removed, ["      likelihood: 4", "    treatment: mitigate"]);
}

#[test]
fn docs_list_the_headers_the_code_recognises() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/import.md"))
        .unwrap();
    let start = "<!-- headers: generated from src/import/fields.rs -->\n";
    let end = "<!-- end headers -->";
    let a = doc.find(start).expect("start marker") + start.len();
    let b = doc.find(end).expect("end marker");
    let table = isms::import::fields::markdown_table();
    if std::env::var_os("UPDATE_IMPORT_DOC").is_some() {
        let new = format!("{}\n{table}{}", &doc[..a], &doc[b..]);
        std::fs::write(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/import.md"),
            new,
        )
        .unwrap();
        return;
    }
    assert_eq!(
        doc[a..b].trim(),
        table.trim(),
        "docs/import.md is out of date: run UPDATE_IMPORT_DOC=1 cargo test --test import docs_"
    );
}

#[test]
fn policies_with_foreign_front_matter_keep_their_body_and_mark_what_is_missing() {
    let dir = isms();
    let src = fixtures().join("policies");
    let r = run(&[
        "import",
        "policies",
        src.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let access = std::fs::read_to_string(dir.path().join("policies/access-control.md")).unwrap();
    assert!(
        access.starts_with("---\nid: POL-02\ntitle: \"Access control policy\"\n"),
        "{access}"
    );
    assert!(access.contains("version_date: 2026-01-12\n"));
    assert!(access.contains("owner: ~   # to fill in"));
    let original = std::fs::read_to_string(src.join("access-control.md")).unwrap();
    let body = original.splitn(3, "---\n").nth(2).unwrap();
    assert!(access.ends_with(body), "body kept byte for byte");
    let onboarding =
        std::fs::read_to_string(dir.path().join("policies/access-onboarding.md")).unwrap();
    assert!(onboarding.contains("title: \"Access Onboarding and Termination Policy\""));
    assert!(onboarding.contains("version_date: 2018-06-01"));
    let plain = std::fs::read_to_string(dir.path().join("policies/backup.md")).unwrap();
    assert!(plain.contains("title: \"Backup policy\""));
    assert!(plain.contains("owner: ~   # to fill in"), "{plain}");
    assert!(plain.ends_with("We back up every production database nightly and test a restore each quarter.\n\n---\n\nQuestions go to the security team.\n"));
    let aup = std::fs::read_to_string(dir.path().join("policies/acceptable-use.md")).unwrap();
    assert!(
        aup.contains("owner: p-ciso\n"),
        "author matched by name: {aup}"
    );
    assert!(aup.contains("version: \"2.1\"\n"));
    assert!(aup.contains("version_date: 2026-01-31\n"));
    assert!(
        r.stdout
            .contains("front matter not carried over: slug, policy, faq, weight"),
        "{}",
        r.stdout
    );
    // The policies load, and what is left to do is reported as such.
    let found = findings(dir.path(), AS_OF);
    assert!(
        !found
            .iter()
            .any(|f| f.code.starts_with("LOAD-") && f.path.starts_with("policies/")),
        "{:?}",
        found
            .iter()
            .filter(|f| f.code.starts_with("LOAD"))
            .collect::<Vec<_>>()
    );
    // Never overwritten.
    let before = snapshot(dir.path());
    let r = run(&[
        "import",
        "policies",
        src.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("policies/access-control.md exists already and is never overwritten"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(dir.path()), before);
    // Word documents: the pandoc hint, nothing written.
    let words = tempfile::tempdir().unwrap();
    std::fs::write(words.path().join("policy.docx"), b"PK\x03\x04").unwrap();
    let r = run(&[
        "import",
        "policies",
        words.path().to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("pandoc -t gfm -o policy.md"),
        "{}",
        r.stderr
    );
}
