//! Risk assessment and treatment rules (6.1.2, 6.1.3, 8.2, 8.3): the methodology, owners,
//! scores computed per the methodology, treatment, plan approval, residual acceptance by the
//! risk's own owner, and the dates that keep the register current.

use super::Context;
use super::registry::{Area, Check, Rule};
use super::util::{blank, id_str, join_and, months, overdue};
use crate::catalogue;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{
    ImplementationStatus, LevelFormula, Rating, Risk, RiskMethodology, Treatment, loaded,
};
use crate::yaml::Spanned;

const MANIFEST: &str = "isms.yaml";

fn risk_path(ctx: &Context<'_>, r: &Spanned<Risk>) -> String {
    let p = ctx.model.sources.path(r.span.file);
    if p.is_empty() {
        "risks.yaml".to_string()
    } else {
        p.to_string()
    }
}

fn at_risk(
    ctx: &Context<'_>,
    d: Diagnostic,
    r: &Spanned<Risk>,
    span: crate::source::Span,
) -> Diagnostic {
    ctx.place(d, span, &risk_path(ctx, r))
        .for_record(r.id.value.clone())
}

/// The level of a rating under the methodology, when its values are on the scales.
fn level(m: &RiskMethodology, r: &Rating) -> Option<u32> {
    m.level(r.likelihood.value, r.impact.value)
}

/// The level that remains after treatment: the residual rating, or the inherent one for a
/// retained risk that states no residual.
fn remaining_level(m: &RiskMethodology, r: &Risk) -> Option<u32> {
    match (&r.residual, &r.treatment) {
        (Some(res), _) => level(m, res),
        (None, Some(t)) if t.value == Treatment::Accept => {
            r.inherent.as_ref().and_then(|i| level(m, i))
        }
        _ => None,
    }
}

fn methodology_defined(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(manifest) = &ctx.model.manifest else {
        return;
    };
    let Some(m) = &manifest.risk_methodology else {
        out.push(
            RSK_01
                .diag("no risk methodology is defined")
                .with_hint("add `risk_methodology:` to isms.yaml with likelihood and impact scales, the level formula and the acceptance threshold")
                .at(Location::file(MANIFEST)),
        );
        return;
    };
    let mut problems = Vec::new();
    for (name, scale) in [("likelihood", &m.likelihood), ("impact", &m.impact)] {
        if scale.len() < 2 {
            problems.push(format!("the {name} scale has fewer than two points"));
        } else if scale
            .iter()
            .any(|p| p.description.as_deref().is_none_or(|d| d.trim().is_empty()))
        {
            problems.push(format!(
                "some {name} scale points have no description, so assessments are not repeatable"
            ));
        }
    }
    if m.level.value == LevelFormula::Matrix {
        match &m.matrix {
            None => problems.push("`level: matrix` is used but no `matrix:` is given".to_string()),
            Some(mx) => {
                let rows_ok = mx.value.len() == m.likelihood.len();
                let cols_ok = mx.value.iter().all(|row| row.len() == m.impact.len());
                if !rows_ok || !cols_ok {
                    problems.push(format!(
                        "the matrix must have {} rows (likelihood) of {} levels (impact)",
                        m.likelihood.len(),
                        m.impact.len()
                    ));
                }
            }
        }
    }
    let max = m
        .likelihood
        .iter()
        .flat_map(|l| m.impact.iter().map(move |i| (l.value.value, i.value.value)))
        .filter_map(|(l, i)| m.level(l, i))
        .max();
    if let Some(max) = max
        && m.acceptance_threshold.value >= max
    {
        problems.push(format!(
            "the acceptance threshold {} accepts every possible level (the highest is {max})",
            m.acceptance_threshold.value
        ));
    }
    if problems.is_empty() {
        return;
    }
    let d = RSK_01
        .diag(format!("the risk methodology is incomplete: {}", problems.join("; ")))
        .with_hint("the methodology must let two people rate the same risk the same way and say which levels are acceptable");
    out.push(ctx.place(d, m.span, MANIFEST));
}

