//! SoA, internal audit, management review and evidence rules read the organisation's own
//! choices: reviews held in several sittings, the audit programme's period, structured
//! exclusion reasons, the organisation's own controls and its own cadences.
//!
//! Each test copies `tests/fixtures/check/clean` (clean as of 2025-06-30), edits it and
//! expects either no finding of the rule (a legitimate design) or exactly the expected finding
//! with its file and line (the nonconformity).

#[path = "support/clean.rs"]
mod clean;

use std::path::Path;

use clean::{AS_OF, Found, fixture, line_of};
use isms::checks;

/// An edit of the copy: replace `from` (which must occur exactly once) by `to`; an empty
/// `from` writes the whole file.
type Edit<'a> = (&'a str, &'a str, &'a str);

fn edited(edits: &[Edit<'_>]) -> tempfile::TempDir {
    let tmp = clean::copy();
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
    clean::findings(dir, as_of)
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
    assert_eq!(
        hits.len(),
        1,
        "expected one {code}, got {hits:#?}\nall: {found:#?}"
    );
    assert_eq!(
        (hits[0].path.as_str(), hits[0].line),
        (path, line),
        "{hits:#?}"
    );
    hits[0].message.clone()
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
        &SECOND_SITTING.replace(
            "part_of: MR-2025-01\n",
            "audits_considered: [AUD-2025-01]\n",
        ),
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

// --- Internal audit (9.2) -----------------------------------------------------------------

const AUDIT: &str = "audits/2025-internal.md";
const PROGRAMME: &str = "audits/programme.md";
const ALL_CONTROLS_LINE: &str = "controls: [\"5.1\", \"5.2\",";

/// The audit record's `controls:` line with only the controls listed.
fn audit_controls(text: &str, keep: &[&str]) -> String {
    let list: Vec<String> = keep.iter().map(|c| format!("\"{c}\"")).collect();
    let mut out = String::new();
    for l in text.lines() {
        if l.starts_with(ALL_CONTROLS_LINE) {
            out.push_str(&format!("controls: [{}]", list.join(", ")));
        } else {
            out.push_str(l);
        }
        out.push('\n');
    }
    out
}

/// Every applicable control of the clean fixture except those in `except`.
fn all_controls_except(except: &[&str]) -> Vec<String> {
    let soa = fixture_text(AUDIT);
    let line = soa
        .lines()
        .find(|l| l.starts_with(ALL_CONTROLS_LINE))
        .unwrap()
        .to_string();
    line.trim_start_matches("controls: [")
        .trim_end_matches(']')
        .split(", ")
        .map(|c| c.trim_matches('"').to_string())
        .filter(|c| !except.contains(&c.as_str()))
        .collect()
}

#[test]
fn controls_planned_later_in_the_cycle_count_for_coverage() {
    // The 2025 audit covered all clauses but only part of Annex A; the rest is planned for
    // 2026 within the three-year programme period: no finding (yearly coverage of every
    // control is not required).
    let done = all_controls_except(&["8.25", "8.28"]);
    let done: Vec<&str> = done.iter().map(String::as_str).collect();
    let audit = audit_controls(&fixture_text(AUDIT), &done);
    let found = check(&[
        (AUDIT, "", &audit),
        (
            PROGRAMME,
            "    auditor: p-auditor\n",
            "    auditor: p-auditor\n  - id: AUD-2026-01\n    scope: Secure development\n    clauses: [\"8\"]\n    controls: [\"8.25\", \"8.28\"]\n    planned: 2026-05-12\n",
        ),
    ]);
    none(&found, "AUD-03");
}

#[test]
fn control_neither_audited_nor_planned_in_the_period_is_reported() {
    let done = all_controls_except(&["8.28"]);
    let done: Vec<&str> = done.iter().map(String::as_str).collect();
    let audit = audit_controls(&fixture_text(AUDIT), &done);
    let found = check(&[(AUDIT, "", &audit)]);
    let line = line_of(&fixture_text(PROGRAMME), "period:");
    let msg = one(&found, "AUD-03", PROGRAMME, line);
    assert!(
        msg.contains("1 applicable Annex A control is neither audited nor planned"),
        "{msg}"
    );
    assert!(msg.ends_with(": 8.28"), "{msg}");
}

#[test]
fn a_plan_whose_date_passed_does_not_cover() {
    let done = all_controls_except(&["8.28"]);
    let done: Vec<&str> = done.iter().map(String::as_str).collect();
    let audit = audit_controls(&fixture_text(AUDIT), &done);
    let found = check(&[
        (AUDIT, "", &audit),
        (
            PROGRAMME,
            "    auditor: p-auditor\n",
            "    auditor: p-auditor\n  - id: AUD-2025-02\n    scope: Secure coding\n    controls: [\"8.28\"]\n    planned: 2025-06-01\n",
        ),
    ]);
    let line = line_of(&fixture_text(PROGRAMME), "period:");
    let msg = one(&found, "AUD-03", PROGRAMME, line);
    assert!(msg.ends_with(": 8.28"), "{msg}");
}

#[test]
fn programme_without_a_period_is_reported() {
    let found = check(&[(
        PROGRAMME,
        "period: { from: 2025-01-01, to: 2027-12-31 }\n",
        "",
    )]);
    let line = line_of(&fixture_text(PROGRAMME), "id: AUD-PROG");
    let msg = one(&found, "AUD-03", PROGRAMME, line);
    assert!(msg.contains("does not state the period"), "{msg}");
}

#[test]
fn clauses_never_audited_before_certification_are_reported() {
    // Clause 10 is planned (so the period is covered) but no completed audit has covered it.
    let found = check(&[
        (
            AUDIT,
            "clauses: [\"4\", \"5\", \"6\", \"7\", \"8\", \"9\", \"10\"]",
            "clauses: [\"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]",
        ),
        (
            PROGRAMME,
            "    auditor: p-auditor\n",
            "    auditor: p-auditor\n  - id: AUD-2026-01\n    scope: Improvement\n    clauses: [\"10\"]\n    planned: 2026-05-12\n",
        ),
    ]);
    let line = line_of(&fixture_text(AUDIT), "id: AUD-2025-01");
    let msg = one(&found, "AUD-03", AUDIT, line);
    assert!(msg.contains("has covered clause 10 yet"), "{msg}");
}

#[test]
fn rejected_control_ids_are_not_counted_as_applicable() {
    // A 2013 id and an id outside Annex A are load errors; AUD-03 does not ask for them to be
    // audited.
    let extra = "  - id: \"5.38\"\n    applicable: true\n    reasons: [business]\n    justification: Extra.\n    status: planned\n  - id: \"A.9.2.1\"\n    applicable: true\n    reasons: [business]\n    justification: Old.\n    status: planned\n";
    let found = check(&[("soa.yaml", "controls:\n", &format!("controls:\n{extra}"))]);
    none(&found, "AUD-03");
}

#[test]
fn audit_record_without_status_is_not_counted_as_completed() {
    let found = check(&[(AUDIT, "status: completed\n", "")]);
    let line = line_of(&fixture_text(AUDIT), "id: AUD-2025-01");
    one(&found, "AUD-09", AUDIT, line);
    // It is not a completed audit: coverage has nothing completed.
    assert!(
        of(&found, "AUD-03")
            .iter()
            .any(|f| f.message == "no internal audit has been completed")
    );
}

#[test]
fn audit_report_must_reach_management() {
    // Sent only to the auditor: not management for what was audited.
    let found = check(&[(AUDIT, "recipients: [p-ceo]", "recipients: [p-auditor]")]);
    let line = line_of(&fixture_text(AUDIT), "id: AUD-2025-01");
    let msg = one(&found, "AUD-05", AUDIT, line);
    assert!(msg.contains("p-auditor is not top management"), "{msg}");
    // The ISMS manager is relevant management.
    let found = check(&[(AUDIT, "recipients: [p-ceo]", "recipients: [p-ciso]")]);
    none(&found, "AUD-05");
}

// --- SoA consistency (6.1.3) ----------------------------------------------------------------

const POLICY: &str = "policies/information-security.md";

#[test]
fn excluded_control_implemented_by_a_policy_is_reported() {
    // A policy implementing applicable controls is fine.
    let found = check(&[(
        POLICY,
        "review_months: 12\n",
        "review_months: 12\ncontrols: [\"5.1\"]\n",
    )]);
    none(&found, "SOA-09");
    // One implementing the excluded 7.5 contradicts the SoA.
    let found = check(&[(
        POLICY,
        "review_months: 12\n",
        "review_months: 12\ncontrols: [\"5.1\", \"7.5\"]\n",
    )]);
    let line = line_of(&fixture_text(POLICY), "review_months: 12") + 1;
    let msg = one(&found, "SOA-09", POLICY, line);
    assert!(
        msg.contains("policy POL-01 implements control 7.5"),
        "{msg}"
    );
}

#[test]
fn soa_13_on_a_2013_id_names_the_2022_successor() {
    let entry = "  - id: \"A.12.3.1\"\n    applicable: true\n    reasons: [risk]\n    risks: [R-01]\n    status: planned\n";
    let tmp = edited(&[("soa.yaml", "controls:\n", &format!("controls:\n{entry}"))]);
    let loaded = isms::loader::load(tmp.path()).unwrap();
    let outcome = checks::check_loaded(&loaded, &[], AS_OF.parse().unwrap());
    let hints: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.diagnostic.code == "SOA-13")
        .filter_map(|f| f.diagnostic.hint.clone())
        .collect();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(hints[0].contains("2022 successor \"8.13\""), "{}", hints[0]);
    assert!(!hints[0].contains("add \"A.12.3.1\""), "{}", hints[0]);
}

// --- SoA drift --------------------------------------------------------------------------------

const PLAN_DONE: &str = "        status: done\n        completed: 2025-05-20\n";

#[test]
fn soa_approved_before_the_latest_risk_assessment_is_reported() {
    // Approved on 2025-04-15 after the assessment of 2025-04-01: no finding.
    none(&check(&[]), "SOA-17");
    let found = check(&[(
        "risks.yaml",
        "assessed: 2025-04-01\nrisks:",
        "assessed: 2025-05-01\nrisks:",
    )]);
    let line = line_of(&fixture_text("soa.yaml"), "approval: {");
    let msg = one(&found, "SOA-17", "soa.yaml", line);
    assert!(
        msg.contains("before the latest risk assessment of 2025-05-01"),
        "{msg}"
    );
}

#[test]
fn soa_citing_a_risk_identified_after_its_approval_is_reported() {
    let found = check(&[(
        "risks.yaml",
        "    acceptance: { by: p-cto, on: 2025-04-02 }\n  - id: R-02",
        "    acceptance: { by: p-cto, on: 2025-04-02 }\n    identified: 2025-03-20\n  - id: R-02",
    )]);
    none(&found, "SOA-17");
    let found = check(&[(
        "risks.yaml",
        "    acceptance: { by: p-cto, on: 2025-04-02 }\n  - id: R-02",
        "    acceptance: { by: p-cto, on: 2025-04-02 }\n    identified: 2025-05-02\n  - id: R-02",
    )]);
    let line = line_of(&fixture_text("soa.yaml"), "risks: [R-01]");
    let msg = one(&found, "SOA-17", "soa.yaml", line);
    assert!(
        msg.contains("cites risk R-01, identified on 2025-05-02"),
        "{msg}"
    );
}

#[test]
fn implemented_control_with_an_open_treatment_action_is_reported() {
    // The action naming 8.13 is done: the SoA may say implemented.
    let done = PLAN_DONE.replace(
        "        status",
        "        controls: [\"8.13\"]\n        status",
    );
    none(&check(&[("risks.yaml", PLAN_DONE, &done)]), "SOA-18");
    // Still in progress: the SoA overstates treatment.
    let found = check(&[(
        "risks.yaml",
        PLAN_DONE,
        "        controls: [\"8.13\"]\n        status: in-progress\n",
    )]);
    let soa = fixture_text("soa.yaml");
    let entry = soa.find("  - id: \"8.13\"").unwrap();
    let line = u32::try_from(soa[..entry].lines().count()).unwrap() + 5;
    let msg = one(&found, "SOA-18", "soa.yaml", line);
    assert!(msg.contains("control 8.13 is marked implemented"), "{msg}");
}

// --- Evidence age from `collected:` (9.1, 7.5.3) -------------------------------------------

#[path = "support/git.rs"]
mod git_support;

const GIT_MANIFEST: &str = "schema_version: 1
organisation:
  name: Test Org
people:
  - { id: p-ceo, name: Carol Chief, role: CEO, top_management: true }
cadences:
  evidence_max_age_days: 90
";

fn git_soa(collected: &str) -> String {
    format!(
        "document:
  id: DOC-SOA
  version: \"1.0\"
  owner: p-ceo
  approval: {{ by: p-ceo, on: 2024-01-01 }}
controls:
  - id: \"8.13\"
    applicable: true
    justification: Backups protect against data loss
    status: implemented
    evidence:
      - path: evidence/restore-test.md
        collected: {collected}
"
    )
}

fn git_findings(collected: &str) -> Vec<isms::diagnostic::Diagnostic> {
    use git_support::{ALICE, DAY, EPOCH, TestRepo};
    let mut r = TestRepo::new();
    r.write("isms.yaml", GIT_MANIFEST)
        .write("soa.yaml", &git_soa(collected))
        .write("evidence/restore-test.md", "Restore test: OK\n");
    // Committed on 2024-05-01.
    r.commit_as(&ALICE, EPOCH + 121 * DAY, "Add the restore test");
    let model = isms::loader::load(r.path()).unwrap().model;
    isms::evidence::check(r.path(), &model, "2024-06-01".parse().unwrap())
}

#[test]
fn evidence_collected_long_before_its_commit_is_old() {
    // Collected in 2023, committed on 2024-05-01: 2023 evidence, stale after 90 days.
    let diags = git_findings("2023-11-01");
    let stale: Vec<_> = diags.iter().filter(|d| d.code == "GIT-06").collect();
    assert_eq!(stale.len(), 1, "{diags:#?}");
    assert!(
        stale[0]
            .message
            .contains("from 2023-11-01 (evidence/restore-test.md, collected)"),
        "{}",
        stale[0].message
    );
    assert!(!diags.iter().any(|d| d.code == "GIT-09"), "{diags:#?}");
    // Collected the day before the commit: fresh, no finding.
    let diags = git_findings("2024-04-30");
    assert!(
        !diags
            .iter()
            .any(|d| d.code == "GIT-06" || d.code == "GIT-09"),
        "{diags:#?}"
    );
}

#[test]
fn evidence_collected_after_its_commit_is_suspicious() {
    let diags = git_findings("2024-05-20");
    let hits: Vec<_> = diags.iter().filter(|d| d.code == "GIT-09").collect();
    assert_eq!(hits.len(), 1, "{diags:#?}");
    let loc = hits[0].location.as_ref().unwrap();
    assert_eq!((loc.path.as_str(), loc.line), ("soa.yaml", 13));
    assert!(
        hits[0].message.contains("last committed on 2024-05-01"),
        "{}",
        hits[0].message
    );
}

// --- Recurring controls and the organisation's cadences ------------------------------------

const E88: &str = "  - id: \"8.8\"\n    applicable: true\n    reasons: [business]\n    justification: Baseline control for a SaaS company.\n    status: planned\n";

fn e88_implemented(collected: &str) -> String {
    E88.replace(
        "    status: planned\n",
        &format!("    status: implemented\n    evidence:\n      - {{ url: https://scan.example.com/1, collected: {collected} }}\n"),
    )
}

#[test]
fn recurring_control_evidence_follows_the_cadence() {
    // A scan in May is within the default three months.
    none(
        &check(&[("soa.yaml", E88, &e88_implemented("2025-05-10"))]),
        "ANX-09",
    );
    // A scan in January is not.
    let found = check(&[("soa.yaml", E88, &e88_implemented("2025-01-10"))]);
    let line = line_of(&fixture_text("soa.yaml"), "id: \"8.8\"");
    let msg = one(&found, "ANX-09", "soa.yaml", line);
    assert!(msg.contains("vulnerability scan"), "{msg}");
    assert!(msg.contains("more than 3 months ago"), "{msg}");
    // The organisation scans twice a year and says so: no finding.
    let found = check(&[
        ("soa.yaml", E88, &e88_implemented("2025-01-10")),
        (
            "isms.yaml",
            "schema_version: 1\n",
            "schema_version: 1\ncadences:\n  control_evidence_months: { \"8.8\": 6 }\n",
        ),
    ]);
    none(&found, "ANX-09");
    // A control only planned is not asked for evidence.
    none(&check(&[]), "ANX-09");
}

#[test]
fn obligations_review_interval_is_the_organisations() {
    let ctx = fixture_text("context.yaml");
    let reviewed = ctx
        .lines()
        .find(|l| l.contains("last_reviewed:"))
        .expect("an obligation with last_reviewed")
        .to_string();
    let old = reviewed.replace(
        &reviewed[reviewed.find("last_reviewed:").unwrap()..],
        "last_reviewed: 2024-03-01",
    );
    let found = check(&[("context.yaml", &reviewed, &old)]);
    assert_eq!(of(&found, "ANX-04").len(), 1, "{found:#?}");
    // Reviewed every two years by the organisation's own rule: no finding.
    let found = check(&[
        ("context.yaml", &reviewed, &old),
        (
            "isms.yaml",
            "schema_version: 1\n",
            "schema_version: 1\ncadences:\n  obligations_review_months: 24\n",
        ),
    ]);
    none(&found, "ANX-04");
}

// --- Structured exclusion reasons (SOA-12) --------------------------------------------------

const X75: &str = "    reasons: [no-premises]\n";
const SITE: &str = "  - id: A-90\n    name: Head office\n    type: site\n    owner: p-ceo\n";

fn with_asset(asset: &str) -> (String, String) {
    let assets = fixture_text("assets.yaml");
    let marker = "assets:\n";
    assert!(assets.contains(marker));
    (marker.to_string(), format!("{marker}{asset}"))
}

#[test]
fn a_well_argued_exclusion_in_any_words_passes() {
    // The justification's wording is not read: a legal reason that names its obligation
    // clears the rule, whatever language the justification is in.
    let ctx = fixture_text("context.yaml");
    let obl = ctx
        .lines()
        .find(|l| {
            l.trim_start().starts_with("- id: OBL") || l.trim_start().starts_with("- { id: OBL")
        })
        .map(|l| {
            let t = l
                .trim_start()
                .trim_start_matches("- { id: ")
                .trim_start_matches("- id: ");
            t.split([',', ' ']).next().unwrap().to_string()
        })
        .expect("an obligation in the clean fixture");
    let found = check(&[(
        "soa.yaml",
        X75,
        &format!("    reasons: [legal]\n    obligations: [{obl}]\n"),
    )]);
    none(&found, "SOA-12");
    let found = check(&[(
        "soa.yaml",
        "justification: No own premises; the team works remotely and production runs at the cloud provider.",
        "justification: Keine eigenen Räumlichkeiten.",
    )]);
    none(&found, "SOA-12");
}

#[test]
fn no_premises_contradicted_by_an_own_site_is_reported_at_the_reason() {
    let (from, to) = with_asset(SITE);
    let found = check(&[("assets.yaml", &from, &to)]);
    let line = line_of(&fixture_text("soa.yaml"), "reasons: [no-premises]");
    let msg = one(&found, "SOA-12", "soa.yaml", line);
    assert!(
        msg.contains("sites in scope that no supplier provides (A-90)"),
        "{msg}"
    );
    // A site the landlord provides is not own premises.
    let supplier = fixture_text("suppliers.yaml")
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("- id: ").map(str::to_string))
        .expect("a supplier");
    let provided = format!("{SITE}    supplier: {supplier}\n");
    let (from, to) = with_asset(&provided);
    none(&check(&[("assets.yaml", &from, &to)]), "SOA-12");
}

