//! Management review rules (9.3).

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::{blank, id_str, join_and, months, overdue};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{AuditKind, AuditStatus, DecisionKind, ManagementReview, loaded};

/// The records of one management review: a review held in several sittings has one record
/// per sitting, tied together by `part_of:`.
struct Review<'a> {
    /// The sittings, oldest first.
    sittings: Vec<&'a ManagementReview>,
}

impl<'a> Review<'a> {
    /// Where findings about the review as a whole go: the record whose id the sittings share,
    /// else the latest sitting.
    fn main(&self) -> Option<&'a ManagementReview> {
        let key = self.sittings.last().map(|r| group_key(r))?;
        self.sittings
            .iter()
            .find(|r| r.id.value == key)
            .or(self.sittings.last())
            .copied()
    }

    /// The date of the last sitting.
    fn date(&self) -> Option<crate::model::Date> {
        self.sittings.iter().map(|r| r.date.value).max()
    }

    /// The review's name in messages: its id, with the sittings when there are several.
    fn name(&self) -> String {
        let Some(main) = self.main() else {
            return String::new();
        };
        if self.sittings.len() == 1 {
            return main.id.value.clone();
        }
        let ids: Vec<String> = self.sittings.iter().map(|r| r.id.value.clone()).collect();
        format!(
            "{} (held in {} sittings: {})",
            group_key(main),
            self.sittings.len(),
            ids.join(", ")
        )
    }
}

/// The id that ties the sittings of one review together.
fn group_key(r: &ManagementReview) -> &str {
    id_str(r.part_of.as_ref()).unwrap_or(r.id.value.as_str())
}

/// The most recent management review, with all its sittings.
fn latest<'a>(ctx: &Context<'a>) -> Option<Review<'a>> {
    let last = ctx.model.reviews.iter().max_by_key(|r| r.date.value)?;
    let key = group_key(last);
    let mut sittings: Vec<&ManagementReview> = ctx
        .model
        .reviews
        .iter()
        .filter(|r| group_key(r) == key)
        .collect();
    sittings.sort_by_key(|r| r.date.value);
    Some(Review { sittings })
}

fn at(
    ctx: &Context<'_>,
    d: Diagnostic,
    r: &ManagementReview,
    span: crate::source::Span,
) -> Diagnostic {
    ctx.place(d, span, &r.source.path)
        .for_record(r.id.value.clone())
}

fn held(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let interval = ctx.model.cadences().management_review_months;
    let Some(review) = latest(ctx) else {
        out.push(
            MR_01
                .diag("no management review has been recorded")
                .with_hint("hold a management review with top management and record it: `isms new review --title ... --attendees <top management>,...`")
                .for_record("management-review".to_string()),
        );
        return;
    };
    let (Some(r), Some(main)) = (review.sittings.last().copied(), review.main()) else {
        return;
    };
    if overdue(r.date.value, interval, ctx.today()) {
        let d = MR_01
            .diag(format!(
                "the last management review was on {}, more than {} ago",
                r.date.value,
                months(interval)
            ))
            .with_hint("hold the next management review");
        out.push(at(ctx, d, r, r.date.span));
    }
    // Top management takes part in the review; with several sittings, in at least one.
    let attended = review.sittings.iter().any(|s| {
        s.attendees
            .iter()
            .any(|a| ctx.model.is_top_management(&a.value))
    });
    if !attended {
        let d = MR_01
            .diag(format!("no member of top management attended management review {}", review.name()))
            .with_hint("top management conducts the review: list them under `attendees:` (people with `top_management: true`)");
        out.push(at(ctx, d, main, main.id.span));
    }
}

