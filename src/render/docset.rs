//! The rest of the controlled document set: procedures, roles and responsibilities (5.3),
//! ISMS processes (4.4), the communication plan (7.4), documents of external origin (7.5.3),
//! and the supplier, incident, competence and awareness, monitoring and change registers.
//!
//! Each register is built once as a [`Table`]: the CSV and xlsx files are that table, and the
//! HTML and Markdown documents lay out the same rows ([`RegisterView`]), so the four formats
//! never disagree. Statuses that `isms check` also evaluates (overdue actions) come from
//! [`crate::model::status`].

use serde::Serialize;

use super::table::{Cell, Column, Table};
use super::views::{Badge, Ctx, Link, body_without_title, control_link, label_of, policy_link};
use crate::model::{self, Date, Isms, loaded};

/// A labelled figure shown above a register.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// What is counted.
    pub label: String,
    /// The figure.
    pub value: String,
}

/// One row of a register, as text.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterRow {
    /// The cells, one per column.
    pub cells: Vec<String>,
    /// A status that needs attention (overdue, not effective), shown as a badge.
    pub flag: Option<Badge>,
}

/// A register as the HTML and Markdown templates receive it.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterView {
    /// What the register is for, citing the clause or control.
    pub intro: String,
    /// Key figures.
    pub summary: Vec<Figure>,
    /// Column headings.
    pub columns: Vec<String>,
    pub rows: Vec<RegisterRow>,
    /// Whether any row has a flag (the Markdown table then gets an "Attention" column).
    pub has_flags: bool,
    /// Charts of measurement results (the monitoring register only).
    pub charts: Vec<ChartView>,
}

/// A small line chart of one metric's results over time, drawn as inline SVG.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    pub id: String,
    pub title: String,
    /// Target, as written.
    pub target: Option<String>,
    /// SVG width.
    pub width: u32,
    /// SVG height.
    pub height: u32,
    /// The polyline's points, `x,y x,y ...`.
    pub points: String,
    /// One dot per result.
    pub dots: Vec<ChartDot>,
    /// Lowest value on the axis, as shown.
    pub min: String,
    /// Highest value on the axis.
    pub max: String,
    /// Date of the first result.
    pub from: Date,
    /// Date of the last result.
    pub to: Date,
    /// The results in date order: date, value, met.
    pub results: Vec<ChartResult>,
}

/// A point of a chart.
#[derive(Debug, Clone, Serialize)]
pub struct ChartDot {
    /// Position in the SVG, from the left and from the top.
    pub x: String,
    pub y: String,
    /// Tooltip: date and value.
    pub label: String,
    /// Whether the result met its target: met, missed or unknown.
    pub class: String,
    /// Fill colour for the dot (the stylesheet's colours for good, bad and muted).
    pub fill: String,
}

/// One measurement result.
#[derive(Debug, Clone, Serialize)]
pub struct ChartResult {
    pub date: Date,
    /// Value as recorded.
    pub value: String,
    /// "met", "not met" or "".
    pub met: String,
    pub note: String,
}

/// A register: the view its documents lay out and the table its spreadsheets are.
pub(crate) struct Register {
    pub view: RegisterView,
    pub table: Table,
}

/// The text of a cell as documents show it.
fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Bool(true) => "yes".to_string(),
        Cell::Bool(false) => "no".to_string(),
    }
}

fn cols(spec: &[(&str, f64)]) -> Vec<Column> {
    spec.iter().map(|(h, w)| Column::new(*h, *w)).collect()
}

fn text(s: &str) -> Cell {
    Cell::from(s)
}

fn opt(s: Option<&String>) -> Cell {
    Cell::from(s.cloned().filter(|s| !s.trim().is_empty()))
}

fn sopt(s: Option<&crate::yaml::Spanned<String>>) -> Cell {
    opt(s.map(|s| &s.value))
}

fn date(d: Option<&crate::yaml::Spanned<Date>>) -> Cell {
    d.map_or(Cell::Empty, |d| Cell::Date(d.value.0))
}

