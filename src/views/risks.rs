//! The risk register as rows: levels through the methodology, a derived status, filters and
//! sort orders for `isms risks`.

use std::cmp::Ordering;

use serde::Serialize;

use super::{kebab, same_word};
use crate::model::{Date, Isms, Rating, RiskMethodology, fmt_level};
use crate::yaml::Spanned;

/// A level computed with the methodology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    /// The number the methodology gives (a score, or an annualised loss).
    pub value: f64,
    /// The band label when bands are defined, else the number as written.
    pub label: String,
    /// Whether the level is within the acceptance threshold.
    pub acceptable: bool,
    /// The rating is a proposal still marked `to_confirm:`.
    pub to_confirm: bool,
}

/// Where a risk stands in the treatment process, derived from its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskStatus {
    /// No inherent rating, or one the methodology cannot evaluate.
    Unrated,
    /// Rated, but no treatment option chosen.
    Untreated,
    /// Treatment chosen and plan actions still open.
    InTreatment,
    /// No open action, but the residual risk is not accepted by anyone.
    AwaitingAcceptance,
    /// The residual risk is accepted (and the acceptance has not lapsed).
    Accepted,
    /// The acceptance lapsed (`until` before the day of the view).
    AcceptanceLapsed,
}

impl RiskStatus {
    /// Every status, in process order.
    pub const ALL: [RiskStatus; 6] = [
        RiskStatus::Unrated,
        RiskStatus::Untreated,
        RiskStatus::InTreatment,
        RiskStatus::AwaitingAcceptance,
        RiskStatus::Accepted,
        RiskStatus::AcceptanceLapsed,
    ];

    /// The kebab-case name (`in-treatment`).
    pub fn as_str(self) -> &'static str {
        match self {
            RiskStatus::Unrated => "unrated",
            RiskStatus::Untreated => "untreated",
            RiskStatus::InTreatment => "in-treatment",
            RiskStatus::AwaitingAcceptance => "awaiting-acceptance",
            RiskStatus::Accepted => "accepted",
            RiskStatus::AcceptanceLapsed => "acceptance-lapsed",
        }
    }

    /// Parses a status name typed on the command line.
    pub fn parse(s: &str) -> Option<RiskStatus> {
        Self::ALL.into_iter().find(|x| same_word(x.as_str(), s))
    }
}

/// Who accepted the residual risk, and until when.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceSummary {
    /// Person ids of everyone who accepted.
    pub by: Vec<String>,
    /// Date of the acceptance.
    pub on: Option<Date>,
    /// Date it lapses.
    pub until: Option<Date>,
}

/// One risk of the register.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRow {
    /// Risk id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Person id of the owner.
    pub owner: Option<String>,
    /// Level before treatment.
    pub inherent: Option<Level>,
    /// Level after treatment.
    pub residual: Option<Level>,
    /// Treatment option (`mitigate`, `accept`, `transfer`, `avoid`).
    pub treatment: Option<String>,
    /// Derived status.
    pub status: RiskStatus,
    /// Annex A control ids that treat it, as written.
    pub controls: Vec<String>,
    /// Acceptance of the residual risk.
    pub acceptance: Option<AcceptanceSummary>,
    /// Open treatment actions.
    pub open_actions: usize,
    /// The earliest due date of an open treatment action.
    pub next_due: Option<Date>,
}

impl RiskRow {
    /// The level that describes the risk now: residual once rated, else inherent.
    pub fn current_level(&self) -> Option<&Level> {
        self.residual.as_ref().or(self.inherent.as_ref())
    }
}

fn level(m: Option<&RiskMethodology>, r: Option<&Spanned<Rating>>) -> Option<Level> {
    let (m, r) = (m?, r?);
    let value = m.evaluate(r.likelihood.value, r.impact.value).ok()?;
    Some(Level {
        value,
        label: m
            .band(value)
            .map_or_else(|| fmt_level(value), str::to_string),
        acceptable: m.is_acceptable(value),
        to_confirm: r.to_confirm,
    })
}

