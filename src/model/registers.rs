//! YAML registers: assets, risks, the Statement of Applicability, objectives, suppliers,
//! training, metrics, incidents, changes and nonconformities.

use serde::{Deserialize, Serialize};

use super::common::{
    Acceptance, Action, Approval, Date, EvidenceRef, Frequency, Id, SecurityProperty,
};
use super::manifest::LevelValue;
use crate::yaml::{Records, Spanned};

/// `assets.yaml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetRegister {
    /// Who last checked the inventory against reality (missing systems, locations,
    /// suppliers, owners), and when: A.5.9 asks for an inventory that is kept up to date.
    #[serde(default)]
    pub reviewed: Approval,
    /// The assets.
    #[serde(default)]
    pub assets: Records<Spanned<Asset>>,
}

/// Kind of asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AssetKind {
    /// Information or data set.
    Information,
    /// Software or application.
    Software,
    /// Hardware and devices.
    Hardware,
    /// A service, including cloud services.
    Service,
    /// A cloud service (IaaS, PaaS, SaaS).
    CloudService,
    /// People and their knowledge.
    People,
    /// A site or facility.
    Site,
    /// Anything else.
    Other,
}

/// Information classification.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    /// May be published.
    Public,
    /// For staff and trusted parties.
    Internal,
    /// Limited to those who need it.
    Confidential,
    /// Highest sensitivity.
    Restricted,
}

/// Confidentiality, integrity and availability values of an asset (1 low … 3 high).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CiaValues {
    /// Confidentiality value.
    pub confidentiality: Spanned<u8>,
    /// Integrity value.
    pub integrity: Spanned<u8>,
    /// Availability value.
    pub availability: Spanned<u8>,
}

/// An asset (A.5.9).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    /// Id, e.g. `A-012`.
    pub id: Id,
    /// Name.
    pub name: Spanned<String>,
    /// Kind.
    #[serde(rename = "type")]
    pub kind: Spanned<AssetKind>,
    /// Person id of the owner.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Classification.
    #[serde(default)]
    pub classification: Option<Spanned<Classification>>,
    /// C/I/A values.
    #[serde(default)]
    pub value: Option<CiaValues>,
    /// Where it is (region, office, provider).
    #[serde(default)]
    pub location: Option<String>,
    /// Supplier id providing it.
    #[serde(default)]
    pub supplier: Option<Id>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the asset is inside the ISMS scope.
    #[serde(default = "yes")]
    pub in_scope: bool,
}

fn yes() -> bool {
    true
}

/// `risks.yaml` or each file of `risks/*.yaml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskRegister {
    /// Date of the latest complete risk assessment (8.2).
    #[serde(default)]
    pub assessed: Option<Spanned<Date>>,
    /// The risks.
    #[serde(default)]
    pub risks: Records<Spanned<Risk>>,
    /// Opportunities determined alongside the risks (6.1.1).
    #[serde(default)]
    pub opportunities: Records<Spanned<Opportunity>>,
}

/// An opportunity the ISMS planning addresses (6.1.1): a chance to achieve the intended
/// outcomes better or to improve, determined from the context like a risk.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Opportunity {
    /// Id, e.g. `OPP-01`.
    pub id: Id,
    /// Short title.
    pub title: Spanned<String>,
    /// What the opportunity is.
    #[serde(default)]
    pub description: Option<String>,
    /// Person id who pursues it.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Issues or requirements it comes from.
    #[serde(default)]
    pub sources: Vec<Id>,
    /// How it is addressed (6.1.1 d), or why it is not pursued now.
    #[serde(default)]
    pub action: Option<Spanned<String>>,
    /// How the effectiveness of the action is evaluated (6.1.1 e 2).
    #[serde(default)]
    pub evaluation: Option<Spanned<String>>,
}

/// Risk treatment option (6.1.3 a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Treatment {
    /// Modify the risk with controls.
    #[serde(alias = "modify", alias = "reduce")]
    Mitigate,
    /// Retain the risk.
    #[serde(alias = "retain")]
    Accept,
    /// Share it (insurance, contract).
    #[serde(alias = "share")]
    Transfer,
    /// Stop the activity.
    Avoid,
}

