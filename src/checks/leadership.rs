//! Leadership and policy rules (5.1-5.3, A.5.1).

use super::Context;
use super::rule::{Area, Check, Rule};
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
            .with_hint(format!("a member of top management approves it: `isms approve {} --by <person id>` (it writes `approval: {{ by, on }}`)", p.id.value)))),
        // An approver who is not in isms.yaml is a dangling reference (LOAD-013), not a
        // second finding here.
        (Some(by), Some(_)) if !super::util::may_approve(m, by, &p.id.value, true, ctx.today()) => {
            let d = LDR_01
                .diag(if m.roles.iter().any(|r| r.approves.iter().any(|d| d.value == p.id.value)) {
                    format!("the information security policy is approved by {by}, who does not hold a role allowed to approve it")
                } else {
                    format!("the information security policy is approved by {by}, who is not top management")
                })
                .with_hint(format!("top management must approve the policy: have it approved by {}", super::util::approvers_of(m, &p.id.value, true)));
            let span = p.approval.by.as_ref().map_or(p.id.span, |b| b.span);
            out.push(ctx.place(d, span, &p.source.path).for_record(p.id.value.clone()));
        }
        _ => {}
    }
}

/// What 5.2 b-d asks the policy to state, with the front-matter key that names its section.
const STATEMENTS: &[(&str, &str)] = &[
    (
        "objectives",
        "its information security objectives or the framework for setting them (5.2 b)",
    ),
    (
        "requirements",
        "its commitment to satisfy applicable requirements (5.2 c)",
    ),
    (
        "improvement",
        "its commitment to continual improvement of the ISMS (5.2 d)",
    ),
];

/// Heading text compared the way people refer to it: `#` marks, case and surrounding space do
/// not matter.
fn heading_key(s: &str) -> String {
    s.trim()
        .trim_start_matches('#')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether the section at `i` says anything: its own text or that of its subsections.
fn section_has_text(sections: &[crate::model::common::Section], i: usize) -> bool {
    let Some(head) = sections.get(i) else {
        return false;
    };
    head.has_text
        || sections[i + 1..]
            .iter()
            .take_while(|s| s.level > head.level)
            .any(|s| s.has_text)
}

fn policy_commitments(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(p) = ctx.model.information_security_policy() else {
        return;
    };
    let st = &p.statements;
    let sections = &p.source.sections;
    let mut missing = Vec::new();
    for (key, what) in STATEMENTS {
        let field = match *key {
            "objectives" => st.objectives.as_ref(),
            "requirements" => st.requirements.as_ref(),
            _ => st.improvement.as_ref(),
        };
        let Some(field) = field.filter(|f| !f.value.trim().is_empty()) else {
            missing.push(format!("{what} (`statements.{key}`)"));
            continue;
        };
        let wanted = heading_key(&field.value);
        let found = sections
            .iter()
            .position(|s| heading_key(&s.heading) == wanted);
        let d = match found {
            None => LDR_02
                .diag(format!(
                    "the information security policy names section \"{}\" for {what}, but has no such heading",
                    field.value.trim()
                ))
                .with_hint("set the value to the heading of the section exactly as written in the policy"),
            Some(i) if !section_has_text(sections, i) => {
                let mut d = LDR_02
                    .diag(format!(
                        "section \"{}\" of the information security policy, named for {what}, is empty",
                        field.value.trim()
                    ))
                    .with_hint("write the statement in the section");
                if let Some(s) = sections.get(i) {
                    d = d.with_related(
                        Location {
                            path: p.source.path.clone(),
                            line: s.line,
                            column: 1,
                            len: 0,
                        },
                        "empty section",
                    );
                }
                d
            }
            Some(_) => continue,
        };
        out.push(
            ctx.place(d, field.span, &p.source.path)
                .for_record(p.id.value.clone()),
        );
    }
    if missing.is_empty() {
        return;
    }
    let d = LDR_02
        .diag(format!(
            "the information security policy does not record where it states {}",
            join_and(&missing)
        ))
        .with_hint("add `statements:` to the front matter with the heading of the section that states each");
    out.push(
        ctx.place(d, p.id.span, &p.source.path)
            .for_record(p.id.value.clone()),
    );
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
    // 5.2 g: available to interested parties as appropriate. Publishing is one way, giving it
    // on request is another; either way the record says where and how.
    if c.available.as_ref().is_none_or(|a| {
        super::util::is_placeholder(&a.value) || crate::scaffold::has_marker(&a.value)
    }) {
        let how = if c.public {
            "where it is published (`communicated.available`)"
        } else {
            "how interested parties can obtain it (`communicated.available`)"
        };
        missing.push(how.to_string());
    }
    if missing.is_empty() {
        return;
    }
    let d = LDR_03
        .diag(format!("there is no record of the information security policy being communicated: missing {}", join_and(&missing)))
        .with_hint(format!("record how and when staff received the policy, where their acknowledgements are kept and how interested parties obtain it: `isms communicate {} --how ... --acknowledgements ... --available ...`", p.id.value));
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
    let today = ctx.today();
    // A leaver cannot carry the responsibility: the role needs a holder who is still here.
    let staffed = |pred: &dyn Fn(&crate::model::Role) -> bool| {
        m.roles
            .iter()
            .any(|r| pred(r) && !m.current_holders(&r.id.value, today).is_empty())
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
                    .diag(format!(
                        "no role with a current holder is responsible for {what}"
                    ))
                    .with_hint(format!(
                        "set `{field}: true` on a role in isms.yaml and name its `holders:`"
                    ))
                    .at(Location::file("isms.yaml")),
            );
        }
    }
}

