//! The rule registry: every rule `isms check` knows, declared once as data.
//!
//! A rule's code (`SOA-05`) and name (`soa-exclusion-justified`) are public API: they appear in
//! configuration, waivers, SARIF uploads and audit trails, so they are never renamed or reused.
//! The rule tables live next to the check functions, one file per clause area; this module
//! joins them in a fixed order and answers look-ups.

use std::sync::LazyLock;

use serde::Serialize;

use super::Context;
use crate::diagnostic::{Diagnostic, Severity};

/// A rule's check: reads the model through the [`Context`] and pushes diagnostics that carry the
/// rule's own code and default severity (configuration is applied afterwards by the sink).
pub type CheckFn = fn(&Context<'_>, &mut Vec<Diagnostic>);

/// The part of ISO/IEC 27001:2022 (or of the tool) a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// Statement of Applicability (6.1.3 c-d).
    Soa,
    /// Context of the organization and scope (4.1-4.4).
    Context,
    /// Leadership and policy (5.1-5.3, A.5.1).
    Leadership,
    /// Risk assessment and treatment (6.1.2, 6.1.3, 8.2, 8.3).
    Risk,
    /// Objectives and planning of changes (6.2, 6.3).
    Objectives,
    /// Support: competence, awareness, communication, documented information (7.x).
    Support,
    /// Operation and externally provided services (8.1, A.5.19-A.5.22).
    Operation,
    /// Monitoring and internal audit (9.1, 9.2).
    Audit,
    /// Management review (9.3).
    Review,
    /// Nonconformity and corrective action (10.x).
    Improvement,
    /// Evidence for selected Annex A controls.
    AnnexA,
    /// Other frameworks (NIS2, NIST CSF, custom) seen through the ISMS.
    Frameworks,
    /// The Git evidence trail (approvals, history, evidence freshness).
    Evidence,
    /// Problems found while loading records (syntax, types, references).
    Load,
    /// Problems in the `checks:` configuration itself (overrides and waivers).
    Config,
}

impl Area {
    /// Every area, in documentation order.
    pub const ALL: [Area; 15] = [
        Area::Soa,
        Area::Context,
        Area::Leadership,
        Area::Risk,
        Area::Objectives,
        Area::Support,
        Area::Operation,
        Area::Audit,
        Area::Review,
        Area::Improvement,
        Area::AnnexA,
        Area::Frameworks,
        Area::Evidence,
        Area::Load,
        Area::Config,
    ];

    /// The kebab-case name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Soa => "soa",
            Area::Context => "context",
            Area::Leadership => "leadership",
            Area::Risk => "risk",
            Area::Objectives => "objectives",
            Area::Support => "support",
            Area::Operation => "operation",
            Area::Audit => "audit",
            Area::Review => "review",
            Area::Improvement => "improvement",
            Area::AnnexA => "annex-a",
            Area::Frameworks => "frameworks",
            Area::Evidence => "evidence",
            Area::Load => "load",
            Area::Config => "config",
        }
    }

    /// A human title, with the clauses it covers.
    pub fn title(self) -> &'static str {
        match self {
            Area::Soa => "Statement of Applicability (6.1.3 c-d)",
            Area::Context => "Context and scope (4.1-4.4)",
            Area::Leadership => "Leadership and policy (5.1-5.3, A.5.1)",
            Area::Risk => "Risk assessment and treatment (6.1.2, 6.1.3, 8.2, 8.3)",
            Area::Objectives => "Objectives and planning of changes (6.2, 6.3)",
            Area::Support => "Support (7.2-7.5)",
            Area::Operation => "Operation and suppliers (8.1, A.5.19-A.5.22)",
            Area::Audit => "Monitoring and internal audit (9.1, 9.2)",
            Area::Review => "Management review (9.3)",
            Area::Improvement => "Nonconformity and corrective action (10.2)",
            Area::AnnexA => "Annex A evidence",
            Area::Frameworks => "Other frameworks (NIS2, NIST CSF 2.0, custom mappings)",
            Area::Evidence => "Git evidence trail",
            Area::Load => "Loading records",
            Area::Config => "Check configuration",
        }
    }

    /// Parses an area name (case-insensitive; `annexa` and `annex_a` are accepted too).
    pub fn parse(s: &str) -> Option<Area> {
        let norm = s.trim().to_ascii_lowercase().replace('_', "-");
        let norm = if norm == "annexa" {
            "annex-a".to_string()
        } else {
            norm
        };
        Area::ALL.into_iter().find(|a| a.as_str() == norm)
    }
}

impl std::fmt::Display for Area {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who produces a rule's diagnostics.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// A function evaluated on the loaded model by `isms check`.
    Model(CheckFn),
    /// The loader, while reading and resolving records.
    Loader,
    /// The Git evidence layer.
    Evidence,
    /// The sink, while applying the `checks:` configuration.
    Config,
}

impl Check {
    /// A short word for listings: `model`, `loader`, `git` or `config`.
    pub fn kind(&self) -> &'static str {
        match self {
            Check::Model(_) => "model",
            Check::Loader => "loader",
            Check::Evidence => "git",
            Check::Config => "config",
        }
    }
}

/// One rule: its identity, where it comes from in the standard, and how it is checked.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable code, e.g. `SOA-05`. Never renamed or reused.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `soa-exclusion-justified`.
    pub name: &'static str,
    /// The clause area the rule belongs to.
    pub area: Area,
    /// The clause (`6.1.3 d`) or Annex A control (`A.5.19`) the rule derives from.
    pub clause: &'static str,
    /// Severity before configuration.
    pub default_severity: Severity,
    /// One line: what the rule checks.
    pub summary: &'static str,
    /// Why an auditor cares and how to fix it, with a small example (Markdown).
    pub explanation: &'static str,
    /// Who produces the rule's diagnostics.
    pub check: Check,
}

impl Rule {
    /// A diagnostic of this rule with its code and default severity.
    pub fn diag(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.code, self.default_severity, message)
    }

    /// The clause written out for people: `ISO/IEC 27001:2022 6.1.3 d` or `Annex A 5.19`.
    pub fn clause_label(&self) -> String {
        clause_label(self.clause)
    }
}

/// Writes a clause reference out for people; empty for tool rules without a clause.
pub fn clause_label(clause: &str) -> String {
    if clause.is_empty() {
        String::new()
    } else if let Some(control) = clause.strip_prefix("A.") {
        format!("Annex A {control}")
    } else {
        format!("ISO/IEC 27001:2022 {clause}")
    }
}

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

    #[test]
    fn area_parse_round_trips() {
        for a in Area::ALL {
            assert_eq!(Area::parse(a.as_str()), Some(a));
        }
        assert_eq!(Area::parse("AnnexA"), Some(Area::AnnexA));
        assert_eq!(Area::parse("nope"), None);
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

    #[test]
    fn clause_labels() {
        assert_eq!(clause_label("A.5.19"), "Annex A 5.19");
        assert_eq!(clause_label("6.1.3 d"), "ISO/IEC 27001:2022 6.1.3 d");
        assert_eq!(clause_label(""), "");
    }
}