#[test]
fn outsourced_must_name_the_supplier() {
    let found = check(&[("soa.yaml", X75, "    reasons: [outsourced]\n")]);
    let line = line_of(&fixture_text("soa.yaml"), "reasons: [no-premises]");
    let msg = one(&found, "SOA-12", "soa.yaml", line);
    assert!(msg.contains("names no supplier"), "{msg}");
}

#[test]
fn physical_exclusion_without_a_reason_is_reported_whatever_the_text() {
    let found = check(&[("soa.yaml", X75, "")]);
    let line = line_of(&fixture_text("soa.yaml"), "id: \"7.5\"");
    let msg = one(&found, "SOA-12", "soa.yaml", line);
    assert!(msg.contains("without a stated reason"), "{msg}");
}

// --- Scaffold exclusions stay visibly undecided ---------------------------------------------

#[test]
fn proposed_exclusion_is_reported_until_confirmed() {
    let found = check(&[(
        "soa.yaml",
        X75,
        "    reasons: [no-premises]\n    proposed: true\n",
    )]);
    let line = line_of(&fixture_text("soa.yaml"), "id: \"7.5\"") + 4;
    let msg = one(&found, "SOA-19", "soa.yaml", line);
    assert!(
        msg.contains("exclusion of control 7.5 is only proposed"),
        "{msg}"
    );
    none(&check(&[]), "SOA-19");
}

