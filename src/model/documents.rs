//! Markdown documents with YAML front matter: the scope (4.3), policies (5.2, A.5.1), other
//! controlled documents, the audit programme and audit reports (9.2), management reviews (9.3).
//!
//! Every document carries the same document-control fields (7.5.2); the macro below declares
//! them once so the front matter of each kind stays flat and readable.

use serde::{Deserialize, Serialize};

use super::common::{Action, Approval, Date, DocSource, Document, Id};
use crate::yaml::{Records, Spanned};

macro_rules! document {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Document id, e.g. `POL-01`.
            pub id: Id,
            /// Title.
            pub title: Spanned<String>,
            /// Version label, e.g. `1.2` (quote it so `1.10` stays `1.10`).
            #[serde(default)]
            pub version: Option<Spanned<String>>,
            /// Person id of the document owner.
            #[serde(default)]
            pub owner: Option<Id>,
            /// Approval (7.5.2 c).
            #[serde(default)]
            pub approval: Approval,
            /// Months between reviews.
            #[serde(default, deserialize_with = "crate::model::common::opt_interval_months")]
            pub review_months: Option<Spanned<u32>>,
            /// Date of the next review, when set explicitly.
            #[serde(default)]
            pub next_review: Option<Spanned<Date>>,
            /// Classification of the document itself (e.g. `internal`).
            #[serde(default)]
            pub classification: Option<String>,
            $(
                $(#[$fmeta])*
                pub $field: $ty,
            )*
            /// Where the document was loaded from (not part of the front matter).
            #[serde(skip_deserializing)]
            #[schemars(skip)]
            pub source: DocSource,
        }

        impl Document for $name {
            fn id(&self) -> &Id { &self.id }
            fn title(&self) -> &Spanned<String> { &self.title }
            fn version(&self) -> Option<&Spanned<String>> { self.version.as_ref() }
            fn owner(&self) -> Option<&Id> { self.owner.as_ref() }
            fn approval(&self) -> &Approval { &self.approval }
            fn review_months(&self) -> Option<u32> { self.review_months.as_ref().map(|m| m.value) }
            fn next_review(&self) -> Option<Date> { self.next_review.as_ref().map(|d| d.value) }
            fn doc_source(&self) -> &DocSource { &self.source }
            fn set_doc_source(&mut self, source: DocSource) { self.source = source; }
        }
    };
}

document! {
    /// `scope.md`: the ISMS scope (4.3).
    pub struct Scope {
        /// What is inside the boundary.
        #[serde(default)]
        pub in_scope: InScope,
        /// What is excluded, each with a reason.
        #[serde(default)]
        pub out_of_scope: Records<Spanned<Exclusion>>,
        /// Interfaces and dependencies with other organisations (4.3 c).
        #[serde(default)]
        pub interfaces: Records<Spanned<Interface>>,
    }
}

/// What the scope covers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InScope {
    /// Organisational units and teams.
    #[serde(default)]
    pub units: Vec<Spanned<String>>,
    /// Sites and locations (including "remote").
    #[serde(default)]
    pub locations: Vec<Spanned<String>>,
    /// Products, services and processes.
    #[serde(default)]
    pub services: Vec<Spanned<String>>,
    /// Technology: platforms and systems.
    #[serde(default)]
    pub systems: Vec<Spanned<String>>,
}

/// Something left out of the scope.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// What is excluded.
    pub item: Spanned<String>,
    /// Why.
    #[serde(default)]
    pub reason: Option<Spanned<String>>,
}

/// An interface or dependency with another organisation.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interface {
    /// The other party (a supplier id or a name).
    pub party: Spanned<String>,
    /// What crosses the boundary.
    pub description: Spanned<String>,
}

/// The information security policy or a topic-specific policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// The top-level information security policy (5.2), approved by top management.
    InformationSecurity,
    /// A topic-specific policy (A.5.1).
    TopicSpecific,
}

