//! Control id handling: normalising user input, recognising 2013 ids and ordering ids.
//!
//! Ids are text, not numbers: "5.10" comes after "5.9" and is a different control from "5.1".

use std::cmp::Ordering;

/// Strips a leading Annex A prefix (`A.`, `A ` or the lowercase forms) and returns the rest,
/// or `None` when there is no such prefix.
fn strip_annex_prefix(s: &str) -> Option<&str> {
    ["A.", "A ", "a.", "a "]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .map(str::trim_start)
}

/// Splits `s` on `.` and returns the parts when every part is a non-empty run of ASCII digits.
fn numeric_parts(s: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = s.split('.').collect();
    parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .then_some(parts)
}

/// Whether `s` has the shape of an ISO/IEC 27001:2022 Annex A id: two numeric parts, the first
/// being one of the four themes (5 to 8). It says nothing about whether the control exists.
pub(crate) fn is_2022_shape(s: &str) -> bool {
    numeric_parts(s)
        .is_some_and(|parts| parts.len() == 2 && matches!(parts[0].parse::<u32>(), Ok(5..=8)))
}

/// Normalises a control id typed by a person or found in a record: trims it, and strips a
/// leading `A.` or `A ` only when what remains is a two-part 2022 id (`A.5.10` → `5.10`).
///
/// Anything else is returned trimmed but otherwise untouched, so 2013 ids such as `A.9.2.1`
/// keep their prefix and can still be recognised by [`is_2013_id`].
pub fn normalize_id(s: &str) -> String {
    let t = s.trim();
    match strip_annex_prefix(t) {
        Some(rest) if is_2022_shape(rest) => rest.to_string(),
        _ => t.to_string(),
    }
}

/// The three numeric parts of a 2013 id (`A.9.2.1` or `9.2.1`), if `s` is one.
fn parts_2013(s: &str) -> Option<Vec<&str>> {
    let t = s.trim();
    let rest = strip_annex_prefix(t).unwrap_or(t);
    numeric_parts(rest).filter(|p| p.len() == 3)
}

/// Whether `s` looks like an ISO/IEC 27001:2013 Annex A id: `A.<n>.<n>.<n>`, with or without
/// the `A.` prefix. 2022 ids have two parts, so the two never collide.
pub fn is_2013_id(s: &str) -> bool {
    parts_2013(s).is_some()
}

/// The canonical form of a 2013 id (`9.2.1` → `A.9.2.1`), if `s` is one.
pub(crate) fn canonical_2013(s: &str) -> Option<String> {
    parts_2013(s).map(|p| format!("A.{}", p.join(".")))
}

/// Compares two control ids part by part, numerically where both parts are numbers, so that
/// `5.9 < 5.10` and `A.9.2.1 < A.10.1.1`. Use this whenever control ids are sorted.
///
/// Non-numeric parts compare as text; a prefix sorts before its extensions (`5.1 < 5.1.1`).
/// Ties between different spellings of the same numbers (`05.1` and `5.1`) fall back to plain
/// text order so the result is a total order.
pub fn compare_ids(a: &str, b: &str) -> Ordering {
    let mut pa = a.split('.');
    let mut pb = b.split('.');
    loop {
        match (pa.next(), pb.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(nx), Ok(ny)) => nx.cmp(&ny),
                    // A number sorts before text so "5.x" stays grouped after all "5.<n>".
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => x.cmp(y),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_strips_prefix_only_for_2022_ids() {
        assert_eq!(normalize_id("A.5.10"), "5.10");
        assert_eq!(normalize_id("  A.8.5 "), "8.5");
        assert_eq!(normalize_id("A 7.4"), "7.4");
        assert_eq!(normalize_id("a.6.1"), "6.1");
        assert_eq!(normalize_id("5.10"), "5.10");
        // 2013 ids keep their prefix.
        assert_eq!(normalize_id("A.9.2.1"), "A.9.2.1");
        // Not a 2022 theme, so not a 2022 id: untouched.
        assert_eq!(normalize_id("A.9.1"), "A.9.1");
        assert_eq!(normalize_id("A.x"), "A.x");
        assert_eq!(normalize_id("Access control"), "Access control");
        assert_eq!(normalize_id(""), "");
    }

    #[test]
    fn recognises_2013_ids() {
        assert!(is_2013_id("A.9.2.1"));
        assert!(is_2013_id("9.2.1"));
        assert!(is_2013_id(" A.18.2.3 "));
        assert!(!is_2013_id("5.1"));
        assert!(!is_2013_id("A.5.1"));
        assert!(!is_2013_id("A.9.2.x"));
        assert!(!is_2013_id("A.9..1"));
        assert!(!is_2013_id("A.9.2.1.4"));
        assert_eq!(canonical_2013("9.2.1").as_deref(), Some("A.9.2.1"));
        assert_eq!(canonical_2013("A.12.3.1").as_deref(), Some("A.12.3.1"));
        assert_eq!(canonical_2013("5.1"), None);
    }

    #[test]
    fn compares_numerically_per_part() {
        assert_eq!(compare_ids("5.9", "5.10"), Ordering::Less);
        assert_eq!(compare_ids("5.10", "5.9"), Ordering::Greater);
        assert_eq!(compare_ids("5.37", "6.1"), Ordering::Less);
        assert_eq!(compare_ids("8.1", "8.1"), Ordering::Equal);
        assert_eq!(compare_ids("5.1", "5.1.1"), Ordering::Less);
        assert_eq!(compare_ids("A.9.2.1", "A.10.1.1"), Ordering::Less);
        assert_eq!(compare_ids("05.1", "5.1"), "05.1".cmp("5.1"));
        let mut ids = vec!["5.10", "5.2", "8.1", "5.1", "7.14", "7.4", "6.8"];
        ids.sort_by(|a, b| compare_ids(a, b));
        assert_eq!(ids, ["5.1", "5.2", "5.10", "6.8", "7.4", "7.14", "8.1"]);
    }
}
