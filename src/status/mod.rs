//! `isms status`: the PDCA dashboard, computed from the loaded model and the check outcome.
//!
//! Everything here is data (serialisable for `--format json`); the command-line layer only
//! formats it. Every date is relative to `as_of`, so the dashboard is reproducible.

use std::collections::BTreeMap;

pub mod acknowledgements;

use serde::Serialize;

use crate::checks::registry;
use crate::checks::{Area, Rule};
use crate::checks::{Finding, Outcome};
use crate::diagnostic::Severity;
use crate::model::{Date, Document, Isms, Rating, RecordStatus, RiskMethodology};
use crate::source::Span;
use crate::yaml::Spanned;

/// How many to-dos the dashboard lists.
pub const TODO_LIMIT: usize = 10;

/// Days ahead of `as_of` for the near and far "falls due" windows.
pub const NEAR_DAYS: i64 = 30;
/// See [`NEAR_DAYS`].
pub const FAR_DAYS: i64 = 90;

/// The whole dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// The day the dashboard is computed for.
    pub as_of: Date,
    /// The organisation's name, if known.
    pub organisation: Option<String>,
    /// Whether the Git evidence rules were run.
    pub git: bool,
    /// Whether the clause rules were run at all: they are not without `isms.yaml`, and the
    /// readiness then covers loading only.
    pub rules_ran: bool,
    /// Whether every record loaded (no outstanding load error). When not, the records that
    /// failed are invisible to the rules, so the other areas' readiness reads too high.
    pub records_loaded: bool,
    /// Readiness over all areas.
    pub overall: Readiness,
    /// Readiness per clause area, in clause order.
    pub areas: Vec<AreaReadiness>,
    /// The most important things to do next, most important first.
    pub todo: Vec<Todo>,
    /// How many to-dos there are in all (only the first [`TODO_LIMIT`] are listed).
    pub todo_total: usize,
    /// Dated obligations that are overdue or fall due within [`FAR_DAYS`], soonest first.
    pub due: Vec<DueItem>,
    /// Counts of [`Dashboard::due`] by window.
    pub due_counts: DueCounts,
    /// Risk levels before and after treatment.
    pub risks: RiskSummary,
    /// Policy acknowledgements, when the organisation keeps the register.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledgements: Option<acknowledgements::AcknowledgementRate>,
}

/// Rules passing and failing, and the share passing.
///
/// A rule is *applicable* when it is enabled (not disabled in `checks:`) and was run (the Git
/// evidence rules only run with Git). It *passes* when it has no error finding that is not
/// waived; warnings do not fail it. The percentage is passing / applicable, rounded down, so
/// 100 % means "no outstanding error", not "certifiable".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Readiness {
    /// Applicable rules.
    pub applicable: usize,
    /// Applicable rules with no outstanding error.
    pub passing: usize,
    /// Applicable rules with at least one outstanding error.
    pub failing: usize,
    /// Rules passing that still have warnings.
    pub with_warnings: usize,
    /// Outstanding errors.
    pub errors: usize,
    /// Outstanding warnings.
    pub warnings: usize,
    /// `passing * 100 / applicable`, rounded down (100 when nothing applies).
    pub percent: u32,
}

impl Readiness {
    fn finish(mut self) -> Self {
        self.failing = self.applicable - self.passing;
        // Rounded down: 99.6 % is not yet 100 %. Nothing applicable counts as complete.
        self.percent = (self.passing * 100)
            .checked_div(self.applicable)
            .map_or(100, |p| u32::try_from(p).unwrap_or(100));
        self
    }
}

/// Readiness of one clause area.
#[derive(Debug, Clone, Serialize)]
pub struct AreaReadiness {
    /// The area (`context`, `risk`, ...).
    pub area: Area,
    /// Its title, with the clauses it covers.
    pub title: &'static str,
    /// The counts.
    #[serde(flatten)]
    pub readiness: Readiness,
}

/// One thing to do: every outstanding finding of one rule at one severity.
#[derive(Debug, Clone, Serialize)]
pub struct Todo {
    /// Rule code.
    pub rule: String,
    /// Rule name.
    pub name: String,
    /// The clause or control the rule derives from.
    pub clause: String,
    /// Severity of the findings.
    pub severity: Severity,
    /// The stage of the ISMS the findings belong to (see [`Stage`]).
    pub stage: Stage,
    /// How many findings the to-do covers.
    pub count: usize,
    /// What to do, in words: the message when there is one finding, else the rule summary.
    pub what: String,
    /// The hint of the first finding, if any.
    pub hint: Option<String>,
    /// Where the first finding is (`path:line`), if it has a location.
    pub first: Option<String>,
}

