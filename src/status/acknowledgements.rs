//! The policy acknowledgement rate (7.3, A.5.1, A.6.3): of the acknowledgements the people
//! with the organisation owe for the current version of each approved policy, how many are
//! recorded, and how many are overdue.

use serde::Serialize;

use crate::model::{Date, Isms};

/// One policy's acknowledgements.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRate {
    /// Policy id.
    pub policy: String,
    /// Current version.
    pub version: Option<String>,
    /// Approval date of the current version.
    pub approved: Date,
    /// People who owe an acknowledgement.
    pub expected: usize,
    /// Of them, those who acknowledged the current version.
    pub acknowledged: usize,
    /// Those past their due date without one.
    pub overdue: Vec<String>,
}

/// The acknowledgement rate over all approved policies.
#[derive(Debug, Clone, Serialize)]
pub struct AcknowledgementRate {
    /// Acknowledgements owed (policies × people with the organisation).
    pub expected: usize,
    /// Acknowledgements recorded for the current versions.
    pub acknowledged: usize,
    /// `acknowledged * 100 / expected`, rounded down (100 when nothing is owed).
    pub percent: usize,
    /// Owed and past due.
    pub overdue: usize,
    /// Per policy, in path order.
    pub policies: Vec<PolicyRate>,
}

/// The rate as of `as_of`; `None` when the organisation keeps no acknowledgements register.
pub fn rate(model: &Isms, as_of: Date) -> Option<AcknowledgementRate> {
    if !model.has_acknowledgements() {
        return None;
    }
    let mut policies = Vec::new();
    for (p, approved) in model.approved_policies(as_of) {
        let states = model.acknowledgement_states(p, approved, as_of);
        policies.push(PolicyRate {
            policy: p.id.value.clone(),
            version: p.version.as_ref().map(|v| v.value.clone()),
            approved,
            expected: states.len(),
            acknowledged: states.iter().filter(|s| s.acknowledged.is_some()).count(),
            overdue: states
                .iter()
                .filter(|s| s.acknowledged.is_none() && s.due < as_of)
                .map(|s| s.person.clone())
                .collect(),
        });
    }
    let expected = policies.iter().map(|p| p.expected).sum();
    let acknowledged = policies.iter().map(|p| p.acknowledged).sum();
    let overdue = policies.iter().map(|p| p.overdue.len()).sum();
    Some(AcknowledgementRate {
        expected,
        acknowledged,
        percent: (acknowledged * 100).checked_div(expected).unwrap_or(100),
        overdue,
        policies,
    })
}
