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
    // assets.yaml that failed to load has its own error; "empty" would restate it.
    if m.assets.is_empty() && !m.failed_kind(RecordKind::Assets) {
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

// Leavers (A.5.18, A.6.5) and asset values (A.5.9): ANX-03, ANX-07 and ANX-08.

/// Whether the leaver rules apply: 5.18 or 6.5 applicable, or no SoA yet.
fn leaver_controls_apply(ctx: &Context<'_>) -> bool {
    applies(ctx, "5.18") || applies(ctx, "6.5")
}

/// Every leaver (a person with `left:`) with their last day and the deadline for removing
/// their access that the organisation's own service level sets (`left` +
/// `access_revocation_days`).
fn leavers<'a>(
    ctx: &Context<'a>,
) -> impl Iterator<Item = (&'a crate::yaml::Spanned<crate::model::Person>, Date, Date)> + use<'a> {
    let days = i64::from(ctx.model.cadences().access_revocation_days);
    ctx.model.people.iter().filter_map(move |p| {
        let left = p.left.as_ref()?.value;
        Some((p, left, left.add_days(days)))
    })
}

/// "1 day", "3 days".
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

fn leaver_access_in_time(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !leaver_controls_apply(ctx) {
        return;
    }
    let sla = ctx.model.cadences().access_revocation_days;
    for (p, left, deadline) in leavers(ctx) {
        let Some(revoked) = &p.access_revoked else {
            continue; // ANX-07
        };
        if revoked.value <= deadline {
            continue;
        }
        let delay = left.days_until(revoked.value);
        let d = ANX_03
            .diag(format!(
                "{}'s access was removed on {}, {} after their last day ({left}); the service level is {}",
                p.id.value,
                revoked.value,
                days(delay),
                days(i64::from(sla))
            ))
            .with_hint(
                "find out why the leaver process was late and record the cause (a nonconformity if \
                 it keeps happening); if the service level itself is wrong, change \
                 `cadences.access_revocation_days` in isms.yaml",
            );
        out.push(
            ctx.place(d, revoked.span, "isms.yaml")
                .for_record(p.id.value.clone()),
        );
    }
}

fn leaver_access_recorded(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if !leaver_controls_apply(ctx) {
        return;
    }
    let today = ctx.today();
    for (p, left, deadline) in leavers(ctx) {
        // Before the deadline the removal may still be under way: not yet a finding.
        if p.access_revoked.is_some() || deadline >= today {
            continue;
        }
        let span = p.left.as_ref().map_or(p.span, |l| l.span);
        let d = ANX_07
            .diag(format!(
                "{} left on {left}, but the removal of their access is not recorded (it was due by {deadline})",
                p.id.value
            ))
            .with_hint(format!(
                "remove the access if it is still open, then record the date with `access_revoked:` on {} in isms.yaml",
                p.id.value
            ));
        out.push(
            ctx.place(d, span, "isms.yaml")
                .for_record(p.id.value.clone()),
        );
    }
}

fn asset_values_in_range(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for a in &ctx.model.assets {
        let Some(v) = &a.value.value else { continue };
        let path = ctx.model.sources.path(a.span.file).to_string();
        for (name, x) in [
            ("confidentiality", &v.confidentiality),
            ("integrity", &v.integrity),
            ("availability", &v.availability),
        ] {
            if (1..=3).contains(&x.value) {
                continue;
            }
            let d = ANX_08
                .diag(format!(
                    "asset {} has {name} value {}, outside the scale 1 (low) to 3 (high)",
                    a.id.value, x.value
                ))
                .with_hint(format!("set `{name}:` to 1, 2 or 3"));
            out.push(ctx.place(d, x.span, &path).for_record(a.id.value.clone()));
        }
    }
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

const ANX_03: Rule = Rule {
    code: "ANX-03",
    name: "leaver-access-removed-in-time",
    area: Area::AnnexA,
    clause: "A.5.18",
    default_severity: Severity::Warning,
    summary: "A leaver's access was removed within the organisation's own service level (`access_revocation_days` after `left:`).",
    explanation: "\
Controls 5.18 and 6.5 expect access rights to be removed when someone leaves, and auditors test
it by comparing leavers' last days with the dates their accounts were disabled. The organisation
sets its own service level in `cadences.access_revocation_days` (default 1 day); a removal later
than `left:` plus that many days means the own procedure was not followed, even when the access is
gone today. Applies when 5.18 or 6.5 is applicable (or there is no SoA yet). A leaver without any
removal date is ANX-07.

Fix: find out why the removal was late and act on the cause; correct the service level if it is
unrealistic.

```yaml
# isms.yaml
cadences:
  access_revocation_days: 1
people:
  - { id: p-dev-09, name: Sam Leaver, role: Developer, active: false, left: 2025-05-30, access_revoked: 2025-05-30 }
```",
    check: Check::Model(leaver_access_in_time),
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

const ANX_07: Rule = Rule {
    code: "ANX-07",
    name: "leaver-access-removal-recorded",
    area: Area::AnnexA,
    clause: "A.6.5",
    default_severity: Severity::Error,
    summary: "Every leaver (`left:`) has the date their access was removed (`access_revoked:`) once the service level has passed.",
    explanation: "\
A person who has left but whose access removal is not recorded may still hold working accounts,
the classic orphaned-account finding against 5.18 and 6.5. Once `left:` plus
`cadences.access_revocation_days` lies before the as-of date, the record must say when the access
was removed. Applies when 5.18 or 6.5 is applicable (or there is no SoA yet). A removal recorded
too late is ANX-03.

Fix: remove any remaining access, then record the date.

```yaml
people:
  - { id: p-dev-09, name: Sam Leaver, role: Developer, active: false, left: 2025-05-30, access_revoked: 2025-05-30 }
```",
    check: Check::Model(leaver_access_recorded),
};

const ANX_08: Rule = Rule {
    code: "ANX-08",
    name: "asset-values-in-range",
    area: Area::AnnexA,
    clause: "A.5.9",
    default_severity: Severity::Error,
    summary: "Asset confidentiality, integrity and availability values are on the scale 1 (low) to 3 (high).",
    explanation: "\
The C/I/A values of an asset say how much its loss of confidentiality, integrity or availability
would hurt, and they feed classification (5.12) and the risk assessment. The scale is 1 (low) to
3 (high); a 0, a 5 or a 10 means the value was taken from another scale and cannot be compared
with the other assets, so any ranking built on it is wrong.

Fix: restate the value on the 1-3 scale.

```yaml
assets:
  - id: A-001
    name: Customer database
    type: information
    owner: p-cto
    value: { confidentiality: 3, integrity: 3, availability: 2 }
```",
    check: Check::Model(asset_values_in_range),
};

/// The Annex A evidence rules.
pub(super) const RULES: &[Rule] = &[
    ANX_01, ANX_02, ANX_03, ANX_04, ANX_05, ANX_06, ANX_07, ANX_08,
];
