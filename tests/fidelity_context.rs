//! Context, leadership, objectives, improvement and operation rules judged the way an auditor
//! would: the legitimate design gives no finding, the real nonconformity gives exactly the
//! expected one, at the expected file and line.

#[path = "support/clean.rs"]
mod clean;

use std::path::Path;

use clean::{AS_OF, Found, copy_dir, fixture, line_of};
use isms::checks;

/// Copies the clean fixture, replaces whole files (`(file, Some(text))`) or edits them
/// (`from` must occur exactly once), and checks the copy as of `as_of`.
fn check(edits: &[(&str, &str, &str)], as_of: &str) -> (Vec<Found>, tempfile::TempDir) {
    let tmp = clean::copy();
    for (file, from, to) in edits {
        let path = tmp.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if from.is_empty() {
            std::fs::write(&path, to).unwrap();
            continue;
        }
        assert_eq!(text.matches(from).count(), 1, "`{from}` in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    let found = clean::findings(tmp.path(), as_of);
    (found, tmp)
}

fn findings(edits: &[(&str, &str, &str)]) -> Vec<Found> {
    check(edits, AS_OF).0
}

fn of<'a>(found: &'a [Found], code: &str) -> Vec<&'a Found> {
    found.iter().filter(|f| f.code == code).collect()
}

fn assert_clean(found: &[Found]) {
    assert!(found.is_empty(), "expected no findings, got {found:#?}");
}

/// Exactly one finding, with this code, at this file and line.
fn assert_only(found: &[Found], code: &str, path: &str, line: u32) {
    assert_eq!(
        found.len(),
        1,
        "expected exactly one {code}, got {found:#?}"
    );
    assert_eq!(found[0].code, code, "{found:#?}");
    assert_eq!(
        (found[0].path.as_str(), found[0].line),
        (path, line),
        "{found:#?}"
    );
}

// --- LDR-02: policy statements are structural, not keywords --------------------------------

const POLICY: &str = "policies/information-security.md";

const GERMAN_POLICY: &str = "\
---
id: POL-01
title: Informationssicherheitsleitlinie
kind: information-security
version: \"1.0\"
owner: p-ciso
approval: { by: p-ceo, on: 2025-02-01 }
review_months: 12
communicated:
  on: 2025-02-05
  via: Betriebsversammlung
  acknowledgements: Personalsystem
  available: Auf Anfrage für Kunden
statements:
  objectives: 2. Ziele der Informationssicherheit
  requirements: 3. Verpflichtungen der Geschäftsleitung
  improvement: 3. Verpflichtungen der Geschäftsleitung
---
# Informationssicherheitsleitlinie

## 2. Ziele der Informationssicherheit

Die Geschäftsleitung legt jährlich messbare Ziele fest und überprüft sie in der Managementbewertung.

## 3. Verpflichtungen der Geschäftsleitung

Wir verpflichten uns, die zutreffenden Anforderungen zu erfüllen und das ISMS fortlaufend zu verbessern.
";

#[test]
fn ldr02_policy_in_another_language_passes() {
    assert_clean(&findings(&[(POLICY, "", GERMAN_POLICY)]));
}

#[test]
fn ldr02_keywords_without_statements_are_not_enough() {
    // The body still says "objectives", "applicable requirements" and "continual improvement".
    let found = findings(&[(
        POLICY,
        "statements:\n  objectives: Objectives\n  requirements: Commitments\n  improvement: Commitments\n",
        "",
    )]);
    assert_only(&found, "LDR-02", POLICY, 2);
}

