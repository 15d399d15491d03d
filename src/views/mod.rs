//! Register views for the terminal: the risk register (`isms risks`), the Statement of
//! Applicability (`isms soa`), one control's decision in this ISMS (`isms controls ID`) and the
//! due-date calendar (`isms calendar`).
//!
//! Everything here is data computed from the loaded model (levels through the methodology,
//! due dates through [`crate::status`]); the command-line layer filters, sorts and lays it out.

pub mod calendar;
pub mod control;
pub mod risks;
pub mod soa;

/// Case-insensitive comparison that treats spaces, `-` and `_` alike, for filter values typed
/// on the command line (`--status in-treatment`, `--treatment Mitigate`).
pub(crate) fn same_word(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.trim()
            .chars()
            .map(|c| match c {
                ' ' | '_' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect::<String>()
    };
    norm(a) == norm(b)
}

/// The kebab-case name of a serialisable enum value (`NotImplemented` → `not-implemented`).
pub(crate) fn kebab<T: serde::Serialize>(v: &T) -> String {
    crate::render::views::kebab(v)
}

#[cfg(test)]
mod tests {
    use super::same_word;

    #[test]
    fn filter_words_ignore_case_and_separators() {
        assert!(same_word("In treatment", "in-treatment"));
        assert!(same_word("not_implemented", "not-implemented"));
        assert!(!same_word("5.1", "5.10"));
    }
}
