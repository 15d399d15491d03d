//! One triggering and one passing case for every model rule of `isms check`.
//!
//! `tests/fixtures/check/clean` is a small, complete ISMS that passes every rule as of
//! 2025-06-30 (the passing case for all rules). Each case below copies it, changes one thing,
//! and expects the rule's code among the findings. A meta test makes sure every model rule in
//! the registry has a case here.

use std::collections::BTreeSet;
#[path = "support/clean.rs"]
mod clean;

use std::path::Path;

use clean::{AS_OF, copy_dir, fixture};
use isms::checks::{self, Check, registry};

/// Codes of all findings for the repository at `dir`.
fn codes(dir: &Path) -> Vec<String> {
    let loaded = isms::loader::load(dir).expect("fixture loads");
    let outcome = checks::check_loaded(&loaded, &[], AS_OF.parse().unwrap());
    outcome
        .findings
        .iter()
        .map(|f| format!("{}: {}", f.diagnostic.code, f.diagnostic.message))
        .collect()
}

/// Deletes the file instead of editing it.
const DELETE: &str = "\u{0}delete";

/// (rule code, [(file, text to find exactly once, replacement)]).
type Case = (
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
);

const B57: &str = "  - id: \"5.7\"\n    applicable: true\n    reasons: [business]\n    justification: Baseline control for a SaaS company.\n    status: planned\n";

