//! `isms.yaml`: the organisation, its people and roles, the risk methodology, cadences and
//! the configuration of `isms check`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::common::{Approval, Date, Id, Months};
use crate::yaml::{Records, Spanned};

/// The newest `schema_version` this release reads. Files with a higher number were written by
/// a newer `isms` and are refused rather than misread.
pub const SCHEMA_VERSION: u32 = 1;

/// The contents of `isms.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// The classification levels the organisation uses (A.5.12), lowest first; empty when the
    /// organisation has not recorded its scheme here.
    #[serde(default)]
    pub classification_levels: Vec<Spanned<super::registers::Classification>>,
    /// Rule configuration and waivers for `isms check`.
    #[serde(default)]
    pub checks: ChecksConfig,
    /// Limits of the loader (largest record file read).
    #[serde(default)]
    pub limits: Limits,
    /// Other frameworks whose rules `isms check` adds (`nis2`, `csf` or a custom id).
    #[serde(default)]
    pub frameworks: Vec<Spanned<String>>,
    /// Settings for evidence imported from scanners (`isms evidence import`).
    #[serde(default)]
    pub evidence: EvidenceSettings,
    /// A fixed evaluation date for a frozen example or training ISMS, used by `check`, `status`
    /// and `render` when no `--as-of` is given, so the example reads the same on any day.
    #[serde(default)]
    pub as_of: Option<Spanned<Date>>,
}

/// Settings for imported evidence.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSettings {
    /// Days an imported result stays valid, by source (`prowler`, `powerpipe`, `github`):
    /// its `expires:` date is the collection day plus this many days.
    #[serde(default)]
    pub ttl_days: std::collections::BTreeMap<String, u32>,
}

impl EvidenceSettings {
    /// Days imported evidence of a source stays valid when isms.yaml does not say: a monthly
    /// scan with two weeks' slack for a late run.
    pub const DEFAULT_TTL_DAYS: u32 = 45;

    /// The time-to-live of evidence from `source`, in days.
    pub fn ttl_days(&self, source: &str) -> u32 {
        self.ttl_days
            .get(source)
            .copied()
            .unwrap_or(Self::DEFAULT_TTL_DAYS)
    }
}

/// The organisation.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// The outside firm the person works for (a contractor, the lead auditor of an audit
    /// firm contracted for internal audits); absent for the organisation's own staff.
    #[serde(default)]
    pub organisation: Option<Spanned<String>>,
    /// When background verification was completed (A.6.1).
    #[serde(default)]
    pub screened: Option<Spanned<Date>>,
    /// When the terms and conditions of employment or engagement, with their information
    /// security responsibilities, were signed (A.6.2).
    #[serde(default)]
    pub terms_signed: Option<Spanned<Date>>,
    /// When the confidentiality or non-disclosure agreement was signed (A.6.6).
    #[serde(default)]
    pub confidentiality_signed: Option<Spanned<Date>>,
    /// When the person acknowledged the acceptable use rules (A.5.10).
    #[serde(default)]
    pub acceptable_use_acknowledged: Option<Spanned<Date>>,
    /// The supplier whose agreement covers screening, terms and confidentiality for this
    /// contractor, instead of individual records.
    #[serde(default)]
    pub covered_by_supplier: Option<Id>,
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

impl Person {
    /// The day after which the person is no longer with the organisation: their `left:` date,
    /// if any.
    pub fn left_on(&self) -> Option<Date> {
        self.left.as_ref().map(|l| l.value)
    }

    /// Whether the person is with the organisation on `today`: not marked `active: false` and
    /// not past their `left:` date (the last working day still counts).
    pub fn is_current(&self, today: Date) -> bool {
        self.active && self.left_on().is_none_or(|l| l >= today)
    }
}

/// An ISMS role (5.3).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Ids of the documents (policies, procedures, `SOA`, the scope ...) the holders of this
    /// role are authorised to approve (5.3). Once any role names a document, only holders of
    /// such a role may approve it.
    #[serde(default)]
    pub approves: Vec<Id>,
    /// When and how the role, its responsibilities and authorities were communicated to its
    /// holders and to the people who work with them (5.3).
    #[serde(default)]
    pub communicated: Option<Spanned<RoleCommunication>>,
}

