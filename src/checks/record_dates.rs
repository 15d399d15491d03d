//! Records dated in the future (7.5.2, 7.5.3): an approval, a completion, an audit or a review
//! that is dated after the day the ISMS is checked has not happened yet, whatever the record
//! says. Planned and due dates are not records of something done and are left alone.

use super::Context;
use super::rule::{Area, Check, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Action, Approval, AuditStatus, Date, Replan, loaded};
use crate::source::Span;
use crate::yaml::Spanned;

/// Collects the findings of one run, so each record type only lists its dates.
struct Collector<'c, 'a> {
    ctx: &'c Context<'a>,
    today: Date,
    out: &'c mut Vec<Diagnostic>,
}

impl Collector<'_, '_> {
    /// Reports `date` when it is after the as-of day. `what` names the date in the message
    /// ("the approval of SOA"), `record` is the id waivers match and `file` the fallback
    /// location.
    fn date(&mut self, date: Option<&Spanned<Date>>, what: &str, record: &str, file: &str) {
        let Some(date) = date else { return };
        if date.value <= self.today {
            return;
        }
        let d = SUP_08
            .diag(format!(
                "{what} is dated {}, after the as-of date {}",
                date.value, self.today
            ))
            .with_hint(
                "a record can only describe what has happened: correct the date (a wrong year is \
                 the usual cause), or add the record once the event has taken place",
            );
        let d = self.ctx.place(d, date.span, file);
        self.out.push(if record.is_empty() {
            d
        } else {
            d.for_record(record.to_string())
        });
    }

    fn approval(&mut self, a: &Approval, what: &str, record: &str, file: &str) {
        self.date(
            a.on.as_ref(),
            &format!("the approval of {what}"),
            record,
            file,
        );
    }

    fn actions<'x>(
        &mut self,
        actions: impl Iterator<Item = &'x Spanned<Action>>,
        owner: &str,
        file: &str,
    ) {
        for (n, a) in actions.enumerate() {
            let name = match &a.id {
                Some(id) if !id.value.trim().is_empty() => format!("action {}", id.value),
                _ => format!("action {} of {owner}", n + 1),
            };
            self.date(
                a.completed.as_ref(),
                &format!("the completion of {name}"),
                owner,
                file,
            );
            self.replans(&a.replanned, &name, owner, file);
        }
    }

    fn replans(&mut self, replans: &[Replan], what: &str, record: &str, file: &str) {
        for r in replans {
            self.date(Some(&r.on), &format!("a re-plan of {what}"), record, file);
        }
    }

    fn path(&self, span: Span) -> String {
        self.ctx.model.sources.path(span.file).to_string()
    }
}