const CASES: &[Case] = &[
    (
        "SUP-13",
        &[(
            "acknowledgements.yaml",
            "",
            "acknowledgements:\n  - { person: p-ceo, policy: POL-01, version: \"1.0\", date: 2025-02-06, method: HR system }\n",
        )],
    ),
    (
        "FWK-01",
        &[
            (
                "isms.yaml",
                "schema_version: 1\n",
                "schema_version: 1\nframeworks: [nis2]\n",
            ),
            (
                "soa.yaml",
                "  - id: \"7.11\"\n    applicable: true\n    reasons: [business]\n    justification: Baseline control for a SaaS company.",
                "  - id: \"7.11\"\n    applicable: false\n    reasons: [no-premises]\n    justification: No own premises.",
            ),
        ],
    ),
    (
        "FWK-02",
        &[(
            "isms.yaml",
            "schema_version: 1\n",
            "schema_version: 1\nframeworks: [nis2]\n",
        )],
    ),
    (
        "SUP-11",
        &[(
            "training.yaml",
            "awareness:\n",
            "actions:\n  - { person: p-ciso, role: isms-manager, action: Lead auditor course, status: done, completed: 2025-03-01 }\nawareness:\n",
        )],
    ),
    (
        "ANX-10",
        &[(
            "isms.yaml",
            "{ id: p-ciso, name: Ben Secure, role: Head of Security, screened: 2024-01-10,",
            "{ id: p-ciso, name: Ben Secure, role: Head of Security,",
        )],
    ),
    (
        "LDR-07",
        &[(
            "isms.yaml",
            "    communicated: { on: 2025-01-06, how: Appointment letter and the staff handbook }\n",
            "",
        )],
    ),
    (
        "SUP-10",
        &[
            (
                "isms.yaml",
                "    holders: [p-ceo]\n",
                "    holders: [p-ceo]\n    approves: [AUD-PROG]\n",
            ),
            (
                "audits/programme.md",
                "approval: { by: p-ceo, on: 2025-02-01 }",
                "approval: { by: p-ciso, on: 2025-02-01 }",
            ),
        ],
    ),
    (
        "SUP-09",
        &[(
            "policies/information-security.md",
            "  on: 2025-02-05\n",
            "  on: 2025-01-20\n",
        )],
    ),
    (
        "LDR-06",
        &[("risks.yaml", "    owner: p-ceo\n", "    owner: p-dev\n")],
    ),
    ("SOA-01", &[("soa.yaml", B57, "")]),
    (
        "SOA-02",
        &[("soa.yaml", "  - id: \"5.7\"\n", "  - id: \"A.9.2.1\"\n")],
    ),
    (
        "SOA-03",
        &[(
            "soa.yaml",
            "  - id: \"5.7\"\n",
            "  - id: \"5.7\"\n    title: Threat hunting\n",
        )],
    ),
    (
        "SOA-04",
        &[(
            "soa.yaml",
            "  - id: \"5.7\"\n    applicable: true\n",
            "  - id: \"5.7\"\n",
        )],
    ),
    (
        "SOA-05",
        &[(
            "soa.yaml",
            "justification: No own premises; the team works remotely and production runs at the cloud provider.",
            "justification: N/A",
        )],
    ),
    (
        "SOA-06",
        &[(
            "soa.yaml",
            B57,
            "  - id: \"5.7\"\n    applicable: true\n    status: planned\n",
        )],
    ),
    (
        "SOA-07",
        &[(
            "soa.yaml",
            B57,
            "  - id: \"5.7\"\n    applicable: true\n    reasons: [business]\n    justification: Baseline control for a SaaS company.\n",
        )],
    ),
    (
        "SOA-08",
        &[(
            "soa.yaml",
            "  approval: { by: p-ceo, on: 2025-04-15 }",
            "  approval: { by: p-ceo }",
        )],
    ),
    (
        "SOA-09",
        &[(
            "risks.yaml",
            "controls: [\"8.13\"]",
            "controls: [\"8.13\", \"7.5\"]",
        )],
    ),
    (
        "SOA-10",
        &[
            ("soa.yaml", B57, ""),
            (
                "risks.yaml",
                "controls: [\"8.13\"]",
                "controls: [\"8.13\", \"5.7\"]",
            ),
        ],
    ),
    (
        "SOA-11",
        &[(
            "soa.yaml",
            "    evidence:\n      - { url: https://tickets.example.com/OPS-1, description: Restore test, collected: 2025-05-01 }\n",
            "",
        )],
    ),
    (
        "SOA-12",
        &[("soa.yaml", "    reasons: [no-premises]\n", "")],
    ),
    (
        "SOA-13",
        &[(
            "soa.yaml",
            B57,
            "  - id: \"5.7\"\n    applicable: true\n    reasons: [risk]\n    risks: [R-01]\n    status: planned\n",
        )],
    ),
    (
        "SOA-14",
        &[(
            "soa.yaml",
            "path: ./evidence/ops/runbook-review-2025-05.md",
            "path: ./evidence/ops/runbook-review-2025-04.md",
        )],
    ),
    (
        "SOA-15",
        &[("soa.yaml", "sha256: 33BC6769", "sha256: A12CD345")],
    ),
    (
        "SOA-16",
        &[("soa.yaml", "expires: 2026-05-01", "expires: 2025-06-01")],
    ),
    (
        "CTX-01",
        &[(
            "context.yaml",
            "  - id: ISS-01\n    type: external\n    description: Customers require ISO/IEC 27001 certification.\n",
            "",
        )],
    ),
    (
        "CTX-02",
        &[(
            "context.yaml",
            "  rationale: Fully remote team on multi-region cloud hosting.\n",
            "",
        )],
    ),
    (
        "CTX-03",
        &[("context.yaml", "        addressed: true\n", "")],
    ),
    (
        "CTX-04",
        &[(
            "context.yaml",
            "  interested_party_requirements: Customers and regulators reviewed; none has climate-related security requirements.\n",
            "",
        )],
    ),
    (
        "CTX-05",
        &[("scope.md", "  services: [Tiny SaaS platform]\n", "")],
    ),
    (
        "CTX-06",
        &[(
            "scope.md",
            "    reason: Static site run by an agency; holds no customer data.\n",
            "",
        )],
    ),
    (
        "CTX-07",
        &[(
            "isms.yaml",
            "    inputs: [context issues, asset register]\n",
            "",
        )],
    ),
    (
        "LDR-01",
        &[(
            "policies/information-security.md",
            "approval: { by: p-ceo, on: 2025-02-01 }",
            "approval: { by: p-ciso, on: 2025-02-01 }",
        )],
    ),
    (
        "LDR-02",
        &[(
            "policies/information-security.md",
            "  improvement: Commitments\n",
            "",
        )],
    ),
    (
        "LDR-03",
        &[(
            "policies/information-security.md",
            "  acknowledgements: HR system\n",
            "",
        )],
    ),
    (
        "LDR-04",
        &[("isms.yaml", "    ensures_conformity: true\n", "")],
    ),
    (
        "LDR-05",
        &[(
            "policies/information-security.md",
            "approval: { by: p-ceo, on: 2025-02-01 }",
            "approval: { by: p-ceo, on: 2024-02-01 }",
        )],
    ),
    (
        "RSK-01",
        &[(
            "isms.yaml",
            "acceptance_threshold: 3",
            "acceptance_threshold: 9",
        )],
    ),
    ("RSK-02", &[("risks.yaml", "    owner: p-ceo\n", "")]),
    (
        "RSK-03",
        &[("risks.yaml", "    affects: [availability]\n", "")],
    ),
    ("RSK-04", &[("risks.yaml", "level: 9", "level: 6")]),
    (
        "RSK-05",
        &[(
            "risks.yaml",
            "    inherent: { likelihood: 1, impact: 2 }\n",
            "",
        )],
    ),
    (
        "RSK-06",
        &[(
            "risks.yaml",
            "    inherent: { likelihood: 1, impact: 2 }\n    treatment: accept\n",
            "    inherent: { likelihood: 3, impact: 3 }\n",
        )],
    ),
    (
        "RSK-07",
        &[("risks.yaml", "    controls: [\"8.13\"]\n", "")],
    ),
    ("RSK-08", &[("risks.yaml", "        due: 2025-05-31\n", "")]),
    (
        "RSK-09",
        &[(
            "risks.yaml",
            "plan_approval: { by: p-cto, on: 2025-04-02 }",
            "plan_approval: { by: p-ceo, on: 2025-04-02 }",
        )],
    ),
    (
        "RSK-10",
        &[(
            "risks.yaml",
            "residual: { likelihood: 1, impact: 3 }",
            "residual: { likelihood: 2, impact: 3 }",
        )],
    ),
    (
        "RSK-11",
        &[(
            "risks.yaml",
            "    treatment: accept\n",
            "    treatment: accept\n    residual: { likelihood: 2, impact: 2 }\n",
        )],
    ),
    (
        "RSK-12",
        &[(
            "risks.yaml",
            "    treatment: accept\n",
            "    treatment: transfer\n",
        )],
    ),
    (
        "RSK-13",
        &[(
            "risks.yaml",
            "assessed: 2025-04-01\nrisks:",
            "assessed: 2024-04-01\nrisks:",
        )],
    ),
    (
        "RSK-14",
        &[(
            "risks.yaml",
            "        status: done\n        completed: 2025-05-20\n",
            "        status: in-progress\n",
        )],
    ),
    (
        "RSK-15",
        &[(
            "risks.yaml",
            "    treatment: accept\n    last_assessed: 2025-04-01\n",
            "    treatment: accept\n    last_assessed: 2024-04-01\n",
        )],
    ),
    (
        "RSK-16",
        &[(
            "risks.yaml",
            "acceptance: { by: p-cto, on: 2025-04-02 }",
            "acceptance: { by: p-cto, on: 2025-04-02, until: 2025-07-15 }",
        )],
    ),
    (
        "RSK-17",
        &[(
            "risks.yaml",
            "    action: Certify this year and publish the certificate\n",
            "",
        )],
    ),
    (
        "OBJ-01",
        &[(
            "objectives.yaml",
            "    evaluation: Reviewed in the management review\n",
            "",
        )],
    ),
    (
        "OBJ-02",
        &[(
            "objectives.yaml",
            "    measurements:\n      - { date: 2025-03-31, value: \"1\" }\n",
            "",
        )],
    ),
    (
        "OBJ-03",
        &[(
            "objectives.yaml",
            "    policy: POL-01\n    risks: [R-01]\n",
            "",
        )],
    ),
    (
        "OBJ-04",
        &[(
            "objectives.yaml",
            "    due: 2025-12-31\n",
            "    due: 2025-05-31\n    status: on-track\n",
        )],
    ),
    (
        "CHG-01",
        &[("changes.yaml", "    purpose: Faster restores\n", "")],
    ),
    (
        "SUP-01",
        &[(
            "training.yaml",
            "  - { person: p-ciso, role: isms-manager, evidence: Lead Implementer certificate, date: 2023-05-12 }\n",
            "",
        )],
    ),
    (
        "SUP-02",
        &[(
            "training.yaml",
            "  - { person: p-cto, course: Awareness 2025, completed: 2025-01-15 }\n",
            "",
        )],
    ),
    (
        "SUP-03",
        &[(
            "isms.yaml",
            "communication:\n  - what: Security incidents affecting customers\n    when: Within 48 hours\n    with: Customer security contacts\n    how: E-mail\n    owner: p-ciso\n",
            "",
        )],
    ),
    (
        "SUP-04",
        &[("audits/programme.md", "version: \"1.0\"\n", "")],
    ),
    (
        "SUP-05",
        &[(
            "audits/programme.md",
            "approval: { by: p-ceo, on: 2025-02-01 }",
            "approval: { by: p-ceo, on: 2024-02-01 }",
        )],
    ),
    ("SUP-07", &[("metrics.yaml", "", DELETE)]),
    (
        "SUP-08",
        &[(
            "soa.yaml",
            "approval: { by: p-ceo, on: 2025-04-15 }",
            "approval: { by: p-ceo, on: 2025-08-15 }",
        )],
    ),
    (
        "SUP-12",
        &[(
            "assets.yaml",
            "    owner: p-cto\n",
            "    owner: p-cto   # to do: confirm\n",
        )],
    ),
    (
        "OPS-01",
        &[
            (
                "suppliers.yaml",
                "    security_requirements: ISO 27001 certified; EU regions only\n",
                "",
            ),
            (
                "suppliers.yaml",
                "    reviews:\n      - { date: 2025-03-01, result: Certificate reviewed, by: p-ciso }\n",
                "",
            ),
        ],
    ),
    (
        "OPS-02",
        &[(
            "suppliers.yaml",
            "security_clauses: true",
            "security_clauses: false",
        )],
    ),
    (
        "OPS-03",
        &[("suppliers.yaml", "date: 2025-03-01", "date: 2024-03-01")],
    ),
    (
        "PER-01",
        &[("metrics.yaml", "date: 2025-06-15", "date: 2024-06-15")],
    ),
    (
        "PER-02",
        &[(
            "metrics.yaml",
            "value: \"1\", met: true }",
            "value: \"1\" }",
        )],
    ),
    (
        "AUD-01",
        &[(
            "audits/programme.md",
            "methods: [interviews, record sampling]\n",
            "",
        )],
    ),
    (
        "AUD-02",
        &[(
            "audits/2025-internal.md",
            "criteria: ISO/IEC 27001:2022 and the ISMS policies\n",
            "",
        )],
    ),
    (
        "AUD-03",
        &[(
            "audits/2025-internal.md",
            "[\"4\", \"5\", \"6\", \"7\", \"8\", \"9\", \"10\"]",
            "[\"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]",
        )],
    ),
    (
        "AUD-04",
        &[(
            "audits/2025-internal.md",
            "auditor: p-auditor",
            "auditor: p-ciso",
        )],
    ),
    (
        "AUD-05",
        &[("audits/2025-internal.md", "  recipients: [p-ceo]\n", "")],
    ),
    (
        "AUD-06",
        &[(
            "audits/programme.md",
            "prioritisation: Areas with nonconformities are audited first.\n",
            "",
        )],
    ),
    (
        "AUD-07",
        &[(
            "audits/2025-internal.md",
            "date: 2025-05-10",
            "date: 2024-05-10",
        )],
    ),
    (
        "AUD-08",
        &[(
            "audits/programme.md",
            "  - id: AUD-2025-01\n",
            "  - id: AUD-2025-02\n",
        )],
    ),
    (
        "SOA-17",
        &[(
            "risks.yaml",
            "assessed: 2025-04-01\nrisks:",
            "assessed: 2025-05-01\nrisks:",
        )],
    ),
    (
        "SOA-18",
        &[(
            "risks.yaml",
            "        status: done\n        completed: 2025-05-20\n",
            "        controls: [\"8.13\"]\n        status: in-progress\n",
        )],
    ),
    (
        "ANX-09",
        &[(
            "soa.yaml",
            "  - id: \"8.8\"\n    applicable: true\n    reasons: [business]\n    justification: Baseline control for a SaaS company.\n    status: planned\n",
            "  - id: \"8.8\"\n    applicable: true\n    reasons: [business]\n    justification: Baseline control for a SaaS company.\n    status: implemented\n    evidence:\n      - { url: https://scan.example.com/1, collected: 2025-01-10 }\n",
        )],
    ),
    (
        "SOA-19",
        &[(
            "soa.yaml",
            "    reasons: [no-premises]\n",
            "    reasons: [no-premises]\n    proposed: true\n",
        )],
    ),
    (
        "AUD-09",
        &[("audits/2025-internal.md", "status: completed\n", "")],
    ),
    (
        "MR-01",
        &[(
            "reviews/2025-06.md",
            "attendees: [p-ceo, p-ciso]",
            "attendees: [p-ciso]",
        )],
    ),
    (
        "MR-02",
        &[(
            "reviews/2025-06.md",
            "  interested_party_changes: No changes.\n",
            "",
        )],
    ),
    (
        "MR-03",
        &[(
            "reviews/2025-06.md",
            "  - { decision: Keep the ISMS scope and policies unchanged, type: change }\n",
            "",
        )],
    ),
    (
        "MR-04",
        &[("reviews/2025-06.md", "due: 2025-09-30", "due: 2025-06-01")],
    ),
    (
        "IMP-01",
        &[(
            "nonconformities.yaml",
            "    root_cause: No template for restore tests.\n",
            "",
        )],
    ),
    (
        "IMP-02",
        &[("audits/2025-internal.md", "    nonconformity: NC-01\n", "")],
    ),
    (
        "IMP-03",
        &[(
            "nonconformities.yaml",
            "    status: closed\n    closed: 2025-06-12\n    effectiveness: { date: 2025-06-12, by: p-ciso, effective: true }\n",
            "    status: open\n",
        )],
    ),
    (
        "IMP-04",
        &[(
            "nonconformities.yaml",
            "    effectiveness: { date: 2025-06-12, by: p-ciso, effective: true }\n",
            "    effectiveness: { date: 2025-06-12, by: p-ciso, effective: true }
  - id: NC-02
    title: Restore test of Q2 not documented
    source: self-identified
    clause: \"9.1\"
    raised: 2025-06-20
    description: The Q2 restore test had no record.
    correction: Record written.
    root_cause: No template for restore tests!
    corrective_action: Template made mandatory in the ticket type.
    owner: p-cto
    due: 2025-07-31
    status: open
",
        )],
    ),
    ("ANX-01", &[("assets.yaml", "    owner: p-cto\n", "")]),
    (
        "ANX-02",
        &[("soa.yaml", "collected: 2025-06-01", "collected: 2025-01-01")],
    ),
    (
        "ANX-03",
        &[(
            "isms.yaml",
            "access_revoked: 2025-04-01",
            "access_revoked: 2025-04-03",
        )],
    ),
    (
        "ANX-04",
        &[(
            "context.yaml",
            "last_reviewed: 2025-03-01",
            "last_reviewed: 2024-03-01",
        )],
    ),
    (
        "ANX-05",
        &[("incidents.yaml", "    response: Link blocked\n", "")],
    ),
    (
        "ANX-06",
        &[(
            "soa.yaml",
            "OPS-2, description: Failover test, collected: 2025-05-01",
            "OPS-2, description: Failover test, collected: 2024-05-01",
        )],
    ),
    (
        "ANX-07",
        &[("isms.yaml", ", access_revoked: 2025-04-01", "")],
    ),
    (
        "ANX-08",
        &[(
            "assets.yaml",
            "confidentiality: 3, integrity",
            "confidentiality: 4, integrity",
        )],
    ),
    (
        "ANX-12",
        &[("assets.yaml", "    classification: confidential\n", "")],
    ),
    (
        "SCAN-01",
        &[(
            "soa.yaml",
            "      - { url: https://tickets.example.com/OPS-1, description: Restore test, collected: 2025-05-01 }\n",
            "      - { url: https://tickets.example.com/OPS-1, description: Restore test, collected: 2025-05-01 }\n      - url: https://scans.example.com/prowler-2025-06-20.csv\n        collected: 2025-06-20\n        scan: { tool: prowler, passed: 4, failed: 1, failing: [backup_plans_exist] }\n",
        )],
    ),
    (
        "SCAN-02",
        &[(
            "soa.yaml",
            "      - { url: https://tickets.example.com/OPS-1, description: Restore test, collected: 2025-05-01 }\n",
            "      - { url: https://tickets.example.com/OPS-1, description: Restore test, collected: 2025-05-01 }\n      - url: https://scans.example.com/protection.json\n        collected: 2025-06-20\n        scan: { tool: github, passed: 3, failed: 1, failing: [force pushes blocked] }\n",
        )],
    ),
];

