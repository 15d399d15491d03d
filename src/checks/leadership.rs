//! Leadership and policy rules (5.1-5.3, A.5.1).

use super::Context;
use super::registry::{Area, Check, Rule};
use super::util::{id_str, join_and, months};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::Document;

fn policy_approved(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let Some(p) = m.information_security_policy() else {
        let hint = if m.policies.is_empty() {
            "add policies/information-security.md with `kind: information-security` in its front matter"
        } else {
            "mark the top-level policy with `kind: information-security` in its front matter"
        };
        out.push(
            LDR_01
                .diag("there is no information security policy")
                .with_hint(hint),
        );
        return;
    };
    let at = |d: Diagnostic| {
        ctx.place(d, p.id.span, &p.source.path)
            .for_record(p.id.value.clone())
    };
    match (id_str(p.approval.by.as_ref()), &p.approval.on) {
        (None, _) | (_, None) => out.push(at(LDR_01
            .diag(format!("the information security policy {} is not approved", p.id.value))
            .with_hint("record the approval by a member of top management: `approval: { by: <person id>, on: YYYY-MM-DD }`"))),
        // An approver who is not in isms.yaml is a dangling reference (LOAD-013), not a
        // second finding here.
        (Some(by), Some(_)) if m.person(by).is_some() && !m.is_top_management(by) => {
            let d = LDR_01
                .diag(format!("the information security policy is approved by {by}, who is not top management"))
                .with_hint("top management must approve the policy; set `top_management: true` on the approver in isms.yaml if that is the case");
            let span = p.approval.by.as_ref().map_or(p.id.span, |b| b.span);
            out.push(ctx.place(d, span, &p.source.path).for_record(p.id.value.clone()));
        }
        _ => {}
    }
}

/// The statements 5.2 b-d asks the policy to contain, with the words that show each.
const COMMITMENTS: &[(&str, &[&str])] = &[
    (
        "information security objectives or a framework for setting them",
        &["objective"],
    ),
    (
        "a commitment to satisfy applicable requirements",
        &[
            "applicable requirement",
            "legal",
            "regulatory",
            "contractual",
            "comply with",
            "compliance with",
        ],
    ),
    (
        "a commitment to continual improvement",
        &[
            "continual improvement",
            "continually improve",
            "continuous improvement",
            "continuously improve",
        ],
    ),
];

fn policy_commitments(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(p) = ctx.model.information_security_policy() else {
        return;
    };
    let body = p.source.body.to_lowercase();
    let missing: Vec<String> = COMMITMENTS
        .iter()
        .filter(|(_, words)| !words.iter().any(|w| body.contains(w)))
        .map(|(what, _)| (*what).to_string())
        .collect();
    if missing.is_empty() {
        return;
    }
    let d = LDR_02
        .diag(format!("the information security policy does not contain {}", join_and(&missing)))
        .with_hint("add a section for each; the check looks for words such as \"objectives\", \"applicable requirements\" and \"continual improvement\"");
    let loc = if p.source.body_line > 0 {
        Location {
            path: p.source.path.clone(),
            line: p.source.body_line,
            column: 1,
            len: 0,
        }
    } else {
        Location::file(p.source.path.clone())
    };
    out.push(d.at(loc).for_record(p.id.value.clone()));
}

fn policy_communicated(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(p) = ctx.model.information_security_policy() else {
        return;
    };
    let c = &p.communicated;
    let mut missing = Vec::new();
    if c.on.is_none() {
        missing.push("when it was communicated (`communicated.on`)".to_string());
    }
    if c.acknowledgements
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        missing.push(
            "where acknowledgements are recorded (`communicated.acknowledgements`)".to_string(),
        );
    }
    if missing.is_empty() {
        return;
    }
    let d = LDR_03
        .diag(format!("there is no record of the information security policy being communicated: missing {}", join_and(&missing)))
        .with_hint("record how and when staff received the policy, and where their acknowledgements are kept");
    out.push(
        ctx.place(d, p.id.span, &p.source.path)
            .for_record(p.id.value.clone()),
    );
}

fn roles_assigned(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    if m.manifest.is_none() {
        return;
    }
    let staffed = |pred: &dyn Fn(&crate::model::Role) -> bool| {
        m.roles
            .iter()
            .any(|r| pred(r) && r.holders.iter().any(|h| !h.value.trim().is_empty()))
    };
    for (what, field, ok) in [
        (
            "ensuring that the ISMS conforms to ISO/IEC 27001 (5.3 a)",
            "ensures_conformity",
            staffed(&|r| r.ensures_conformity),
        ),
        (
            "reporting ISMS performance to top management (5.3 b)",
            "reports_performance",
            staffed(&|r| r.reports_performance),
        ),
    ] {
        if !ok {
            out.push(
                LDR_04
                    .diag(format!("no role with a holder is responsible for {what}"))
                    .with_hint(format!(
                        "set `{field}: true` on a role in isms.yaml and name its `holders:`"
                    ))
                    .at(Location::file("isms.yaml")),
            );
        }
    }
}