fn no_future_dates(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let mut c = Collector {
        ctx,
        today: ctx.today(),
        out,
    };
    const MANIFEST: &str = "isms.yaml";

    // isms.yaml: the methodology's approval and leavers' access removal.
    if let Some(meth) = m
        .manifest
        .as_ref()
        .and_then(|x| x.risk_methodology.as_ref())
    {
        c.approval(
            &meth.approval,
            "the risk methodology",
            "risk_methodology",
            MANIFEST,
        );
    }
    for r in &m.roles {
        c.date(
            r.communicated.as_ref().and_then(|x| x.on.as_ref()),
            &format!("the communication of role {}", r.id.value),
            &r.id.value,
            MANIFEST,
        );
    }
    for p in &m.people {
        for (d, what) in [
            (&p.screened, "screening"),
            (&p.terms_signed, "signature of terms"),
            (
                &p.confidentiality_signed,
                "signature of the confidentiality agreement",
            ),
            (
                &p.acceptable_use_acknowledged,
                "acknowledgement of acceptable use",
            ),
        ] {
            c.date(
                d.as_ref(),
                &format!("the {what} of {}", p.id.value),
                &p.id.value,
                MANIFEST,
            );
        }
        c.date(
            p.access_revoked.as_ref(),
            &format!("the removal of {}'s access", p.id.value),
            &p.id.value,
            MANIFEST,
        );
    }

    // context.yaml.
    if let Some(cx) = &m.context {
        c.approval(&cx.reviewed, "the context review", "", "context.yaml");
        for o in loaded(&cx.obligations) {
            c.date(
                o.last_reviewed.as_ref(),
                &format!("the last review of obligation {}", o.id.value),
                &o.id.value,
                "context.yaml",
            );
        }
    }

    // Controlled documents: approvals, and the dates that record what happened.
    for doc in m.documents() {
        let src = doc.doc_source();
        c.approval(doc.approval(), &doc.id().value, &doc.id().value, &src.path);
    }
    for p in &m.policies {
        c.date(
            p.communicated.on.as_ref(),
            &format!("the communication of {}", p.id.value),
            &p.id.value,
            &p.source.path,
        );
    }
    for a in &m.audits {
        // A planned or running audit may carry its (future) start date.
        if a.status.value == AuditStatus::Completed {
            c.date(
                a.date.as_ref(),
                &format!("completed audit {}", a.id.value),
                &a.id.value,
                &a.source.path,
            );
        }
        c.date(
            a.report.date.as_ref(),
            &format!("the report of audit {}", a.id.value),
            &a.id.value,
            &a.source.path,
        );
    }
    for r in &m.reviews {
        c.date(
            Some(&r.date),
            &format!("management review {}", r.id.value),
            &r.id.value,
            &r.source.path,
        );
        c.actions(loaded(&r.actions), &r.id.value, &r.source.path);
    }

    // The SoA and its evidence.
    if let Some(soa) = &m.soa {
        let file = c.path(soa.document.span);
        c.approval(
            &soa.document.approval,
            &format!("the Statement of Applicability {}", soa.document.id.value),
            &soa.document.id.value,
            &file,
        );
        for e in loaded(&soa.controls) {
            for ev in loaded(&e.evidence) {
                c.date(
                    ev.collected.as_ref(),
                    &format!("the collection of evidence of control {}", e.id.value),
                    &e.id.value,
                    &file,
                );
            }
        }
    }

    // Risks.
    for d in &m.risk_assessments {
        let file = c.path(d.span);
        c.date(Some(d), "the risk assessment", "", &file);
    }
    for r in &m.risks {
        let file = c.path(r.span);
        let id = &r.id.value;
        c.date(
            r.identified.as_ref(),
            &format!("the identification of risk {id}"),
            id,
            &file,
        );
        c.date(
            r.last_assessed.as_ref(),
            &format!("the last assessment of risk {id}"),
            id,
            &file,
        );
        c.approval(
            &r.plan_approval,
            &format!("the treatment plan of risk {id}"),
            id,
            &file,
        );
        if let Some(acc) = &r.acceptance {
            c.date(
                acc.on.as_ref(),
                &format!("the acceptance of risk {id}"),
                id,
                &file,
            );
        }
        c.actions(loaded(&r.plan), id, &file);
    }

    // Objectives and metrics.
    for o in &m.objectives {
        let file = c.path(o.span);
        let id = &o.id.value;
        c.date(o.set.as_ref(), &format!("objective {id}"), id, &file);
        for ms in loaded(&o.measurements) {
            c.date(
                Some(&ms.date),
                &format!("a measurement of objective {id}"),
                id,
                &file,
            );
        }
    }
    for x in &m.metrics {
        let file = c.path(x.span);
        for res in loaded(&x.results) {
            c.date(
                Some(&res.date),
                &format!("a result of metric {}", x.id.value),
                &x.id.value,
                &file,
            );
        }
    }

    // Training.
    for t in &m.competence {
        let file = c.path(t.span);
        c.date(
            t.date.as_ref(),
            &format!("the competence record of {}", t.person.value),
            &t.person.value,
            &file,
        );
    }
    for t in &m.competence_actions {
        let file = c.path(t.span);
        c.date(
            t.completed.as_ref(),
            &format!("the completion of {}'s competence action", t.person.value),
            &t.person.value,
            &file,
        );
        if let Some(e) = &t.effectiveness {
            c.date(
                Some(&e.on),
                &format!("the evaluation of {}'s competence action", t.person.value),
                &t.person.value,
                &file,
            );
        }
    }
    for t in &m.awareness {
        let file = c.path(t.span);
        c.date(
            Some(&t.completed),
            &format!("{}'s completion of {}", t.person.value, t.course.value),
            &t.person.value,
            &file,
        );
    }

    // Suppliers, incidents, changes, nonconformities.
    for s in &m.suppliers {
        let file = c.path(s.span);
        for rv in loaded(&s.reviews) {
            c.date(
                Some(&rv.date),
                &format!("a review of supplier {}", s.id.value),
                &s.id.value,
                &file,
            );
        }
    }
    for i in &m.incidents {
        let file = c.path(i.span);
        let id = &i.id.value;
        c.date(
            Some(&i.reported),
            &format!("the report of incident {id}"),
            id,
            &file,
        );
        c.date(
            i.closed.as_ref(),
            &format!("the closure of incident {id}"),
            id,
            &file,
        );
    }
    for ch in &m.changes {
        let file = c.path(ch.span);
        let id = &ch.id.value;
        c.approval(&ch.approval, &format!("change {id}"), id, &file);
        c.date(
            ch.completed.as_ref(),
            &format!("the completion of change {id}"),
            id,
            &file,
        );
    }
    for nc in &m.nonconformities {
        let file = c.path(nc.span);
        let id = &nc.id.value;
        c.date(Some(&nc.raised), &format!("nonconformity {id}"), id, &file);
        c.date(
            nc.closed.as_ref(),
            &format!("the closure of nonconformity {id}"),
            id,
            &file,
        );
        if let Some(e) = &nc.effectiveness {
            c.date(
                Some(&e.date),
                &format!("the effectiveness review of nonconformity {id}"),
                id,
                &file,
            );
        }
        c.replans(&nc.replanned, &format!("nonconformity {id}"), id, &file);
    }
}