#[test]
fn ldr02_hollow_section_is_reported_at_its_field() {
    let hollow = GERMAN_POLICY.replace(
        "Wir verpflichten uns, die zutreffenden Anforderungen zu erfüllen und das ISMS fortlaufend zu verbessern.\n",
        "",
    );
    let found = findings(&[(POLICY, "", &hollow)]);
    let ldr = of(&found, "LDR-02");
    assert_eq!(ldr.len(), 2, "{found:#?}");
    assert_eq!(found.len(), 2, "{found:#?}");
    let lines: Vec<u32> = ldr.iter().map(|f| f.line).collect();
    assert_eq!(
        lines,
        vec![
            line_of(&hollow, "requirements: 3."),
            line_of(&hollow, "improvement: 3.")
        ]
    );
}

#[test]
fn ldr02_named_section_must_exist() {
    let text = std::fs::read_to_string(fixture().join(POLICY)).unwrap();
    let found = findings(&[(
        POLICY,
        "  objectives: Objectives\n",
        "  objectives: Goals\n",
    )]);
    assert_only(
        &found,
        "LDR-02",
        POLICY,
        line_of(&text, "objectives: Objectives"),
    );
}

// --- IMP-01: analysis period, closure after an effective review -----------------------------

const NCS: &str = "nonconformities.yaml";

const NEW_NC: &str = "
  - id: NC-02
    title: Visitor log not kept
    source: self-identified
    clause: \"7.5\"
    raised: 2025-06-27
    description: The visitor log of June is missing.
    correction: Visitors of June reconstructed from the calendar.
    status: open
";

#[test]
fn imp01_new_nc_within_the_analysis_period_is_a_warning() {
    let found = findings(&[(NCS, "", &format!("{}{NEW_NC}", nc_file()))]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, "IMP-01");
    assert_eq!(found[0].severity, "warning", "{found:#?}");
}

#[test]
fn imp01_nc_past_the_analysis_period_is_an_error() {
    let text = format!("{}{NEW_NC}", nc_file());
    let (found, _) = check(&[(NCS, "", &text)], "2025-08-15");
    let imp: Vec<_> = of(&found, "IMP-01");
    assert_eq!(imp.len(), 1, "{found:#?}");
    assert_eq!(imp[0].severity, "error");
    assert_eq!(
        (imp[0].path.as_str(), imp[0].line),
        (NCS, line_of(&text, "id: NC-02"))
    );
}

#[test]
fn imp01_own_analysis_period_is_read_from_isms_yaml() {
    let text = format!("{}{NEW_NC}", nc_file());
    let (found, _) = check(
        &[
            (NCS, "", &text),
            (
                "isms.yaml",
                "schema_version: 1\n",
                "schema_version: 1\ncadences:\n  nc_analysis_days: 60\n",
            ),
        ],
        "2025-08-15",
    );
    let imp = of(&found, "IMP-01");
    assert_eq!(imp.len(), 1, "{found:#?}");
    assert_eq!(imp[0].severity, "warning");
}

#[test]
fn imp01_decision_that_no_action_is_needed_replaces_the_action() {
    let nc = NEW_NC.replace(
        "    status: open\n",
        "    root_cause: One-off absence of the receptionist.\n    no_action_reason: Cause cannot recur; the log now has a deputy.\n    status: open\n",
    );
    assert_clean(&findings(&[(NCS, "", &format!("{}{nc}", nc_file()))]));
}

#[test]
fn imp01_closed_before_the_effectiveness_review() {
    let found = findings(&[(
        NCS,
        "    closed: 2025-06-12\n    effectiveness: { date: 2025-06-12,",
        "    closed: 2025-06-08\n    effectiveness: { date: 2025-06-12,",
    )]);
    assert_only(
        &found,
        "IMP-01",
        NCS,
        line_of(&nc_file(), "closed: 2025-06-12"),
    );
}

#[test]
fn imp01_effectiveness_reviewed_before_the_action() {
    let found = findings(&[(
        NCS,
        "action_completed: 2025-06-05",
        "action_completed: 2025-06-15",
    )]);
    assert_only(
        &found,
        "IMP-01",
        NCS,
        line_of(&nc_file(), "effectiveness: { date"),
    );
}

