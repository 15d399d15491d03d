//! `isms.yaml`: the organisation, its people and roles, the risk methodology, cadences and
//! the configuration of `isms check`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::common::{Approval, Date, Id};
use crate::yaml::{Records, Spanned};

/// The newest `schema_version` this release reads. Files with a higher number were written by
/// a newer `isms` and are refused rather than misread.
pub const SCHEMA_VERSION: u32 = 1;

/// The contents of `isms.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format version of the repository, so later releases can migrate files safely.
    pub schema_version: Spanned<u32>,
    /// The organisation running the ISMS.
    pub organisation: Organisation,
    /// The standard the ISMS conforms to.
    #[serde(default)]
    pub standard: Standard,
    /// Everyone referred to by an `owner`, `approved_by` or similar field.
    #[serde(default)]
    pub people: Records<Spanned<Person>>,
    /// ISMS roles, responsibilities and authorities (5.3) and the competence each needs (7.2).
    #[serde(default)]
    pub roles: Records<Spanned<Role>>,
    /// How risks are assessed and when they are acceptable (6.1.2).
    #[serde(default)]
    pub risk_methodology: Option<Spanned<RiskMethodology>>,
    /// How often recurring ISMS activities happen.
    #[serde(default)]
    pub cadences: Cadences,
    /// The ISMS processes and how they interact (4.4).
    #[serde(default)]
    pub processes: Records<Spanned<Process>>,
    /// What is communicated, when, to whom and how (7.4).
    #[serde(default)]
    pub communication: Records<Spanned<Communication>>,
    /// Documents of external origin the ISMS relies on (7.5.3).
    #[serde(default)]
    pub external_documents: Records<Spanned<ExternalDocument>>,
    /// Rule configuration and waivers for `isms check`.
    #[serde(default)]
    pub checks: ChecksConfig,
    /// Limits of the loader (largest record file read).
    #[serde(default)]
    pub limits: Limits,
}

/// The organisation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Trading name.
    pub name: Spanned<String>,
    /// Registered legal name.
    #[serde(default)]
    pub legal_name: Option<String>,
    /// What the organisation does, in a sentence or two.
    #[serde(default)]
    pub description: Option<String>,
    /// Head-office address or main location.
    #[serde(default)]
    pub address: Option<String>,
    /// Public website.
    #[serde(default)]
    pub website: Option<String>,
}

/// The standard edition and amendments.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// Always `ISO/IEC 27001:2022`.
    #[serde(default = "default_edition")]
    pub edition: Spanned<String>,
    /// Amendments applied, e.g. `Amd 1:2024` (climate action changes).
    #[serde(default)]
    pub amendments: Vec<Spanned<String>>,
}

fn default_edition() -> Spanned<String> {
    Spanned::detached("ISO/IEC 27001:2022".to_string())
}

impl Default for Standard {
    fn default() -> Self {
        Standard {
            edition: default_edition(),
            amendments: Vec::new(),
        }
    }
}

/// A person who owns, approves, audits or attends something.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Id used in references, e.g. `p-cto`.
    pub id: Id,
    /// Full name.
    pub name: Spanned<String>,
    /// Job title.
    pub role: Spanned<String>,
    /// Whether this person is part of top management (clause 5 approvals, management review).
    #[serde(default)]
    pub top_management: bool,
    /// Department or team.
    #[serde(default)]
    pub department: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the person is currently with the organisation.
    #[serde(default = "yes")]
    pub active: bool,
    /// Last working day, for leavers (A.6.5).
    #[serde(default)]
    pub left: Option<Spanned<Date>>,
    /// When the leaver's access was removed (A.5.18), compared with
    /// `cadences.access_revocation_days`.
    #[serde(default)]
    pub access_revoked: Option<Spanned<Date>>,
}

fn yes() -> bool {
    true
}

/// An ISMS role (5.3).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Id, e.g. `isms-manager`.
    pub id: Id,
    /// Title of the role.
    pub title: Spanned<String>,
    /// Person ids holding the role.
    #[serde(default)]
    pub holders: Vec<Id>,
    /// What the role is responsible for.
    #[serde(default)]
    pub responsibilities: Vec<String>,
    /// Responsible for the ISMS conforming to ISO/IEC 27001 (5.3 a).
    #[serde(default)]
    pub ensures_conformity: bool,
    /// Reports ISMS performance to top management (5.3 b).
    #[serde(default)]
    pub reports_performance: bool,
    /// Competence the role needs (7.2 a).
    #[serde(default)]
    pub competence: Vec<String>,
}

/// A point on a likelihood or impact scale.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalePoint {
    /// Numeric value used in the register.
    pub value: Spanned<u8>,
    /// Label, e.g. `Likely`.
    pub label: Spanned<String>,
    /// What it means, so assessments are repeatable (6.1.2 b).
    #[serde(default)]
    pub description: Option<String>,
}

