//! Analysis and evaluation of monitoring results (9.1).

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::blank_str;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::loaded;

fn results_evaluated(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    for x in &m.metrics {
        // The newest result is the one the next analysis must have dealt with; older ones
        // may predate the metric's evaluation method.
        let Some(last) = loaded(&x.results).max_by_key(|r| r.date.value) else {
            continue; // no results at all is PER-01
        };
        let has_target = !blank_str(x.target.as_ref());
        let evaluated = if has_target {
            last.met.is_some()
        } else {
            !blank_str(last.note.as_ref())
        };
        if evaluated {
            continue;
        }
        let (what, hint) = if has_target {
            (
                "is not evaluated against the target",
                "record whether the target was met: `met: true` or `met: false`, with the analysis under `note:`",
            )
        } else {
            (
                "has no analysis and the metric has no target to evaluate it against",
                "set the metric's `target:` and record `met:` on each result, or record the analysis under `note:`",
            )
        };
        let path = {
            let p = m.sources.path(x.span.file);
            if p.is_empty() { "metrics.yaml" } else { p }
        };
        let d = PER_02
            .diag(format!(
                "the result of metric {} on {} {what}",
                x.id.value, last.date.value
            ))
            .with_hint(hint);
        out.push(ctx.place(d, last.span, path).for_record(x.id.value.clone()));
    }
}

const PER_02: Rule = Rule {
    code: "PER-02",
    name: "monitoring-results-evaluated",
    area: Area::Audit,
    clause: "9.1",
    default_severity: Severity::Warning,
    summary: "The newest result of every metric is evaluated: against its target (`met:`), or analysed in a note when it has none.",
    explanation: "\
Clause 9.1 asks for more than measuring: the results must be analysed and evaluated, and the
organisation evaluates the performance and effectiveness of the ISMS from them. A register of
numbers that nobody compared with a target is a typical finding. The rule looks at the newest
result of each metric: when the metric has a `target:`, the result records whether it was met;
when it has none, the result carries the analysis in `note:`.

Fix: record the evaluation with the result.

```yaml
results:
  - { date: 2025-06-30, value: \"97%\", met: true, note: Two late reviews, both in one team }
```",
    check: Check::Model(results_evaluated),
};

/// The monitoring evaluation rules.
pub(super) const RULES: &[Rule] = &[PER_02];