fn nc_file() -> String {
    std::fs::read_to_string(fixture().join(NCS)).unwrap()
}

// --- IMP-04: recurrences, linear in the register --------------------------------------------

#[test]
fn imp04_recurrence_within_twelve_months_and_not_after() {
    let again = "
  - id: NC-03
    title: Restore test again undocumented
    source: self-identified
    clause: \"9.1\"
    raised: 2025-06-20
    description: The Q2 restore test had no record.
    correction: Record written.
    root_cause: No template for restore tests!
    corrective_action: Template made mandatory.
    owner: p-cto
    due: 2025-07-31
    status: open
";
    let text = format!("{}{again}", nc_file());
    let found = findings(&[(NCS, "", &text)]);
    assert_only(&found, "IMP-04", NCS, line_of(&text, "id: NC-03"));
    let later = text.replace("raised: 2025-06-20", "raised: 2026-06-20");
    let (found, _) = check(&[(NCS, "", &later)], "2026-06-30");
    assert!(of(&found, "IMP-04").is_empty(), "{found:#?}");
}

#[test]
fn imp04_is_fast_on_a_large_register() {
    let mut text = String::from("nonconformities:\n");
    for i in 0..4000 {
        text.push_str(&format!(
            "  - {{ id: NC-{i}, title: T, source: self-identified, clause: \"{}\", raised: 2025-01-01, description: d, correction: c, root_cause: cause {}, corrective_action: a, owner: p-cto, due: 2025-12-01, status: open }}\n",
            i % 50,
            i % 7
        ));
    }
    let start = std::time::Instant::now();
    let found = findings(&[(NCS, "", &text)]);
    assert!(of(&found, "IMP-04").is_empty());
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

// --- CTX-01, CTX-02, CTX-05 -------------------------------------------------------------------

const CONTEXT: &str = "context.yaml";

#[test]
fn ctx01_needs_internal_and_external_issues() {
    let found = findings(&[(
        CONTEXT,
        "  - id: ISS-02\n    type: internal\n    description: Three people run the whole company.\n",
        "",
    )]);
    assert_only(&found, "CTX-01", CONTEXT, 0);
    assert!(found[0].message.contains("internal"), "{found:#?}");
}

#[test]
fn ctx01_placeholder_issue_does_not_count() {
    let found = findings(&[(
        CONTEXT,
        "description: Three people run the whole company.",
        "description: \"Internal issue (to fill in)\"",
    )]);
    assert_eq!(of(&found, "CTX-01").len(), 1, "{found:#?}");
}

#[test]
fn ctx02_determination_needs_who_and_when() {
    let text = std::fs::read_to_string(fixture().join(CONTEXT)).unwrap();
    let found = findings(&[(
        CONTEXT,
        "determined: { by: p-ceo, on: 2025-02-01 }",
        "determined: { by: p-ceo }",
    )]);
    assert_only(&found, "CTX-02", CONTEXT, line_of(&text, "determined:"));
}

#[test]
fn ctx05_placeholder_in_scope_list_does_not_name_a_location() {
    let text = std::fs::read_to_string(fixture().join("scope.md")).unwrap();
    let loc = text
        .lines()
        .find(|l| l.trim_start().starts_with("locations:"))
        .unwrap()
        .to_string();
    let found = findings(&[(
        "scope.md",
        &loc,
        "  locations: [\"Company office (address to fill in)\"]",
    )]);
    assert_eq!(of(&found, "CTX-05").len(), 1, "{found:#?}");
    assert_eq!(of(&found, "CTX-05")[0].path, "scope.md");
}

// --- OBJ-01 measurable targets, OBJ-04 past due -----------------------------------------------

const OBJECTIVES: &str = "objectives.yaml";

#[test]
fn obj01_target_in_words_without_a_measure_is_reported() {
    let found = findings(&[(
        OBJECTIVES,
        "    target: \"1\"\n    target_value: 1\n    unit: restore tests per quarter\n",
        "    target: As many restore tests as possible\n",
    )]);
    assert_only(&found, "OBJ-01", OBJECTIVES, 2);
}

#[test]
fn obj01_not_measurable_with_a_reason_or_a_milestone_passes() {
    assert_clean(&findings(&[(
        OBJECTIVES,
        "    target_value: 1\n    unit: restore tests per quarter\n",
        "    not_measurable: Restores are too rare to count; judged in the management review.\n",
    )]));
    assert_clean(&findings(&[(
        OBJECTIVES,
        "    target_value: 1\n    unit: restore tests per quarter\n",
        "    milestone: true\n",
    )]));
}

#[test]
fn obj04_past_due_still_on_track() {
    let edits = [(
        OBJECTIVES,
        "    due: 2025-12-31\n",
        "    due: 2025-05-31\n    status: on-track\n",
    )];
    let (found, tmp) = check(&edits, AS_OF);
    let text = std::fs::read_to_string(tmp.path().join(OBJECTIVES)).unwrap();
    assert_only(
        &found,
        "OBJ-04",
        OBJECTIVES,
        line_of(&text, "status: on-track"),
    );
    let achieved = [(
        OBJECTIVES,
        "    due: 2025-12-31\n",
        "    due: 2025-05-31\n    status: achieved\n",
    )];
    assert_clean(&findings(&achieved));
}

// --- OPS-01: an assessment is a dated record of who assessed the supplier -------------------

const SUPPLIERS: &str = "suppliers.yaml";

#[test]
fn ops01_requirements_alone_are_not_an_assessment() {
    let text = std::fs::read_to_string(fixture().join(SUPPLIERS)).unwrap();
    let found = findings(&[(
        SUPPLIERS,
        "    reviews:\n      - { date: 2025-03-01, result: Certificate reviewed, by: p-ciso }\n",
        "",
    )]);
    assert_only(&found, "OPS-01", SUPPLIERS, line_of(&text, "- id: SUP-01"));
}

#[test]
fn ops01_assessment_must_say_who_and_the_result() {
    let text = std::fs::read_to_string(fixture().join(SUPPLIERS)).unwrap();
    let found = findings(&[(
        SUPPLIERS,
        "{ date: 2025-03-01, result: Certificate reviewed, by: p-ciso }",
        "{ date: 2025-03-01 }",
    )]);
    assert_only(
        &found,
        "OPS-01",
        SUPPLIERS,
        line_of(&text, "date: 2025-03-01"),
    );
}

// --- ANX-12: classification of information (A.5.12) ------------------------------------------

#[test]
fn anx12_unclassified_information_asset() {
    let text = std::fs::read_to_string(fixture().join("assets.yaml")).unwrap();
    let found = findings(&[("assets.yaml", "    classification: confidential\n", "")]);
    assert_only(&found, "ANX-12", "assets.yaml", line_of(&text, "id: A-01"));
}

#[test]
fn anx12_level_outside_the_organisations_scheme() {
    let text = std::fs::read_to_string(fixture().join("assets.yaml")).unwrap();
    let three = [(
        "isms.yaml",
        "schema_version: 1\n",
        "schema_version: 1\nclassification_levels: [public, internal, restricted]\n",
    )];
    let found = findings(&three);
    assert_only(
        &found,
        "ANX-12",
        "assets.yaml",
        line_of(&text, "classification:"),
    );
    let own = [(
        "isms.yaml",
        "schema_version: 1\n",
        "schema_version: 1\nclassification_levels: [public, internal, confidential]\n",
    )];
    assert_clean(&findings(&own));
}

// --- PER-02: monitoring results analysed and evaluated (9.1) ---------------------------------

#[test]
fn per02_result_not_evaluated_against_the_target() {
    let text = std::fs::read_to_string(fixture().join("metrics.yaml")).unwrap();
    let found = findings(&[(
        "metrics.yaml",
        "value: \"1\", met: true }",
        "value: \"1\" }",
    )]);
    assert_only(
        &found,
        "PER-02",
        "metrics.yaml",
        line_of(&text, "date: 2025-06-15"),
    );
}

#[test]
fn per02_metric_without_target_needs_an_analysis_note() {
    let edits = [
        ("metrics.yaml", "    target: \"1 per quarter\"\n", ""),
        (
            "metrics.yaml",
            "value: \"1\", met: true }",
            "value: \"1\", note: One test a quarter is what the plan asks; no action }",
        ),
    ];
    assert_clean(&findings(&edits));
    let bare = [
        ("metrics.yaml", "    target: \"1 per quarter\"\n", ""),
        (
            "metrics.yaml",
            "value: \"1\", met: true }",
            "value: \"1\" }",
        ),
    ];
    assert_eq!(of(&findings(&bare), "PER-02").len(), 1);
}

// --- LDR-03: the policy available to interested parties (5.2 g) -----------------------------

#[test]
fn ldr03_record_must_say_how_interested_parties_obtain_the_policy() {
    let found = findings(&[(POLICY, "  available: Sent to customers on request\n", "")]);
    assert_only(&found, "LDR-03", POLICY, 2);
    let public_nowhere = findings(&[(
        POLICY,
        "  available: Sent to customers on request\n",
        "  public: true\n",
    )]);
    assert_eq!(
        of(&public_nowhere, "LDR-03").len(),
        1,
        "{public_nowhere:#?}"
    );
    assert!(public_nowhere[0].message.contains("published"));
}

// --- SUP-12: every scaffold marker is reported where it is -----------------------------------

#[test]
fn sup12_markers_in_values_comments_and_text_are_reported_at_their_line() {
    let edits = [
        (
            "scope.md",
            "  services: [Tiny SaaS platform]\n",
            "  services: [Tiny SaaS platform, \"Billing (to fill in)\"]\n",
        ),
        (
            "assets.yaml",
            "    owner: p-cto\n",
            "    owner: p-cto   # to do: confirm the owner\n",
        ),
        (
            POLICY,
            "## Commitments\n",
            "## Commitments\n\n*To do: adapt this section.*\n",
        ),
    ];
    let (found, tmp) = check(&edits, AS_OF);
    let sup: Vec<_> = of(&found, "SUP-12");
    assert_eq!(sup.len(), 3, "{found:#?}");
    assert_eq!(found.len(), 3, "{found:#?}");
    let at = |file: &str, needle: &str| {
        let text = std::fs::read_to_string(tmp.path().join(file)).unwrap();
        (file.to_string(), line_of(&text, needle))
    };
    let mut got: Vec<(String, u32)> = sup.iter().map(|f| (f.path.clone(), f.line)).collect();
    got.sort();
    let mut want = vec![
        at("assets.yaml", "to do: confirm"),
        at(POLICY, "To do: adapt"),
        at("scope.md", "to fill in"),
    ];
    want.sort();
    assert_eq!(got, want);
    // The scope and the policy are approved: a to-do there is an error.
    for f in &sup {
        let expected = if f.path == "assets.yaml" {
            "warning"
        } else {
            "error"
        };
        assert_eq!(f.severity, expected, "{f:?}");
    }
}

#[test]
fn sup12_a_mention_between_backticks_is_not_a_marker() {
    let edits = [(
        "assets.yaml",
        "assets:\n",
        "# Lines marked `# to do:` are decisions only you can make.\nassets:\n",
    )];
    assert_clean(&findings(&edits));
}

#[test]
fn sup12_every_marker_the_scaffold_writes_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    isms::scaffold::init(&isms::scaffold::InitOptions {
        dir: dir.clone(),
        org: Some("Example Cloud Ltd".to_string()),
        template: isms::scaffold::DEFAULT_TEMPLATE.to_string(),
        git: false,
        force: false,
        today: "2025-01-15".parse().unwrap(),
    })
    .unwrap();
    let loaded = isms::loader::load(&dir).unwrap();
    let outcome = checks::check_loaded(&loaded, &[], "2025-01-15".parse().unwrap());
    let reported: std::collections::BTreeSet<(String, u32)> = outcome
        .findings
        .iter()
        .filter(|f| f.diagnostic.code == "SUP-12")
        .filter_map(|f| f.diagnostic.location.as_ref())
        .map(|l| (l.path.clone(), l.line))
        .collect();
    let mut expected = std::collections::BTreeSet::new();
    for (_, file) in loaded.model.sources.files() {
        for (i, line) in file.text.lines().enumerate() {
            let lower = line.to_lowercase();
            let marked = isms::scaffold::MARKERS.iter().any(|m| {
                lower
                    .match_indices(m)
                    .any(|(p, _)| line[..p].matches('`').count() % 2 == 0)
            });
            if marked {
                expected.insert((file.path.clone(), u32::try_from(i + 1).unwrap()));
            }
        }
    }
    assert!(expected.len() > 40, "{expected:?}");
    let missed: Vec<_> = expected.difference(&reported).collect();
    assert!(missed.is_empty(), "markers without a finding: {missed:?}");
    // Every "to do"/"fill in" phrase in the templates is one of the markers, so none escapes.
    for t in isms::scaffold::templates() {
        for f in t
            .files
            .iter()
            .filter(|f| !f.path.starts_with("_templates/"))
        {
            for line in f.text.lines() {
                let l = line.to_lowercase();
                if (l.contains("to do") && !l.contains("still to do") && !l.contains("what to do"))
                    || l.contains("fill in") && l.contains("to fill")
                {
                    assert!(isms::scaffold::has_marker(line), "{}: {line}", f.path);
                }
            }
        }
    }
}