/// A likelihood and impact pair, with the level if the author stated one.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// Likelihood: a point of the methodology's scale, or a probability or frequency per year
    /// for a quantitative methodology.
    pub likelihood: Spanned<f64>,
    /// Impact: a point of the methodology's scale, or an amount for a quantitative one.
    pub impact: Spanned<f64>,
    /// Level as stated in the register, a number or band label (checked against the
    /// methodology).
    #[serde(default)]
    pub level: Option<Spanned<LevelValue>>,
    /// Set while the rating is a proposal nobody has decided yet (e.g. a generated starting
    /// point): the rating is reported until a person confirms it by removing the flag.
    #[serde(default)]
    pub to_confirm: bool,
}

impl Rating {
    /// Likelihood and impact as points of a qualitative scale, when both are whole numbers
    /// from 0 to 255.
    pub fn points(&self) -> Option<(u8, u8)> {
        let p = |x: f64| (x.fract() == 0.0 && (0.0..=255.0).contains(&x)).then_some(x as u8);
        Some((p(self.likelihood.value)?, p(self.impact.value)?))
    }
}

/// A risk (6.1.2, 6.1.3, 8.2, 8.3).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// Id, e.g. `R-007`.
    pub id: Id,
    /// Short title.
    pub title: Spanned<String>,
    /// Description of the risk scenario.
    #[serde(default)]
    pub description: Option<String>,
    /// Asset ids at risk.
    #[serde(default)]
    pub assets: Vec<Id>,
    /// Threat.
    #[serde(default)]
    pub threat: Option<String>,
    /// Vulnerability exploited.
    #[serde(default)]
    pub vulnerability: Option<String>,
    /// C/I/A affected.
    #[serde(default)]
    pub affects: Vec<Spanned<SecurityProperty>>,
    /// Person id of the risk owner.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Rating before treatment.
    #[serde(default)]
    pub inherent: Option<Spanned<Rating>>,
    /// Treatment option.
    #[serde(default)]
    pub treatment: Option<Spanned<Treatment>>,
    /// Annex A controls that treat it.
    #[serde(default)]
    pub controls: Vec<Id>,
    /// Other controls (own, not from Annex A), described in words.
    #[serde(default)]
    pub other_controls: Vec<String>,
    /// For `transfer`: the mechanism (insurance policy, contract clause, supplier).
    #[serde(default)]
    pub transfer_mechanism: Option<Spanned<String>>,
    /// Treatment plan actions (6.1.3 e).
    #[serde(default)]
    pub plan: Records<Spanned<Action>>,
    /// The risk owner's approval of the treatment plan (6.1.3 f).
    #[serde(default)]
    pub plan_approval: Approval,
    /// Rating after treatment.
    #[serde(default)]
    pub residual: Option<Spanned<Rating>>,
    /// Acceptance of the residual risk by the risk owner (6.1.3 f).
    #[serde(default)]
    pub acceptance: Option<Spanned<Acceptance>>,
    /// When the risk was identified.
    #[serde(default)]
    pub identified: Option<Spanned<Date>>,
    /// When it was last assessed.
    #[serde(default)]
    pub last_assessed: Option<Spanned<Date>>,
    /// Interested-party requirements or issues it comes from.
    #[serde(default)]
    pub sources: Vec<Id>,
}

/// `soa.yaml`: the Statement of Applicability (6.1.3 d).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementOfApplicability {
    /// Document control for the SoA itself.
    pub document: Spanned<SoaDocument>,
    /// One entry per Annex A control.
    #[serde(default)]
    pub controls: Records<Spanned<SoaEntry>>,
    /// Controls from other sources than Annex A (6.1.3 c): the organisation's own, or from
    /// another framework, each with its own id.
    #[serde(default)]
    pub additional_controls: Records<Spanned<AdditionalControl>>,
}