/// How the risk level is computed from likelihood and impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LevelFormula {
    /// Level = likelihood × impact.
    Product,
    /// Level = likelihood + impact.
    Sum,
    /// Level read from `matrix[likelihood - 1][impact - 1]`.
    Matrix,
}

/// A named band of risk levels, e.g. 1–4 Low.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelBand {
    /// Highest level in the band (inclusive).
    pub max: Spanned<u32>,
    /// Label, e.g. `High`.
    pub label: Spanned<String>,
}

/// The risk assessment methodology and acceptance criteria (6.1.2 a).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskMethodology {
    /// Likelihood scale, lowest first.
    pub likelihood: Vec<ScalePoint>,
    /// Impact scale, lowest first.
    pub impact: Vec<ScalePoint>,
    /// How likelihood and impact combine into a level.
    pub level: Spanned<LevelFormula>,
    /// Level table for `level: matrix`: one row per likelihood value, one column per impact value.
    #[serde(default)]
    pub matrix: Option<Spanned<Vec<Vec<u32>>>>,
    /// Risks at or below this level are acceptable without further treatment.
    pub acceptance_threshold: Spanned<u32>,
    /// Optional named bands for reporting.
    #[serde(default)]
    pub bands: Vec<LevelBand>,
    /// When a risk assessment must be repeated beyond the regular cadence (8.2).
    #[serde(default)]
    pub reassessment_triggers: Vec<String>,
    /// Path of the methodology document, if written out in prose.
    #[serde(default)]
    pub document: Option<Spanned<String>>,
    /// Approval of the methodology.
    #[serde(default)]
    pub approval: Approval,
}

impl RiskMethodology {
    /// The level for a likelihood and impact under this methodology, if the values are on the
    /// scales (and, for a matrix, in the table).
    pub fn level(&self, likelihood: u8, impact: u8) -> Option<u32> {
        let on_l = self.likelihood.iter().any(|p| p.value.value == likelihood);
        let on_i = self.impact.iter().any(|p| p.value.value == impact);
        if !on_l || !on_i {
            return None;
        }
        match self.level.value {
            LevelFormula::Product => Some(u32::from(likelihood) * u32::from(impact)),
            LevelFormula::Sum => Some(u32::from(likelihood) + u32::from(impact)),
            LevelFormula::Matrix => {
                let m = self.matrix.as_ref()?;
                m.value
                    .get(usize::from(likelihood).checked_sub(1)?)?
                    .get(usize::from(impact).checked_sub(1)?)
                    .copied()
            }
        }
    }

    /// The band label for a level, if bands are defined.
    pub fn band(&self, level: u32) -> Option<&str> {
        self.bands
            .iter()
            .find(|b| level <= b.max.value)
            .map(|b| b.label.value.as_str())
    }

    /// Whether a level is within the acceptance criteria.
    pub fn is_acceptable(&self, level: u32) -> bool {
        level <= self.acceptance_threshold.value
    }
}

/// Limits of the loader, for organisations whose registers outgrow the defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest record file read, in MiB (default 8). `--max-file-size` overrides it.
    #[serde(default)]
    pub max_file_size_mib: Option<Spanned<u32>>,
}

/// How often recurring activities happen. Defaults follow common practice for a small
/// organisation (yearly cycle, quarterly access reviews).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cadences {
    /// Months between policy reviews.
    #[serde(
        default = "twelve",
        deserialize_with = "crate::model::common::interval_months"
    )]
    pub policy_review_months: u32,
    /// Months between full risk assessments (8.2).
    #[serde(
        default = "twelve",
        deserialize_with = "crate::model::common::interval_months"
    )]
    pub risk_assessment_months: u32,
    /// Months between internal audits of the whole ISMS (9.2).
    #[serde(
        default = "twelve",
        deserialize_with = "crate::model::common::interval_months"
    )]
    pub internal_audit_months: u32,
    /// Months between management reviews (9.3).
    #[serde(
        default = "twelve",
        deserialize_with = "crate::model::common::interval_months"
    )]
    pub management_review_months: u32,
    /// Months between supplier reviews (A.5.22).
    #[serde(
        default = "twelve",
        deserialize_with = "crate::model::common::interval_months"
    )]
    pub supplier_review_months: u32,
    /// Months between awareness trainings for each person (7.3).
    #[serde(
        default = "twelve",
        deserialize_with = "crate::model::common::interval_months"
    )]
    pub awareness_training_months: u32,
    /// Months between access-rights reviews (A.5.18).
    #[serde(
        default = "three",
        deserialize_with = "crate::model::common::interval_months"
    )]
    pub access_review_months: u32,
    /// Maximum age of a control's newest evidence, in days.
    #[serde(
        default = "year_days",
        deserialize_with = "crate::model::common::interval_days"
    )]
    pub evidence_max_age_days: u32,
    /// Days allowed between a leaver's last day and the removal of their access (A.5.18,
    /// A.6.5): the organisation's own service level.
    #[serde(
        default = "one",
        deserialize_with = "crate::model::common::interval_days"
    )]
    pub access_revocation_days: u32,
}

