//! GitHub repository settings and reviews, as `gh api` returns them and the user or CI saved
//! them; `isms` itself never calls GitHub.
//!
//! * Branch protection, `gh api repos/OWNER/REPO/branches/BRANCH/protection`: required
//!   reviews, required status checks, force pushes, deletions, and whether administrators are
//!   bound too. GitHub's "Branch not protected" reply counts as every protection missing.
//! * Pull-request reviews, `gh api repos/OWNER/REPO/pulls/N/reviews`: whether the change was
//!   approved by a reviewer.
//!
//! Each protection is one check for the controls it supports: 8.4 (access to source code),
//! 8.25 (secure development life cycle) and 8.32 (change management).

use serde_json::Value;

use super::{ImportError, ScanSummary, Tool, date_prefix};

const REVIEWS: &str = "required pull request reviews";
const STATUS_CHECKS: &str = "required status checks";
const NO_FORCE_PUSH: &str = "force pushes blocked";
const NO_DELETION: &str = "branch deletion blocked";
const ADMINS: &str = "rules enforced for administrators";
const APPROVED: &str = "pull request approved by a reviewer";

/// The controls each protection supports.
const PROTECTIONS: [(&str, &[&str]); 5] = [
    (REVIEWS, &["8.4", "8.25", "8.32"]),
    (STATUS_CHECKS, &["8.25", "8.32"]),
    (NO_FORCE_PUSH, &["8.4", "8.32"]),
    (NO_DELETION, &["8.4"]),
    (ADMINS, &["8.4", "8.32"]),
];

/// Parses a saved branch protection or review listing.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ScanSummary, ImportError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ImportError::json(
            file,
            &e,
            "`gh api repos/OWNER/REPO/branches/BRANCH/protection`",
        )
    })?;
    match &value {
        Value::Object(o)
            if o.contains_key("required_pull_request_reviews")
                || o.contains_key("enforce_admins")
                || o.contains_key("allow_force_pushes")
                || o.contains_key("required_status_checks") =>
        {
            Ok(protection(&value, false))
        }
        Value::Object(o)
            if o.get("message")
                .and_then(Value::as_str)
                .is_some_and(|m| m.eq_ignore_ascii_case("branch not protected")) =>
        {
            Ok(protection(&value, true))
        }
        Value::Array(items) if items.iter().all(is_review) => reviews(file, items),
        _ => Err(ImportError::new(
            file,
            "this is neither a GitHub branch protection nor a pull-request review listing",
            "save the output of `gh api repos/OWNER/REPO/branches/BRANCH/protection` or \
             `gh api repos/OWNER/REPO/pulls/N/reviews` and import that file",
        )),
    }
}

fn enabled(v: &Value, key: &str) -> Option<bool> {
    v.get(key)?.get("enabled")?.as_bool()
}

fn protection(v: &Value, unprotected: bool) -> ScanSummary {
    let mut summary = ScanSummary::new(Tool::Github, "GitHub branch protection", "json");
    summary.label = repo_label(v.get("url").and_then(Value::as_str), "branch-protection");
    let reviews = v
        .get("required_pull_request_reviews")
        .and_then(|r| r.get("required_approving_review_count"))
        .and_then(Value::as_u64)
        .is_some_and(|n| n >= 1);
    let checks = v.get("required_status_checks").is_some_and(|c| {
        let non_empty = |k: &str| {
            c.get(k)
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
        };
        non_empty("contexts") || non_empty("checks")
    });
    // A missing setting is not evidence that the branch is protected.
    let outcome = [
        (REVIEWS, reviews),
        (STATUS_CHECKS, checks),
        (
            NO_FORCE_PUSH,
            enabled(v, "allow_force_pushes") == Some(false),
        ),
        (NO_DELETION, enabled(v, "allow_deletions") == Some(false)),
        (ADMINS, enabled(v, "enforce_admins") == Some(true)),
    ];
    for (name, controls) in PROTECTIONS {
        let ok = !unprotected && outcome.iter().any(|(n, ok)| *n == name && *ok);
        for c in controls {
            let tally = summary.controls.entry((*c).to_string()).or_default();
            if ok {
                tally.pass();
            } else {
                tally.fail(name);
            }
        }
    }
    summary
}

fn is_review(v: &Value) -> bool {
    v.get("state").is_some_and(Value::is_string) && v.get("user").is_some()
}

fn reviews(file: &str, items: &[Value]) -> Result<ScanSummary, ImportError> {
    let mut summary = ScanSummary::new(Tool::Github, "GitHub pull-request reviews", "json");
    let url = items
        .iter()
        .find_map(|r| r.get("pull_request_url").and_then(Value::as_str));
    summary.label = repo_label(url, "pr-reviews");
    let mut approved = false;
    for (i, r) in items.iter().enumerate() {
        let state = r.get("state").and_then(Value::as_str).unwrap_or("");
        if let Some(at) = r.get("submitted_at").and_then(Value::as_str) {
            let Some(day) = date_prefix(at) else {
                return Err(ImportError::new(
                    file,
                    format!("`submitted_at` `{at}` is not a date"),
                    "import the file as `gh api` wrote it",
                )
                .in_record(format!("review {}", i + 1)));
            };
            summary.note_collected(day);
        }
        approved |= state == "APPROVED";
    }
    let tally = summary.controls.entry("8.32".to_string()).or_default();
    if approved {
        tally.pass();
    } else {
        tally.fail(APPROVED);
    }
    Ok(summary)
}

/// `branch-protection-OWNER-REPO-BRANCH` from an API URL such as
/// `https://api.github.com/repos/OWNER/REPO/branches/BRANCH/protection`, or
/// `pr-reviews-OWNER-REPO-N` from a pull request URL; only safe file-name characters remain.
fn repo_label(url: Option<&str>, what: &str) -> String {
    let parts: Vec<&str> = url
        .and_then(|u| u.split_once("/repos/"))
        .map(|(_, rest)| rest.split('/').collect())
        .unwrap_or_default();
    let picked: Vec<&str> = match parts.as_slice() {
        [owner, repo, "branches", branch, ..] => vec![owner, repo, branch],
        [owner, repo, "pulls", n, ..] => vec![owner, repo, n],
        _ => vec![],
    };
    let mut label = what.to_string();
    for p in picked {
        let clean: String = p
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let clean = clean.trim_matches(|c| c == '-' || c == '.');
        if !clean.is_empty() {
            label.push('-');
            label.push_str(clean);
        }
    }
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_repository_and_are_safe_file_names() {
        assert_eq!(
            repo_label(
                Some("https://api.github.com/repos/acme/app/branches/release/1.x/protection"),
                "branch-protection"
            ),
            "branch-protection-acme-app-release"
        );
        assert_eq!(
            repo_label(
                Some("https://api.github.com/repos/acme/../../etc/pulls/3"),
                "pr-reviews"
            ),
            "pr-reviews"
        );
        assert_eq!(repo_label(None, "pr-reviews"), "pr-reviews");
        assert_eq!(
            repo_label(
                Some("https://api.github.com/repos/a c/b;rm/pulls/7"),
                "pr-reviews"
            ),
            "pr-reviews-a-c-b-rm-7"
        );
    }

    #[test]
    fn a_missing_setting_does_not_pass() {
        let s = parse(
            "p.json",
            br#"{"required_status_checks": {"contexts": ["ci"]}}"#,
        )
        .unwrap();
        let t = &s.controls["8.4"];
        assert_eq!((t.passed, t.failed), (0, 4));
        assert_eq!(
            (s.controls["8.25"].passed, s.controls["8.25"].failed),
            (1, 1)
        );
    }
}