/// The order in which an ISMS is built: later stages rest on earlier ones, so their to-dos
/// come later (approving treatment plans means little before the scope is set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Records that did not load, and the check configuration: nothing else is reliable.
    Records,
    /// Context, interested parties and scope (4).
    Context,
    /// Leadership, roles and the policy (5).
    Policy,
    /// Risk assessment and treatment (6.1, 8.2, 8.3).
    Risk,
    /// The Statement of Applicability (6.1.3 d).
    Soa,
    /// Objectives and changes (6.2, 6.3).
    Objectives,
    /// Support: competence, awareness, documented information (7).
    Support,
    /// Operation, suppliers, incidents and Annex A evidence (8, Annex A).
    Operation,
    /// Monitoring and internal audit (9.1, 9.2).
    Audit,
    /// Management review (9.3).
    Review,
    /// Nonconformity and improvement (10).
    Improvement,
    /// The Git evidence trail.
    Evidence,
}

/// The stage a record file belongs to, when its path says so.
fn file_stage(path: &str) -> Option<Stage> {
    let top = path.split('/').next().unwrap_or(path);
    Some(match top {
        "scope.md" | "context.yaml" => Stage::Context,
        "policies" => Stage::Policy,
        "risks.yaml" | "risks" | "assets.yaml" => Stage::Risk,
        "soa.yaml" => Stage::Soa,
        "objectives.yaml" | "changes.yaml" => Stage::Objectives,
        "training.yaml" | "procedures" => Stage::Support,
        "suppliers.yaml" | "incidents.yaml" => Stage::Operation,
        "audits" | "metrics.yaml" => Stage::Audit,
        "reviews" => Stage::Review,
        "nonconformities.yaml" => Stage::Improvement,
        _ => return None,
    })
}

/// The stage of a rule by its clause (`4.3` → context, `A.5.19` → operation).
fn clause_stage(rule: &Rule) -> Stage {
    match rule.area {
        Area::Load | Area::Config => return Stage::Records,
        Area::Evidence => return Stage::Evidence,
        Area::AnnexA => return Stage::Operation,
        _ => {}
    }
    let c = rule.clause.trim();
    if c.starts_with("A.") {
        return Stage::Operation;
    }
    let major: String = c.chars().take_while(char::is_ascii_digit).collect();
    let rest = &c[major.len()..];
    match major.as_str() {
        "4" => Stage::Context,
        "5" => Stage::Policy,
        "6" if rest.starts_with(".1.3 d") => Stage::Soa,
        "6" if rest.starts_with(".2") || rest.starts_with(".3") => Stage::Objectives,
        "6" => Stage::Risk,
        "7" => Stage::Support,
        "8" if rest.starts_with(".2") || rest.starts_with(".3") => Stage::Risk,
        "8" => Stage::Operation,
        "9" if rest.starts_with(".3") => Stage::Review,
        "9" => Stage::Audit,
        "10" => Stage::Improvement,
        _ => match rule.area {
            Area::Soa => Stage::Soa,
            Area::Context => Stage::Context,
            Area::Leadership => Stage::Policy,
            Area::Risk => Stage::Risk,
            Area::Objectives => Stage::Objectives,
            Area::Support => Stage::Support,
            Area::Audit => Stage::Audit,
            Area::Review => Stage::Review,
            Area::Improvement => Stage::Improvement,
            _ => Stage::Operation,
        },
    }
}

/// The stage of one finding: the stage of the record it points at (a document-approval rule
/// finding on `scope.md` is a context to-do), else that of its rule's clause.
fn finding_stage(f: &Finding) -> Stage {
    let Some(rule) = f.rule else {
        return Stage::Records;
    };
    let by_clause = clause_stage(rule);
    if matches!(by_clause, Stage::Records | Stage::Evidence) {
        return by_clause;
    }
    f.diagnostic
        .location
        .as_ref()
        .and_then(|l| file_stage(&l.path))
        .unwrap_or(by_clause)
}

