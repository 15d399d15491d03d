//! Evidence rules for selected Annex A controls. Each applies only when the control is
//! applicable in the SoA (or when there is no SoA yet).

use super::Context;
use super::registry::{Area, Check, Rule};
use super::util::{blank, id_str, join_and, months, overdue};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{Date, RecordKind, RecordStatus, loaded};

/// Whether a control is applicable, treating "no SoA yet" as applicable.
fn applies(ctx: &Context<'_>, id: &str) -> bool {
    ctx.model.soa.is_none() || ctx.model.soa_entry(id).is_some_and(|e| e.is_applicable())
}

/// The newest `collected:` date of the evidence of a control.
fn newest_evidence(ctx: &Context<'_>, id: &str) -> Option<Date> {
    let e = ctx.model.soa_entry(id)?;
    loaded(&e.evidence)
        .filter_map(|x| x.collected.as_ref().map(|c| c.value))
        .max()
}

fn inventory_owned(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.model;
    if !applies(ctx, "5.9") {
        return;
    }
    if m.assets.is_empty() {
        let d = ANX_01
            .diag("the asset inventory is empty or missing")
            .with_hint(
                "list information and other associated assets in assets.yaml, each with an owner",
            );
        out.push(if m.present.contains(&RecordKind::Assets) {
            d.at(Location::file("assets.yaml"))
        } else {
            d
        });
        return;
    }
    for a in &m.assets {
        if id_str(a.owner.as_ref()).is_none() {
            let path = m.sources.path(a.span.file).to_string();
            let d = ANX_01
                .diag(format!(
                    "asset {} ({}) has no owner",
                    a.id.value, a.name.value
                ))
                .with_hint("set `owner:` to the person id accountable for the asset");
            out.push(ctx.place(d, a.span, &path).for_record(a.id.value.clone()));
        }
    }
}

/// Reports a control whose newest evidence is missing or older than `interval` months.
fn periodic_evidence(
    ctx: &Context<'_>,
    out: &mut Vec<Diagnostic>,
    rule: &Rule,
    control: &str,
    activity: &str,
    interval: u32,
) {
    if ctx.model.soa.is_none() || !applies(ctx, control) {
        return;
    }
    let Some(entry) = ctx.model.soa_entry(control) else {
        return;
    };
    let problem = match newest_evidence(ctx, control) {
        None => format!("no {activity} is recorded for control {control}"),
        Some(d) if overdue(d, interval, ctx.today()) => {
            format!(
                "the last {activity} recorded for control {control} is from {d}, more than {} ago",
                months(interval)
            )
        }
        Some(_) => return,
    };
    let d = rule
        .diag(problem)
        .with_hint(format!(
            "add the record under `evidence:` of control {control} in soa.yaml with its `collected:` date"
        ));
    out.push(
        ctx.place(d, entry.span, "soa.yaml")
            .for_record(control.to_string()),
    );
}

fn access_reviews(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let interval = ctx.model.cadences().access_review_months;
    periodic_evidence(ctx, out, &ANX_02, "5.18", "access-rights review", interval);
}

fn obligations_reviewed(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !applies(ctx, "5.31") {
        return;
    }
    let Some(c) = &ctx.model.context else { return }; // CTX-02/03 report a missing context.yaml
    let obligations: Vec<_> = loaded(&c.obligations).collect();
    if obligations.is_empty() {
        out.push(
            ANX_04
                .diag("no legal, statutory, regulatory or contractual obligations are recorded")
                .with_hint("list them under `obligations:` in context.yaml")
                .at(Location::file("context.yaml")),
        );
        return;
    }
    for o in obligations {
        let problem = match &o.last_reviewed {
            None => "has never been reviewed".to_string(),
            Some(d) if overdue(d.value, 12, ctx.today()) => {
                format!("was last reviewed on {}, more than 12 months ago", d.value)
            }
            Some(_) => continue,
        };
        let d = ANX_04
            .diag(format!(
                "obligation {} ({}) {problem}",
                o.id.value, o.title.value
            ))
            .with_hint("check the obligation is still current and record `last_reviewed:`");
        out.push(
            ctx.place(d, o.span, "context.yaml")
                .for_record(o.id.value.clone()),
        );
    }
}

fn incidents_handled(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for i in &ctx.model.incidents {
        let mut missing = Vec::new();
        if blank(i.classification.as_ref()) || i.severity.is_none() {
            missing.push("a classification and severity".to_string());
        }
        if blank(i.response.as_ref()) {
            missing.push("the response actions".to_string());
        }
        let closed = i
            .status
            .as_ref()
            .is_some_and(|s| s.value == RecordStatus::Closed);
        if closed && blank(i.lessons_learned.as_ref()) {
            missing.push("lessons learned".to_string());
        }
        if missing.is_empty() {
            continue;
        }
        let path = ctx.model.sources.path(i.span.file).to_string();
        let d = ANX_05
            .diag(format!(
                "incident {} does not record {}",
                i.id.value,
                join_and(&missing)
            ))
            .with_hint(
                "the incident record is the evidence that the incident process (5.24-5.27) works",
            );
        out.push(ctx.place(d, i.span, &path).for_record(i.id.value.clone()));
    }
}

