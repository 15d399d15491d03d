//! Support rules (7.2-7.5): competence, awareness, communication, document control and the
//! set of mandatory documents.

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::{blank, id_str, join_and, months, overdue};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{AuditKind, Date, Document, RecordKind, loaded};

const MANIFEST: &str = "isms.yaml";

fn competence(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let today = ctx.today();
    // The records for a person (and role), and why none of them counts when none does: an
    // undated record is no evidence of when competence was shown (7.2 d), an expired one no
    // longer shows it.
    let records = |person: &str, role: Option<&str>| {
        m.competence
            .iter()
            .filter(move |c| {
                c.person.value == person
                    && role.is_none_or(|r| c.role.as_ref().is_none_or(|cr| cr.value == r))
            })
            .collect::<Vec<_>>()
    };
    let valid = |person: &str, role: Option<&str>| {
        records(person, role).iter().any(|c| {
            c.date.as_ref().is_some_and(|d| d.value <= today)
                && !crate::model::status::competence_expired(c, today)
        })
    };
    // Why no record counts, as the end of a sentence about the person.
    let why_not = |person: &str, role: Option<&str>, for_it: &str| -> String {
        let recs = records(person, role);
        let expired = recs
            .iter()
            .filter_map(|c| c.expires.as_ref().map(|e| e.value))
            .filter(|e| *e < today)
            .max();
        if let Some(e) = expired {
            format!("their competence record{for_it} expired on {e}")
        } else if !recs.is_empty() && recs.iter().all(|c| c.date.is_none()) {
            format!("their competence record{for_it} has no date (`date:`)")
        } else {
            format!("has no current competence record{for_it}")
        }
    };
    for role in &m.roles {
        let holders: Vec<&str> = role
            .holders
            .iter()
            .map(|h| h.value.as_str())
            .filter(|h| !h.trim().is_empty())
            .collect();
        if holders.is_empty() {
            continue;
        }
        if role.competence.iter().all(|c| c.trim().is_empty()) {
            let d = SUP_01
                .diag(format!(
                    "role {} does not define the competence it requires",
                    role.id.value
                ))
                .with_hint(
                    "list the required education, training or experience under `competence:`",
                );
            out.push(
                ctx.place(d, role.span, MANIFEST)
                    .for_record(role.id.value.clone()),
            );
        }
        for h in holders {
            // A leaver still in a role is LDR-06; their competence is no longer the question.
            if m.person(h).is_some_and(|p| !p.is_current(today)) {
                continue;
            }
            if !valid(h, Some(&role.id.value)) {
                let d = SUP_01
                    .diag(format!("{h} holds role {} but {}", role.id.value, why_not(h, Some(&role.id.value), " for it")))
                    .with_hint(format!(
                        "record the evidence: `isms competence {h} --role {} --evidence ...` (an entry under `competence:` in training.yaml)",
                        role.id.value
                    ));
                out.push(ctx.place(d, role.span, MANIFEST).for_record(h.to_string()));
            }
        }
    }
    // Internal auditors need demonstrable competence even without a formal role.
    let mut seen = std::collections::BTreeSet::new();
    for a in m
        .audits
        .iter()
        .filter(|a| a.kind.value == AuditKind::Internal)
    {
        // An internal audit contracted to an outside firm is still an internal audit: the
        // auditor's qualification and independence must be shown like anyone else's, which
        // a name in free text cannot do.
        let Some(auditor) = &a.auditor else {
            if let Some(ext) = a
                .external_auditor
                .as_deref()
                .filter(|e| !e.trim().is_empty())
            {
                let d = SUP_01
                    .diag(format!(
                        "internal audit {} names its auditor only as text (\"{}\"), so their competence and independence cannot be shown",
                        a.id.value,
                        ext.trim()
                    ))
                    .with_hint("list the lead auditor under `people:` in isms.yaml with `organisation:` (their firm), name them as `auditor:` and record their qualification under `competence:` in training.yaml");
                out.push(
                    ctx.place(d, a.id.span, &a.source.path)
                        .for_record(a.id.value.clone()),
                );
            }
            continue;
        };
        if auditor.value.trim().is_empty() || !seen.insert(auditor.value.clone()) {
            continue;
        }
        if !valid(&auditor.value, None) {
            let d = SUP_01
                .diag(format!("internal auditor {} {}", auditor.value, why_not(&auditor.value, None, "")))
                .with_hint(format!("record the auditor's training or qualification: `isms competence {} --evidence ...`", auditor.value));
            out.push(
                ctx.place(d, auditor.span, &a.source.path)
                    .for_record(auditor.value.clone()),
            );
        }
    }
}