/// A control that is not from Annex A (6.1.3 c allows controls from any source).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdditionalControl {
    /// The organisation's id, e.g. `ORG-01`; it must not look like an Annex A id.
    pub id: Id,
    /// Title.
    pub title: Spanned<String>,
    /// Where the control comes from (own design, another framework, a customer contract).
    #[serde(default)]
    pub source: Option<String>,
    /// Why it is needed.
    #[serde(default)]
    pub justification: Option<Spanned<String>>,
    /// Risk ids it treats.
    #[serde(default)]
    pub risks: Vec<Id>,
    /// Obligation ids it meets.
    #[serde(default)]
    pub obligations: Vec<Id>,
    /// Implementation status.
    #[serde(default)]
    pub status: Option<Spanned<ImplementationStatus>>,
    /// Person or role id of the control owner.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Evidence that it operates.
    #[serde(default)]
    pub evidence: Records<Spanned<EvidenceRef>>,
}

/// Document control of the SoA (7.5.2).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoaDocument {
    /// Document id.
    pub id: Id,
    /// Title.
    #[serde(default = "soa_title")]
    pub title: Spanned<String>,
    /// Version label.
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    /// Person id of the owner.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Approval.
    #[serde(default)]
    pub approval: Approval,
    /// Months between reviews.
    #[serde(
        default,
        deserialize_with = "crate::model::common::opt_interval_months"
    )]
    pub review_months: Option<Spanned<u32>>,
}

impl SoaDocument {
    /// When the SoA is due for review (see [`super::Document::review_due`]).
    pub fn review_due(&self, default_months: u32) -> Option<Date> {
        super::common::review_due(
            None,
            &self.approval,
            self.review_months.as_ref().map(|m| m.value),
            default_months,
        )
    }
}

fn soa_title() -> Spanned<String> {
    Spanned::detached("Statement of Applicability".to_string())
}

/// Implementation status of a control.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ImplementationStatus {
    /// In place and operating.
    Implemented,
    /// Partly in place.
    #[serde(alias = "partially-implemented")]
    Partial,
    /// Decided, not yet started.
    Planned,
    /// Not in place and not planned yet.
    NotImplemented,
}

/// Why a control is included, or why it is excluded (6.1.3 d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InclusionReason {
    /// Treats one or more risks.
    Risk,
    /// A legal or regulatory requirement (for an exclusion: the law rules the control out).
    Legal,
    /// A contract.
    Contractual,
    /// A business need or good practice.
    Business,
    /// Exclusion: no own premises or sites in scope.
    NoPremises,
    /// Exclusion: no software is developed in-house.
    NoDevelopment,
    /// Exclusion: no suppliers are used.
    NoSuppliers,
    /// Exclusion: no cloud services are used.
    NoCloud,
    /// Exclusion: the activity is carried out by the suppliers named in `suppliers:`.
    Outsourced,
}

impl InclusionReason {
    /// Whether the reason explains an exclusion rather than an inclusion.
    pub fn is_exclusion(self) -> bool {
        matches!(
            self,
            InclusionReason::NoPremises
                | InclusionReason::NoDevelopment
                | InclusionReason::NoSuppliers
                | InclusionReason::NoCloud
                | InclusionReason::Outsourced
                | InclusionReason::Legal
                | InclusionReason::Contractual
        )
    }
}

