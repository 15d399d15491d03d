//! The editing layer on any register text and any value: no panic, and an accepted append
//! keeps every original byte (the original is a prefix plus a suffix of the result).
#![no_main]

use isms::edit::{FileEdit, Step, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (text, value) = input;
    let mut edit = FileEdit::new("risks.yaml", Some(text.to_owned()));
    let record = Value::map([
        ("id", Value::str("R-999")),
        ("title", Value::str(value)),
        ("owner", Value::str(value)),
    ]);
    if edit.append(&[Step::key("risks")], &record).is_ok() {
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
