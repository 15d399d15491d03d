//! Rules for other frameworks (`isms check --framework nis2`, or `frameworks: [nis2]` in
//! isms.yaml): requirements this ISMS cannot show anything for. They run only for the
//! frameworks selected.

use super::Context;
use super::rule::{Area, Check, Rule};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::frameworks::{self, CoverageClass, IsoRef, coverage};

fn selected<'a>(ctx: &Context<'a>) -> Vec<&'a frameworks::Framework> {
    ctx.model
        .selected_frameworks
        .iter()
        .filter_map(|id| frameworks::find(ctx.model, id))
        .collect()
}

/// The file own answers for a framework go in: the existing one, else `frameworks/<id>.yaml`.
fn answers_file(ctx: &Context<'_>, fw: &str) -> String {
    ctx.model
        .framework_answers
        .iter()
        .find(|f| f.framework.value.eq_ignore_ascii_case(fw))
        .map_or_else(|| format!("frameworks/{fw}.yaml"), |f| f.path.clone())
}

fn only_excluded(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let today = ctx.today();
    for fw in selected(ctx) {
        for node in fw.requirements() {
            if coverage::answer(ctx.model, &fw.id, &node.id).is_some() {
                continue;
            }
            let mapped = fw.mapped(&node.id);
            let controls: Vec<&str> = mapped
                .iter()
                .filter_map(|m| match &m.iso {
                    IsoRef::Control(c) => Some(c.as_str()),
                    IsoRef::Clause(_) => None,
                })
                .collect();
            // A clause is mandatory for every ISMS: a requirement mapped to one is never
            // left with excluded controls only.
            if controls.is_empty() || controls.len() != mapped.len() {
                continue;
            }
            let all_excluded = controls.iter().all(|c| {
                ctx.model
                    .soa_entry(c)
                    .is_some_and(|e| e.applicable.as_ref().is_some_and(|a| !a.value))
            });
            if !all_excluded {
                continue;
            }
            let r = coverage::requirement(ctx.model, fw, node, today);
            debug_assert!(r.class != CoverageClass::Covered);
            let list = controls
                .iter()
                .map(|c| format!("A.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            let file = answers_file(ctx, &fw.id);
            let mut d = FWK_01
                .diag(format!(
                    "{} requirement {} is mapped only to controls the SoA excludes ({list}), and has no answer of its own",
                    fw.id, node.id
                ))
                .with_hint(format!(
                    "record how the requirement is met (or why it does not apply) under `answers:` in {file}, or reconsider the exclusion"
                ))
                .for_record(node.id.clone());
            if let Some(e) = controls.first().and_then(|c| ctx.model.soa_entry(c)) {
                let span = e.applicable.as_ref().map_or(e.id.span, |a| a.span);
                d = ctx.place(d, span, "soa.yaml");
                for c in controls.iter().skip(1) {
                    if let Some(e) = ctx.model.soa_entry(c)
                        && let Some(l) = ctx.loc(e.id.span)
                    {
                        d = d.with_related(l, format!("A.{c} is excluded too"));
                    }
                }
            }
            out.push(d);
        }
    }
}

fn unmapped(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for fw in selected(ctx) {
        let file = answers_file(ctx, &fw.id);
        let exists = ctx.model.sources.id_of(&file).is_some();
        for node in fw.requirements() {
            if !fw.mapped(&node.id).is_empty()
                || coverage::answer(ctx.model, &fw.id, &node.id).is_some()
            {
                continue;
            }
            let d = FWK_02
                .diag(format!(
                    "{} requirement {} has no ISO/IEC 27001 mapping and no answer of its own",
                    fw.id, node.id
                ))
                .with_hint(format!(
                    "add `- {{ id: \"{}\", status: implemented, notes: ... }}` under `answers:` in {file}",
                    node.id
                ))
                .for_record(node.id.clone());
            let d = if exists {
                d.at(Location::file(file.clone()))
            } else {
                d
            };
            out.push(d);
        }
    }
}

const FWK_01: Rule = Rule {
    code: "FWK-01",
    name: "framework-requirement-only-excluded",
    area: Area::Frameworks,
    clause: "6.1.3 d",
    default_severity: Severity::Error,
    summary: "A requirement of a selected framework is mapped only to Annex A controls the SoA excludes, and the organisation has recorded no answer of its own.",
    explanation: "\
When a framework such as NIS2 applies alongside ISO/IEC 27001, the one SoA serves both. If
every control the mapping relates to a requirement is excluded, nothing in the ISMS speaks for
that requirement: either the exclusion is wrong for an entity that must meet it, or the
requirement is met some other way and the organisation should say how. Mappings are
\"intersect\" relations, so this is a question to answer, not proof of a gap. The finding is
placed at the first excluded control's `applicable:` in soa.yaml. The rule runs for the
frameworks named with `isms check --framework` or `frameworks:` in isms.yaml.

Fix: record an answer in `frameworks/<id>.yaml`, or include the control.

```yaml
# frameworks/nis2.yaml
answers:
  - id: \"13.1.1.a\"
    status: implemented
    owner: p-it
    notes: Served office; the landlord's access control covers the building (contract S-07).
```",
    check: Check::Model(only_excluded),
};

const FWK_02: Rule = Rule {
    code: "FWK-02",
    name: "framework-requirement-unanswered",
    area: Area::Frameworks,
    clause: "4.2",
    default_severity: Severity::Warning,
    summary: "A requirement of a selected framework has no ISO/IEC 27001 mapping and the organisation has recorded no answer of its own.",
    explanation: "\
Some requirements of other frameworks have no counterpart in ISO/IEC 27001:2022 (for NIS2, parts
of the sections on supply chain, on incident reporting and on human resources security, for
example). The ISMS cannot show them through the SoA; if the framework applies to the
organisation (an obligation under 4.2), the organisation needs its own answer. The finding is
placed in the framework answers file when it exists. The rule runs for the frameworks named with
`isms check --framework` or `frameworks:` in isms.yaml.

Fix: add an answer for the requirement.

```yaml
# frameworks/nis2.yaml
answers:
  - id: \"7.2.a\"
    status: partial
    owner: p-isms
    notes: Effectiveness of measures is reviewed in the management review; metrics per measure follow in Q2.
```",
    check: Check::Model(unmapped),
};

const FWK_03: Rule = Rule {
    code: "FWK-03",
    name: "framework-mapping-row",
    area: Area::Frameworks,
    clause: "",
    default_severity: Severity::Error,
    summary: "A row of a custom framework CSV under frameworks/ cannot be used (missing id, unknown ISO reference, unknown relationship, requirement not listed).",
    explanation: "\
Custom frameworks are loaded from CSV files under `frameworks/`: a requirement list with the
header `framework_id,requirement_id,title,section` and a mapping with the header
`framework_id,requirement_id,iso_ref,relationship`. A row that cannot be used is reported with
its line and left out; the other rows still load. ISO references are clauses (`6.1.2`) or Annex
A controls with their prefix (`A.5.15`); relationships are `equal`, `subset`, `superset` or
`intersect` (empty means `intersect`).

Fix: correct the row.

```csv
framework_id,requirement_id,iso_ref,relationship
soc2,CC6.1,A.5.15,intersect
```",
    check: Check::Loader,
};

const FWK_04: Rule = Rule {
    code: "FWK-04",
    name: "framework-unknown",
    area: Area::Frameworks,
    clause: "",
    default_severity: Severity::Error,
    summary: "isms.yaml `frameworks:` or a frameworks/*.yaml answers file names a framework that is neither built in nor defined in frameworks/*.csv.",
    explanation: "\
The built-in frameworks are `nis2` (Implementing Regulation (EU) 2024/2690) and `csf` (NIST CSF
2.0); others are defined by the repository's own CSV files. An answers file is for the framework
of its `framework:` field, or of its file name (`frameworks/nis2.yaml`). An unknown name is most
often a typo; `isms frameworks` lists what is available.

Fix: use a known id.

```yaml
# isms.yaml
frameworks: [nis2]
```",
    check: Check::Loader,
};

const FWK_05: Rule = Rule {
    code: "FWK-05",
    name: "framework-answer-unknown-requirement",
    area: Area::Frameworks,
    clause: "",
    default_severity: Severity::Error,
    summary: "An answer in frameworks/*.yaml names a requirement id the framework does not have.",
    explanation: "\
Answers are matched to requirements by id, written as the framework writes them (`1.1.1.a` for
NIS2, `GV.OC-01` for NIST CSF 2.0). An answer with an unknown id answers nothing, and the
requirement it was meant for stays unanswered. Headings (`1.1`) are not requirements: answer
their lettered points. `isms frameworks show <id>` lists the ids.

Fix: correct the id (quote ids that look like numbers).

```yaml
answers:
  - id: \"1.1.1.a\"
    status: implemented
```",
    check: Check::Loader,
};

/// The framework rules.
pub(super) const RULES: &[Rule] = &[FWK_01, FWK_02, FWK_03, FWK_04, FWK_05];
