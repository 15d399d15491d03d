//! Policy acknowledgement (7.3, A.5.1, A.6.3): everyone currently working for the organisation
//! has acknowledged each approved policy version within the organisation's window.

use super::Context;
use super::rule::{Area, Check, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Document, RecordKind};

fn policies_acknowledged(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    // Without a register the organisation keeps acknowledgements elsewhere (for instance
    // `acceptable_use_acknowledged:` per person); nothing here to compare.
    if !m.has_acknowledgements() {
        return;
    }
    if m.failed_kind(RecordKind::Acknowledgements) {
        return;
    }
    let today = ctx.today();
    for (p, approved) in m.approved_policies(today) {
        for st in m.acknowledgement_states(p, approved, today) {
            let due = st.due;
            if due >= today || st.acknowledged.is_some() {
                continue;
            }
            let person = &st.person;
            let version = p
                .version
                .as_ref()
                .map_or_else(String::new, |v| format!(" version {}", v.value));
            let d = SUP_13
                .diag(format!(
                    "{} has not acknowledged {}{version} (approved {approved}), due by {due}",
                    person, p.id.value
                ))
                .with_hint(format!(
                    "add `{{ person: {}, policy: {}{}, date: YYYY-MM-DD, method: ... }}` to acknowledgements.yaml once they have acknowledged it (or `isms import acknowledgements` an export)",
                    person,
                    p.id.value,
                    p.version
                        .as_ref()
                        .map_or_else(String::new, |v| format!(", version: \"{}\"", v.value))
                ));
            let span = p
                .version
                .as_ref()
                .map(|v| v.span)
                .or(p.approval.on.as_ref().map(|o| o.span))
                .unwrap_or(p.id.span);
            out.push(
                ctx.place(d, span, &p.doc_source().path)
                    .for_record(format!("{} {}", p.id.value, person)),
            );
        }
    }
}

const SUP_13: Rule = Rule {
    code: "SUP-13",
    name: "policy-acknowledged",
    area: Area::Support,
    clause: "7.3",
    default_severity: Severity::Error,
    summary: "Everyone currently with the organisation has acknowledged each approved policy version within `cadences.acknowledgement_days` (default 30).",
    explanation: "\
Clause 7.3 asks that people working under the organisation's control are aware of the
information security policy, and Annex A 5.1 and 6.3 that policies are communicated to and
acknowledged by the relevant personnel. Auditors sample people and ask for the acknowledgement
of the version in force. The rule reads `acknowledgements.yaml` (or `acknowledgements/*.yaml`):
for every approved policy, every person of `people:` who is active and has not left must have
an acknowledgement of its current `version` (or, for a policy without a version, one dated on or
after its approval). The window starts at the approval date, or at the person's `terms_signed:`
date when they joined later, and lasts `cadences.acknowledgement_days`. Without the register the
rule does not run. The finding is placed at the policy's `version:`.

Fix: record the acknowledgement (or import the export of your HR or e-signature system with
`isms import acknowledgements FILE`).

```yaml
# acknowledgements.yaml
acknowledgements:
  - { person: p-dev, policy: POL-01, version: \"2.1\", date: 2026-03-02, method: e-signature }
```",
    check: Check::Model(policies_acknowledged),
};

/// The acknowledgement rules.
pub(super) const RULES: &[Rule] = &[SUP_13];