/// Areas in the order of [`Stage`], for the readiness table.
const AREA_ORDER: [Area; 14] = [
    Area::Load,
    Area::Config,
    Area::Context,
    Area::Leadership,
    Area::Risk,
    Area::Soa,
    Area::Objectives,
    Area::Support,
    Area::Operation,
    Area::AnnexA,
    Area::Audit,
    Area::Review,
    Area::Improvement,
    Area::Evidence,
];

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Readiness per area and overall.
///
/// With `rules_ran` false (no `isms.yaml`, so `isms check` ran no clause rule) only the
/// loading area is counted: rules that never ran neither pass nor fail.
pub fn readiness(outcome: &Outcome, git: bool, rules_ran: bool) -> (Readiness, Vec<AreaReadiness>) {
    let mut errors: BTreeMap<&str, usize> = BTreeMap::new();
    let mut warnings: BTreeMap<&str, usize> = BTreeMap::new();
    for f in outcome.findings.iter().filter(|f| f.waiver.is_none()) {
        let Some(rule) = f.rule else { continue };
        match f.diagnostic.severity {
            Severity::Error => *errors.entry(rule.code).or_default() += 1,
            Severity::Warning => *warnings.entry(rule.code).or_default() += 1,
            Severity::Info => {}
        }
    }
    let mut overall = Readiness::default();
    let mut areas = Vec::new();
    for area in AREA_ORDER {
        if (area == Area::Evidence && !git) || (!rules_ran && area != Area::Load) {
            continue;
        }
        let mut r = Readiness::default();
        for rule in registry::all().iter().filter(|r| r.area == area) {
            if outcome.is_disabled(rule.code) {
                continue;
            }
            r.applicable += 1;
            let e = errors.get(rule.code).copied().unwrap_or(0);
            let w = warnings.get(rule.code).copied().unwrap_or(0);
            r.errors += e;
            r.warnings += w;
            if e == 0 {
                r.passing += 1;
                if w > 0 {
                    r.with_warnings += 1;
                }
            }
        }
        if r.applicable == 0 {
            continue;
        }
        overall.applicable += r.applicable;
        overall.passing += r.passing;
        overall.with_warnings += r.with_warnings;
        overall.errors += r.errors;
        overall.warnings += r.warnings;
        areas.push(AreaReadiness {
            area,
            title: area.title(),
            readiness: r.finish(),
        });
    }
    (overall.finish(), areas)
}

/// Every to-do (errors and warnings not waived): the findings of one rule at one severity
/// make one to-do, at the earliest stage any of them belongs to. Ordered by severity, then
/// stage, then clause and rule code.
pub fn todos(outcome: &Outcome) -> Vec<Todo> {
    let mut groups: BTreeMap<(u8, String), (Stage, Vec<&Finding>)> = BTreeMap::new();
    for f in &outcome.findings {
        if f.waiver.is_some() || f.diagnostic.severity == Severity::Info {
            continue;
        }
        let key = (
            severity_rank(f.diagnostic.severity),
            f.diagnostic.code.clone(),
        );
        let stage = finding_stage(f);
        let g = groups.entry(key).or_insert((stage, Vec::new()));
        g.0 = g.0.min(stage);
        g.1.push(f);
    }
    let mut out: Vec<(u8, String, Todo)> = groups
        .into_iter()
        .filter_map(|((sev, code), (stage, fs))| {
            // Point at the first finding of the stage the to-do is filed under.
            let first = fs
                .iter()
                .find(|f| finding_stage(f) == stage)
                .or(fs.first())?;
            let rule = first.rule;
            let what = if fs.len() == 1 {
                first.diagnostic.message.clone()
            } else {
                rule.map_or_else(
                    || first.diagnostic.message.clone(),
                    |r| r.summary.to_string(),
                )
            };
            let clause = rule.map_or("", |r| r.clause);
            Some((
                sev,
                clause_sort_key(clause),
                Todo {
                    name: rule.map_or_else(String::new, |r| r.name.to_string()),
                    clause: clause.to_string(),
                    rule: code,
                    severity: first.diagnostic.severity,
                    stage,
                    count: fs.len(),
                    what,
                    hint: first.diagnostic.hint.clone(),
                    first: first.diagnostic.location.as_ref().map(|l| {
                        if l.line > 0 {
                            format!("{}:{}", l.path, l.line)
                        } else {
                            l.path.clone()
                        }
                    }),
                },
            ))
        })
        .collect();
    out.sort_by(|a, b| (a.0, a.2.stage, &a.1, &a.2.rule).cmp(&(b.0, b.2.stage, &b.1, &b.2.rule)));
    out.into_iter().map(|(_, _, t)| t).collect()
}

/// Sorts `6.1.3 d` before `6.1.10` and `10.2` after `9.3`: numbers zero-padded.
fn clause_sort_key(clause: &str) -> String {
    let mut out = String::new();
    let mut num = String::new();
    for c in clause.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            if !num.is_empty() {
                out.push_str(&format!("{:0>4}", num));
                num.clear();
            }
            out.push(c);
        }
    }
    out
}

