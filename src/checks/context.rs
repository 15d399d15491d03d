//! Context and scope rules (4.1-4.4, Amd 1:2024).

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::{blank, blank_str, join_and};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{Document, RecordKind, loaded};
use crate::scaffold::has_marker;

const CONTEXT_FILE: &str = "context.yaml";
const MANIFEST: &str = "isms.yaml";

fn issues_listed(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    use crate::model::IssueKind;
    let m = ctx.model;
    let issues: Vec<_> = m
        .context
        .iter()
        .flat_map(|c| loaded(&c.issues))
        .filter(|i| !blank(Some(&i.description)) && !has_marker(&i.description.value))
        .collect();
    // 4.1 asks for issues from inside and from outside the organisation.
    let mut missing = Vec::new();
    if !issues.iter().any(|i| i.kind.value == IssueKind::Internal) {
        missing.push("internal".to_string());
    }
    if !issues.iter().any(|i| i.kind.value == IssueKind::External) {
        missing.push("external".to_string());
    }
    // A context.yaml that failed to load has its own error.
    if missing.is_empty() || m.failed_kind(crate::model::RecordKind::Context) {
        return;
    }
    let msg = if missing.len() == 2 {
        "no internal or external issues are recorded".to_string()
    } else {
        format!("no {} issues are recorded", missing[0])
    };
    let d = CTX_01
        .diag(msg)
        .with_hint("4.1 asks for the issues inside and outside the organisation that affect the ISMS: list both under `issues:` in context.yaml with `type: internal` or `type: external`");
    let d = if m.present.contains(&RecordKind::Context) {
        d.at(Location::file(CONTEXT_FILE))
    } else {
        d
    };
    out.push(d);
}

fn climate_determined(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(c) = &ctx.model.context else {
        out.push(
            CTX_02
                .diag("no climate-change determination is recorded (context.yaml is missing)")
                .with_hint("create context.yaml with a `climate_change:` block: relevant yes or no, and why"),
        );
        return;
    };
    match &c.climate_change {
        None => out.push(
            CTX_02
                .diag("the context analysis does not say whether climate change is a relevant issue")
                .with_hint("add `climate_change: { relevant: true|false, rationale: \"...\" }` to context.yaml")
                .at(Location::file(CONTEXT_FILE)),
        ),
        Some(cc) if blank(cc.rationale.as_ref()) => {
            let d = CTX_02
                .diag("the climate-change determination has no rationale")
                .with_hint("explain why climate change is (or is not) relevant to the ISMS under `rationale:`");
            out.push(ctx.place(d, cc.span, CONTEXT_FILE));
        }
        Some(cc) if !cc.determined.is_complete() => {
            let d = CTX_02
                .diag("the climate-change determination does not record who made it and when")
                .with_hint("top management records the decision: `isms confirm climate --by <person id>` (it writes `determined: { by, on }`)");
            let span = cc
                .determined
                .on
                .as_ref()
                .map(|o| o.span)
                .or(cc.determined.by.as_ref().map(|b| b.span))
                .unwrap_or(cc.span);
            out.push(ctx.place(d, span, CONTEXT_FILE));
        }
        Some(_) => {}
    }
}

fn requirements_decided(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(c) = &ctx.model.context else {
        out.push(
            CTX_03
                .diag("no interested parties are recorded (context.yaml is missing)")
                .with_hint("list interested parties, their requirements and whether the ISMS addresses each"),
        );
        return;
    };
    let parties: Vec<_> = loaded(&c.interested_parties).collect();
    if parties.is_empty() {
        out.push(
            CTX_03
                .diag("no interested parties are recorded")
                .with_hint("add `interested_parties:` with their requirements to context.yaml")
                .at(Location::file(CONTEXT_FILE)),
        );
        return;
    }
    for p in parties {
        let reqs: Vec<_> = loaded(&p.requirements).collect();
        if reqs.is_empty() {
            let d = CTX_03
                .diag(format!("interested party {} ({}) has no requirements recorded", p.id.value, p.name.value))
                .with_hint("list what this party requires of the ISMS, or remove the party if it has no relevant requirements");
            out.push(
                ctx.place(d, p.span, CONTEXT_FILE)
                    .for_record(p.id.value.clone()),
            );
        }
        for r in reqs {
            if r.addressed.is_none() {
                let d = CTX_03
                    .diag(format!("requirement {} of {} does not say whether the ISMS addresses it", r.id.value, p.id.value))
                    .with_hint("add `addressed: true` (with `how:`) or `addressed: false` (with the reason in `how:`)");
                out.push(
                    ctx.place(d, r.span, CONTEXT_FILE)
                        .for_record(r.id.value.clone()),
                );
            }
        }
    }
}

