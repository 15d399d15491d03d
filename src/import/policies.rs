//! Markdown policies written for another tool: their front matter (`title` / `last_updated`
//! in the style of public policy repositories, front matter without an opening `---`, or
//! none at all) becomes ours, the body is kept byte for byte, and what the source did not say
//! is left visibly to fill in with the scaffold's markers.

use super::{Context, parse_date};

/// What was read from a foreign document.
#[derive(Debug, Clone, PartialEq)]
pub struct Foreign {
    /// Title (front matter `title`/`name`, else the first `# ` heading, else the file name).
    pub title: String,
    /// Version label.
    pub version: Option<String>,
    /// The date of the current version (`last_updated`, `updated`, `date`...).
    pub version_date: Option<jiff::civil::Date>,
    /// Owner text as written (`owner`, `author`, `maintainer`).
    pub owner: Option<String>,
    /// Front matter keys that have no place in ours (reported, not carried over).
    pub dropped: Vec<String>,
    /// Values that could not be read, with why.
    pub unreadable: Vec<String>,
    /// Where the body starts (byte offset).
    pub body_start: usize,
}

/// Front matter keys that carry a title, a date, an owner or a version, in order of preference.
const TITLE_KEYS: &[&str] = &["title", "name"];
const DATE_KEYS: &[&str] = &[
    "last_updated",
    "updated",
    "last_modified",
    "modified",
    "last_reviewed",
    "reviewed",
    "date",
    "effective_date",
    "effective",
];
const OWNER_KEYS: &[&str] = &["owner", "author", "maintainer", "approver"];
const VERSION_KEYS: &[&str] = &["version", "revision"];

/// The front matter block of `text` (`---` ... `---`, or `key: value` lines up to a `---` line
/// without the opening one) and where the body starts.
fn front_matter(text: &str) -> Option<(&str, usize)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"));
    let (block_start, opened) = match rest {
        Some(r) => (text.len() - r.len(), true),
        None => (0, false),
    };
    let mut pos = block_start;
    for line in text[block_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Some((&text[block_start..pos], pos + line.len()));
        }
        // Without the opening `---` only a run of `key: value` lines (and their indented
        // continuations) counts as front matter: a heading or prose means there is none.
        if !opened {
            let starts_key = t.split_once(':').is_some_and(|(k, _)| {
                !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            });
            let continuation = line.starts_with([' ', '\t', '-']) || t.is_empty();
            if !(starts_key || (continuation && pos > 0)) {
                return None;
            }
        }
        pos += line.len();
    }
    None
}

/// Top-level `key: value` pairs of a front matter block, values unquoted; nested values are
/// kept as their lines for the date fallback.
fn pairs(block: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in block.lines() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                .unwrap_or(v);
            out.push((k.trim().to_string(), v.to_string()));
        }
    }
    out
}

/// Reads the front matter and title of a foreign document.
pub fn read(text: &str, file_stem: &str) -> Foreign {
    let (block, body_start) = front_matter(text).unwrap_or(("", 0));
    let kv = pairs(block);
    let get = |keys: &[&str]| {
        keys.iter().find_map(|k| {
            kv.iter()
                .find(|(kk, v)| kk.eq_ignore_ascii_case(k) && !v.is_empty())
                .map(|(_, v)| v.clone())
        })
    };
    let mut unreadable = Vec::new();
    let heading = text[body_start..]
        .lines()
        .find_map(|l| l.strip_prefix("# ").map(|h| h.trim().to_string()));
    let title = get(TITLE_KEYS)
        .or(heading)
        .unwrap_or_else(|| file_stem.replace(['-', '_'], " "));
    let mut version_date = None;
    let mut date_text = get(DATE_KEYS);
    if date_text.is_none() {
        // Revision lists (`majorRevisions: - date: Jun 1 2018`): the last date listed.
        date_text = block.lines().rev().find_map(|l| {
            l.trim_start_matches([' ', '-'])
                .strip_prefix("date:")
                .map(|d| d.trim().to_string())
        });
    }
    if let Some(d) = date_text {
        match parse_date(&d).or_else(|e| month_name_date(&d).ok_or(e)) {
            Ok(d) => version_date = Some(d),
            Err(e) => unreadable.push(format!("date {e}")),
        }
    }
    let used: Vec<&str> = TITLE_KEYS
        .iter()
        .chain(DATE_KEYS)
        .chain(OWNER_KEYS)
        .chain(VERSION_KEYS)
        .copied()
        .collect();
    let dropped = kv
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| !used.iter().any(|u| u.eq_ignore_ascii_case(k)))
        .collect();
    Foreign {
        title,
        version: get(VERSION_KEYS),
        version_date,
        owner: get(OWNER_KEYS),
        dropped,
        unreadable,
        body_start,
    }
}