fn twelve() -> u32 {
    12
}
fn three() -> u32 {
    3
}
fn year_days() -> u32 {
    365
}
fn one() -> u32 {
    1
}

impl Default for Cadences {
    fn default() -> Self {
        Cadences {
            policy_review_months: 12,
            risk_assessment_months: 12,
            internal_audit_months: 12,
            management_review_months: 12,
            supplier_review_months: 12,
            awareness_training_months: 12,
            access_review_months: 3,
            evidence_max_age_days: 365,
            access_revocation_days: 1,
        }
    }
}

/// An ISMS process (4.4).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Process {
    /// Id, e.g. `PR-RISK`.
    pub id: Id,
    /// Name.
    pub name: Spanned<String>,
    /// Person id of the process owner.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Clauses or controls it implements, e.g. `6.1.2`.
    #[serde(default)]
    pub clauses: Vec<Spanned<String>>,
    /// Inputs (often outputs of other processes).
    #[serde(default)]
    pub inputs: Vec<String>,
    /// Outputs.
    #[serde(default)]
    pub outputs: Vec<String>,
}

/// A planned communication (7.4 a–d).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Communication {
    /// What is communicated.
    pub what: Spanned<String>,
    /// When or how often.
    pub when: Spanned<String>,
    /// With whom.
    pub with: Spanned<String>,
    /// How (channel).
    pub how: Spanned<String>,
    /// Person id responsible.
    #[serde(default)]
    pub owner: Option<Id>,
}

/// A document of external origin (7.5.3).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalDocument {
    /// Id, e.g. `EXT-01`.
    pub id: Id,
    /// Title.
    pub title: Spanned<String>,
    /// Who issued it.
    #[serde(default)]
    pub origin: Option<String>,
    /// Version or date of the edition in use.
    #[serde(default)]
    pub version: Option<String>,
    /// Where it is kept.
    #[serde(default)]
    pub location: Option<String>,
    /// Person id who keeps it current.
    #[serde(default)]
    pub owner: Option<Id>,
}

/// Severity a rule can be set to in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfiguredSeverity {
    /// Fails the run.
    Error,
    /// Reported; fails only with `--deny warnings`.
    Warning,
    /// Reported for information.
    Info,
}

/// Configuration of `isms check`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecksConfig {
    /// Per-rule severity changes or disabling, keyed by rule code (e.g. `SOA-12`).
    #[serde(default)]
    pub rules: BTreeMap<String, Spanned<RuleOverride>>,
    /// Waivers for known, accepted findings.
    #[serde(default)]
    pub waivers: Records<Spanned<Waiver>>,
}

/// A change to one rule's behaviour. A reason is mandatory.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    /// New severity.
    #[serde(default)]
    pub severity: Option<Spanned<ConfiguredSeverity>>,
    /// Switch the rule off.
    #[serde(default)]
    pub disabled: bool,
    /// Why (auditors ask).
    #[serde(default)]
    pub reason: Option<Spanned<String>>,
}

/// A time-limited exception for a rule, optionally for one record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Rule code.
    pub rule: Spanned<String>,
    /// Record id the waiver is limited to (all records when absent).
    #[serde(default)]
    pub record: Option<Spanned<String>>,
    /// Person id who owns the exception.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Last day the waiver applies.
    #[serde(default)]
    pub expires: Option<Spanned<Date>>,
    /// Why the finding is accepted for now.
    #[serde(default)]
    pub reason: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn methodology(formula: LevelFormula) -> RiskMethodology {
        let scale = |n: u8| {
            (1..=n)
                .map(|v| ScalePoint {
                    value: Spanned::detached(v),
                    label: Spanned::detached(v.to_string()),
                    description: None,
                })
                .collect()
        };
        RiskMethodology {
            likelihood: scale(5),
            impact: scale(5),
            level: Spanned::detached(formula),
            matrix: None,
            acceptance_threshold: Spanned::detached(6),
            bands: vec![],
            reassessment_triggers: vec![],
            document: None,
            approval: Approval::default(),
        }
    }

    #[test]
    fn levels() {
        let m = methodology(LevelFormula::Product);
        assert_eq!(m.level(4, 5), Some(20));
        assert_eq!(m.level(6, 1), None);
        assert!(m.is_acceptable(6));
        assert!(!m.is_acceptable(7));
        assert_eq!(methodology(LevelFormula::Sum).level(2, 3), Some(5));
        assert_eq!(methodology(LevelFormula::Matrix).level(2, 3), None);
    }
}