/// The communication of a role's assignment (5.3).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleCommunication {
    /// When it was communicated.
    #[serde(default)]
    pub on: Option<Spanned<Date>>,
    /// How: an appointment letter, the org chart on the intranet, an all-hands announcement.
    #[serde(default)]
    pub how: Option<Spanned<String>>,
}

/// A point on a likelihood or impact scale.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LevelFormula {
    /// Level = likelihood × impact.
    Product,
    /// Level = likelihood + impact.
    Sum,
    /// Level = the higher of likelihood and impact.
    Max,
    /// Level read from `matrix`: the row of the likelihood point and the column of the impact
    /// point, in the order the scales list them.
    Matrix,
    /// Quantitative: level = likelihood (probability or frequency per year) × impact (an
    /// amount), i.e. the annualised loss expectancy.
    #[serde(alias = "annualized-loss", alias = "ale")]
    AnnualisedLoss,
}

impl LevelFormula {
    /// How the level follows from likelihood and impact, in words.
    pub fn describe(self) -> &'static str {
        match self {
            LevelFormula::Product => "likelihood × impact",
            LevelFormula::Sum => "likelihood + impact",
            LevelFormula::Max => "the higher of likelihood and impact",
            LevelFormula::Matrix => "the methodology's matrix",
            LevelFormula::AnnualisedLoss => "likelihood per year × impact (annualised loss)",
        }
    }
}

/// A risk level as written: a number, or the label of one of the methodology's bands
/// (`High`), which stands for that band's `max`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum LevelValue {
    /// A number on the level scale (or an amount, for a quantitative methodology).
    Number(f64),
    /// A band label.
    Label(String),
}

impl<'de> Deserialize<'de> for LevelValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = LevelValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a level: a number or a band label")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<LevelValue, E> {
                Ok(LevelValue::Number(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<LevelValue, E> {
                Ok(LevelValue::Number(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<LevelValue, E> {
                Ok(LevelValue::Number(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LevelValue, E> {
                Ok(LevelValue::Label(v.to_string()))
            }
        }
        // Asked for as a number so that self-describing formats hand over whatever the node
        // holds (the visitor takes text too).
        d.deserialize_f64(V)
    }
}

impl std::fmt::Display for LevelValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LevelValue::Number(n) => write!(f, "{}", fmt_level(*n)),
            LevelValue::Label(l) => f.write_str(l),
        }
    }
}

/// A level written without a trailing `.0` when it is whole.
pub fn fmt_level(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else if n.is_finite() && n.abs() >= 1e15 {
        // Beyond 2^53 the float is not the number written: `1.8446744073709552e19`, never a
        // made-up `18446744073709552000`.
        format!("{n:e}")
    } else {
        format!("{n}")
    }
}

/// A named band of risk levels, e.g. 1–4 Low.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelBand {
    /// Highest level in the band (inclusive).
    pub max: Spanned<f64>,
    /// Label, e.g. `High`.
    pub label: Spanned<String>,
}

/// What the likelihood of a quantitative methodology is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LikelihoodUnit {
    /// Probability of at least one occurrence in a year, 0 to 1.
    Probability,
    /// Expected number of occurrences per year (0 or more).
    #[serde(alias = "per-year")]
    Frequency,
}

/// Units of a quantitative methodology (`level: annualised-loss`).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quantitative {
    /// What `likelihood:` in the register means.
    pub likelihood: Spanned<LikelihoodUnit>,
    /// Currency of impacts, levels and thresholds, e.g. `GBP`.
    #[serde(default)]
    pub currency: Option<Spanned<String>>,
}

