//! Scaffold markers left in the records (7.5.2, 7.5.3).

use std::collections::HashSet;

use super::Context;
use super::rule::{Area, Check, Rule};
use crate::diagnostic::{Diagnostic, Location, Severity};

fn markers_resolved(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    if m.markers.is_empty() {
        return;
    }
    // A to-do in a document already approved means the approval covered unfinished text.
    let approved: HashSet<&str> = m
        .documents()
        .into_iter()
        .filter(|d| d.approval().is_complete())
        .map(|d| d.doc_source().path.as_str())
        .collect();
    // A placeholder name has its own command.
    let mut names: std::collections::HashMap<(&str, u32), &str> = std::collections::HashMap::new();
    let people = m.people.iter().map(|p| (&p.name, &p.id.value));
    let suppliers = m.suppliers.iter().map(|s| (&s.name, &s.id.value));
    let assets = m.assets.iter().map(|a| (&a.name, &a.id.value));
    for (name, id) in people.chain(suppliers).chain(assets) {
        if crate::scaffold::has_marker(&name.value) {
            names.insert(
                (m.sources.path(name.span.file), name.span.line),
                id.as_str(),
            );
        }
    }
    for k in &m.markers {
        let hint = match names.get(&(k.path.as_str(), k.line)) {
            Some(id) => format!("give the real name: `isms rename {id} --name ...`"),
            None => "make the decision or fill in the value, then delete the marker".to_string(),
        };
        let mut d = SUP_12
            .diag(format!("\"{}\" is still to be done", k.text))
            .with_hint(hint);
        if approved.contains(k.path.as_str()) {
            d.severity = Severity::Error;
            d.message = format!("\"{}\" is still to be done in an approved document", k.text);
        }
        out.push(d.at(Location {
            path: k.path.clone(),
            line: k.line,
            column: k.column,
            len: 0,
        }));
    }
}

const SUP_12: Rule = Rule {
    code: "SUP-12",
    name: "scaffold-markers-resolved",
    area: Area::Support,
    clause: "7.5.2",
    default_severity: Severity::Warning,
    summary: "No record still holds a scaffold marker (\"to do:\", \"to fill in\"); in an approved document it is an error.",
    explanation: "\
`isms init` writes a complete starting ISMS and marks what only the organisation can decide with
`# to do:` comments and \"to fill in\" values. Documented information must be suitable and
adequate (7.5.2, 7.5.3): a value that still says \"address to fill in\", or a section that still
asks to be adapted, shows a record nobody finished, and in an approved document it shows the
approval was not a review. The rule reports every marker where it is, in YAML values and
comments and in Markdown text, until it is removed; a marker written between backticks is a
mention and is not reported. The markers are the ones the scaffold writes (one list for both).

Fix: make the decision, fill in the value and delete the marker. The commands that record a
decision remove the scaffold's note that asked for it, and `isms rename ID --name ...` gives a
person, supplier or asset its real name.

```yaml
# before
approval: { by: ~, on: ~ }   # to do: approved by top management, with the date
# after
approval: { by: p-ceo, on: 2025-03-03 }
```",
    check: Check::Model(markers_resolved),
};

/// The marker rules.
pub(super) const RULES: &[Rule] = &[SUP_12];