/// `Jun 1 2018`, `1 June 2018`, `June 1, 2018`.
fn month_name_date(s: &str) -> Option<jiff::civil::Date> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let words: Vec<String> = s
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() != 3 {
        return None;
    }
    let month = |w: &str| {
        MONTHS
            .iter()
            .position(|m| w.starts_with(m))
            .and_then(|i| i8::try_from(i + 1).ok())
    };
    let (m, d) = match (month(&words[0]), month(&words[1])) {
        (Some(m), None) => (m, words[1].parse::<i8>().ok()?),
        (None, Some(m)) => (m, words[0].parse::<i8>().ok()?),
        _ => return None,
    };
    let y = words[2].parse::<i16>().ok()?;
    jiff::civil::Date::new(y, m, d).ok()
}

/// The imported document: our front matter, then the body exactly as it was. Returns the
/// text and the owner text that matched nobody, if any.
pub fn convert(text: &str, foreign: &Foreign, id: &str, ctx: &Context) -> (String, Option<String>) {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut fm = String::from("---\n");
    fm.push_str(&format!("id: {id}\ntitle: {}\n", q(&foreign.title)));
    match &foreign.version {
        Some(v) => fm.push_str(&format!("version: {}\n", q(v))),
        None => fm.push_str("version: \"0.1\"   # to do: the version label of this policy\n"),
    }
    let mut unknown = None;
    let owner = foreign.owner.as_ref().and_then(|o| {
        let lower = o.to_lowercase();
        let hit = ctx.people.iter().find(|p| {
            p.id.to_lowercase() == lower
                || p.name.to_lowercase() == lower
                || p.email.as_ref().is_some_and(|e| e.to_lowercase() == lower)
        });
        if hit.is_none() {
            unknown = Some(o.clone());
        }
        hit.map(|p| p.id.clone())
    });
    match owner {
        Some(o) => fm.push_str(&format!("owner: {o}\n")),
        None => {
            fm.push_str("owner: ~   # to fill in: the policy owner, a person id from isms.yaml\n")
        }
    }
    fm.push_str(
        "approval: { by: ~, on: ~ }   # to do: approved by a member of top management, with the date\n\
         review_months: 12\n",
    );
    if let Some(d) = foreign.version_date {
        fm.push_str(&format!("version_date: {d}\n"));
    }
    fm.push_str("controls: []   # to do: the Annex A controls this policy implements\n---\n");
    let body = &text[foreign.body_start..];
    if foreign.body_start > 0 && !body.starts_with('\n') {
        fm.push('\n');
    }
    fm.push_str(body);
    (fm, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_last_updated_front_matter() {
        let t = "---\ntitle: Access control policy\nslug: access-control\nlast_updated: 2026-01-12\n---\n\n### Purpose\n";
        let f = read(t, "access-control");
        assert_eq!(f.title, "Access control policy");
        assert_eq!(
            f.version_date.map(|d| d.to_string()).as_deref(),
            Some("2026-01-12")
        );
        assert_eq!(f.dropped, vec!["slug".to_string()]);
        let (out, _) = convert(t, &f, "POL-03", &Context::default());
        assert!(out.ends_with("---\n\n### Purpose\n"), "{out}");
        assert!(out.contains("owner: ~   # to fill in"));
    }

    #[test]
    fn front_matter_without_opening_dashes() {
        let t = "name: Access Onboarding Policy\nacronym: AOTP\nmajorRevisions:\n- date: Jun 1 2018\n   comment: Initial document\n---\n# Purpose and Scope\n";
        let f = read(t, "access");
        assert_eq!(f.title, "Access Onboarding Policy");
        assert_eq!(
            f.version_date.map(|d| d.to_string()).as_deref(),
            Some("2018-06-01")
        );
        assert!(text_after(t, &f).starts_with("# Purpose"));
    }

    #[test]
    fn no_front_matter_at_all() {
        let t = "# Backup policy\n\nWe back up.\n\n---\n\nFooter\n";
        let f = read(t, "backup");
        assert_eq!(f.title, "Backup policy");
        assert_eq!(f.body_start, 0);
    }

    fn text_after<'a>(t: &'a str, f: &Foreign) -> &'a str {
        &t[f.body_start..]
    }
}