// --- Scaffold: audit and review procedures, continuity plans ---------------------------------

#[test]
fn scaffold_has_audit_and_review_procedures_and_a_continuity_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("isms");
    isms::scaffold::init(&isms::scaffold::InitOptions {
        dir: dir.clone(),
        org: Some("Example Cloud Ltd".to_string()),
        template: isms::scaffold::DEFAULT_TEMPLATE.to_string(),
        git: false,
        force: false,
        today: "2025-01-15".parse().unwrap(),
    })
    .unwrap();
    let model = isms::loader::load(&dir).unwrap().model;
    let titles: Vec<&str> = model
        .procedures
        .iter()
        .map(|p| p.title.value.as_str())
        .collect();
    for t in ["Internal audit procedure", "Management review procedure"] {
        assert!(titles.contains(&t), "{titles:?}");
    }
    for control in ["5.29", "5.30"] {
        assert!(
            model
                .procedures
                .iter()
                .any(|p| p.controls.iter().any(|c| c.value == control)),
            "no procedure or plan supports {control}"
        );
    }
}

#[test]
fn imp01_catches_the_example_closing_before_its_effectiveness_review() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas");
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&example, tmp.path());
    let path = tmp.path().join(NCS);
    let text = std::fs::read_to_string(&path).unwrap();
    // The example as it was: closed on the day the action was done, reviewed months later.
    let before = text.replacen("    closed: 2026-06-30\n", "    closed: 2026-03-20\n", 1);
    assert_ne!(before, text);
    std::fs::write(&path, &before).unwrap();
    let loaded = isms::loader::load(tmp.path()).unwrap();
    let outcome = checks::check_loaded(&loaded, &[], "2026-12-07".parse().unwrap());
    let imp: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.diagnostic.code == "IMP-01")
        .filter_map(|f| f.diagnostic.location.as_ref())
        .map(|l| (l.path.clone(), l.line))
        .collect();
    assert_eq!(
        imp,
        vec![(NCS.to_string(), line_of(&before, "closed: 2026-03-20"))]
    );
}
