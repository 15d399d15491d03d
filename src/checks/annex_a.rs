//! Evidence rules for selected Annex A controls. Each applies only when the control is
//! applicable in the SoA (or when there is no SoA yet).

use super::Context;
use super::rule::{Area, Check, Rule};
use super::util::{blank, id_str, join_and, months, overdue};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{Date, ImplementationStatus, RecordKind, RecordStatus, loaded};

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
            "record it with its date: `isms evidence add {control} --url <link> --description \"...\" --collected YYYY-MM-DD`"
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
    let interval = ctx.model.cadences().obligations_review_months;
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
            Some(d) if overdue(d.value, interval, ctx.today()) => {
                format!(
                    "was last reviewed on {}, more than {} ago",
                    d.value,
                    months(interval)
                )
            }
            Some(_) => continue,
        };
        let d = ANX_04
            .diag(format!(
                "obligation {} ({}) {problem}",
                o.id.value, o.title.value
            ))
            .with_hint(match id_str(o.owner.as_ref()) {
                Some(owner) => format!(
                    "check the obligation is still current, then record the review: `isms confirm {} --by {owner}`",
                    o.id.value
                ),
                None => "check the obligation is still current and record `last_reviewed:`".to_string(),
            });
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
    let c = ctx.model.cadences();
    periodic_evidence(
        ctx,
        out,
        &ANX_06,
        "8.13",
        "backup restore test",
        c.backup_test_months,
    );
    periodic_evidence(
        ctx,
        out,
        &ANX_06,
        "5.30",
        "ICT continuity test",
        c.continuity_test_months,
    );
}

