//! `context.yaml`: issues (4.1), the climate-change determination (Amd 1:2024), interested
//! parties and their requirements (4.2), and legal, regulatory and contractual obligations
//! (A.5.31).

use serde::{Deserialize, Serialize};

use super::common::{Approval, Date, Id};
use crate::yaml::{Records, Spanned};

/// The contents of `context.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// Internal and external issues relevant to the ISMS (4.1).
    #[serde(default)]
    pub issues: Records<Spanned<Issue>>,
    /// Whether climate change is a relevant issue, and why (4.1, Amd 1:2024).
    #[serde(default)]
    pub climate_change: Option<Spanned<ClimateDetermination>>,
    /// Interested parties and their requirements (4.2).
    #[serde(default)]
    pub interested_parties: Records<Spanned<InterestedParty>>,
    /// Legal, statutory, regulatory and contractual requirements (A.5.31).
    #[serde(default)]
    pub obligations: Records<Spanned<Obligation>>,
    /// Last review of this context analysis.
    #[serde(default)]
    pub reviewed: Approval,
}

/// Internal or external.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IssueKind {
    /// Inside the organisation (culture, resources, technology).
    Internal,
    /// Outside it (market, law, threats, climate).
    External,
}

/// An issue affecting the ISMS (4.1).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    /// Id, e.g. `ISS-03`.
    pub id: Id,
    /// Internal or external.
    #[serde(rename = "type")]
    pub kind: Spanned<IssueKind>,
    /// What the issue is.
    pub description: Spanned<String>,
    /// How it affects the ISMS.
    #[serde(default)]
    pub effect: Option<String>,
    /// Risks it gives rise to.
    #[serde(default)]
    pub risks: Vec<Id>,
}

/// The Amd 1:2024 decision on climate change.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClimateDetermination {
    /// Is climate change a relevant issue for this ISMS?
    pub relevant: Spanned<bool>,
    /// Why (or why not).
    #[serde(default)]
    pub rationale: Option<Spanned<String>>,
    /// How climate-related requirements of interested parties were considered (4.2 NOTE 2).
    #[serde(default)]
    pub interested_party_requirements: Option<Spanned<String>>,
    /// Who decided and when.
    #[serde(default)]
    pub determined: Approval,
}

/// An interested party (4.2 a).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InterestedParty {
    /// Id, e.g. `IP-02`.
    pub id: Id,
    /// Name, e.g. `Enterprise customers`.
    pub name: Spanned<String>,
    /// Internal or external.
    #[serde(rename = "type", default)]
    pub kind: Option<Spanned<IssueKind>>,
    /// Their requirements relevant to information security (4.2 b).
    #[serde(default)]
    pub requirements: Records<Spanned<Requirement>>,
}

/// A requirement of an interested party, and whether the ISMS addresses it (4.2 c).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Id, e.g. `REQ-04`.
    pub id: Id,
    /// The requirement.
    pub description: Spanned<String>,
    /// Whether the ISMS addresses it (4.2 c).
    #[serde(default)]
    pub addressed: Option<Spanned<bool>>,
    /// How it is addressed, or why not.
    #[serde(default)]
    pub how: Option<String>,
    /// Obligation ids it corresponds to.
    #[serde(default)]
    pub obligations: Vec<Id>,
    /// Whether it is climate-related (4.2 NOTE 2).
    #[serde(default)]
    pub climate_related: bool,
}

/// Kind of obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ObligationKind {
    /// A law.
    Legal,
    /// A statutory requirement.
    Statutory,
    /// A regulator's rule.
    Regulatory,
    /// A contract term.
    Contractual,
}

/// A legal, statutory, regulatory or contractual requirement (A.5.31).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    /// Id, e.g. `OBL-01`.
    pub id: Id,
    /// Short title, e.g. `GDPR`.
    pub title: Spanned<String>,
    /// Kind.
    #[serde(rename = "type")]
    pub kind: Spanned<ObligationKind>,
    /// What it requires of the organisation.
    #[serde(default)]
    pub description: Option<String>,
    /// Jurisdiction or counterparty.
    #[serde(default)]
    pub jurisdiction: Option<String>,
    /// Person id who tracks it.
    #[serde(default)]
    pub owner: Option<Id>,
    /// Annex A controls that help meet it.
    #[serde(default)]
    pub controls: Vec<Id>,
    /// When it was last reviewed.
    #[serde(default)]
    pub last_reviewed: Option<Spanned<Date>>,
}
