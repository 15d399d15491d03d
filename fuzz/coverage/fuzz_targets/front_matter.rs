//! Any Markdown text to the front-matter splitter: no panic, and the ranges it returns lie
//! inside the text on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Some((range, body)) = isms::loader::split_front_matter(text) {
        assert!(range.start <= range.end && range.end <= text.len());
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        assert!(body <= text.len() && text.is_char_boundary(body));
    }
});
