//! People, roles, approvals and the order of dates: leavers, owners given as roles, approval
//! authority, internal audits by outside firms, dates in the wrong order, competence and
//! personnel-control evidence. Each test copies `tests/fixtures/check/clean`, edits it, and
//! asserts either no finding (a legitimate design) or exactly the expected finding with its
//! location.

#[path = "support/clean.rs"]
mod clean;

use clean::{AS_OF, Found, fixture, line_of};

/// Copies the clean fixture, applies `(file, from, to)` edits (each `from` must occur exactly
/// once; an empty `from` appends `to`), and checks the copy as of [`AS_OF`].
fn check_edited(edits: &[(&str, &str, &str)]) -> Vec<Found> {
    let tmp = clean::copy();
    for (file, from, to) in edits {
        let path = tmp.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let text = if from.is_empty() {
            format!("{text}{to}")
        } else {
            assert_eq!(text.matches(from).count(), 1, "`{from}` in {file}");
            text.replacen(from, to, 1)
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, text).unwrap();
    }
    clean::findings(tmp.path(), AS_OF)
}

fn all(found: &[Found]) -> String {
    found
        .iter()
        .map(|f| format!("{} {}:{} {}", f.code, f.path, f.line, f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts there are no findings at all.
fn clean(found: &[Found]) {
    assert!(
        found.is_empty(),
        "expected no findings, got:\n{}",
        all(found)
    );
}

/// Asserts the only finding is `code` at `path:line`, and returns it.
fn only<'a>(found: &'a [Found], code: &str, path: &str, line: u32) -> &'a Found {
    assert_eq!(found.len(), 1, "expected only {code}, got:\n{}", all(found));
    let f = &found[0];
    assert_eq!(
        (f.code.as_str(), f.path.as_str(), f.line),
        (code, path, line),
        "{}",
        all(found)
    );
    f
}

/// The line of `needle` in the fixture file after the edits were applied.
fn edited_line(file: &str, edits: &[(&str, &str, &str)], needle: &str) -> u32 {
    let mut text = std::fs::read_to_string(fixture().join(file)).unwrap_or_default();
    for (f, from, to) in edits {
        if *f == file {
            text = if from.is_empty() {
                format!("{text}{to}")
            } else {
                text.replacen(from, to, 1)
            };
        }
    }
    line_of(&text, needle)
}

// Item: dangling references are reported against the record that makes them.

#[test]
fn dangling_reference_is_attributed_to_the_referring_record() {
    let edits = [("risks.yaml", "    owner: p-ceo\n", "    owner: p-nobody\n")];
    let found = check_edited(&edits);
    let line = edited_line("risks.yaml", &edits, "owner: p-nobody");
    let f = only(&found, "LOAD-013", "risks.yaml", line);
    assert!(f.message.contains("`p-nobody`"), "{}", f.message);
    assert_eq!(f.record.as_deref(), Some("R-02"));
}

#[test]
fn a_waiver_on_the_referring_record_matches_a_dangling_reference() {
    let edits = [
        ("risks.yaml", "    owner: p-ceo\n", "    owner: p-nobody\n"),
        (
            "isms.yaml",
            "",
            "\nchecks:\n  waivers:\n    - rule: LOAD-013\n      record: R-02\n      owner: p-ciso\n      expires: 2025-12-31\n      reason: Owner being recruited; the CEO covers until then.\n",
        ),
    ];
    let found = check_edited(&edits);
    let line = edited_line("risks.yaml", &edits, "owner: p-nobody");
    let f = only(&found, "LOAD-013", "risks.yaml", line);
    assert!(f.waived, "the waiver on R-02 must accept the finding");
}

// Item: owners and approvers may be roles.

#[test]
fn a_role_may_own_a_risk_and_a_document() {
    let edits = [
        (
            "risks.yaml",
            "    owner: p-ceo\n",
            "    owner: top-management\n",
        ),
        (
            "policies/information-security.md",
            "owner: p-ciso",
            "owner: isms-manager",
        ),
    ];
    clean(&check_edited(&edits));
}

// Item: leavers and inactive people.

#[test]
fn a_leaver_who_still_owns_a_risk_is_reported_at_the_owner() {
    // The acceptance moves with the ownership (and before the leaving date), so that only
    // the ownership itself is wrong.
    let edits = [
        ("risks.yaml", "    owner: p-ceo\n", "    owner: p-dev\n"),
        (
            "risks.yaml",
            "    last_assessed: 2025-04-01\n    acceptance: { by: p-ceo, on: 2025-04-02,",
            "    last_assessed: 2025-03-20\n    acceptance: { by: p-dev, on: 2025-03-25,",
        ),
    ];
    let found = check_edited(&edits);
    let line = edited_line("risks.yaml", &edits, "owner: p-dev");
    let f = only(&found, "LDR-06", "risks.yaml", line);
    assert!(f.message.contains("left on 2025-03-31"), "{}", f.message);
    assert!(f.message.contains("owns risk R-02"), "{}", f.message);
    assert_eq!(f.record.as_deref(), Some("R-02"));
}

#[test]
fn an_inactive_role_holder_is_reported_and_not_asked_for_competence() {
    // Ben is marked inactive but still named as the ISMS manager: LDR-06 at the holder, and
    // LDR-04 because no current holder carries 5.3 a and b; not SUP-01 or SUP-02.
    let edits = [(
        "isms.yaml",
        "{ id: p-ciso, name: Ben Secure, role: Head of Security,",
        "{ id: p-ciso, name: Ben Secure, role: Head of Security, active: false,",
    )];
    let found = check_edited(&edits);
    let mut codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    codes.sort();
    codes.dedup();
    assert!(
        codes.iter().all(|c| ["LDR-04", "LDR-06"].contains(c)),
        "{}",
        all(&found)
    );
    let holder = found
        .iter()
        .find(|f| f.code == "LDR-06" && f.message.contains("holds role isms-manager"))
        .unwrap_or_else(|| panic!("{}", all(&found)));
    assert_eq!(holder.path, "isms.yaml");
    assert_eq!(
        holder.line,
        edited_line("isms.yaml", &edits, "holders: [p-ciso]")
    );
    assert!(holder.message.contains("is marked `active: false`"));
}

#[test]
fn a_leaver_whose_last_day_is_today_or_ahead_still_counts() {
    // Leaving at the end of the month: the person is still here as of 2025-06-30.
    let edits = [(
        "isms.yaml",
        "{ id: p-cto, name: Cleo Tech, role: CTO, top_management: true,",
        "{ id: p-cto, name: Cleo Tech, role: CTO, top_management: true, left: 2025-06-30,",
    )];
    clean(&check_edited(&edits));
}

// Item: competence records need dates; expiry is named.

#[test]
fn an_expired_competence_record_is_named_with_its_date() {
    let edits = [(
        "training.yaml",
        "evidence: Lead Implementer certificate, date: 2023-05-12 }",
        "evidence: Lead Implementer certificate, date: 2023-05-12, expires: 2025-05-12 }",
    )];
    let found = check_edited(&edits);
    let line = edited_line("isms.yaml", &edits, "- id: isms-manager");
    let f = only(&found, "SUP-01", "isms.yaml", line);
    assert!(f.message.contains("expired on 2025-05-12"), "{}", f.message);
}

#[test]
fn an_undated_competence_record_does_not_count() {
    let edits = [(
        "training.yaml",
        "evidence: Lead Implementer certificate, date: 2023-05-12 }",
        "evidence: Lead Implementer certificate }",
    )];
    let found = check_edited(&edits);
    let line = edited_line("isms.yaml", &edits, "- id: isms-manager");
    let f = only(&found, "SUP-01", "isms.yaml", line);
    assert!(f.message.contains("has no date"), "{}", f.message);
}

// Item: dates in the wrong order (SUP-09).

const POLICY: &str = "policies/information-security.md";

#[test]
fn a_policy_communicated_before_its_approval_is_reported_at_the_communication() {
    let edits = [(POLICY, "  on: 2025-02-05\n", "  on: 2025-01-20\n")];
    let found = check_edited(&edits);
    let line = edited_line(POLICY, &edits, "on: 2025-01-20");
    let f = only(&found, "SUP-09", POLICY, line);
    assert!(
        f.message.contains("before the approval of policy POL-01"),
        "{}",
        f.message
    );
}

#[test]
fn every_policy_is_read_for_the_order_of_approval_and_communication() {
    let topic = "---\nid: POL-02\ntitle: Access control policy\nversion: \"1.0\"\nowner: p-ciso\napproval: { by: p-ceo, on: 2025-03-01 }\ncommunicated:\n  on: 2025-02-20\n  via: Staff wiki\n---\n# Access control\n";
    let ok = topic.replace("on: 2025-02-20", "on: 2025-03-04");
    clean(&check_edited(&[("policies/access-control.md", "", &ok)]));
    let found = check_edited(&[("policies/access-control.md", "", topic)]);
    let f = only(
        &found,
        "SUP-09",
        "policies/access-control.md",
        line_of(topic, "on: 2025-02-20"),
    );
    assert!(f.message.contains("POL-02"), "{}", f.message);
}

#[test]
fn an_approval_after_the_approvers_last_day_is_reported_at_the_date() {
    // p-dev left on 2025-03-31.
    let edits = [(
        "risks.yaml",
        "plan_approval: { by: p-cto, on: 2025-04-02 }",
        "plan_approval: { by: p-dev, on: 2025-04-02 }",
    )];
    let found = check_edited(&edits);
    let sup09: Vec<&Found> = found.iter().filter(|f| f.code == "SUP-09").collect();
    assert_eq!(sup09.len(), 1, "{}", all(&found));
    assert_eq!(
        (sup09[0].path.as_str(), sup09[0].line),
        ("risks.yaml", edited_line("risks.yaml", &edits, "by: p-dev"))
    );
    assert!(
        sup09[0].message.contains("p-dev's last day (2025-03-31)"),
        "{}",
        sup09[0].message
    );
}

#[test]
fn an_approval_given_before_leaving_stays_valid() {
    let edits = [
        (
            "soa.yaml",
            "  approval: { by: p-ceo, on: 2025-04-15 }",
            "  approval: { by: p-ceo, on: 2025-04-05 }",
        ),
        (
            "isms.yaml",
            "{ id: p-ceo, name: Ada Chief, role: CEO, top_management: true,",
            "{ id: p-ceo, name: Ada Chief, role: CEO, top_management: true, left: 2025-04-10,",
        ),
    ];
    let found = check_edited(&edits);
    assert!(!found.iter().any(|f| f.code == "SUP-09"), "{}", all(&found));
}

#[test]
fn an_effectiveness_review_before_the_nonconformity_was_raised_is_reported() {
    let edits = [(
        "nonconformities.yaml",
        "effectiveness: { date: 2025-06-12,",
        "effectiveness: { date: 2025-05-02,",
    )];
    let found = check_edited(&edits);
    let sup09: Vec<&Found> = found.iter().filter(|f| f.code == "SUP-09").collect();
    assert_eq!(sup09.len(), 1, "{}", all(&found));
    assert_eq!(
        (sup09[0].path.as_str(), sup09[0].line),
        (
            "nonconformities.yaml",
            edited_line("nonconformities.yaml", &edits, "date: 2025-05-02")
        )
    );
    assert!(
        sup09[0]
            .message
            .contains("before nonconformity NC-01 (2025-05-10)"),
        "{}",
        sup09[0].message
    );
}

// Item: approval authority.

#[test]
fn the_soa_approved_by_someone_outside_top_management_is_refused() {
    let edits = [(
        "soa.yaml",
        "  approval: { by: p-ceo, on: 2025-04-15 }",
        "  approval: { by: p-ciso, on: 2025-04-15 }",
    )];
    let found = check_edited(&edits);
    let f = only(
        &found,
        "SOA-08",
        "soa.yaml",
        edited_line("soa.yaml", &edits, "by: p-ciso"),
    );
    assert!(
        f.message
            .contains("approved by p-ciso, who may not approve it"),
        "{}",
        f.message
    );
}

#[test]
fn the_soa_approved_by_the_role_the_organisation_authorised_is_accepted() {
    // The organisation gives the ISMS manager the authority to approve the SoA: approving it
    // as a person or through the role is legitimate; top management then may not.
    let declare = (
        "isms.yaml",
        "    holders: [p-ciso]\n",
        "    holders: [p-ciso]\n    approves: [SOA]\n",
    );
    for by in ["p-ciso", "isms-manager"] {
        let to = format!("  approval: {{ by: {by}, on: 2025-04-15 }}");
        let edits = [
            declare,
            (
                "soa.yaml",
                "  approval: { by: p-ceo, on: 2025-04-15 }",
                to.as_str(),
            ),
        ];
        clean(&check_edited(&edits));
    }
    let found = check_edited(&[declare]);
    let f = only(
        &found,
        "SOA-08",
        "soa.yaml",
        fixture_line("soa.yaml", "approval: { by: p-ceo"),
    );
    assert!(f.message.contains("p-ceo"), "{}", f.message);
}

#[test]
fn a_policy_approved_by_a_role_of_top_management_is_accepted() {
    let edits = [(
        POLICY,
        "approval: { by: p-ceo, on: 2025-02-01 }",
        "approval: { by: top-management, on: 2025-02-01 }",
    )];
    clean(&check_edited(&edits));
    let edits = [(
        POLICY,
        "approval: { by: p-ceo, on: 2025-02-01 }",
        "approval: { by: isms-manager, on: 2025-02-01 }",
    )];
    let found = check_edited(&edits);
    only(
        &found,
        "LDR-01",
        POLICY,
        edited_line(POLICY, &edits, "by: isms-manager"),
    );
}

#[test]
fn a_document_with_declared_approvers_needs_one_of_them() {
    let declare = (
        "isms.yaml",
        "    holders: [p-ceo]\n",
        "    holders: [p-ceo]\n    approves: [AUD-PROG]\n",
    );
    clean(&check_edited(&[declare]));
    let edits = [
        declare,
        (
            "audits/programme.md",
            "approval: { by: p-ceo, on: 2025-02-01 }",
            "approval: { by: p-ciso, on: 2025-02-01 }",
        ),
    ];
    let found = check_edited(&edits);
    let f = only(
        &found,
        "SUP-10",
        "audits/programme.md",
        edited_line("audits/programme.md", &edits, "by: p-ciso"),
    );
    assert!(f.message.contains("AUD-PROG"), "{}", f.message);
}

fn fixture_line(file: &str, needle: &str) -> u32 {
    line_of(
        &std::fs::read_to_string(fixture().join(file)).unwrap(),
        needle,
    )
}

// Item: internal audits by an outside firm.

#[test]
fn an_outside_firms_lead_auditor_needs_competence_not_the_awareness_course() {
    let edits = [
        (
            "isms.yaml",
            "{ id: p-auditor, name: Dana Audit, role: Internal auditor (contractor),",
            "{ id: p-auditor, name: Dana Audit, role: Lead auditor, organisation: Northgate Assurance Ltd,",
        ),
        (
            "training.yaml",
            "  - { person: p-auditor, course: Awareness 2025, completed: 2025-01-15 }\n",
            "",
        ),
    ];
    clean(&check_edited(&edits));
}

#[test]
fn an_internal_audit_by_a_firm_named_only_in_text_is_reported() {
    let audit = "audits/2025-internal.md";
    let edits = [(
        audit,
        "auditor: p-auditor\n",
        "external_auditor: Northgate Assurance Ltd\n",
    )];
    let found = check_edited(&edits);
    let sup01: Vec<&Found> = found.iter().filter(|f| f.code == "SUP-01").collect();
    assert_eq!(sup01.len(), 1, "{}", all(&found));
    assert_eq!(sup01[0].path, audit);
    assert_eq!(sup01[0].line, edited_line(audit, &edits, "id: AUD-"));
    assert!(
        sup01[0].message.contains("only as text"),
        "{}",
        sup01[0].message
    );
}

// Item: roles communicated (5.3).

#[test]
fn a_role_without_a_record_of_communication_is_reported_at_the_role() {
    let edits = [(
        "isms.yaml",
        "    communicated: { on: 2025-01-06, how: Appointment letter and the staff handbook }\n",
        "",
    )];
    let found = check_edited(&edits);
    let f = only(
        &found,
        "LDR-07",
        "isms.yaml",
        edited_line("isms.yaml", &edits, "- id: isms-manager"),
    );
    assert!(f.message.contains("role isms-manager"), "{}", f.message);
    assert_eq!(f.record.as_deref(), Some("isms-manager"));
}

#[test]
fn a_role_communicated_without_saying_how_is_reported_at_the_record() {
    let edits = [(
        "isms.yaml",
        "    communicated: { on: 2025-01-06, how: Appointment letter and the staff handbook }\n",
        "    communicated: { on: 2025-01-06 }\n",
    )];
    let found = check_edited(&edits);
    let f = only(
        &found,
        "LDR-07",
        "isms.yaml",
        edited_line("isms.yaml", &edits, "communicated: { on: 2025-01-06 }"),
    );
    assert!(
        f.message.contains("how (`communicated.how`)"),
        "{}",
        f.message
    );
    assert!(!f.message.contains("when"), "{}", f.message);
}

// Item: personnel controls evidenced per person.

#[test]
fn a_person_without_screening_and_nda_records_is_reported_at_the_person() {
    let edits = [(
        "isms.yaml",
        "{ id: p-ciso, name: Ben Secure, role: Head of Security, screened: 2024-01-10, terms_signed: 2024-01-10, confidentiality_signed: 2024-01-10,",
        "{ id: p-ciso, name: Ben Secure, role: Head of Security, terms_signed: 2024-01-10,",
    )];
    let found = check_edited(&edits);
    let f = only(
        &found,
        "ANX-10",
        "isms.yaml",
        edited_line("isms.yaml", &edits, "id: p-ciso"),
    );
    assert!(f.message.contains("screening (6.1"), "{}", f.message);
    assert!(
        f.message.contains("confidentiality agreement (6.6"),
        "{}",
        f.message
    );
    assert!(!f.message.contains("6.2"), "{}", f.message);
}

#[test]
fn a_contractor_covered_by_the_supplier_agreement_needs_no_personal_records() {
    let edits = [(
        "isms.yaml",
        "{ id: p-auditor, name: Dana Audit, role: Internal auditor (contractor), screened: 2024-01-10, terms_signed: 2024-01-10, confidentiality_signed: 2024-01-10, acceptable_use_acknowledged: 2025-01-15 }",
        "{ id: p-auditor, name: Dana Audit, role: Internal auditor (contractor), covered_by_supplier: SUP-01 }",
    )];
    clean(&check_edited(&edits));
}

#[test]
fn controls_the_soa_excludes_are_not_asked_for() {
    let edits = [
        (
            "isms.yaml",
            "{ id: p-ciso, name: Ben Secure, role: Head of Security, screened: 2024-01-10,",
            "{ id: p-ciso, name: Ben Secure, role: Head of Security,",
        ),
        (
            "soa.yaml",
            "  - id: \"6.1\"\n    applicable: true\n    reasons: [business]\n    justification: Baseline control for a SaaS company.\n    status: planned\n",
            "  - id: \"6.1\"\n    applicable: false\n    justification: Screening is not lawful for this role in our jurisdiction; handled by references in 6.2 instead.\n",
        ),
    ];
    let found = check_edited(&edits);
    assert!(!found.iter().any(|f| f.code == "ANX-10"), "{}", all(&found));
}

// Item: competence actions and their effectiveness (7.2 c).

const ACTION: &str = "  - { person: p-ciso, role: isms-manager, action: Lead auditor course, status: done, completed: 2025-03-01 }\n";

#[test]
fn a_done_competence_action_without_an_evaluation_is_reported() {
    let edits = [(
        "training.yaml",
        "awareness:\n",
        &*format!("actions:\n{ACTION}awareness:\n"),
    )];
    let found = check_edited(&edits);
    let f = only(
        &found,
        "SUP-11",
        "training.yaml",
        edited_line("training.yaml", &edits, "action: Lead auditor course"),
    );
    assert!(f.message.contains("not evaluated"), "{}", f.message);
}

#[test]
fn an_evaluated_competence_action_is_accepted_and_its_dates_are_ordered() {
    let ok = ACTION.replace(
        " }\n",
        ", effectiveness: { on: 2025-04-10, by: top-management, effective: true, method: Observed audit } }\n",
    );
    clean(&check_edited(&[(
        "training.yaml",
        "awareness:\n",
        &format!("actions:\n{ok}awareness:\n"),
    )]));
    let early = ok.replace("on: 2025-04-10", "on: 2025-02-10");
    let edits = [(
        "training.yaml",
        "awareness:\n",
        &*format!("actions:\n{early}awareness:\n"),
    )];
    let found = check_edited(&edits);
    let f = only(
        &found,
        "SUP-09",
        "training.yaml",
        edited_line("training.yaml", &edits, "on: 2025-02-10"),
    );
    assert!(f.message.contains("before the completion"), "{}", f.message);
}

#[test]
fn an_ineffective_competence_action_needs_a_follow_up() {
    let bad = ACTION.replace(
        " }\n",
        ", effectiveness: { on: 2025-04-10, effective: false } }\n",
    );
    let follow = "  - { person: p-ciso, role: isms-manager, action: Mentoring by an external lead auditor, status: planned, due: 2025-09-30 }\n";
    clean(&check_edited(&[(
        "training.yaml",
        "awareness:\n",
        &format!("actions:\n{bad}{follow}awareness:\n"),
    )]));
    let edits = [(
        "training.yaml",
        "awareness:\n",
        &*format!("actions:\n{bad}awareness:\n"),
    )];
    let found = check_edited(&edits);
    let f = only(
        &found,
        "SUP-11",
        "training.yaml",
        edited_line("training.yaml", &edits, "effective: false"),
    );
    assert!(
        f.message.contains("not effective on 2025-04-10"),
        "{}",
        f.message
    );
}

#[test]
fn a_role_whose_holders_have_all_left_cannot_approve() {
    // top-management's only holder is marked inactive: the policy approved "by the role"
    // has nobody behind it.
    let edits = [
        (
            POLICY,
            "approval: { by: p-ceo, on: 2025-02-01 }",
            "approval: { by: top-management, on: 2025-02-01 }",
        ),
        (
            "isms.yaml",
            "    holders: [p-ceo]\n",
            "    holders: [p-dev]\n",
        ),
    ];
    let found = check_edited(&edits);
    let ldr01: Vec<&Found> = found.iter().filter(|f| f.code == "LDR-01").collect();
    assert_eq!(ldr01.len(), 1, "{}", all(&found));
    assert_eq!(
        (ldr01[0].path.as_str(), ldr01[0].line),
        (POLICY, edited_line(POLICY, &edits, "by: top-management"))
    );
}