fn climate_requirements(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(c) = &ctx.model.context else { return };
    let considered = c
        .climate_change
        .as_ref()
        .is_some_and(|cc| !blank(cc.interested_party_requirements.as_ref()));
    let any_climate_req = loaded(&c.interested_parties)
        .flat_map(|p| loaded(&p.requirements))
        .any(|r| r.climate_related);
    if considered || any_climate_req {
        return;
    }
    let d = CTX_04
        .diag("there is no sign that climate-related requirements of interested parties were considered")
        .with_hint("record the outcome under `climate_change.interested_party_requirements`, or mark requirements `climate_related: true`");
    out.push(match &c.climate_change {
        Some(cc) => ctx.place(d, cc.span, CONTEXT_FILE),
        None => d.at(Location::file(CONTEXT_FILE)),
    });
}

fn scope_defined(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = &ctx.model.scope else { return }; // a missing scope is SUP-07
    let mut missing = Vec::new();
    // An entry still holding a placeholder names nothing; the marker itself is reported
    // where it is by the placeholder rule.
    let named = |list: &[crate::yaml::Spanned<String>]| {
        list.iter()
            .any(|e| !blank(Some(e)) && !has_marker(&e.value))
    };
    if !named(&s.in_scope.units) {
        missing.push("organisational units (`in_scope.units`)".to_string());
    }
    if !named(&s.in_scope.locations) {
        missing.push("locations (`in_scope.locations`)".to_string());
    }
    if !named(&s.in_scope.services) {
        missing.push("services or processes (`in_scope.services`)".to_string());
    }
    if !loaded(&s.interfaces)
        .any(|i| !blank(Some(&i.description)) && !has_marker(&i.description.value))
    {
        missing.push("interfaces and dependencies (`interfaces`)".to_string());
    }
    if !s.approval.is_complete() {
        missing.push("an approval (`approval.by` and `approval.on`)".to_string());
    }
    if missing.is_empty() {
        return;
    }
    let d = CTX_05
        .diag(format!("the ISMS scope lacks {}", join_and(&missing)))
        .with_hint(if missing.len() == 1 && !s.approval.is_complete() {
            "top management approves the scope: `isms approve scope --by <person id>`"
        } else {
            "an auditor must be able to tell from scope.md what is inside the boundary and what crosses it; once it does, `isms approve scope --by <person id>`"
        });
    out.push(
        ctx.place(d, s.id().span, &s.source.path)
            .for_record(s.id.value.clone()),
    );
}

fn scope_exclusions(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = &ctx.model.scope else { return };
    for e in loaded(&s.out_of_scope) {
        if blank(e.reason.as_ref()) {
            let d = CTX_06
                .diag(format!("scope exclusion \"{}\" has no reason", e.item.value))
                .with_hint("add `reason:` saying why it is outside the ISMS and how the interface is controlled");
            out.push(ctx.place(d, e.span, &s.source.path));
        }
        let item = e.item.value.trim().to_lowercase();
        for a in ctx.model.assets.iter().filter(|a| a.in_scope) {
            if a.name.value.trim().to_lowercase() == item || a.id.value.to_lowercase() == item {
                let mut d = CTX_06
                    .diag(format!(
                        "\"{}\" is excluded from the scope but asset {} is marked in scope",
                        e.item.value, a.id.value
                    ))
                    .with_hint("set `in_scope: false` on the asset, or remove the exclusion");
                if let Some(l) = ctx.loc(a.span) {
                    d = d.with_related(l, "in-scope asset");
                }
                out.push(
                    ctx.place(d, e.span, &s.source.path)
                        .for_record(a.id.value.clone()),
                );
            }
        }
    }
}