fn competence_actions_evaluated(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    for a in &m.competence_actions {
        let file = m.sources.path(a.span.file).to_string();
        let who = &a.person.value;
        let what = a
            .role
            .as_ref()
            .map_or_else(String::new, |r| format!(" for role {}", r.value));
        let d = match (&a.effectiveness, a.status.value.is_open()) {
            // Finished, but nobody asked whether it worked.
            (None, false) if a.status.value != crate::model::ActionStatus::Cancelled => SUP_11
                .diag(format!(
                    "the competence action of {who}{what} is {} but its effectiveness was not evaluated",
                    if a.status.value == crate::model::ActionStatus::Done { "done" } else { "closed" }
                ))
                .with_hint("record `effectiveness: { on: YYYY-MM-DD, by: <person or role>, effective: true, method: ... }`"),
            (Some(e), _) if !e.effective.value => SUP_11
                .diag(format!(
                    "the competence action of {who}{what} was evaluated as not effective on {}, and no further action is recorded",
                    e.on.value
                ))
                .with_hint("plan another action for the same person and role, or record the decision to reassign the role"),
            _ => continue,
        };
        // An ineffective action followed by another for the same person and role is fine.
        if a.effectiveness.as_ref().is_some_and(|e| !e.effective.value) {
            let on = a.effectiveness.as_ref().map(|e| e.on.value);
            let followed = m.competence_actions.iter().any(|b| {
                b.person.value == a.person.value
                    && b.role.as_ref().map(|r| &r.value) == a.role.as_ref().map(|r| &r.value)
                    && !std::ptr::eq(&b.value, &a.value)
                    && b.due.as_ref().map(|d| d.value) >= on
            });
            if followed {
                continue;
            }
        }
        let span = a.effectiveness.as_ref().map_or(a.status.span, |e| e.span);
        let span = if span.line == 0 { a.span } else { span };
        out.push(ctx.place(d, span, &file).for_record(who.clone()));
    }
}

fn awareness(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let interval = m.cadences().awareness_training_months;
    let mut latest: std::collections::HashMap<&str, Date> = std::collections::HashMap::new();
    for a in &m.awareness {
        let d = latest
            .entry(a.person.value.as_str())
            .or_insert(a.completed.value);
        *d = (*d).max(a.completed.value);
    }
    // The lead auditor of an outside firm contracted for internal audits works under the
    // firm's own professional rules, not as one of the organisation's staff: their
    // competence is checked (SUP-01), not the organisation's awareness course.
    let audit_firm_auditor = |p: &crate::model::Person| {
        p.organisation
            .as_ref()
            .is_some_and(|o| !o.value.trim().is_empty())
            && m.audits
                .iter()
                .any(|a| a.auditor.as_ref().is_some_and(|x| x.value == p.id.value))
    };
    for p in m
        .people
        .iter()
        .filter(|p| p.is_current(ctx.today()) && !audit_firm_auditor(p))
    {
        let last = latest.get(p.id.value.as_str()).copied();
        let problem = match last {
            None => "has no awareness training record".to_string(),
            Some(d) if overdue(d, interval, ctx.today()) => {
                format!(
                    "last completed awareness training on {d}, more than {} ago",
                    months(interval)
                )
            }
            Some(_) => continue,
        };
        let d = SUP_02
            .diag(format!("{} {problem}", p.id.value))
            .with_hint(format!(
                "record the completion: `isms awareness {} --course ...`",
                p.id.value
            ));
        out.push(
            ctx.place(d, p.span, MANIFEST)
                .for_record(p.id.value.clone()),
        );
    }
}

