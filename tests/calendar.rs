//! `isms calendar`: the iCalendar export of due dates. A snapshot under a fixed `--as-of`,
//! stable UIDs across exports, the RFC 5545 structure (CRLF, folding at 75 octets, required
//! properties) checked by hand and by an independent parser, and `--out` / `--force`.

#[path = "support/clean.rs"]
mod clean;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const EXAMPLE_AS_OF: &str = "2026-12-07";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas")
}

fn isms(args: &[&str]) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("isms");
    cmd.env_remove("ISMS_COLOR")
        .env_remove("ISMS_AS_OF")
        .args(args);
    cmd
}

fn calendar(dir: &Path, as_of: &str) -> String {
    let out = isms(&["calendar", dir.to_str().unwrap(), "--as-of", as_of])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("UTF-8")
}

/// The content lines of an iCalendar text, unfolded (RFC 5545 3.1).
fn unfolded(ics: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for l in ics.split("\r\n") {
        if let Some(rest) = l.strip_prefix(' ').or_else(|| l.strip_prefix('\t')) {
            lines
                .last_mut()
                .expect("a continuation follows a line")
                .push_str(rest);
        } else if !l.is_empty() {
            lines.push(l.to_string());
        }
    }
    lines
}

/// UID → (DTSTART, SUMMARY) of every event.
fn events(ics: &str) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let (mut uid, mut start, mut summary) = (String::new(), String::new(), String::new());
    for l in unfolded(ics) {
        if let Some(v) = l.strip_prefix("UID:") {
            uid = v.to_string();
        } else if let Some(v) = l.strip_prefix("DTSTART;VALUE=DATE:") {
            start = v.to_string();
        } else if let Some(v) = l.strip_prefix("SUMMARY:") {
            summary = v.to_string();
        } else if l == "END:VEVENT" {
            assert!(
                out.insert(uid.clone(), (start.clone(), summary.clone()))
                    .is_none(),
                "UID {uid} twice"
            );
        }
    }
    out
}

#[test]
fn snapshot_of_the_clean_fixture() {
    let ics = calendar(&clean::fixture(), clean::AS_OF);
    insta::assert_snapshot!(ics.replace("\r\n", "\n"));
}

#[test]
fn uids_stay_the_same_a_day_later_and_dtstamp_follows_as_of() {
    let dir = example();
    let today = calendar(&dir, EXAMPLE_AS_OF);
    let tomorrow = calendar(&dir, "2026-12-08");
    let (a, b) = (events(&today), events(&tomorrow));
    assert!(a.len() > 20, "{}", a.len());
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same due items keep their UIDs"
    );
    assert_eq!(a, b, "and their dates and summaries");
    assert!(today.contains("DTSTAMP:20261207T000000Z"));
    assert!(tomorrow.contains("DTSTAMP:20261208T000000Z"));
    assert!(!today.contains("DTSTAMP:20261208"));
    // Re-running on the same day gives the same bytes.
    assert_eq!(today, calendar(&dir, EXAMPLE_AS_OF));
}

#[test]
fn uids_come_from_the_record_and_the_due_kind() {
    let ics = calendar(&example(), EXAMPLE_AS_OF);
    let evs = events(&ics);
    assert!(
        evs.contains_key("management-review-management-review@isms"),
        "{evs:?}"
    );
    assert!(
        evs.keys().any(|u| u.starts_with("treatment-action-RTP-")),
        "{evs:?}"
    );
    assert!(evs.keys().all(|u| u.ends_with("@isms")));
    // Nothing of the day of the export in any UID.
    assert!(
        evs.keys()
            .all(|u| !u.contains("20261207") && !u.contains("2026-12-07")),
        "{evs:?}"
    );
}

