//! Writing values as YAML text that reads back as exactly the value meant.

use super::Value;

/// Words YAML 1.1 or 1.2 readers take for null or a boolean. Quoted whenever a string is
/// meant, so no reader (ours or another tool's) changes its type.
const RESERVED: &[&str] = &[
    "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
];

/// Whether `s` can be written as a plain scalar and still read back as the same string.
pub(crate) fn plain_ok(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if RESERVED.contains(&lower.as_str()) {
        return false;
    }
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Numbers, dates, times and versions (`5.10`, `2026-01-01`, `.5`, `+1`, `-3`) would read
    // as another type or lose their text in some reader.
    if first.is_ascii_digit() || matches!(first, '.' | '+') {
        return false;
    }
    if matches!(
        first,
        '-' | '?'
            | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
            | ' '
            | '\t'
    ) {
        return false;
    }
    if s.ends_with([' ', '\t', ':']) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains(":\t") || s.contains("\t#") {
        return false;
    }
    if matches!(lower.as_str(), ".inf" | "-.inf" | "+.inf" | ".nan") {
        return false;
    }
    !s.chars().any(|c| c.is_control())
}

/// `s` as a double-quoted YAML scalar, with every control character escaped.
pub(crate) fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02x}"));
                } else {
                    out.push_str(&format!("\\u{n:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` as a single-quoted scalar, when that form can hold it (no line breaks or control
/// characters, which single quotes cannot escape).
pub(crate) fn single_quoted(s: &str) -> Option<String> {
    if s.chars().any(|c| c.is_control()) {
        return None;
    }
    Some(format!("'{}'", s.replace('\'', "''")))
}

/// A string scalar: plain when safe, else double-quoted.
pub(crate) fn string(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

/// How a string was quoted where it is replaced, so the new value keeps the file's style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quoting {
    Plain,
    Single,
    Double,
}

/// A string in the requested style when that style can hold it safely.
pub(crate) fn string_styled(s: &str, style: Quoting) -> String {
    match style {
        Quoting::Plain => string(s),
        Quoting::Single => single_quoted(s).unwrap_or_else(|| double_quoted(s)),
        Quoting::Double => double_quoted(s),
    }
}

/// A scalar value's text, or `None` for collections.
pub(crate) fn scalar(v: &Value, style: Quoting) -> Option<String> {
    Some(match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Str(s) => string_styled(s, style),
        Value::Seq(_) | Value::Map(_) => return None,
    })
}

/// Whether a value is written on the key's own line (scalars, flow lists of scalars, empty
/// collections).
fn inline(v: &Value) -> Option<String> {
    match v {
        Value::Seq(items) => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| scalar(i, Quoting::Plain).map(|s| flow_safe(i, s)))
                .collect();
            parts.map(|p| format!("[{}]", p.join(", ")))
        }
        Value::Map(entries) if entries.is_empty() => Some("{}".to_string()),
        v => scalar(v, Quoting::Plain),
    }
}

/// In a flow list `,`, `[` and `]` end a plain scalar: quote such strings there.
fn flow_safe(v: &Value, s: String) -> String {
    match v {
        Value::Str(text) if !s.starts_with('"') && text.contains([',', '[', ']', '{', '}']) => {
            double_quoted(text)
        }
        _ => s,
    }
}

/// Layout of the text being written: line ending and indentation step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    pub(crate) newline: &'static str,
    pub(crate) step: usize,
}

/// Writes the entries of a mapping as block lines. The first line starts with `first_prefix`
/// (e.g. `  - ` for a new sequence item, or the indentation of a new field); the following
/// ones are indented by `indent` spaces. Every line ends with the layout's line ending.
pub(crate) fn block_map(
    out: &mut String,
    entries: &[(String, Value)],
    first_prefix: &str,
    indent: usize,
    layout: Layout,
) {
    for (i, (key, value)) in entries.iter().enumerate() {
        if i == 0 {
            out.push_str(first_prefix);
        } else {
            out.push_str(&" ".repeat(indent));
        }
        entry(out, key, value, indent, layout);
    }
}

/// A mapping key: plain when it is a field name (`on`, `by`: keys are never read as
/// booleans by isms), else as a safe string.
fn key_text(key: &str) -> String {
    let simple = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if simple { key.to_string() } else { string(key) }
}

