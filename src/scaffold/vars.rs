//! Placeholder substitution in scaffold files.
//!
//! The templates are plain files with a handful of `{{ name }}` placeholders, replaced by simple
//! text substitution (no template engine: the files must stay readable and valid as they are):
//!
//! | Placeholder | Replaced by |
//! |---|---|
//! | `{{ org }}` | the organisation name, escaped for a double-quoted YAML string |
//! | `{{ year }}` | the current year, e.g. `2025` |
//! | `{{ today }}` | today's date, `YYYY-MM-DD` |
//! | `{{ today+Nm }}` | the date N months from today, `YYYY-MM-DD` |
//!
//! `{{ org }}` is only ever written inside double-quoted YAML strings or in Markdown text. The
//! escaping (`\` → `\\`, `"` → `\"`) is correct for the first, and renders as the original
//! characters in the second because Markdown treats a backslash before punctuation as an escape.
//! Control characters (line breaks, tabs) cannot be escaped safely for both and are refused.

use jiff::civil::Date;

/// Longest organisation name accepted, in characters.
pub const MAX_ORG_CHARS: usize = 200;

/// Why an organisation name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgError {
    /// Empty or only whitespace.
    #[error("the organisation name is empty")]
    Empty,
    /// Longer than [`MAX_ORG_CHARS`].
    #[error("the organisation name is longer than {MAX_ORG_CHARS} characters")]
    TooLong,
    /// Contains a line break, tab or other control character.
    #[error("the organisation name contains a control character (line break, tab, ...)")]
    ControlCharacter,
}

/// A placeholder the scaffold does not know, or a date that cannot be computed. Only a broken
/// template can cause this; unit tests render every built-in file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown placeholder `{{{{ {name} }}}}`")]
pub struct PlaceholderError {
    /// The text between the braces, trimmed.
    pub name: String,
}

/// The values substituted into the scaffold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vars {
    org: String,
    today: Date,
}

impl Vars {
    /// Checks the organisation name and keeps it with the date of the scaffold.
    pub fn new(org: &str, today: Date) -> Result<Vars, OrgError> {
        let org = org.trim();
        if org.is_empty() {
            return Err(OrgError::Empty);
        }
        if org.chars().count() > MAX_ORG_CHARS {
            return Err(OrgError::TooLong);
        }
        if org.chars().any(char::is_control) {
            return Err(OrgError::ControlCharacter);
        }
        Ok(Vars {
            org: org.to_string(),
            today,
        })
    }

    /// The organisation name as given (trimmed).
    pub fn org(&self) -> &str {
        &self.org
    }

    /// The date the scaffold is made.
    pub fn today(&self) -> Date {
        self.today
    }

    /// The value of one placeholder, or `None` if the name is unknown.
    fn value(&self, name: &str) -> Option<String> {
        match name {
            "org" => Some(escape(&self.org)),
            "year" => Some(self.today.year().to_string()),
            "today" => Some(self.today.to_string()),
            _ => {
                let months = name.strip_prefix("today+")?.strip_suffix('m')?;
                let months: i64 = months.parse().ok().filter(|m| (1..=120).contains(m))?;
                let span = jiff::Span::new().months(months);
                self.today.checked_add(span).ok().map(|d| d.to_string())
            }
        }
    }

    /// Replaces every `{{ ... }}` in `text`. Text without placeholders is returned unchanged.
    pub fn render(&self, text: &str) -> Result<String, PlaceholderError> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                return Err(PlaceholderError {
                    name: after.lines().next().unwrap_or("").trim().to_string(),
                });
            };
            let name = after[..end].trim();
            let value = self.value(name).ok_or_else(|| PlaceholderError {
                name: name.to_string(),
            })?;
            out.push_str(&value);
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// Escapes text for the inside of a double-quoted YAML string (and, equivalently, for Markdown).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(org: &str) -> Vars {
        Vars::new(org, jiff::civil::date(2025, 1, 31)).unwrap()
    }

    #[test]
    fn substitutes_every_placeholder() {
        let v = vars("Acme Cloud Ltd");
        let out = v
            .render("name: \"{{ org }}\" {{year}} {{ today }} {{ today+1m }} {{ today+12m }}")
            .unwrap();
        assert_eq!(
            out,
            "name: \"Acme Cloud Ltd\" 2025 2025-01-31 2025-02-28 2026-01-31"
        );
    }

    #[test]
    fn text_without_placeholders_is_unchanged() {
        let text = "a: 1\n# { not a placeholder }\n";
        assert_eq!(vars("X").render(text).unwrap(), text);
    }

    #[test]
    fn escapes_quotes_and_backslashes() {
        let v = vars(r#"Say "hi" \ Co"#);
        assert_eq!(v.render("{{ org }}").unwrap(), r#"Say \"hi\" \\ Co"#);
        assert_eq!(v.org(), r#"Say "hi" \ Co"#);
    }

    #[test]
    fn refuses_unknown_or_unterminated_placeholders() {
        let v = vars("X");
        assert_eq!(v.render("{{ orgg }}").unwrap_err().name, "orgg");
        assert_eq!(v.render("{{ today+0m }}").unwrap_err().name, "today+0m");
        assert_eq!(v.render("{{ today+xm }}").unwrap_err().name, "today+xm");
        assert_eq!(v.render("a {{ org").unwrap_err().name, "org");
    }

    #[test]
    fn validates_the_organisation_name() {
        let d = jiff::civil::date(2025, 1, 1);
        assert_eq!(Vars::new("  ", d), Err(OrgError::Empty));
        assert_eq!(Vars::new("A\nB", d), Err(OrgError::ControlCharacter));
        assert_eq!(Vars::new("A\tB", d), Err(OrgError::ControlCharacter));
        assert_eq!(Vars::new(&"x".repeat(201), d), Err(OrgError::TooLong));
        assert_eq!(
            Vars::new(" Ünïcode GmbH ", d).unwrap().org(),
            "Ünïcode GmbH"
        );
    }
}