/// Who may accept residual risk above a level (6.1.3 f): the organisation's escalation rule.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceAuthority {
    /// The rule applies to residual levels strictly above this one (a number or band label).
    pub above: Spanned<LevelValue>,
    /// Person or role ids who accept at these levels, together with or on behalf of the owner.
    #[serde(default)]
    pub by: Vec<Id>,
    /// Any member of top management (`top_management: true` in `people`) may accept.
    #[serde(default)]
    pub top_management: bool,
}

/// Why a rating has no level under the methodology.
#[derive(Debug, Clone, PartialEq)]
pub enum Unrated {
    /// A qualitative value that is not a point of its scale.
    OffScale {
        /// `likelihood` or `impact`.
        axis: &'static str,
        /// The value used.
        value: f64,
    },
    /// A quantitative value outside what its unit allows (negative, probability above 1).
    OutOfRange {
        /// `likelihood` or `impact`.
        axis: &'static str,
        /// The value used.
        value: f64,
        /// What is allowed.
        allowed: &'static str,
    },
    /// The methodology cannot give a level: the reason, in words.
    Methodology(String),
}

impl std::fmt::Display for Unrated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unrated::OffScale { axis, value } => {
                write!(f, "{axis} {} is not on the {axis} scale", fmt_level(*value))
            }
            Unrated::OutOfRange {
                axis,
                value,
                allowed,
            } => write!(f, "{axis} {} is outside {allowed}", fmt_level(*value)),
            Unrated::Methodology(why) => f.write_str(why),
        }
    }
}