fn processes_described(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(m) = &ctx.model.manifest else { return };
    let processes: Vec<_> = loaded(&m.processes).collect();
    if processes.is_empty() {
        out.push(
            CTX_07
                .diag("the ISMS processes and their interactions are not described")
                .with_hint("list the ISMS processes under `processes:` in isms.yaml, each with inputs and outputs")
                .at(Location::file(MANIFEST)),
        );
        return;
    }
    for p in processes {
        let mut missing = Vec::new();
        if p.inputs.iter().all(|s| blank_str(Some(s))) {
            missing.push("inputs".to_string());
        }
        if p.outputs.iter().all(|s| blank_str(Some(s))) {
            missing.push("outputs".to_string());
        }
        if p.owner.is_none() {
            missing.push("an owner".to_string());
        }
        if !missing.is_empty() {
            let d = CTX_07
                .diag(format!(
                    "ISMS process {} lacks {}",
                    p.id.value,
                    join_and(&missing)
                ))
                .with_hint("inputs and outputs show how the processes interact (4.4)");
            out.push(
                ctx.place(d, p.span, MANIFEST)
                    .for_record(p.id.value.clone()),
            );
        }
    }
}

const CTX_01: Rule = Rule {
    code: "CTX-01",
    name: "context-issues-listed",
    area: Area::Context,
    clause: "4.1",
    default_severity: Severity::Warning,
    summary: "At least one internal and one external issue relevant to the ISMS is recorded.",
    explanation: "\
Clause 4.1 asks the organisation to determine the issues, inside and outside, that affect what
the ISMS can achieve. Nothing needs to be written down by the letter of the clause, but an
auditor will ask how the issues were determined and expects to see them, because the scope, the
risks and the objectives should follow from them. A list with only external issues (or only
internal ones) shows half the analysis. The rule needs one issue of each `type:`; an issue whose
description is empty or still a placeholder does not count.

Fix: list the issues in context.yaml.

```yaml
issues:
  - id: ISS-01
    type: external
    description: Enterprise customers require evidence of ISO/IEC 27001 certification.
    effect: Certification is a condition of the main sales channel.
```",
    check: Check::Model(issues_listed),
};

const CTX_02: Rule = Rule {
    code: "CTX-02",
    name: "climate-change-determined",
    area: Area::Context,
    clause: "4.1",
    default_severity: Severity::Error,
    summary: "The context records whether climate change is a relevant issue, with a rationale, and who decided when.",
    explanation: "\
Amendment 1 (2024) added a requirement to 4.1: the organisation must decide whether climate
change is a relevant issue. \"No\" is an acceptable answer, but the decision must be made and
traceable: the rule asks for the rationale and for `determined:` with who decided and when.
Certification bodies check this at every audit since 2024.

Fix: record the decision and the reasoning; top management confirms it with
`isms confirm climate --by <person id>`.

```yaml
climate_change:
  relevant: true
  rationale: Heat waves and floods can disrupt the cloud regions hosting production; covered by R-031.
  interested_party_requirements: Two enterprise customers ask for supplier emissions data; no security requirement found.
  determined: { by: p-ceo, on: 2025-02-10 }
```",
    check: Check::Model(climate_determined),
};