/// One place a person is named as holder or owner of something still in force.
struct Held<'a> {
    who: &'a crate::model::Id,
    what: String,
    file: String,
    record: String,
}

/// Every role holder and every owner of something still in force (roles, risks, open actions,
/// assets, controlled documents, the SoA and its controls, processes, objectives, suppliers,
/// open nonconformities).
fn responsibilities<'a>(ctx: &Context<'a>) -> Vec<Held<'a>> {
    let m = ctx.model;
    let path = |span: crate::source::Span| m.sources.path(span.file).to_string();
    let mut out = Vec::new();
    let today = ctx.today();
    // Most holders are still with the organisation: the texts are only made for leavers.
    let mut add = |who: Option<&'a crate::model::Id>,
                   what: &dyn Fn() -> String,
                   file: &dyn Fn() -> String,
                   record: &str| {
        if let Some(who) = who
            && m.person(&who.value).is_some_and(|p| !p.is_current(today))
        {
            out.push(Held {
                who,
                what: what(),
                file: file(),
                record: record.to_string(),
            });
        }
    };
    for r in &m.roles {
        for h in &r.holders {
            add(
                Some(h),
                &|| format!("holds role {}", r.id.value),
                &|| "isms.yaml".into(),
                &r.id.value,
            );
        }
    }
    for r in &m.risks {
        add(
            r.owner.as_ref(),
            &|| format!("owns risk {}", r.id.value),
            &|| path(r.span),
            &r.id.value,
        );
        for a in r.plan.iter().filter(|a| a.status.value.is_open()) {
            add(
                a.owner.as_ref(),
                &|| format!("owns an open treatment action of risk {}", r.id.value),
                &|| path(r.span),
                &r.id.value,
            );
        }
    }
    for a in &m.assets {
        add(
            a.owner.as_ref(),
            &|| format!("owns asset {}", a.id.value),
            &|| path(a.span),
            &a.id.value,
        );
    }
    // Documents, not records: an audit report or review minutes owned by a leaver is history.
    let mut docs: Vec<&dyn Document> = Vec::new();
    if let Some(sc) = &m.scope {
        docs.push(sc);
    }
    docs.extend(m.policies.iter().map(|p| p as &dyn Document));
    docs.extend(m.procedures.iter().map(|p| p as &dyn Document));
    if let Some(p) = &m.audit_programme {
        docs.push(p);
    }
    for d in docs {
        add(
            d.owner(),
            &|| format!("owns document {}", d.id().value),
            &|| d.doc_source().path.clone(),
            &d.id().value,
        );
    }
    if let Some(soa) = &m.soa {
        let file = path(soa.document.span);
        add(
            soa.document.owner.as_ref(),
            &|| "owns the Statement of Applicability".into(),
            &|| file.clone(),
            &soa.document.id.value,
        );
        for e in soa.controls.iter() {
            add(
                e.owner.as_ref(),
                &|| format!("owns control {}", e.id.value),
                &|| file.clone(),
                &e.id.value,
            );
        }
    }
    if let Some(man) = &m.manifest {
        for p in man.processes.iter() {
            add(
                p.owner.as_ref(),
                &|| format!("owns process {}", p.id.value),
                &|| "isms.yaml".into(),
                &p.id.value,
            );
        }
    }
    for o in &m.objectives {
        add(
            o.owner.as_ref(),
            &|| format!("owns objective {}", o.id.value),
            &|| path(o.span),
            &o.id.value,
        );
    }
    for x in &m.suppliers {
        add(
            x.owner.as_ref(),
            &|| format!("owns supplier {}", x.id.value),
            &|| path(x.span),
            &x.id.value,
        );
    }
    for nc in &m.nonconformities {
        if nc.status.value != crate::model::RecordStatus::Closed {
            add(
                nc.owner.as_ref(),
                &|| format!("owns open nonconformity {}", nc.id.value),
                &|| path(nc.span),
                &nc.id.value,
            );
        }
    }
    out
}

