//! `isms calendar`: every due date `isms status` knows, as iCalendar (RFC 5545) all-day events.
//!
//! The dates come from [`crate::status::all_due_items`], so the calendar and the dashboard
//! never disagree. Each event's UID is derived from the record id and the kind of obligation
//! (never from the export time), so importing a newer export into a calendar moves an event
//! instead of adding a second one.

use std::collections::BTreeMap;

use icalendar::{Calendar, Component, Event, Property};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::{Date, Isms};
use crate::status::{self, DueItem, DueKind};

/// One calendar event.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarEvent {
    /// Stable identity (`UID`).
    pub uid: String,
    /// The day it is due.
    pub due: Date,
    /// Kind of obligation.
    pub kind: DueKind,
    /// The record it belongs to.
    pub record: String,
    /// Short title (`SUMMARY`).
    pub summary: String,
    /// Who is responsible and how to close it (`DESCRIPTION`).
    pub description: String,
}

/// The kebab-case name of a due kind, as used in UIDs and categories.
fn kind_name(k: DueKind) -> String {
    super::kebab(&k)
}

/// Characters kept as they are in a UID; anything else becomes `-`.
fn uid_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn short_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// The file part of a `path:line` location.
fn location_path(item: &DueItem) -> Option<&str> {
    let loc = item.location.as_deref()?;
    Some(loc.rsplit_once(':').map_or(loc, |(p, _)| p))
}

/// The 1-based number of a risk's plan action that has no id, as `isms done R-001#2` takes it.
fn action_number(model: &Isms, risk: &str, action: &str) -> Option<usize> {
    let r = model.risk(risk)?;
    r.plan
        .iter()
        .position(|a| a.id.is_none() && a.action.value == action)
        .map(|i| i + 1)
}

/// What closes the obligation: the `isms` command where one exists, else the record to update.
fn closing_step(model: &Isms, item: &DueItem, owner: &str) -> String {
    let r = &item.record;
    match item.kind {
        DueKind::DocumentReview => {
            // The SoA and the scope are approved as `soa` and `scope`; other documents by id.
            let target = if location_path(item).is_some_and(|p| p.ends_with("soa.yaml")) {
                "soa"
            } else if model.scope.as_ref().is_some_and(|s| s.id.value == *r) {
                "scope"
            } else {
                r.as_str()
            };
            format!("review it, then `isms approve {target} --by {owner}`")
        }
        DueKind::RiskReassessment => {
            "repeat the risk assessment with the risk owners (`isms confirm risks --by <owner>`), then `isms confirm assessment --by <person id>`".to_string()
        }
        DueKind::TreatmentAction if item.distinct.is_some() => {
            let text = item.distinct.as_deref().unwrap_or_default();
            match action_number(model, r, text) {
                Some(n) => format!("when it is finished: `isms done {r}#{n}`"),
                None => format!("when it is finished, set `status: done` on this action of {r}"),
            }
        }
        // A review action without an id cannot be named on the command line.
        DueKind::ReviewAction if item.distinct.is_some() => {
            format!(
                "when it is finished, set `status: done` on this action of {r} (give it an `id:` to use `isms done`)"
            )
        }
        DueKind::TreatmentAction | DueKind::ReviewAction => {
            format!("when it is finished: `isms done {r}`")
        }
        DueKind::AcceptanceExpiry => format!(
            "reassess the risk, then `isms accept {r} --by {owner} --rationale \"...\" --until YYYY-MM-DD`"
        ),
        DueKind::CorrectiveAction => format!(
            "complete the corrective action, then `isms close {r} --root-cause \"...\" --effectiveness \"...\"`"
        ),
        // A planned audit is recorded under its own id; the next cycle's under a new one.
        DueKind::InternalAudit if r != "internal-audit" => format!(
            "hold the audit, record it with `isms new audit --id {r} --title \"...\" --auditor <person-id>` and its report with `isms report {r} --to <management>`"
        ),
        DueKind::InternalAudit => {
            "hold the audit, record it with `isms new audit` and its report with `isms report`"
                .to_string()
        }
        DueKind::ManagementReview => {
            "hold the review, record it with `isms new review --attendees ...`, its inputs with `isms present` and its decisions with `isms decide`".to_string()
        }
        DueKind::EvidenceExpiry => {
            format!(
                "collect fresh evidence and record it: `isms evidence add {r} --url <link> --description \"...\"`"
            )
        }
        DueKind::SupplierReview => format!(
            "review the supplier, then `isms assess {r} --by {owner} --result \"...\"`"
        ),
        DueKind::AwarenessTraining => {
            format!("when {r} has completed the training: `isms awareness {r} --course \"...\"`")
        }
        DueKind::CompetenceExpiry => {
            format!(
                "renew the evidence, then `isms competence {r} --role <role-id> --evidence \"...\" --expires YYYY-MM-DD`"
            )
        }
    }
}

