//! The Statement of Applicability as rows, with the filters of `isms soa`.

use serde::Serialize;

use super::{kebab, same_word};
use crate::catalogue::{self, Theme};
use crate::model::Isms;

/// One control of the SoA.
#[derive(Debug, Clone, Serialize)]
pub struct SoaRow {
    /// Control id as text (`5.10`).
    pub id: String,
    /// Title: the catalogue's, or as written for an id the catalogue does not know.
    pub title: String,
    /// Theme from the catalogue (`organizational`, ...), when the id is an Annex A control.
    pub theme: Option<String>,
    /// `applicable:` as written (`None` when undecided).
    pub applicable: Option<bool>,
    /// The decision is only a proposal nobody has confirmed (`proposed: true`).
    pub proposed: bool,
    /// Why included or excluded.
    pub justification: Option<String>,
    /// Implementation status (`implemented`, `partial`, `planned`, `not-implemented`).
    pub status: Option<String>,
    /// Person id of the control owner.
    pub owner: Option<String>,
    /// Risk ids it treats.
    pub risks: Vec<String>,
    /// Policy or procedure ids that describe it.
    pub policies: Vec<String>,
    /// Evidence items recorded.
    pub evidence: usize,
}

/// Every SoA entry as a row, in control id order (`5.9` before `5.10`).
pub fn rows(model: &Isms) -> Vec<SoaRow> {
    let mut rows: Vec<SoaRow> = model
        .soa_entries()
        .map(|e| {
            let id = catalogue::normalize_id(&e.id.value);
            let known = catalogue::get(&id);
            SoaRow {
                title: known.map_or_else(
                    || {
                        e.title
                            .as_ref()
                            .map(|t| t.value.clone())
                            .unwrap_or_default()
                    },
                    |c| c.title.clone(),
                ),
                theme: known.map(|c| c.theme.as_str().to_lowercase()),
                id: e.id.value.clone(),
                applicable: e.applicable.as_ref().map(|a| a.value),
                proposed: e.proposed.as_ref().is_some_and(|p| p.value),
                justification: e.justification.as_ref().map(|j| j.value.clone()),
                status: e.status.as_ref().map(|s| kebab(&s.value)),
                owner: e.owner.as_ref().map(|o| o.value.clone()),
                risks: e.risks.iter().map(|r| r.value.clone()).collect(),
                policies: e.policies.iter().map(|p| p.value.clone()).collect(),
                evidence: e.evidence.iter().count(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        catalogue::compare_ids(
            &catalogue::normalize_id(&a.id),
            &catalogue::normalize_id(&b.id),
        )
    });
    rows
}

/// Filters of `isms soa`; they combine.
#[derive(Debug, Clone, Default)]
pub struct SoaFilter {
    /// `Some(true)`: only applicable controls; `Some(false)`: only excluded ones.
    pub applicable: Option<bool>,
    /// Implementation status, as the format writes it.
    pub status: Option<String>,
    /// Annex A theme.
    pub theme: Option<Theme>,
}

impl SoaFilter {
    /// Whether `row` passes every filter given.
    pub fn matches(&self, row: &SoaRow) -> bool {
        self.applicable.is_none_or(|a| row.applicable == Some(a))
            && self.status.as_ref().is_none_or(|s| {
                row.status.as_deref().is_some_and(|x| {
                    same_word(x, s) || (x == "partial" && same_word(s, "partially-implemented"))
                })
            })
            && self
                .theme
                .is_none_or(|t| row.theme.as_deref() == Some(t.as_str().to_lowercase().as_str()))
    }
}

/// The implementation statuses the format accepts, for `--status` and its error message.
pub const STATUSES: [&str; 4] = ["implemented", "partial", "planned", "not-implemented"];