fn communication(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(manifest) = &ctx.model.manifest else {
        return;
    };
    if loaded(&manifest.communication).next().is_none() {
        out.push(
            SUP_03
                .diag("no communication plan is recorded")
                .with_hint("list under `communication:` in isms.yaml what is communicated, when, with whom and how")
                .at(Location::file(MANIFEST)),
        );
    }
}

/// Whether a document's approval is checked by a more specific rule (LDR-01 for the top-level
/// policy, CTX-05 for the scope), so SUP-04 does not report it twice.
/// The documents whose approval other rules judge, looked up once: finding the information
/// security policy scans every policy, so asking per document was quadratic (100,000 policies
/// took half a minute).
struct ApprovalsElsewhere<'a> {
    scope: Option<&'a str>,
    policy: Option<&'a str>,
}

impl<'a> ApprovalsElsewhere<'a> {
    fn new(ctx: &Context<'a>) -> Self {
        // LDR-01 judges exactly the policy `information_security_policy()` returns; any other
        // policy, even one also marked information-security, is judged here.
        ApprovalsElsewhere {
            scope: ctx.model.scope.as_ref().map(|s| s.id.value.as_str()),
            policy: ctx
                .model
                .information_security_policy()
                .map(|p| p.id.value.as_str()),
        }
    }

    fn contains(&self, doc: &dyn Document) -> bool {
        let id = doc.id().value.as_str();
        self.scope == Some(id) || self.policy == Some(id)
    }
}

/// The documents (not records) of the repository: scope, policies, procedures and the audit
/// programme. Audit reports and review minutes are records and are not approved.
fn controlled_documents<'a>(ctx: &Context<'a>) -> Vec<&'a dyn Document> {
    let m = ctx.model;
    let mut docs: Vec<&dyn Document> = Vec::new();
    if let Some(s) = &m.scope {
        docs.push(s);
    }
    docs.extend(m.policies.iter().map(|p| p as &dyn Document));
    docs.extend(m.procedures.iter().map(|p| p as &dyn Document));
    if let Some(p) = &m.audit_programme {
        docs.push(p);
    }
    docs
}

fn documents_controlled(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let elsewhere = ApprovalsElsewhere::new(ctx);
    for doc in controlled_documents(ctx) {
        let mut missing = Vec::new();
        if blank(doc.version()) {
            missing.push("a version".to_string());
        }
        if id_str(doc.owner()).is_none() {
            missing.push("an owner".to_string());
        }
        if !elsewhere.contains(doc) {
            if doc.approval().by.is_none() {
                missing.push("an approver".to_string());
            }
            if doc.approval().on.is_none() {
                missing.push("an approval date".to_string());
            }
        }
        if missing.is_empty() {
            continue;
        }
        let d = SUP_04
            .diag(format!("document {} lacks {}", doc.id().value, join_and(&missing)))
            .with_hint(format!(
                "complete the front matter (`version:`, `owner:`); `isms approve {} --by <person id>` records the approval and issues the version",
                doc.id().value
            ));
        out.push(
            ctx.place(d, doc.id().span, &doc.doc_source().path)
                .for_record(doc.id().value.clone()),
        );
    }
    let Some(manifest) = &ctx.model.manifest else {
        return;
    };
    for e in loaded(&manifest.external_documents) {
        let mut missing = Vec::new();
        if e.version.as_deref().is_none_or(|v| v.trim().is_empty()) {
            missing.push("the version in use".to_string());
        }
        if id_str(e.owner.as_ref()).is_none() {
            missing.push("an owner who keeps it current".to_string());
        }
        if missing.is_empty() {
            continue;
        }
        let d = SUP_04
            .diag(format!(
                "external document {} is not controlled: it lacks {}",
                e.id.value,
                join_and(&missing)
            ))
            .with_hint(match id_str(e.owner.as_ref()) {
                Some(o) => format!(
                    "record which version the ISMS relies on: `isms confirm {} --by {o} --edition \"...\"`",
                    e.id.value
                ),
                None => "record which version the ISMS relies on and who watches for new versions"
                    .to_string(),
            });
        out.push(
            ctx.place(d, e.span, MANIFEST)
                .for_record(e.id.value.clone()),
        );
    }
}

