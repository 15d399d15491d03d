//! Risk assessment and treatment as the organisation defines them: scales, formulas and
//! matrices from the methodology, quantitative levels, the acceptance authority, register-level
//! assessment dates, methodology approval and opportunities.
//!
//! Each test copies `tests/fixtures/check/clean`, changes it into either a legitimate design
//! (no finding) or a real nonconformity (exactly the expected finding, at file and line).

#[path = "support/clean.rs"]
mod clean;

use clean::{AS_OF, Found, fixture};

/// A copy of the clean fixture being edited.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        Repo { dir: clean::copy() }
    }

    /// Replaces the only occurrence of `from` in `file`.
    fn edit(self, file: &str, from: &str, to: &str) -> Self {
        let path = self.dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "`{from}` in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    /// Writes a whole file.
    fn write(self, file: &str, text: &str) -> Self {
        let path = self.dir.path().join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
        self
    }

    fn remove(self, file: &str) -> Self {
        std::fs::remove_file(self.dir.path().join(file)).unwrap();
        self
    }

    /// The 1-based line of the only line of `file` (as edited) containing `needle`.
    fn line(&self, file: &str, needle: &str) -> u32 {
        let text = std::fs::read_to_string(self.dir.path().join(file)).unwrap();
        let lines: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains(needle))
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(lines.len(), 1, "`{needle}` in {file}");
        u32::try_from(lines[0]).unwrap()
    }

    fn check(&self) -> Vec<Found> {
        let loaded = isms::loader::load(self.dir.path()).expect("fixture loads");
        assert!(
            loaded.diagnostics.is_empty(),
            "load problems: {:?}",
            loaded.diagnostics
        );
        clean::findings(self.dir.path(), AS_OF)
    }
}

fn risk_findings(found: &[Found]) -> Vec<&Found> {
    found
        .iter()
        .filter(|f| f.code.starts_with("RSK-") || f.code == "ANX-08")
        .collect()
}

/// Asserts exactly one risk finding, with this code, in this file and line.
fn assert_only(found: &[Found], code: &str, path: &str, line: u32) -> String {
    let risk = risk_findings(found);
    assert_eq!(risk.len(), 1, "{risk:#?}");
    assert_eq!(
        (risk[0].code.as_str(), risk[0].path.as_str(), risk[0].line),
        (code, path, line),
        "{risk:#?}"
    );
    risk[0].message.clone()
}

fn assert_clean(found: &[Found]) {
    let risk = risk_findings(found);
    assert!(risk.is_empty(), "{risk:#?}");
}

const METHOD: &str = "  level: product\n  acceptance_threshold: 3\n";
const R01_RESIDUAL: &str = "    residual: { likelihood: 1, impact: 3 }\n";
const R01_ACCEPTANCE: &str = "    acceptance: { by: p-cto, on: 2025-04-02 }\n";

// ---------------------------------------------------------------------------------------------
// 1. Acceptance authority

/// R-01 (owner p-cto) left at level 6, above the threshold 3; top management accepts above 4.
fn escalated(acceptance: &str) -> Repo {
    Repo::new()
        .edit(
            "isms.yaml",
            METHOD,
            "  level: product\n  acceptance_threshold: 3\n  acceptance_authority:\n    - { above: 4, by: [top-management] }\n",
        )
        .edit(
            "risks.yaml",
            R01_RESIDUAL,
            "    residual: { likelihood: 2, impact: 3 }\n",
        )
        .edit("risks.yaml", R01_ACCEPTANCE, acceptance)
}

#[test]
fn escalated_acceptance_by_the_authority_with_the_owner_recorded_is_accepted() {
    // The CEO (holder of the top-management role) accepts on the owner's behalf.
    let found = escalated(
        "    acceptance: { by: p-ceo, on_behalf_of: p-cto, on: 2025-04-02, rationale: Cost exceeds the expected loss }\n",
    )
    .check();
    assert_clean(&found);
    // Or together with the owner.
    let found = escalated(
        "    acceptance: { by: p-ceo, also_by: [p-cto], on: 2025-04-02, rationale: Cost exceeds the expected loss }\n",
    )
    .check();
    assert_clean(&found);
}