/// Every risk of the register as a row, in register order. `as_of` decides whether an
/// acceptance has lapsed.
pub fn rows(model: &Isms, as_of: Date) -> Vec<RiskRow> {
    let m = model.methodology();
    model
        .risks
        .iter()
        .map(|r| {
            let inherent = level(m, r.inherent.as_ref());
            let residual = level(m, r.residual.as_ref());
            let open: Vec<_> = r.plan.iter().filter(|a| a.status.value.is_open()).collect();
            let acceptance = r.acceptance.as_ref().map(|a| AcceptanceSummary {
                by: a.acceptors().map(|p| p.value.clone()).collect(),
                on: a.on.as_ref().map(|d| d.value),
                until: a.until.as_ref().map(|d| d.value),
            });
            let accepted = acceptance.as_ref().filter(|a| !a.by.is_empty());
            let status = if inherent.is_none() {
                RiskStatus::Unrated
            } else if r.treatment.is_none() {
                RiskStatus::Untreated
            } else if !open.is_empty() {
                RiskStatus::InTreatment
            } else if let Some(a) = accepted {
                if a.until.is_some_and(|u| u < as_of) {
                    RiskStatus::AcceptanceLapsed
                } else {
                    RiskStatus::Accepted
                }
            } else {
                RiskStatus::AwaitingAcceptance
            };
            RiskRow {
                id: r.id.value.clone(),
                title: r.title.value.clone(),
                owner: r.owner.as_ref().map(|o| o.value.clone()),
                inherent,
                residual,
                treatment: r.treatment.as_ref().map(|t| kebab(&t.value)),
                status,
                controls: r.controls.iter().map(|c| c.value.clone()).collect(),
                acceptance,
                open_actions: open.len(),
                next_due: open.iter().filter_map(|a| a.effective_due()).min(),
            }
        })
        .collect()
}

/// Filters of `isms risks`; they combine (a risk is listed when it matches all).
#[derive(Debug, Clone, Default)]
pub struct RiskFilter {
    /// Owner person id.
    pub owner: Option<String>,
    /// Band label or level number of the current level (residual, else inherent).
    pub level: Option<String>,
    /// Treatment option.
    pub treatment: Option<String>,
    /// Derived status.
    pub status: Option<RiskStatus>,
    /// A control the risk is treated by (`5.10` matches `5.10` and `A.5.10`, never `5.1`).
    pub control: Option<String>,
}

impl RiskFilter {
    /// Whether `row` passes every filter given.
    pub fn matches(&self, row: &RiskRow) -> bool {
        let norm = crate::catalogue::normalize_id;
        self.owner.as_ref().is_none_or(|o| {
            row.owner
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(o))
        }) && self.level.as_ref().is_none_or(|l| {
            row.current_level().is_some_and(|lv| {
                same_word(&lv.label, l) || l.trim().parse::<f64>().is_ok_and(|n| n == lv.value)
            })
        }) && self.treatment.as_ref().is_none_or(|t| {
            row.treatment.as_deref().is_some_and(|x| same_word(x, t))
                    // The format's aliases for the options (ISO's own words).
                    || matches!(
                        (row.treatment.as_deref(), t.trim().to_ascii_lowercase().as_str()),
                        (Some("mitigate"), "modify" | "reduce")
                            | (Some("accept"), "retain")
                            | (Some("transfer"), "share")
                    )
        }) && self.status.is_none_or(|s| row.status == s)
            && self
                .control
                .as_ref()
                .is_none_or(|c| row.controls.iter().any(|x| norm(x) == norm(c)))
    }
}

/// Sort orders of `isms risks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RiskSort {
    /// Register order by id (numeric parts compare as numbers: `R-9` before `R-10`).
    #[default]
    Id,
    /// Inherent level, highest first.
    Level,
    /// Residual level, highest first.
    Residual,
    /// Owner id, then id.
    Owner,
    /// Earliest open action first; risks with nothing due last.
    Due,
}

/// Compares ids with numbers inside them numerically (`R-9` < `R-10`).
fn cmp_ids(a: &str, b: &str) -> Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let o = match (x, y) {
            ((true, x), (true, y)) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

/// Highest level first; unrated last.
fn cmp_level_desc(a: Option<&Level>, b: Option<&Level>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.value.total_cmp(&a.value),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Sorts rows in place; ties fall back to the id so the order is total.
pub fn sort(rows: &mut [RiskRow], by: RiskSort) {
    rows.sort_by(|a, b| {
        let primary = match by {
            RiskSort::Id => Ordering::Equal,
            RiskSort::Level => cmp_level_desc(a.inherent.as_ref(), b.inherent.as_ref()),
            RiskSort::Residual => cmp_level_desc(a.residual.as_ref(), b.residual.as_ref()),
            RiskSort::Owner => match (&a.owner, &b.owner) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            RiskSort::Due => match (a.next_due, b.next_due) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        primary.then_with(|| cmp_ids(&a.id, &b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_with_numbers_as_numbers() {
        let mut ids = vec!["R-10", "R-9", "R-009a", "R-1", "A"];
        ids.sort_by(|a, b| cmp_ids(a, b));
        assert_eq!(ids, ["A", "R-1", "R-9", "R-009a", "R-10"]);
    }

    #[test]
    fn statuses_parse_loosely() {
        assert_eq!(
            RiskStatus::parse("In treatment"),
            Some(RiskStatus::InTreatment)
        );
        assert_eq!(RiskStatus::parse("closed"), None);
    }
}