fn owner_assigned(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        if id_str(r.owner.as_ref()).is_none() {
            let d = RSK_02
                .diag(format!("risk {} has no owner", r.id.value))
                .with_hint(
                    "set `owner:` to the person id accountable for the risk (a person, not a team)",
                );
            out.push(at_risk(ctx, d, r, r.span));
        }
    }
}

fn cia_stated(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        if r.affects.is_empty() {
            let d = RSK_03
                .diag(format!("risk {} does not say whether it affects confidentiality, integrity or availability", r.id.value))
                .with_hint("add `affects: [confidentiality, integrity, availability]` (those that apply)");
            out.push(at_risk(ctx, d, r, r.span));
        }
    }
}

fn scores_per_methodology(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = ctx.model.methodology() else {
        return;
    };
    let on = |scale: &[crate::model::ScalePoint], v: u8| scale.iter().any(|p| p.value.value == v);
    let values = |scale: &[crate::model::ScalePoint]| {
        scale
            .iter()
            .map(|p| p.value.value.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for r in &ctx.model.risks {
        for (which, rating) in [("inherent", &r.inherent), ("residual", &r.residual)] {
            let Some(rating) = rating else { continue };
            if !on(&m.likelihood, rating.likelihood.value) {
                let d = RSK_04
                    .diag(format!(
                        "{which} likelihood {} of risk {} is not on the likelihood scale",
                        rating.likelihood.value, r.id.value
                    ))
                    .with_hint(format!("use one of {}", values(&m.likelihood)));
                out.push(at_risk(ctx, d, r, rating.likelihood.span));
                continue;
            }
            if !on(&m.impact, rating.impact.value) {
                let d = RSK_04
                    .diag(format!(
                        "{which} impact {} of risk {} is not on the impact scale",
                        rating.impact.value, r.id.value
                    ))
                    .with_hint(format!("use one of {}", values(&m.impact)));
                out.push(at_risk(ctx, d, r, rating.impact.span));
                continue;
            }
            let (Some(stated), Some(computed)) = (&rating.level, level(m, rating)) else {
                continue;
            };
            if stated.value != computed {
                let how = match m.level.value {
                    LevelFormula::Product => "likelihood × impact",
                    LevelFormula::Sum => "likelihood + impact",
                    LevelFormula::Matrix => "the methodology's matrix",
                };
                let d = RSK_04
                    .diag(format!(
                        "{which} level of risk {} is {}, but {how} gives {computed}",
                        r.id.value, stated.value
                    ))
                    .with_hint(format!(
                        "write `level: {computed}` or remove `level:` and let the tool compute it"
                    ));
                out.push(at_risk(ctx, d, r, stated.span));
            }
        }
    }
}

fn evaluated(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        if r.inherent.is_none() {
            let d = RSK_05
                .diag(format!("risk {} has not been rated", r.id.value))
                .with_hint(
                    "add `inherent: { likelihood: N, impact: N }` using the methodology's scales",
                );
            out.push(at_risk(ctx, d, r, r.span));
        }
    }
}

fn treatment_chosen(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = ctx.model.methodology() else {
        return;
    };
    for r in &ctx.model.risks {
        let Some(inh) = &r.inherent else { continue };
        let Some(lvl) = level(m, inh) else { continue };
        if r.treatment.is_none() && !m.is_acceptable(lvl) {
            let d = RSK_06
                .diag(format!(
                    "risk {} has level {lvl}, above the acceptance threshold {}, but no treatment option",
                    r.id.value, m.acceptance_threshold.value
                ))
                .with_hint("set `treatment:` to mitigate, accept, transfer or avoid");
            out.push(at_risk(ctx, d, r, inh.span));
        }
    }
}

fn mitigation_has_controls(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        let mitigate = r
            .treatment
            .as_ref()
            .is_some_and(|t| t.value == Treatment::Mitigate);
        if mitigate && r.controls.is_empty() && r.other_controls.iter().all(|c| c.trim().is_empty())
        {
            let span = r.treatment.as_ref().map_or(r.span, |t| t.span);
            let d = RSK_07
                .diag(format!("risk {} is to be mitigated but names no controls", r.id.value))
                .with_hint("list the Annex A controls under `controls:` (and own controls under `other_controls:`)");
            out.push(at_risk(ctx, d, r, span));
        }
    }
}

