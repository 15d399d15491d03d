//! Risk assessment and treatment rules (6.1.2, 6.1.3, 8.2, 8.3): the methodology, owners,
//! scores computed per the methodology, treatment, plan approval, residual acceptance by the
//! risk's own owner, and the dates that keep the register current.

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::{blank, id_str, join_and, months, overdue};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{
    ImplementationStatus, LevelFormula, Risk, Treatment, Unrated, fmt_level, loaded,
};
use crate::yaml::Spanned;

const MANIFEST: &str = "isms.yaml";

fn risk_path(ctx: &Context<'_>, r: &Spanned<Risk>) -> String {
    ctx.record_file(r.span, "risks.yaml")
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

use crate::model::status::{AcceptanceProblem, RiskAcceptance, describe_authority, level};

/// Whether the person with this id is top management, directly or through a role.
fn top_management(ctx: &Context<'_>, id: &str) -> bool {
    ctx.model.is_top_management_party(id)
}

/// Two levels are the same (quantitative levels are products of decimals).
/// The risk owner's id for a command in a hint, or `<owner>` when the risk names none.
fn owner_or_placeholder(r: &Risk) -> &str {
    id_str(r.owner.as_ref()).unwrap_or("<owner>")
}

fn same_level(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
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
    let mut push = |msg: String, hint: &str, span: crate::source::Span| {
        let d = RSK_01
            .diag(format!("the risk methodology {msg}"))
            .with_hint(hint.to_string());
        out.push(ctx.place(d, span, MANIFEST));
    };
    let repeatable = "the methodology must let two people rate the same risk the same way and say which levels are acceptable";
    if m.is_quantitative() {
        if m.quantitative.is_none() {
            push(
                "is quantitative (`level: annualised-loss`) but does not say what likelihood is measured in".to_string(),
                "add `quantitative: { likelihood: probability, currency: GBP }` (or `likelihood: frequency` for events per year)",
                m.level.span,
            );
        }
    } else {
        for (name, scale) in [
            ("likelihood", &m.likelihood),
            ("impact", &m.impact),
            ("asset value", &m.asset_values),
        ] {
            if name != "asset value" && scale.len() < 2 {
                push(
                    format!("has fewer than two points on its {name} scale"),
                    repeatable,
                    m.span,
                );
                continue;
            }
            for (i, p) in scale.iter().enumerate() {
                if scale[..i].iter().any(|q| q.value.value == p.value.value) {
                    push(
                        format!("lists {name} value {} twice", p.value.value),
                        "each point of a scale needs its own value",
                        p.value.span,
                    );
                }
            }
            if let Some(p) = scale
                .iter()
                .find(|p| p.description.as_deref().is_none_or(|d| d.trim().is_empty()))
            {
                push(
                    format!(
                        "does not describe {name} point {} ({}), so assessments are not repeatable",
                        p.value.value, p.label.value
                    ),
                    "give every scale point a `description:` that says when it applies",
                    p.value.span,
                );
            }
        }
        if m.level.value == LevelFormula::Matrix {
            match &m.matrix {
                None => push(
                    "uses `level: matrix` but gives no `matrix:`".to_string(),
                    "add `matrix:` with one row per likelihood point and one level per impact point",
                    m.level.span,
                ),
                Some(mx) => {
                    let rows_ok = mx.value.len() == m.likelihood.len();
                    let cols_ok = mx.value.iter().all(|row| row.len() == m.impact.len());
                    if !rows_ok || !cols_ok {
                        push(
                            format!(
                                "has a matrix that does not fit its scales: it needs {} rows (one per likelihood point) of {} levels (one per impact point)",
                                m.likelihood.len(),
                                m.impact.len()
                            ),
                            "one row per likelihood point, in the order of the likelihood scale; one column per impact point",
                            mx.span,
                        );
                    }
                    if let Some(bad) = mx.value.iter().flatten().find(|c| m.resolve(c).is_none()) {
                        push(
                            format!(
                                "has a matrix cell \"{bad}\" that is neither a number nor one of its band labels"
                            ),
                            "write levels as numbers, or as labels defined under `bands:`",
                            mx.span,
                        );
                    }
                }
            }
        }
    }
    for (i, b) in m.bands.iter().enumerate() {
        if !b.max.value.is_finite() || (i > 0 && b.max.value <= m.bands[i - 1].max.value) {
            push(
                format!(
                    "has band {} whose `max` does not rise above the band before it",
                    b.label.value
                ),
                "list bands from the lowest level to the highest, each with a higher `max`",
                b.max.span,
            );
        }
    }
    match m.threshold() {
        None => push(
            format!(
                "has an acceptance threshold \"{}\" that is neither a number nor one of its band labels",
                m.acceptance_threshold.value
            ),
            "set `acceptance_threshold:` to a level, or to the label of a band under `bands:`",
            m.acceptance_threshold.span,
        ),
        Some(t) if m.is_quantitative() && t < 0.0 => push(
            format!("has a negative acceptance threshold {}", fmt_level(t)),
            "state the highest acceptable annualised loss",
            m.acceptance_threshold.span,
        ),
        Some(t) => {
            let max = m.possible_levels().into_iter().reduce(f64::max);
            if let Some(max) = max
                && t >= max
            {
                push(
                    format!(
                        "has an acceptance threshold {} that accepts every possible level (the highest is {})",
                        fmt_level(t),
                        fmt_level(max)
                    ),
                    repeatable,
                    m.acceptance_threshold.span,
                );
            }
        }
    }
    for a in &m.acceptance_authority {
        if m.resolve(&a.above.value).is_none() {
            push(
                format!(
                    "names an acceptance authority above \"{}\", which is neither a number nor one of its band labels",
                    a.above.value
                ),
                "set `above:` to a level or band label",
                a.above.span,
            );
        }
        if a.by.is_empty() && !a.top_management {
            push(
                "names an acceptance authority without saying who it is".to_string(),
                "list person or role ids under `by:`, or set `top_management: true`",
                a.span,
            );
        }
        for p in &a.by {
            let known = ctx.model.person(&p.value).is_some()
                || manifest.roles.iter().any(|r| r.id.value == p.value);
            if !known {
                push(
                    format!(
                        "names {} as acceptance authority, who is neither a person nor a role in isms.yaml",
                        p.value
                    ),
                    "use a person id from `people:` or a role id from `roles:`",
                    p.span,
                );
            }
        }
    }
    // Top management approves the criteria the whole assessment rests on.
    match (id_str(m.approval.by.as_ref()), &m.approval.on) {
        (None, _) => push(
            "and its acceptance criteria have not been approved".to_string(),
            "top management approves it: `isms approve methodology --by <person id>` (it writes `approval:` under `risk_methodology:`)",
            m.span,
        ),
        (Some(_), None) => push(
            "approval has no date".to_string(),
            "add `on: YYYY-MM-DD` to the methodology's `approval:`",
            m.approval.by.as_ref().map_or(m.span, |b| b.span),
        ),
        (Some(b), Some(_)) if !top_management(ctx, b) => push(
            format!("was approved by {b}, who is not top management"),
            "the acceptance criteria are set by top management: record the approval of a person marked `top_management: true`",
            m.approval.by.as_ref().map_or(m.span, |b| b.span),
        ),
        _ => {}
    }
    if m.reassessment_triggers.iter().all(|t| t.trim().is_empty()) {
        push(
            "does not say what triggers a reassessment outside the regular cycle".to_string(),
            "list the events under `reassessment_triggers:` (significant changes, major incidents, new requirements)",
            m.span,
        );
    }
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
            let computed = match m.evaluate(rating.likelihood.value, rating.impact.value) {
                Ok(l) => l,
                Err(why) => {
                    let (span, hint) = match &why {
                        Unrated::OffScale { axis, .. } | Unrated::OutOfRange { axis, .. } => {
                            let (span, scale) = if *axis == "likelihood" {
                                (rating.likelihood.span, &m.likelihood)
                            } else {
                                (rating.impact.span, &m.impact)
                            };
                            let hint = if m.is_quantitative() {
                                "use a value in the unit the methodology states".to_string()
                            } else {
                                format!("use one of {}", values(scale))
                            };
                            (span, hint)
                        }
                        Unrated::Methodology(_) => (
                            rating.span,
                            "fix the methodology in isms.yaml so every rating on its scales has a level".to_string(),
                        ),
                    };
                    let d = RSK_04
                        .diag(format!(
                            "the {which} rating of risk {} cannot be evaluated: {why}",
                            r.id.value
                        ))
                        .with_hint(hint);
                    out.push(at_risk(ctx, d, r, span));
                    continue;
                }
            };
            let Some(stated) = &rating.level else {
                continue;
            };
            let how = m.level.value.describe();
            match m.resolve(&stated.value) {
                None => {
                    let d = RSK_04
                        .diag(format!(
                            "{which} level \"{}\" of risk {} is neither a number nor a band of the methodology",
                            stated.value, r.id.value
                        ))
                        .with_hint(format!(
                            "write `level: {}` or remove `level:` and let the tool compute it",
                            fmt_level(computed)
                        ));
                    out.push(at_risk(ctx, d, r, stated.span));
                }
                Some(s) if !same_level(s, computed) => {
                    let d = RSK_04
                        .diag(format!(
                            "{which} level of risk {} is {}, but {how} gives {}",
                            r.id.value,
                            stated.value,
                            fmt_level(computed)
                        ))
                        .with_hint(format!(
                            "write `level: {}` or remove `level:` and let the tool compute it",
                            fmt_level(computed)
                        ));
                    out.push(at_risk(ctx, d, r, stated.span));
                }
                Some(_) => {}
            }
        }
    }
}