fn approvers_authorised(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    for doc in controlled_documents(ctx) {
        // The top-level policy and the SoA have their own rules (LDR-01, SOA-08).
        if m.information_security_policy()
            .is_some_and(|p| p.id.value == doc.id().value)
        {
            continue;
        }
        let Some(by) = doc.approval().by.as_ref() else {
            continue;
        };
        if super::util::may_approve(m, &by.value, &doc.id().value, false, ctx.today()) {
            continue;
        }
        let d = SUP_10
            .diag(format!(
                "document {} is approved by {}, who may not approve it",
                doc.id().value,
                by.value
            ))
            .with_hint(format!(
                "have it approved by {}",
                super::util::approvers_of(m, &doc.id().value, false)
            ));
        out.push(
            ctx.place(d, by.span, &doc.doc_source().path)
                .for_record(doc.id().value.clone()),
        );
    }
}

fn documents_reviewed(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let cadence = m.cadences().policy_review_months;
    let today = ctx.today();
    // Policies are LDR-05.
    let mut docs: Vec<&dyn Document> = Vec::new();
    if let Some(s) = &m.scope {
        docs.push(s);
    }
    docs.extend(m.procedures.iter().map(|p| p as &dyn Document));
    if let Some(p) = &m.audit_programme {
        docs.push(p);
    }
    for doc in docs {
        let Some(due) = doc.review_due(cadence) else {
            continue;
        };
        if due < today {
            let d = SUP_05
                .diag(format!(
                    "document {} was due for review on {due}",
                    doc.id().value
                ))
                .with_hint("review it, then record the new approval date or `next_review:`");
            out.push(
                ctx.place(d, doc.id().span, &doc.doc_source().path)
                    .for_record(doc.id().value.clone()),
            );
        }
    }
    if let Some(soa) = &m.soa {
        let doc = &soa.document;
        if let (Some(due), Some(on)) = (doc.review_due(cadence), &doc.approval.on)
            && due < today
        {
            let d = SUP_05
                .diag(format!(
                    "the Statement of Applicability was due for review on {due}"
                ))
                .with_hint(
                    "review the SoA against the current risk register and record the new approval",
                );
            out.push(
                ctx.place(d, on.span, "soa.yaml")
                    .for_record(doc.id.value.clone()),
            );
        }
    }
}

fn mandatory_documents(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    let required = [
        (RecordKind::Scope, "the ISMS scope (4.3)", "scope.md"),
        (
            RecordKind::Soa,
            "the Statement of Applicability (6.1.3 d)",
            "soa.yaml",
        ),
        (
            RecordKind::Risks,
            "the risk register with assessment results and treatment plan (6.1.3 e, 8.2, 8.3)",
            "risks.yaml",
        ),
        (
            RecordKind::Objectives,
            "the information security objectives (6.2)",
            "objectives.yaml",
        ),
        (
            RecordKind::Training,
            "evidence of competence (7.2)",
            "training.yaml",
        ),
        (
            RecordKind::Metrics,
            "monitoring and measurement results (9.1)",
            "metrics.yaml",
        ),
        (
            RecordKind::AuditProgramme,
            "the internal audit programme (9.2.2)",
            "audits/programme.md",
        ),
        (
            RecordKind::Nonconformities,
            "nonconformity and corrective action records (10.2)",
            "nonconformities.yaml",
        ),
    ];
    for (kind, what, file) in required {
        // A file that exists but could not be read or parsed is reported by the loader.
        let exists = m.present.contains(&kind)
            || m.files.contains_key(file)
            || m.failed_kind(kind)
            || file
                .strip_suffix(".yaml")
                .filter(|stem| crate::loader::SPLIT_REGISTERS.contains(stem))
                .is_some_and(|stem| {
                    let folder = format!("{stem}/");
                    m.files.keys().any(|p| p.starts_with(&folder))
                });
        if !exists {
            out.push(
                SUP_07
                    .diag(format!("{what} is missing"))
                    .with_hint(format!(
                        "create {file}; `isms init --force` adds missing files from the templates"
                    ))
                    .for_record(file.to_string()),
            );
        }
    }
}

