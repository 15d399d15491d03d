//! The rule registry: every rule `isms check` knows, declared once as data.
//!
//! A rule's code (`SOA-05`) and name (`soa-exclusion-justified`) are public API: they appear in
//! configuration, waivers, SARIF uploads and audit trails, so they are never renamed or reused.
//! The rule tables live next to the check functions, one file per clause area, declared with the
//! types of [`rule`](super::rule); this module joins them in a fixed order and answers look-ups.

use std::sync::LazyLock;

use super::rule::{Area, Rule};

/// The area tables, in documentation order.
const TABLES: &[&[Rule]] = &[
    super::soa::RULES,
    super::evidence_refs::RULES,
    super::context::RULES,
    super::leadership::RULES,
    super::risk::RULES,
    super::objectives::RULES,
    super::support::RULES,
    super::placeholders::RULES,
    super::record_dates::RULES,
    super::acknowledgements::RULES,
    super::operation::RULES,
    super::audit::RULES,
    super::monitoring::RULES,
    super::review::RULES,
    super::improvement::RULES,
    super::annex_a::RULES,
    super::scanners::RULES,
    super::classification::RULES,
    super::frameworks::RULES,
    super::evidence::RULES,
    super::load::RULES,
    super::sink::RULES,
];

static ALL: LazyLock<Vec<&'static Rule>> =
    LazyLock::new(|| TABLES.iter().flat_map(|t| t.iter()).collect());

/// Every rule, grouped by area in documentation order.
pub fn all() -> &'static [&'static Rule] {
    &ALL
}

/// The rule with this exact code (`SOA-05`).
pub fn by_code(code: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.code == code)
}

/// Finds a rule by code or name, case-insensitively (`soa-05`, `SOA-05`,
/// `soa-exclusion-justified`). A code without its dash (`SOA05`) is accepted too.
pub fn find(key: &str) -> Option<&'static Rule> {
    let key = key.trim();
    let squash = |s: &str| s.replace('-', "").to_ascii_lowercase();
    all().iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(key)
            || r.name.eq_ignore_ascii_case(key)
            || squash(r.code) == squash(key)
    })
}

/// The closest code or name to an unknown key, for "did you mean" hints.
pub fn suggest(key: &str) -> Option<&'static str> {
    let upper = key.trim().to_ascii_uppercase();
    let lower = key.trim().to_ascii_lowercase();
    crate::diagnostic::did_you_mean(&upper, all().iter().map(|r| r.code))
        .or_else(|| crate::diagnostic::did_you_mean(&lower, all().iter().map(|r| r.name)))
}