#[test]
fn escalated_acceptance_by_the_owner_alone_is_reported_at_the_acceptor() {
    let repo = escalated(
        "    acceptance: { by: p-cto, on: 2025-04-02, rationale: Cost exceeds the expected loss }\n",
    );
    let line = repo.line("risks.yaml", "acceptance: { by: p-cto");
    let msg = assert_only(&repo.check(), "RSK-10", "risks.yaml", line);
    assert!(msg.contains("top-management"), "{msg}");
}

#[test]
fn escalated_acceptance_without_the_owner_is_reported() {
    let repo = escalated(
        "    acceptance: { by: p-ceo, on: 2025-04-02, rationale: Cost exceeds the expected loss }\n",
    );
    let line = repo.line("risks.yaml", "by: p-ceo, on: 2025-04-02, rationale: Cost");
    let msg = assert_only(&repo.check(), "RSK-10", "risks.yaml", line);
    assert!(msg.contains("risk owner p-cto is not recorded"), "{msg}");
}

#[test]
fn below_the_escalation_level_the_owner_accepts() {
    // Level 3 is under `above: 4`: the CEO accepting for the CTO is not the owner's acceptance.
    let repo = Repo::new()
        .edit(
            "isms.yaml",
            METHOD,
            "  level: product\n  acceptance_threshold: 3\n  acceptance_authority:\n    - { above: 4, top_management: true }\n",
        )
        .edit(
            "risks.yaml",
            R01_ACCEPTANCE,
            "    acceptance: { by: p-ceo, on: 2025-04-02 }\n",
        );
    let line = repo.line("risks.yaml", "by: p-ceo, on: 2025-04-02 }");
    let msg = assert_only(&repo.check(), "RSK-10", "risks.yaml", line);
    assert!(msg.contains("not by the risk owner p-cto"), "{msg}");
}

#[test]
fn a_residual_risk_within_the_criteria_still_needs_a_dated_acceptance() {
    let repo = Repo::new().edit("risks.yaml", R01_ACCEPTANCE, "");
    let line = repo.line("risks.yaml", R01_RESIDUAL.trim_end());
    let msg = assert_only(&repo.check(), "RSK-10", "risks.yaml", line);
    assert!(msg.contains("no acceptance"), "{msg}");
    // Below the criteria no rationale is needed (the clean fixture's R-01 has none).
    assert_clean(&Repo::new().check());
}

#[test]
fn an_acceptance_dated_before_the_assessment_is_reported_at_its_date() {
    let repo = Repo::new().edit(
        "risks.yaml",
        R01_ACCEPTANCE,
        "    acceptance:\n      by: p-cto\n      on: 2025-03-20\n",
    );
    let line = repo.line("risks.yaml", "on: 2025-03-20");
    let msg = assert_only(&repo.check(), "RSK-10", "risks.yaml", line);
    assert!(msg.contains("before the assessment"), "{msg}");
}