/// What kind of dated obligation a [`DueItem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DueKind {
    /// Review of a policy, procedure, the scope, the audit programme or the SoA (7.5, 5.2).
    DocumentReview,
    /// Repeat of the risk assessment (8.2).
    RiskReassessment,
    /// A risk treatment plan action (6.1.3 e, 8.3).
    TreatmentAction,
    /// A risk acceptance that lapses (`acceptance.until`).
    AcceptanceExpiry,
    /// A corrective action of a nonconformity (10.2).
    CorrectiveAction,
    /// An action decided at a management review (9.3.3).
    ReviewAction,
    /// An internal audit (9.2).
    InternalAudit,
    /// The next management review (9.3).
    ManagementReview,
    /// Evidence of a control that stops being valid (`expires:`).
    EvidenceExpiry,
    /// A periodic supplier review (A.5.22).
    SupplierReview,
    /// A person's next awareness training (7.3).
    AwarenessTraining,
    /// Competence evidence that lapses (`expires:` of a competence record, 7.2).
    CompetenceExpiry,
}

/// Where a due date stands relative to `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Window {
    /// Due before `as_of`.
    Overdue,
    /// Due from `as_of` to `as_of` + 30 days.
    #[serde(rename = "within-30-days")]
    Within30Days,
    /// Due after that, up to `as_of` + 90 days.
    #[serde(rename = "within-90-days")]
    Within90Days,
    /// Due later.
    Later,
}

/// The window a due date falls in on `as_of`. Due *on* `as_of` is not yet overdue.
pub fn window(due: Date, as_of: Date) -> Window {
    if due < as_of {
        Window::Overdue
    } else if due <= as_of.add_days(NEAR_DAYS) {
        Window::Within30Days
    } else if due <= as_of.add_days(FAR_DAYS) {
        Window::Within90Days
    } else {
        Window::Later
    }
}

/// One dated obligation.
#[derive(Debug, Clone, Serialize)]
pub struct DueItem {
    /// What kind of obligation.
    pub kind: DueKind,
    /// The record it belongs to.
    pub record: String,
    /// What is due, in words.
    pub what: String,
    /// The due date.
    pub due: Date,
    /// Days from `as_of` to the due date (negative when overdue).
    pub days: i64,
    /// Overdue, within 30 days or within 90 days.
    pub window: Window,
    /// Where the date (or the record) is written, `path:line`.
    pub location: Option<String>,
    /// Who is responsible (person or role id), when the record says.
    #[serde(skip)]
    pub owner: Option<String>,
    /// What tells this item apart from others of the same kind and record (an evidence path,
    /// an action without an id), so that the calendar can give each a stable identity.
    #[serde(skip)]
    pub distinct: Option<String>,
}

/// How many due items fall in each window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DueCounts {
    /// Overdue.
    pub overdue: usize,
    /// Due within 30 days.
    pub within_30_days: usize,
    /// Due in 31 to 90 days.
    pub within_90_days: usize,
}

struct DueCollector<'a> {
    model: &'a Isms,
    as_of: Date,
    /// Keep items due after [`FAR_DAYS`] too (the calendar wants every date).
    keep_later: bool,
    items: Vec<DueItem>,
}

impl DueCollector<'_> {
    /// The open actions of one record (a risk's treatment plan, a review's actions) that have
    /// a due date, each labelled with its own id or else the record's.
    fn push_open_actions<'x>(
        &mut self,
        kind: DueKind,
        record: &str,
        actions: impl Iterator<Item = &'x Spanned<crate::model::Action>>,
    ) {
        for a in actions {
            if !a.status.value.is_open() {
                continue;
            }
            let Some(due) = a.effective_due() else {
                continue;
            };
            let label = a.id.as_ref().map_or(record, |i| i.value.as_str());
            if let Some(item) = self.push(
                kind,
                label,
                format!("{record}: {}", a.action.value),
                due,
                a.due.as_ref().map(|d| d.span).or(Some(a.span)),
            ) {
                item.owner = a.owner.as_ref().map(|o| o.value.clone());
                item.distinct = a.id.is_none().then(|| a.action.value.clone());
            }
        }
    }

    /// Adds an item unless it falls outside the window; returns it so the caller can say who
    /// owns it.
    fn push(
        &mut self,
        kind: DueKind,
        record: &str,
        what: String,
        due: Date,
        span: Option<Span>,
    ) -> Option<&mut DueItem> {
        let w = window(due, self.as_of);
        if w == Window::Later && !self.keep_later {
            return None;
        }
        let location = span.filter(|s| s.line > 0).map(|s| {
            let l = self.model.location(s);
            format!("{}:{}", l.path, l.line)
        });
        self.items.push(DueItem {
            kind,
            record: record.to_string(),
            what,
            due,
            days: self.as_of.days_until(due),
            window: w,
            location,
            owner: None,
            distinct: None,
        });
        self.items.last_mut()
    }
}