#[test]
fn scaffold_exclusions_are_reported_as_proposals() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_isms"))
        .args(["init", "--no-git"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let found = check_dir(&dir, AS_OF);
    let mut ids: Vec<&str> = of(&found, "SOA-19")
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    ids.sort();
    assert_eq!(ids.len(), 3, "{ids:#?}");
    assert!(
        ids.iter().all(|m| m.contains("exclusion of control 7.")),
        "{ids:#?}"
    );
    none(&found, "SOA-12");
}

// --- The organisation's own controls (6.1.3 c) ----------------------------------------------

const OWN: &str = "additional_controls:\n  - id: ORG-01\n    title: Customer data deletion on contract end\n    source: Customer contracts\n    risks: [R-01]\n    status: planned\n";

#[test]
fn own_controls_are_accepted_and_traced() {
    let soa = format!("{}{OWN}", fixture_text("soa.yaml"));
    let found = check(&[
        ("soa.yaml", "", &soa),
        (
            "risks.yaml",
            "    controls: [\"8.13\"]\n",
            "    controls: [\"8.13\", \"ORG-01\"]\n",
        ),
    ]);
    let loads: Vec<_> = found
        .iter()
        .filter(|f| f.code.starts_with("LOAD-"))
        .collect();
    assert!(loads.is_empty(), "{loads:#?}");
    none(&found, "SOA-13");
    none(&found, "SOA-06");
    // The risk does not list the control the SoA says treats it: SOA-13 at the risk reference.
    let found = check(&[("soa.yaml", "", &soa)]);
    let line = u32::try_from(fixture_text("soa.yaml").lines().count()).unwrap() + 5;
    let hits = of(&found, "SOA-13");
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!(hits[0].line, line, "{hits:#?}");
}

#[test]
fn own_control_cannot_take_an_annex_a_shaped_id() {
    let soa = format!(
        "{}{}",
        fixture_text("soa.yaml"),
        OWN.replace("ORG-01", "5.38")
    );
    let found = check(&[("soa.yaml", "", &soa)]);
    assert_eq!(of(&found, "LOAD-014").len(), 1, "{found:#?}");
    // An undefined own id cited by a risk is still an unknown control.
    let found = check(&[(
        "risks.yaml",
        "    controls: [\"8.13\"]\n",
        "    controls: [\"8.13\", \"ORG-02\"]\n",
    )]);
    assert_eq!(of(&found, "LOAD-014").len(), 1, "{found:#?}");
}
