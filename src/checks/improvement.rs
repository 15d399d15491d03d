//! Nonconformity and corrective action rules (10.2).

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::{blank, id_str, join_and};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Nonconformity, NonconformitySource, RecordStatus, loaded};
use crate::yaml::Spanned;

fn path(ctx: &Context<'_>, n: &Spanned<Nonconformity>) -> String {
    ctx.record_file(n.span, "nonconformities.yaml")
}

fn complete(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let period = i64::from(ctx.model.cadences().nc_analysis_days);
    for n in &ctx.model.nonconformities {
        let at = |d: Diagnostic, span| {
            ctx.place(d, span, &path(ctx, n))
                .for_record(n.id.value.clone())
        };
        let closed = n.status.value == RecordStatus::Closed;
        // The reaction (10.2 a) and the record of what happened (10.2 f) are due at once.
        let mut immediate = Vec::new();
        if blank(n.description.as_ref()) {
            immediate.push("a description".to_string());
        }
        if blank(n.correction.as_ref()) {
            immediate.push("a correction or containment".to_string());
        }
        if !immediate.is_empty() {
            let d = IMP_01
                .diag(format!("nonconformity {} lacks {}", n.id.value, join_and(&immediate)))
                .with_hint("record what was found and how the organisation reacted to control and correct it (10.2 a)");
            out.push(at(d, n.span));
        }
        // The analysis (10.2 b-c) may take the organisation's own analysis period, and must be
        // complete before closure.
        let no_action = !blank(n.no_action_reason.as_ref());
        let has_action = !blank(n.corrective_action.as_ref());
        let mut analysis = Vec::new();
        if blank(n.root_cause.as_ref()) {
            analysis.push("a root cause".to_string());
        }
        if !has_action && !no_action {
            analysis.push(
                "a corrective action (or `no_action_reason:` recording why none is needed)"
                    .to_string(),
            );
        }
        if !no_action || has_action {
            if id_str(n.owner.as_ref()).is_none() {
                analysis.push("an owner".to_string());
            }
            if n.due.is_none() {
                analysis.push("a due date".to_string());
            }
        }
        if !analysis.is_empty() {
            let deadline = n.raised.value.add_days(period);
            let d = if closed {
                IMP_01.diag(format!(
                    "closed nonconformity {} lacks {}",
                    n.id.value,
                    join_and(&analysis)
                ))
            } else if deadline < ctx.today() {
                IMP_01.diag(format!(
                    "nonconformity {} raised on {} lacks {}, and the analysis period of {period} days ended on {deadline}",
                    n.id.value,
                    n.raised.value,
                    join_and(&analysis)
                ))
            } else {
                let mut d = IMP_01.diag(format!(
                    "nonconformity {} still lacks {} (due by {deadline}, within the analysis period of {period} days)",
                    n.id.value,
                    join_and(&analysis)
                ));
                d.severity = Severity::Warning;
                d
            };
            out.push(at(
                d.with_hint("10.2 b-c: find the cause, decide and plan the action that removes it, with an owner and a due date; the period is `nc_analysis_days` in isms.yaml"),
                n.span,
            ));
        }
        if closed {
            let mut closing = Vec::new();
            if n.closed.is_none() {
                closing.push("a closing date".to_string());
            }
            if has_action && n.action_completed.is_none() {
                closing.push(
                    "the date the corrective action was completed (`action_completed`)".to_string(),
                );
            }
            if has_action && n.effectiveness.is_none() {
                closing.push("an effectiveness review".to_string());
            }
            if !closing.is_empty() {
                let d = IMP_01
                    .diag(format!("closed nonconformity {} lacks {}", n.id.value, join_and(&closing)))
                    .with_hint("close a nonconformity once its corrective action is in place and has been reviewed as effective (10.2 d)");
                out.push(at(d, n.status.span));
            }
        }
        if let Some(e) = &n.effectiveness {
            if let Some(done) = &n.action_completed
                && e.date.value < done.value
            {
                let d = IMP_01
                    .diag(format!(
                        "the effectiveness of the corrective action of nonconformity {} was reviewed on {}, before the action was completed on {}",
                        n.id.value, e.date.value, done.value
                    ))
                    .with_hint("review effectiveness after the action has been in place long enough to show whether it works");
                out.push(at(d, e.date.span));
            }
            if let Some(c) = &n.closed
                && closed
                && c.value < e.date.value
            {
                let d = IMP_01
                    .diag(format!(
                        "nonconformity {} was closed on {}, before its effectiveness review on {}",
                        n.id.value, c.value, e.date.value
                    ))
                    .with_hint("close the nonconformity only once the review has shown that the action worked");
                out.push(at(d, c.span));
            }
            if closed && !e.effective.value {
                let d = IMP_01
                    .diag(format!("nonconformity {} is closed although its corrective action was found ineffective", n.id.value))
                    .with_hint("re-open it with a new corrective action, and review its effectiveness again");
                out.push(at(d, e.effective.span));
            }
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
        // Shared with the nonconformity register's "overdue" flag.
        if !crate::model::Isms::nonconformity_overdue(n, ctx.today()) {
            continue;
        }
        let Some(due) = n.effective_due() else {
            continue;
        };
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
    use std::collections::HashMap;
    let ncs = &ctx.model.nonconformities;
    // Group by (requirement, root cause), one group per clause and one per control, so each
    // nonconformity is compared only with those it could repeat: linear in the register.
    let mut groups: HashMap<(bool, String, String), Vec<usize>> = HashMap::new();
    for (i, n) in ncs.iter().enumerate() {
        let Some(cause) = n
            .root_cause
            .as_ref()
            .map(|c| norm(&c.value))
            .filter(|c| !c.is_empty())
        else {
            continue;
        };
        if let Some(c) = n.clause.as_ref().map(|c| c.value.trim().to_string()) {
            groups.entry((false, c, cause.clone())).or_default().push(i);
        }
        if let Some(k) = id_str(n.control.as_ref()).map(str::to_string) {
            groups.entry((true, k, cause)).or_default().push(i);
        }
    }
    // For each nonconformity, the latest earlier one in any of its groups.
    let mut earlier: Vec<Option<usize>> = vec![None; ncs.len()];
    for members in groups.values_mut() {
        members.sort_by_key(|&i| ncs[i].raised.value);
        let mut prev: Option<usize> = None;
        let mut k = 0;
        while k < members.len() {
            let day = ncs[members[k]].raised.value;
            let mut end = k;
            while end < members.len() && ncs[members[end]].raised.value == day {
                end += 1;
            }
            if let Some(p) = prev {
                for &i in &members[k..end] {
                    let better =
                        earlier[i].is_none_or(|e| ncs[e].raised.value < ncs[p].raised.value);
                    if ncs[p].raised.value.add_months(12) >= day && better {
                        earlier[i] = Some(p);
                    }
                }
            }
            prev = Some(members[end - 1]);
            k = end;
        }
    }
    for (later, e) in ncs.iter().zip(&earlier) {
        let Some(e) = e.and_then(|e| ncs.get(e)) else {
            continue;
        };
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
    summary: "NCs record description and reaction at once; cause, action, owner and due date within the analysis period; closure after an effective review of the completed action.",
    explanation: "\
Clause 10.2 requires the organisation to react to a nonconformity, find its cause, act to
remove the cause (or decide that no action is needed), review whether the action worked, and
retain records of all of it. The standard sets no deadline for the analysis, so the rule uses
the organisation's own: `nc_analysis_days` in isms.yaml's `cadences` (default 30 days).

- A description and the correction or containment are expected at once.
- The root cause, the corrective action (or `no_action_reason:`), the owner and the due date are
  reported as a warning while the nonconformity is younger than the analysis period, as an error
  once it is older, and always as an error on a closed nonconformity.
- Closing needs a closing date, the date the action was completed (`action_completed`) and an
  effectiveness review. The review must not be dated before the action was completed, and the
  nonconformity must not be closed before the review, nor when the review found the action
  ineffective.

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
    action_completed: 2025-06-20
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
