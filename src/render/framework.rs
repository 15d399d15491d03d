//! The coverage document of another framework (`isms render --framework nis2`): per
//! requirement the mapped ISO/IEC 27001:2022 references with this ISMS's decisions, the own
//! answer, and a roll-up per section. Mapped controls are shown as relevant evidence, never as
//! fulfilment.

use serde::Serialize;

use super::table::{Cell, Column, Table};
use super::views::Ctx;
use crate::frameworks::{
    self, AnswerView, Coverage, CoverageClass, Framework, RefDecision, SectionRollup,
};

/// One mapped reference, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct RefView {
    /// `6.1.2` or `A.5.15`.
    pub reference: String,
    /// Clause or control title.
    pub title: String,
    /// `clause` or `control`.
    pub kind: &'static str,
    /// The decision in words: applicability, status, owner, newest evidence and its age.
    pub decision: String,
    /// CSS class of the state.
    pub class: &'static str,
}

/// One requirement row.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub id: String,
    /// Its title or text.
    pub title: String,
    /// Coverage class (kebab-case word).
    pub class: CoverageClass,
    pub class_label: &'static str,
    /// The mapped references.
    pub refs: Vec<RefView>,
    /// The own answer.
    pub answer: Option<AnswerView>,
}

/// One section with its roll-up and rows.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// The counts.
    pub rollup: SectionRollup,
    pub requirements: Vec<RowView>,
}

/// The whole document.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkView {
    pub id: String,
    pub name: String,
    /// Attribution lines of the data.
    pub attribution: Vec<String>,
    /// Sections in order.
    pub sections: Vec<SectionView>,
    /// The whole framework.
    pub total: SectionRollup,
}

fn decision_text(ctx: &Ctx<'_>, d: &RefDecision) -> String {
    if d.kind == "clause" {
        return "ISMS clause (mandatory; checked by isms check)".into();
    }
    let mut parts = vec![
        match d.applicable {
            Some(true) => "applicable",
            Some(false) => "excluded",
            None => "not decided in the SoA",
        }
        .to_string(),
    ];
    if let Some(s) = d.status {
        parts.push(s.replace('-', " "));
    }
    if let Some(o) = &d.owner {
        let id = crate::yaml::Spanned::detached(o.clone());
        parts.push(format!(
            "owner {}",
            ctx.person(Some(&id)).unwrap_or_else(|| o.clone())
        ));
    }
    match (&d.evidence_newest, d.evidence_age_days) {
        (Some(n), Some(age)) => parts.push(format!("evidence {n} ({age} days old)")),
        _ if d.evidence > 0 => parts.push(format!("{} evidence item(s), undated", d.evidence)),
        _ => parts.push("no evidence".into()),
    }
    parts.join(" · ")
}

fn state_class(d: &RefDecision) -> &'static str {
    use crate::frameworks::coverage::RefState;
    match d.state {
        RefState::Clause | RefState::Implemented => "st-yes",
        RefState::Partial | RefState::NotYet => "st-partial",
        RefState::Excluded | RefState::Undecided => "st-no",
    }
}

/// The coverage of a framework by the ISMS as of the render date, which the document and its
/// table show.
pub(crate) fn coverage(ctx: &Ctx<'_>, fw: &Framework) -> Coverage {
    frameworks::coverage::coverage(ctx.isms, fw, crate::model::Date(ctx.opts.as_of))
}

/// The view of a framework's coverage by the ISMS.
pub(crate) fn view(ctx: &Ctx<'_>, fw: &Framework, cov: &Coverage) -> FrameworkView {
    let mut sections: Vec<SectionView> = cov
        .sections
        .iter()
        .map(|s| SectionView {
            rollup: s.clone(),
            requirements: Vec::new(),
        })
        .collect();
    for r in &cov.requirements {
        let row = RowView {
            id: r.id.clone(),
            title: r.title.clone(),
            class: r.class,
            class_label: r.class_label,
            refs: r
                .refs
                .iter()
                .map(|d| RefView {
                    reference: d.reference.clone(),
                    title: d.title.clone(),
                    kind: d.kind,
                    decision: decision_text(ctx, d),
                    class: state_class(d),
                })
                .collect(),
            answer: r.answer.clone(),
        };
        if let Some(s) = sections.iter_mut().find(|s| s.rollup.id == r.section) {
            s.requirements.push(row);
        }
    }
    FrameworkView {
        id: fw.id.clone(),
        name: fw.name.clone(),
        attribution: fw.attribution.clone(),
        sections,
        total: cov.total.clone(),
    }
}

/// The coverage as one table: a row per requirement and mapped reference (a requirement
/// without references has one row), so a spreadsheet filter works on every column.
pub(crate) fn table(fw: &Framework, cov: &Coverage) -> Table {
    let cols = [
        ("Section", 10.0),
        ("Requirement", 14.0),
        ("Title", 50.0),
        ("Coverage", 30.0),
        ("ISO/IEC 27001:2022", 14.0),
        ("ISO title", 36.0),
        ("Relationship", 12.0),
        ("Applicable", 11.0),
        ("Status", 15.0),
        ("Owner", 20.0),
        ("Newest evidence", 14.0),
        ("Evidence age (days)", 12.0),
        ("Own answer", 14.0),
        ("Own answer notes", 40.0),
    ];
    let mut t = Table::new(
        fw.id.to_ascii_uppercase(),
        cols.iter().map(|(h, w)| Column::new(*h, *w)).collect(),
    );
    let text = |s: &str| Cell::from(s);
    for r in &cov.requirements {
        let (status, notes) = r.answer.as_ref().map_or((Cell::Empty, Cell::Empty), |a| {
            (
                a.status.map_or(text("recorded"), text),
                a.notes.as_deref().map_or(Cell::Empty, text),
            )
        });
        let head = |t: &mut Vec<Cell>| {
            t.push(text(&r.section));
            t.push(text(&r.id));
            t.push(text(&r.title));
            t.push(text(r.class_label));
        };
        if r.refs.is_empty() {
            let mut row = Vec::new();
            head(&mut row);
            row.extend([
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                status.clone(),
                notes.clone(),
            ]);
            t.push(row);
            continue;
        }
        for d in &r.refs {
            let mut row = Vec::new();
            head(&mut row);
            row.push(text(&d.reference));
            row.push(text(&d.title));
            row.push(text(d.relationship));
            row.push(match (d.kind, d.applicable) {
                ("clause", _) => text("clause"),
                (_, Some(b)) => Cell::Bool(b),
                _ => Cell::Empty,
            });
            row.push(d.status.map_or(Cell::Empty, text));
            row.push(d.owner.as_deref().map_or(Cell::Empty, text));
            row.push(d.evidence_newest.map_or(Cell::Empty, |d| Cell::Date(d.0)));
            row.push(d.evidence_age_days.map_or(Cell::Empty, Cell::Int));
            row.push(status.clone());
            row.push(notes.clone());
            t.push(row);
        }
    }
    t
}