/// A mapping of scalars in flow style (`{ by: p-ceo, on: 2026-01-01 }`), `spaced` inside the
/// braces or not, or `None` when a value is a collection.
pub(crate) fn flow_map(entries: &[(String, Value)], spaced: bool) -> Option<String> {
    let parts: Option<Vec<String>> = entries
        .iter()
        .map(|(k, v)| match v {
            Value::Seq(_) | Value::Map(_) => flow_item(v).map(|t| format!("{}: {t}", key_text(k))),
            v => scalar(v, Quoting::Plain).map(|s| format!("{}: {}", key_text(k), flow_safe(v, s))),
        })
        .collect();
    let parts = parts?;
    Some(if spaced {
        format!("{{ {} }}", parts.join(", "))
    } else {
        format!("{{{}}}", parts.join(", "))
    })
}

/// One `key: value` entry, the key already indented; nested blocks are indented from `indent`.
pub(crate) fn entry(out: &mut String, key: &str, value: &Value, indent: usize, layout: Layout) {
    out.push_str(&key_text(key));
    out.push(':');
    match inline(value) {
        Some(text) => {
            out.push(' ');
            out.push_str(&text);
            out.push_str(layout.newline);
        }
        None => {
            out.push_str(layout.newline);
            block(out, value, indent + layout.step, layout);
        }
    }
}

/// A collection written as block lines at `indent`.
pub(crate) fn block(out: &mut String, value: &Value, indent: usize, layout: Layout) {
    match value {
        Value::Map(entries) => {
            block_map(out, entries, &" ".repeat(indent), indent, layout);
        }
        Value::Seq(items) => {
            for item in items {
                seq_item(out, item, indent, layout);
            }
        }
        scalar_value => {
            out.push_str(&" ".repeat(indent));
            out.push_str(&inline(scalar_value).unwrap_or_default());
            out.push_str(layout.newline);
        }
    }
}

/// One `- item` of a block sequence whose dash is at column `indent`.
pub(crate) fn seq_item(out: &mut String, item: &Value, indent: usize, layout: Layout) {
    let prefix = format!("{}- ", " ".repeat(indent));
    match item {
        Value::Map(entries) if !entries.is_empty() => {
            block_map(out, entries, &prefix, indent + 2, layout);
        }
        other => match inline(other) {
            Some(text) => {
                out.push_str(&prefix);
                out.push_str(&text);
                out.push_str(layout.newline);
            }
            None => {
                out.push_str(prefix.trim_end_matches(' '));
                out.push_str(layout.newline);
                block(out, other, indent + 2, layout);
            }
        },
    }
}

/// A value as one flow item (for appending to `[a, b]`), if it can be written inline.
pub(crate) fn flow_item(v: &Value) -> Option<String> {
    match v {
        Value::Seq(_) => inline(v),
        Value::Map(e) if e.is_empty() => Some("{}".to_string()),
        Value::Map(_) => None,
        v => scalar(v, Quoting::Plain).map(|s| flow_safe(v, s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_that_read_as_other_types_are_quoted() {
        for s in [
            "5.10",
            "5.1",
            "yes",
            "No",
            "null",
            "~",
            "",
            "2026-01-01",
            "-x",
            ":x",
            "#x",
            "a: b",
            "a #b",
            "trailing ",
            "x:",
            "12",
            ".inf",
            "[x]",
            "{x}",
            "*a",
            "&a",
            "!t",
            "|",
            ">",
            "'q",
            "\"q",
            "%x",
            "@x",
            "`x",
        ] {
            assert!(!plain_ok(s), "{s:?} must be quoted");
        }
        for s in [
            "R-018",
            "p-ciso",
            "Acme SaaS Ltd",
            "a-b:c",
            "mitigate",
            "x#y",
        ] {
            assert!(plain_ok(s), "{s:?} may be plain");
        }
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(double_quoted("a\nb\t\"c\"\\"), r#""a\nb\t\"c\"\\""#);
        assert_eq!(double_quoted("\u{7}"), r#""\x07""#);
        assert_eq!(double_quoted("\u{2028}"), r#""\u2028""#);
        assert_eq!(single_quoted("it's"), Some("'it''s'".to_string()));
        assert_eq!(single_quoted("a\nb"), None);
    }

    #[test]
    fn blocks_follow_the_layout() {
        let v = Value::map([
            ("id", Value::str("R-002")),
            ("controls", Value::Seq(vec![Value::str("5.10")])),
            ("inherent", Value::map([("likelihood", Value::Int(3))])),
            (
                "plan",
                Value::Seq(vec![Value::map([("id", Value::str("A-1"))])]),
            ),
        ]);
        let mut out = String::new();
        seq_item(
            &mut out,
            &v,
            2,
            Layout {
                newline: "\n",
                step: 2,
            },
        );
        assert_eq!(
            out,
            "  - id: R-002\n    controls: [\"5.10\"]\n    inherent:\n      likelihood: 3\n    plan:\n      - id: A-1\n"
        );
    }
}