const SUP_01: Rule = Rule {
    code: "SUP-01",
    name: "competence-evidenced",
    area: Area::Support,
    clause: "7.2",
    default_severity: Severity::Error,
    summary: "ISMS roles define required competence and every holder (and internal auditor) has a current competence record.",
    explanation: "\
Clause 7.2 requires the organisation to determine the competence needed for roles that affect
information security, to ensure people have it, and to retain evidence. Missing evidence for the
internal auditor or the ISMS manager is a common finding. An internal audit contracted to an
outside firm is still an internal audit: its lead auditor is listed under `people:` (with
`organisation:`, their firm) and named as `auditor:`, and needs a competence record like anyone
else; naming them only in `external_auditor:` text is reported. Expired records (past `expires:`)
and undated ones do not count (the message says which), and a holder who has left is reported
by LDR-06 instead.

Fix: define the competence on the role and record the evidence (`isms competence p-isms --role
isms-manager --evidence ...`).

```yaml
# isms.yaml
roles:
  - id: isms-manager
    holders: [p-ciso]
    competence: [ISO/IEC 27001 Lead Implementer or 3 years running an ISMS]
# training.yaml
competence:
  - person: p-ciso
    role: isms-manager
    evidence: ISO/IEC 27001 Lead Implementer certificate PECB-12345
    date: 2023-05-12
```",
    check: Check::Model(competence),
};

const SUP_02: Rule = Rule {
    code: "SUP-02",
    name: "awareness-current",
    area: Area::Support,
    clause: "7.3",
    default_severity: Severity::Warning,
    summary: "Every active person has completed awareness training within the declared interval.",
    explanation: "\
Clause 7.3 (and control 6.3) expect everyone working under the organisation's control to be
aware of the policy, their contribution and the consequences of not conforming. Training
records are the usual evidence; the interval is `awareness_training_months` (default 12).
Leavers are not asked, nor is the lead auditor of an outside audit firm (a person with
`organisation:` who is the `auditor:` of an audit), whose competence SUP-01 checks instead.

Fix: record completions (`isms awareness p-cto,p-ops --course ...`).

```yaml
awareness:
  - person: p-dev-07
    course: Security awareness 2025
    completed: 2025-02-14
```",
    check: Check::Model(awareness),
};

const SUP_03: Rule = Rule {
    code: "SUP-03",
    name: "communication-planned",
    area: Area::Support,
    clause: "7.4",
    default_severity: Severity::Warning,
    summary: "A communication plan says what is communicated, when, with whom and how.",
    explanation: "\
Clause 7.4 asks the organisation to determine its internal and external communication about
the ISMS: what, when, with whom and how.

Fix: add the plan to isms.yaml.

```yaml
communication:
  - what: Security incidents affecting customers
    when: Within 48 hours of confirmation
    with: Affected customers' security contacts
    how: E-mail from security@, status page
    owner: p-ciso
```",
    check: Check::Model(communication),
};

const SUP_04: Rule = Rule {
    code: "SUP-04",
    name: "documents-controlled",
    area: Area::Support,
    clause: "7.5.2",
    default_severity: Severity::Error,
    summary: "Every controlled document has a version, an owner and an approval; external documents have a version and an owner.",
    explanation: "\
Clause 7.5.2 requires documented information to be identified (title, date, author, reference)
and reviewed and approved; 7.5.3 extends control to documents of external origin. The scope,
policies, procedures and the audit programme are checked here (the approval of the top-level
policy and of the scope have their own rules, LDR-01 and CTX-05).

Fix: complete the front matter.

```yaml
---
id: PROC-03
title: Access review procedure
version: \"1.0\"
owner: p-cto
approval: { by: p-ciso, on: 2025-03-01 }
---
```",
    check: Check::Model(documents_controlled),
};