fn plan_actionable(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        let plan: Vec<_> = loaded(&r.plan).collect();
        for a in &plan {
            let mut missing = Vec::new();
            if id_str(a.owner.as_ref()).is_none() {
                missing.push("an owner".to_string());
            }
            if a.due.is_none() {
                missing.push("a due date".to_string());
            }
            if !missing.is_empty() {
                let d = RSK_08
                    .diag(format!("a treatment action of risk {} lacks {}", r.id.value, join_and(&missing)))
                    .with_hint("every action in `plan:` needs `owner:` and `due:`; `resources:` says what it needs");
                out.push(at_risk(ctx, d, r, a.span));
            }
        }
        let mitigate = r
            .treatment
            .as_ref()
            .is_some_and(|t| t.value == Treatment::Mitigate);
        if !mitigate || !plan.is_empty() {
            continue;
        }
        let pending: Vec<String> = r
            .controls
            .iter()
            .filter_map(|c| ctx.model.soa_entry(&catalogue::normalize_id(&c.value)))
            .filter(|e| {
                e.is_applicable()
                    && e.status
                        .as_ref()
                        .is_some_and(|s| s.value != ImplementationStatus::Implemented)
            })
            .map(|e| e.id.value.clone())
            .collect();
        if !pending.is_empty() {
            let d = RSK_08
                .diag(format!(
                    "risk {} relies on controls not yet implemented ({}) but has no treatment plan",
                    r.id.value,
                    pending.join(", ")
                ))
                .with_hint("add `plan:` actions with owner and due date for implementing them");
            out.push(at_risk(ctx, d, r, r.span));
        }
    }
}

fn plan_approved(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        if loaded(&r.plan).next().is_none() {
            continue;
        }
        let owner = id_str(r.owner.as_ref());
        let by = id_str(r.plan_approval.by.as_ref());
        let problem = match (by, &r.plan_approval.on) {
            (None, _) => "has not been approved by the risk owner".to_string(),
            (Some(_), None) => "approval has no date".to_string(),
            (Some(b), Some(_)) if owner.is_some_and(|o| o != b) => {
                format!(
                    "was approved by {b}, not by the risk owner {}",
                    owner.unwrap_or_default()
                )
            }
            _ => continue,
        };
        let span = r.plan_approval.by.as_ref().map_or(r.span, |b| b.span);
        let d = RSK_09
            .diag(format!(
                "the treatment plan of risk {} {problem}",
                r.id.value
            ))
            .with_hint("record `plan_approval: { by: <risk owner>, on: YYYY-MM-DD }`");
        out.push(at_risk(ctx, d, r, span));
    }
}

fn residual_accepted(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = ctx.model.methodology() else {
        return;
    };
    for r in &ctx.model.risks {
        let Some(t) = &r.treatment else { continue };
        if r.residual.is_none() && t.value != Treatment::Accept && t.value != Treatment::Avoid {
            let d = RSK_10
                .diag(format!(
                    "risk {} is treated but has no residual rating",
                    r.id.value
                ))
                .with_hint(
                    "add `residual: { likelihood: N, impact: N }` for the risk after treatment",
                );
            out.push(at_risk(ctx, d, r, t.span));
            continue;
        }
        let Some(lvl) = remaining_level(m, r) else {
            continue;
        };
        if m.is_acceptable(lvl) {
            continue;
        }
        let owner = id_str(r.owner.as_ref());
        let why = format!(
            "risk {} remains at level {lvl}, above the acceptance threshold {}",
            r.id.value, m.acceptance_threshold.value
        );
        let problem = match &r.acceptance {
            None => Some("no acceptance by its owner is recorded".to_string()),
            Some(a) => {
                let mut p = Vec::new();
                match id_str(a.by.as_ref()) {
                    None => p.push("the acceptance names no one".to_string()),
                    Some(b) if owner.is_some_and(|o| o != b) => {
                        p.push(format!(
                            "it was accepted by {b}, not by the risk owner {}",
                            owner.unwrap_or_default()
                        ));
                    }
                    Some(_) => {}
                }
                if a.on.is_none() {
                    p.push("the acceptance has no date".to_string());
                }
                if blank(a.rationale.as_ref()) {
                    p.push("the acceptance gives no rationale".to_string());
                }
                (!p.is_empty()).then(|| join_and(&p))
            }
        };
        if let Some(problem) = problem {
            let span = r.acceptance.as_ref().map_or(r.span, |a| a.span);
            let d = RSK_10
                .diag(format!("{why}, and {problem}"))
                .with_hint("the risk owner must accept the residual risk: `acceptance: { by: <owner>, on: YYYY-MM-DD, rationale: \"...\" }`");
            out.push(at_risk(ctx, d, r, span));
        }
    }
}