const SUP_08: Rule = Rule {
    code: "SUP-08",
    name: "no-future-dates",
    area: Area::Support,
    clause: "7.5.3",
    default_severity: Severity::Warning,
    summary: "No record of something done (an approval, completion, audit, review, measurement, training or evidence collection) is dated after the as-of date.",
    explanation: "\
A record states that something happened: a document was approved, an action completed, an
audit held, evidence collected. Dated after the day the ISMS is checked (`--as-of`, else
today), it cannot be true yet, and it makes date-driven rules pass that should not (a review
\"held\" next month is never overdue). Auditors read such dates as records written in advance
or typed carelessly, and either undermines the integrity of documented information (7.5.3).
The rule looks at approval dates (documents, SoA, risk methodology, risk treatment plans, changes,
the context review), risk acceptances and assessments, completion, closure and re-plan dates, the
date of a completed audit and of its report, management review dates, evidence `collected:`
dates, objective measurements and metric results, awareness completions, competence dates,
supplier reviews, incident and nonconformity dates, effectiveness reviews and leavers'
`access_revoked:`. Planned and due dates, `next_review:`, `expires:` and a leaver's `left:` may
of course lie ahead.

Fix: correct the date, or add the record once the event has taken place.

```yaml
# training.yaml, checked as of 2025-06-30
awareness:
  - { person: p-dev-07, course: Security awareness 2025, completed: 2025-06-14 }  # not 2026-06-14
```",
    check: Check::Model(no_future_dates),
};

/// One pair of dates that must be in order: `earlier` must not be after `later`. The finding
/// is placed at the date that cannot be true given the other: `later`, or `earlier` when the
/// other date is a limit (a person's last day).
struct Order<'a> {
    earlier: Option<&'a Spanned<Date>>,
    earlier_what: String,
    later: Option<&'a Spanned<Date>>,
    later_what: String,
    record: &'a str,
    at_earlier: bool,
}

fn order<'a>(
    earlier: Option<&'a Spanned<Date>>,
    earlier_what: String,
    later: Option<&'a Spanned<Date>>,
    later_what: String,
    record: &'a str,
) -> Order<'a> {
    Order {
        earlier,
        earlier_what,
        later,
        later_what,
        record,
        at_earlier: false,
    }
}

/// `date` must not be after `limit` (the last day of whoever acted); reported at `date`.
fn not_after<'a>(
    date: Option<&'a Spanned<Date>>,
    what: String,
    limit: Option<&'a Spanned<Date>>,
    limit_what: String,
    record: &'a str,
) -> Order<'a> {
    Order {
        at_earlier: true,
        ..order(date, what, limit, limit_what, record)
    }
}