const SUP_05: Rule = Rule {
    code: "SUP-05",
    name: "documents-reviewed",
    area: Area::Support,
    clause: "7.5.3",
    default_severity: Severity::Warning,
    summary: "No controlled document (other than policies, see LDR-05) is past its review date.",
    explanation: "\
Documents must stay suitable; a procedure that has not been looked at for years usually no
longer describes what people do. The due date is `next_review:`, or the approval date plus
`review_months:` (default: the `policy_review_months` cadence). The SoA is included.

Fix: review the document and record the new approval.

```yaml
approval: { by: p-ciso, on: 2025-03-01 }
review_months: 12
```",
    check: Check::Model(documents_reviewed),
};

const SUP_07: Rule = Rule {
    code: "SUP-07",
    name: "mandatory-documents-present",
    area: Area::Support,
    clause: "7.5.1 a",
    default_severity: Severity::Error,
    summary: "The documents and records the standard requires exist (scope, SoA, risk register, objectives, ...).",
    explanation: "\
ISO/IEC 27001 names a set of documented information that must exist: scope, policy, risk
methodology, SoA, risk treatment plan, objectives, competence evidence, monitoring results,
audit programme and results, management review results, nonconformities and corrective
actions. Any one of them missing is grounds for a major nonconformity at Stage 1. This rule
checks the files; the policy, methodology, audit results and review results have their own
rules (LDR-01, RSK-01, AUD-03, MR-01).

Fix: create the missing file; `isms init --force` adds missing files from the templates without
touching existing ones.",
    check: Check::Model(mandatory_documents),
};

const SUP_10: Rule = Rule {
    code: "SUP-10",
    name: "approver-authorised",
    area: Area::Support,
    clause: "5.3",
    default_severity: Severity::Error,
    summary: "Where the organisation assigns the authority to approve a document to roles (`approves:`), the document is approved by a holder of such a role.",
    explanation: "\
Clause 5.3 has top management assign responsibilities and authorities, and 7.5.2 asks for
documents to be approved. An approval is only worth something if it comes from someone with the
authority to give it. The organisation declares that authority on its roles: `approves:` lists
the ids of the documents the role's holders may approve. When a role lists a document, its
approver (a person, or a role) must hold such a role. Documents no role lists are not judged
here; the information security policy (LDR-01) and the SoA (SOA-08) need top management
unless a role is declared for them.

Fix: have the document approved by a holder of the role, or assign the authority.

```yaml
roles:
  - id: isms-manager
    holders: [p-ciso]
    approves: [PROC-01, PROC-03]
```",
    check: Check::Model(approvers_authorised),
};

const SUP_11: Rule = Rule {
    code: "SUP-11",
    name: "competence-actions-evaluated",
    area: Area::Support,
    clause: "7.2 c",
    default_severity: Severity::Warning,
    summary: "Every finished competence action has an evaluation of its effectiveness, and an ineffective one is followed by another action.",
    explanation: "\
Where someone lacks the competence a role needs, clause 7.2 c asks the organisation to act
(training, mentoring, reassignment, hiring) and to evaluate whether the action worked. A course
attended is not yet competence shown: auditors ask how the organisation knows it was effective.
The rule reads `actions:` in training.yaml: an action that is done without `effectiveness:` is
reported, and so is one evaluated as not effective with no later action for the same person and
role.

Fix: record the evaluation.

```yaml
actions:
  - person: p-legal
    role: risk-owner
    action: Risk methodology catch-up session with the ISMS manager
    status: done
    completed: 2025-03-07
    effectiveness: { on: 2025-04-10, by: isms-manager, effective: true, method: Reviewed their first two risk assessments }
```",
    check: Check::Model(competence_actions_evaluated),
};

/// The support rules.
pub(super) const RULES: &[Rule] = &[
    SUP_01, SUP_02, SUP_03, SUP_04, SUP_05, SUP_07, SUP_10, SUP_11,
];