/// The risk assessment methodology and acceptance criteria (6.1.2 a).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskMethodology {
    /// Likelihood scale (qualitative methodologies).
    #[serde(default)]
    pub likelihood: Vec<ScalePoint>,
    /// Impact scale (qualitative methodologies).
    #[serde(default)]
    pub impact: Vec<ScalePoint>,
    /// How likelihood and impact combine into a level.
    pub level: Spanned<LevelFormula>,
    /// Level table for `level: matrix`: one row per likelihood point, one column per impact
    /// point, in scale order; cells are numbers or band labels.
    #[serde(default)]
    pub matrix: Option<Spanned<Vec<Vec<LevelValue>>>>,
    /// Units for `level: annualised-loss`.
    #[serde(default)]
    pub quantitative: Option<Spanned<Quantitative>>,
    /// Risks at or below this level (number or band label) are acceptable without further
    /// treatment.
    pub acceptance_threshold: Spanned<LevelValue>,
    /// Optional named bands for reporting (and for labels in the matrix and thresholds).
    #[serde(default)]
    pub bands: Vec<LevelBand>,
    /// Who accepts residual risk above given levels; the risk owner otherwise.
    #[serde(default)]
    pub acceptance_authority: Vec<Spanned<AcceptanceAuthority>>,
    /// The longest a residual-risk acceptance holds, in months. With it, every acceptance
    /// needs an `until:` date no later than this many months after its date, so that no
    /// acceptance stands for ever without a fresh decision.
    #[serde(default)]
    pub acceptance_max_months: Option<u32>,
    /// Scale of asset C/I/A values, when assets are valued (optional: the standard does not
    /// require asset valuation).
    #[serde(default)]
    pub asset_values: Vec<ScalePoint>,
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
    /// Whether the methodology is quantitative (annualised loss).
    pub fn is_quantitative(&self) -> bool {
        self.level.value == LevelFormula::AnnualisedLoss
    }

    /// The numeric level a written level stands for: the number, or the `max` of the band
    /// with that label (case-insensitive).
    pub fn resolve(&self, v: &LevelValue) -> Option<f64> {
        match v {
            LevelValue::Number(n) => n.is_finite().then_some(*n),
            LevelValue::Label(l) => self
                .bands
                .iter()
                .find(|b| b.label.value.trim().eq_ignore_ascii_case(l.trim()))
                .map(|b| b.max.value)
                .filter(|n| n.is_finite()),
        }
    }

    /// The acceptance threshold as a number, if it is one or names a band.
    pub fn threshold(&self) -> Option<f64> {
        self.resolve(&self.acceptance_threshold.value)
    }

    /// Position of a value on a qualitative scale.
    fn position(scale: &[ScalePoint], v: f64) -> Option<usize> {
        scale.iter().position(|p| f64::from(p.value.value) == v)
    }

    /// The level for a likelihood and impact under this methodology, or why there is none.
    pub fn evaluate(&self, likelihood: f64, impact: f64) -> Result<f64, Unrated> {
        if self.is_quantitative() {
            let unit = self.quantitative.as_ref().map(|q| q.value.likelihood.value);
            let (max, allowed) = match unit {
                Some(LikelihoodUnit::Probability) => (1.0, "a probability from 0 to 1"),
                _ => (f64::INFINITY, "a frequency of 0 or more per year"),
            };
            if !(likelihood.is_finite() && (0.0..=max).contains(&likelihood)) {
                return Err(Unrated::OutOfRange {
                    axis: "likelihood",
                    value: likelihood,
                    allowed,
                });
            }
            if !(impact.is_finite() && impact >= 0.0) {
                return Err(Unrated::OutOfRange {
                    axis: "impact",
                    value: impact,
                    allowed: "an amount of 0 or more",
                });
            }
            return Ok(likelihood * impact);
        }
        let li = Self::position(&self.likelihood, likelihood).ok_or(Unrated::OffScale {
            axis: "likelihood",
            value: likelihood,
        })?;
        let ii = Self::position(&self.impact, impact).ok_or(Unrated::OffScale {
            axis: "impact",
            value: impact,
        })?;
        match self.level.value {
            LevelFormula::Product => Ok(likelihood * impact),
            LevelFormula::Sum => Ok(likelihood + impact),
            LevelFormula::Max => Ok(likelihood.max(impact)),
            LevelFormula::Matrix => {
                let m = self.matrix.as_ref().ok_or_else(|| {
                    Unrated::Methodology("`level: matrix` is used but no `matrix:` is given".into())
                })?;
                let cell = m.value.get(li).and_then(|row| row.get(ii)).ok_or_else(|| {
                    Unrated::Methodology(format!(
                        "the matrix has no cell for likelihood {} and impact {}",
                        fmt_level(likelihood),
                        fmt_level(impact)
                    ))
                })?;
                self.resolve(cell).ok_or_else(|| {
                    Unrated::Methodology(format!(
                        "the matrix cell for likelihood {} and impact {} is \"{cell}\", which is neither a number nor a band label",
                        fmt_level(likelihood),
                        fmt_level(impact)
                    ))
                })
            }
            LevelFormula::AnnualisedLoss => Err(Unrated::Methodology(
                "the quantitative formula needs `quantitative:` units".into(),
            )),
        }
    }

    /// The level for a likelihood and impact, if it can be evaluated.
    pub fn level(&self, likelihood: u8, impact: u8) -> Option<u32> {
        let l = self
            .evaluate(f64::from(likelihood), f64::from(impact))
            .ok()?;
        // Levels of qualitative scales are whole; anything else is rounded for display.
        (l >= 0.0 && l <= f64::from(u32::MAX)).then(|| l.round() as u32)
    }

    /// The band label for a level, if bands are defined.
    pub fn band(&self, level: f64) -> Option<&str> {
        self.bands
            .iter()
            .find(|b| level <= b.max.value)
            .map(|b| b.label.value.as_str())
    }

    /// Whether a level is within the acceptance criteria (never, if the threshold cannot be
    /// read: an unreadable criterion accepts nothing).
    pub fn is_acceptable(&self, level: f64) -> bool {
        self.threshold().is_some_and(|t| level <= t)
    }

    /// Every level the qualitative scales can produce.
    pub fn possible_levels(&self) -> Vec<f64> {
        self.likelihood
            .iter()
            .flat_map(|l| {
                self.impact
                    .iter()
                    .map(move |i| (l.value.value, i.value.value))
            })
            .filter_map(|(l, i)| self.evaluate(f64::from(l), f64::from(i)).ok())
            .collect()
    }

    /// The escalation rule that applies to a residual level: the one with the highest
    /// `above` below the level.
    pub fn authority_for(&self, level: f64) -> Option<&Spanned<AcceptanceAuthority>> {
        self.acceptance_authority
            .iter()
            .filter_map(|a| self.resolve(&a.above.value).map(|n| (n, a)))
            .filter(|(n, _)| level > *n)
            .max_by(|x, y| x.0.total_cmp(&y.0))
            .map(|(_, a)| a)
    }
}