/// The span of a document's front matter start (line 1 of its file).
fn doc_span(d: &dyn Document) -> Option<Span> {
    Some(d.id().span)
}

/// Every dated obligation that is overdue or falls due within [`FAR_DAYS`] of `as_of`,
/// soonest first. Dates come from the records and the cadences of isms.yaml; date arithmetic
/// saturates, so absurd records cannot make this panic.
pub fn due_items(model: &Isms, as_of: Date) -> Vec<DueItem> {
    collect_due(model, as_of, false)
}

/// Every dated obligation the records give, however far ahead (for `isms calendar`), soonest
/// first. The same items as [`due_items`], without its 90-day horizon.
pub fn all_due_items(model: &Isms, as_of: Date) -> Vec<DueItem> {
    collect_due(model, as_of, true)
}

/// Records who owns an item just pushed, and what tells it apart from its siblings.
fn own(item: Option<&mut DueItem>, owner: Option<&crate::model::Id>, distinct: Option<String>) {
    if let Some(item) = item {
        item.owner = owner.map(|o| o.value.clone());
        item.distinct = distinct;
    }
}

fn collect_due(model: &Isms, as_of: Date, keep_later: bool) -> Vec<DueItem> {
    let cad = model.cadences();
    let mut c = DueCollector {
        model,
        as_of,
        keep_later,
        items: Vec::new(),
    };

    // Documents under review control. Audit reports and review minutes are records of an
    // event, not documents kept under periodic review.
    let mut docs: Vec<&dyn Document> = Vec::new();
    if let Some(s) = &model.scope {
        docs.push(s);
    }
    docs.extend(model.policies.iter().map(|p| p as &dyn Document));
    docs.extend(model.procedures.iter().map(|p| p as &dyn Document));
    if let Some(p) = &model.audit_programme {
        docs.push(p);
    }
    for d in docs {
        if let Some(due) = d.review_due(cad.policy_review_months) {
            let item = c.push(
                DueKind::DocumentReview,
                &d.id().value,
                format!("review {} ({})", d.id().value, d.title().value),
                due,
                doc_span(d),
            );
            own(item, d.owner(), None);
        }
    }
    if let Some(soa) = &model.soa {
        let doc = &soa.document.value;
        if let Some(due) = doc.review_due(cad.policy_review_months) {
            let item = c.push(
                DueKind::DocumentReview,
                &doc.id.value,
                format!("review the Statement of Applicability {}", doc.id.value),
                due,
                Some(doc.id.span),
            );
            own(item, doc.owner.as_ref(), None);
        }
    }

    // Risk assessment: the latest complete assessment plus the cadence.
    if let Some(last) = model.risk_assessments.iter().max_by_key(|d| d.value) {
        c.push(
            DueKind::RiskReassessment,
            "risk-assessment",
            format!("repeat the risk assessment (last on {})", last.value),
            last.value.add_months(cad.risk_assessment_months),
            Some(last.span),
        );
    }

    for r in &model.risks {
        c.push_open_actions(DueKind::TreatmentAction, &r.id.value, r.plan.iter());
        if let Some(acc) = &r.acceptance
            && let Some(until) = &acc.until
        {
            let item = c.push(
                DueKind::AcceptanceExpiry,
                &r.id.value,
                format!("renew the acceptance of {} ({})", r.id.value, r.title.value),
                until.value,
                Some(until.span),
            );
            own(item, r.owner.as_ref(), None);
        }
    }

    for nc in &model.nonconformities {
        if nc.status.value == RecordStatus::Closed || nc.action_completed.is_some() {
            continue;
        }
        let due = nc
            .replanned
            .last()
            .map(|p| p.due.value)
            .or(nc.due.as_ref().map(|d| d.value));
        if let Some(due) = due {
            let item = c.push(
                DueKind::CorrectiveAction,
                &nc.id.value,
                format!("corrective action for {} ({})", nc.id.value, nc.title.value),
                due,
                nc.due.as_ref().map(|d| d.span).or(Some(nc.span)),
            );
            own(item, nc.owner.as_ref(), None);
        }
    }

    for rev in &model.reviews {
        c.push_open_actions(DueKind::ReviewAction, &rev.id.value, rev.actions.iter());
    }

    // Internal audits: planned audits not yet held, else the next cycle after the last one.
    let held = |id: &str| {
        model
            .audits
            .iter()
            .any(|a| a.id.value == id && a.status.value == crate::model::AuditStatus::Completed)
    };
    let mut pending = false;
    if let Some(p) = &model.audit_programme {
        for pa in p.planned.iter() {
            if held(&pa.id.value) {
                continue;
            }
            pending = true;
            let item = c.push(
                DueKind::InternalAudit,
                &pa.id.value,
                format!("internal audit {}: {}", pa.id.value, pa.scope.value),
                pa.planned.value,
                Some(pa.planned.span),
            );
            own(item, pa.auditor.as_ref().or(p.owner.as_ref()), None);
        }
    }
    if !pending {
        let cycle = model
            .audit_programme
            .as_ref()
            .and_then(|p| p.frequency_months.as_ref().map(|f| f.value))
            .unwrap_or(cad.internal_audit_months);
        let last = model
            .audits
            .iter()
            .filter(|a| {
                a.kind.value == crate::model::AuditKind::Internal
                    && a.status.value == crate::model::AuditStatus::Completed
            })
            .filter_map(|a| a.date.as_ref().map(|d| (a, d)))
            .max_by_key(|(_, d)| d.value);
        if let Some((a, d)) = last {
            let item = c.push(
                DueKind::InternalAudit,
                "internal-audit",
                format!("next internal audit (last: {} on {})", a.id.value, d.value),
                d.value.add_months(cycle),
                Some(d.span),
            );
            let owner = model
                .audit_programme
                .as_ref()
                .and_then(|p| p.owner.as_ref());
            own(item, owner, None);
        }
    }

    if let Some(last) = model.reviews.iter().max_by_key(|r| r.date.value) {
        c.push(
            DueKind::ManagementReview,
            "management-review",
            format!(
                "next management review (last: {} on {})",
                last.id.value, last.date.value
            ),
            last.date.value.add_months(cad.management_review_months),
            Some(last.date.span),
        );
    }

    for e in model.soa_entries() {
        for ev in e.evidence.iter() {
            let Some(exp) = &ev.expires else { continue };
            let what = ev
                .path
                .as_ref()
                .or(ev.url.as_ref())
                .map_or_else(String::new, |p| format!(" ({})", p.value));
            let item = c.push(
                DueKind::EvidenceExpiry,
                &e.id.value,
                format!("evidence for control {} expires{what}", e.id.value),
                exp.value,
                Some(exp.span),
            );
            let distinct = ev
                .path
                .as_ref()
                .or(ev.url.as_ref())
                .map(|p| p.value.clone());
            own(item, e.owner.as_ref(), distinct);
        }
    }

    for s in &model.suppliers {
        if let Some(last) = s.reviews.iter().max_by_key(|r| r.date.value) {
            let item = c.push(
                DueKind::SupplierReview,
                &s.id.value,
                format!("review supplier {} ({})", s.id.value, s.name.value),
                last.date.value.add_months(cad.supplier_review_months),
                Some(last.date.span),
            );
            own(item, s.owner.as_ref(), None);
        }
    }

    // Awareness: each current person's latest completion plus the cadence. Leavers need none.
    let mut latest: BTreeMap<&str, &Spanned<Date>> = BTreeMap::new();
    for a in &model.awareness {
        let e = latest
            .entry(a.person.value.as_str())
            .or_insert(&a.completed);
        if a.completed.value > e.value {
            *e = &a.completed;
        }
    }
    for (person, done) in latest {
        if model.person(person).is_some_and(|p| !p.is_current(as_of)) {
            continue;
        }
        if let Some(item) = c.push(
            DueKind::AwarenessTraining,
            person,
            format!("awareness training for {person} (last on {})", done.value),
            done.value.add_months(cad.awareness_training_months),
            Some(done.span),
        ) {
            item.owner = Some(person.to_string());
        }
    }
    for r in &model.competence {
        let Some(exp) = &r.expires else { continue };
        if model
            .person(&r.person.value)
            .is_some_and(|p| !p.is_current(as_of))
        {
            continue;
        }
        let item = c.push(
            DueKind::CompetenceExpiry,
            &r.person.value,
            format!(
                "competence evidence of {} expires ({})",
                r.person.value, r.evidence.value
            ),
            exp.value,
            Some(exp.span),
        );
        own(item, Some(&r.person), Some(r.evidence.value.clone()));
    }

    let mut items = c.items;
    items.sort_by(|a, b| {
        (a.due, a.kind, &a.record, &a.what).cmp(&(b.due, b.kind, &b.record, &b.what))
    });
    items
}