fn inputs(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(review) = latest(ctx) else { return };
    let (Some(r), Some(date)) = (review.main(), review.date()) else {
        return;
    };
    // An input presented at any sitting counts for the review.
    let missing: Vec<String> = r
        .inputs
        .all()
        .iter()
        .enumerate()
        .filter(|(i, _)| review.sittings.iter().all(|s| blank(s.inputs.all()[*i].2)))
        .map(|(_, (letter, field, _))| format!("{letter} (`{field}`)"))
        .collect();
    if !missing.is_empty() {
        let d = MR_02
            .diag(format!(
                "management review {} does not cover input{} {}",
                review.name(),
                if missing.len() == 1 { "" } else { "s" },
                join_and(&missing)
            ))
            .with_hint(format!(
                "record what was presented for each 9.3.2 input under `inputs:` (of any sitting): `isms present {} --previous-actions ... --audit-results ...`",
                r.id.value
            ));
        out.push(at(ctx, d, r, r.id.span));
    }
    // d3: the latest internal audit before the review should have been considered.
    let last_audit = ctx
        .model
        .audits
        .iter()
        .filter(|a| a.kind.value == AuditKind::Internal && a.status.value == AuditStatus::Completed)
        .filter_map(|a| {
            let reported = a.report.date.as_ref().or(a.date.as_ref())?.value;
            (reported <= date).then_some((a, reported))
        })
        .max_by_key(|(_, d)| *d);
    let considered = |id: &str| {
        review
            .sittings
            .iter()
            .any(|s| s.audits_considered.iter().any(|x| x.value == id))
    };
    if let Some((a, _)) = last_audit
        && !considered(&a.id.value)
    {
        let d = MR_02
            .diag(format!(
                "management review {} does not cite the latest internal audit {} among `audits_considered`",
                review.name(), a.id.value
            ))
            .with_hint(format!("add {} to `audits_considered:` (9.3.2 d3, audit results)", a.id.value));
        out.push(at(ctx, d, r, r.id.span));
    }
}

fn outputs(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(review) = latest(ctx) else { return };
    let Some(r) = review.main() else { return };
    let decisions: Vec<_> = review
        .sittings
        .iter()
        .flat_map(|s| loaded(&s.decisions))
        .collect();
    if decisions.is_empty() {
        let d = MR_03
            .diag(format!("management review {} records no decisions", review.name()))
            .with_hint(format!("record the decisions on improvement opportunities and on changes to the ISMS: `isms decide {} --improvement ...` and `--change ...`", r.id.value));
        out.push(at(ctx, d, r, r.id.span));
    } else {
        // 9.3.3 asks for both: decisions on improvement opportunities and on any need for
        // changes (a decision that no change is needed is still a decision).
        let typed = |k: DecisionKind| {
            decisions
                .iter()
                .any(|d| d.kind.as_ref().is_some_and(|x| x.value == k))
        };
        let mut missing = Vec::new();
        if !typed(DecisionKind::Improvement) {
            missing.push("continual-improvement opportunities (`type: improvement`)".to_string());
        }
        if !typed(DecisionKind::Change) {
            missing.push("the need for changes to the ISMS (`type: change`)".to_string());
        }
        if !missing.is_empty() {
            let d = MR_03
                .diag(format!(
                    "management review {} records no decision on {}",
                    review.name(),
                    join_and(&missing)
                ))
                .with_hint("9.3.3 outputs include decisions on continual improvement and on any needed changes; record both and mark them `type: improvement` and `type: change` (\"no change needed\" is a decision too)");
            out.push(at(ctx, d, r, r.id.span));
        }
    }
    for s in &review.sittings {
        for a in loaded(&s.actions) {
            let mut missing = Vec::new();
            if id_str(a.owner.as_ref()).is_none() {
                missing.push("an owner".to_string());
            }
            if a.due.is_none() {
                missing.push("a due date".to_string());
            }
            if !missing.is_empty() {
                let d = MR_03
                    .diag(format!(
                        "action \"{}\" of management review {} lacks {}",
                        a.action.value,
                        s.id.value,
                        join_and(&missing)
                    ))
                    .with_hint("every review action needs `owner:` and `due:`");
                out.push(at(ctx, d, s, a.span));
            }
        }
    }
}

fn actions_overdue(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.reviews {
        for a in loaded(&r.actions) {
            // Shared with the review minutes' "overdue" flag.
            if !crate::model::status::action_overdue(a, ctx.today()) {
                continue;
            }
            let Some(due) = a.effective_due() else {
                continue;
            };
            let d = MR_04
                .diag(format!("action \"{}\" from management review {} was due on {due} and is not done", a.action.value, r.id.value))
                .with_hint("complete it, or record a re-plan under `replanned:` and report its status at the next review (input a)");
            out.push(at(ctx, d, r, a.span));
        }
    }
}