/// One row of the SoA.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoaEntry {
    /// Annex A control id, e.g. `5.10`.
    #[schemars(regex(pattern = r"^\d+\.\d+$"))]
    pub id: Id,
    /// Title (optional; checked against the catalogue when given).
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    /// Applicable or excluded.
    #[serde(default)]
    pub applicable: Option<Spanned<bool>>,
    /// `true` while the decision is only a proposal (such as a scaffold default) that nobody
    /// has confirmed yet: the control counts as undecided.
    #[serde(default)]
    pub proposed: Option<Spanned<bool>>,
    /// Why included or why excluded.
    #[serde(default)]
    pub justification: Option<Spanned<String>>,
    /// Kinds of reason for inclusion.
    #[serde(default)]
    pub reasons: Vec<Spanned<InclusionReason>>,
    /// Risk ids the control treats.
    #[serde(default)]
    pub risks: Vec<Id>,
    /// Obligation ids it meets (or, for an exclusion with `legal` or `contractual`, that rule
    /// it out).
    #[serde(default)]
    pub obligations: Vec<Id>,
    /// Supplier ids that carry out or provide the control (an exclusion with `outsourced`).
    #[serde(default)]
    pub suppliers: Vec<Id>,
    /// Implementation status.
    #[serde(default)]
    pub status: Option<Spanned<ImplementationStatus>>,
    /// Person id of the control owner.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Policy or procedure ids that describe it.
    #[serde(default)]
    pub policies: Vec<Id>,
    /// How it is implemented, briefly.
    #[serde(default)]
    pub implementation: Option<String>,
    /// Evidence that it operates.
    #[serde(default)]
    pub evidence: Records<Spanned<EvidenceRef>>,
}

impl SoaEntry {
    /// `applicable: true`.
    pub fn is_applicable(&self) -> bool {
        self.applicable.as_ref().is_some_and(|a| a.value)
    }
}

/// `objectives.yaml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveRegister {
    /// The objectives.
    #[serde(default)]
    pub objectives: Records<Spanned<Objective>>,
}

/// Progress towards an objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectiveStatus {
    /// Not started.
    NotStarted,
    /// On track.
    OnTrack,
    /// At risk.
    AtRisk,
    /// Achieved.
    Achieved,
    /// Missed.
    Missed,
}

/// A monitoring entry of an objective (6.2 d).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    /// Date of the measurement.
    pub date: Spanned<Date>,
    /// Value measured.
    pub value: Spanned<String>,
    /// Note.
    #[serde(default)]
    pub note: Option<String>,
}

/// An information security objective (6.2).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Id, e.g. `OBJ-02`.
    pub id: Id,
    /// The objective.
    pub title: Spanned<String>,
    /// Policy id it follows from (6.2 a).
    #[serde(default)]
    pub policy: Option<Id>,
    /// Risks it addresses (6.2 c).
    #[serde(default)]
    pub risks: Vec<Id>,
    /// What is measured.
    #[serde(default)]
    pub metric: Option<Spanned<String>>,
    /// Target value.
    #[serde(default)]
    pub target: Option<Spanned<String>>,
    /// The target as a number, in `unit` (6.2 b: measurable).
    #[serde(default)]
    pub target_value: Option<Spanned<f64>>,
    /// The unit of `target_value` and of the measurements (`%`, `days`, `count`).
    #[serde(default)]
    pub unit: Option<Spanned<String>>,
    /// The objective is a milestone: it is met by completing it by `due`.
    #[serde(default)]
    pub milestone: bool,
    /// Why the objective cannot practicably be measured (6.2 b allows this), in place of a
    /// target value.
    #[serde(default)]
    pub not_measurable: Option<Spanned<String>>,
    /// Person id responsible.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Resources needed.
    #[serde(default)]
    pub resources: Option<Spanned<String>>,
    /// When it will be completed.
    #[serde(default)]
    pub due: Option<Spanned<Date>>,
    /// How results will be evaluated.
    #[serde(default)]
    pub evaluation: Option<Spanned<String>>,
    /// When it was set.
    #[serde(default)]
    pub set: Option<Spanned<Date>>,
    /// Current status.
    #[serde(default)]
    pub status: Option<Spanned<ObjectiveStatus>>,
    /// Monitoring entries.
    #[serde(default)]
    pub measurements: Records<Spanned<Measurement>>,
}

/// `suppliers.yaml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierRegister {
    /// The suppliers.
    #[serde(default)]
    pub suppliers: Records<Spanned<Supplier>>,
}

/// Criticality of a supplier.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Criticality {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// The agreement with a supplier (A.5.20).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// Contract reference.
    #[serde(default)]
    pub reference: Option<Spanned<String>>,
    /// Whether it contains information security clauses.
    #[serde(default)]
    pub security_clauses: bool,
    /// Whether a data processing agreement is in place.
    #[serde(default)]
    pub dpa: bool,
}

