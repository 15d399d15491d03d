//! Objectives (6.2) and planning of changes (6.3).

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::{blank, id_str, join_and};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{Objective, RecordKind, loaded};
use crate::yaml::Spanned;

const FILE: &str = "objectives.yaml";

/// Days an objective may run before its first monitoring entry is expected.
const FIRST_MONITORING_DAYS: i64 = 92;

fn obj_path(ctx: &Context<'_>, o: &Spanned<Objective>) -> String {
    ctx.record_file(o.span, FILE)
}

fn measurable(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    if m.objectives.is_empty() && !m.failed_kind(RecordKind::Objectives) {
        // A missing objectives.yaml is reported by SUP-07 (mandatory documents).
        if m.present.contains(&RecordKind::Objectives) {
            let d = OBJ_01
                .diag("no information security objectives are documented")
                .with_hint("add at least one measurable objective to objectives.yaml");
            out.push(d.at(Location::file(FILE)));
        }
        return;
    }
    for o in &m.objectives {
        let mut missing = Vec::new();
        if blank(o.metric.as_ref()) {
            missing.push("a metric");
        }
        if blank(o.target.as_ref()) {
            missing.push("a target");
        }
        // 6.2 b: measurable where practicable. A target in words ("as much as possible")
        // cannot be compared with a result; the measure is structured instead.
        let measurable = (o.target_value.is_some() && !blank(o.unit.as_ref()))
            || o.milestone // met by the due date, which is checked below
            || !blank(o.not_measurable.as_ref());
        if !measurable {
            missing.push("a measurable target (`target_value:` with `unit:`, `milestone: true`, or `not_measurable:` with the reason)");
        }
        if id_str(o.owner.as_ref()).is_none() {
            missing.push("an owner");
        }
        if blank(o.resources.as_ref()) {
            missing.push("resources");
        }
        if o.due.is_none() {
            missing.push("a due date");
        }
        if blank(o.evaluation.as_ref()) {
            missing.push("an evaluation method");
        }
        if missing.is_empty() {
            continue;
        }
        let missing: Vec<String> = missing.into_iter().map(String::from).collect();
        let d = OBJ_01
            .diag(format!("objective {} lacks {}", o.id.value, join_and(&missing)))
            .with_hint(if o.due.is_none() {
                format!("6.2 asks what will be done, with what resources, by whom, by when, and how results are evaluated; top management agrees the objective and its due date with `isms confirm {} --by <person id> --due YYYY-MM-DD`", o.id.value)
            } else {
                "6.2 asks what will be done, with what resources, by whom, by when, and how results are evaluated".to_string()
            });
        out.push(
            ctx.place(d, o.span, &obj_path(ctx, o))
                .for_record(o.id.value.clone()),
        );
    }
}

fn monitored(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for o in &ctx.model.objectives {
        if loaded(&o.measurements).next().is_some() {
            continue;
        }
        let recent = o
            .set
            .as_ref()
            .is_some_and(|s| s.value.add_days(FIRST_MONITORING_DAYS) >= ctx.today());
        if recent {
            continue;
        }
        let d = OBJ_02
            .diag(format!(
                "objective {} has no monitoring entries",
                o.id.value
            ))
            .with_hint(format!("record progress with `isms measure {} --value ...` (an entry under `measurements:`)", o.id.value));
        out.push(
            ctx.place(d, o.span, &obj_path(ctx, o))
                .for_record(o.id.value.clone()),
        );
    }
}

fn evaluated_when_due(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::model::ObjectiveStatus;
    for o in &ctx.model.objectives {
        let (Some(due), Some(status)) = (&o.due, &o.status) else {
            continue;
        };
        if due.value >= ctx.today()
            || matches!(
                status.value,
                ObjectiveStatus::Achieved | ObjectiveStatus::Missed
            )
        {
            continue;
        }
        let d = OBJ_04
            .diag(format!(
                "objective {} was due on {} but its status still says it is in progress",
                o.id.value, due.value
            ))
            .with_hint("evaluate the result (6.2 l) and set `status: achieved` or `status: missed`, or re-plan the objective with a new due date");
        out.push(
            ctx.place(d, status.span, &obj_path(ctx, o))
                .for_record(o.id.value.clone()),
        );
    }
}

fn linked(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for o in &ctx.model.objectives {
        if o.policy.is_none() && o.risks.is_empty() {
            let d = OBJ_03
                .diag(format!(
                    "objective {} is linked to neither the policy nor any risk",
                    o.id.value
                ))
                .with_hint("set `policy:` to the policy it follows from and list related `risks:`");
            out.push(
                ctx.place(d, o.span, &obj_path(ctx, o))
                    .for_record(o.id.value.clone()),
            );
        }
    }
}