const MR_01: Rule = Rule {
    code: "MR-01",
    name: "management-review-held",
    area: Area::Review,
    clause: "9.3.1",
    default_severity: Severity::Error,
    summary: "A management review with top management was held within the review interval.",
    explanation: "\
Top management must review the ISMS at planned intervals. A review that was never held, is
overdue (compared with `management_review_months`, default 12, as of `--as-of`), or was held
without any member of top management is a nonconformity; some certification bodies want to see
one before Stage 1.

Fix: hold the review and record it in reviews/.

```yaml
---
id: MR-2025-01
title: Management review 2025
date: 2025-06-12
attendees: [p-ceo, p-cto, p-ciso]
---
```",
    check: Check::Model(held),
};

const MR_02: Rule = Rule {
    code: "MR-02",
    name: "management-review-inputs",
    area: Area::Review,
    clause: "9.3.2",
    default_severity: Severity::Error,
    summary: "The latest management review covers inputs a-g and cites the latest internal audit.",
    explanation: "\
Clause 9.3.2 lists what the review must consider: a) status of previous actions, b) changes in
issues, c) changes in interested parties' needs (new in 2022), d) performance feedback (1
nonconformities, 2 monitoring results, 3 audit results, 4 objectives), e) interested-party
feedback, f) risk assessment results and treatment plan status, g) improvement opportunities.
Inputs c and f are the ones most often missing. Audit results should include the latest
internal audit completed before the review. The latest review is checked. A review may be held
in several sittings: each sitting's record names the review with `part_of:` (the id of its first
record), and an input presented at any sitting counts for the whole review.

Fix: record each input.

```yaml
inputs:
  previous_actions: All 4 actions from MR-2024-01 closed
  context_changes: New EU regulation (NIS2) applies from Q4
  interested_party_changes: Two customers now require annual pen-test reports
  nonconformities: 3 NCs raised, 2 closed, see nonconformities.yaml
  monitoring_results: Metrics M-01..M-08, trends in the annex
  audit_results: Internal audit AUD-2025-01, 1 minor NC
  objectives: 4 of 5 objectives on track
  interested_party_feedback: No complaints; one customer audit passed
  risk_assessment: Risk assessment of April 2025; 3 risks above threshold, plan on track
  improvement_opportunities: Automate access reviews
audits_considered: [AUD-2025-01]
```",
    check: Check::Model(inputs),
};

const MR_03: Rule = Rule {
    code: "MR-03",
    name: "management-review-outputs",
    area: Area::Review,
    clause: "9.3.3",
    default_severity: Severity::Error,
    summary: "The latest management review records decisions on improvement and on changes, and actions with owners and dates.",
    explanation: "\
The results of a management review include decisions on continual-improvement opportunities
and on any need for changes to the ISMS: both are required, so the rule looks for at least one
decision of `type: improvement` and one of `type: change` (deciding that no change is needed is
a decision of type change). Minutes that only list what was presented, or actions nobody owns,
are a finding. For a review held in several sittings (`part_of:`), the decisions of all
sittings count together.

Fix: record the decisions and the actions.

```yaml
decisions:
  - { decision: Fund automation of quarterly access reviews, type: improvement }
  - { decision: Bring the NIS2 obligations into scope, type: change }
actions:
  - { action: Select an access review tool, owner: p-cto, due: 2025-09-30 }
```",
    check: Check::Model(outputs),
};

const MR_04: Rule = Rule {
    code: "MR-04",
    name: "review-action-overdue",
    area: Area::Review,
    clause: "9.3.3",
    default_severity: Severity::Warning,
    summary: "No management review action is past its due date while still open.",
    explanation: "\
Decisions of the management review only matter if the actions are carried out. Open actions
past their due date (or their latest re-plan) show that review outputs are not followed up,
which the next review must report under input a.

Fix: complete the action or re-plan it.

```yaml
actions:
  - action: Select an access review tool
    owner: p-cto
    due: 2025-09-30
    status: done
    completed: 2025-09-12
```",
    check: Check::Model(actions_overdue),
};

/// The management review rules.
pub(super) const RULES: &[Rule] = &[MR_01, MR_02, MR_03, MR_04];