const CTX_03: Rule = Rule {
    code: "CTX-03",
    name: "interested-party-requirements-decided",
    area: Area::Context,
    clause: "4.2 c",
    default_severity: Severity::Error,
    summary: "Interested parties, their requirements and whether the ISMS addresses each are recorded.",
    explanation: "\
Clause 4.2 asks for the relevant interested parties, their requirements, and (new in 2022)
which of those requirements the ISMS will address. Lists of needs without a decision are a
typical finding against 4.2 c.

Fix: give every requirement an explicit `addressed:` decision.

```yaml
interested_parties:
  - id: IP-01
    name: Enterprise customers
    type: external
    requirements:
      - id: REQ-01
        description: Customer data encrypted at rest and in transit
        addressed: true
        how: Controls 8.24 and 5.14; contract schedule 3
```",
    check: Check::Model(requirements_decided),
};

const CTX_04: Rule = Rule {
    code: "CTX-04",
    name: "climate-requirements-considered",
    area: Area::Context,
    clause: "4.2",
    default_severity: Severity::Warning,
    summary: "The interested-party analysis shows that climate-related requirements were considered.",
    explanation: "\
Amendment 1 (2024) added a note to 4.2: interested parties can have climate-related
requirements. A note is not a requirement, but auditors expect to see that the question was
asked, even when the answer is that there are none.

Fix: record the outcome, or mark the requirements that are climate-related.

```yaml
climate_change:
  relevant: false
  rationale: Fully remote company on multi-region cloud hosting; no material climate exposure.
  interested_party_requirements: Customers and regulators reviewed in Feb 2025; none has climate-related security requirements.
```",
    check: Check::Model(climate_requirements),
};

const CTX_05: Rule = Rule {
    code: "CTX-05",
    name: "scope-defined",
    area: Area::Context,
    clause: "4.3",
    default_severity: Severity::Error,
    summary: "The scope names units, locations, services and interfaces (not placeholders), and is approved.",
    explanation: "\
The scope is a mandatory document. A vague scope (\"all company systems\") or one that leaves
out interfaces and dependencies with other organisations is a frequent Stage 1 finding, because
nobody can tell where the ISMS ends. Entries that are empty, a placeholder (`TBD`) or still
hold a scaffold marker (\"to fill in\") do not count.

Fix: fill in the front matter of scope.md.

```yaml
in_scope:
  units: [Engineering, Operations, Customer Support]
  locations: [Remote (EU), Berlin office]
  services: [Acme SaaS platform]
interfaces:
  - party: SUP-001
    description: Production hosting; shared responsibility model
approval: { by: p-ceo, on: 2025-01-20 }
```",
    check: Check::Model(scope_defined),
};

const CTX_06: Rule = Rule {
    code: "CTX-06",
    name: "scope-exclusions-justified",
    area: Area::Context,
    clause: "4.3",
    default_severity: Severity::Warning,
    summary: "Every scope exclusion has a reason and no excluded item is an in-scope asset.",
    explanation: "\
Boundaries must be defensible. An exclusion without a reason cannot be defended, and an item
excluded from the scope but listed as an in-scope asset shows inconsistent boundaries.

Fix: give the reason, and keep the asset register consistent.

```yaml
out_of_scope:
  - item: Marketing website
    reason: Static site hosted by a third party; holds no customer data.
```",
    check: Check::Model(scope_exclusions),
};

const CTX_07: Rule = Rule {
    code: "CTX-07",
    name: "isms-processes-described",
    area: Area::Context,
    clause: "4.4",
    default_severity: Severity::Warning,
    summary: "The ISMS processes are listed with owners, inputs and outputs.",
    explanation: "\
Since 2022, clause 4.4 mentions the processes the ISMS needs and their interactions. Auditors
ask for a process map or list; inputs and outputs show how the processes connect.

Fix: describe the processes in isms.yaml.

```yaml
processes:
  - id: PR-RISK
    name: Risk management
    owner: p-ciso
    clauses: [\"6.1\", \"8.2\", \"8.3\"]
    inputs: [context issues, asset register, incidents]
    outputs: [risk register, treatment plan, SoA updates]
```",
    check: Check::Model(processes_described),
};

/// The context and scope rules.
pub(super) const RULES: &[Rule] = &[CTX_01, CTX_02, CTX_03, CTX_04, CTX_05, CTX_06, CTX_07];