/// Risks by level before and after treatment, and the heat maps.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RiskSummary {
    /// Risks in the register.
    pub total: usize,
    /// Whether the methodology is quantitative (no grid then).
    pub quantitative: bool,
    /// The acceptance threshold, as written.
    pub acceptance_threshold: Option<String>,
    /// Counts by level (band label when bands are defined), lowest first.
    pub levels: Vec<LevelCount>,
    /// Risks with no inherent level (unrated or off the scales).
    pub inherent_unrated: usize,
    /// Risks with no residual level.
    pub residual_unrated: usize,
    /// Residual levels above the acceptance threshold.
    pub residual_above_threshold: usize,
    /// Ratings (inherent or residual) still marked `to_confirm:`: counted at their proposed
    /// level, but nobody has decided them yet.
    pub ratings_to_confirm: usize,
    /// Likelihood × impact grid of inherent ratings (qualitative methodologies).
    pub inherent_map: Option<HeatMap>,
    /// The same for residual ratings.
    pub residual_map: Option<HeatMap>,
}

/// How many risks sit at one level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelCount {
    /// The level: its band label, or the number.
    pub level: String,
    /// Whether the level is within the acceptance threshold.
    pub acceptable: bool,
    /// Risks at this level before treatment.
    pub inherent: usize,
    /// Risks at this level after treatment.
    pub residual: usize,
}