fn continuity_tests(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    periodic_evidence(ctx, out, &ANX_06, "8.13", "backup restore test", 12);
    periodic_evidence(ctx, out, &ANX_06, "5.30", "ICT continuity test", 12);
}

const ANX_01: Rule = Rule {
    code: "ANX-01",
    name: "asset-inventory-owned",
    area: Area::AnnexA,
    clause: "A.5.9",
    default_severity: Severity::Error,
    summary: "The asset inventory exists and every asset has an owner.",
    explanation: "\
Control 5.9 requires an inventory of information and other associated assets, including owners.
An inventory without owners leaves nobody accountable for classification, access and disposal.
Applies when 5.9 is applicable (or there is no SoA yet).

Fix: assign owners.

```yaml
assets:
  - id: A-001
    name: Customer database
    type: information
    owner: p-cto
    classification: confidential
```",
    check: Check::Model(inventory_owned),
};

const ANX_02: Rule = Rule {
    code: "ANX-02",
    name: "access-reviews-recorded",
    area: Area::AnnexA,
    clause: "A.5.18",
    default_severity: Severity::Warning,
    summary: "An access-rights review is recorded within the access review interval.",
    explanation: "\
Control 5.18 expects access rights to be reviewed at regular intervals; user access reviews not
performed is a classic finding. The newest `collected:` date among the evidence of control 5.18
in the SoA is compared with `access_review_months` (default 3).

Fix: record each review as evidence of 5.18.

```yaml
controls:
  - id: \"5.18\"
    applicable: true
    status: implemented
    evidence:
      - { url: https://tickets.example.com/SEC-311, description: Q2 access review, collected: 2025-06-28 }
```",
    check: Check::Model(access_reviews),
};

const ANX_04: Rule = Rule {
    code: "ANX-04",
    name: "obligations-register-reviewed",
    area: Area::AnnexA,
    clause: "A.5.31",
    default_severity: Severity::Error,
    summary: "Legal, regulatory and contractual obligations are recorded and each was reviewed in the last 12 months.",
    explanation: "\
Control 5.31 requires the relevant legal, statutory, regulatory and contractual requirements to
be identified, documented and kept up to date. A missing register, or one nobody has looked at
for over a year, is a finding. Applies when 5.31 is applicable (or there is no SoA yet).

Fix: record the obligations and their reviews in context.yaml.

```yaml
obligations:
  - id: OBL-01
    title: GDPR
    type: legal
    jurisdiction: EU
    owner: p-dpo
    controls: [\"5.34\"]
    last_reviewed: 2025-03-02
```",
    check: Check::Model(obligations_reviewed),
};

const ANX_05: Rule = Rule {
    code: "ANX-05",
    name: "incidents-handled",
    area: Area::AnnexA,
    clause: "A.5.24",
    default_severity: Severity::Warning,
    summary: "Incidents record classification and severity, response actions, and (once closed) lessons learned.",
    explanation: "\
Controls 5.24-5.27 describe the incident process: assess and classify events, respond, and learn
from incidents. The incident records are the evidence that the process works.

Fix: complete the records.

```yaml
incidents:
  - id: INC-2025-004
    title: Phishing e-mail with credential harvesting link
    reported: 2025-04-17
    classification: incident / phishing
    severity: medium
    response: Link blocked, two users reset passwords, mailbox rules checked
    lessons_learned: Add the reporting button to mobile mail clients
    status: closed
    closed: 2025-04-19
```",
    check: Check::Model(incidents_handled),
};

const ANX_06: Rule = Rule {
    code: "ANX-06",
    name: "continuity-tests-recorded",
    area: Area::AnnexA,
    clause: "A.8.13",
    default_severity: Severity::Warning,
    summary: "A backup restore test (8.13) and an ICT continuity test (5.30) are recorded within 12 months.",
    explanation: "\
Backups that were never restored and continuity plans that were never exercised are common
findings. When 8.13 or 5.30 is applicable, the newest `collected:` date among its evidence in the
SoA must be within the last 12 months.

Fix: record the tests as evidence.

```yaml
controls:
  - id: \"8.13\"
    applicable: true
    status: implemented
    evidence:
      - { path: evidence/2025-05-restore-test.md, collected: 2025-05-14 }
```",
    check: Check::Model(continuity_tests),
};

/// The Annex A evidence rules.
pub(super) const RULES: &[Rule] = &[ANX_01, ANX_02, ANX_04, ANX_05, ANX_06];
