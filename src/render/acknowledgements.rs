//! The acknowledgements of a policy's current version, for the rendered policy (7.3, A.5.1).

use serde::Serialize;

use super::views::Ctx;
use crate::model::{Date, Policy};

/// One person's line.
#[derive(Debug, Clone, Serialize)]
pub struct AckRow {
    /// Name (or id).
    pub person: String,
    /// When acknowledged; none when not yet.
    pub date: Option<Date>,
    /// How.
    pub method: Option<String>,
    pub due: Date,
    /// Past due without an acknowledgement.
    pub overdue: bool,
}

/// The acknowledgements of the current version.
#[derive(Debug, Clone, Serialize)]
pub struct AckView {
    /// The version acknowledged.
    pub version: Option<String>,
    pub approved: Date,
    /// People who owe an acknowledgement.
    pub expected: usize,
    /// Of them, those who gave it.
    pub acknowledged: usize,
    /// Rounded-down percentage.
    pub percent: usize,
    /// Per person, in the order of `people:`.
    pub people: Vec<AckRow>,
}

/// The view, when the organisation keeps an acknowledgements register and the policy is
/// approved.
pub(crate) fn view(ctx: &Ctx<'_>, p: &Policy) -> Option<AckView> {
    let m = ctx.isms;
    if !m.has_acknowledgements() {
        return None;
    }
    let today = Date(ctx.opts.as_of);
    let approved = p
        .approval
        .on
        .as_ref()
        .map(|o| o.value)
        .filter(|d| *d <= today && p.approval.by.is_some())?;
    let states = m.acknowledgement_states(p, approved, today);
    let acknowledged = states.iter().filter(|s| s.acknowledged.is_some()).count();
    Some(AckView {
        version: p.version.as_ref().map(|v| v.value.clone()),
        approved,
        expected: states.len(),
        acknowledged,
        percent: (acknowledged * 100)
            .checked_div(states.len())
            .unwrap_or(100),
        people: states
            .iter()
            .map(|s| AckRow {
                person: m
                    .person(&s.person)
                    .map_or(s.person.clone(), |p| p.name.value.clone()),
                date: s.acknowledged,
                method: s.method.clone(),
                due: s.due,
                overdue: s.acknowledged.is_none() && s.due < today,
            })
            .collect(),
    })
}