/// A supplier assessment or review.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierReview {
    /// Date.
    pub date: Spanned<Date>,
    /// Result.
    #[serde(default)]
    pub result: Option<String>,
    /// Person id who reviewed.
    #[serde(default)]
    pub by: Option<Id>,
    /// Where the record is.
    #[serde(default)]
    pub reference: Option<String>,
}

/// A supplier (A.5.19–5.22, 8.1).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Supplier {
    /// Id, e.g. `SUP-03`.
    pub id: Id,
    /// Name.
    pub name: Spanned<String>,
    /// What they provide.
    #[serde(default)]
    pub service: Option<String>,
    /// Whom to contact at the supplier (name, e-mail, support address).
    #[serde(default)]
    pub contact: Option<String>,
    /// Criticality.
    #[serde(default)]
    pub criticality: Option<Spanned<Criticality>>,
    /// Whether they access, process or store the organisation's information.
    #[serde(default)]
    pub data_access: bool,
    /// Whether it is a cloud service (A.5.23).
    #[serde(default)]
    pub cloud: bool,
    /// Person id of the relationship owner.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Security requirements agreed with the supplier.
    #[serde(default)]
    pub security_requirements: Option<Spanned<String>>,
    /// Certifications held (ISO/IEC 27001, SOC 2).
    #[serde(default)]
    pub certifications: Vec<String>,
    /// The agreement.
    #[serde(default)]
    pub agreement: Agreement,
    /// Assessments and periodic reviews, oldest first.
    #[serde(default)]
    pub reviews: Records<Spanned<SupplierReview>>,
}

/// `training.yaml`: competence (7.2) and awareness (7.3) records.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingRecords {
    /// Evidence of competence for ISMS roles.
    #[serde(default)]
    pub competence: Records<Spanned<CompetenceRecord>>,
    /// Awareness training completions.
    #[serde(default)]
    pub awareness: Records<Spanned<AwarenessRecord>>,
    /// Actions taken to acquire missing competence, and the evaluation of their effect
    /// (7.2 c).
    #[serde(default)]
    pub actions: Records<Spanned<CompetenceAction>>,
}

/// An action to give someone the competence a role needs (training, mentoring, hiring), with
/// the evaluation of whether it worked (7.2 c).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompetenceAction {
    /// Person id.
    pub person: Id,
    /// Role id the competence is for.
    #[serde(default)]
    pub role: Option<Id>,
    /// What is done.
    pub action: Spanned<String>,
    /// Target date.
    #[serde(default)]
    pub due: Option<Spanned<Date>>,
    /// Current status.
    #[serde(default = "planned_action")]
    pub status: Spanned<super::common::ActionStatus>,
    /// When it was completed.
    #[serde(default)]
    pub completed: Option<Spanned<Date>>,
    /// Whether the action gave the competence, and how that was judged.
    #[serde(default)]
    pub effectiveness: Option<Spanned<CompetenceEvaluation>>,
}

fn planned_action() -> Spanned<super::common::ActionStatus> {
    Spanned::detached(super::common::ActionStatus::Planned)
}

/// The evaluation of a competence action (7.2 c).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompetenceEvaluation {
    /// When it was evaluated.
    pub on: Spanned<Date>,
    /// Who evaluated it (person or role id).
    #[serde(default)]
    pub by: Option<Id>,
    /// Whether the person now has the competence.
    pub effective: Spanned<bool>,
    /// How it was judged (assessment, observed work, exam result).
    #[serde(default)]
    pub method: Option<Spanned<String>>,
}

/// Evidence that a person is competent for a role (7.2 d).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompetenceRecord {
    /// Person id.
    pub person: Id,
    /// Role id.
    #[serde(default)]
    pub role: Option<Id>,
    /// What shows competence (certificate, course, experience).
    pub evidence: Spanned<String>,
    /// Date obtained.
    #[serde(default)]
    pub date: Option<Spanned<Date>>,
    /// Expiry, if any.
    #[serde(default)]
    pub expires: Option<Spanned<Date>>,
}