fn residual_not_above_inherent(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = ctx.model.methodology() else {
        return;
    };
    for r in &ctx.model.risks {
        let (Some(inh), Some(res)) = (&r.inherent, &r.residual) else {
            continue;
        };
        let (Some(li), Some(lr)) = (level(m, inh), level(m, res)) else {
            continue;
        };
        if lr > li {
            let d = RSK_11
                .diag(format!(
                    "risk {} has residual level {lr}, above its inherent level {li}",
                    r.id.value
                ))
                .with_hint(
                    "treatment cannot make a risk worse: re-rate the inherent or the residual risk",
                );
            out.push(at_risk(ctx, d, r, res.span));
        }
    }
}

fn transfer_mechanism(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        let Some(t) = &r.treatment else { continue };
        if t.value == Treatment::Transfer && blank(r.transfer_mechanism.as_ref()) {
            let d = RSK_12
                .diag(format!("risk {} is transferred but the mechanism is not named", r.id.value))
                .with_hint("set `transfer_mechanism:` to the insurance policy, contract clause or supplier that carries the risk");
            out.push(at_risk(ctx, d, r, t.span));
        }
    }
}

fn assessment_current(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    if model.risks.is_empty() {
        return;
    }
    let interval = model.cadences().risk_assessment_months;
    let path = risk_path(ctx, &model.risks[0]);
    let Some(last) = model.risk_assessments.iter().max_by_key(|d| d.value) else {
        out.push(
            RSK_13
                .diag("the risk register does not state when the risk assessment was carried out")
                .with_hint("add `assessed: YYYY-MM-DD` at the top of the risk register")
                .at(Location::file(path)),
        );
        return;
    };
    if overdue(last.value, interval, ctx.today()) {
        let d = RSK_13
            .diag(format!(
                "the last risk assessment was on {}, more than {} before {}",
                last.value,
                months(interval),
                ctx.today()
            ))
            .with_hint("repeat the risk assessment and update `assessed:`");
        out.push(ctx.place(d, last.span, &path));
    }
    for c in &model.changes {
        if !c.significant {
            continue;
        }
        let when = c.completed.as_ref().or(c.planned.as_ref());
        let Some(when) = when else { continue };
        if when.value > last.value && when.value <= ctx.today() {
            let mut d = RSK_13
                .diag(format!(
                    "significant change {} ({}) on {} came after the last risk assessment ({})",
                    c.id.value, c.title.value, when.value, last.value
                ))
                .with_hint("re-assess the risks affected by the change and update `assessed:`");
            if let Some(l) = ctx.loc(last.span) {
                d = d.with_related(l, "last assessment");
            }
            out.push(
                ctx.place(d, when.span, "changes.yaml")
                    .for_record(c.id.value.clone()),
            );
        }
    }
}

fn action_overdue(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        for a in loaded(&r.plan) {
            if !a.status.value.is_open() {
                continue;
            }
            let Some(due) = a.effective_due() else {
                continue;
            };
            if due >= ctx.today() {
                continue;
            }
            let d = RSK_14
                .diag(format!("treatment action \"{}\" of risk {} was due on {due} and is not done", a.action.value, r.id.value))
                .with_hint("finish it, or record a re-plan (`replanned:` with date, new due date and reason) and escalate");
            out.push(at_risk(ctx, d, r, a.span));
        }
    }
}