/// How a policy was communicated (5.2 f–g, A.5.1).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Communicated {
    /// When.
    #[serde(default)]
    pub on: Option<Spanned<Date>>,
    /// How (all-hands, wiki, onboarding).
    #[serde(default)]
    pub via: Option<String>,
    /// Where acknowledgements are recorded.
    #[serde(default)]
    pub acknowledgements: Option<String>,
    /// Whether the policy is available to interested parties (e.g. on the website).
    #[serde(default)]
    pub public: bool,
    /// Where and how interested parties can obtain the policy (5.2 g): a web address, the
    /// trust page, or "on request to customers under NDA".
    #[serde(default)]
    pub available: Option<Spanned<String>>,
}

document! {
    /// `policies/*.md`: a policy.
    pub struct Policy {
        /// Information security policy or topic-specific.
        #[serde(default = "topic_specific")]
        pub kind: Spanned<PolicyKind>,
        /// Annex A controls the policy implements.
        #[serde(default)]
        pub controls: Vec<Id>,
        /// Who it applies to.
        #[serde(default)]
        pub applies_to: Option<String>,
        /// How it was communicated.
        #[serde(default)]
        pub communicated: Communicated,
        /// Where the information security policy states what 5.2 b-d asks of it.
        #[serde(default)]
        pub statements: PolicyStatements,
        /// When the current `version` was issued: its approval cannot come earlier.
        #[serde(default)]
        pub version_date: Option<Spanned<Date>>,
    }
}

/// The sections of the information security policy that state what 5.2 b-d requires, each
/// given as the heading of the section (`"4. Information security objectives"`). Headings
/// are the organisation's own words, in any language.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyStatements {
    /// The section with the objectives or the framework for setting them (5.2 b).
    #[serde(default)]
    pub objectives: Option<Spanned<String>>,
    /// The section committing to satisfy applicable requirements (5.2 c).
    #[serde(default)]
    pub requirements: Option<Spanned<String>>,
    /// The section committing to continual improvement of the ISMS (5.2 d).
    #[serde(default)]
    pub improvement: Option<Spanned<String>>,
}

fn topic_specific() -> Spanned<PolicyKind> {
    Spanned::detached(PolicyKind::TopicSpecific)
}

document! {
    /// `procedures/*.md`: any other controlled document (procedure, plan, standard).
    pub struct Procedure {
        /// Annex A controls it supports.
        #[serde(default)]
        pub controls: Vec<Id>,
        /// Policy ids it implements.
        #[serde(default)]
        pub policies: Vec<Id>,
    }
}

document! {
    /// `audits/programme.md`: the internal audit programme (9.2.2).
    pub struct AuditProgramme {
        /// Period covered.
        #[serde(default)]
        pub period: Option<Period>,
        /// How often the whole ISMS is audited, in months.
        #[serde(default, deserialize_with = "crate::model::common::opt_interval_months")]
        pub frequency_months: Option<Spanned<u32>>,
        /// Audit methods (interviews, sampling, observation, technical testing).
        #[serde(default)]
        pub methods: Vec<String>,
        /// Who plans, performs and follows up audits.
        #[serde(default)]
        pub responsibilities: Option<Spanned<String>>,
        /// Planning requirements.
        #[serde(default)]
        pub planning: Option<Spanned<String>>,
        /// How results are reported and to whom.
        #[serde(default)]
        pub reporting: Option<Spanned<String>>,
        /// How importance of processes and earlier results set priorities (9.2.2).
        #[serde(default)]
        pub prioritisation: Option<Spanned<String>>,
        /// Audits planned in the period.
        #[serde(default)]
        pub planned: Records<Spanned<PlannedAudit>>,
    }
}

/// A date range.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First day.
    pub from: Spanned<Date>,
    /// Last day.
    pub to: Spanned<Date>,
}

