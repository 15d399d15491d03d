//! What one ISMS shows for each requirement of a framework: the mapped ISO/IEC 27001:2022
//! clauses and Annex A controls with this ISMS's decision for each (applicability,
//! implementation status, owner, newest evidence and its age), the organisation's own answer,
//! and a coverage class per requirement rolled up per section.
//!
//! Clauses 4-10 are mandatory for every ISMS, so a mapped clause counts as in place (`isms
//! check` tests the clauses themselves). An Annex A control counts by its SoA entry.

use serde::Serialize;

use super::{Framework, IsoRef, Node};
use crate::model::{AnswerStatus, Date, FrameworkAnswer, ImplementationStatus, Isms};
use crate::yaml::Spanned;

/// How far the ISMS covers a requirement, by the mapping and the own answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoverageClass {
    /// Every mapped control is applicable and implemented (or the own answer says so).
    Covered,
    /// Some mapped controls are implemented or partly implemented, not all.
    Partly,
    /// Mapped only to controls that are excluded, planned, not implemented or missing from
    /// the SoA.
    ExcludedOrPlanned,
    /// No ISO/IEC 27001 reference: the requirement needs its own answer.
    NotMapped,
    /// The own answer says the requirement does not apply.
    NotApplicable,
}

impl CoverageClass {
    /// Every class, in roll-up order.
    pub const ALL: [CoverageClass; 5] = [
        CoverageClass::Covered,
        CoverageClass::Partly,
        CoverageClass::ExcludedOrPlanned,
        CoverageClass::NotMapped,
        CoverageClass::NotApplicable,
    ];

    /// The label used in documents.
    pub fn label(self) -> &'static str {
        match self {
            CoverageClass::Covered => "covered by implemented controls",
            CoverageClass::Partly => "partly",
            CoverageClass::ExcludedOrPlanned => "only by excluded or planned controls",
            CoverageClass::NotMapped => "not mapped to ISO — needs its own answer",
            CoverageClass::NotApplicable => "not applicable (own answer)",
        }
    }
}

/// The state of one mapped reference in this ISMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefState {
    /// A clause of 4-10 (mandatory).
    Clause,
    /// Applicable and implemented.
    Implemented,
    /// Applicable and partly implemented.
    Partial,
    /// Applicable, planned or not implemented, or without a status.
    NotYet,
    /// Excluded in the SoA.
    Excluded,
    /// No SoA entry, or the decision is still open.
    Undecided,
}

/// One mapped ISO reference with this ISMS's decision for it.
#[derive(Debug, Clone, Serialize)]
pub struct RefDecision {
    /// `6.1.2` or `A.5.15`.
    pub reference: String,
    /// The clause or control id without prefix.
    pub id: String,
    /// `clause` or `control`.
    pub kind: &'static str,
    /// The clause or control title.
    pub title: String,
    /// The mapping relationship.
    pub relationship: &'static str,
    /// Applicable in the SoA (controls only; `None` when not decided).
    pub applicable: Option<bool>,
    /// Implementation status word (`implemented`, `partial`, ...).
    pub status: Option<&'static str>,
    /// Control owner id.
    pub owner: Option<String>,
    /// Number of evidence items in the SoA entry.
    pub evidence: usize,
    /// Date of the newest evidence collected.
    pub evidence_newest: Option<Date>,
    /// Its age in days as of the evaluation date.
    pub evidence_age_days: Option<i64>,
    /// The state summarised.
    pub state: RefState,
}

/// The organisation's own answer, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    /// `implemented`, `partial`, `planned`, `not-applicable`.
    pub status: Option<&'static str>,
    /// Owner id.
    pub owner: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Evidence targets (path or URL), with the collection date when known.
    pub evidence: Vec<String>,
    /// Where the answer is written (`frameworks/nis2.yaml:12`).
    pub location: String,
}

/// One requirement with its coverage.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementCoverage {
    /// Requirement id.
    pub id: String,
    /// Top-level section id.
    pub section: String,
    /// One-line title (name or text).
    pub title: String,
    /// The mapped references with the decisions.
    pub refs: Vec<RefDecision>,
    /// The own answer, if recorded.
    pub answer: Option<AnswerView>,
    /// Coverage class.
    pub class: CoverageClass,
    /// Its label.
    pub class_label: &'static str,
}

/// Counts per class for a section (or the whole framework).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SectionRollup {
    /// Section id.
    pub id: String,
    /// Section title.
    pub title: String,
    /// Requirements in the section.
    pub requirements: usize,
    /// Covered by implemented controls.
    pub covered: usize,
    /// Partly.
    pub partly: usize,
    /// Only excluded or planned controls.
    pub excluded_or_planned: usize,
    /// Not mapped, needing an own answer (with or without one recorded).
    pub not_mapped: usize,
    /// Not applicable by own answer.
    pub not_applicable: usize,
    /// Requirements with an own answer recorded.
    pub answered: usize,
}

