//! The editing layer on any register text and any value: no panic, and an accepted append
//! keeps every original byte (the original is a prefix plus a suffix of the result), except a
//! null written for the list (`risks: ~`), which the list replaces.
#![no_main]

use isms::edit::{FileEdit, Step, Value};
use isms::source::{FileId, SourceFile};
use isms::yaml::NodeKind;
use libfuzzer_sys::fuzz_target;

/// The text without the `~`/`null` token of `risks:` (and the blanks before it), when the list
/// is written as an explicit null: that token is the one thing an append replaces.
fn without_null_list(text: &str) -> String {
    let source = SourceFile::new("risks.yaml", text);
    let Ok(root) = isms::yaml::parse(FileId(0), &source, 0..text.len()) else {
        return text.to_owned();
    };
    match root.get("risks") {
        Some(v) if v.kind == NodeKind::Null && v.span.len > 0 => {
            let end = v.span.offset + v.span.len;
            let start = text[..v.span.offset].trim_end_matches([' ', '\t']).len();
            format!("{}{}", &text[..start], &text[end..])
        }
        _ => text.to_owned(),
    }
}

fuzz_target!(|input: (&str, &str)| {
    let (text, value) = input;
    let mut edit = FileEdit::new("risks.yaml", Some(text.to_owned()));
    let record = Value::map([
        ("id", Value::str("R-999")),
        ("title", Value::str(value)),
        ("owner", Value::str(value)),
    ]);
    if edit.append(&[Step::key("risks")], &record).is_ok() {
        let text = without_null_list(text);
        let text = text.as_str();
        let after = edit.text();
        let prefix = text
            .bytes()
            .zip(after.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = text
            .bytes()
            .rev()
            .zip(after.bytes().rev())
            .take(text.len() - prefix)
            .take_while(|(a, b)| a == b)
            .count();
        assert!(prefix + suffix >= text.len(), "an append changed original bytes");
    }
    let mut edit = FileEdit::new("risks.yaml", Some(text.to_owned()));
    let _ = edit.set(
        &[Step::key("risks"), Step::id("R-001")],
        "title",
        &Value::str(value),
    );
    let _ = edit.set(&[Step::key("risks"), Step::id("R-001")], "owner", &Value::Null);
});