fn evaluated(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        if r.inherent.is_none() {
            let d = RSK_05
                .diag(format!("risk {} has not been rated", r.id.value))
                .with_hint(format!(
                    "have the risk owner rate it on the methodology's scales: `isms confirm {} --by {} --inherent LxI`",
                    r.id.value,
                    owner_or_placeholder(r)
                ));
            out.push(at_risk(ctx, d, r, r.span));
        }
        for (which, rating) in [("inherent", &r.inherent), ("residual", &r.residual)] {
            let Some(rating) = rating else { continue };
            if rating.to_confirm {
                let d = RSK_05
                    .diag(format!(
                        "the {which} rating of risk {} is a proposal nobody has decided yet (`to_confirm: true`)",
                        r.id.value
                    ))
                    .with_hint(format!(
                        "have the risk owner review the proposal against the methodology and confirm it (`isms confirm {} --by {o}`, or `isms confirm risks --by {o}` for all their risks), or give their own rating with `--{which} LxI`",
                        r.id.value,
                        o = owner_or_placeholder(r)
                    ));
                out.push(at_risk(ctx, d, r, rating.span));
            }
        }
    }
}

fn treatment_chosen(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = ctx.model.methodology() else {
        return;
    };
    for r in &ctx.model.risks {
        let Some(inh) = &r.inherent else { continue };
        if r.treatment.is_some() {
            continue;
        }
        let d = match level(m, inh) {
            Some(lvl) if m.is_acceptable(lvl) => continue,
            Some(lvl) => RSK_06.diag(format!(
                "risk {} has level {}, above the acceptance threshold {}, but no treatment option",
                r.id.value,
                fmt_level(lvl),
                m.acceptance_threshold.value
            )),
            // Unknown level: it cannot be shown to be acceptable, so it needs a decision.
            None => RSK_06.diag(format!(
                "risk {} has no treatment option and its level cannot be evaluated, so it is not shown to be acceptable",
                r.id.value
            )),
        };
        let d = d.with_hint("set `treatment:` to mitigate, accept, transfer or avoid");
        out.push(at_risk(ctx, d, r, inh.span));
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
        for (i, a) in plan.iter().enumerate() {
            let mut missing = Vec::new();
            if id_str(a.owner.as_ref()).is_none() {
                missing.push("an owner".to_string());
            }
            if a.due.is_none() {
                missing.push("a due date".to_string());
            }
            if !missing.is_empty() {
                let name = a.id.as_ref().map_or_else(
                    || format!("'{}#{}'", r.id.value, i + 1),
                    |id| id.value.clone(),
                );
                let hint = match (id_str(a.owner.as_ref()).is_some(), a.due.is_some()) {
                    (true, _) => {
                        format!("give the action its due date: `isms plan {name} --due YYYY-MM-DD`")
                    }
                    (false, true) => {
                        format!("say who carries out the action: `isms plan {name} --owner <id>`")
                    }
                    (false, false) => format!(
                        "say who carries out the action and by when: `isms plan {name} --owner <id> --due YYYY-MM-DD`"
                    ),
                };
                let d = RSK_08
                    .diag(format!(
                        "a treatment action of risk {} lacks {}",
                        r.id.value,
                        join_and(&missing)
                    ))
                    .with_hint(hint);
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
            .filter_map(|c| ctx.model.soa_entry(&c.value))
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
                .with_hint(format!(
                    "plan the actions that implement them: `isms plan {} --action \"...\" --owner <id> --due YYYY-MM-DD`",
                    r.id.value
                ));
            out.push(at_risk(ctx, d, r, r.span));
        }
    }
}

fn plan_approved(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        if loaded(&r.plan).next().is_none() {
            continue;
        }
        // An owner that names nobody is a dangling reference (LOAD-013): comparing the
        // approver or acceptor with it would only restate that finding.
        let owner = id_str(r.owner.as_ref()).filter(|o| !ctx.model.holders(o).is_empty());
        let by = id_str(r.plan_approval.by.as_ref());
        let problem = match (by, &r.plan_approval.on) {
            (None, _) => "has not been approved by the risk owner".to_string(),
            (Some(_), None) => "approval has no date".to_string(),
            (Some(b), Some(_)) if owner.is_some_and(|o| !ctx.model.acts_as(b, o)) => {
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
            .with_hint(format!(
                "have the risk owner approve the plan: `isms approve {} --by {o}` (or `isms approve risks --by {o}` for all their plans)",
                r.id.value,
                o = owner_or_placeholder(r)
            ));
        out.push(at_risk(ctx, d, r, span));
    }
}

fn residual_accepted(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = ctx.model.methodology() else {
        return;
    };
    for r in &ctx.model.risks {
        // The computation is shared with the risk documents (src/model/status.rs), so they
        // show "not accepted" for exactly the risks reported here.
        let need = match ctx.model.risk_acceptance(r, ctx.today()) {
            RiskAcceptance::NotRequired => continue,
            RiskAcceptance::NoResidual(span) => {
                let d = RSK_10
                    .diag(format!(
                        "risk {} is treated but has no residual rating",
                        r.id.value
                    ))
                    .with_hint(format!(
                        "have the risk owner rate the risk as it will be after treatment: `isms confirm {} --by {} --residual LxI`",
                        r.id.value,
                        owner_or_placeholder(r)
                    ));
                out.push(at_risk(ctx, d, r, span));
                continue;
            }
            RiskAcceptance::Required(need) => need,
        };
        let (lvl, above) = (need.level, need.above);
        let why = match lvl {
            Some(l) if above => format!(
                "risk {} remains at level {}, above the acceptance threshold {}",
                r.id.value,
                fmt_level(l),
                m.acceptance_threshold.value
            ),
            Some(l) => format!("risk {} remains at level {}", r.id.value, fmt_level(l)),
            None => format!("the residual risk of risk {}", r.id.value),
        };
        let who = match (need.authority, need.owner) {
            (Some(a), Some(o)) => format!(
                "{} with or on behalf of the owner {o}",
                describe_authority(a)
            ),
            (Some(a), None) => describe_authority(a),
            (None, Some(o)) => format!("the risk owner {o}"),
            (None, None) => "the risk owner".to_string(),
        };
        let acceptor = need.owner.unwrap_or("<id>");
        let hint = if above {
            format!(
                "record the acceptance by {who}, with why it is acceptable: `isms accept {} --by {acceptor} --rationale \"...\"`",
                r.id.value
            )
        } else {
            format!(
                "record the acceptance by {who}: `isms accept {} --by {acceptor} --rationale \"...\"` (or `isms accept risks --by {acceptor} ...` for all their risks within the criteria)",
                r.id.value
            )
        };
        for (problem, span) in &need.problems {
            let d = match problem {
                AcceptanceProblem::Missing => RSK_10
                    .diag(format!("{why}, and no acceptance of it is recorded"))
                    .with_hint(hint.clone()),
                AcceptanceProblem::Incomplete(parts) => {
                    let parts: Vec<String> =
                        parts.iter().map(|p| format!("the acceptance {p}")).collect();
                    RSK_10
                        .diag(format!("{why}, and {}", join_and(&parts)))
                        .with_hint(hint.clone())
                }
                AcceptanceProblem::WrongAcceptor(problem) => RSK_10
                    .diag(format!("{why}, and {problem}"))
                    .with_hint(hint.clone()),
                AcceptanceProblem::Lapsed(until) => RSK_10
                    .diag(format!(
                        "the acceptance of risk {} lapsed on {until}, so its residual risk is no longer accepted",
                        r.id.value
                    ))
                    .with_hint("have the risk owner review the risk and record a new acceptance"),
                AcceptanceProblem::TooLong { months, until } => RSK_10
                    .diag(match until {
                        Some(u) => format!(
                            "the acceptance of risk {} runs until {u}, longer than the {months} months the methodology allows an acceptance to hold (`acceptance_max_months`)",
                            r.id.value
                        ),
                        None => format!(
                            "the acceptance of risk {} has no `until:` date, but the methodology allows an acceptance to hold for at most {months} months (`acceptance_max_months`)",
                            r.id.value
                        ),
                    })
                    .with_hint(format!(
                        "have the risk owner accept it again with an end date: `isms accept {} --by <id> --rationale \"...\" --until YYYY-MM-DD`",
                        r.id.value
                    )),
                AcceptanceProblem::Predates { on, assessed } => {
                    let mut d = RSK_10
                        .diag(format!(
                            "the acceptance of risk {} is dated {on}, before the assessment it accepts ({assessed})",
                            r.id.value
                        ))
                        .with_hint("the owner accepts the residual risk as assessed: record a new acceptance dated on or after the assessment");
                    if let Some(l) = ctx.model.risk_assessed(r).and_then(|a| ctx.loc(a.span)) {
                        d = d.with_related(l, "assessment");
                    }
                    d
                }
            };
            out.push(at_risk(ctx, d, r, *span));
        }
    }
}

fn acceptance_lapsing(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let today = ctx.today();
    for r in &ctx.model.risks {
        let Some(until) = r.acceptance.as_ref().and_then(|a| a.until.as_ref()) else {
            continue;
        };
        // A lapsed acceptance is no acceptance: RSK-10 reports it.
        let days = today.days_until(until.value);
        if !(0..=ACCEPTANCE_WARNING_DAYS).contains(&days) {
            continue;
        }
        let d = RSK_16
            .diag(format!(
                "the acceptance of risk {} lapses on {}, within {ACCEPTANCE_WARNING_DAYS} days",
                r.id.value, until.value
            ))
            .with_hint(
                "have the risk owner review the risk and record a new acceptance with a new `until:`",
            );
        out.push(at_risk(ctx, d, r, until.span));
    }
}

/// How long before an acceptance lapses RSK-16 starts to warn.
const ACCEPTANCE_WARNING_DAYS: i64 = 30;

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
        if lr > li && !same_level(lr, li) {
            let d = RSK_11
                .diag(format!(
                    "risk {} has residual level {}, above its inherent level {}",
                    r.id.value,
                    fmt_level(lr),
                    fmt_level(li)
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
                .with_hint("once the risk owners have confirmed every rating, date the assessment: `isms confirm assessment --by <person id>`")
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
            .with_hint("repeat the risk assessment with the risk owners (`isms confirm <risk> --by <owner>` for each risk), then date it: `isms confirm assessment --by <person id>`");
        out.push(ctx.place(d, last.span, &path));
    }
    for c in &model.changes {
        if !c.significant {
            continue;
        }
        // A completed change counts from its completion. One not recorded as completed counts
        // from its planned date once that has passed: it may have been made without the
        // reassessment 8.2 asks for, or it is late; either way the message must not claim it
        // happened.
        let (when, what) = match (&c.completed, &c.planned) {
            (Some(done), _) => (done, format!("was completed on {}", done.value)),
            (None, Some(p)) => (
                p,
                format!(
                    "was planned for {} and is not recorded as completed",
                    p.value
                ),
            ),
            (None, None) => continue,
        };
        if when.value > last.value && when.value <= ctx.today() {
            let hint = if c.completed.is_some() {
                "re-assess the risks affected by the change and update `assessed:`"
            } else {
                "assess the risks of the change (before it is made, if it is still to come), update `assessed:`, and record `completed:` once it is done"
            };
            let mut d = RSK_13
                .diag(format!(
                    "significant change {} ({}) {what}, but the last risk assessment was on {}, before that date",
                    c.id.value, c.title.value, last.value
                ))
                .with_hint(hint);
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

fn opportunities_determined(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let model = ctx.model;
    if model.risks.is_empty() && model.opportunities.is_empty() {
        return;
    }
    if model.opportunities.is_empty() {
        let path = model
            .risk_files
            .first()
            .cloned()
            .unwrap_or_else(|| "risks.yaml".to_string());
        out.push(
            RSK_17
                .diag("the risk register determines risks but no opportunities")
                .with_hint("add `opportunities:` to the risk register, each with the `action:` that addresses it")
                .at(Location::file(path)),
        );
        return;
    }
    for o in &model.opportunities {
        if blank(o.action.as_ref()) {
            let path = model.sources.path(o.span.file);
            let path = if path.is_empty() { "risks.yaml" } else { path };
            let d = RSK_17
                .diag(format!(
                    "opportunity {} ({}) does not say how it is addressed",
                    o.id.value, o.title.value
                ))
                .with_hint(format!(
                    "record what is done about it, or why it is not pursued now: `isms plan {} --action \"...\"`{}",
                    o.id.value,
                    if o.owner.is_none() { " --owner <id>" } else { "" }
                ));
            out.push(ctx.place(d, o.span, path).for_record(o.id.value.clone()));
        }
    }
}

fn action_overdue(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for r in &ctx.model.risks {
        for a in loaded(&r.plan) {
            // Shared with the treatment plan's "overdue" flag.
            if !crate::model::status::action_overdue(a, ctx.today()) {
                continue;
            }
            let Some(due) = a.effective_due() else {
                continue;
            };
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
        match ctx.model.risk_assessed(r) {
            None => {
                let d = RSK_15
                    .diag(format!("risk {} has no assessment date", r.id.value))
                    .with_hint(format!(
                        "have the risk owner assess it: `isms confirm {} --by {}` (it dates the assessment)",
                        r.id.value,
                        owner_or_placeholder(r)
                    ));
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
                    .with_hint(format!(
                        "have the risk owner re-assess it: `isms confirm {} --by {}` (or give new ratings with `--inherent`/`--residual`)",
                        r.id.value,
                        owner_or_placeholder(r)
                    ));
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
    summary: "A risk methodology defines consistent criteria, is approved by top management and says what triggers a reassessment.",
    explanation: "\
Clause 6.1.2 a and b require risk criteria, including the risk acceptance criteria and the
criteria for performing assessments, so that repeated assessments give consistent, valid and
comparable results. The organisation chooses the method: qualitative scales with a product,
sum, max or a lookup matrix (with numbers or band labels, on scales of any size that need not
start at 1), or a quantitative method (probability or frequency per year times an amount).
The rule checks that the chosen method can actually rate every risk: described scale points
without duplicates, a matrix with one row per likelihood point and one column per impact point,
labels that name a band, rising bands, a threshold that is a level and does not accept every
possible level, and an acceptance authority that names existing people or roles.

The acceptance criteria are set by top management (5.1, 6.1.2 a): the methodology needs a
dated approval by a person marked `top_management: true` (or a role held by top management).
Clause 8.2 also asks for assessments when significant changes occur, so the methodology must
say what triggers one (`reassessment_triggers`). Each problem is reported where it is.

Fix: define and approve the methodology in isms.yaml.

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
  reassessment_triggers: [A significant change in changes.yaml, A major incident]
  approval: { by: p-ceo, on: 2025-01-15 }
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
    summary: "Every rating can be evaluated with the methodology, and any stated level matches it.",
    explanation: "\
The most frequent major nonconformity in risk management is a methodology that exists on paper
but is not followed: scores outside the defined scales, or levels that do not follow from the
formula or matrix. The check recomputes every inherent and residual level with the
organisation's own method (formula, matrix by scale position, or annualised loss for a
quantitative method, where a probability must lie between 0 and 1 and amounts cannot be
negative). A rating that cannot be evaluated is reported, never skipped: otherwise a risk at
the top of the scale could pass every other rule unnoticed. A stated level may be a number or
a band label.

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
    summary: "Every risk has been rated (likelihood and impact) by a person, so it can be evaluated and prioritised.",
    explanation: "\
Risks must be analysed (likelihood, consequence, level) and evaluated against the acceptance
criteria to prioritise treatment. A risk with no rating has only been identified. A rating
marked `to_confirm: true` (as in the starter register of `isms init`) is a proposal nobody has
decided yet, and is reported until the risk owner has rated the risk and removed the flag.

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
    summary: "Every residual risk is accepted, with a date, by its owner or the authority the methodology names for its level.",
    explanation: "\
Clause 6.1.3 f asks for the risk owners' acceptance of the residual risks: all of them, not
only those above the acceptance criteria. The rule therefore asks every treated risk for a
residual rating, and every residual risk (including a risk retained as it is) for a recorded
acceptance with a date; above the criteria the acceptance must also give a rationale.

Who accepts is the organisation's choice, read from `acceptance_authority:` in the
methodology: below every band listed there the risk owner accepts; above a band the named
people or roles (or top management) accept, together with the owner (`also_by:`) or on the
owner's behalf (`on_behalf_of:`). An acceptance by anyone else, one dated before the
assessment it accepts (`last_assessed:`, or the register's `assessed:`), and one whose
`until:` date has passed are not acceptances. When the methodology limits how long an
acceptance holds (`acceptance_max_months:`), an acceptance without an `until:` date, or with
one beyond that limit, does not meet the organisation's own criteria either. An untreated
risk above the criteria is left to RSK-06 (a treatment decision comes first).

Fix: record the acceptance.

```yaml
# isms.yaml
risk_methodology:
  acceptance_authority:
    - { above: 12, top_management: true }
# risks.yaml
risks:
  - id: R-030
    owner: p-cto
    treatment: accept
    inherent: { likelihood: 4, impact: 4 }
    acceptance:
      by: p-ceo
      also_by: [p-cto]
      on: 2025-04-11
      rationale: Cost of a second hosting provider exceeds the expected loss; reviewed yearly.
      until: 2026-04-11
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
marked `significant: true`: a completed change from its `completed:` date, and a change not
recorded as completed from its `planned:` date once that has passed (reported as planned, not
as done).

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
    summary: "Every risk has an assessment date (its own or its register's), within the assessment interval.",
    explanation: "\
Risk assessment results must be retained as records (8.2). A dated result per risk shows which
risks were actually looked at in the last cycle, rather than carried over untouched. A register
assessed as a whole may carry one `assessed:` date instead: it dates every risk of its file
without a `last_assessed:` of its own (and, in a split register, every risk when only one file
states a date).

Fix: record when each risk was last assessed.

```yaml
risks:
  - id: R-001
    last_assessed: 2025-04-10
```",
    check: Check::Model(risk_reassessed),
};

const RSK_16: Rule = Rule {
    code: "RSK-16",
    name: "risk-acceptance-lapsing",
    area: Area::Risk,
    clause: "6.1.3 f",
    default_severity: Severity::Warning,
    summary: "No risk acceptance reaches its `until:` date within the next 30 days unnoticed.",
    explanation: "\
Organisations often accept a residual risk for a limited time (until a fix ships, or for a
year) by giving the acceptance an `until:` date. An acceptance that has lapsed no longer
accepts anything (RSK-10 reports it as an error); this rule warns 30 days before, so the owner
can review the risk and renew or change the decision in time.

Fix: review the risk and record a new acceptance.

```yaml
acceptance:
  by: p-cto
  on: 2025-06-20
  rationale: Legacy VPN stays until the migration in Q4; compensating monitoring in place.
  until: 2025-12-31
```",
    check: Check::Model(acceptance_lapsing),
};

const RSK_17: Rule = Rule {
    code: "RSK-17",
    name: "opportunities-determined",
    area: Area::Risk,
    clause: "6.1.1",
    default_severity: Severity::Warning,
    summary: "The planning determines opportunities as well as risks, and says how each is addressed.",
    explanation: "\
Clause 6.1.1 asks the organisation to determine the risks *and opportunities* that need to be
addressed, considering the issues (4.1) and requirements (4.2), and to plan how to address
them. A register of risks alone covers only half of it. Opportunities are recorded next to the
risks, under `opportunities:` in the risk register, each with the action that addresses it
(or the decision not to pursue it now).

Fix: record the opportunities.

```yaml
# risks.yaml
opportunities:
  - id: OPP-01
    title: Customers ask for ISO 27001 certification in tenders
    owner: p-ceo
    sources: [ISS-01]
    action: Certify by Q4 and publish the certificate on the trust page
    evaluation: Tender win rate compared at the next management review
```",
    check: Check::Model(opportunities_determined),
};

/// The risk rules.
pub(super) const RULES: &[Rule] = &[
    RSK_01, RSK_02, RSK_03, RSK_04, RSK_05, RSK_06, RSK_07, RSK_08, RSK_09, RSK_10, RSK_11, RSK_12,
    RSK_13, RSK_14, RSK_15, RSK_16, RSK_17,
];