/// Renders the rule reference page (`docs/rules.md`) from the registry.
///
/// The committed page is compared with this output by a test, so the documentation cannot
/// drift from the code.
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    out.push_str("# `isms check` rules\n\n");
    out.push_str(
        "<!-- Generated from the rule registry (src/checks). Do not edit by hand: run\n     \
         `cargo run -- rules --format markdown > docs/rules.md` -->\n\n",
    );
    out.push_str(
        "Every rule has a stable code and a kebab-case name; both are accepted by \
         `isms explain`, by `--deny`/`--warn`/`--allow` and in the `checks:` section of \
         `isms.yaml` (see [check.md](check.md)). Severities are the defaults before \
         configuration. The *checked by* column says who produces the rule's findings: \
         `model` rules run on the loaded records, `loader` findings come from reading the \
         files, `git` findings from the Git evidence layer and `config` findings from the \
         `checks:` configuration itself.\n\n",
    );
    for area in Area::ALL {
        let rules: Vec<_> = all().iter().filter(|r| r.area == area).collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {}\n", area.title());
        out.push_str("| Code | Name | Clause | Severity | Checked by | Summary |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for r in &rules {
            let _ = writeln!(
                out,
                "| [{code}](#{anchor}) | `{name}` | {clause} | {sev} | {kind} | {summary} |",
                code = r.code,
                anchor = r.code.to_ascii_lowercase(),
                name = r.name,
                clause = if r.clause.is_empty() { "-" } else { r.clause },
                sev = r.default_severity,
                kind = r.check.kind(),
                summary = r.summary.replace('|', "\\|"),
            );
        }
        out.push('\n');
        for r in &rules {
            let _ = writeln!(out, "### {}\n", r.code);
            let _ = writeln!(
                out,
                "`{}` · {} · default severity **{}**\n",
                r.name,
                if r.clause.is_empty() {
                    "tool rule".to_string()
                } else {
                    r.clause_label()
                },
                r.default_severity
            );
            let _ = writeln!(out, "{}\n", r.summary);
            let _ = writeln!(out, "{}\n", r.explanation.trim());
        }
    }
    // One trailing newline exactly, so the page is stable under editors that trim.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::checks::Check;

    #[test]
    fn codes_and_names_are_unique() {
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        for r in all() {
            assert!(codes.insert(r.code), "duplicate rule code {}", r.code);
            assert!(names.insert(r.name), "duplicate rule name {}", r.name);
        }
    }

    #[test]
    fn codes_and_names_are_well_formed() {
        for r in all() {
            let (prefix, num) = r.code.split_once('-').expect("code has a dash");
            assert!(
                !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_uppercase()),
                "{}: prefix must be upper-case letters",
                r.code
            );
            assert!(
                num.len() >= 2 && num.chars().all(|c| c.is_ascii_digit()),
                "{}: number must be two or more digits",
                r.code
            );
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !r.name.starts_with('-')
                    && !r.name.ends_with('-')
                    && !r.name.contains("--"),
                "{}: name {:?} must be kebab-case",
                r.code,
                r.name
            );
            assert!(!r.summary.trim().is_empty(), "{}: empty summary", r.code);
            assert!(
                !r.summary.contains('\n'),
                "{}: summary must be one line",
                r.code
            );
            assert!(
                r.explanation.trim().len() > 80,
                "{}: explanation too short",
                r.code
            );
        }
    }

    #[test]
    fn model_rules_name_a_clause() {
        for r in all() {
            if matches!(r.check, Check::Model(_)) {
                assert!(!r.clause.is_empty(), "{} has no clause", r.code);
            }
        }
    }

    #[test]
    fn rules_are_grouped_by_area_in_order() {
        let areas: Vec<Area> = all().iter().map(|r| r.area).collect();
        let mut sorted = areas.clone();
        sorted.sort();
        assert_eq!(areas, sorted, "rule tables must follow Area::ALL order");
    }

    #[test]
    fn find_accepts_code_and_name_any_case() {
        let r = all()[0];
        assert_eq!(find(r.code).map(|x| x.code), Some(r.code));
        assert_eq!(
            find(&r.code.to_ascii_lowercase()).map(|x| x.code),
            Some(r.code)
        );
        assert_eq!(
            find(&r.name.to_ascii_uppercase()).map(|x| x.code),
            Some(r.code)
        );
        assert_eq!(find(&r.code.replace('-', "")).map(|x| x.code), Some(r.code));
        assert!(find("NOPE-99").is_none());
    }

    /// Every `LOAD-nnn` and `GIT-nn` code written in the sources of the loader and the evidence
    /// layer must be registered, so that it can be configured, explained and listed in SARIF.
    #[test]
    fn codes_emitted_elsewhere_are_registered() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut unregistered = BTreeSet::new();
        for entry in walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.starts_with(root.join("checks")) || path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            for prefix in ["\"LOAD-", "\"GIT-"] {
                for (i, _) in text.match_indices(prefix) {
                    let rest = &text[i + 1..];
                    let end = rest.find('"').unwrap_or(rest.len());
                    let code = &rest[..end];
                    let digits = code.split_once('-').map_or("", |(_, d)| d);
                    if !digits.is_empty()
                        && digits.chars().all(|c| c.is_ascii_digit())
                        && by_code(code).is_none()
                    {
                        unregistered.insert(format!("{code} ({})", path.display()));
                    }
                }
            }
        }
        assert!(
            unregistered.is_empty(),
            "codes emitted but not in the rule registry: {unregistered:?}"
        );
    }
}