fn ids(v: &[model::Id]) -> Cell {
    text(
        &v.iter()
            .map(|i| i.value.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn person(ctx: &Ctx<'_>, id: Option<&model::Id>) -> Cell {
    Cell::from(ctx.person(id))
}

fn overdue_badge() -> Badge {
    Badge {
        label: "overdue".into(),
        class: "st-overdue".into(),
    }
}

/// The view of a table, with the row flags and figures given.
fn view(
    intro: &str,
    table: &Table,
    flags: Vec<Option<Badge>>,
    summary: Vec<Figure>,
) -> RegisterView {
    let rows: Vec<RegisterRow> = table
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| RegisterRow {
            cells: r.iter().map(cell_text).collect(),
            flag: flags.get(i).cloned().flatten(),
        })
        .collect();
    RegisterView {
        intro: intro.to_string(),
        summary,
        columns: table.columns.iter().map(|c| c.header.clone()).collect(),
        has_flags: rows.iter().any(|r| r.flag.is_some()),
        rows,
        charts: Vec::new(),
    }
}

fn fig(label: &str, value: usize) -> Figure {
    Figure {
        label: label.to_string(),
        value: value.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Procedures

/// A procedure.
#[derive(Debug, Clone, Serialize)]
pub struct ProcedureView {
    /// Annex A controls it supports.
    pub controls: Vec<Link>,
    /// Policies it implements.
    pub policies: Vec<Link>,
    /// Review interval in months.
    pub review_months: Option<u32>,
    /// The Markdown body.
    pub body: String,
}

pub(crate) fn procedure(isms: &Isms, p: &model::Procedure, root: &str) -> ProcedureView {
    ProcedureView {
        controls: p
            .controls
            .iter()
            .map(|c| control_link(&c.value, root))
            .collect(),
        policies: p
            .policies
            .iter()
            .map(|c| policy_link(isms, &c.value, root))
            .collect(),
        review_months: p.review_months.as_ref().map(|m| m.value),
        body: body_without_title(&p.source.body, &p.title.value),
    }
}

// ---------------------------------------------------------------------------------------------
// From isms.yaml: roles, processes, communication, external documents

pub(crate) fn roles_table(ctx: &Ctx<'_>) -> Table {
    let mut t = Table::new(
        "Roles",
        cols(&[
            ("Role", 16.0),
            ("Title", 26.0),
            ("Holders", 24.0),
            ("Responsibilities and authorities", 50.0),
            ("Ensures conformity (5.3 a)", 10.0),
            ("Reports performance (5.3 b)", 10.0),
            ("Competence needed", 30.0),
            ("Approves", 18.0),
            ("Communicated", 12.0),
            ("How", 26.0),
        ]),
    );
    for r in &ctx.isms.roles {
        let c = r.communicated.as_ref();
        t.push(vec![
            text(&r.id.value),
            text(&r.title.value),
            text(&ctx.people(&r.holders).join(", ")),
            text(&r.responsibilities.join("; ")),
            Cell::Bool(r.ensures_conformity),
            Cell::Bool(r.reports_performance),
            text(&r.competence.join("; ")),
            ids(&r.approves),
            c.map_or(Cell::Empty, |c| date(c.on.as_ref())),
            c.map_or(Cell::Empty, |c| sopt(c.how.as_ref())),
        ]);
    }
    t
}

pub(crate) fn roles(ctx: &Ctx<'_>) -> Register {
    let t = roles_table(ctx);
    let rs = &ctx.isms.roles;
    Register {
        view: view(
            "The roles of the information security management system, who holds them, what they are responsible for and may decide, and how this was communicated (ISO/IEC 27001:2022, 5.3).",
            &t,
            Vec::new(),
            vec![
                fig("Roles", rs.len()),
                fig(
                    "Roles without a holder",
                    rs.iter().filter(|r| r.holders.is_empty()).count(),
                ),
                fig(
                    "Roles whose assignment is not recorded as communicated",
                    rs.iter().filter(|r| r.communicated.is_none()).count(),
                ),
            ],
        ),
        table: t,
    }
}

fn manifest(isms: &Isms) -> Option<&model::Manifest> {
    isms.manifest.as_ref()
}

pub(crate) fn processes_table(ctx: &Ctx<'_>) -> Table {
    let mut t = Table::new(
        "Processes",
        cols(&[
            ("Process", 14.0),
            ("Name", 30.0),
            ("Owner", 20.0),
            ("Clauses and controls", 20.0),
            ("Inputs", 40.0),
            ("Outputs", 40.0),
        ]),
    );
    for p in manifest(ctx.isms)
        .map(|m| loaded(&m.processes).collect::<Vec<_>>())
        .unwrap_or_default()
    {
        t.push(vec![
            text(&p.id.value),
            text(&p.name.value),
            person(ctx, p.owner.as_ref()),
            text(
                &p.clauses
                    .iter()
                    .map(|c| c.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            text(&p.inputs.join("; ")),
            text(&p.outputs.join("; ")),
        ]);
    }
    t
}

pub(crate) fn processes(ctx: &Ctx<'_>) -> Register {
    let t = processes_table(ctx);
    let n = t.rows.len();
    Register {
        view: view(
            "The processes of the information security management system and how they interact: each with its owner, the clauses and controls it carries out, and what it takes in and passes on (ISO/IEC 27001:2022, 4.4).",
            &t,
            Vec::new(),
            vec![fig("Processes", n)],
        ),
        table: t,
    }
}

pub(crate) fn communication_table(ctx: &Ctx<'_>) -> Table {
    let mut t = Table::new(
        "Communication",
        cols(&[
            ("What", 40.0),
            ("When", 20.0),
            ("With whom", 26.0),
            ("How", 26.0),
            ("Responsible", 20.0),
        ]),
    );
    for c in manifest(ctx.isms)
        .map(|m| loaded(&m.communication).collect::<Vec<_>>())
        .unwrap_or_default()
    {
        t.push(vec![
            text(&c.what.value),
            text(&c.when.value),
            text(&c.with.value),
            text(&c.how.value),
            person(ctx, c.owner.as_ref()),
        ]);
    }
    t
}

pub(crate) fn communication(ctx: &Ctx<'_>) -> Register {
    let t = communication_table(ctx);
    let n = t.rows.len();
    Register {
        view: view(
            "The planned internal and external communication on information security: what is communicated, when, with whom, how, and who is responsible (ISO/IEC 27001:2022, 7.4).",
            &t,
            Vec::new(),
            vec![fig("Planned communications", n)],
        ),
        table: t,
    }
}

pub(crate) fn external_documents_table(ctx: &Ctx<'_>) -> Table {
    let mut t = Table::new(
        "External documents",
        cols(&[
            ("Document", 12.0),
            ("Title", 40.0),
            ("Origin", 24.0),
            ("Edition in use", 16.0),
            ("Kept at", 30.0),
            ("Kept current by", 20.0),
        ]),
    );
    for d in manifest(ctx.isms)
        .map(|m| loaded(&m.external_documents).collect::<Vec<_>>())
        .unwrap_or_default()
    {
        t.push(vec![
            text(&d.id.value),
            text(&d.title.value),
            opt(d.origin.as_ref()),
            opt(d.version.as_ref()),
            opt(d.location.as_ref()),
            person(ctx, d.owner.as_ref()),
        ]);
    }
    t
}

pub(crate) fn external_documents(ctx: &Ctx<'_>) -> Register {
    let t = external_documents_table(ctx);
    let n = t.rows.len();
    Register {
        view: view(
            "Documents of external origin that the organisation needs for planning and running the ISMS (standards, regulations, contracts, supplier reports), with the edition in use and who keeps them current (ISO/IEC 27001:2022, 7.5.3).",
            &t,
            Vec::new(),
            vec![fig("External documents", n)],
        ),
        table: t,
    }
}

// ---------------------------------------------------------------------------------------------
// Registers

pub(crate) fn suppliers_table(ctx: &Ctx<'_>) -> Table {
    let mut t = Table::new(
        "Suppliers",
        cols(&[
            ("Supplier", 10.0),
            ("Name", 24.0),
            ("Service", 30.0),
            ("Criticality", 10.0),
            ("Data access", 9.0),
            ("Cloud service", 9.0),
            ("Owner", 20.0),
            ("Security requirements", 40.0),
            ("Certifications", 20.0),
            ("Agreement", 20.0),
            ("Security clauses", 9.0),
            ("DPA", 6.0),
            ("Last review", 12.0),
            ("Review result", 30.0),
        ]),
    );
    for s in &ctx.isms.suppliers {
        let last = loaded(&s.reviews).max_by_key(|r| r.date.value);
        t.push(vec![
            text(&s.id.value),
            text(&s.name.value),
            opt(s.service.as_ref()),
            s.criticality
                .as_ref()
                .map_or(Cell::Empty, |c| text(&label_of(&c.value))),
            Cell::Bool(s.data_access),
            Cell::Bool(s.cloud),
            person(ctx, s.owner.as_ref()),
            sopt(s.security_requirements.as_ref()),
            text(&s.certifications.join(", ")),
            sopt(s.agreement.reference.as_ref()),
            Cell::Bool(s.agreement.security_clauses),
            Cell::Bool(s.agreement.dpa),
            last.map_or(Cell::Empty, |r| Cell::Date(r.date.value.0)),
            last.map_or(Cell::Empty, |r| opt(r.result.as_ref())),
        ]);
    }
    t
}

pub(crate) fn suppliers(ctx: &Ctx<'_>) -> Register {
    let t = suppliers_table(ctx);
    let s = &ctx.isms.suppliers;
    Register {
        view: view(
            "The suppliers whose products and services affect information security, with the security requirements agreed with each and how they are monitored and reviewed (ISO/IEC 27001:2022 Annex A 5.19 to 5.22).",
            &t,
            Vec::new(),
            vec![
                fig("Suppliers", s.len()),
                fig(
                    "With access to data",
                    s.iter().filter(|x| x.data_access).count(),
                ),
                fig(
                    "Never reviewed",
                    s.iter()
                        .filter(|x| loaded(&x.reviews).next().is_none())
                        .count(),
                ),
            ],
        ),
        table: t,
    }
}

pub(crate) fn incidents_table(ctx: &Ctx<'_>) -> Table {
    let mut t = Table::new(
        "Incidents",
        cols(&[
            ("Incident", 12.0),
            ("Title", 30.0),
            ("Reported", 12.0),
            ("Classification", 16.0),
            ("Severity", 10.0),
            ("Description", 40.0),
            ("Response", 40.0),
            ("Lessons learned", 40.0),
            ("Status", 12.0),
            ("Closed", 12.0),
            ("Nonconformity", 14.0),
            ("Controls", 16.0),
        ]),
    );
    for i in &ctx.isms.incidents {
        t.push(vec![
            text(&i.id.value),
            text(&i.title.value),
            Cell::Date(i.reported.value.0),
            sopt(i.classification.as_ref()),
            i.severity
                .as_ref()
                .map_or(Cell::Empty, |s| text(&label_of(&s.value))),
            opt(i.description.as_ref()),
            sopt(i.response.as_ref()),
            sopt(i.lessons_learned.as_ref()),
            i.status
                .as_ref()
                .map_or(Cell::Empty, |s| text(&label_of(&s.value))),
            date(i.closed.as_ref()),
            i.nonconformity
                .as_ref()
                .map_or(Cell::Empty, |n| text(&n.value)),
            ids(&i.controls),
        ]);
    }
    t
}

pub(crate) fn incidents(ctx: &Ctx<'_>) -> Register {
    let t = incidents_table(ctx);
    let i = &ctx.isms.incidents;
    let open = |x: &model::Incident| {
        x.status
            .as_ref()
            .is_none_or(|s| s.value != model::RecordStatus::Closed)
    };
    Register {
        view: view(
            "Information security events assessed as incidents, how they were classified, responded to and closed, and what was learned from them (ISO/IEC 27001:2022 Annex A 5.24 to 5.28).",
            &t,
            Vec::new(),
            vec![
                fig("Incidents", i.len()),
                fig("Open", i.iter().filter(|x| open(x)).count()),
                fig(
                    "Closed without lessons learned",
                    i.iter()
                        .filter(|x| !open(x) && x.lessons_learned.is_none())
                        .count(),
                ),
            ],
        ),
        table: t,
    }
}

pub(crate) fn competence_table(ctx: &Ctx<'_>) -> Table {
    let mut t = Table::new(
        "Competence and awareness",
        cols(&[
            ("Record", 12.0),
            ("Person", 20.0),
            ("Role", 16.0),
            ("Evidence, course or action", 45.0),
            ("Date", 12.0),
            ("Expires or due", 12.0),
            ("Status", 12.0),
            ("Effectiveness", 30.0),
        ]),
    );
    let role = |r: Option<&model::Id>| r.map_or(Cell::Empty, |r| text(&r.value));
    for c in &ctx.isms.competence {
        t.push(vec![
            text("Competence"),
            person(ctx, Some(&c.person)),
            role(c.role.as_ref()),
            text(&c.evidence.value),
            date(c.date.as_ref()),
            date(c.expires.as_ref()),
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    for a in &ctx.isms.awareness {
        t.push(vec![
            text("Awareness"),
            person(ctx, Some(&a.person)),
            Cell::Empty,
            text(&a.course.value),
            Cell::Date(a.completed.value.0),
            Cell::Empty,
            text("Completed"),
            Cell::Empty,
        ]);
    }
    for a in &ctx.isms.competence_actions {
        let eff = a.effectiveness.as_ref().map(|e| {
            let mut s = format!(
                "{} on {}",
                if e.effective.value {
                    "effective"
                } else {
                    "not effective"
                },
                e.on.value
            );
            if let Some(m) = &e.method {
                s.push_str(&format!(" ({})", m.value));
            }
            s
        });
        t.push(vec![
            text("Action"),
            person(ctx, Some(&a.person)),
            role(a.role.as_ref()),
            text(&a.action.value),
            date(a.completed.as_ref()),
            date(a.due.as_ref()),
            text(&label_of(&a.status.value)),
            Cell::from(eff),
        ]);
    }
    t
}

/// Whether a competence action is open and past its due date: the same test as for every
/// other action ([`crate::model::status::action_overdue`]).
fn competence_action_overdue(a: &model::CompetenceAction, today: Date) -> bool {
    a.status.value.is_open() && a.due.as_ref().is_some_and(|d| d.value < today)
}

pub(crate) fn competence(ctx: &Ctx<'_>) -> Register {
    let t = competence_table(ctx);
    let isms = ctx.isms;
    let today = Date(ctx.opts.as_of);
    let expired = |c: &model::CompetenceRecord| model::status::competence_expired(c, today);
    let mut flags: Vec<Option<Badge>> = isms
        .competence
        .iter()
        .map(|c| {
            expired(c).then(|| Badge {
                label: "expired".into(),
                class: "st-overdue".into(),
            })
        })
        .collect();
    flags.extend(isms.awareness.iter().map(|_| None));
    flags.extend(
        isms.competence_actions
            .iter()
            .map(|a| competence_action_overdue(a, today).then(overdue_badge)),
    );
    Register {
        view: view(
            "Evidence that the people doing work that affects information security are competent for it, the actions taken to close gaps and whether they worked (ISO/IEC 27001:2022, 7.2), and the awareness training completed (7.3).",
            &t,
            flags,
            vec![
                fig("Competence records", isms.competence.len()),
                fig(
                    "Expired as of the generation date",
                    isms.competence.iter().filter(|c| expired(c)).count(),
                ),
                fig("Awareness training records", isms.awareness.len()),
                fig("Competence actions", isms.competence_actions.len()),
            ],
        ),
        table: t,
    }
}

pub(crate) fn changes_table(ctx: &Ctx<'_>) -> Table {
    let mut t = Table::new(
        "Changes",
        cols(&[
            ("Change", 12.0),
            ("Title", 30.0),
            ("Purpose and consequences", 45.0),
            ("Planned", 12.0),
            ("Significant", 9.0),
            ("Affects", 24.0),
            ("Approved by", 20.0),
            ("Approved on", 12.0),
            ("Status", 12.0),
            ("Completed", 12.0),
        ]),
    );
    for c in &ctx.isms.changes {
        t.push(vec![
            text(&c.id.value),
            text(&c.title.value),
            sopt(c.purpose.as_ref()),
            date(c.planned.as_ref()),
            Cell::Bool(c.significant),
            text(&c.affects.join(", ")),
            person(ctx, c.approval.by.as_ref()),
            date(c.approval.on.as_ref()),
            c.status
                .as_ref()
                .map_or(Cell::Empty, |s| text(&label_of(&s.value))),
            date(c.completed.as_ref()),
        ]);
    }
    t
}

/// Whether a planned change is still open after its planned date.
fn change_late(c: &model::Change, today: Date) -> bool {
    c.status.as_ref().is_none_or(|s| s.value.is_open())
        && c.planned.as_ref().is_some_and(|p| p.value < today)
}

pub(crate) fn changes(ctx: &Ctx<'_>) -> Register {
    let t = changes_table(ctx);
    let today = Date(ctx.opts.as_of);
    let c = &ctx.isms.changes;
    Register {
        view: view(
            "Changes to the information security management system, planned and carried out in a controlled way: why, with what consequences, approved by whom and when (ISO/IEC 27001:2022, 6.3).",
            &t,
            c.iter()
                .map(|x| change_late(x, today).then(overdue_badge))
                .collect(),
            vec![
                fig("Changes", c.len()),
                fig("Significant", c.iter().filter(|x| x.significant).count()),
                fig(
                    "Not approved",
                    c.iter().filter(|x| !x.approval.is_complete()).count(),
                ),
            ],
        ),
        table: t,
    }
}

pub(crate) fn metrics_table(ctx: &Ctx<'_>) -> Table {
    let mut t = Table::new(
        "Measurements",
        cols(&[
            ("Metric", 12.0),
            ("Title", 30.0),
            ("Method", 30.0),
            ("Frequency", 12.0),
            ("Measured by", 20.0),
            ("Analysed by", 20.0),
            ("Target", 16.0),
            ("Objectives", 14.0),
            ("Controls", 14.0),
            ("Date", 12.0),
            ("Value", 14.0),
            ("Target met", 9.0),
            ("Note", 30.0),
        ]),
    );
    for m in &ctx.isms.metrics {
        let common = |t: &mut Table, r: Option<&model::MetricResult>| {
            t.push(vec![
                text(&m.id.value),
                text(&m.title.value),
                sopt(m.method.as_ref()),
                m.frequency
                    .as_ref()
                    .map_or(Cell::Empty, |f| text(&label_of(&f.value))),
                person(ctx, m.measured_by.as_ref()),
                person(ctx, m.analysed_by.as_ref()),
                opt(m.target.as_ref()),
                ids(&m.objectives),
                ids(&m.controls),
                r.map_or(Cell::Empty, |r| Cell::Date(r.date.value.0)),
                r.map_or(Cell::Empty, |r| text(&r.value.value)),
                r.and_then(|r| r.met).map_or(Cell::Empty, Cell::Bool),
                r.map_or(Cell::Empty, |r| opt(r.note.as_ref())),
            ]);
        };
        let mut results: Vec<&model::MetricResult> = loaded(&m.results).map(|r| &r.value).collect();
        results.sort_by_key(|r| r.date.value);
        if results.is_empty() {
            common(&mut t, None);
        }
        for r in results {
            common(&mut t, Some(r));
        }
    }
    t
}

/// The leading number of a recorded value ("99.95%", "3 days", "-2"), if any.
fn leading_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let end = s
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-'))
        .map(|(i, c)| i + c.len_utf8())
        .last()?;
    s[..end].parse::<f64>().ok().filter(|x| x.is_finite())
}

fn fmt_num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The chart of one metric, when it has results.
fn chart(m: &model::Metric) -> Option<ChartView> {
    let mut results: Vec<&model::MetricResult> = loaded(&m.results).map(|r| &r.value).collect();
    results.sort_by_key(|r| r.date.value);
    let first = results.first()?;
    let last = results.last()?;
    let (width, height, pad) = (320.0_f64, 110.0_f64, 12.0_f64);
    let values: Vec<Option<f64>> = results
        .iter()
        .map(|r| leading_number(&r.value.value))
        .collect();
    let nums: Vec<f64> = values.iter().flatten().copied().collect();
    let (lo, hi) = nums
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let (lo, hi) = if nums.is_empty() {
        (0.0, 1.0)
    } else if (hi - lo).abs() < f64::EPSILON {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    };
    let start = first.date.value.0;
    let span = start
        .until(last.date.value.0)
        .ok()
        .map_or(0.0, |s| f64::from(s.get_days()));
    let x_of = |d: jiff::civil::Date| {
        let days = start.until(d).ok().map_or(0.0, |s| f64::from(s.get_days()));
        if span > 0.0 {
            pad + days / span * (width - 2.0 * pad)
        } else {
            width / 2.0
        }
    };
    let y_of = |v: f64| height - pad - (v - lo) / (hi - lo) * (height - 2.0 * pad);
    let mut points = Vec::new();
    let mut dots = Vec::new();
    for (r, v) in results.iter().zip(&values) {
        let Some(v) = v else { continue };
        let (x, y) = (fmt_num(x_of(r.date.value.0)), fmt_num(y_of(*v)));
        points.push(format!("{x},{y}"));
        dots.push(ChartDot {
            x,
            y,
            label: format!("{}: {}", r.date.value, r.value.value),
            class: match r.met {
                Some(true) => "met",
                Some(false) => "missed",
                None => "unknown",
            }
            .to_string(),
            fill: match r.met {
                Some(true) => "#1e7b46",
                Some(false) => "#b3261e",
                None => "#5b6475",
            }
            .to_string(),
        });
    }
    Some(ChartView {
        id: m.id.value.clone(),
        title: m.title.value.clone(),
        target: m.target.clone(),
        width: width as u32,
        height: height as u32,
        points: points.join(" "),
        dots,
        min: if nums.is_empty() {
            String::new()
        } else {
            fmt_num(lo)
        },
        max: if nums.is_empty() {
            String::new()
        } else {
            fmt_num(hi)
        },
        from: first.date.value,
        to: last.date.value,
        results: results
            .iter()
            .map(|r| ChartResult {
                date: r.date.value,
                value: r.value.value.clone(),
                met: match r.met {
                    Some(true) => "met".into(),
                    Some(false) => "not met".into(),
                    None => String::new(),
                },
                note: r.note.clone().unwrap_or_default(),
            })
            .collect(),
    })
}

pub(crate) fn metrics(ctx: &Ctx<'_>) -> Register {
    let m = &ctx.isms.metrics;
    let results: usize = m.iter().map(|x| loaded(&x.results).count()).sum();
    let missed = m
        .iter()
        .filter(|x| {
            loaded(&x.results)
                .max_by_key(|r| r.date.value)
                .is_some_and(|r| r.met == Some(false))
        })
        .count();
    // The documents show each metric once with its latest result, then every result under
    // its chart; the spreadsheet ([`metrics_table`]) has one row per result.
    let mut defs = Table::new(
        "Metrics",
        cols(&[
            ("Metric", 12.0),
            ("Title", 30.0),
            ("Method", 30.0),
            ("Frequency", 12.0),
            ("Measured by", 20.0),
            ("Analysed by", 20.0),
            ("Target", 16.0),
            ("Latest result", 14.0),
            ("Target met", 9.0),
        ]),
    );
    for x in m {
        let latest = loaded(&x.results).max_by_key(|r| r.date.value);
        defs.push(vec![
            text(&x.id.value),
            text(&x.title.value),
            sopt(x.method.as_ref()),
            x.frequency
                .as_ref()
                .map_or(Cell::Empty, |f| text(&label_of(&f.value))),
            person(ctx, x.measured_by.as_ref()),
            person(ctx, x.analysed_by.as_ref()),
            opt(x.target.as_ref()),
            latest.map_or(Cell::Empty, |r| {
                text(&format!("{} ({})", r.value.value, r.date.value))
            }),
            latest.and_then(|r| r.met).map_or(Cell::Empty, Cell::Bool),
        ]);
    }
    let flags = m
        .iter()
        .map(|x| {
            loaded(&x.results)
                .max_by_key(|r| r.date.value)
                .is_some_and(|r| r.met == Some(false))
                .then(|| Badge {
                    label: "target missed".into(),
                    class: "st-overdue".into(),
                })
        })
        .collect();
    let mut v = view(
        "What is monitored and measured, how, when and by whom, and the results over time with whether each met its target (ISO/IEC 27001:2022, 9.1).",
        &defs,
        flags,
        vec![
            fig("Metrics", m.len()),
            fig("Results recorded", results),
            fig("Latest result missed its target", missed),
        ],
    );
    v.charts = m.iter().filter_map(|x| chart(x)).collect();
    Register {
        view: v,
        table: metrics_table(ctx),
    }
}

/// The record files of a register: `NAME.yaml` and/or `NAME/*.yaml`.
pub(crate) fn register_files(isms: &Isms, name: &str) -> Vec<String> {
    let single = format!("{name}.yaml");
    let folder = format!("{name}/");
    let mut v: Vec<String> = isms
        .sources
        .files()
        .map(|(_, f)| f.path.clone())
        .filter(|p| *p == single || p.starts_with(&folder))
        .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_numbers_of_recorded_values() {
        assert_eq!(leading_number("99.95%"), Some(99.95));
        assert_eq!(leading_number(" 3 days"), Some(3.0));
        assert_eq!(leading_number("-2"), Some(-2.0));
        assert_eq!(leading_number("n/a"), None);
        assert_eq!(leading_number(""), None);
        assert_eq!(fmt_num(2.50), "2.5");
        assert_eq!(fmt_num(3.0), "3");
    }
}
