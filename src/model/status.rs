//! Derived statuses: what follows from the records and the as-of date (whether a risk's
//! residual risk still needs an acceptance, whether an action is overdue, whether a piece of
//! evidence has expired, when a document is due for review).
//!
//! `isms check` reports them as findings and `isms render` shows them in the documents; both
//! call these functions, so a document never calls a risk "not accepted" that `check` finds
//! fine, or the other way round.

use super::Isms;
use super::common::{Acceptance, Action, Date, EvidenceRef};
use super::manifest::{AcceptanceAuthority, RiskMethodology};
use super::registers::{Nonconformity, Rating, RecordStatus, Risk, Treatment};
use crate::source::Span;
use crate::yaml::Spanned;

/// What a risk needs in the way of residual-risk acceptance (6.1.3 f), as of a date.
#[derive(Debug, Clone)]
pub enum RiskAcceptance<'a> {
    /// Nothing to accept: the risk is avoided, has no rating to accept, there is no
    /// methodology to evaluate it against, or it is untreated above the criteria (it needs a
    /// treatment decision first, which RSK-06 reports).
    NotRequired,
    /// Treated (mitigate or transfer) but without a residual rating: there is nothing to
    /// accept yet. The span is the treatment's.
    NoResidual(Span),
    /// A residual risk that must be accepted; `problems` is empty when it is.
    Required(AcceptanceNeed<'a>),
}

/// The acceptance a risk needs and what is wrong with the one recorded.
#[derive(Debug, Clone)]
pub struct AcceptanceNeed<'a> {
    /// The rating that remains: the residual one, or the inherent one of a retained risk.
    pub remaining: &'a Spanned<Rating>,
    /// Its level under the methodology, when it can be evaluated.
    pub level: Option<f64>,
    /// Whether that level is above the acceptance threshold.
    pub above: bool,
    /// The escalated authority the methodology names for the level, if any.
    pub authority: Option<&'a Spanned<AcceptanceAuthority>>,
    /// The risk owner, when it names someone known.
    pub owner: Option<&'a str>,
    /// Why the recorded acceptance does not count, each with the span it is about.
    pub problems: Vec<(AcceptanceProblem, Span)>,
}

/// Why a recorded acceptance does not accept the residual risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptanceProblem {
    /// No acceptance is recorded.
    Missing,
    /// The acceptance lacks parts: "names no one", "has no date", "gives no rationale".
    Incomplete(Vec<&'static str>),
    /// Accepted by someone the methodology does not give the decision to (the message says
    /// who should have).
    WrongAcceptor(String),
    /// The acceptance's `until:` date has passed.
    Lapsed(Date),
    /// The acceptance runs longer than the methodology's `acceptance_max_months` allows, or
    /// has no `until:` date although the methodology limits how long acceptances hold.
    TooLong {
        /// The methodology's maximum.
        months: u32,
        /// The acceptance's `until:` date, if it has one.
        until: Option<Date>,
    },
    /// The acceptance is dated before the assessment it accepts.
    Predates {
        /// Date of the acceptance.
        on: Date,
        /// Date of the assessment.
        assessed: Date,
    },
}

impl AcceptanceProblem {
    /// A short description for documents, e.g. "not accepted" or "acceptance lapsed on …".
    pub fn short(&self) -> String {
        match self {
            AcceptanceProblem::Missing => "not accepted".to_string(),
            AcceptanceProblem::Incomplete(parts) => {
                format!("acceptance incomplete ({})", parts.join(", "))
            }
            AcceptanceProblem::WrongAcceptor(m) => format!("not accepted by the right person: {m}"),
            AcceptanceProblem::Lapsed(d) => format!("acceptance lapsed on {d}"),
            AcceptanceProblem::TooLong { months, until } => match until {
                Some(u) => format!("acceptance runs until {u}, beyond the {months} months allowed"),
                None => format!("acceptance has no end date (at most {months} months allowed)"),
            },
            AcceptanceProblem::Predates { on, assessed } => {
                format!("acceptance of {on} predates the assessment of {assessed}")
            }
        }
    }
}

impl RiskAcceptance<'_> {
    /// Whether the residual risk is accepted or needs no acceptance.
    pub fn is_fine(&self) -> bool {
        match self {
            RiskAcceptance::NotRequired => true,
            RiskAcceptance::NoResidual(_) => false,
            RiskAcceptance::Required(n) => n.problems.is_empty(),
        }
    }

    /// Whether an acceptance is required (whatever its state).
    pub fn is_required(&self) -> bool {
        matches!(self, RiskAcceptance::Required(_))
    }

    /// Short descriptions of what is wrong, empty when nothing is.
    pub fn problems(&self) -> Vec<String> {
        match self {
            RiskAcceptance::NotRequired => Vec::new(),
            RiskAcceptance::NoResidual(_) => vec!["no residual rating to accept".to_string()],
            RiskAcceptance::Required(n) => n.problems.iter().map(|(p, _)| p.short()).collect(),
        }
    }
}