fn risk_reassessed(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let interval = ctx.model.cadences().risk_assessment_months;
    for r in &ctx.model.risks {
        match &r.last_assessed {
            None => {
                let d = RSK_15
                    .diag(format!("risk {} has no assessment date", r.id.value))
                    .with_hint(
                        "add `last_assessed: YYYY-MM-DD` so the register keeps dated results",
                    );
                out.push(at_risk(ctx, d, r, r.span));
            }
            Some(d0) if overdue(d0.value, interval, ctx.today()) => {
                let d = RSK_15
                    .diag(format!(
                        "risk {} was last assessed on {}, more than {} ago",
                        r.id.value,
                        d0.value,
                        months(interval)
                    ))
                    .with_hint("re-assess the risk and update `last_assessed:`");
                out.push(at_risk(ctx, d, r, d0.span));
            }
            Some(_) => {}
        }
    }
}

const RSK_01: Rule = Rule {
    code: "RSK-01",
    name: "risk-methodology-defined",
    area: Area::Risk,
    clause: "6.1.2 a",
    default_severity: Severity::Error,
    summary: "A risk methodology defines described scales, a level formula and a meaningful acceptance threshold.",
    explanation: "\
Clause 6.1.2 requires risk criteria, including acceptance criteria and criteria for performing
assessments, so that repeated assessments give consistent, comparable results. A missing
methodology, scales without descriptions, a matrix that does not fit the scales, or a threshold
that accepts every possible level all defeat that purpose.

Fix: define the methodology in isms.yaml.

```yaml
risk_methodology:
  likelihood:
    - { value: 1, label: Rare, description: Less than once in 10 years }
    - { value: 2, label: Possible, description: Once in 3-10 years }
    - { value: 3, label: Likely, description: Once a year or more }
  impact:
    - { value: 1, label: Minor, description: No customer impact }
    - { value: 2, label: Moderate, description: Limited customer impact, no data loss }
    - { value: 3, label: Severe, description: Data breach or outage over 24 hours }
  level: product
  acceptance_threshold: 3
```",
    check: Check::Model(methodology_defined),
};

const RSK_02: Rule = Rule {
    code: "RSK-02",
    name: "risk-owner-assigned",
    area: Area::Risk,
    clause: "6.1.2 c",
    default_severity: Severity::Error,
    summary: "Every risk has a named owner.",
    explanation: "\
Clause 6.1.2 c asks for risk owners to be identified. The owner is the person accountable for
the risk and the one who approves its treatment and accepts what remains, so it must be a person
from isms.yaml, not a team or \"IT\".

Fix: set the owner.

```yaml
risks:
  - id: R-007
    title: Compromise of an administrator account
    owner: p-cto
```",
    check: Check::Model(owner_assigned),
};

const RSK_03: Rule = Rule {
    code: "RSK-03",
    name: "risk-cia-stated",
    area: Area::Risk,
    clause: "6.1.2 c 1",
    default_severity: Severity::Warning,
    summary: "Every risk states which of confidentiality, integrity and availability it affects.",
    explanation: "\
The risk assessment identifies risks to the confidentiality, integrity and availability of
information. Stating which properties a risk affects ties it to that purpose and helps choose
controls.

Fix: list the affected properties.

```yaml
risks:
  - id: R-007
    affects: [confidentiality, integrity]
```",
    check: Check::Model(cia_stated),
};

const RSK_04: Rule = Rule {
    code: "RSK-04",
    name: "risk-scores-per-methodology",
    area: Area::Risk,
    clause: "6.1.2 d",
    default_severity: Severity::Error,
    summary: "Likelihood and impact are on the methodology's scales and any stated level matches its formula.",
    explanation: "\
The most frequent major nonconformity in risk management is a methodology that exists on paper
but is not followed: scores outside the defined scales, or levels that do not follow from the
formula or matrix. The check recomputes every inherent and residual level.

Fix: use the scale values and correct (or drop) the stated level; the tool computes it.

```yaml
risks:
  - id: R-007
    inherent: { likelihood: 3, impact: 3, level: 9 }   # product: 3 x 3
    residual: { likelihood: 1, impact: 3 }
```",
    check: Check::Model(scores_per_methodology),
};