/// One person's completion of awareness training (7.3).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AwarenessRecord {
    /// Person id.
    pub person: Id,
    /// Course or session.
    pub course: Spanned<String>,
    /// Completion date.
    pub completed: Spanned<Date>,
}

/// `metrics.yaml` (9.1).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricRegister {
    /// The metrics.
    #[serde(default)]
    pub metrics: Records<Spanned<Metric>>,
}

/// A measured result.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricResult {
    /// Date or end of period.
    pub date: Spanned<Date>,
    /// Value.
    pub value: Spanned<String>,
    /// Whether the target was met.
    #[serde(default)]
    pub met: Option<bool>,
    /// Analysis or comment.
    #[serde(default)]
    pub note: Option<String>,
}

/// What is measured and how (9.1 a–f).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// Id, e.g. `M-04`.
    pub id: Id,
    /// What is measured (9.1 a).
    pub title: Spanned<String>,
    /// Method (9.1 b).
    #[serde(default)]
    pub method: Option<Spanned<String>>,
    /// When measured (9.1 c).
    #[serde(default)]
    pub frequency: Option<Spanned<Frequency>>,
    /// Person id who measures (9.1 d).
    #[serde(default)]
    pub measured_by: Option<Id>,
    /// When results are analysed (9.1 e).
    #[serde(default)]
    pub analysis: Option<Spanned<String>>,
    /// Person id who analyses and evaluates (9.1 f).
    #[serde(default)]
    pub analysed_by: Option<Id>,
    /// Target.
    #[serde(default)]
    pub target: Option<String>,
    /// Objective ids it measures.
    #[serde(default)]
    pub objectives: Vec<Id>,
    /// Annex A controls it measures.
    #[serde(default)]
    pub controls: Vec<Id>,
    /// Results, oldest first.
    #[serde(default)]
    pub results: Records<Spanned<MetricResult>>,
}

/// `incidents.yaml` (A.5.24–5.28).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentRegister {
    /// The incidents.
    #[serde(default)]
    pub incidents: Records<Spanned<Incident>>,
}

/// Severity of an incident.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum IncidentSeverity {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// Open or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RecordStatus {
    /// Open.
    Open,
    /// Being worked on.
    InProgress,
    /// Closed.
    Closed,
}

/// An information security event or incident.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// Id, e.g. `INC-2025-004`.
    pub id: Id,
    /// Title.
    pub title: Spanned<String>,
    /// When reported.
    pub reported: Spanned<Date>,
    /// Event or incident, and its category (A.5.25).
    #[serde(default)]
    pub classification: Option<Spanned<String>>,
    /// Severity.
    #[serde(default)]
    pub severity: Option<Spanned<IncidentSeverity>>,
    /// What happened.
    #[serde(default)]
    pub description: Option<String>,
    /// Response actions (A.5.26).
    #[serde(default)]
    pub response: Option<Spanned<String>>,
    /// Lessons learned (A.5.27).
    #[serde(default)]
    pub lessons_learned: Option<Spanned<String>>,
    /// Status.
    #[serde(default)]
    pub status: Option<Spanned<RecordStatus>>,
    /// When closed.
    #[serde(default)]
    pub closed: Option<Spanned<Date>>,
    /// Nonconformity raised.
    #[serde(default)]
    pub nonconformity: Option<Id>,
    /// Controls involved.
    #[serde(default)]
    pub controls: Vec<Id>,
}

/// `changes.yaml` (6.3).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRegister {
    /// The changes.
    #[serde(default)]
    pub changes: Records<Spanned<Change>>,
}

