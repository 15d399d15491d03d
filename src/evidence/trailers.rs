//! Approvals recorded in Git itself: `Approved-by:` trailers in commit messages.
//!
//! A trailer is a `Key: value` line in the last paragraph of a commit message, as
//! `git interpret-trailers` writes them (`Signed-off-by:` is the best-known one). We read
//! `Approved-by: Name <email>` (the key is matched without regard to case), with libgit2's
//! trailer parser so that the rules are the same as Git's: only the final paragraph counts,
//! and a key in the middle of the body is ordinary text.

/// The trailer key that records an approval.
pub const APPROVED_BY: &str = "Approved-by";

/// The values of every `Approved-by:` trailer in a commit message, trimmed, in order.
pub fn approved_by(message: &str) -> Vec<String> {
    // Cheap pre-check: libgit2's parser allocates, and almost no commit carries the trailer.
    if !contains_ignore_ascii_case(message, "approved-by") {
        return Vec::new();
    }
    let Ok(trailers) = git2::message_trailers_strs(message) else {
        return Vec::new();
    };
    trailers
        .iter()
        .filter(|(key, _)| key.trim().eq_ignore_ascii_case(APPROVED_BY))
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_trailers_in_the_last_paragraph() {
        let msg = "Update access policy\n\nTighten MFA rules.\n\n\
                   Approved-by: Alice Example <alice@example.com>\n\
                   approved-by: Bob <bob@example.com>\n\
                   Signed-off-by: Carol <carol@example.com>\n";
        assert_eq!(
            approved_by(msg),
            vec!["Alice Example <alice@example.com>", "Bob <bob@example.com>"]
        );
    }

    #[test]
    fn ignores_the_key_in_the_body() {
        let msg = "Subject\n\nApproved-by: Mallory <m@example.com>\nwas discussed but not given.\n\nMore text here.\n";
        assert!(approved_by(msg).is_empty());
    }

    #[test]
    fn subject_only_is_not_a_trailer() {
        assert!(approved_by("Approved-by: X <x@example.com>").is_empty());
        assert!(approved_by("").is_empty());
    }
}