/// A likelihood × impact grid of risk counts, highest likelihood first.
#[derive(Debug, Clone, Serialize)]
pub struct HeatMap {
    /// Impact scale values, left to right.
    pub impact: Vec<String>,
    /// Rows, highest likelihood first.
    pub rows: Vec<HeatMapRow>,
}

/// One likelihood row.
#[derive(Debug, Clone, Serialize)]
pub struct HeatMapRow {
    /// The likelihood value.
    pub likelihood: String,
    /// Risk count per impact column.
    pub counts: Vec<usize>,
    /// Whether each cell is within the acceptance threshold (`None` when unknown).
    pub acceptable: Vec<Option<bool>>,
}

fn level_of(m: &RiskMethodology, r: Option<&Spanned<Rating>>) -> Option<f64> {
    let r = r?;
    m.evaluate(r.likelihood.value, r.impact.value).ok()
}

fn level_label(m: &RiskMethodology, level: f64) -> String {
    m.band(level)
        .map_or_else(|| crate::model::fmt_level(level), str::to_string)
}

fn heat_map(
    m: &RiskMethodology,
    model: &Isms,
    pick: fn(&crate::model::Risk) -> Option<&Spanned<Rating>>,
) -> Option<HeatMap> {
    if m.is_quantitative() || m.likelihood.is_empty() || m.impact.is_empty() {
        return None;
    }
    let mut lik: Vec<u8> = m.likelihood.iter().map(|p| p.value.value).collect();
    let mut imp: Vec<u8> = m.impact.iter().map(|p| p.value.value).collect();
    lik.sort_unstable();
    lik.dedup();
    imp.sort_unstable();
    imp.dedup();
    let rows = lik
        .iter()
        .rev()
        .map(|&l| HeatMapRow {
            likelihood: l.to_string(),
            counts: imp
                .iter()
                .map(|&i| {
                    model
                        .risks
                        .iter()
                        .filter(|r| pick(&r.value).and_then(|rt| rt.points()) == Some((l, i)))
                        .count()
                })
                .collect(),
            acceptable: imp
                .iter()
                .map(|&i| {
                    let lv = m.evaluate(f64::from(l), f64::from(i)).ok()?;
                    m.threshold().map(|t| lv <= t)
                })
                .collect(),
        })
        .collect();
    Some(HeatMap {
        impact: imp.iter().map(u8::to_string).collect(),
        rows,
    })
}

