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