fn leavers_hold_nothing(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let today = ctx.today();
    for h in responsibilities(ctx) {
        let who = h.who.value.as_str();
        let Some(p) = m.person(who) else { continue };
        if p.is_current(today) {
            continue;
        }
        let since = p.left_on().map_or_else(
            || "is marked `active: false`".to_string(),
            |l| format!("left on {l}"),
        );
        let d = LDR_06
            .diag(format!("{who} {since} but still {}", h.what))
            .with_hint("hand the responsibility to someone still with the organisation (or to a role) and record the change");
        let d = ctx.place(d, h.who.span, &h.file);
        out.push(if h.record.is_empty() {
            d
        } else {
            d.for_record(h.record)
        });
    }
}

fn roles_communicated(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    for r in &m.roles {
        // A role nobody holds yet is LDR-04's concern (when it matters), not this one's.
        if r.holders.iter().all(|h| h.value.trim().is_empty()) {
            continue;
        }
        let c = r.communicated.as_ref();
        let mut missing = Vec::new();
        if c.is_none_or(|c| c.on.is_none()) {
            missing.push("when (`communicated.on`)".to_string());
        }
        if c.is_none_or(|c| c.how.as_ref().is_none_or(|h| h.value.trim().is_empty())) {
            missing.push("how (`communicated.how`)".to_string());
        }
        if missing.is_empty() {
            continue;
        }
        let d = LDR_07
            .diag(format!(
                "there is no record of role {} being communicated: missing {}",
                r.id.value,
                join_and(&missing)
            ))
            .with_hint(format!("record when and how the assignment, responsibilities and authorities were made known: `isms communicate {} --how \"Appointment letter and org chart on the intranet\"`", r.id.value));
        let span = c.map_or(r.span, |c| c.span);
        out.push(
            ctx.place(d, span, "isms.yaml")
                .for_record(r.id.value.clone()),
        );
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
    summary: "The policy names, under `statements:`, a non-empty section for its objectives (or their framework), its commitment to requirements and to continual improvement.",
    explanation: "\
Clause 5.2 lists what the top-level policy must contain: information security objectives or a
framework for setting them (b), a commitment to satisfy applicable requirements (c), and a
commitment to continual improvement of the ISMS (d). Auditors read the policy for these
statements. The rule does not look for words in the text, which would fail a policy written in
another language and pass a hollow one: the front matter names, under `statements:`, the
heading of the section that states each, and the rule checks that the policy has that heading
and that the section is not empty. Whether the text says enough remains the reader's
judgement.

Fix: name the sections.

```yaml
statements:
  objectives: \"4. Information security objectives\"
  requirements: \"5. Commitments of top management\"
  improvement: \"5. Commitments of top management\"
```",
    check: Check::Model(policy_commitments),
};

const LDR_03: Rule = Rule {
    code: "LDR-03",
    name: "policy-communicated",
    area: Area::Leadership,
    clause: "5.2 f-g",
    default_severity: Severity::Warning,
    summary: "There is a record that the policy was communicated and acknowledged, and of how interested parties can obtain it.",
    explanation: "\
The policy must be communicated within the organisation and be available to interested
parties as appropriate. Auditors interview staff and ask for acknowledgement records; a policy
nobody has read does not work. Publishing the policy is not required, but the record must say
how interested parties can obtain it (`available:`): where it is published when `public: true`,
or, for example, that customers receive it on request.

Fix: record when and how the policy was communicated, where acknowledgements are kept, and how
interested parties can get it (`isms communicate POL-01 --how ... --acknowledgements ...
--available ...`).

```yaml
communicated:
  on: 2025-02-10
  via: All-hands meeting and the onboarding checklist
  acknowledgements: HR system, report \"policy acknowledgements\"
  public: true
  available: https://example.com/trust/security-policy
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
Without named holders, nobody owns the ISMS. A holder who has left (`left:` in the past or
`active: false`) does not count; the role needs someone still with the organisation.

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

const LDR_06: Rule = Rule {
    code: "LDR-06",
    name: "leavers-hold-no-responsibility",
    area: Area::Leadership,
    clause: "5.3",
    default_severity: Severity::Error,
    summary: "Nobody who has left (`left:` in the past or `active: false`) still holds an ISMS role or owns a risk, asset, document, control, process, objective, supplier or open action.",
    explanation: "\
Clause 5.3 asks top management to assign responsibilities and authorities, and an assignment
to someone who has left the organisation is no assignment at all: nobody re-assesses the risk,
reviews the document or runs the control. Auditors compare the leavers list with the registers
and raise every orphaned responsibility. A person counts as gone after their `left:` date (the
last working day still counts) or when marked `active: false`. Closed nonconformities and
completed actions are history and are not reported.

Fix: hand the responsibility over (to a person or to a role) in the same change that records
the leaver.

```yaml
people:
  - { id: p-dev-09, name: Sam Leaver, role: Developer, active: false, left: 2025-05-30 }
risks:
  - id: R-07
    owner: p-cto        # was p-dev-09
```",
    check: Check::Model(leavers_hold_nothing),
};

const LDR_07: Rule = Rule {
    code: "LDR-07",
    name: "roles-communicated",
    area: Area::Leadership,
    clause: "5.3",
    default_severity: Severity::Warning,
    summary: "Every ISMS role with holders has a record of when and how its assignment was communicated.",
    explanation: "\
Clause 5.3 asks top management not only to assign the responsibilities and authorities of the
roles relevant to information security, but to communicate them within the organisation. A
role written in a register that its holder and colleagues never heard of does not work; auditors
ask holders how they learnt of their role and look for the appointment or announcement. The rule
reads `communicated: { on, how }` on each role that has holders.

Fix: record the communication (`isms communicate isms-manager --how ...`).

```yaml
roles:
  - id: isms-manager
    holders: [p-ciso]
    communicated:
      on: 2025-01-15
      how: Appointment letter from the CEO; org chart on the intranet
```",
    check: Check::Model(roles_communicated),
};

/// The leadership rules.
pub(super) const RULES: &[Rule] = &[LDR_01, LDR_02, LDR_03, LDR_04, LDR_05, LDR_06, LDR_07];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_compare_loosely() {
        assert_eq!(heading_key("## 4.  Ziele "), heading_key("4. ziele"));
    }
}
