//! Small helpers shared by the check functions.

use crate::model::{Date, Id};
use crate::yaml::Spanned;

/// Words people write when they have not decided yet. A justification or rationale that is
/// only one of these says nothing to an auditor.
const PLACEHOLDERS: &[&str] = &[
    "",
    "-",
    "--",
    "---",
    "?",
    "??",
    "...",
    "n/a",
    "na",
    "n.a",
    "n.a.",
    "none",
    "nil",
    "null",
    "tbd",
    "tbc",
    "todo",
    "to do",
    "fixme",
    "xxx",
    "not applicable",
    "not relevant",
    "see above",
    "same as above",
    "pending",
    "to be decided",
    "to be defined",
    "to be confirmed",
];

/// Whether a free-text answer is missing in substance: empty, one of the usual placeholders,
/// or a scaffold to-do (`TODO: ...`, `TBD - ...`, `<decide>`).
pub(crate) fn is_placeholder(text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    let core = t.trim_end_matches(['.', '!', ':']).trim();
    if PLACEHOLDERS.contains(&core) {
        return true;
    }
    let starts = |p: &str| {
        core.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', ' ', '-', '(', '.']))
    };
    if starts("todo") || starts("tbd") || starts("tbc") || starts("fixme") {
        return true;
    }
    // A whole answer in angle brackets is a template slot (`<who approved this>`).
    core.starts_with('<') && core.ends_with('>')
}

/// Whether an optional text field is missing or a placeholder.
pub(crate) fn blank(field: Option<&Spanned<String>>) -> bool {
    field.is_none_or(|s| is_placeholder(&s.value))
}

/// Whether an optional plain text field is missing or a placeholder.
pub(crate) fn blank_str(field: Option<&String>) -> bool {
    field.is_none_or(|s| is_placeholder(s))
}

/// The value of an optional id.
pub(crate) fn id_str(id: Option<&Id>) -> Option<&str> {
    id.map(|i| i.value.as_str())
        .filter(|s| !s.trim().is_empty())
}

/// Whether something last done on `last` is overdue on `today` with an interval of `months`.
pub(crate) fn overdue(last: Date, months: u32, today: Date) -> bool {
    last.add_months(months) < today
}

/// "N months" for messages.
pub(crate) fn months(n: u32) -> String {
    if n == 1 {
        "1 month".to_string()
    } else {
        format!("{n} months")
    }
}

/// Joins names for a message: `a`, `a and b`, `a, b and c`.
pub(crate) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Lists ids for a message, at most `max` of them, with a count of the rest.
pub(crate) fn list_ids(ids: &[String], max: usize) -> String {
    if ids.len() <= max {
        ids.join(", ")
    } else {
        format!("{} and {} more", ids[..max].join(", "), ids.len() - max)
    }
}

/// Whether the approver reference `by` (a person, or a role standing for its holders) may
/// approve document `doc`, by the organisation's own declaration: when a role lists the
/// document under `approves:`, the approver must be such a role or every person behind the
/// reference must hold one; otherwise, when `top_management_by_default`, every person behind it
/// must be top management. A reference to nobody is LOAD-013's, not a refusal here.
pub(crate) fn may_approve(
    m: &crate::model::Isms,
    by: &str,
    doc: &str,
    top_management_by_default: bool,
    today: Date,
) -> bool {
    // A role acts through the holders it has today; a role nobody holds any more approves
    // nothing. A person is judged as named (approving after leaving is SUP-09's).
    let people = if m.person(by).is_some() {
        vec![by]
    } else {
        m.current_holders(by, today)
    };
    if people.is_empty() {
        return m.role(by).is_none();
    }
    let authorised: Vec<&str> = m
        .roles
        .iter()
        .filter(|r| r.approves.iter().any(|d| d.value == doc))
        .map(|r| r.id.value.as_str())
        .collect();
    if !authorised.is_empty() {
        return authorised.contains(&by)
            || people.iter().all(|p| {
                authorised.iter().any(|r| {
                    m.role(r)
                        .is_some_and(|r| r.holders.iter().any(|h| h.value == *p))
                })
            });
    }
    !top_management_by_default || people.iter().all(|p| m.is_top_management(p))
}

/// Who may approve document `doc`, for hints: the roles declaring it, else top management.
pub(crate) fn approvers_of(
    m: &crate::model::Isms,
    doc: &str,
    top_management_by_default: bool,
) -> String {
    let roles: Vec<String> = m
        .roles
        .iter()
        .filter(|r| r.approves.iter().any(|d| d.value == doc))
        .map(|r| r.id.value.clone())
        .collect();
    if !roles.is_empty() {
        format!(
            "a holder of {} (the roles whose `approves:` lists {doc})",
            roles.join(" or ")
        )
    } else if top_management_by_default {
        "a member of top management (`top_management: true`), or a holder of a role that lists it under `approves:`".to_string()
    } else {
        "someone authorised".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "",
            " N/A ",
            "n/a.",
            "-",
            "TBD",
            "TODO: decide",
            "tbd - after audit",
            "<reason>",
            "Not applicable",
        ] {
            assert!(is_placeholder(p), "{p:?}");
        }
        for ok in [
            "No on-premises offices; all staff remote",
            "Today we outsource",
            "Tbdx is a product name",
            "Not applicable because we run no data centre",
        ] {
            assert!(!is_placeholder(ok), "{ok:?}");
        }
    }

    #[test]
    fn joins() {
        assert_eq!(join_and(&["a".into()]), "a");
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
        let ids: Vec<String> = (1..=5).map(|i| i.to_string()).collect();
        assert_eq!(list_ids(&ids, 3), "1, 2, 3 and 2 more");
        assert_eq!(list_ids(&ids, 5), "1, 2, 3, 4, 5");
    }

    #[test]
    fn overdue_by_months() {
        let d = |s| Date::parse(s).unwrap();
        assert!(!overdue(d("2024-06-30"), 12, d("2025-06-30")));
        assert!(overdue(d("2024-06-29"), 12, d("2025-06-30")));
    }
}