/// The approver's or acceptor's last day, when the reference is to a person who has left; a
/// role is judged by its holders elsewhere.
fn left_date<'a>(
    m: &'a crate::model::Isms,
    by: Option<&crate::model::Id>,
) -> Option<&'a Spanned<Date>> {
    m.person(&by?.value)?.left.as_ref()
}

/// Every pair of dates the lifecycle of a record puts in order, from one table per record
/// type, so a new pair is one line here and not a new rule.
fn orders(m: &crate::model::Isms) -> Vec<Order<'_>> {
    let mut v = Vec::new();
    // An approval given by someone after their last day cannot be theirs.
    let approvals: Vec<(&Approval, String, &str)> = {
        let mut x: Vec<(&Approval, String, &str)> = Vec::new();
        if let Some(meth) = m
            .manifest
            .as_ref()
            .and_then(|y| y.risk_methodology.as_ref())
        {
            x.push((
                &meth.approval,
                "the risk methodology".into(),
                "risk_methodology",
            ));
        }
        for d in m.documents() {
            x.push((d.approval(), d.id().value.clone(), d.id().value.as_str()));
        }
        if let Some(soa) = &m.soa {
            x.push((
                &soa.document.approval,
                "the Statement of Applicability".into(),
                soa.document.id.value.as_str(),
            ));
        }
        for r in &m.risks {
            x.push((
                &r.plan_approval,
                format!("the treatment plan of risk {}", r.id.value),
                r.id.value.as_str(),
            ));
        }
        for c in &m.changes {
            x.push((
                &c.approval,
                format!("change {}", c.id.value),
                c.id.value.as_str(),
            ));
        }
        x
    };
    for (a, what, record) in approvals {
        if let Some(by) = &a.by {
            v.push(not_after(
                a.on.as_ref(),
                format!("the approval of {what} by {}", by.value),
                left_date(m, Some(by)),
                format!("{}'s last day", by.value),
                record,
            ));
        }
    }
    for p in &m.policies {
        // An approval can only approve a version that already exists.
        v.push(order(
            p.version_date.as_ref(),
            format!(
                "version {} of policy {}",
                p.version.as_ref().map_or("?", |x| x.value.as_str()),
                p.id.value
            ),
            p.approval.on.as_ref(),
            format!("the approval of policy {}", p.id.value),
            &p.id.value,
        ));
        v.push(order(
            p.approval.on.as_ref(),
            format!("the approval of policy {}", p.id.value),
            p.communicated.on.as_ref(),
            format!("the communication of policy {}", p.id.value),
            &p.id.value,
        ));
    }
    for r in &m.risks {
        let id = &r.id.value;
        v.push(order(
            r.identified.as_ref(),
            format!("the identification of risk {id}"),
            r.last_assessed.as_ref(),
            format!("the last assessment of risk {id}"),
            id,
        ));
        v.push(order(
            r.identified.as_ref(),
            format!("the identification of risk {id}"),
            r.plan_approval.on.as_ref(),
            format!("the approval of the treatment plan of risk {id}"),
            id,
        ));
        if let Some(acc) = &r.acceptance {
            v.push(order(
                r.identified.as_ref(),
                format!("the identification of risk {id}"),
                acc.on.as_ref(),
                format!("the acceptance of risk {id}"),
                id,
            ));
            if let Some(by) = &acc.by {
                v.push(not_after(
                    acc.on.as_ref(),
                    format!("the acceptance of risk {id} by {}", by.value),
                    left_date(m, Some(by)),
                    format!("{}'s last day", by.value),
                    id,
                ));
            }
        }
    }
    for i in &m.incidents {
        v.push(order(
            Some(&i.reported),
            format!("the report of incident {}", i.id.value),
            i.closed.as_ref(),
            format!("the closure of incident {}", i.id.value),
            &i.id.value,
        ));
    }
    for c in &m.changes {
        v.push(order(
            c.approval.on.as_ref(),
            format!("the approval of change {}", c.id.value),
            c.completed.as_ref(),
            format!("the completion of change {}", c.id.value),
            &c.id.value,
        ));
    }
    for a in &m.audits {
        v.push(order(
            a.date.as_ref(),
            format!("audit {}", a.id.value),
            a.report.date.as_ref(),
            format!("the report of audit {}", a.id.value),
            &a.id.value,
        ));
    }
    for a in &m.competence_actions {
        if let Some(e) = &a.effectiveness {
            v.push(order(
                a.completed.as_ref(),
                format!("the completion of {}'s competence action", a.person.value),
                Some(&e.on),
                format!("the evaluation of {}'s competence action", a.person.value),
                &a.person.value,
            ));
        }
    }
    for t in &m.competence {
        v.push(order(
            t.date.as_ref(),
            format!("the competence record of {}", t.person.value),
            t.expires.as_ref(),
            "its expiry".to_string(),
            &t.person.value,
        ));
    }
    for nc in &m.nonconformities {
        let id = &nc.id.value;
        v.push(order(
            Some(&nc.raised),
            format!("nonconformity {id}"),
            nc.closed.as_ref(),
            format!("the closure of nonconformity {id}"),
            id,
        ));
        if let Some(e) = &nc.effectiveness {
            v.push(order(
                Some(&nc.raised),
                format!("nonconformity {id}"),
                Some(&e.date),
                format!("the effectiveness review of nonconformity {id}"),
                id,
            ));
            if let Some(by) = &e.by {
                v.push(not_after(
                    Some(&e.date),
                    format!(
                        "the effectiveness review of nonconformity {id} by {}",
                        by.value
                    ),
                    left_date(m, Some(by)),
                    format!("{}'s last day", by.value),
                    id,
                ));
            }
        }
    }
    v
}