/// An audit planned in the programme.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannedAudit {
    /// Id of the audit record it becomes (e.g. `AUD-2025-01`).
    pub id: Id,
    /// What will be audited.
    pub scope: Spanned<String>,
    /// Clauses covered, e.g. `"4"`, `"6.1"`.
    #[serde(default)]
    pub clauses: Vec<Spanned<String>>,
    /// Annex A controls covered.
    #[serde(default)]
    pub controls: Vec<Id>,
    /// Planned date.
    pub planned: Spanned<Date>,
    /// Person id of the planned auditor.
    #[serde(default)]
    pub auditor: Option<Id>,
}

/// Internal or external (certification body) audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuditKind {
    /// Internal audit (9.2).
    Internal,
    /// External audit by a certification body or a customer.
    External,
}

/// State of an audit record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AuditStatus {
    /// Planned, not yet held.
    Planned,
    /// Fieldwork under way.
    InProgress,
    /// Held and reported.
    Completed,
    /// The record does not say (no `status:`): not counted as held.
    #[serde(skip_deserializing)]
    Unstated,
}

/// How serious an audit finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// Major nonconformity.
    Major,
    /// Minor nonconformity.
    Minor,
    /// Observation.
    Observation,
    /// Opportunity for improvement.
    Opportunity,
}

impl FindingKind {
    /// Major and minor findings are nonconformities and need a 10.2 record.
    pub fn is_nonconformity(self) -> bool {
        matches!(self, FindingKind::Major | FindingKind::Minor)
    }
}

/// A finding of an audit.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Id, unique within the audit (e.g. `F-01`).
    pub id: Id,
    /// Major, minor, observation or opportunity.
    #[serde(rename = "type")]
    pub kind: Spanned<FindingKind>,
    /// The clause it is against, e.g. `"9.1"`.
    #[serde(default)]
    pub clause: Option<Spanned<String>>,
    /// The Annex A control it is against, e.g. `"8.13"`.
    #[serde(default)]
    pub control: Option<Id>,
    /// What was found, with the objective evidence.
    pub description: Spanned<String>,
    /// The nonconformity record raised for it (required for major and minor findings).
    #[serde(default)]
    pub nonconformity: Option<Id>,
}

/// When the audit report was issued and to whom (9.2.2 c).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditReport {
    /// Report date.
    #[serde(default)]
    pub date: Option<Spanned<Date>>,
    /// Person ids of the management recipients.
    #[serde(default)]
    pub recipients: Vec<Id>,
}

document! {
    /// `audits/*.md` (other than the programme): one audit record (9.2.2).
    pub struct Audit {
        /// Internal or external.
        #[serde(rename = "type", default = "internal")]
        pub kind: Spanned<AuditKind>,
        /// Planned, in progress or completed; a record that does not say is not counted as
        /// completed.
        #[serde(default = "unstated")]
        pub status: Spanned<AuditStatus>,
        /// Date of the audit (first day).
        #[serde(default)]
        pub date: Option<Spanned<Date>>,
        /// What was audited.
        #[serde(default)]
        pub scope: Option<Spanned<String>>,
        /// Clauses covered (`"4"` … `"10"`, or sub-clauses such as `"6.1.2"`).
        #[serde(default)]
        pub clauses: Vec<Spanned<String>>,
        /// Annex A controls covered.
        #[serde(default)]
        pub controls: Vec<Id>,
        /// Audit criteria (the standard, own policies, contracts).
        #[serde(default)]
        pub criteria: Option<Spanned<String>>,
        /// Person id of the lead auditor (for an internal audit).
        #[serde(default)]
        pub auditor: Option<Id>,
        /// Name and firm of an external auditor.
        #[serde(default)]
        pub external_auditor: Option<String>,
        /// Person ids of those interviewed.
        #[serde(default)]
        pub auditees: Vec<Id>,
        /// Report date and recipients.
        #[serde(default)]
        pub report: AuditReport,
        /// Findings.
        #[serde(default)]
        pub findings: Records<Spanned<Finding>>,
    }
}

fn internal() -> Spanned<AuditKind> {
    Spanned::detached(AuditKind::Internal)
}

