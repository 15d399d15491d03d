//! Nonconformity and corrective action rules (10.2).

use super::Context;
use super::registry::{Area, Check, Rule};
use super::util::{blank, id_str, join_and};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Nonconformity, NonconformitySource, RecordStatus, loaded};
use crate::yaml::Spanned;

fn path(ctx: &Context<'_>, n: &Spanned<Nonconformity>) -> String {
    let p = ctx.model.sources.path(n.span.file);
    if p.is_empty() {
        "nonconformities.yaml".to_string()
    } else {
        p.to_string()
    }
}

fn complete(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for n in &ctx.model.nonconformities {
        let mut missing = Vec::new();
        if blank(n.description.as_ref()) {
            missing.push("a description");
        }
        if blank(n.correction.as_ref()) {
            missing.push("a correction");
        }
        if blank(n.root_cause.as_ref()) {
            missing.push("a root cause");
        }
        if blank(n.corrective_action.as_ref()) {
            missing.push("a corrective action");
        }
        if id_str(n.owner.as_ref()).is_none() {
            missing.push("an owner");
        }
        if n.due.is_none() {
            missing.push("a due date");
        }
        let closed = n.status.value == RecordStatus::Closed;
        if closed && n.closed.is_none() {
            missing.push("a closing date");
        }
        if closed && n.effectiveness.is_none() {
            missing.push("an effectiveness review");
        }
        if !missing.is_empty() {
            let missing: Vec<String> = missing.into_iter().map(String::from).collect();
            let state = if closed {
                "closed nonconformity"
            } else {
                "nonconformity"
            };
            let d = IMP_01
                .diag(format!("{state} {} lacks {}", n.id.value, join_and(&missing)))
                .with_hint("10.2 asks for the correction, the cause, the corrective action, who and by when, and whether it worked");
            out.push(
                ctx.place(d, n.span, &path(ctx, n))
                    .for_record(n.id.value.clone()),
            );
        }
        if let Some(e) = &n.effectiveness
            && closed
            && !e.effective.value
        {
            let d = IMP_01
                .diag(format!("nonconformity {} is closed although its corrective action was found ineffective", n.id.value))
                .with_hint("re-open it with a new corrective action, and review its effectiveness again");
            out.push(
                ctx.place(d, e.effective.span, &path(ctx, n))
                    .for_record(n.id.value.clone()),
            );
        }
    }
}

fn audit_findings_linked(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    for a in &m.audits {
        for f in loaded(&a.findings) {
            if !f.kind.value.is_nonconformity() || id_str(f.nonconformity.as_ref()).is_some() {
                continue;
            }
            let d = IMP_02
                .diag(format!(
                    "nonconformity finding {} of audit {} has no nonconformity record",
                    f.id.value, a.id.value
                ))
                .with_hint(
                    "raise it in nonconformities.yaml and set `nonconformity:` on the finding",
                );
            out.push(
                ctx.place(d, f.span, &a.source.path)
                    .for_record(a.id.value.clone()),
            );
        }
    }
    for n in &m.nonconformities {
        let from_audit = matches!(
            n.source.value,
            NonconformitySource::InternalAudit | NonconformitySource::ExternalAudit
        );
        if from_audit && id_str(n.audit.as_ref()).is_none() {
            let d = IMP_02
                .diag(format!(
                    "nonconformity {} comes from an audit but does not say which",
                    n.id.value
                ))
                .with_hint("set `audit:` (and `finding:`) to the audit record it was raised in");
            out.push(
                ctx.place(d, n.source.span, &path(ctx, n))
                    .for_record(n.id.value.clone()),
            );
        }
    }
}

fn action_overdue(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for n in &ctx.model.nonconformities {
        if n.status.value == RecordStatus::Closed {
            continue;
        }
        let Some(due) = n.effective_due() else {
            continue;
        };
        if due < ctx.today() {
            let d = IMP_03
                .diag(format!("the corrective action of nonconformity {} was due on {due} and the nonconformity is still open", n.id.value))
                .with_hint("close it with an effectiveness review, or record a re-plan under `replanned:`");
            let span = n.due.as_ref().map_or(n.span, |d| d.span);
            out.push(
                ctx.place(d, span, &path(ctx, n))
                    .for_record(n.id.value.clone()),
            );
        }
    }
}