fn dates_in_order(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    for o in orders(m) {
        let (Some(earlier), Some(later)) = (o.earlier, o.later) else {
            continue;
        };
        if later.value >= earlier.value {
            continue;
        }
        let (at, message) = if o.at_earlier {
            let msg = format!(
                "{} is dated {}, after {} ({})",
                o.earlier_what, earlier.value, o.later_what, later.value
            );
            (earlier, msg)
        } else {
            let msg = format!(
                "{} is dated {}, before {} ({})",
                o.later_what, later.value, o.earlier_what, earlier.value
            );
            (later, msg)
        };
        let d = SUP_09.diag(message).with_hint(
            "one of the two dates is wrong, or the later event has to be repeated (a new \
                 approval, acceptance or review by someone who can give it)",
        );
        let file = m.sources.path(at.span.file).to_string();
        let d = ctx.place(d, at.span, &file);
        out.push(if o.record.is_empty() {
            d
        } else {
            d.for_record(o.record.to_string())
        });
    }
}

const SUP_09: Rule = Rule {
    code: "SUP-09",
    name: "dates-in-order",
    area: Area::Support,
    clause: "7.5.3",
    default_severity: Severity::Error,
    summary: "The dates of a record's lifecycle are in order: nothing is approved, accepted, communicated, closed or reviewed before the event it follows, or by someone after their last day.",
    explanation: "\
Records tell a story an auditor reads in order: a risk is identified, assessed, its treatment
approved and its residual accepted; a nonconformity is raised, then closed and its
effectiveness reviewed; a policy is approved, then communicated; an audit is held, then
reported. A later step dated before an earlier one cannot be true, and an approval or
acceptance dated after the approver's `left:` day was not given by them, so documented
information loses its integrity (7.5.3) and the step (5.2, 6.1.3 f, 10.2 d) is not evidenced.
The rule compares: the approver's last day with every approval (documents, SoA, methodology,
treatment plans, changes), risk acceptances and effectiveness reviews; a risk's identification
with its last assessment, treatment plan approval and acceptance; a policy's `version_date`
with its approval, and its approval with its communication (every policy, not only the top-level one); an incident's report with its closure;
a change's approval with its completion; an audit with its report; a nonconformity with its
closure and effectiveness review; a competence record with its expiry. The finding is placed at
the later date.

Fix: correct the date that is wrong, or repeat the step.

```yaml
# policies/access-control.md
approval: { by: p-ceo, on: 2025-03-01 }
communicated: { on: 2025-03-04, via: Staff wiki }   # not 2025-02-20
```",
    check: Check::Model(dates_in_order),
};

/// The rules on record dates (support area).
pub(super) const RULES: &[Rule] = &[SUP_08, SUP_09];
