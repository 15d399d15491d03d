//! SoA, internal audit, management review and evidence rules read the organisation's own
//! choices: reviews held in several sittings, the audit programme's period, structured
//! exclusion reasons, the organisation's own controls and its own cadences.
//!
//! Each test copies `tests/fixtures/check/clean` (clean as of 2025-06-30), edits it and
//! expects either no finding of the rule (a legitimate design) or exactly the expected finding
//! with its file and line (the nonconformity).

use std::path::{Path, PathBuf};

use isms::checks;

const AS_OF: &str = "2025-06-30";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/clean")
}

fn copy_dir(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(src).unwrap();
        let target = dst.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// One finding: code, message, file and line.
#[derive(Debug)]
#[allow(dead_code)]
struct Found {
    code: String,
    message: String,
    path: String,
    line: u32,
}

/// An edit of the copy: replace `from` (which must occur exactly once) by `to`; an empty
/// `from` writes the whole file.
type Edit<'a> = (&'a str, &'a str, &'a str);

fn edited(edits: &[Edit<'_>]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    for (file, from, to) in edits {
        let path = tmp.path().join(file);
        if from.is_empty() {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap();
            }
            std::fs::write(&path, to).unwrap();
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "`{from}` in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    tmp
}

fn check_dir(dir: &Path, as_of: &str) -> Vec<Found> {
    let loaded = isms::loader::load(dir).expect("fixture loads");
    let outcome = checks::check_loaded(&loaded, &[], as_of.parse().unwrap());
    outcome
        .findings
        .into_iter()
        .map(|f| {
            let loc = f.diagnostic.location.clone();
            Found {
                code: f.diagnostic.code,
                message: f.diagnostic.message,
                path: loc.as_ref().map(|l| l.path.clone()).unwrap_or_default(),
                line: loc.map_or(0, |l| l.line),
            }
        })
        .collect()
}

fn check(edits: &[Edit<'_>]) -> Vec<Found> {
    let tmp = edited(edits);
    check_dir(tmp.path(), AS_OF)
}

fn of<'a>(found: &'a [Found], code: &str) -> Vec<&'a Found> {
    found.iter().filter(|f| f.code == code).collect()
}

/// No finding at all with this code.
fn none(found: &[Found], code: &str) {
    let hits = of(found, code);
    assert!(hits.is_empty(), "unexpected {code}: {hits:#?}");
}

/// Exactly one finding with this code, at `path` and `line`; returns its message.
fn one(found: &[Found], code: &str, path: &str, line: u32) -> String {
    let hits = of(found, code);
    assert_eq!(hits.len(), 1, "expected one {code}, got {hits:#?}\nall: {found:#?}");
    assert_eq!((hits[0].path.as_str(), hits[0].line), (path, line), "{hits:#?}");
    hits[0].message.clone()
}

/// The 1-based line of the only line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "`{needle}` must occur on one line");
    u32::try_from(lines[0]).unwrap()
}

fn fixture_text(file: &str) -> String {
    std::fs::read_to_string(fixture().join(file)).unwrap()
}

// --- Management review (9.3) ---------------------------------------------------------------

const REVIEW: &str = "reviews/2025-06.md";

/// A second sitting of MR-2025-01 on 2025-06-27 that covers the risk input and the decision
/// on changes.
const SECOND_SITTING: &str = "---
id: MR-2025-01-B
title: Management review 2025, second sitting
date: 2025-06-27
part_of: MR-2025-01
attendees: [p-ceo, p-ciso]
inputs:
  risk_assessment: Assessment of April 2025; treatment plan complete.
decisions:
  - { decision: Keep the ISMS scope and policies unchanged, type: change }
---
# Management review 2025, second sitting
";

#[test]
fn review_in_two_sittings_is_judged_as_one() {
    let found = check(&[
        (
            REVIEW,
            "  risk_assessment: Assessment of April 2025; treatment plan complete.\n",
            "",
        ),
        (
            REVIEW,
            "  - { decision: Keep the ISMS scope and policies unchanged, type: change }\n",
            "",
        ),
        ("reviews/2025-06-b.md", "", SECOND_SITTING),
    ]);
    none(&found, "MR-01");
    none(&found, "MR-02");
    none(&found, "MR-03");
}

#[test]
fn input_missing_from_every_sitting_is_reported_at_the_first() {
    let sitting = SECOND_SITTING.replace(
        "  risk_assessment: Assessment of April 2025; treatment plan complete.\n",
        "  objectives: OBJ-01 on track.\n",
    );
    let found = check(&[
        (
            REVIEW,
            "  risk_assessment: Assessment of April 2025; treatment plan complete.\n",
            "",
        ),
        ("reviews/2025-06-b.md", "", &sitting),
    ]);
    let line = line_of(&fixture_text(REVIEW), "id: MR-2025-01");
    let msg = one(&found, "MR-02", REVIEW, line);
    assert!(msg.contains("f (`risk_assessment`)"), "{msg}");
    assert!(msg.contains("2 sittings"), "{msg}");
}

#[test]
fn a_later_review_without_part_of_stands_alone() {
    // A separate review record (no `part_of:`) is the latest review and must be complete.
    let found = check(&[(
        "reviews/2025-06-b.md",
        "",
        &SECOND_SITTING.replace("part_of: MR-2025-01\n", "audits_considered: [AUD-2025-01]\n"),
    )]);
    let msg = one(&found, "MR-02", "reviews/2025-06-b.md", 2);
    assert!(msg.contains("MR-2025-01-B"), "{msg}");
}

#[test]
fn review_needs_decisions_on_improvement_and_on_changes() {
    let found = check(&[(
        REVIEW,
        "  - { decision: Keep the ISMS scope and policies unchanged, type: change }\n",
        "",
    )]);
    let line = line_of(&fixture_text(REVIEW), "id: MR-2025-01");
    let msg = one(&found, "MR-03", REVIEW, line);
    assert!(msg.contains("need for changes"), "{msg}");
    assert!(!msg.contains("improvement opportunities"), "{msg}");

    let found = check(&[(
        REVIEW,
        "  - { decision: Automate access reviews, type: improvement }\n",
        "",
    )]);
    let msg = one(&found, "MR-03", REVIEW, line);
    assert!(msg.contains("continual-improvement"), "{msg}");
}