impl SectionRollup {
    /// Counts one requirement in.
    pub fn add(&mut self, r: &RequirementCoverage) {
        self.requirements += 1;
        match r.class {
            CoverageClass::Covered => self.covered += 1,
            CoverageClass::Partly => self.partly += 1,
            CoverageClass::ExcludedOrPlanned => self.excluded_or_planned += 1,
            CoverageClass::NotMapped => self.not_mapped += 1,
            CoverageClass::NotApplicable => self.not_applicable += 1,
        }
        if r.answer.is_some() {
            self.answered += 1;
        }
    }
}

/// A framework's coverage by one ISMS.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Framework id.
    pub framework: String,
    /// Framework name.
    pub name: String,
    /// Attribution lines, to be shown with the data.
    pub attribution: Vec<String>,
    /// The date evidence ages are computed at.
    pub as_of: String,
    /// Per requirement, in framework order.
    pub requirements: Vec<RequirementCoverage>,
    /// Per top-level section, in framework order.
    pub sections: Vec<SectionRollup>,
    /// The whole framework.
    pub total: SectionRollup,
}

/// ISO/IEC 27001:2022 clause titles for the clauses the mappings use (titles only).
pub fn clause_title(id: &str) -> &'static str {
    match id {
        "4.1" => "Understanding the organization and its context",
        "4.2" => "Understanding the needs and expectations of interested parties",
        "4.3" => "Determining the scope of the information security management system",
        "4.4" => "Information security management system",
        "5.1" => "Leadership and commitment",
        "5.2" => "Policy",
        "5.3" => "Organizational roles, responsibilities and authorities",
        "6.1" => "Actions to address risks and opportunities",
        "6.1.1" => "General",
        "6.1.2" => "Information security risk assessment",
        "6.1.3" => "Information security risk treatment",
        "6.2" => "Information security objectives and planning to achieve them",
        "6.3" => "Planning of changes",
        "7.1" => "Resources",
        "7.2" => "Competence",
        "7.3" => "Awareness",
        "7.4" => "Communication",
        "7.5" => "Documented information",
        "8.1" => "Operational planning and control",
        "8.2" => "Information security risk assessment",
        "8.3" => "Information security risk treatment",
        "9.1" => "Monitoring, measurement, analysis and evaluation",
        "9.2" => "Internal audit",
        "9.2.1" => "General",
        "9.2.2" => "Internal audit programme",
        "9.3" => "Management review",
        "9.3.1" => "General",
        "9.3.2" => "Management review inputs",
        "9.3.3" => "Management review results",
        "10.1" => "Continual improvement",
        "10.2" => "Nonconformity and corrective action",
        _ => "",
    }
}

fn status_word(s: ImplementationStatus) -> &'static str {
    match s {
        ImplementationStatus::Implemented => "implemented",
        ImplementationStatus::Partial => "partial",
        ImplementationStatus::Planned => "planned",
        ImplementationStatus::NotImplemented => "not-implemented",
    }
}

/// The decision for one reference.
pub fn decision(isms: &Isms, iso: &IsoRef, relationship: &'static str, today: Date) -> RefDecision {
    match iso {
        IsoRef::Clause(c) => RefDecision {
            reference: iso.label(),
            id: c.clone(),
            kind: "clause",
            title: clause_title(c).to_string(),
            relationship,
            applicable: Some(true),
            status: None,
            owner: None,
            evidence: 0,
            evidence_newest: None,
            evidence_age_days: None,
            state: RefState::Clause,
        },
        IsoRef::Control(c) => {
            let title = crate::catalogue::get(c).map_or_else(String::new, |k| k.title.clone());
            let entry = isms.soa_entry(c);
            let decided = entry.filter(|e| {
                e.applicable.is_some() && !e.proposed.as_ref().is_some_and(|p| p.value)
            });
            let status = entry.and_then(|e| e.status.as_ref().map(|s| s.value));
            let state = match decided {
                None => RefState::Undecided,
                Some(e) if !e.is_applicable() => RefState::Excluded,
                Some(_) => match status {
                    Some(ImplementationStatus::Implemented) => RefState::Implemented,
                    Some(ImplementationStatus::Partial) => RefState::Partial,
                    _ => RefState::NotYet,
                },
            };
            let newest = entry
                .into_iter()
                .flat_map(|e| e.evidence.iter())
                .filter_map(|ev| ev.collected.as_ref().map(|d| d.value))
                .max();
            RefDecision {
                reference: iso.label(),
                id: c.clone(),
                kind: "control",
                title,
                relationship,
                applicable: decided.map(|e| e.is_applicable()),
                status: status.map(status_word),
                owner: entry.and_then(|e| e.owner.as_ref().map(|o| o.value.clone())),
                evidence: entry.map_or(0, |e| e.evidence.len()),
                evidence_newest: newest,
                evidence_age_days: newest
                    .and_then(|d| d.0.until(today.0).ok())
                    .map(|span| i64::from(span.get_days())),
                state,
            }
        }
    }
}

