//! Classification of information (A.5.12).

use super::Context;
use super::rule::{Area, Check, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::AssetKind;

fn classified(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let levels = m
        .manifest
        .as_ref()
        .map(|x| x.classification_levels.as_slice())
        .unwrap_or_default();
    for a in m.assets.iter().filter(|a| a.in_scope) {
        let path = {
            let p = m.sources.path(a.span.file);
            if p.is_empty() { "assets.yaml" } else { p }
        };
        match &a.classification {
            None if a.kind.value == AssetKind::Information => {
                let d = ANX_12
                    .diag(format!(
                        "information asset {} ({}) has no classification",
                        a.id.value, a.name.value
                    ))
                    .with_hint("classify the information by the organisation's scheme: `classification: internal`");
                out.push(ctx.place(d, a.span, path).for_record(a.id.value.clone()));
            }
            Some(c) if !levels.is_empty() && !levels.iter().any(|l| l.value == c.value) => {
                let scheme: Vec<String> = levels
                    .iter()
                    .map(|l| format!("{:?}", l.value).to_lowercase())
                    .collect();
                let d = ANX_12
                    .diag(format!(
                        "asset {} is classified {}, which is not a level of the organisation's scheme ({})",
                        a.id.value,
                        format!("{:?}", c.value).to_lowercase(),
                        scheme.join(", ")
                    ))
                    .with_hint("use one of the levels in `classification_levels` of isms.yaml, or add the level to the scheme");
                out.push(ctx.place(d, c.span, path).for_record(a.id.value.clone()));
            }
            _ => {}
        }
    }
}

const ANX_12: Rule = Rule {
    code: "ANX-12",
    name: "information-classified",
    area: Area::AnnexA,
    clause: "A.5.12",
    default_severity: Severity::Warning,
    summary: "Every in-scope information asset is classified, with a level of the organisation's own scheme when one is recorded.",
    explanation: "\
Control 5.12 expects information to be classified according to the organisation's needs for
confidentiality, integrity and availability, so that handling and labelling (5.13) follow
from it. Auditors sample the inventory: an information asset without a classification has no
handling rules. Where isms.yaml records the organisation's scheme under
`classification_levels`, an asset classified with a level outside it (a four-level label in a
three-level scheme) is reported too. Assets other than information inherit the classification
of the information they hold and are not required to carry one.

Fix: classify the asset.

```yaml
# isms.yaml
classification_levels: [public, internal, confidential]
# assets.yaml
assets:
  - id: A-001
    name: Customer data
    type: information
    classification: confidential
```",
    check: Check::Model(classified),
};

/// The classification rules.
pub(super) const RULES: &[Rule] = &[ANX_12];