#[test]
fn clean_fixture_passes_every_rule() {
    let found = codes(&fixture());
    assert!(
        found.is_empty(),
        "the clean fixture must have no findings, got:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_case_triggers_its_rule() {
    let mut failures = Vec::new();
    for (code, edits) in CASES {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&fixture(), tmp.path());
        for (file, from, to) in *edits {
            let path = tmp.path().join(file);
            if *to == DELETE {
                std::fs::remove_file(&path).unwrap();
                continue;
            }
            // An empty `from` appends to the file, creating it (a register the fixture lacks).
            if from.is_empty() {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                std::fs::write(&path, format!("{text}{to}")).unwrap();
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            assert_eq!(
                text.matches(from).count(),
                1,
                "{code}: `{from}` must occur exactly once in {file}"
            );
            std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        }
        let found = codes(tmp.path());
        if !found.iter().any(|c| c.starts_with(&format!("{code}:"))) {
            failures.push(format!(
                "{code} not reported; findings were:\n  {}",
                found.join("\n  ")
            ));
        }
        if found.iter().any(|c| c.starts_with("LOAD-")) && !matches!(*code, "SOA-02") {
            failures.push(format!(
                "{code}: the edit broke loading:\n  {}",
                found.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_model_rule_has_a_case() {
    let covered: BTreeSet<&str> = CASES.iter().map(|(c, _)| *c).collect();
    let missing: Vec<&str> = registry::all()
        .iter()
        .filter(|r| matches!(r.check, Check::Model(_)))
        .map(|r| r.code)
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "model rules without a triggering case in tests/check_rules.rs: {missing:?}"
    );
    assert_eq!(covered.len(), CASES.len(), "a rule has two cases");
}

/// One finding, flattened for assertions: code, message, file and line.
#[derive(Debug)]
struct Found {
    code: String,
    message: String,
    path: String,
    line: u32,
}

/// Copies the clean fixture, applies `(file, from, to)` edits (each `from` must occur exactly
/// once) and checks the copy as of `as_of`.
fn check_edited(edits: &[(&str, &str, &str)], as_of: &str) -> Vec<Found> {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), tmp.path());
    for (file, from, to) in edits {
        let path = tmp.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "`{from}` in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    let loaded = isms::loader::load(tmp.path()).expect("fixture loads");
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

fn of<'a>(found: &'a [Found], code: &str) -> Vec<&'a Found> {
    found.iter().filter(|f| f.code == code).collect()
}

/// The 1-based line of the only line of the fixture file containing `needle`.
fn fixture_line(file: &str, needle: &str) -> u32 {
    let text = std::fs::read_to_string(fixture().join(file)).unwrap();
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "`{needle}` in {file}");
    u32::try_from(lines[0]).unwrap()
}

/// The rules resolve control ids as the loader normalised them: an `A.` prefix or padding in
/// `controls:` names the same control, and `7.10` is not `7.1`.
#[test]
fn control_ids_written_with_a_prefix_or_padding_are_resolved() {
    let found = check_edited(
        &[
            (
                "soa.yaml",
                "  - id: \"7.10\"\n    applicable: true\n    reasons: [business]\n    justification: Baseline control for a SaaS company.\n    status: planned\n",
                "  - id: \"7.10\"\n    applicable: false\n    reasons: [no-premises]\n    justification: No own premises.\n",
            ),
            (
                "risks.yaml",
                "controls: [\"8.13\"]",
                "controls: [\"8.13\", \"A.7.5\", \" 7.10 \"]",
            ),
        ],
        AS_OF,
    );
    let excluded: Vec<&str> = of(&found, "SOA-09")
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        excluded,
        [
            "risk R-01 is treated with control 7.5, which the SoA excludes",
            "risk R-01 is treated with control 7.10, which the SoA excludes",
        ]
    );
}

/// A treatment action's `controls:` is read the same way as the risk's own.
#[test]
fn treatment_action_control_ids_are_resolved_in_any_written_form() {
    let found = check_edited(
        &[(
            "risks.yaml",
            "        status: done\n        completed: 2025-05-20\n",
            "        controls: [\"A.8.13\"]\n        status: in-progress\n",
        )],
        AS_OF,
    );
    let open = of(&found, "SOA-18");
    assert_eq!(open.len(), 1, "{found:#?}");
    assert!(
        open[0]
            .message
            .starts_with("control 8.13 is marked implemented"),
        "{}",
        open[0].message
    );
}

const EVIDENCE_PATH: &str = "path: ./evidence/ops/runbook-review-2025-05.md";

#[test]
fn evidence_paths_resolve_files_and_folders() {
    // The clean fixture points at a file through `./` and at a folder: both resolve.
    assert!(of(&check_edited(&[], AS_OF), "SOA-14").is_empty());
    // Backslashes are read as slashes.
    let found = check_edited(
        &[(
            "soa.yaml",
            EVIDENCE_PATH,
            "path: evidence\\ops/runbook-review-2025-05.md",
        )],
        AS_OF,
    );
    assert!(of(&found, "SOA-14").is_empty(), "{found:?}");
    // A folder with no file under it does not count; the finding is at the path.
    let found = check_edited(
        &[(
            "soa.yaml",
            "{ path: evidence/ops, description",
            "{ path: evidence/ops/2025-q2/, description",
        )],
        AS_OF,
    );
    let missing = of(&found, "SOA-14");
    assert_eq!(missing.len(), 1, "{found:?}");
    assert!(
        missing[0].message.contains("`evidence/ops/2025-q2`"),
        "{found:?}"
    );
    assert_eq!(missing[0].path, "soa.yaml");
    assert_eq!(
        missing[0].line,
        fixture_line("soa.yaml", "{ path: evidence/ops, description")
    );
    // A file under build/ is not part of the records.
    let found = check_edited(&[("soa.yaml", EVIDENCE_PATH, "path: build/soa.pdf")], AS_OF);
    let missing = of(&found, "SOA-14");
    assert_eq!(missing.len(), 1, "{found:?}");
    assert!(missing[0].message.contains("`build/`"), "{found:?}");
    // A missing file is not also reported as a hash mismatch.
    assert!(of(&found, "SOA-15").is_empty(), "{found:?}");
}

#[test]
fn evidence_hash_mismatch_and_malformed_hash() {
    let sha = "sha256: 33BC67692143F4D13B52D723E608A00F1E552FAD2AD50548D4E992EE940630CD";
    let line = fixture_line("soa.yaml", sha);
    let found = check_edited(
        &[(
            "soa.yaml",
            sha,
            "sha256: 0000000000000000000000000000000000000000000000000000000000000000",
        )],
        AS_OF,
    );
    let bad = of(&found, "SOA-15");
    assert_eq!(bad.len(), 1, "{found:?}");
    assert!(
        bad[0].message.contains("changed since it was collected"),
        "{found:?}"
    );
    assert!(
        bad[0]
            .message
            .contains("33bc67692143f4d13b52d723e608a00f1e552fad2ad50548d4e992ee940630cd"),
        "the actual hash is named: {found:?}"
    );
    assert_eq!((bad[0].path.as_str(), bad[0].line), ("soa.yaml", line));

    for malformed in [
        "sha256: 33BC6769",
        "sha256: \"sha256:33bc67692143f4d13b52d723e608a00f1e552fad2ad50548d4e992ee940630\"",
    ] {
        let found = check_edited(&[("soa.yaml", sha, malformed)], AS_OF);
        let bad = of(&found, "SOA-15");
        assert_eq!(bad.len(), 1, "{malformed}: {found:?}");
        assert!(bad[0].message.contains("not a SHA-256"), "{found:?}");
    }

    // A hash on external evidence is checked for its form only.
    let found = check_edited(
        &[(
            "soa.yaml",
            "{ url: https://tickets.example.com/OPS-1, description: Restore test,",
            "{ url: https://tickets.example.com/OPS-1, sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, description: Restore test,",
        )],
        AS_OF,
    );
    assert!(of(&found, "SOA-15").is_empty(), "{found:?}");
    // A hash on a folder cannot be verified.
    let found = check_edited(
        &[(
            "soa.yaml",
            "{ path: evidence/ops, description",
            "{ path: evidence/ops, sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, description",
        )],
        AS_OF,
    );
    let bad = of(&found, "SOA-15");
    assert_eq!(bad.len(), 1, "{found:?}");
    assert!(bad[0].message.contains("is a folder"), "{found:?}");
}

#[test]
fn expired_evidence_says_when_nothing_current_is_left() {
    let status = "    justification: Baseline control for a SaaS company.\n    status: planned\n    evidence:\n";
    let implemented = "    justification: Baseline control for a SaaS company.\n    status: implemented\n    evidence:\n";
    // One of two pieces of evidence of an implemented control expired: reported at its
    // `expires:`, without the "nothing current" note.
    let found = check_edited(
        &[
            ("soa.yaml", status, implemented),
            ("soa.yaml", "expires: 2026-05-01", "expires: 2025-06-29"),
        ],
        AS_OF,
    );
    let expired = of(&found, "SOA-16");
    assert_eq!(expired.len(), 1, "{found:?}");
    assert!(
        expired[0].message.contains("expired on 2025-06-29"),
        "{found:?}"
    );
    assert!(!expired[0].message.contains("nothing current"), "{found:?}");
    assert_eq!(
        expired[0].line,
        fixture_line("soa.yaml", "expires: 2026-05-01")
    );
    // The expiry day itself still counts.
    let found = check_edited(
        &[("soa.yaml", "expires: 2026-05-01", "expires: 2025-06-30")],
        AS_OF,
    );
    assert!(of(&found, "SOA-16").is_empty(), "{found:?}");
    // Both expired: each is reported and says that nothing current is left.
    let found = check_edited(
        &[
            ("soa.yaml", status, implemented),
            ("soa.yaml", "expires: 2026-05-01", "expires: 2025-06-29"),
            (
                "soa.yaml",
                "description: Operations evidence folder, collected: 2025-05-01 }",
                "description: Operations evidence folder, collected: 2025-05-01, expires: 2025-06-01 }",
            ),
        ],
        AS_OF,
    );
    let expired = of(&found, "SOA-16");
    assert_eq!(expired.len(), 2, "{found:?}");
    assert!(
        expired.iter().all(|f| f
            .message
            .contains("all 2 pieces of evidence of this implemented control")),
        "{found:?}"
    );
    // The only evidence of an implemented control expired: the message says so.
    let found = check_edited(
        &[(
            "soa.yaml",
            "description: Q2 access review, collected: 2025-06-01 }",
            "description: Q2 access review, collected: 2025-06-01, expires: 2025-06-15 }",
        )],
        AS_OF,
    );
    let expired = of(&found, "SOA-16");
    assert_eq!(expired.len(), 1, "{found:?}");
    assert!(
        expired[0]
            .message
            .contains("only evidence of this implemented control"),
        "{found:?}"
    );
}

#[test]
fn future_dates_of_records_are_reported_planned_dates_are_not() {
    // A completed audit dated after the as-of date is reported at the date.
    let found = check_edited(
        &[(
            "audits/2025-internal.md",
            "date: 2025-05-10",
            "date: 2025-07-10",
        )],
        AS_OF,
    );
    let future = of(&found, "SUP-08");
    assert_eq!(future.len(), 1, "{found:?}");
    assert!(future[0].message.contains("2025-07-10"), "{found:?}");
    assert_eq!(future[0].path, "audits/2025-internal.md");
    assert_eq!(
        future[0].line,
        fixture_line("audits/2025-internal.md", "date: 2025-05-10")
    );
    // The same date on a planned audit is fine.
    let found = check_edited(
        &[
            (
                "audits/2025-internal.md",
                "date: 2025-05-10",
                "date: 2025-07-10",
            ),
            (
                "audits/2025-internal.md",
                "status: completed",
                "status: planned",
            ),
        ],
        AS_OF,
    );
    assert!(of(&found, "SUP-08").is_empty(), "{found:?}");
    // Evidence collected, awareness completed and a metric result in the future.
    for (file, from, to) in [
        (
            "soa.yaml",
            "Q2 access review, collected: 2025-06-01",
            "Q2 access review, collected: 2025-07-01",
        ),
        (
            "training.yaml",
            "{ person: p-cto, course: Awareness 2025, completed: 2025-01-15 }",
            "{ person: p-cto, course: Awareness 2025, completed: 2026-01-15 }",
        ),
        ("metrics.yaml", "date: 2025-06-15", "date: 2025-07-15"),
        (
            "isms.yaml",
            "access_revoked: 2025-04-01",
            "access_revoked: 2025-07-01",
        ),
    ] {
        let found = check_edited(&[(file, from, to)], AS_OF);
        assert_eq!(of(&found, "SUP-08").len(), 1, "{file}: {found:?}");
    }
    // The clean fixture has due dates after 2025-06-30 and none is reported.
    let text = std::fs::read_to_string(fixture().join("reviews/2025-06.md")).unwrap();
    assert!(text.contains("due: 2025-09-30"));
    assert!(of(&check_edited(&[], AS_OF), "SUP-08").is_empty());
    // A leaver's last day may lie ahead.
    let found = check_edited(
        &[(
            "isms.yaml",
            "left: 2025-03-31, access_revoked: 2025-04-01",
            "left: 2025-07-31",
        )],
        AS_OF,
    );
    assert!(of(&found, "SUP-08").is_empty(), "{found:?}");
    assert!(of(&found, "ANX-07").is_empty(), "{found:?}");
}

const LEAVER: &str = "left: 2025-03-31, access_revoked: 2025-04-01";

#[test]
fn leaver_access_follows_the_service_level() {
    // Two days late against the default of one day: a warning naming the delay.
    let found = check_edited(
        &[(
            "isms.yaml",
            LEAVER,
            "left: 2025-03-31, access_revoked: 2025-04-02",
        )],
        AS_OF,
    );
    let late = of(&found, "ANX-03");
    assert_eq!(late.len(), 1, "{found:?}");
    assert!(late[0].message.contains("2 days after"), "{found:?}");
    assert!(
        late[0].message.contains("service level is 1 day"),
        "{found:?}"
    );
    assert_eq!(late[0].line, fixture_line("isms.yaml", LEAVER));
    // A longer service level of the organisation's own makes it in time.
    let found = check_edited(
        &[
            (
                "isms.yaml",
                LEAVER,
                "left: 2025-03-31, access_revoked: 2025-04-02",
            ),
            (
                "isms.yaml",
                "processes:\n",
                "cadences:\n  access_revocation_days: 3\n\nprocesses:\n",
            ),
        ],
        AS_OF,
    );
    assert!(of(&found, "ANX-03").is_empty(), "{found:?}");
    // No removal recorded once the deadline has passed: an error.
    let found = check_edited(&[("isms.yaml", LEAVER, "left: 2025-06-28")], AS_OF);
    let open = of(&found, "ANX-07");
    assert_eq!(open.len(), 1, "{found:?}");
    assert!(open[0].message.contains("due by 2025-06-29"), "{found:?}");
    // ... but not while the removal may still be under way.
    let found = check_edited(&[("isms.yaml", LEAVER, "left: 2025-06-29")], AS_OF);
    assert!(of(&found, "ANX-07").is_empty(), "{found:?}");
    // Neither rule applies when 5.18 and 6.5 are both excluded.
    let exclude = |id: &'static str, next: &'static str| -> (String, String) {
        let text = std::fs::read_to_string(fixture().join("soa.yaml")).unwrap();
        let start = text.find(&format!("  - id: \"{id}\"\n")).unwrap();
        let end = text.find(&format!("  - id: \"{next}\"\n")).unwrap();
        (
            text[start..end].to_string(),
            format!(
                "  - id: \"{id}\"\n    applicable: false\n    justification: No staff of our own; people are provided by a staffing agency that manages their accounts.\n"
            ),
        )
    };
    let (e518, x518) = exclude("5.18", "5.19");
    let (e65, x65) = exclude("6.5", "6.6");
    let found = check_edited(
        &[
            ("isms.yaml", LEAVER, "left: 2025-03-31"),
            ("soa.yaml", &e518, &x518),
            ("soa.yaml", &e65, &x65),
        ],
        AS_OF,
    );
    assert!(of(&found, "ANX-07").is_empty(), "{found:?}");
    // With one of them applicable, it does.
    let found = check_edited(
        &[
            ("isms.yaml", LEAVER, "left: 2025-03-31"),
            ("soa.yaml", &e518, &x518),
        ],
        AS_OF,
    );
    assert_eq!(of(&found, "ANX-07").len(), 1, "{found:?}");
}

#[test]
fn asset_values_outside_the_scale_are_reported_at_the_value() {
    let from = "value: { confidentiality: 3, integrity: 3, availability: 2 }";
    let found = check_edited(
        &[(
            "assets.yaml",
            from,
            "value: { confidentiality: 3, integrity: 3, availability: 0 }",
        )],
        AS_OF,
    );
    let bad = of(&found, "ANX-08");
    assert_eq!(bad.len(), 1, "{found:?}");
    assert!(bad[0].message.contains("availability value 0"), "{found:?}");
    assert_eq!(
        (bad[0].path.as_str(), bad[0].line),
        ("assets.yaml", fixture_line("assets.yaml", from))
    );
    // 1 and 3 are on the scale.
    let found = check_edited(
        &[(
            "assets.yaml",
            from,
            "value: { confidentiality: 1, integrity: 3, availability: 1 }",
        )],
        AS_OF,
    );
    assert!(of(&found, "ANX-08").is_empty(), "{found:?}");
}