#[test]
fn lapsed_and_lapsing_acceptances() {
    let with_until = |until: &str| {
        Repo::new().edit(
            "risks.yaml",
            R01_ACCEPTANCE,
            &format!(
                "    acceptance:\n      by: p-cto\n      on: 2025-04-02\n      until: {until}\n"
            ),
        )
    };
    // Lapsed: no longer an acceptance.
    let repo = with_until("2025-06-01");
    let line = repo.line("risks.yaml", "until: 2025-06-01");
    assert_only(&repo.check(), "RSK-10", "risks.yaml", line);
    // Lapsing within 30 days: a warning.
    let repo = with_until("2025-07-20");
    let line = repo.line("risks.yaml", "until: 2025-07-20");
    assert_only(&repo.check(), "RSK-16", "risks.yaml", line);
    // Far away: nothing.
    assert_clean(&with_until("2026-04-01").check());
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Scales, formulas and matrices from the methodology; nothing is silently skipped

const SCALES_135: &str = "  likelihood:
    - { value: 1, label: Rare, description: Less than once in ten years }
    - { value: 3, label: Possible, description: Once in three to ten years }
    - { value: 5, label: Likely, description: Once a year or more }
  impact:
    - { value: 1, label: Minor, description: No customer impact }
    - { value: 3, label: Moderate, description: Limited customer impact }
    - { value: 5, label: Severe, description: Data breach or long outage }
";

const SCALES_123: &str = "  likelihood:
    - { value: 1, label: Rare, description: Less than once in ten years }
    - { value: 2, label: Possible, description: Once in three to ten years }
    - { value: 3, label: Likely, description: Once a year or more }
  impact:
    - { value: 1, label: Minor, description: No customer impact }
    - { value: 2, label: Moderate, description: Limited customer impact }
    - { value: 3, label: Severe, description: Data breach or long outage }
";

fn scales_135_matrix() -> Repo {
    Repo::new().edit(
        "isms.yaml",
        &format!("{SCALES_123}{METHOD}"),
        &format!(
            "{SCALES_135}  level: matrix\n  matrix:\n    - [Low, Low, Medium]\n    - [Low, Medium, High]\n    - [Medium, High, High]\n  bands:\n    - {{ max: 1, label: Low }}\n    - {{ max: 2, label: Medium }}\n    - {{ max: 3, label: High }}\n  acceptance_threshold: Low\n"
        ),
    )
}

/// Risks for a 1/3/5 matrix methodology: R-01 mitigated from High to Low, R-02 Low retained.
const RISKS_135: &str = "assessed: 2025-04-01
risks:
  - id: R-01
    title: Loss of customer data
    owner: p-cto
    affects: [availability, integrity]
    inherent: { likelihood: 5, impact: 5, level: High }
    treatment: mitigate
    controls: [\"8.13\"]
    plan:
      - action: Automate daily backups
        owner: p-cto
        due: 2025-05-31
        status: done
        completed: 2025-05-20
    plan_approval: { by: p-cto, on: 2025-04-02 }
    residual: { likelihood: 1, impact: 5, level: Medium }
    acceptance: { by: p-cto, on: 2025-04-02, rationale: Restores are tested monthly }
  - id: R-02
    title: Office power cut
    owner: p-ceo
    affects: [availability]
    inherent: { likelihood: 1, impact: 3 }
    treatment: accept
    acceptance: { by: p-ceo, on: 2025-04-02 }
opportunities:
  - id: OPP-01
    title: Certification opens enterprise tenders
    owner: p-ciso
    action: Certify this year and publish the certificate
";

#[test]
fn a_labelled_matrix_on_1_3_5_scales_is_evaluated() {
    let found = scales_135_matrix().write("risks.yaml", RISKS_135).check();
    assert_clean(&found);
}

#[test]
fn a_stated_label_that_does_not_match_the_matrix_is_reported() {
    let repo = scales_135_matrix().write(
        "risks.yaml",
        &RISKS_135.replace(
            "residual: { likelihood: 1, impact: 5, level: Medium }",
            "residual: { likelihood: 1, impact: 5, level: Low }",
        ),
    );
    let line = repo.line("risks.yaml", "level: Low");
    let msg = assert_only(&repo.check(), "RSK-04", "risks.yaml", line);
    assert!(msg.contains("gives 2"), "{msg}");
}

#[test]
fn an_untreated_unaccepted_l5_i5_risk_on_1_3_5_scales_is_reported() {
    // The issue: with 1/3/5 values the lookup failed and this risk checked clean.
    let repo = scales_135_matrix().write(
        "risks.yaml",
        &RISKS_135.replace(
            "    inherent: { likelihood: 1, impact: 3 }\n    treatment: accept\n    acceptance: { by: p-ceo, on: 2025-04-02 }\n",
            "    inherent: { likelihood: 5, impact: 5 }\n",
        ),
    );
    let line = repo.line("risks.yaml", "inherent: { likelihood: 5, impact: 5 }");
    let msg = assert_only(&repo.check(), "RSK-06", "risks.yaml", line);
    assert!(msg.contains("level 3"), "{msg}");
}

#[test]
fn scales_starting_at_zero_with_the_max_formula() {
    let scales_04 = "  likelihood:
    - { value: 0, label: Negligible, description: Not expected }
    - { value: 1, label: Low, description: Once in ten years }
    - { value: 2, label: Medium, description: Once in three years }
    - { value: 3, label: High, description: Yearly }
    - { value: 4, label: Very high, description: Monthly }
  impact:
    - { value: 0, label: None, description: No effect }
    - { value: 1, label: Low, description: Internal only }
    - { value: 2, label: Medium, description: Some customers }
    - { value: 3, label: High, description: Many customers }
    - { value: 4, label: Very high, description: Breach or long outage }
";
    let repo = Repo::new()
        .edit(
            "isms.yaml",
            &format!("{SCALES_123}{METHOD}"),
            &format!("{scales_04}  level: max\n  acceptance_threshold: 3\n"),
        )
        .edit(
            "risks.yaml",
            "inherent: { likelihood: 3, impact: 3, level: 9 }",
            "inherent: { likelihood: 4, impact: 2, level: 4 }",
        )
        .edit(
            "risks.yaml",
            "    inherent: { likelihood: 1, impact: 2 }\n",
            "    inherent: { likelihood: 0, impact: 2 }\n",
        );
    assert_clean(&repo.check());
    // A product level stated under `max` is caught.
    let repo = repo.edit("risks.yaml", "level: 4 }", "level: 8 }");
    let line = repo.line("risks.yaml", "level: 8 }");
    assert_only(&repo.check(), "RSK-04", "risks.yaml", line);
}

fn quantitative(r01_inherent: &str, r01_residual: &str, r02_inherent: &str) -> Repo {
    Repo::new()
        .edit(
            "isms.yaml",
            &format!("{SCALES_123}{METHOD}"),
            "  level: annualised-loss\n  quantitative: { likelihood: probability, currency: GBP }\n  acceptance_threshold: 10000\n",
        )
        .edit(
            "risks.yaml",
            "inherent: { likelihood: 3, impact: 3, level: 9 }",
            r01_inherent,
        )
        .edit(
            "risks.yaml",
            "residual: { likelihood: 1, impact: 3 }",
            r01_residual,
        )
        .edit(
            "risks.yaml",
            "inherent: { likelihood: 1, impact: 2 }",
            r02_inherent,
        )
}

#[test]
fn a_quantitative_methodology_is_evaluated_in_its_units() {
    let repo = quantitative(
        "inherent: { likelihood: 0.3, impact: 250000, level: 75000 }",
        "residual: { likelihood: 0.02, impact: 250000 }",
        "inherent: { likelihood: 0.5, impact: 4000 }",
    );
    assert_clean(&repo.check());
}

#[test]
fn a_probability_above_one_is_reported_at_the_likelihood() {
    let repo = quantitative(
        "inherent: { likelihood: 0.3, impact: 250000, level: 75000 }",
        "residual: { likelihood: 0.02, impact: 250000 }",
        "inherent: { likelihood: 1.5, impact: 4000 }",
    );
    let line = repo.line("risks.yaml", "likelihood: 1.5");
    let msg = assert_only(&repo.check(), "RSK-04", "risks.yaml", line);
    assert!(msg.contains("probability"), "{msg}");
}

#[test]
fn a_matrix_that_does_not_fit_the_scales_is_reported_at_the_matrix() {
    let repo = Repo::new().edit(
        "isms.yaml",
        METHOD,
        "  level: matrix\n  matrix:\n    - [1, 2, 3]\n    - [2, 4, 6]\n  acceptance_threshold: 3\n",
    );
    let line = repo.line("isms.yaml", "- [1, 2, 3]");
    let found = repo.check();
    let rsk01: Vec<_> = found.iter().filter(|f| f.code == "RSK-01").collect();
    assert_eq!(rsk01.len(), 1, "{found:#?}");
    assert_eq!((rsk01[0].path.as_str(), rsk01[0].line), ("isms.yaml", line));
    // The ratings on the missing row cannot be evaluated, and say so.
    let rsk04: Vec<_> = found.iter().filter(|f| f.code == "RSK-04").collect();
    assert_eq!(rsk04.len(), 1, "{found:#?}");
    assert!(
        rsk04[0].message.contains("cannot be evaluated"),
        "{found:#?}"
    );
}

#[test]
fn a_threshold_naming_no_band_is_reported_at_the_threshold() {
    let repo = Repo::new().edit(
        "isms.yaml",
        METHOD,
        "  level: product\n  acceptance_threshold: Medium\n",
    );
    let line = repo.line("isms.yaml", "acceptance_threshold: Medium");
    let found = repo.check();
    let rsk01: Vec<_> = found.iter().filter(|f| f.code == "RSK-01").collect();
    assert_eq!(rsk01.len(), 1, "{found:#?}");
    assert_eq!((rsk01[0].path.as_str(), rsk01[0].line), ("isms.yaml", line));
}

// ---------------------------------------------------------------------------------------------
// 4. Asset valuation is optional

#[test]
fn without_a_valuation_scale_asset_values_are_not_judged() {
    let repo = Repo::new()
        .edit(
            "isms.yaml",
            "  asset_values:\n    - { value: 1, label: Low, description: Loss would go unnoticed by customers }\n    - { value: 2, label: Medium, description: Loss would affect some customers }\n    - { value: 3, label: High, description: Loss would affect all customers or breach the law }\n",
            "",
        )
        .edit(
            "assets.yaml",
            "confidentiality: 3, integrity",
            "confidentiality: 5, integrity",
        );
    assert_clean(&repo.check());
}

#[test]
fn with_a_valuation_scale_values_must_be_on_it() {
    let repo = Repo::new()
        .edit(
            "isms.yaml",
            "    - { value: 3, label: High, description: Loss would affect all customers or breach the law }\n",
            "    - { value: 5, label: High, description: Loss would affect all customers or breach the law }\n",
        );
    // The fixture's 3 is no longer on the 1/2/5 scale.
    let line = repo.line("assets.yaml", "confidentiality: 3, integrity");
    let found = repo.check();
    let anx: Vec<_> = found.iter().filter(|f| f.code == "ANX-08").collect();
    assert!(!anx.is_empty(), "{found:#?}");
    assert!(anx.iter().all(|f| f.path == "assets.yaml"), "{found:#?}");
    assert!(anx.iter().any(|f| f.line == line), "{found:#?}");
}

// ---------------------------------------------------------------------------------------------
// 5. A register dated as a whole

#[test]
fn the_register_date_applies_to_risks_without_their_own() {
    let repo = Repo::new()
        .edit(
            "risks.yaml",
            "    residual: { likelihood: 1, impact: 3 }\n    last_assessed: 2025-04-01\n",
            "    residual: { likelihood: 1, impact: 3 }\n",
        )
        .edit(
            "risks.yaml",
            "    treatment: accept\n    last_assessed: 2025-04-01\n",
            "    treatment: accept\n",
        );
    assert_clean(&repo.check());
}

#[test]
fn split_registers_date_their_own_risks() {
    let text = std::fs::read_to_string(fixture().join("risks.yaml")).unwrap();
    let start = text.find("  - id: R-02").unwrap();
    let opp = text.find("opportunities:").unwrap();
    let r01 = text[..start]
        .replacen("assessed: 2025-04-01\n", "", 1)
        .replace("    last_assessed: 2025-04-01\n", "");
    let r02 = format!(
        "risks:\n{}",
        text[start..opp].replace("    last_assessed: 2025-04-01\n", "")
    );
    let opps = &text[opp..];
    // Each file states its own date.
    let repo = Repo::new()
        .remove("risks.yaml")
        .write(
            "risks/platform.yaml",
            &format!("assessed: 2025-04-01\n{r01}{opps}"),
        )
        .write("risks/office.yaml", &format!("assessed: 2025-04-01\n{r02}"));
    assert_clean(&repo.check());
    // One file for the whole register's date, the others without: the date applies to all.
    let repo = Repo::new()
        .remove("risks.yaml")
        .write("risks/register.yaml", "assessed: 2025-04-01\n")
        .write("risks/platform.yaml", &format!("{r01}{opps}"))
        .write("risks/office.yaml", &r02);
    assert_clean(&repo.check());
    // Two files dated differently and one undated: that file's risks have no date.
    let repo = Repo::new()
        .remove("risks.yaml")
        .write("risks/a.yaml", "assessed: 2025-04-01\n")
        .write("risks/b.yaml", "assessed: 2025-03-01\n")
        .write("risks/platform.yaml", &format!("{r01}{opps}"))
        .write(
            "risks/office.yaml",
            &r02.replace(
                "    treatment: accept\n",
                "    treatment: accept\n    last_assessed: 2025-04-01\n",
            ),
        );
    let line = repo.line("risks/platform.yaml", "  - id: R-01");
    assert_only(&repo.check(), "RSK-15", "risks/platform.yaml", line);
}

// ---------------------------------------------------------------------------------------------
// 6. Methodology approval and reassessment triggers

#[test]
fn methodology_approved_by_someone_outside_top_management_is_reported() {
    let repo = Repo::new().edit(
        "isms.yaml",
        "  approval: { by: p-ceo, on: 2025-01-15 }",
        "  approval:\n    by: p-ciso\n    on: 2025-01-15",
    );
    let line = repo.line("isms.yaml", "    by: p-ciso");
    let msg = assert_only(&repo.check(), "RSK-01", "isms.yaml", line);
    assert!(msg.contains("not top management"), "{msg}");
}

#[test]
fn a_methodology_without_reassessment_triggers_is_reported() {
    let repo = Repo::new().edit(
        "isms.yaml",
        "  reassessment_triggers:\n    - A significant change recorded in changes.yaml\n    - A major incident\n",
        "",
    );
    // At the methodology (its first line).
    let line = repo.line("isms.yaml", "risk_methodology:") + 1;
    let msg = assert_only(&repo.check(), "RSK-01", "isms.yaml", line);
    assert!(msg.contains("reassessment"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// 7. Opportunities

#[test]
fn a_register_without_opportunities_is_reported() {
    let repo = Repo::new().edit(
        "risks.yaml",
        "opportunities:\n  - id: OPP-01\n    title: Certification opens enterprise tenders\n    owner: p-ciso\n    action: Certify this year and publish the certificate\n",
        "",
    );
    let msg = assert_only(&repo.check(), "RSK-17", "risks.yaml", 0);
    assert!(msg.contains("no opportunities"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// 8. RSK-13 describes a planned change as planned

#[test]
fn a_planned_change_is_not_said_to_have_happened() {
    let repo = Repo::new().edit(
        "changes.yaml",
        "    status: done\n    completed: 2025-05-01\n",
        "    status: planned\n    significant: true\n",
    );
    let line = repo.line("changes.yaml", "planned: 2025-05-01");
    let msg = assert_only(&repo.check(), "RSK-13", "changes.yaml", line);
    assert!(msg.contains("was planned for 2025-05-01"), "{msg}");
    assert!(msg.contains("not recorded as completed"), "{msg}");
    assert!(!msg.contains("came after"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// 9. Ratings to confirm

#[test]
fn a_rating_marked_to_confirm_is_reported_until_decided() {
    let repo = Repo::new().edit(
        "risks.yaml",
        "inherent: { likelihood: 3, impact: 3, level: 9 }",
        "inherent: { likelihood: 3, impact: 3, level: 9, to_confirm: true }",
    );
    let line = repo.line("risks.yaml", "to_confirm: true");
    assert_only(&repo.check(), "RSK-05", "risks.yaml", line);
}