/// Limits of the loader, for organisations whose registers outgrow the defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest record file read, in MiB (default 8). `--max-file-size` overrides it.
    #[serde(default)]
    pub max_file_size_mib: Option<Spanned<u32>>,
}

/// How often recurring activities happen. Defaults follow common practice for a small
/// organisation (yearly cycle, quarterly access reviews).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Months between reviews of each legal, regulatory and contractual obligation (A.5.31).
    #[serde(
        default = "twelve",
        deserialize_with = "crate::model::common::interval_months"
    )]
    pub obligations_review_months: u32,
    /// Months between backup restore tests (A.8.13).
    #[serde(
        default = "twelve",
        deserialize_with = "crate::model::common::interval_months"
    )]
    pub backup_test_months: u32,
    /// Months between ICT continuity tests (A.5.30).
    #[serde(
        default = "twelve",
        deserialize_with = "crate::model::common::interval_months"
    )]
    pub continuity_test_months: u32,
    /// Months within which a recurring control needs fresh evidence, by control id; overrides
    /// the defaults of [`Cadences::control_evidence`] and adds controls of your own choice.
    // Located as a whole: the loader reads the keys as control ids (normalised, an unknown one
    // reported at the mapping).
    #[serde(default)]
    pub control_evidence_months: Spanned<std::collections::BTreeMap<String, Months>>,
    /// Days a nonconformity may stay open before its cause, corrective action, owner and due
    /// date must be recorded (10.2 b-c): the organisation's own analysis period.
    #[serde(
        default = "thirty",
        deserialize_with = "crate::model::common::interval_days"
    )]
    pub nc_analysis_days: u32,
    /// Days after a policy version is approved (or after a person joins, when later) within
    /// which every current person must have acknowledged it (7.3, A.5.1, A.6.3).
    #[serde(
        default = "thirty",
        deserialize_with = "crate::model::common::interval_days"
    )]
    pub acknowledgement_days: u32,
}

/// Recurring controls and the default months within which each needs fresh evidence, with
/// the activity that produces it.
pub const RECURRING_CONTROLS: &[(&str, u32, &str)] = &[
    ("5.29", 12, "continuity exercise or test"),
    ("5.35", 12, "independent review of information security"),
    (
        "5.36",
        12,
        "compliance review against policies and standards",
    ),
    ("8.8", 3, "vulnerability scan or assessment"),
    ("8.15", 3, "log review"),
    ("8.16", 3, "review of monitoring results"),
    ("8.32", 12, "change management record"),
];

impl Cadences {
    /// The recurring controls with the months within which each needs fresh evidence: the
    /// defaults of [`RECURRING_CONTROLS`] with the organisation's `control_evidence_months`
    /// applied (its own controls added), in catalogue order of the defaults first.
    pub fn control_evidence(&self) -> Vec<(String, u32, String)> {
        let mut out: Vec<(String, u32, String)> = RECURRING_CONTROLS
            .iter()
            .map(|(id, months, what)| {
                let months = self
                    .control_evidence_months
                    .value
                    .get(*id)
                    .map_or(*months, |m| m.0);
                (id.to_string(), months, what.to_string())
            })
            .collect();
        for (id, months) in &self.control_evidence_months.value {
            if !out.iter().any(|(x, _, _)| x == id) {
                out.push((id.clone(), months.0, "recurring activity".to_string()));
            }
        }
        out
    }
}

fn thirty() -> u32 {
    30
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
            obligations_review_months: 12,
            backup_test_months: 12,
            continuity_test_months: 12,
            control_evidence_months: Spanned::default(),
            nc_analysis_days: 30,
            acknowledgement_days: 30,
        }
    }
}