fn changes_planned(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for c in &ctx.model.changes {
        let mut missing = Vec::new();
        if blank(c.purpose.as_ref()) {
            missing.push("a purpose".to_string());
        }
        if c.planned.is_none() {
            missing.push("a planned date".to_string());
        }
        if !c.approval.is_complete() {
            missing.push("an approval".to_string());
        }
        if missing.is_empty() {
            continue;
        }
        let path = ctx.model.sources.path(c.span.file).to_string();
        let d = CHG_01
            .diag(format!("change {} lacks {}", c.id.value, join_and(&missing)))
            .with_hint(if blank(c.purpose.as_ref()) {
                "changes to the ISMS are made in a planned way: say why, when, and who approved them".to_string()
            } else {
                let mut cmds = Vec::new();
                if c.planned.is_none() {
                    cmds.push(format!("`isms plan {} --due YYYY-MM-DD`", c.id.value));
                }
                if !c.approval.is_complete() {
                    cmds.push(format!("`isms approve {} --by <person id>`", c.id.value));
                }
                format!(
                    "changes to the ISMS are made in a planned way: {}",
                    cmds.join(" and ")
                )
            });
        out.push(ctx.place(d, c.span, &path).for_record(c.id.value.clone()));
    }
}

const OBJ_01: Rule = Rule {
    code: "OBJ-01",
    name: "objectives-measurable",
    area: Area::Objectives,
    clause: "6.2",
    default_severity: Severity::Error,
    summary: "Objectives exist, each with metric, measurable target, owner, resources, due date and evaluation method.",
    explanation: "\
Clause 6.2 requires information security objectives that are measurable where practicable,
and a plan for each: what will be done, what resources are needed, who is responsible, when it
will be completed and how the results will be evaluated. Objectives without these are wishes.
A target in words (\"as much as possible\") cannot be compared with a result, so the target is
also given as a number with its unit (`target_value:`, `unit:`), or the objective is marked a
`milestone:` met by completing it by its due date, or `not_measurable:` records why measuring
is not practicable.

Fix: complete each objective; top management agrees it and its due date with
`isms confirm OBJ-01 --by <person id> --due YYYY-MM-DD`.

```yaml
objectives:
  - id: OBJ-01
    title: Patch critical vulnerabilities quickly
    policy: POL-01
    metric: Median days to patch CVSS >= 9 findings
    target: \"<= 7 days\"
    target_value: 7
    unit: days
    owner: p-cto
    resources: On-call rotation, scanner licence
    due: 2025-12-31
    evaluation: Monthly report from the scanner, reviewed in the security meeting
```",
    check: Check::Model(measurable),
};

const OBJ_02: Rule = Rule {
    code: "OBJ-02",
    name: "objectives-monitored",
    area: Area::Objectives,
    clause: "6.2 d",
    default_severity: Severity::Error,
    summary: "Each objective has monitoring entries (objectives set in the last 92 days are exempt).",
    explanation: "\
Since 2022, clause 6.2 d requires objectives to be monitored. An objective set months ago with
no recorded progress is a finding. Objectives with a `set:` date in the last 92 days are not
expected to have entries yet.

Fix: record measurements (`isms measure OBJ-02 --value ...`).

```yaml
objectives:
  - id: OBJ-01
    set: 2025-01-15
    measurements:
      - { date: 2025-03-31, value: \"9 days\", note: Scanner rollout incomplete }
      - { date: 2025-06-30, value: \"6 days\" }
```",
    check: Check::Model(monitored),
};

const OBJ_04: Rule = Rule {
    code: "OBJ-04",
    name: "objectives-evaluated-when-due",
    area: Area::Objectives,
    clause: "6.2 l",
    default_severity: Severity::Warning,
    summary: "No objective past its due date is still marked not started, on track or at risk.",
    explanation: "\
Clause 6.2 asks how the results of each objective will be evaluated, and 9.3 has management
review whether objectives were fulfilled. Once the due date has passed the objective was either
achieved or missed; a status that still says `on-track` shows the evaluation was not done.

Fix: evaluate the objective and record the outcome, or re-plan it.

```yaml
objectives:
  - id: OBJ-02
    due: 2025-06-30
    status: achieved
```",
    check: Check::Model(evaluated_when_due),
};

const OBJ_03: Rule = Rule {
    code: "OBJ-03",
    name: "objectives-linked",
    area: Area::Objectives,
    clause: "6.2 a, c",
    default_severity: Severity::Warning,
    summary: "Each objective is linked to the policy or to risks.",
    explanation: "\
Objectives must be consistent with the policy and take risk assessment and treatment results
into account. A link to the policy or to the risks shows where an objective comes from.

Fix: add the links.

```yaml
objectives:
  - id: OBJ-02
    policy: POL-01
    risks: [R-003, R-007]
```",
    check: Check::Model(linked),
};

const CHG_01: Rule = Rule {
    code: "CHG-01",
    name: "isms-changes-planned",
    area: Area::Objectives,
    clause: "6.3",
    default_severity: Severity::Warning,
    summary: "Each change to the ISMS records its purpose, planned date and approval.",
    explanation: "\
Clause 6.3 (new in 2022) requires changes to the ISMS to be carried out in a planned manner.
A change log entry with its purpose, a planned date and an approval is the evidence.

Fix: complete the change record.

```yaml
changes:
  - id: CHG-04
    title: Move customer support tooling to a new provider
    purpose: Consolidate tools; new provider has ISO 27001 certification
    planned: 2025-08-01
    approval: { by: p-coo, on: 2025-06-12 }
    significant: true
    affects: [suppliers, risks]
```",
    check: Check::Model(changes_planned),
};

/// The objectives and change-planning rules.
pub(super) const RULES: &[Rule] = &[OBJ_01, OBJ_02, OBJ_03, OBJ_04, CHG_01];