/// A planned change to the ISMS (6.3).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Id, e.g. `CHG-03`.
    pub id: Id,
    /// What changes.
    pub title: Spanned<String>,
    /// Why.
    #[serde(default)]
    pub purpose: Option<Spanned<String>>,
    /// Planned date.
    #[serde(default)]
    pub planned: Option<Spanned<Date>>,
    /// Approval.
    #[serde(default)]
    pub approval: Approval,
    /// Status.
    #[serde(default)]
    pub status: Option<Spanned<super::common::ActionStatus>>,
    /// When done.
    #[serde(default)]
    pub completed: Option<Spanned<Date>>,
    /// Whether the change is significant (new system, site, supplier): it triggers a risk
    /// reassessment (8.2).
    #[serde(default)]
    pub significant: bool,
    /// Parts of the ISMS affected (scope, policy, methodology, roles, ...).
    #[serde(default)]
    pub affects: Vec<String>,
}

/// `nonconformities.yaml` (10.2).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NonconformityRegister {
    /// The nonconformities.
    #[serde(default)]
    pub nonconformities: Records<Spanned<Nonconformity>>,
}

/// Where a nonconformity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NonconformitySource {
    /// Internal audit.
    InternalAudit,
    /// Certification or customer audit.
    ExternalAudit,
    /// An incident.
    Incident,
    /// Management review.
    ManagementReview,
    /// Monitoring or measurement.
    Monitoring,
    /// Customer or other complaint.
    Complaint,
    /// Found by staff.
    SelfIdentified,
}

/// Review of whether a corrective action worked (10.2 d).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EffectivenessReview {
    /// When.
    pub date: Spanned<Date>,
    /// Person id.
    #[serde(default)]
    pub by: Option<Id>,
    /// Whether the action was effective.
    pub effective: Spanned<bool>,
    /// Notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A nonconformity and its corrective action (10.2).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nonconformity {
    /// Id, e.g. `NC-2025-03`.
    pub id: Id,
    /// Title.
    pub title: Spanned<String>,
    /// Where it came from.
    pub source: Spanned<NonconformitySource>,
    /// Audit record id, when raised by an audit.
    #[serde(default)]
    pub audit: Option<Id>,
    /// Finding id within that audit.
    #[serde(default)]
    pub finding: Option<Id>,
    /// Incident id, when raised by an incident.
    #[serde(default)]
    pub incident: Option<Id>,
    /// Clause it is against.
    #[serde(default)]
    pub clause: Option<Spanned<String>>,
    /// Control it is against.
    #[serde(default)]
    pub control: Option<Id>,
    /// When raised.
    pub raised: Spanned<Date>,
    /// The nature of the nonconformity (10.2 f).
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    /// Immediate correction or containment (10.2 a).
    #[serde(default)]
    pub correction: Option<Spanned<String>>,
    /// Root cause (10.2 b).
    #[serde(default)]
    pub root_cause: Option<Spanned<String>>,
    /// Corrective action to remove the cause (10.2 c).
    #[serde(default)]
    pub corrective_action: Option<Spanned<String>>,
    /// The recorded decision that no action to remove the cause is needed, with its reason
    /// (10.2 b), in place of a corrective action.
    #[serde(default)]
    pub no_action_reason: Option<Spanned<String>>,
    /// When the corrective action was put in place; its effectiveness is reviewed after it.
    #[serde(default)]
    pub action_completed: Option<Spanned<Date>>,
    /// Person id responsible.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Due date of the corrective action.
    #[serde(default)]
    pub due: Option<Spanned<Date>>,
    /// Re-plans of the due date.
    #[serde(default)]
    pub replanned: Vec<super::common::Replan>,
    /// Status.
    pub status: Spanned<RecordStatus>,
    /// When closed.
    #[serde(default)]
    pub closed: Option<Spanned<Date>>,
    /// Effectiveness review (10.2 d, g).
    #[serde(default)]
    pub effectiveness: Option<Spanned<EffectivenessReview>>,
}

impl Nonconformity {
    /// The due date in force: the latest re-plan, else the original.
    pub fn effective_due(&self) -> Option<Date> {
        self.replanned
            .last()
            .map(|r| r.due.value)
            .or(self.due.as_ref().map(|d| d.value))
    }
}