/// The rating of what remains after treatment: the residual rating, or the inherent one for
/// a risk that is retained (treatment `accept`, or no treatment chosen) and states no
/// residual. `None` for an avoided risk or a treated one without a residual rating.
pub fn remaining(r: &Risk) -> Option<&Spanned<Rating>> {
    match (&r.residual, r.treatment.as_ref().map(|t| t.value)) {
        (Some(res), _) => Some(res),
        (None, None | Some(Treatment::Accept)) => r.inherent.as_ref(),
        _ => None,
    }
}

/// The level of a rating under the methodology, when it can be evaluated.
pub fn level(m: &RiskMethodology, r: &Rating) -> Option<f64> {
    m.evaluate(r.likelihood.value, r.impact.value).ok()
}

impl Isms {
    /// Whether the person (or role) with this id is top management, directly or because every
    /// holder of the role is.
    pub fn is_top_management_party(&self, id: &str) -> bool {
        self.is_top_management(id)
            || self.manifest.as_ref().is_some_and(|m| {
                m.roles.iter().any(|r| {
                    r.id.value == id
                        && !r.holders.is_empty()
                        && r.holders.iter().all(|h| self.is_top_management(&h.value))
                })
            })
    }

    /// Whether `person` belongs to an escalated acceptance authority.
    pub fn in_authority(&self, a: &AcceptanceAuthority, person: &str) -> bool {
        (a.top_management && self.is_top_management_party(person))
            || a.by.iter().any(|p| self.acts_as(person, &p.value))
    }

    /// What the risk needs in the way of residual-risk acceptance as of `today`: the one
    /// computation behind RSK-10 and the "residual risk accepted" of the risk documents.
    pub fn risk_acceptance<'a>(&'a self, r: &'a Spanned<Risk>, today: Date) -> RiskAcceptance<'a> {
        let Some(m) = self.methodology() else {
            return RiskAcceptance::NotRequired;
        };
        let treatment = r.treatment.as_ref().map(|t| t.value);
        if let Some(t) = &r.treatment
            && r.residual.is_none()
            && t.value != Treatment::Accept
            && t.value != Treatment::Avoid
        {
            return RiskAcceptance::NoResidual(t.span);
        }
        let Some(rem) = remaining(r) else {
            return RiskAcceptance::NotRequired;
        };
        let lvl = level(m, rem);
        // An untreated risk above the criteria needs a treatment decision first (RSK-06).
        if treatment.is_none() && lvl.is_none_or(|l| !m.is_acceptable(l)) {
            return RiskAcceptance::NotRequired;
        }
        let above = lvl.is_some_and(|l| !m.is_acceptable(l));
        let authority = lvl.and_then(|l| m.authority_for(l));
        // An owner that names nobody is a dangling reference (LOAD-013): comparing the
        // acceptor with it would only restate that finding.
        let owner = r
            .owner
            .as_ref()
            .map(|o| o.value.as_str())
            .filter(|o| !o.trim().is_empty() && !self.holders(o).is_empty());
        let mut problems = Vec::new();
        match &r.acceptance {
            None => problems.push((AcceptanceProblem::Missing, rem.span)),
            Some(a) => {
                let mut parts = Vec::new();
                if a.by.is_none() {
                    parts.push("names no one");
                }
                if a.on.is_none() {
                    parts.push("has no date");
                }
                if above
                    && a.rationale
                        .as_ref()
                        .is_none_or(|s| s.value.trim().is_empty())
                {
                    parts.push("gives no rationale");
                }
                if !parts.is_empty() {
                    problems.push((AcceptanceProblem::Incomplete(parts), a.span));
                }
                if let Some(by) = &a.by
                    && let Some(p) = self.acceptor_problem(a, authority, owner)
                {
                    problems.push((AcceptanceProblem::WrongAcceptor(p), by.span));
                }
                if let Some(until) = &a.until
                    && until.value < today
                {
                    problems.push((AcceptanceProblem::Lapsed(until.value), until.span));
                }
                if let Some(months) = m.acceptance_max_months
                    && let Some(on) = &a.on
                {
                    let until = a.until.as_ref().map(|u| u.value);
                    if until.is_none_or(|u| u > on.value.add_months(months)) {
                        let span = a.until.as_ref().map_or(a.span, |u| u.span);
                        problems.push((AcceptanceProblem::TooLong { months, until }, span));
                    }
                }
                if let (Some(on), Some(assessed)) = (&a.on, self.risk_assessed(r))
                    && on.value < assessed.value
                {
                    problems.push((
                        AcceptanceProblem::Predates {
                            on: on.value,
                            assessed: assessed.value,
                        },
                        on.span,
                    ));
                }
            }
        }
        RiskAcceptance::Required(AcceptanceNeed {
            remaining: rem,
            level: lvl,
            above,
            authority,
            owner,
            problems,
        })
    }