fn unstated() -> Spanned<AuditStatus> {
    Spanned::detached(AuditStatus::Unstated)
}

/// The 9.3.2 inputs a–g of a management review: what was presented for each.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInputs {
    /// a) status of actions from previous reviews.
    #[serde(default)]
    pub previous_actions: Option<Spanned<String>>,
    /// b) changes in external and internal issues.
    #[serde(default)]
    pub context_changes: Option<Spanned<String>>,
    /// c) changes in needs and expectations of interested parties.
    #[serde(default)]
    pub interested_party_changes: Option<Spanned<String>>,
    /// d1) nonconformities and corrective actions.
    #[serde(default)]
    pub nonconformities: Option<Spanned<String>>,
    /// d2) monitoring and measurement results.
    #[serde(default)]
    pub monitoring_results: Option<Spanned<String>>,
    /// d3) audit results.
    #[serde(default)]
    pub audit_results: Option<Spanned<String>>,
    /// d4) fulfilment of information security objectives.
    #[serde(default)]
    pub objectives: Option<Spanned<String>>,
    /// e) feedback from interested parties.
    #[serde(default)]
    pub interested_party_feedback: Option<Spanned<String>>,
    /// f) results of risk assessment and status of the risk treatment plan.
    #[serde(default)]
    pub risk_assessment: Option<Spanned<String>>,
    /// g) opportunities for continual improvement.
    #[serde(default)]
    pub improvement_opportunities: Option<Spanned<String>>,
}

impl ReviewInputs {
    /// Each input with its 9.3.2 letter, its field name and what was recorded.
    pub fn all(&self) -> [(&'static str, &'static str, Option<&Spanned<String>>); 10] {
        [
            ("a", "previous_actions", self.previous_actions.as_ref()),
            ("b", "context_changes", self.context_changes.as_ref()),
            (
                "c",
                "interested_party_changes",
                self.interested_party_changes.as_ref(),
            ),
            ("d1", "nonconformities", self.nonconformities.as_ref()),
            ("d2", "monitoring_results", self.monitoring_results.as_ref()),
            ("d3", "audit_results", self.audit_results.as_ref()),
            ("d4", "objectives", self.objectives.as_ref()),
            (
                "e",
                "interested_party_feedback",
                self.interested_party_feedback.as_ref(),
            ),
            ("f", "risk_assessment", self.risk_assessment.as_ref()),
            (
                "g",
                "improvement_opportunities",
                self.improvement_opportunities.as_ref(),
            ),
        ]
    }
}

/// A decision of a management review (9.3.3).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Optional id.
    #[serde(default)]
    pub id: Option<Id>,
    /// The decision.
    pub decision: Spanned<String>,
    /// What it is about.
    #[serde(rename = "type", default)]
    pub kind: Option<Spanned<DecisionKind>>,
}

/// What a management review decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionKind {
    /// A continual-improvement opportunity.
    Improvement,
    /// A change to the ISMS.
    Change,
    /// Resources.
    Resources,
    /// Anything else.
    Other,
}

document! {
    /// `reviews/*.md`: a management review record (9.3).
    pub struct ManagementReview {
        /// Date the review was held.
        pub date: Spanned<Date>,
        /// When the review is held in several sittings: the id shared by all its records
        /// (usually the id of the first sitting). Inputs and outputs are judged over all of them.
        #[serde(default)]
        pub part_of: Option<Id>,
        /// Person ids of those present.
        #[serde(default)]
        pub attendees: Vec<Id>,
        /// The 9.3.2 inputs.
        #[serde(default)]
        pub inputs: ReviewInputs,
        /// Audit records considered (9.3.2 d3).
        #[serde(default)]
        pub audits_considered: Vec<Id>,
        /// Decisions (9.3.3).
        #[serde(default)]
        pub decisions: Records<Spanned<Decision>>,
        /// Actions agreed.
        #[serde(default)]
        pub actions: Records<Spanned<Action>>,
    }
}