/// Root causes compared the way people write them: case and punctuation do not matter.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn recurrence(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let ncs: Vec<&Spanned<Nonconformity>> = ctx.model.nonconformities.iter().collect();
    for (i, later) in ncs.iter().enumerate() {
        let Some(cause) = later
            .root_cause
            .as_ref()
            .map(|c| norm(&c.value))
            .filter(|c| !c.is_empty())
        else {
            continue;
        };
        let subject = |n: &Nonconformity| {
            (
                n.clause.as_ref().map(|c| c.value.trim().to_string()),
                id_str(n.control.as_ref()).map(crate::catalogue::normalize_id),
            )
        };
        let (clause, control) = subject(later);
        if clause.is_none() && control.is_none() {
            continue;
        }
        let earlier = ncs.iter().enumerate().find(|(j, e)| {
            *j != i
                && e.raised.value < later.raised.value
                && e.raised.value.add_months(12) >= later.raised.value
                && e.root_cause
                    .as_ref()
                    .is_some_and(|c| norm(&c.value) == cause)
                && {
                    let (c2, k2) = subject(e);
                    (clause.is_some() && c2 == clause) || (control.is_some() && k2 == control)
                }
        });
        let Some((_, e)) = earlier else { continue };
        let mut d = IMP_04
            .diag(format!(
                "nonconformity {} recurs: {} had the same root cause on the same requirement within 12 months",
                later.id.value, e.id.value
            ))
            .with_hint("the earlier corrective action did not remove the cause; review its effectiveness and act on the cause");
        if let Some(l) = ctx.loc(e.span) {
            d = d.with_related(l, "earlier nonconformity");
        }
        out.push(
            ctx.place(d, later.span, &path(ctx, later))
                .for_record(later.id.value.clone()),
        );
    }
}

const IMP_01: Rule = Rule {
    code: "IMP-01",
    name: "nonconformity-complete",
    area: Area::Improvement,
    clause: "10.2",
    default_severity: Severity::Error,
    summary: "Every nonconformity records correction, root cause, corrective action, owner and due date; closed ones an effective review.",
    explanation: "\
Clause 10.2 requires the organisation to react to a nonconformity, find its cause, act to
remove the cause, review whether the action worked, and retain records of all of it.
Nonconformities closed without a root cause or an effectiveness check, or closed although the
action did not work, are typical findings.

Fix: complete the record.

```yaml
nonconformities:
  - id: NC-2025-02
    title: Access review of Q1 not performed
    source: internal-audit
    audit: AUD-2025-01
    finding: F-02
    clause: \"9.1\"
    control: \"5.18\"
    raised: 2025-05-06
    description: No evidence of the Q1 access review for production systems.
    correction: Access review performed on 2025-05-10.
    root_cause: Review not in anyone's calendar after the owner changed roles.
    corrective_action: Reviews scheduled as recurring tickets assigned to the role, not a person.
    owner: p-cto
    due: 2025-06-30
    status: closed
    closed: 2025-07-15
    effectiveness: { date: 2025-07-15, by: p-ciso, effective: true }
```",
    check: Check::Model(complete),
};

const IMP_02: Rule = Rule {
    code: "IMP-02",
    name: "audit-findings-have-nc",
    area: Area::Improvement,
    clause: "10.2",
    default_severity: Severity::Error,
    summary: "Every major or minor audit finding links to a nonconformity record, and audit NCs name their audit.",
    explanation: "\
Nonconformities found in audits must be followed up through the corrective action process. A
major or minor finding without a linked nonconformity record was never acted on; a
nonconformity from an audit that does not name the audit breaks the trail back to the evidence.

Fix: link both ways.

```yaml
# audits/2025-internal.md (front matter)
findings:
  - id: F-02
    type: minor
    clause: \"9.1\"
    description: No evidence of the Q1 access review.
    nonconformity: NC-2025-02
```",
    check: Check::Model(audit_findings_linked),
};

const IMP_03: Rule = Rule {
    code: "IMP-03",
    name: "corrective-action-overdue",
    area: Area::Improvement,
    clause: "10.2 c",
    default_severity: Severity::Warning,
    summary: "No open nonconformity is past the due date of its corrective action (or its latest re-plan).",
    explanation: "\
Corrective actions open for months without progress are a frequent Stage 2 finding. A re-plan
(with a date and reason) moves the due date; the latest one counts.

Fix: complete and close the nonconformity, or re-plan it.

```yaml
replanned:
  - { on: 2025-06-25, due: 2025-08-31, reason: Tool procurement delayed, by: p-ciso }
```",
    check: Check::Model(action_overdue),
};

const IMP_04: Rule = Rule {
    code: "IMP-04",
    name: "nonconformity-recurrence",
    area: Area::Improvement,
    clause: "10.2 b",
    default_severity: Severity::Warning,
    summary: "No nonconformity repeats an earlier one (same clause or control, same root cause) within 12 months.",
    explanation: "\
Clause 10.2 b asks whether similar nonconformities exist or could occur. The same root cause on
the same requirement within a year means the earlier corrective action did not remove the
cause. Root causes are compared ignoring case and punctuation.

Fix: review the effectiveness of the earlier action and address the cause itself.

```yaml
effectiveness: { date: 2025-07-15, by: p-ciso, effective: false, notes: Recurred as NC-2025-05 }
```",
    check: Check::Model(recurrence),
};

/// The improvement rules.
pub(super) const RULES: &[Rule] = &[IMP_01, IMP_02, IMP_03, IMP_04];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_causes_compare_loosely() {
        assert_eq!(
            norm("No owner, after re-org!"),
            norm("no owner after reorg")
        );
    }
}