fn policy_reviewed(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let cadence = ctx.model.cadences().policy_review_months;
    for p in &ctx.model.policies {
        let Some(due) = p.review_due(cadence) else {
            continue;
        };
        if due >= ctx.today() {
            continue;
        }
        let interval = p.review_months().unwrap_or(cadence);
        let d = LDR_05
            .diag(format!("policy {} was due for review on {due}", p.id.value))
            .with_hint(format!(
                "review the policy (at least every {}), then record the new approval date or `next_review:`",
                months(interval)
            ));
        let span = p
            .next_review
            .as_ref()
            .map(|n| n.span)
            .or(p.approval.on.as_ref().map(|o| o.span))
            .unwrap_or(p.id.span);
        out.push(
            ctx.place(d, span, &p.source.path)
                .for_record(p.id.value.clone()),
        );
    }
}

const LDR_01: Rule = Rule {
    code: "LDR-01",
    name: "policy-approved-by-top-management",
    area: Area::Leadership,
    clause: "5.2",
    default_severity: Severity::Error,
    summary: "An information security policy exists and is approved, with a date, by top management.",
    explanation: "\
Clause 5.2 makes top management responsible for establishing the information security policy,
and 5.1 asks them to show leadership. A policy approved only by the security officer, or not
approved at all, is a Stage 1 nonconformity. The approver must be a person marked
`top_management: true` in isms.yaml.

Fix: have top management approve the policy and record it in the front matter.

```yaml
---
id: POL-01
title: Information Security Policy
kind: information-security
version: \"1.3\"
owner: p-ciso
approval: { by: p-ceo, on: 2025-02-03 }
---
```",
    check: Check::Model(policy_approved),
};

const LDR_02: Rule = Rule {
    code: "LDR-02",
    name: "policy-commitments",
    area: Area::Leadership,
    clause: "5.2 b-d",
    default_severity: Severity::Error,
    summary: "The policy sets objectives (or their framework) and commits to requirements and continual improvement.",
    explanation: "\
Clause 5.2 lists what the top-level policy must contain: information security objectives or a
framework for setting them, a commitment to satisfy applicable requirements, and a commitment
to continual improvement of the ISMS. Auditors read the policy for these statements. The check
looks for the usual words (\"objectives\", \"applicable requirements\" or \"legal\",
\"continual improvement\") in the body of the policy.

Fix: add a short section for each.

```markdown
## Objectives
Information security objectives are set yearly by management (see objectives.yaml) ...

## Commitments
We commit to satisfy applicable legal, regulatory and contractual requirements and to the
continual improvement of the ISMS.
```",
    check: Check::Model(policy_commitments),
};

const LDR_03: Rule = Rule {
    code: "LDR-03",
    name: "policy-communicated",
    area: Area::Leadership,
    clause: "5.2 f-g",
    default_severity: Severity::Warning,
    summary: "There is a record that the policy was communicated and acknowledged.",
    explanation: "\
The policy must be communicated within the organisation and be available to interested
parties as appropriate. Auditors interview staff and ask for acknowledgement records; a policy
nobody has read does not work.

Fix: record when and how the policy was communicated and where acknowledgements are kept.

```yaml
communicated:
  on: 2025-02-10
  via: All-hands meeting and the onboarding checklist
  acknowledgements: HR system, report \"policy acknowledgements\"
  public: true
```",
    check: Check::Model(policy_communicated),
};

const LDR_04: Rule = Rule {
    code: "LDR-04",
    name: "isms-roles-assigned",
    area: Area::Leadership,
    clause: "5.3",
    default_severity: Severity::Error,
    summary: "Named people are responsible for ISMS conformity and for reporting its performance.",
    explanation: "\
Clause 5.3 requires top management to assign the responsibility and authority for making sure
the ISMS conforms to ISO/IEC 27001, and for reporting on its performance to top management.
Without named holders, nobody owns the ISMS.

Fix: mark the roles in isms.yaml and name their holders.

```yaml
roles:
  - id: isms-manager
    title: ISMS Manager
    holders: [p-ciso]
    ensures_conformity: true
    reports_performance: true
    competence: [ISO/IEC 27001 Lead Implementer or equivalent experience]
```",
    check: Check::Model(roles_assigned),
};

const LDR_05: Rule = Rule {
    code: "LDR-05",
    name: "policy-review-current",
    area: Area::Leadership,
    clause: "A.5.1",
    default_severity: Severity::Warning,
    summary: "No policy is past its review date (explicit, or approval date plus its interval).",
    explanation: "\
Control 5.1 expects policies to be reviewed at planned intervals and when significant changes
occur. The due date is `next_review:` when given, otherwise the approval date plus the
policy's `review_months:` (or the `policy_review_months` cadence in isms.yaml). The date is
compared with `--as-of`.

Fix: review the policy and record the new approval, or set the next review date.

```yaml
approval: { by: p-ceo, on: 2025-02-03 }
review_months: 12
```",
    check: Check::Model(policy_reviewed),
};

/// The leadership rules.
pub(super) const RULES: &[Rule] = &[LDR_01, LDR_02, LDR_03, LDR_04, LDR_05];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitments_have_words() {
        assert!(COMMITMENTS.iter().all(|(_, w)| !w.is_empty()));
    }
}