/// Recurring controls (scans, log reviews, exercises, independent reviews) need evidence within
/// their cadence once they are implemented.
fn recurring_evidence(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (id, interval, activity) in ctx.model.cadences().control_evidence() {
        let implemented = ctx.model.soa_entry(&id).is_some_and(|e| {
            e.status
                .as_ref()
                .is_some_and(|s| s.value == ImplementationStatus::Implemented)
        });
        if implemented {
            periodic_evidence(ctx, out, &ANX_09, &id, &activity, interval);
        }
    }
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

/// The personnel controls with a per-person record: control, what the record shows, field.
const PERSONNEL: &[(&str, &str, &str)] = &[
    ("6.1", "screening", "screened"),
    ("6.2", "signed terms and conditions", "terms_signed"),
    (
        "6.6",
        "a signed confidentiality agreement",
        "confidentiality_signed",
    ),
    (
        "5.10",
        "an acknowledgement of the acceptable use rules",
        "acceptable_use_acknowledged",
    ),
];

fn personnel_records(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Only the controls the SoA marks applicable are asked for; without an SoA nothing has
    // been decided yet (SOA rules report that).
    let applicable: Vec<&(&str, &str, &str)> = PERSONNEL
        .iter()
        .filter(|(c, _, _)| {
            ctx.model.soa.is_some() && ctx.model.soa_entry(c).is_some_and(|e| e.is_applicable())
        })
        .collect();
    if applicable.is_empty() {
        return;
    }
    let today = ctx.today();
    for p in ctx.model.people.iter().filter(|p| p.is_current(today)) {
        // A contractor whose firm's agreement covers these is evidenced through the supplier.
        if p.covered_by_supplier
            .as_ref()
            .is_some_and(|s| !s.value.trim().is_empty())
        {
            continue;
        }
        let missing: Vec<String> = applicable
            .iter()
            .filter(|(_, _, field)| match *field {
                "screened" => p.screened.is_none(),
                "terms_signed" => p.terms_signed.is_none(),
                "confidentiality_signed" => p.confidentiality_signed.is_none(),
                _ => p.acceptable_use_acknowledged.is_none(),
            })
            .map(|(c, what, field)| format!("{what} ({c}, `{field}:`)"))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let d = ANX_10
            .diag(format!(
                "{} has no record of {}",
                p.id.value,
                join_and(&missing)
            ))
            .with_hint(format!(
                "record the dates from the HR system: `isms onboard {} --screened YYYY-MM-DD --terms-signed YYYY-MM-DD --confidentiality-signed YYYY-MM-DD --acceptable-use YYYY-MM-DD` (or `--covered-by-supplier SUP-NN` for a contractor)",
                p.id.value
            ));
        out.push(
            ctx.place(d, p.span, "isms.yaml")
                .for_record(p.id.value.clone()),
        );
    }
}

fn asset_values_in_range(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Asset valuation is the organisation's choice (the standard does not require it): values
    // are checked only against a valuation scale the methodology defines.
    let Some(scale) = ctx
        .model
        .methodology()
        .map(|m| &m.asset_values)
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    let points: Vec<String> = scale.iter().map(|p| p.value.value.to_string()).collect();
    for a in &ctx.model.assets {
        let Some(v) = &a.value.value else { continue };
        let path = ctx.model.sources.path(a.span.file).to_string();
        for (name, x) in [
            ("confidentiality", &v.confidentiality),
            ("integrity", &v.integrity),
            ("availability", &v.availability),
        ] {
            if scale.iter().any(|p| p.value.value == x.value) {
                continue;
            }
            let d = ANX_08
                .diag(format!(
                    "asset {} has {name} value {}, which is not on the methodology's asset value scale ({})",
                    a.id.value,
                    x.value,
                    points.join(", ")
                ))
                .with_hint(format!("set `{name}:` to one of {}", points.join(", ")));
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
    summary: "Legal, regulatory and contractual obligations are recorded and each was reviewed within the organisation's review interval.",
    explanation: "\
Control 5.31 requires the relevant legal, statutory, regulatory and contractual requirements to
be identified, documented and kept up to date; how often each is reviewed is the
organisation's choice, read from `cadences.obligations_review_months` in isms.yaml (default 12).
A missing register, or an obligation not reviewed within that interval, is a finding. Applies
when 5.31 is applicable (or there is no SoA yet).

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
    summary: "A backup restore test (8.13) and an ICT continuity test (5.30) are recorded within their declared intervals.",
    explanation: "\
Backups that were never restored and continuity plans that were never exercised are common
findings. When 8.13 or 5.30 is applicable, the newest `collected:` date among its evidence in the
SoA must be within the organisation's own interval: `cadences.backup_test_months` and
`cadences.continuity_test_months` in isms.yaml (default 12 each).

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
    summary: "Asset confidentiality, integrity and availability values are on the methodology's asset value scale.",
    explanation: "\
The standard does not require assets to be valued; many organisations rate impact per risk
instead. When the organisation does value assets, it defines the scale under
`risk_methodology.asset_values`, and every C/I/A value must be a point of it: a value taken from
another scale cannot be compared with the other assets, so any ranking built on it is wrong.
Without a valuation scale the rule asks for nothing.

Fix: restate the value on the organisation's scale.

```yaml
# isms.yaml
risk_methodology:
  asset_values:
    - { value: 1, label: Low, description: Loss would not affect customers }
    - { value: 2, label: Medium, description: Loss would affect some customers }
    - { value: 3, label: High, description: Loss would affect all customers or breach law }
# assets.yaml
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
const ANX_09: Rule = Rule {
    code: "ANX-09",
    name: "recurring-control-evidence",
    area: Area::AnnexA,
    clause: "A.8.8",
    default_severity: Severity::Warning,
    summary: "Implemented recurring controls (8.8, 8.15, 8.16, 8.32, 5.29, 5.35, 5.36) have evidence within their cadence.",
    explanation: "\
Some controls are activities that recur: vulnerability scanning (8.8), reviewing logs (8.15) and
monitoring results (8.16), change records (8.32), continuity exercises (5.29), independent
reviews of information security (5.35) and compliance reviews (5.36). Once the SoA marks one
implemented, an auditor asks for the latest occurrence; evidence older than the cadence shows
the activity stopped. The cadence is the organisation's: `cadences.control_evidence_months` in
isms.yaml sets it per control (and can add other recurring controls); without it the defaults
are 3 months for 8.8, 8.15 and 8.16 and 12 months for the others. The newest `collected:` date
among the control's evidence in the SoA is compared.

Fix: record the latest occurrence, or declare the cadence you actually follow.

```yaml
# isms.yaml
cadences:
  control_evidence_months: { \"8.8\": 1, \"5.35\": 24 }
# soa.yaml
controls:
  - id: \"8.8\"
    status: implemented
    evidence:
      - { url: https://scanner.example.com/reports/2025-06, collected: 2025-06-03 }
```",
    check: Check::Model(recurring_evidence),
};

/// Personnel records for the people controls.
const ANX_10: Rule = Rule {
    code: "ANX-10",
    name: "personnel-controls-recorded",
    area: Area::AnnexA,
    clause: "A.6.1, A.6.2, A.6.6, A.5.10",
    default_severity: Severity::Warning,
    summary: "Everyone currently working for the organisation has the screening, signed terms, confidentiality agreement and acceptable-use acknowledgement the SoA makes applicable.",
    explanation: "\
Controls 6.1 (screening), 6.2 (terms and conditions of employment), 6.6 (confidentiality or
non-disclosure agreements) and 5.10 (acceptable use) are evidenced person by person: auditors
sample staff and ask for the background check, the signed contract with its security clauses,
the signed NDA and the acknowledgement of the acceptable use rules. For each of these controls
the SoA marks applicable, every current person needs the date of the record (`screened:`,
`terms_signed:`, `confidentiality_signed:`, `acceptable_use_acknowledged:`). A contractor whose
firm's agreement covers them names the supplier with `covered_by_supplier:` instead.

Fix: record the dates from the HR system.

```yaml
people:
  - id: p-dev-07
    name: Sam Developer
    role: Developer
    screened: 2025-01-20
    terms_signed: 2025-01-22
    confidentiality_signed: 2025-01-22
    acceptable_use_acknowledged: 2025-02-03
```",
    check: Check::Model(personnel_records),
};

pub(super) const RULES: &[Rule] = &[
    ANX_01, ANX_02, ANX_03, ANX_04, ANX_05, ANX_06, ANX_07, ANX_08, ANX_09, ANX_10,
];
