//! Monitoring (9.1) and internal audit (9.2) rules.

use std::collections::BTreeSet;

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::{blank, id_str, join_and, list_ids, months, overdue};
use crate::catalogue;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{Audit, AuditKind, AuditStatus, Date, Frequency, RecordKind, loaded};

const METRICS: &str = "metrics.yaml";

fn metrics_defined(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    if m.metrics.is_empty() && !m.failed_kind(RecordKind::Metrics) {
        if m.present.contains(&RecordKind::Metrics) {
            out.push(
                PER_01
                    .diag("no metrics are defined")
                    .with_hint("define what is measured, how, when and by whom in metrics.yaml")
                    .at(Location::file(METRICS)),
            );
        }
        return;
    }
    for x in &m.metrics {
        let path = m.sources.path(x.span.file).to_string();
        let mut missing = Vec::new();
        if blank(x.method.as_ref()) {
            missing.push("a method");
        }
        if x.frequency.is_none() {
            missing.push("a frequency");
        }
        if id_str(x.measured_by.as_ref()).is_none() {
            missing.push("who measures");
        }
        if blank(x.analysis.as_ref()) {
            missing.push("when results are analysed");
        }
        if id_str(x.analysed_by.as_ref()).is_none() {
            missing.push("who analyses");
        }
        if !missing.is_empty() {
            let missing: Vec<String> = missing.into_iter().map(String::from).collect();
            let d = PER_01
                .diag(format!(
                    "metric {} does not define {}",
                    x.id.value,
                    join_and(&missing)
                ))
                .with_hint(
                    "9.1 asks what, how, when, who measures, when analysed and who analyses",
                );
            out.push(ctx.place(d, x.span, &path).for_record(x.id.value.clone()));
        }
        let Some(freq) = &x.frequency else { continue };
        let period = freq.value.days();
        let allowed = period + period.min(31);
        let last = loaded(&x.results).map(|r| r.date.value).max();
        let stale = match last {
            None => true,
            Some(d) => d.add_days(allowed) < ctx.today(),
        };
        if stale {
            let what = match last {
                None => "has no results".to_string(),
                Some(d) => format!("has no result since {d}"),
            };
            let d = PER_01
                .diag(format!(
                    "metric {} {what}, although it is measured {}",
                    x.id.value,
                    frequency_word(freq.value)
                ))
                .with_hint(format!(
                    "record the latest measurement with `isms measure {} --value ... --met` (or `--not-met`)",
                    x.id.value
                ));
            out.push(
                ctx.place(d, freq.span, &path)
                    .for_record(x.id.value.clone()),
            );
        }
    }
}

/// How a frequency reads in a sentence ("measured monthly").
fn frequency_word(f: Frequency) -> &'static str {
    match f {
        Frequency::Weekly => "weekly",
        Frequency::Monthly => "monthly",
        Frequency::Quarterly => "quarterly",
        Frequency::HalfYearly => "every six months",
        Frequency::Yearly => "yearly",
    }
}

fn programme_defined(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(p) = &ctx.model.audit_programme else {
        return;
    }; // missing file: SUP-07
    let mut missing = Vec::new();
    if p.frequency_months.is_none() {
        missing.push("a frequency (`frequency_months`)");
    }
    if p.methods.iter().all(|m| m.trim().is_empty()) {
        missing.push("methods (`methods`)");
    }
    if blank(p.responsibilities.as_ref()) {
        missing.push("responsibilities (`responsibilities`)");
    }
    if blank(p.planning.as_ref()) {
        missing.push("planning requirements (`planning`)");
    }
    if blank(p.reporting.as_ref()) {
        missing.push("reporting (`reporting`)");
    }
    if missing.is_empty() {
        return;
    }
    let missing: Vec<String> = missing.into_iter().map(String::from).collect();
    let d = AUD_01
        .diag(format!(
            "the audit programme does not state {}",
            join_and(&missing)
        ))
        .with_hint("complete the front matter of the audit programme");
    out.push(
        ctx.place(d, p.id.span, &p.source.path)
            .for_record(p.id.value.clone()),
    );
}