/// An ISMS process (4.4).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
            quantitative: None,
            acceptance_threshold: Spanned::detached(LevelValue::Number(6.0)),
            bands: vec![],
            acceptance_authority: vec![],
            acceptance_max_months: None,
            asset_values: vec![],
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
        assert!(m.is_acceptable(6.0));
        assert!(!m.is_acceptable(7.0));
        assert_eq!(methodology(LevelFormula::Sum).level(2, 3), Some(5));
        assert_eq!(methodology(LevelFormula::Matrix).level(2, 3), None);
        assert_eq!(methodology(LevelFormula::Max).level(2, 5), Some(5));
    }

    fn point(v: u8) -> ScalePoint {
        ScalePoint {
            value: Spanned::detached(v),
            label: Spanned::detached(v.to_string()),
            description: None,
        }
    }

    #[test]
    fn matrix_cells_are_found_by_scale_position_and_labels_resolve() {
        let mut m = methodology(LevelFormula::Matrix);
        m.likelihood = vec![point(1), point(3), point(5)];
        m.impact = vec![point(0), point(4)];
        let label = |s: &str| LevelValue::Label(s.to_string());
        m.matrix = Some(Spanned::detached(vec![
            vec![label("Low"), label("low")],
            vec![label("Low"), LevelValue::Number(2.0)],
            vec![label("High"), label("Severe")],
        ]));
        m.bands = ["Low", "Medium", "High"]
            .iter()
            .zip(1..)
            .map(|(l, n)| LevelBand {
                max: Spanned::detached(f64::from(n)),
                label: Spanned::detached(l.to_string()),
            })
            .collect();
        m.acceptance_threshold = Spanned::detached(label("Medium"));
        assert_eq!(m.evaluate(1.0, 4.0), Ok(1.0));
        assert_eq!(m.evaluate(3.0, 4.0), Ok(2.0));
        assert_eq!(m.evaluate(5.0, 0.0), Ok(3.0));
        assert!(matches!(m.evaluate(5.0, 4.0), Err(Unrated::Methodology(_))));
        assert!(matches!(
            m.evaluate(2.0, 4.0),
            Err(Unrated::OffScale {
                axis: "likelihood",
                ..
            })
        ));
        assert_eq!(m.threshold(), Some(2.0));
        assert!(m.is_acceptable(2.0) && !m.is_acceptable(3.0));
    }

    #[test]
    fn quantitative_levels_and_ranges() {
        let mut m = methodology(LevelFormula::AnnualisedLoss);
        m.quantitative = Some(Spanned::detached(Quantitative {
            likelihood: Spanned::detached(LikelihoodUnit::Probability),
            currency: None,
        }));
        assert_eq!(m.evaluate(0.5, 20000.0), Ok(10000.0));
        assert!(m.evaluate(1.5, 10.0).is_err());
        assert!(m.evaluate(0.5, -1.0).is_err());
        assert!(m.evaluate(f64::NAN, 1.0).is_err());
        m.quantitative = Some(Spanned::detached(Quantitative {
            likelihood: Spanned::detached(LikelihoodUnit::Frequency),
            currency: None,
        }));
        assert_eq!(m.evaluate(12.0, 100.0), Ok(1200.0));
    }

    #[test]
    fn the_highest_exceeded_authority_applies() {
        let mut m = methodology(LevelFormula::Product);
        let auth = |above: f64, who: &str| {
            Spanned::detached(AcceptanceAuthority {
                above: Spanned::detached(LevelValue::Number(above)),
                by: vec![Spanned::detached(who.to_string())],
                top_management: false,
            })
        };
        m.acceptance_authority = vec![auth(15.0, "p-ceo"), auth(6.0, "p-cfo")];
        assert!(m.authority_for(6.0).is_none());
        assert_eq!(
            m.authority_for(8.0).map(|a| a.by[0].value.as_str()),
            Some("p-cfo")
        );
        assert_eq!(
            m.authority_for(20.0).map(|a| a.by[0].value.as_str()),
            Some("p-ceo")
        );
    }
}
