//! One Annex A control as this ISMS decided it (`isms controls ID` inside an ISMS): the SoA
//! entry, the risks it treats, the documents that cite it, its evidence and what `isms check`
//! says about it.

use serde::Serialize;

use super::kebab;
use super::risks::{self, Level};
use crate::catalogue;
use crate::checks::Outcome;
use crate::diagnostic::Severity;
use crate::model::{Date, Document, Isms};

/// A risk linked to the control, with its levels.
#[derive(Debug, Clone, Serialize)]
pub struct LinkedRisk {
    /// Risk id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Level before treatment.
    pub inherent: Option<Level>,
    /// Level after treatment.
    pub residual: Option<Level>,
    /// How the link is recorded: `soa` (the entry's `risks:`), `risk` (the risk's
    /// `controls:`) or `both`.
    pub linked_by: &'static str,
}

/// A policy or procedure that cites the control in its `controls:`.
#[derive(Debug, Clone, Serialize)]
pub struct CitingDocument {
    /// Document id.
    pub id: String,
    /// Title.
    pub title: String,
    /// File, relative to the ISMS root.
    pub path: String,
}

/// One evidence item of the control, dated relative to the day of the view.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceItem {
    /// File path or URL.
    pub what: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// When it was collected.
    pub collected: Option<Date>,
    /// Days since it was collected.
    pub age_days: Option<i64>,
    /// When it stops being valid.
    pub expires: Option<Date>,
    /// Days until it expires (negative once expired).
    pub expires_in_days: Option<i64>,
}

/// A finding of `isms check` about the control.
#[derive(Debug, Clone, Serialize)]
pub struct ControlFinding {
    /// Rule code.
    pub code: String,
    /// Severity after configuration.
    pub severity: Severity,
    /// Message.
    pub message: String,
    /// `path:line`, when located.
    pub location: Option<String>,
    /// A waiver accepts it.
    pub waived: bool,
}

/// The control's decision in this ISMS.
#[derive(Debug, Clone, Serialize)]
pub struct ControlDecision {
    /// The control id as written in the SoA (or as asked, when the SoA does not list it).
    pub id: String,
    /// The SoA lists the control.
    pub in_soa: bool,
    /// `applicable:` (`None` when undecided or not listed).
    pub applicable: Option<bool>,
    /// The decision is only a proposal (`proposed: true`).
    pub proposed: bool,
    /// Why included or excluded.
    pub justification: Option<String>,
    /// Kinds of reason (`risk`, `legal`, ...).
    pub reasons: Vec<String>,
    /// Implementation status.
    pub status: Option<String>,
    /// Person id of the control owner.
    pub owner: Option<String>,
    /// How it is implemented.
    pub implementation: Option<String>,
    /// Risks it treats.
    pub risks: Vec<LinkedRisk>,
    /// Policies and procedures that cite it.
    pub documents: Vec<CitingDocument>,
    /// Evidence that it operates.
    pub evidence: Vec<EvidenceItem>,
    /// What `isms check` reports about it.
    pub findings: Vec<ControlFinding>,
}

/// The decision about control `id` (a 2022 id, already normalised) in `model`, with the
/// findings of `outcome` whose record is the control.
pub fn decision(model: &Isms, outcome: &Outcome, id: &str, as_of: Date) -> ControlDecision {
    let same = |x: &str| catalogue::normalize_id(x) == id;
    let entry = model.soa_entries().find(|e| same(&e.id.value));

    let rows = risks::rows(model, as_of);
    let from_soa: Vec<&str> = entry
        .map(|e| e.risks.iter().map(|r| r.value.as_str()).collect())
        .unwrap_or_default();
    let linked = rows
        .into_iter()
        .filter_map(|r| {
            let by_risk = r.controls.iter().any(|c| same(c));
            let by_soa = from_soa.contains(&r.id.as_str());
            let linked_by = match (by_soa, by_risk) {
                (true, true) => "both",
                (true, false) => "soa",
                (false, true) => "risk",
                (false, false) => return None,
            };
            Some(LinkedRisk {
                id: r.id,
                title: r.title,
                inherent: r.inherent,
                residual: r.residual,
                linked_by,
            })
        })
        .collect();

    let mut documents = Vec::new();
    let mut cite = |d: &dyn Document, controls: &[crate::model::Id]| {
        if controls.iter().any(|c| same(&c.value)) {
            documents.push(CitingDocument {
                id: d.id().value.clone(),
                title: d.title().value.clone(),
                path: model.location(d.id().span).path,
            });
        }
    };
    for p in &model.policies {
        cite(p, &p.controls);
    }
    for p in &model.procedures {
        cite(p, &p.controls);
    }

    let evidence = entry
        .map(|e| {
            e.evidence
                .iter()
                .map(|ev| EvidenceItem {
                    what: ev
                        .path
                        .as_ref()
                        .or(ev.url.as_ref())
                        .map(|p| p.value.clone()),
                    description: ev.description.clone(),
                    collected: ev.collected.as_ref().map(|d| d.value),
                    age_days: ev.collected.as_ref().map(|d| d.value.days_until(as_of)),
                    expires: ev.expires.as_ref().map(|d| d.value),
                    expires_in_days: ev.expires.as_ref().map(|d| as_of.days_until(d.value)),
                })
                .collect()
        })
        .unwrap_or_default();

    let findings = outcome
        .findings
        .iter()
        .filter(|f| f.diagnostic.record.as_deref().is_some_and(same))
        .map(|f| ControlFinding {
            code: f.diagnostic.code.clone(),
            severity: f.diagnostic.severity,
            message: f.diagnostic.message.clone(),
            location: f
                .diagnostic
                .location
                .as_ref()
                .map(|l| format!("{}:{}", l.path, l.line)),
            waived: f.waiver.is_some(),
        })
        .collect();

    ControlDecision {
        id: entry.map_or_else(|| id.to_string(), |e| e.id.value.clone()),
        in_soa: entry.is_some(),
        applicable: entry.and_then(|e| e.applicable.as_ref().map(|a| a.value)),
        proposed: entry.is_some_and(|e| e.proposed.as_ref().is_some_and(|p| p.value)),
        justification: entry.and_then(|e| e.justification.as_ref().map(|j| j.value.clone())),
        reasons: entry
            .map(|e| e.reasons.iter().map(|r| kebab(&r.value)).collect())
            .unwrap_or_default(),
        status: entry.and_then(|e| e.status.as_ref().map(|s| kebab(&s.value))),
        owner: entry.and_then(|e| e.owner.as_ref().map(|o| o.value.clone())),
        implementation: entry.and_then(|e| e.implementation.clone()),
        risks: linked,
        documents,
        evidence,
        findings,
    }
}