    /// Why `acceptance` of the residual risk of `risk` would not satisfy the acceptor test of
    /// [`Isms::risk_acceptance`] (the risk owner, or the authority the methodology names for
    /// the remaining level): for commands that record an acceptance before it is written.
    pub fn acceptance_refusal(&self, risk: &Risk, acceptance: &Acceptance) -> Option<String> {
        let m = self.methodology()?;
        let lvl = remaining(risk).and_then(|rem| level(m, rem));
        let authority = lvl.and_then(|l| m.authority_for(l));
        let owner = risk
            .owner
            .as_ref()
            .map(|o| o.value.as_str())
            .filter(|o| !o.trim().is_empty() && !self.holders(o).is_empty());
        self.acceptor_problem(acceptance, authority, owner)
    }

    /// Why the people recorded on an acceptance are not the ones the methodology asks for, if
    /// they are not: the risk owner, or for an escalated level the named authority together
    /// with (or on behalf of) the owner.
    fn acceptor_problem(
        &self,
        a: &Acceptance,
        authority: Option<&Spanned<AcceptanceAuthority>>,
        owner: Option<&str>,
    ) -> Option<String> {
        let acceptors: Vec<&str> = a.acceptors().map(|p| p.value.as_str()).collect();
        let names = join_and(&acceptors);
        let by_owner = |o: &str| acceptors.iter().any(|p| self.acts_as(p, o));
        match (authority, owner) {
            (None, None) => None,
            (None, Some(o)) if by_owner(o) => None,
            (None, Some(o)) => Some(format!(
                "it was accepted by {names}, not by the risk owner {o}"
            )),
            (Some(auth), o) => {
                let mut p = Vec::new();
                if !acceptors.iter().any(|x| self.in_authority(auth, x)) {
                    p.push(format!(
                        "at this level the methodology asks for acceptance by {}, but it was accepted by {names}",
                        describe_authority(auth)
                    ));
                }
                if let Some(o) = o {
                    let behalf = a
                        .on_behalf_of
                        .as_ref()
                        .is_some_and(|b| self.acts_as(&b.value, o) || b.value == o);
                    if !by_owner(o) && !behalf {
                        p.push(format!(
                            "the risk owner {o} is not recorded (as an acceptor under `also_by:` or under `on_behalf_of:`)"
                        ));
                    }
                }
                let p: Vec<&str> = p.iter().map(String::as_str).collect();
                (!p.is_empty()).then(|| join_and(&p))
            }
        }
    }

    /// Whether an open nonconformity's corrective action is past its due date (after
    /// re-plans) as of `today`.
    pub fn nonconformity_overdue(n: &Nonconformity, today: Date) -> bool {
        n.status.value != RecordStatus::Closed && n.effective_due().is_some_and(|d| d < today)
    }
}

/// Whether an open action is past its due date (after re-plans) as of `today`: RSK-14 and
/// the review-action rule report it, the documents flag it "overdue".
pub fn action_overdue(a: &Action, today: Date) -> bool {
    a.status.value.is_open() && a.effective_due().is_some_and(|d| d < today)
}

/// Whether a piece of evidence has expired as of `today`. The expiry day itself is still
/// valid, as for waivers and the evidence layer.
pub fn evidence_expired(e: &EvidenceRef, today: Date) -> bool {
    e.expires.as_ref().is_some_and(|x| x.value < today)
}

/// Whether a competence record has expired as of `today` (the expiry day itself still
/// counts): SUP-01 no longer accepts it and the competence records flag it.
pub fn competence_expired(c: &super::registers::CompetenceRecord, today: Date) -> bool {
    c.expires.as_ref().is_some_and(|e| e.value < today)
}

/// Who an escalated acceptance authority is, for messages.
pub fn describe_authority(a: &AcceptanceAuthority) -> String {
    let mut who: Vec<String> = a.by.iter().map(|p| p.value.clone()).collect();
    if a.top_management {
        who.push("top management".to_string());
    }
    if who.is_empty() {
        "nobody".to_string()
    } else {
        who.join(" or ")
    }
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