const RSK_05: Rule = Rule {
    code: "RSK-05",
    name: "risk-evaluated",
    area: Area::Risk,
    clause: "6.1.2 d-e",
    default_severity: Severity::Error,
    summary: "Every risk has been rated (likelihood and impact), so it can be evaluated and prioritised.",
    explanation: "\
Risks must be analysed (likelihood, consequence, level) and evaluated against the acceptance
criteria to prioritise treatment. A risk with no rating has only been identified.

Fix: rate the risk.

```yaml
risks:
  - id: R-021
    inherent: { likelihood: 2, impact: 3 }
```",
    check: Check::Model(evaluated),
};

const RSK_06: Rule = Rule {
    code: "RSK-06",
    name: "risk-treatment-chosen",
    area: Area::Risk,
    clause: "6.1.3 a",
    default_severity: Severity::Error,
    summary: "Every risk above the acceptance threshold has a treatment option.",
    explanation: "\
Clause 6.1.3 a requires a treatment option for the risks that need treatment. A risk above the
acceptance criteria without one was identified and then left alone.

Fix: choose mitigate, accept, transfer or avoid.

```yaml
risks:
  - id: R-021
    inherent: { likelihood: 3, impact: 3 }
    treatment: mitigate
    controls: [\"8.13\"]
```",
    check: Check::Model(treatment_chosen),
};

const RSK_07: Rule = Rule {
    code: "RSK-07",
    name: "risk-mitigation-has-controls",
    area: Area::Risk,
    clause: "6.1.3 b",
    default_severity: Severity::Error,
    summary: "Every risk treated by mitigation names at least one control.",
    explanation: "\
Clause 6.1.3 b asks for the controls needed to implement the chosen treatment. \"Mitigate\"
without controls is a treatment in name only. Annex A controls go under `controls:` (the loader
checks the ids); own controls can be described under `other_controls:`.

Fix: name the controls.

```yaml
risks:
  - id: R-021
    treatment: mitigate
    controls: [\"8.13\", \"5.30\"]
    other_controls: [Quarterly restore drill run by the on-call team]
```",
    check: Check::Model(mitigation_has_controls),
};

const RSK_08: Rule = Rule {
    code: "RSK-08",
    name: "risk-plan-actionable",
    area: Area::Risk,
    clause: "6.1.3 e",
    default_severity: Severity::Error,
    summary: "Treatment plan actions have owners and due dates, and risks relying on unimplemented controls have a plan.",
    explanation: "\
The risk treatment plan (6.1.3 e) says who does what by when, with which resources. An action
without an owner or date is not actionable, and a risk whose controls are still planned or
partial needs actions to get them implemented.

Fix: plan the actions.

```yaml
risks:
  - id: R-021
    treatment: mitigate
    controls: [\"8.13\"]
    plan:
      - action: Automate daily database backups to a second region
        owner: p-cto
        due: 2025-09-30
        resources: 2 engineer-weeks
```",
    check: Check::Model(plan_actionable),
};

const RSK_09: Rule = Rule {
    code: "RSK-09",
    name: "risk-plan-approved-by-owner",
    area: Area::Risk,
    clause: "6.1.3 f",
    default_severity: Severity::Error,
    summary: "A risk's treatment plan is approved, with a date, by that risk's owner.",
    explanation: "\
Clause 6.1.3 f requires the risk owners to approve the treatment plan. Approval by the ISMS
manager alone, or an approval that is not dated, does not meet it.

Fix: record the owner's approval.

```yaml
risks:
  - id: R-021
    owner: p-cto
    plan_approval: { by: p-cto, on: 2025-04-11 }
```",
    check: Check::Model(plan_approved),
};

const RSK_10: Rule = Rule {
    code: "RSK-10",
    name: "residual-risk-accepted-by-owner",
    area: Area::Risk,
    clause: "6.1.3 f",
    default_severity: Severity::Error,
    summary: "Treated risks have a residual rating; residual risk above the threshold is accepted by that risk's owner.",
    explanation: "\
Clause 6.1.3 f requires the risk owners to accept the residual risks. Every treated risk
therefore needs a residual rating, and any risk that remains above the acceptance threshold
(including risks retained without treatment) needs an acceptance by *its own* owner, with a
date and a rationale. Acceptance by someone else, or without a reason, is a common finding.

Fix: rate the residual risk and record the owner's acceptance.

```yaml
risks:
  - id: R-030
    owner: p-ceo
    treatment: accept
    inherent: { likelihood: 2, impact: 3 }
    acceptance:
      by: p-ceo
      on: 2025-04-11
      rationale: Cost of a second hosting provider exceeds the expected loss; reviewed yearly.
```",
    check: Check::Model(residual_accepted),
};