/// The class of a requirement by its mapped references alone.
pub fn class_by_mapping(refs: &[RefDecision]) -> CoverageClass {
    if refs.is_empty() {
        return CoverageClass::NotMapped;
    }
    let controls: Vec<&RefDecision> = refs.iter().filter(|r| r.kind == "control").collect();
    let done = |r: &&RefDecision| r.state == RefState::Implemented;
    let some = |r: &&RefDecision| matches!(r.state, RefState::Implemented | RefState::Partial);
    if controls.iter().all(done) {
        CoverageClass::Covered
    } else if controls.iter().any(some) {
        CoverageClass::Partly
    } else {
        CoverageClass::ExcludedOrPlanned
    }
}

/// The own answer recorded for a requirement of a framework, with the file it is in.
pub fn answer<'a>(
    isms: &'a Isms,
    framework: &str,
    requirement: &str,
) -> Option<(&'a str, &'a Spanned<FrameworkAnswer>)> {
    isms.framework_answers
        .iter()
        .filter(|f| f.framework.value.eq_ignore_ascii_case(framework))
        .find_map(|f| {
            f.answers
                .iter()
                .find(|a| a.id.value == requirement)
                .map(|a| (f.path.as_str(), a))
        })
}

fn answer_view(isms: &Isms, path: &str, a: &Spanned<FrameworkAnswer>) -> AnswerView {
    let line = if a.span.line > 0 {
        format!("{path}:{}", a.span.line)
    } else {
        path.to_string()
    };
    let _ = isms;
    AnswerView {
        status: a.status.as_ref().map(|s| s.value.as_str()),
        owner: a.owner.as_ref().map(|o| o.value.clone()),
        notes: a.notes.as_ref().map(|n| n.value.trim().to_string()),
        evidence: a
            .evidence
            .iter()
            .filter_map(|e| {
                let target = e
                    .path
                    .as_ref()
                    .or(e.url.as_ref())
                    .map(|t| t.value.clone())?;
                Some(match &e.collected {
                    Some(c) => format!("{target} ({})", c.value),
                    None => target,
                })
            })
            .collect(),
        location: line,
    }
}

/// One requirement's coverage.
pub fn requirement(isms: &Isms, fw: &Framework, node: &Node, today: Date) -> RequirementCoverage {
    let refs: Vec<RefDecision> = fw
        .mapped(&node.id)
        .into_iter()
        .map(|m| decision(isms, &m.iso, m.relationship.as_str(), today))
        .collect();
    let own = answer(isms, &fw.id, &node.id);
    let by_mapping = class_by_mapping(&refs);
    let class = match own.and_then(|(_, a)| a.status.as_ref().map(|s| s.value)) {
        Some(AnswerStatus::Implemented) => CoverageClass::Covered,
        Some(AnswerStatus::Partial) => CoverageClass::Partly,
        Some(AnswerStatus::Planned) => CoverageClass::ExcludedOrPlanned,
        Some(AnswerStatus::NotApplicable) => CoverageClass::NotApplicable,
        None => by_mapping,
    };
    RequirementCoverage {
        id: node.id.clone(),
        section: fw.section_of(node).id.clone(),
        title: node.title().to_string(),
        refs,
        answer: own.map(|(p, a)| answer_view(isms, p, a)),
        class,
        class_label: class.label(),
    }
}

/// The coverage of a whole framework.
pub fn coverage(isms: &Isms, fw: &Framework, today: Date) -> Coverage {
    let requirements: Vec<RequirementCoverage> = fw
        .requirements()
        .map(|n| requirement(isms, fw, n, today))
        .collect();
    let mut sections: Vec<SectionRollup> = fw
        .nodes
        .iter()
        .filter(|n| n.parent.is_none())
        .map(|n| SectionRollup {
            id: n.id.clone(),
            title: n.title().to_string(),
            ..SectionRollup::default()
        })
        .collect();
    let mut total = SectionRollup {
        id: fw.id.clone(),
        title: fw.name.clone(),
        ..SectionRollup::default()
    };
    for r in &requirements {
        total.add(r);
        if let Some(s) = sections.iter_mut().find(|s| s.id == r.section) {
            s.add(r);
        }
    }
    sections.retain(|s| s.requirements > 0);
    Coverage {
        framework: fw.id.clone(),
        name: fw.name.clone(),
        attribution: fw.attribution.clone(),
        as_of: today.to_string(),
        requirements,
        sections,
        total,
    }
}
