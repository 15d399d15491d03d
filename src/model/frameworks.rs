//! Records for other frameworks and policy acknowledgements: `frameworks/<id>.yaml` (the
//! organisation's own answer per requirement of a framework) and `acknowledgements.yaml` (who
//! acknowledged which policy version, 7.3, A.5.1, A.6.3).

use serde::{Deserialize, Serialize};

use super::common::{Date, EvidenceRef, Id};
use crate::yaml::{Records, Spanned};

/// `frameworks/<id>.yaml`: the organisation's own answers to requirements of one framework.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkAnswers {
    /// The framework id (`nis2`, `csf` or a custom id); the file name's stem when absent.
    #[serde(default)]
    pub framework: Option<Spanned<String>>,
    /// One answer per requirement.
    #[serde(default)]
    pub answers: Records<Spanned<FrameworkAnswer>>,
}

/// The organisation's own answer to one requirement: it overrides (with `status`) or completes
/// (with notes and evidence) what the mapping to ISO/IEC 27001 says.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkAnswer {
    /// The requirement id, e.g. `7.2.a` or `GV.OC-01` (quote ids that look like numbers).
    pub id: Id,
    /// How far the organisation meets the requirement, in its own judgement.
    #[serde(default)]
    pub status: Option<Spanned<AnswerStatus>>,
    /// Person or role answering for the requirement.
    #[serde(default)]
    pub owner: Option<Id>,
    /// How the requirement is met, or why it does not apply.
    #[serde(default)]
    pub notes: Option<Spanned<String>>,
    /// Evidence for the answer.
    #[serde(default)]
    pub evidence: Records<Spanned<EvidenceRef>>,
}

/// The organisation's status for one framework requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerStatus {
    /// Met.
    Implemented,
    /// Partly met.
    Partial,
    /// Decided, not yet met.
    Planned,
    /// Does not apply to the organisation (say why in `notes`).
    NotApplicable,
}

impl AnswerStatus {
    /// The YAML word.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerStatus::Implemented => "implemented",
            AnswerStatus::Partial => "partial",
            AnswerStatus::Planned => "planned",
            AnswerStatus::NotApplicable => "not-applicable",
        }
    }
}

/// The answers of one `frameworks/<id>.yaml`, as loaded.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkAnswerFile {
    /// Repository-relative path.
    pub path: String,
    /// The framework id the answers are for.
    pub framework: Spanned<String>,
    /// The answers that loaded.
    pub answers: Vec<Spanned<FrameworkAnswer>>,
}

/// `acknowledgements.yaml` (or `acknowledgements/*.yaml`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgementRegister {
    /// One record per person and policy version acknowledged.
    #[serde(default)]
    pub acknowledgements: Records<Spanned<Acknowledgement>>,
}

/// One person's acknowledgement of one version of a policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// Person id from `isms.yaml`.
    pub person: Id,
    /// Policy id, e.g. `POL-01`.
    pub policy: Id,
    /// The policy version acknowledged (quote it: `"1.10"`).
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    /// The commit of the policy file acknowledged, when the version is identified by commit.
    #[serde(default)]
    pub commit: Option<Spanned<String>>,
    /// When it was acknowledged.
    pub date: Spanned<Date>,
    /// How: e-signature, HR system, click-through, in person.
    #[serde(default)]
    pub method: Option<Spanned<String>>,
}

/// One person's state for the current version of one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AckState {
    /// Person id.
    pub person: String,
    /// The acknowledgement of the current version, when there is one.
    pub acknowledged: Option<super::Date>,
    /// How it was acknowledged.
    pub method: Option<String>,
    /// When it is due.
    pub due: super::Date,
}

/// Whether `a` acknowledges the current version of `p` (approved on `approved`): the same
/// version label when the policy has one (an acknowledgement naming a commit instead counts
/// when given on or after the approval), else any acknowledgement given on or after the
/// approval.
pub fn acknowledges(a: &Acknowledgement, p: &super::Policy, approved: Date) -> bool {
    if a.policy.value != p.id.value {
        return false;
    }
    match (&p.version, &a.version) {
        (Some(v), Some(av)) => av.value.trim() == v.value.trim(),
        (Some(_), None) => a.commit.is_some() && a.date.value >= approved,
        (None, _) => a.date.value >= approved,
    }
}

/// When a person's acknowledgement of a policy approved on `approved` is due: the window
/// starts at the approval, or when the person joined (their `terms_signed:` date) if later.
pub fn acknowledgement_due(person: &super::Person, approved: Date, days: u32) -> Date {
    let joined = person.terms_signed.as_ref().map(|d| d.value);
    let start = joined.map_or(approved, |j| j.max(approved));
    start.add_days(i64::from(days))
}

impl super::Isms {
    /// Whether the organisation keeps an acknowledgements register.
    pub fn has_acknowledgements(&self) -> bool {
        self.present.contains(&super::RecordKind::Acknowledgements)
            || !self.acknowledgements.is_empty()
    }

    /// The approved policies (approver and date given, approved by `today`) with their
    /// approval date.
    pub fn approved_policies(&self, today: Date) -> Vec<(&super::Policy, Date)> {
        self.policies
            .iter()
            .filter_map(|p| {
                let on = p.approval.on.as_ref()?.value;
                (p.approval.by.is_some() && on <= today).then_some((p, on))
            })
            .collect()
    }

    /// For a policy approved on `approved`, the state of every person with the organisation on
    /// `today`, in the order of `people:`.
    pub fn acknowledgement_states(
        &self,
        p: &super::Policy,
        approved: Date,
        today: Date,
    ) -> Vec<AckState> {
        let days = self.cadences().acknowledgement_days;
        self.people
            .iter()
            .filter(|person| person.is_current(today))
            .map(|person| {
                let ack = self
                    .acknowledgements
                    .iter()
                    .filter(|a| a.person.value == person.id.value && acknowledges(a, p, approved))
                    .min_by_key(|a| a.date.value);
                AckState {
                    person: person.id.value.clone(),
                    acknowledged: ack.map(|a| a.date.value),
                    method: ack.and_then(|a| a.method.as_ref().map(|m| m.value.clone())),
                    due: acknowledgement_due(person, approved, days),
                }
            })
            .collect()
    }
}