/// Every dated obligation as an event, soonest first. UIDs are unique: should two items
/// still share one (ids that differ only in characters a UID cannot hold), the later ones get
/// a counter, in the deterministic order of the items.
pub fn events(model: &Isms, as_of: Date) -> Vec<CalendarEvent> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    status::all_due_items(model, as_of)
        .into_iter()
        .map(|item| {
            let mut uid = format!("{}-{}", kind_name(item.kind), uid_safe(&item.record));
            if let Some(d) = &item.distinct {
                uid.push('-');
                uid.push_str(&short_hash(d));
            }
            let n = seen.entry(uid.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                uid.push_str(&format!("-{n}"));
            }
            uid.push_str("@isms");

            let owner_id = item.owner.as_deref();
            let owner_line = match owner_id {
                Some(o) => match model.person(o) {
                    Some(p) => format!("Owner: {} ({o})", p.name.value),
                    None => format!("Owner: {o}"),
                },
                None => "Owner: not recorded".to_string(),
            };
            let step = closing_step(model, &item, owner_id.unwrap_or("<person-id>"));
            let mut description = format!("{}\n{owner_line}\nTo close: {step}", item.what);
            if let Some(l) = &item.location {
                description.push_str(&format!("\nRecord: {l}"));
            }
            CalendarEvent {
                uid,
                due: item.due,
                kind: item.kind,
                summary: item.what.clone(),
                record: item.record,
                description,
            }
        })
        .collect()
}

/// `YYYYMMDD`, the iCalendar DATE form.
fn ics_date(d: Date) -> String {
    d.civil().strftime("%Y%m%d").to_string()
}

/// The calendar as iCalendar text (CRLF line endings, lines folded at 75 octets). `stamp` is
/// the `DTSTAMP` of every event: midnight UTC of that day, so the output depends only on the
/// records and the date given.
pub fn to_ics(
    model: &Isms,
    events: &[CalendarEvent],
    stamp: Date,
) -> Result<String, std::fmt::Error> {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//isms//isms calendar//EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    let name = match model.organisation_name() {
        Some(o) => format!("{o} ISMS due dates"),
        None => "ISMS due dates".to_string(),
    };
    cal.append_property(Property::new("X-WR-CALNAME", name.as_str()));
    let dtstamp = format!("{}T000000Z", ics_date(stamp));
    for e in events {
        let mut ev = Event::new();
        ev.add_property("UID", e.uid.as_str());
        ev.add_property("DTSTAMP", dtstamp.as_str());
        ev.append_property(
            Property::new("DTSTART", ics_date(e.due).as_str())
                .add_parameter("VALUE", "DATE")
                .done(),
        );
        // DTEND of an all-day event is exclusive: the next day.
        ev.append_property(
            Property::new("DTEND", ics_date(e.due.add_days(1)).as_str())
                .add_parameter("VALUE", "DATE")
                .done(),
        );
        ev.summary(&e.summary);
        ev.description(&e.description);
        ev.add_property("CATEGORIES", kind_name(e.kind).as_str());
        ev.add_property("TRANSP", "TRANSPARENT");
        cal.push(ev.done());
    }
    let mut out = String::new();
    std::fmt::Write::write_fmt(&mut out, format_args!("{cal}"))?;
    Ok(refold(&out))
}

/// Most octets in a content line, line break excluded (RFC 5545 3.1).
const FOLD_AT: usize = 75;

/// Folds every content line at [`FOLD_AT`] octets, never inside a UTF-8 character.
///
/// The icalendar crate folds too, but lets a continuation line reach 76 octets with its
/// leading space; so its folds are undone (text values escape line breaks, so a CRLF
/// followed by a space only ever comes from folding) and the lines folded again here.
fn refold(ics: &str) -> String {
    let mut out = String::with_capacity(ics.len() + ics.len() / 32);
    for line in ics.replace("\r\n ", "").split_terminator("\r\n") {
        let mut rest = line;
        let mut limit = FOLD_AT;
        loop {
            if rest.len() <= limit {
                out.push_str(rest);
                out.push_str("\r\n");
                break;
            }
            let mut cut = limit;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(&rest[..cut]);
            out.push_str("\r\n ");
            rest = &rest[cut..];
            // Continuation lines start with the space, which counts.
            limit = FOLD_AT - 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_keep_only_safe_characters() {
        assert_eq!(uid_safe("R-01/a b"), "R-01-a-b");
        assert_eq!(uid_safe("5.10"), "5.10");
    }

    #[test]
    fn folding_keeps_every_line_within_75_octets() {
        let long = format!("DESCRIPTION:{}\r\nEND:VEVENT\r\n", "é-ab".repeat(60));
        let folded = refold(&long);
        for l in folded.split("\r\n") {
            assert!(l.len() <= FOLD_AT, "{} octets: {l:?}", l.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, long);
        // Already folded input (as the crate writes it) comes out the same way.
        let crate_style = long.replacen("-ab", "-a\r\n b", 3);
        assert_eq!(refold(&crate_style), folded);
    }

    #[test]
    fn dates_are_basic_iso() {
        let d = Date::parse("2026-03-09").unwrap();
        assert_eq!(ics_date(d), "20260309");
    }
}