/// Risk counts by level and the heat maps, on the methodology's own scales.
pub fn risk_summary(model: &Isms) -> RiskSummary {
    let mut s = RiskSummary {
        total: model.risks.len(),
        ..RiskSummary::default()
    };
    let Some(m) = model.methodology() else {
        s.inherent_unrated = s.total;
        s.residual_unrated = s.total;
        return s;
    };
    s.quantitative = m.is_quantitative();
    s.acceptance_threshold = Some(match &m.acceptance_threshold.value {
        crate::model::LevelValue::Number(n) => crate::model::fmt_level(*n),
        crate::model::LevelValue::Label(l) => l.clone(),
    });
    // (numeric level, label) → counts; ordered by the number so bands read low to high.
    let mut levels: Vec<(f64, String, usize, usize)> = Vec::new();
    let mut add = |level: f64, inherent: bool| {
        let label = level_label(m, level);
        // Bands group many numbers under one label: order the band by its lowest member.
        let slot = match levels.iter().position(|x| x.1 == label) {
            Some(i) => i,
            None => {
                levels.push((level, label, 0, 0));
                levels.len() - 1
            }
        };
        let e = &mut levels[slot];
        e.0 = e.0.min(level);
        if inherent {
            e.2 += 1;
        } else {
            e.3 += 1;
        }
    };
    s.ratings_to_confirm = model
        .risks
        .iter()
        .flat_map(|r| [r.inherent.as_ref(), r.residual.as_ref()])
        .flatten()
        .filter(|r| r.to_confirm)
        .count();
    for r in &model.risks {
        match level_of(m, r.inherent.as_ref()) {
            Some(l) => add(l, true),
            None => s.inherent_unrated += 1,
        }
        match level_of(m, r.residual.as_ref()) {
            Some(l) => {
                if !m.is_acceptable(l) {
                    s.residual_above_threshold += 1;
                }
                add(l, false);
            }
            None => s.residual_unrated += 1,
        }
    }
    levels.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    s.levels = levels
        .into_iter()
        .map(|(n, level, inherent, residual)| LevelCount {
            level,
            acceptable: m.is_acceptable(n),
            inherent,
            residual,
        })
        .collect();
    s.inherent_map = heat_map(m, model, |r| r.inherent.as_ref());
    s.residual_map = heat_map(m, model, |r| r.residual.as_ref());
    s
}

/// Computes the dashboard from the loaded model and the outcome of `isms check` on it.
pub fn dashboard(model: &Isms, outcome: &Outcome, as_of: Date, git: bool) -> Dashboard {
    // The same condition under which `checks::check_loaded` skips the rules.
    let rules_ran = model.manifest.is_some() || model.files.contains_key("isms.yaml");
    let (overall, areas) = readiness(outcome, git, rules_ran);
    let records_loaded = !outcome
        .findings
        .iter()
        .any(|f| f.fails() && f.rule.is_some_and(|r| r.area == Area::Load));
    let all = todos(outcome);
    let todo_total = all.len();
    let due = due_items(model, as_of);
    let mut due_counts = DueCounts::default();
    for d in &due {
        match d.window {
            Window::Overdue => due_counts.overdue += 1,
            Window::Within30Days => due_counts.within_30_days += 1,
            Window::Within90Days => due_counts.within_90_days += 1,
            Window::Later => {}
        }
    }
    Dashboard {
        as_of,
        organisation: model.organisation_name().map(str::to_string),
        git,
        rules_ran,
        records_loaded,
        overall,
        areas,
        todo: all.into_iter().take(TODO_LIMIT).collect(),
        todo_total,
        due,
        due_counts,
        risks: risk_summary(model),
        acknowledgements: acknowledgements::rate(model, as_of),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn windows_split_overdue_30_and_90_days() {
        let today = d("2025-06-30");
        assert_eq!(window(d("2025-06-29"), today), Window::Overdue);
        assert_eq!(window(d("2024-01-01"), today), Window::Overdue);
        assert_eq!(window(d("2025-06-30"), today), Window::Within30Days);
        assert_eq!(window(d("2025-07-30"), today), Window::Within30Days);
        assert_eq!(window(d("2025-07-31"), today), Window::Within90Days);
        assert_eq!(window(d("2025-09-28"), today), Window::Within90Days);
        assert_eq!(window(d("2025-09-29"), today), Window::Later);
    }

    #[test]
    fn windows_saturate_at_the_end_of_the_calendar() {
        let last = Date(jiff::civil::Date::MAX);
        assert_eq!(window(last, last), Window::Within30Days);
        assert_eq!(window(d("2025-01-01"), last), Window::Overdue);
    }

    #[test]
    fn clause_keys_sort_numerically() {
        assert!(clause_sort_key("9.3") < clause_sort_key("10.2"));
        assert!(clause_sort_key("6.1.3 d") < clause_sort_key("6.1.10"));
        assert!(clause_sort_key("4.3") < clause_sort_key("5.2"));
    }

    #[test]
    fn files_give_the_stage() {
        assert_eq!(file_stage("scope.md"), Some(Stage::Context));
        assert_eq!(file_stage("policies/x.md"), Some(Stage::Policy));
        assert_eq!(file_stage("risks/cloud.yaml"), Some(Stage::Risk));
        assert_eq!(file_stage("isms.yaml"), None);
        assert!(Stage::Context < Stage::Policy && Stage::Policy < Stage::Risk);
    }

    #[test]
    fn empty_model_has_nothing_due() {
        assert!(due_items(&Isms::default(), d("2025-06-30")).is_empty());
        let s = risk_summary(&Isms::default());
        assert_eq!(s.total, 0);
        assert!(s.inherent_map.is_none());
    }
}