#[test]
fn the_structure_follows_rfc_5545() {
    let ics = calendar(&example(), EXAMPLE_AS_OF);
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    // Every line ends with CRLF: no bare LF anywhere.
    assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let lines = unfolded(&ics);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    for required in ["VERSION:2.0", "PRODID:-//isms//isms calendar//EN"] {
        assert!(lines.iter().any(|l| l == required), "{required}");
    }
    // Each VEVENT has the required UID and DTSTAMP, and an all-day DTSTART and DTEND.
    let mut in_event: Option<Vec<String>> = None;
    let mut count = 0;
    for l in &lines {
        match l.as_str() {
            "BEGIN:VEVENT" => in_event = Some(Vec::new()),
            "END:VEVENT" => {
                let props = in_event.take().expect("END without BEGIN");
                for p in [
                    "UID:",
                    "DTSTAMP:",
                    "DTSTART;VALUE=DATE:",
                    "DTEND;VALUE=DATE:",
                    "SUMMARY:",
                    "DESCRIPTION:",
                ] {
                    assert_eq!(
                        props.iter().filter(|x| x.starts_with(p)).count(),
                        1,
                        "{p} once in {props:?}"
                    );
                }
                count += 1;
            }
            _ => {
                if let Some(p) = in_event.as_mut() {
                    p.push(l.clone());
                }
            }
        }
    }
    assert!(in_event.is_none());
    assert_eq!(count, events(&ics).len());
}

#[test]
fn an_independent_parser_reads_every_event() {
    let ics = calendar(&example(), EXAMPLE_AS_OF);
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("it parses");
    assert!(parser.next().is_none());
    assert_eq!(cal.events.len(), events(&ics).len());
    let value = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    let review = cal
        .events
        .iter()
        .find(|e| value(e, "UID").as_deref() == Some("management-review-management-review@isms"))
        .expect("the next management review");
    let description = value(review, "DESCRIPTION").unwrap();
    assert!(description.contains("isms new review"), "{description}");
    // A treatment action names its owner and the command that closes it.
    let action = cal
        .events
        .iter()
        .find(|e| value(e, "CATEGORIES").as_deref() == Some("treatment-action"))
        .unwrap();
    let description = value(action, "DESCRIPTION").unwrap();
    assert!(description.contains("Owner: "), "{description}");
    assert!(description.contains("isms done "), "{description}");
}

#[test]
fn document_reviews_say_how_to_approve() {
    let ics = calendar(&example(), EXAMPLE_AS_OF);
    let text = unfolded(&ics).join("\n");
    assert!(
        text.contains("`isms approve policies/"),
        "a policy review names the approve command"
    );
}

#[test]
fn out_refuses_to_overwrite_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("isms.ics");
    let dir = clean::fixture();
    let args = |extra: &[&str]| {
        let mut v = vec![
            "calendar".to_string(),
            dir.to_str().unwrap().to_string(),
            "--as-of".into(),
            clean::AS_OF.into(),
            "--out".into(),
            file.to_str().unwrap().to_string(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |extra: &[&str]| {
        let a = args(extra);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        isms(&a).assert()
    };
    run(&[]).success();
    let first = std::fs::read_to_string(&file).unwrap();
    assert!(first.starts_with("BEGIN:VCALENDAR\r\n"));
    std::fs::write(&file, "keep me").unwrap();
    let err = run(&[]).code(2).get_output().stderr.clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    run(&["--force"]).success();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);
}

#[test]
fn json_lists_the_same_events() {
    let out = isms(&[
        "calendar",
        example().to_str().unwrap(),
        "--as-of",
        EXAMPLE_AS_OF,
        "--format",
        "json",
    ])
    .assert()
    .success()
    .get_output()
    .stdout
    .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let uids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["uid"].as_str().unwrap().to_string())
        .collect();
    let ics = events(&calendar(&example(), EXAMPLE_AS_OF));
    let mut sorted = uids.clone();
    sorted.sort();
    assert_eq!(sorted, ics.keys().cloned().collect::<Vec<_>>());
}
