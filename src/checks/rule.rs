//! What a rule is: its identity, the clause area it belongs to and who checks it.
//!
//! The rule files declare their tables with these types and the [`registry`](super::registry)
//! joins the tables; keeping the types here means neither depends on the other.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_parse_round_trips() {
        for a in Area::ALL {
            assert_eq!(Area::parse(a.as_str()), Some(a));
        }
        assert_eq!(Area::parse("AnnexA"), Some(Area::AnnexA));
        assert_eq!(Area::parse("nope"), None);
    }

    #[test]
    fn clause_labels() {
        assert_eq!(clause_label("A.5.19"), "Annex A 5.19");
        assert_eq!(clause_label("6.1.3 d"), "ISO/IEC 27001:2022 6.1.3 d");
        assert_eq!(clause_label(""), "");
    }
}