const RSK_11: Rule = Rule {
    code: "RSK-11",
    name: "residual-not-above-inherent",
    area: Area::Risk,
    clause: "6.1.2 d",
    default_severity: Severity::Error,
    summary: "No risk's residual level is higher than its inherent level.",
    explanation: "\
Treatment reduces, shares or removes risk; it never increases it. A residual level above the
inherent level means one of the two ratings is wrong, and the auditor will question every
other rating in the register.

Fix: re-rate the risk.

```yaml
risks:
  - id: R-012
    inherent: { likelihood: 3, impact: 3 }
    residual: { likelihood: 1, impact: 3 }
```",
    check: Check::Model(residual_not_above_inherent),
};

const RSK_12: Rule = Rule {
    code: "RSK-12",
    name: "risk-transfer-mechanism",
    area: Area::Risk,
    clause: "6.1.3 a",
    default_severity: Severity::Warning,
    summary: "Every transferred risk names how it is transferred (insurance, contract, supplier).",
    explanation: "\
Sharing a risk only works through a real mechanism: an insurance policy, a contract clause or a
supplier that takes it on. Auditors ask to see it; \"transferred\" without one is an assertion.

Fix: name the mechanism.

```yaml
risks:
  - id: R-040
    treatment: transfer
    transfer_mechanism: Cyber insurance policy CY-2025-118, incident response and liability cover
```",
    check: Check::Model(transfer_mechanism),
};

const RSK_13: Rule = Rule {
    code: "RSK-13",
    name: "risk-assessment-current",
    area: Area::Risk,
    clause: "8.2",
    default_severity: Severity::Error,
    summary: "The risk assessment is dated, within its interval, and not older than any significant change.",
    explanation: "\
Clause 8.2 requires risk assessments at planned intervals and when significant changes are
proposed or happen. The register's `assessed:` date is compared with the
`risk_assessment_months` cadence (as of `--as-of`), and with every change in changes.yaml
marked `significant: true`.

Fix: repeat the assessment and update the date.

```yaml
# risks.yaml
assessed: 2025-04-10
risks:
  - id: R-001
```",
    check: Check::Model(assessment_current),
};

const RSK_14: Rule = Rule {
    code: "RSK-14",
    name: "risk-action-overdue",
    area: Area::Risk,
    clause: "8.3",
    default_severity: Severity::Warning,
    summary: "No risk treatment action is past its due date while still open.",
    explanation: "\
Clause 8.3 requires the treatment plan to be implemented. A stalled action (open past its due
date, without a re-plan) was raised as a major nonconformity in published audit reports. A
re-plan moves the due date with a reason; the latest re-plan counts.

Fix: complete the action, or re-plan it and escalate.

```yaml
plan:
  - action: Enforce hardware keys for administrators
    owner: p-cto
    due: 2025-03-31
    status: in-progress
    replanned:
      - { on: 2025-03-20, due: 2025-06-30, reason: Key delivery delayed, by: p-ceo }
```",
    check: Check::Model(action_overdue),
};

const RSK_15: Rule = Rule {
    code: "RSK-15",
    name: "risk-reassessed",
    area: Area::Risk,
    clause: "8.2",
    default_severity: Severity::Warning,
    summary: "Every risk carries its own assessment date, within the assessment interval.",
    explanation: "\
Risk assessment results must be retained as records (8.2). A dated result per risk shows which
risks were actually looked at in the last cycle, rather than carried over untouched.

Fix: record when each risk was last assessed.

```yaml
risks:
  - id: R-001
    last_assessed: 2025-04-10
```",
    check: Check::Model(risk_reassessed),
};

/// The risk rules.
pub(super) const RULES: &[Rule] = &[
    RSK_01, RSK_02, RSK_03, RSK_04, RSK_05, RSK_06, RSK_07, RSK_08, RSK_09, RSK_10, RSK_11, RSK_12,
    RSK_13, RSK_14, RSK_15,
];