fn internal<'a>(ctx: &Context<'a>) -> impl Iterator<Item = &'a Audit> + use<'a> {
    ctx.model
        .audits
        .iter()
        .filter(|a| a.kind.value == AuditKind::Internal)
}

fn completed_internal<'a>(ctx: &Context<'a>) -> impl Iterator<Item = (&'a Audit, Date)> + use<'a> {
    internal(ctx)
        .filter(|a| a.status.value == AuditStatus::Completed)
        .filter_map(|a| a.date.as_ref().map(|d| (a, d.value)))
}

fn criteria_and_scope(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for a in internal(ctx) {
        let mut missing = Vec::new();
        if blank(a.criteria.as_ref()) {
            missing.push("criteria".to_string());
        }
        if blank(a.scope.as_ref()) {
            missing.push("a scope".to_string());
        }
        if missing.is_empty() {
            continue;
        }
        let d = AUD_02
            .diag(format!(
                "internal audit {} lacks {}",
                a.id.value,
                join_and(&missing)
            ))
            .with_hint(
                "state what the audit checks against (`criteria:`) and what it covers (`scope:`)",
            );
        out.push(
            ctx.place(d, a.id.span, &a.source.path)
                .for_record(a.id.value.clone()),
        );
    }
}

/// The main clause (4-10) a clause reference such as `6.1.2` or `Clause 9` belongs to.
fn main_clause(s: &str) -> Option<u32> {
    let t = s
        .trim()
        .trim_start_matches(|c: char| c.is_alphabetic() || c == ' ');
    if s.trim().starts_with(['A', 'a']) && s.trim().get(1..2) == Some(".") {
        return None; // an Annex A reference
    }
    let first = t.split(['.', ' ']).next()?;
    first.parse::<u32>().ok().filter(|n| (4..=10).contains(n))
}

fn programme_cycle(ctx: &Context<'_>) -> u32 {
    ctx.model
        .audit_programme
        .as_ref()
        .and_then(|p| p.frequency_months.as_ref().map(|f| f.value))
        .unwrap_or_else(|| ctx.model.cadences().internal_audit_months)
}

/// The clauses 4-10 and the valid Annex A controls an audit (record or plan) covers.
fn covered(
    clauses: &[crate::yaml::Spanned<String>],
    controls: &[crate::model::Id],
) -> (BTreeSet<u32>, BTreeSet<String>) {
    (
        clauses
            .iter()
            .filter_map(|c| main_clause(&c.value))
            .collect(),
        controls.iter().map(|c| c.value.clone()).collect(),
    )
}

/// "clause 9" / "clauses 4, 5 and 10".
fn clause_list(missing: &[u32]) -> String {
    let names: Vec<String> = missing.iter().map(u32::to_string).collect();
    format!(
        "clause{} {}",
        if names.len() == 1 { "" } else { "s" },
        join_and(&names)
    )
}

fn coverage(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let done: Vec<(&Audit, Date)> = completed_internal(ctx).collect();
    if done.is_empty() {
        out.push(
            AUD_03
                .diag("no internal audit has been completed")
                .with_hint("certification bodies expect at least one complete internal audit of the ISMS before Stage 2; record it with `isms new audit --id <planned id> --title ... --auditor <person id>`, then `isms report <id> --to <management>` when the report is issued")
                .for_record("internal-audit".to_string()),
        );
    } else {
        // Before certification the whole management system must have been audited once:
        // the completed internal audits together cover clauses 4-10.
        let clauses: BTreeSet<u32> = done
            .iter()
            .flat_map(|(a, _)| a.clauses.iter())
            .filter_map(|c| main_clause(&c.value))
            .collect();
        let missing: Vec<u32> = (4..=10).filter(|c| !clauses.contains(c)).collect();
        if let Some((latest, _)) = done.iter().max_by_key(|(_, d)| *d)
            && !missing.is_empty()
        {
            let d = AUD_03
                .diag(format!(
                    "no completed internal audit has covered {} yet",
                    clause_list(&missing)
                ))
                .with_hint("the whole management system (clauses 4-10) must have been audited at least once before Stage 2; list the clauses each audit covered under `clauses:`");
            out.push(
                ctx.place(d, latest.id.span, &latest.source.path)
                    .for_record(latest.id.value.clone()),
            );
        }
    }
    let Some(p) = &m.audit_programme else {
        return; // a missing programme is SUP-07's finding
    };
    let Some(period) = &p.period else {
        let d = AUD_03
            .diag("the audit programme does not state the period it covers")
            .with_hint("add `period: { from, to }` (for example the three-year certification cycle); the audits completed and planned in it must together cover clauses 4-10 and every applicable control");
        out.push(
            ctx.place(d, p.id.span, &p.source.path)
                .for_record(p.id.value.clone()),
        );
        return;
    };
    let (from, to) = (period.from.value, period.to.value);
    let within = |d: Date| from <= d && d <= to;
    let mut clauses = BTreeSet::new();
    let mut controls = BTreeSet::new();
    for (a, date) in &done {
        if within(*date) {
            let (c, k) = covered(&a.clauses, &a.controls);
            clauses.extend(c);
            controls.extend(k);
        }
    }
    // Still to come: a plan counts while its date has not passed (a lapsed plan is AUD-08's).
    for plan in loaded(&p.planned) {
        let held = done.iter().any(|(a, _)| a.id.value == plan.id.value);
        if !held && within(plan.planned.value) && plan.planned.value >= ctx.today() {
            let (c, k) = covered(&plan.clauses, &plan.controls);
            clauses.extend(c);
            controls.extend(k);
        }
    }
    let at = |d: Diagnostic| {
        ctx.place(d, period.from.span, &p.source.path)
            .for_record(p.id.value.clone())
    };
    let missing: Vec<u32> = (4..=10).filter(|c| !clauses.contains(c)).collect();
    if !missing.is_empty() {
        out.push(at(AUD_03
            .diag(format!(
                "the audits completed and planned in the programme period {from} to {to} do not cover {}",
                clause_list(&missing)
            ))
            .with_hint("plan audits so that clauses 4-10 are all covered within the programme period; list them under `clauses:` of `planned:` in the programme; `isms new audit --id ID` records a planned audit with its clauses")));
    }
    // Only controls that are really Annex A 2022 controls: a 2013 id or an unknown id in the
    // SoA is a load error, not a control to audit.
    let mut unaudited: Vec<String> = m
        .soa_entries()
        .filter(|e| e.is_applicable())
        .filter_map(|e| catalogue::get(&e.id.value).map(|c| c.id.clone()))
        .filter(|id| !controls.contains(id))
        .collect();
    unaudited.sort_by(|a, b| catalogue::compare_ids(a, b));
    unaudited.dedup();
    if !unaudited.is_empty() {
        out.push(at(AUD_03
            .diag(format!(
                "{} applicable Annex A control{} neither audited nor planned in the programme period {from} to {to}: {}",
                unaudited.len(),
                if unaudited.len() == 1 { " is" } else { "s are" },
                list_ids(&unaudited, 8)
            ))
            .with_hint("plan an audit of these controls within the period (`controls:` of an entry under `planned:`), or record the audit that covered them (`isms new audit --id ID --controls ...`)")));
    }
}

fn impartial(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    for a in internal(ctx) {
        let Some(auditor) = id_str(a.auditor.as_ref()) else {
            continue;
        };
        let mut conflicts = Vec::new();
        if a.auditees.iter().any(|x| x.value == auditor) {
            conflicts.push("is also an auditee".to_string());
        }
        let owned: Vec<String> = a
            .controls
            .iter()
            .filter_map(|c| m.soa_entry(&c.value))
            .filter(|e| id_str(e.owner.as_ref()) == Some(auditor))
            .map(|e| e.id.value.clone())
            .collect();
        if !owned.is_empty() {
            conflicts.push(format!(
                "owns audited control{} {}",
                if owned.len() == 1 { "" } else { "s" },
                list_ids(&owned, 5)
            ));
        }
        let audited_clauses: BTreeSet<u32> = a
            .clauses
            .iter()
            .filter_map(|c| main_clause(&c.value))
            .collect();
        if let Some(manifest) = &m.manifest {
            let processes: Vec<String> = loaded(&manifest.processes)
                .filter(|p| id_str(p.owner.as_ref()) == Some(auditor))
                .filter(|p| {
                    p.clauses
                        .iter()
                        .filter_map(|c| main_clause(&c.value))
                        .any(|c| audited_clauses.contains(&c))
                })
                .map(|p| p.id.value.clone())
                .collect();
            if !processes.is_empty() {
                conflicts.push(format!(
                    "owns audited process{} {}",
                    if processes.len() == 1 { "" } else { "es" },
                    processes.join(", ")
                ));
            }
        }
        let runs_isms = m
            .roles
            .iter()
            .any(|r| r.ensures_conformity && r.holders.iter().any(|h| h.value == auditor));
        if runs_isms && !audited_clauses.is_empty() {
            conflicts.push("is responsible for the ISMS whose clauses are audited".to_string());
        }
        if conflicts.is_empty() {
            continue;
        }
        let span = a.auditor.as_ref().map_or(a.id.span, |x| x.span);
        let d = AUD_04
            .diag(format!("the auditor of {} is not impartial: {auditor} {}", a.id.value, join_and(&conflicts)))
            .with_hint("choose an auditor who does not own what is audited (another team, or an external auditor)");
        out.push(
            ctx.place(d, span, &a.source.path)
                .for_record(a.id.value.clone()),
        );
    }
}

/// Whether `person` is management relevant to audit `a` (9.2.2 c): top management, a holder of
/// the role that runs or reports on the ISMS (5.3), or the owner of an audited control or
/// process.
fn is_management(ctx: &Context<'_>, a: &Audit, person: &str) -> bool {
    let m = ctx.model;
    if m.is_top_management(person) {
        return true;
    }
    let isms_role = m.roles.iter().any(|r| {
        (r.ensures_conformity || r.reports_performance)
            && r.holders.iter().any(|h| h.value == person)
    });
    if isms_role {
        return true;
    }
    let owns_control = a
        .controls
        .iter()
        .filter_map(|c| m.soa_entry(&c.value))
        .any(|e| id_str(e.owner.as_ref()) == Some(person));
    let audited: BTreeSet<u32> = a
        .clauses
        .iter()
        .filter_map(|c| main_clause(&c.value))
        .collect();
    let owns_process = m.manifest.as_ref().is_some_and(|manifest| {
        loaded(&manifest.processes)
            .filter(|p| id_str(p.owner.as_ref()) == Some(person))
            .any(|p| {
                p.clauses
                    .iter()
                    .filter_map(|c| main_clause(&c.value))
                    .any(|c| audited.contains(&c))
            })
    });
    owns_control || owns_process
}

fn status_stated(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for a in &ctx.model.audits {
        if a.status.value != AuditStatus::Unstated {
            continue;
        }
        let d = AUD_09
            .diag(format!(
                "audit record {} does not say whether the audit was held (`status:`), so it is not counted as completed",
                a.id.value
            ))
            .with_hint("add `status: planned`, `in-progress` or `completed`");
        out.push(
            ctx.place(d, a.id.span, &a.source.path)
                .for_record(a.id.value.clone()),
        );
    }
}

fn reported(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (a, _) in completed_internal(ctx) {
        let mut missing = Vec::new();
        if a.report.date.is_none() {
            missing.push("a report date (`report.date`)".to_string());
        }
        if a.report.recipients.is_empty() {
            missing.push("recipients from management (`report.recipients`)".to_string());
        } else if !a
            .report
            .recipients
            .iter()
            .any(|r| is_management(ctx, a, &r.value))
        {
            missing.push(format!(
                "a recipient from management: {} {} not top management, the ISMS manager or the owner of an audited control or process",
                a.report.recipients.iter().map(|r| r.value.clone()).collect::<Vec<_>>().join(", "),
                if a.report.recipients.len() == 1 { "is" } else { "are" }
            ));
        }
        if missing.is_empty() {
            continue;
        }
        let d = AUD_05
            .diag(format!(
                "the results of internal audit {} lack {}",
                a.id.value,
                join_and(&missing)
            ))
            .with_hint("9.2.2 c asks for audit results to be reported to relevant management");
        out.push(
            ctx.place(d, a.id.span, &a.source.path)
                .for_record(a.id.value.clone()),
        );
    }
}

fn risk_based(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(p) = &ctx.model.audit_programme else {
        return;
    };
    if blank(p.prioritisation.as_ref()) {
        let d = AUD_06
            .diag("the audit programme does not say how process importance and earlier results set its priorities")
            .with_hint("add `prioritisation:` explaining, for example, that areas with nonconformities are re-audited sooner");
        out.push(
            ctx.place(d, p.id.span, &p.source.path)
                .for_record(p.id.value.clone()),
        );
    }
}

fn audit_current(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let cycle = programme_cycle(ctx);
    let Some((a, date)) = completed_internal(ctx).max_by_key(|(_, d)| *d) else {
        return;
    };
    if overdue(date, cycle, ctx.today()) {
        let d = AUD_07
            .diag(format!(
                "the last internal audit ({}) was on {date}, more than {} ago",
                a.id.value,
                months(cycle)
            ))
            .with_hint("hold the next internal audit of the programme");
        let span = a.date.as_ref().map_or(a.id.span, |d| d.span);
        out.push(
            ctx.place(d, span, &a.source.path)
                .for_record(a.id.value.clone()),
        );
    }
}

fn planned_held(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(p) = &ctx.model.audit_programme else {
        return;
    };
    for planned in loaded(&p.planned) {
        if planned.planned.value >= ctx.today() {
            continue;
        }
        let held =
            ctx.model.audits.iter().any(|a| {
                a.id.value == planned.id.value && a.status.value == AuditStatus::Completed
            });
        if held {
            continue;
        }
        let d = AUD_08
            .diag(format!(
                "audit {} was planned for {} but no completed audit record exists",
                planned.id.value, planned.planned.value
            ))
            .with_hint(format!(
                "record the audit: `isms new audit --id {0}` (it starts from what the programme planned) and, once its report is issued, `isms report {0} --to <person ids>`; or re-plan it in the programme",
                planned.id.value
            ));
        out.push(
            ctx.place(d, planned.span, &p.source.path)
                .for_record(planned.id.value.clone()),
        );
    }
}

const PER_01: Rule = Rule {
    code: "PER-01",
    name: "metrics-defined-and-measured",
    area: Area::Audit,
    clause: "9.1",
    default_severity: Severity::Error,
    summary: "Every metric says what, how, when and by whom it is measured and analysed, and has a recent result.",
    explanation: "\
Clause 9.1 asks the organisation to decide what is measured, the method, when it is measured,
who measures, when results are analysed and who analyses them, and to retain the results.
Metrics defined on paper with no results are a common finding. A result is expected within one
period of the metric's frequency, plus a grace of up to a month.

Fix: complete the metric and record results (`isms measure M-01 --value ... --met`).

```yaml
metrics:
  - id: M-01
    title: Share of laptops with disk encryption
    method: MDM compliance report
    frequency: monthly
    measured_by: p-it
    analysis: Monthly security meeting
    analysed_by: p-ciso
    target: 100%
    results:
      - { date: 2025-06-30, value: 98%, met: false, note: Two new laptops pending }
```",
    check: Check::Model(metrics_defined),
};

const AUD_01: Rule = Rule {
    code: "AUD-01",
    name: "audit-programme-defined",
    area: Area::Audit,
    clause: "9.2.2",
    default_severity: Severity::Error,
    summary: "The audit programme states frequency, methods, responsibilities, planning and reporting.",
    explanation: "\
Clause 9.2.2 requires an audit programme covering frequency, methods, responsibilities,
planning requirements and reporting. Without these the programme is just a list of dates.

Fix: complete the front matter of audits/programme.md.

```yaml
frequency_months: 12
methods: [interviews, record sampling, technical testing]
responsibilities: The ISMS manager plans; audits are performed by an external auditor or a trained employee from another team.
planning: Each audit is announced four weeks ahead with scope and criteria.
reporting: Reports go to the CEO and the ISMS manager within two weeks.
```",
    check: Check::Model(programme_defined),
};

const AUD_02: Rule = Rule {
    code: "AUD-02",
    name: "audit-criteria-and-scope",
    area: Area::Audit,
    clause: "9.2.2 a",
    default_severity: Severity::Error,
    summary: "Every internal audit record states its criteria and scope.",
    explanation: "\
Clause 9.2.2 a requires the audit criteria and scope to be defined for each audit. Without
criteria a finding cannot be graded; without a scope nobody knows what was covered.

Fix: add both to the audit's front matter.

```yaml
criteria: ISO/IEC 27001:2022 clauses 4-10, the information security policy and procedures
scope: Risk management, supplier management and controls 5.19-5.23
```",
    check: Check::Model(criteria_and_scope),
};

const AUD_03: Rule = Rule {
    code: "AUD-03",
    name: "audit-coverage",
    area: Area::Audit,
    clause: "9.2.1",
    default_severity: Severity::Error,
    summary: "The whole ISMS has been audited once, and the audits completed and planned in the programme period cover clauses 4-10 and all applicable controls.",
    explanation: "\
Clause 9.2 asks for internal audits at planned intervals that show whether the ISMS conforms
to the organisation's own requirements and the standard; 9.2.2 leaves the rhythm to the audit
programme. The standard does not require every control to be audited every year: the
programme states its own period (often the three-year certification cycle), and within that
period the audits completed and still planned must together cover clauses 4 to 10 and every
control the SoA marks applicable. The rule reports a programme without a `period:`, the
clauses and the applicable controls neither audited nor planned within the period (a plan whose
date has passed without a completed record no longer counts; AUD-08 reports it), and, because
certification bodies expect the whole management system to have been audited before Stage 2,
completed internal audits that have not yet covered all of clauses 4 to 10. Only valid Annex A
2022 ids count as applicable controls. Audit records without `status: completed` are not
counted as held.

Fix: state the period and plan audits for the gaps.

```yaml
# audits/programme.md
period: { from: 2025-01-01, to: 2027-12-31 }
planned:
  - id: AUD-2026-01
    scope: Supplier management and secure development
    clauses: [\"8\"]
    controls: [\"5.19\", \"5.20\", \"5.21\", \"5.22\", \"8.25\", \"8.28\"]
    planned: 2026-05-12
```",
    check: Check::Model(coverage),
};

const AUD_04: Rule = Rule {
    code: "AUD-04",
    name: "auditor-impartial",
    area: Area::Audit,
    clause: "9.2.2 b",
    default_severity: Severity::Error,
    summary: "No internal auditor audits their own work (auditee, control owner, process owner or ISMS manager).",
    explanation: "\
Clause 9.2.2 b requires auditors to be selected so that audits are objective and impartial.
The auditor must not audit controls or processes they own, must not be among the auditees, and
the person responsible for the ISMS must not audit the management system clauses they run.

Fix: choose another auditor (another team, or an external one).

```yaml
auditor: p-fin-02          # finance lead, trained internal auditor
external_auditor: null
auditees: [p-ciso, p-cto]
```",
    check: Check::Model(impartial),
};

const AUD_05: Rule = Rule {
    code: "AUD-05",
    name: "audit-reported",
    area: Area::Audit,
    clause: "9.2.2 c",
    default_severity: Severity::Error,
    summary: "Every completed internal audit has a report date and management recipients.",
    explanation: "\
Clause 9.2.2 c requires audit results to be reported to relevant management. The record must
show when the report was issued and to whom, and at least one recipient must be management for
what was audited: a member of top management, a holder of the role that ensures conformity of
the ISMS or reports its performance (5.3), or the owner of an audited control or process. A
report sent only to the auditor or to staff without responsibility for the audited area has not
reached management.

Fix: record the report.

```yaml
report:
  date: 2025-05-20
  recipients: [p-ceo, p-ciso]
```",
    check: Check::Model(reported),
};

const AUD_06: Rule = Rule {
    code: "AUD-06",
    name: "audit-programme-risk-based",
    area: Area::Audit,
    clause: "9.2.2",
    default_severity: Severity::Warning,
    summary: "The audit programme explains how process importance and earlier results set priorities.",
    explanation: "\
The audit programme must take into consideration the importance of the processes concerned and
the results of previous audits. A programme that audits everything on a fixed rotation,
regardless of where problems were found, is a finding.

Fix: state the prioritisation.

```yaml
prioritisation: Areas with open nonconformities or major changes are audited within six months; the rest yearly.
```",
    check: Check::Model(risk_based),
};

const AUD_07: Rule = Rule {
    code: "AUD-07",
    name: "internal-audit-current",
    area: Area::Audit,
    clause: "9.2.1",
    default_severity: Severity::Error,
    summary: "The last completed internal audit is within the programme's frequency.",
    explanation: "\
Internal audits happen at planned intervals. The newest completed internal audit is compared
with the programme's `frequency_months` (or the `internal_audit_months` cadence) as of
`--as-of`.

Fix: hold the next audit and record it.

```yaml
---
id: AUD-2025-01
title: Internal audit 2025
type: internal
status: completed
date: 2025-05-06
---
```",
    check: Check::Model(audit_current),
};

const AUD_08: Rule = Rule {
    code: "AUD-08",
    name: "planned-audit-held",
    area: Area::Audit,
    clause: "9.2.2",
    default_severity: Severity::Warning,
    summary: "Every audit planned in the programme for a past date has a completed record.",
    explanation: "\
An audit programme is only evidence if it is carried out. A planned audit whose date has passed
without a completed record means the programme slipped; re-plan it visibly rather than let it
lapse.

Fix: record the audit (same id as in the programme) or change its planned date.

```yaml
planned:
  - id: AUD-2025-02
    scope: Supplier management
    planned: 2025-10-15
```",
    check: Check::Model(planned_held),
};

const AUD_09: Rule = Rule {
    code: "AUD-09",
    name: "audit-status-stated",
    area: Area::Audit,
    clause: "9.2.2",
    default_severity: Severity::Error,
    summary: "Every audit record says whether the audit is planned, in progress or completed.",
    explanation: "\
Clause 9.2.2 asks for documented evidence that the audit programme was implemented. A record
that does not say whether the audit was held cannot be that evidence: it may be a plan or a
draft. Such a record is not counted as a completed audit by the other rules (AUD-03, AUD-05,
AUD-07, AUD-08, MR-02), and this rule reports it.

Fix: state the status.

```yaml
---
id: AUD-2025-01
title: Internal audit 2025
status: completed
date: 2025-05-06
---
```",
    check: Check::Model(status_stated),
};

/// The monitoring and internal audit rules.
pub(super) const RULES: &[Rule] = &[
    PER_01, AUD_01, AUD_02, AUD_03, AUD_04, AUD_05, AUD_06, AUD_07, AUD_08, AUD_09,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_clauses() {
        assert_eq!(main_clause("6.1.2"), Some(6));
        assert_eq!(main_clause("10"), Some(10));
        assert_eq!(main_clause("Clause 9.3"), Some(9));
        assert_eq!(main_clause("A.5.1"), None);
        assert_eq!(main_clause("3"), None);
        assert_eq!(main_clause("x"), None);
    }
}
