//! The one place where configuration meets findings.
//!
//! Rules, the loader and the Git evidence layer all emit diagnostics with their rule's default
//! severity and never read configuration. The [`Sink`] then applies, in this order: the
//! `checks.rules` overrides from `isms.yaml`, the per-rule command-line overrides
//! (`--deny SOA-05`, `--warn`, `--allow`), and finally the per-level ones (`--deny warnings`).
//! Waivers are matched last; a waived finding stays in the output, marked, and does not fail
//! the run. Problems in the configuration itself (an unknown rule, a disable without reason,
//! an expired or unused waiver) are reported as `CFG-nn` findings.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use super::registry;
use super::rule::{Area, Check, Rule};
use crate::diagnostic::{self, Diagnostic, Location, Severity};

/// A change to one rule from `checks.rules` in `isms.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleOverride {
    /// The rule, by code or name, as written in the configuration.
    pub rule: String,
    /// The new severity, if changed.
    pub severity: Option<Severity>,
    /// Whether the rule is switched off.
    pub disabled: bool,
    /// Why; mandatory when the rule is disabled or its severity lowered.
    pub reason: Option<String>,
    /// Where the entry is written, for diagnostics about it.
    pub location: Option<Location>,
}

/// An exception for the findings of one rule (optionally on one record), with an owner and an
/// expiry date, from `checks.waivers` in `isms.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Waiver {
    /// The rule, by code or name.
    pub rule: String,
    /// Only findings about this record id (`Diagnostic::record`); all findings when absent.
    pub record: Option<String>,
    /// The person id accountable for the exception.
    pub owner: Option<String>,
    /// The last day the waiver applies.
    pub expires: Option<Date>,
    /// Why the finding is accepted.
    pub reason: Option<String>,
    /// Where the entry is written, for diagnostics about it.
    pub location: Option<Location>,
}

/// The `checks:` section of `isms.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChecksConfig {
    /// Per-rule severity changes and disables.
    pub rules: Vec<RuleOverride>,
    /// Exceptions with owner and expiry.
    pub waivers: Vec<Waiver>,
}

/// A command-line level: `--deny`, `--warn` or `--allow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Make it an error.
    Deny,
    /// Make it a warning.
    Warn,
    /// Make it informational: shown, never failing.
    Allow,
}

impl Level {
    fn severity(self) -> Severity {
        match self {
            Level::Deny => Severity::Error,
            Level::Warn => Severity::Warning,
            Level::Allow => Severity::Info,
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Level::Deny => "--deny",
            Level::Warn => "--warn",
            Level::Allow => "--allow",
        }
    }
}

/// What a command-line override applies to.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// One rule.
    Rule(&'static Rule),
    /// Every finding that is a warning after the per-rule overrides (`--deny warnings`).
    Warnings,
}

/// One `--deny`/`--warn`/`--allow` argument.
#[derive(Debug, Clone, Copy)]
pub struct CliOverride {
    /// The level to apply.
    pub level: Level,
    /// What it applies to.
    pub target: Target,
}

/// A command-line override named a rule that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag} {value}: no rule has this code or name{}", suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
pub struct UnknownRule {
    /// The flag used.
    pub flag: &'static str,
    /// The value given.
    pub value: String,
    /// The closest known code or name.
    pub suggestion: Option<&'static str>,
}

impl CliOverride {
    /// Parses the value of `--deny`/`--warn`/`--allow`: a rule code or name, or `warnings`.
    pub fn parse(level: Level, value: &str) -> Result<CliOverride, UnknownRule> {
        if value.trim().eq_ignore_ascii_case("warnings") {
            return Ok(CliOverride {
                level,
                target: Target::Warnings,
            });
        }
        match registry::find(value) {
            Some(rule) => Ok(CliOverride {
                level,
                target: Target::Rule(rule),
            }),
            None => Err(UnknownRule {
                flag: level.flag(),
                value: value.to_string(),
                suggestion: registry::suggest(value),
            }),
        }
    }
}

/// Why a finding is waived, carried into every output format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaiverNote {
    /// Why the finding is accepted.
    pub reason: String,
    /// The accountable person id.
    pub owner: String,
    /// The last day the waiver applies.
    #[serde(serialize_with = "serialize_date")]
    pub expires: Date,
    /// Where the waiver is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// Serialises a date as `YYYY-MM-DD` (jiff's serde support is not enabled in this crate).
pub fn serialize_date<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

/// One diagnostic after configuration, with its rule and waiver.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The diagnostic, with its final severity.
    pub diagnostic: Diagnostic,
    /// The rule it belongs to (none for a code the registry does not know).
    pub rule: Option<&'static Rule>,
    /// Present when a waiver accepts this finding.
    pub waiver: Option<WaiverNote>,
}

impl Finding {
    /// Whether this finding fails the run: an error that is not waived.
    pub fn fails(&self) -> bool {
        self.waiver.is_none() && self.diagnostic.severity == Severity::Error
    }
}

/// A rule switched off in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisabledRule {
    /// The rule code.
    pub rule: &'static str,
    /// The reason given.
    pub reason: String,
}

/// Counts over the findings, waived ones counted apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Errors not waived.
    pub errors: usize,
    /// Warnings not waived.
    pub warnings: usize,
    /// Informational findings not waived.
    pub infos: usize,
    /// Findings of any severity accepted by a waiver.
    pub waived: usize,
}

/// The result of a check run: every finding, sorted, plus what was switched off.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The date the date-driven rules were evaluated at.
    pub as_of: Date,
    /// All findings, sorted by file, line, column and code.
    pub findings: Vec<Finding>,
    /// Rules disabled by configuration.
    pub disabled: Vec<DisabledRule>,
}

impl Outcome {
    /// Counts by severity.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for f in &self.findings {
            if f.waiver.is_some() {
                s.waived += 1;
                continue;
            }
            match f.diagnostic.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }

    /// Whether the run fails (exit code 1): at least one error that is not waived.
    pub fn failed(&self) -> bool {
        self.findings.iter().any(Finding::fails)
    }

    /// Whether a rule was disabled by configuration.
    pub fn is_disabled(&self, code: &str) -> bool {
        self.disabled.iter().any(|d| d.rule == code)
    }
}

struct ActiveWaiver {
    code: &'static str,
    record: Option<String>,
    note: WaiverNote,
    location: Option<Location>,
    used: bool,
}

/// Applies configuration, command-line overrides and waivers to raw diagnostics.
pub struct Sink {
    as_of: Date,
    config_severity: HashMap<&'static str, Severity>,
    cli_severity: HashMap<&'static str, Severity>,
    cli_warnings: Option<Severity>,
    disabled: BTreeMap<&'static str, String>,
    waivers: Vec<ActiveWaiver>,
    problems: Vec<Diagnostic>,
}

fn nonblank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn unknown_rule(what: &str, key: &str, location: Option<&Location>) -> Diagnostic {
    let mut d = CFG_01.diag(format!("{what} names unknown rule `{key}`"));
    d.hint = Some(match registry::suggest(key) {
        Some(s) => format!("did you mean `{s}`? `isms rules` lists every rule"),
        None => "`isms rules` lists every rule code and name".to_string(),
    });
    d.location = location.cloned();
    d.record = Some(key.to_string());
    d
}

impl Sink {
    /// Prepares the sink: validates the configuration (problems become `CFG-nn` findings) and
    /// resolves rule names to codes. `is_person` tells whether a waiver owner is a known
    /// person id.
    pub fn new(
        config: &ChecksConfig,
        cli: &[CliOverride],
        as_of: Date,
        is_person: &dyn Fn(&str) -> bool,
    ) -> Sink {
        let mut sink = Sink {
            as_of,
            config_severity: HashMap::new(),
            cli_severity: HashMap::new(),
            cli_warnings: None,
            disabled: BTreeMap::new(),
            waivers: Vec::new(),
            problems: Vec::new(),
        };
        for o in &config.rules {
            sink.add_override(o);
        }
        for w in &config.waivers {
            sink.add_waiver(w, is_person);
        }
        for o in cli {
            match o.target {
                Target::Rule(r) => {
                    sink.cli_severity.insert(r.code, o.level.severity());
                }
                Target::Warnings => sink.cli_warnings = Some(o.level.severity()),
            }
        }
        sink
    }

    fn add_override(&mut self, o: &RuleOverride) {
        let Some(rule) = registry::find(&o.rule) else {
            self.problems
                .push(unknown_rule("rule override", &o.rule, o.location.as_ref()));
            return;
        };
        let lowers = o.severity.is_some_and(|s| s > rule.default_severity);
        if (o.disabled || lowers) && nonblank(&o.reason).is_none() {
            let what = if o.disabled {
                "disables"
            } else {
                "lowers the severity of"
            };
            let mut d = CFG_02
                .diag(format!(
                    "configuration {what} {} without a reason; ignored",
                    rule.code
                ))
                .with_hint("add `reason: \"...\"` explaining why an auditor should accept this");
            d.location = o.location.clone();
            d.record = Some(rule.code.to_string());
            self.problems.push(d);
            return;
        }
        if o.disabled {
            let reason = nonblank(&o.reason).unwrap_or_default().to_string();
            self.disabled.insert(rule.code, reason);
        } else if let Some(s) = o.severity {
            self.config_severity.insert(rule.code, s);
        }
    }

    fn add_waiver(&mut self, w: &Waiver, is_person: &dyn Fn(&str) -> bool) {
        let Some(rule) = registry::find(&w.rule) else {
            self.problems
                .push(unknown_rule("waiver", &w.rule, w.location.as_ref()));
            return;
        };
        let subject = match &w.record {
            Some(r) => format!("waiver for {} on {r}", rule.code),
            None => format!("waiver for {}", rule.code),
        };
        let mut missing = Vec::new();
        let reason = nonblank(&w.reason);
        if reason.is_none() {
            missing.push("a reason (`reason:`)".to_string());
        }
        let owner = nonblank(&w.owner);
        match owner {
            None => missing.push("an owner (`owner:` person id)".to_string()),
            Some(o) if !is_person(o) => {
                missing.push(format!(
                    "an owner who is a person in isms.yaml (`{o}` is not)"
                ));
            }
            Some(_) => {}
        }
        if w.expires.is_none() {
            missing.push("an expiry date (`expires: YYYY-MM-DD`)".to_string());
        }
        let (Some(reason), Some(owner), Some(expires), true) =
            (reason, owner, w.expires, missing.is_empty())
        else {
            let mut d = CFG_03
                .diag(format!("{subject} is incomplete; it waives nothing"))
                .with_hint(format!("a waiver needs {}", missing.join(", ")));
            d.location = w.location.clone();
            d.record = Some(rule.code.to_string());
            self.problems.push(d);
            return;
        };
        if expires < self.as_of {
            let mut d = CFG_04
                .diag(format!("{subject} expired on {expires}; the findings it covered are reported again"))
                .with_hint(format!(
                    "fix the finding, or have {owner} renew the waiver with a new `expires:` date and reason"
                ));
            d.location = w.location.clone();
            d.record = Some(rule.code.to_string());
            self.problems.push(d);
            return;
        }
        self.waivers.push(ActiveWaiver {
            code: rule.code,
            record: w.record.as_deref().map(str::trim).map(str::to_string),
            note: WaiverNote {
                reason: reason.to_string(),
                owner: owner.to_string(),
                expires,
                location: w.location.clone(),
            },
            location: w.location.clone(),
            used: false,
        });
    }

    /// Whether a rule is switched off (its check is not run and its findings are dropped).
    pub fn is_disabled(&self, code: &str) -> bool {
        self.disabled.contains_key(code)
    }

    /// The severity a diagnostic ends up with: config, then CLI per rule, then CLI per level.
    fn severity(&self, code: &str, emitted: Severity) -> Severity {
        let mut s = emitted;
        if let Some(c) = self.config_severity.get(code) {
            s = *c;
        }
        if let Some(c) = self.cli_severity.get(code) {
            s = *c;
        }
        if s == Severity::Warning
            && let Some(c) = self.cli_warnings
        {
            s = c;
        }
        s
    }

    /// Applies everything to the collected diagnostics and returns the sorted outcome.
    pub fn finish(mut self, diagnostics: Vec<Diagnostic>) -> Outcome {
        let mut raw = diagnostics;
        raw.append(&mut std::mem::take(&mut self.problems));
        raw.retain(|d| !self.is_disabled(&d.code));
        diagnostic::sort(&mut raw);

        let mut findings = Vec::with_capacity(raw.len());
        for mut d in raw {
            d.severity = self.severity(&d.code, d.severity);
            let waiver = self
                .waivers
                .iter_mut()
                .find(|w| {
                    w.code == d.code
                        && w.record
                            .as_ref()
                            .is_none_or(|r| d.record.as_ref() == Some(r))
                })
                .map(|w| {
                    w.used = true;
                    w.note.clone()
                });
            let rule = registry::by_code(&d.code);
            findings.push(Finding {
                diagnostic: d,
                rule,
                waiver,
            });
        }

        // Unused waivers are findings too: an exception that matches nothing hides the fact
        // that the situation changed, and auditors read stale exceptions as neglect.
        let mut stale = Vec::new();
        for w in self.waivers.iter().filter(|w| !w.used) {
            let subject = match &w.record {
                Some(r) => format!("waiver for {} on {r}", w.code),
                None => format!("waiver for {}", w.code),
            };
            let mut d = CFG_05
                .diag(format!("{subject} matched no finding"))
                .with_hint(
                    "remove the waiver, or correct its `rule:`/`record:` if it was meant to match",
                );
            d.location = w.location.clone();
            d.record = Some(w.code.to_string());
            if !self.is_disabled(CFG_05.code) {
                d.severity = self.severity(CFG_05.code, d.severity);
                stale.push(Finding {
                    diagnostic: d,
                    rule: Some(&CFG_05),
                    waiver: None,
                });
            }
        }
        if !stale.is_empty() {
            findings.append(&mut stale);
            findings.sort_by_cached_key(|f| crate::diagnostic::natural_sort_key(&f.diagnostic));
        }

        let disabled = self
            .disabled
            .iter()
            .map(|(rule, reason)| DisabledRule {
                rule,
                reason: reason.clone(),
            })
            .collect();
        Outcome {
            as_of: self.as_of,
            findings,
            disabled,
        }
    }
}

const CFG_01: Rule = Rule {
    code: "CFG-01",
    name: "config-unknown-rule",
    area: Area::Config,
    clause: "",
    default_severity: Severity::Error,
    summary: "A rule override or waiver in `checks:` names a rule that does not exist.",
    explanation: "\
A misspelt code in the `checks:` section of `isms.yaml` silently does nothing: the override you
meant to make is not made, and the waiver you wrote does not cover the finding. `isms check`
therefore reports every unknown code or name, with the closest existing one.

Fix: correct the code (`isms rules` lists them all) or remove the entry.

```yaml
checks:
  rules:
    SOA-12: { severity: info, reason: \"exclusion heuristics reviewed quarterly\" }
```",
    check: Check::Config,
};

const CFG_02: Rule = Rule {
    code: "CFG-02",
    name: "config-override-without-reason",
    area: Area::Config,
    clause: "",
    default_severity: Severity::Error,
    summary: "A rule is disabled, or its severity lowered, without a reason.",
    explanation: "\
Switching a check off or lowering its severity is a decision about how the ISMS is verified, and
an auditor will ask why it was taken. Without a written reason the override is ignored and the
rule keeps its default behaviour.

Fix: add a `reason:` to the entry.

```yaml
checks:
  rules:
    CTX-07: { disabled: true, reason: \"process map kept in the quality manual, outside this repo\" }
```",
    check: Check::Config,
};

const CFG_03: Rule = Rule {
    code: "CFG-03",
    name: "waiver-incomplete",
    area: Area::Config,
    clause: "",
    default_severity: Severity::Error,
    summary: "A waiver lacks a reason, an owner who is a known person, or an expiry date.",
    explanation: "\
A waiver is a managed exception: somebody is accountable for it, it says why the finding is
acceptable, and it ends on a date so that it is looked at again. A waiver missing any of these
waives nothing, and the finding stays visible.

Fix: complete the waiver; `owner` is a person id from `isms.yaml`.

```yaml
checks:
  waivers:
    - rule: RSK-14
      record: R-017
      owner: p-cto
      expires: 2026-12-31
      reason: \"migration blocked by supplier; tracked in NC-004\"
```",
    check: Check::Config,
};

const CFG_04: Rule = Rule {
    code: "CFG-04",
    name: "waiver-expired",
    area: Area::Config,
    clause: "",
    default_severity: Severity::Warning,
    summary: "A waiver's expiry date has passed; it no longer applies.",
    explanation: "\
Exceptions are granted for a period. Once the expiry date (compared with `--as-of`, today by
default) has passed, the waiver stops applying and the findings it covered are reported again,
so an exception can never become permanent by being forgotten.

Fix: resolve the underlying finding and remove the waiver, or have its owner renew it with a new
date and a current reason.

```yaml
checks:
  waivers:
    - rule: OPS-03
      record: SUP-007
      owner: p-coo
      expires: 2026-03-31   # renewed after the supplier review was rescheduled
      reason: \"supplier review moved to Q1 with the contract renewal\"
```",
    check: Check::Config,
};

const CFG_05: Rule = Rule {
    code: "CFG-05",
    name: "waiver-unused",
    area: Area::Config,
    clause: "",
    default_severity: Severity::Warning,
    summary: "A waiver matched no finding: the exception is stale.",
    explanation: "\
A waiver that no longer matches anything usually means the problem was fixed, or the record was
renamed. Leaving it in place invites it to hide a future, unrelated finding, and auditors read
stale exceptions as a sign that exceptions are not managed.

Fix: remove the waiver, or correct its `rule:` or `record:` so that it matches what it was
meant to cover.

```yaml
checks:
  waivers: []   # R-017's treatment action was completed; waiver removed
```",
    check: Check::Config,
};

/// The configuration rules, reported by the sink itself.
pub(super) const RULES: &[Rule] = &[CFG_01, CFG_02, CFG_03, CFG_04, CFG_05];

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn anyone(_: &str) -> bool {
        true
    }

    fn rule_code(i: usize) -> &'static str {
        // Use real registry rules so the tests follow the registry, whatever it contains.
        registry::all()
            .iter()
            .filter(|r| matches!(r.check, Check::Model(_) | Check::Loader))
            .nth(i)
            .unwrap()
            .code
    }

    fn diag(code: &str, sev: Severity, record: Option<&str>) -> Diagnostic {
        let mut d = Diagnostic::new(code, sev, format!("finding of {code}"));
        d.record = record.map(str::to_string);
        d
    }

    fn codes(o: &Outcome) -> Vec<(String, Severity, bool)> {
        o.findings
            .iter()
            .map(|f| {
                (
                    f.diagnostic.code.clone(),
                    f.diagnostic.severity,
                    f.waiver.is_some(),
                )
            })
            .collect()
    }

    #[test]
    fn no_config_keeps_default_severity_and_fails_on_errors() {
        let a = rule_code(0);
        let sink = Sink::new(&ChecksConfig::default(), &[], date("2025-06-30"), &anyone);
        let o = sink.finish(vec![
            diag(a, Severity::Error, None),
            diag(a, Severity::Warning, Some("x")),
        ]);
        assert!(o.failed());
        assert_eq!(
            o.summary(),
            Summary {
                errors: 1,
                warnings: 1,
                infos: 0,
                waived: 0
            }
        );
    }

    #[test]
    fn config_then_cli_rule_then_cli_level() {
        let a = rule_code(0);
        let b = rule_code(1);
        let config = ChecksConfig {
            rules: vec![
                RuleOverride {
                    rule: a.into(),
                    severity: Some(Severity::Warning),
                    reason: Some("r".into()),
                    ..Default::default()
                },
                RuleOverride {
                    rule: b.into(),
                    severity: Some(Severity::Info),
                    reason: Some("r".into()),
                    ..Default::default()
                },
            ],
            waivers: vec![],
        };
        // Config lowers A to warning; --deny warnings raises it back to error.
        let cli = [CliOverride::parse(Level::Deny, "warnings").unwrap()];
        let o = Sink::new(&config, &cli, date("2025-06-30"), &anyone).finish(vec![
            diag(a, Severity::Error, None),
            diag(b, Severity::Error, None),
        ]);
        let got = codes(&o);
        assert!(got.contains(&(a.to_string(), Severity::Error, false)));
        assert!(got.contains(&(b.to_string(), Severity::Info, false)));

        // A CLI per-rule override beats the config; --allow makes it informational.
        let cli = [CliOverride::parse(Level::Allow, a).unwrap()];
        let o = Sink::new(&config, &cli, date("2025-06-30"), &anyone).finish(vec![diag(
            a,
            Severity::Error,
            None,
        )]);
        assert_eq!(codes(&o), vec![(a.to_string(), Severity::Info, false)]);
        assert!(!o.failed());

        // --warn on a rule, then --deny warnings, ends as an error (per-level comes last).
        let cli = [
            CliOverride::parse(Level::Warn, a).unwrap(),
            CliOverride::parse(Level::Deny, "warnings").unwrap(),
        ];
        let o = Sink::new(&ChecksConfig::default(), &cli, date("2025-06-30"), &anyone)
            .finish(vec![diag(a, Severity::Error, None)]);
        assert_eq!(codes(&o), vec![(a.to_string(), Severity::Error, false)]);
    }

    #[test]
    fn cli_accepts_names_and_rejects_unknown_with_suggestion() {
        let r = registry::all()[0];
        let o = CliOverride::parse(Level::Deny, &r.name.to_uppercase()).unwrap();
        assert!(matches!(o.target, Target::Rule(x) if x.code == r.code));
        let typo = format!("{}x", r.code);
        let e = CliOverride::parse(Level::Warn, &typo).unwrap_err();
        assert_eq!(e.suggestion, Some(r.code));
        assert!(e.to_string().contains("--warn"), "{e}");
    }

    #[test]
    fn disable_needs_reason() {
        let a = rule_code(0);
        let ok = ChecksConfig {
            rules: vec![RuleOverride {
                rule: a.into(),
                disabled: true,
                reason: Some("covered elsewhere".into()),
                ..Default::default()
            }],
            waivers: vec![],
        };
        let sink = Sink::new(&ok, &[], date("2025-06-30"), &anyone);
        assert!(sink.is_disabled(a));
        let o = sink.finish(vec![diag(a, Severity::Error, None)]);
        assert!(o.findings.is_empty());
        assert_eq!(
            o.disabled,
            vec![DisabledRule {
                rule: a,
                reason: "covered elsewhere".into()
            }]
        );

        let bad = ChecksConfig {
            rules: vec![RuleOverride {
                rule: a.into(),
                disabled: true,
                reason: Some("  ".into()),
                ..Default::default()
            }],
            waivers: vec![],
        };
        let sink = Sink::new(&bad, &[], date("2025-06-30"), &anyone);
        assert!(!sink.is_disabled(a));
        let o = sink.finish(vec![diag(a, Severity::Error, None)]);
        let got = codes(&o);
        assert!(
            got.contains(&("CFG-02".to_string(), Severity::Error, false)),
            "{got:?}"
        );
        assert!(
            got.contains(&(a.to_string(), Severity::Error, false)),
            "{got:?}"
        );
    }

    #[test]
    fn lowering_severity_needs_reason_raising_does_not() {
        let warn_rule = registry::all()
            .iter()
            .find(|r| {
                r.default_severity == Severity::Warning
                    && matches!(r.check, Check::Model(_) | Check::Loader | Check::Config)
            })
            .unwrap();
        let config = ChecksConfig {
            rules: vec![RuleOverride {
                rule: warn_rule.code.into(),
                severity: Some(Severity::Error),
                ..Default::default()
            }],
            waivers: vec![],
        };
        let o = Sink::new(&config, &[], date("2025-06-30"), &anyone).finish(vec![diag(
            warn_rule.code,
            Severity::Warning,
            None,
        )]);
        assert_eq!(
            codes(&o),
            vec![(warn_rule.code.to_string(), Severity::Error, false)]
        );

        let config = ChecksConfig {
            rules: vec![RuleOverride {
                rule: warn_rule.code.into(),
                severity: Some(Severity::Info),
                ..Default::default()
            }],
            waivers: vec![],
        };
        let o = Sink::new(&config, &[], date("2025-06-30"), &anyone).finish(vec![diag(
            warn_rule.code,
            Severity::Warning,
            None,
        )]);
        let got = codes(&o);
        assert!(
            got.contains(&("CFG-02".to_string(), Severity::Error, false)),
            "{got:?}"
        );
        assert!(
            got.contains(&(warn_rule.code.to_string(), Severity::Warning, false)),
            "{got:?}"
        );
    }

    #[test]
    fn unknown_rule_in_config_suggests() {
        let r = registry::find("SOA-05").unwrap();
        let typo = r.name.replacen("ified", "ifed", 1);
        let config = ChecksConfig {
            rules: vec![RuleOverride {
                rule: typo.clone(),
                severity: Some(Severity::Error),
                ..Default::default()
            }],
            waivers: vec![Waiver {
                rule: "no-such-rule".into(),
                ..Default::default()
            }],
        };
        let o = Sink::new(&config, &[], date("2025-06-30"), &anyone).finish(vec![]);
        assert_eq!(o.findings.len(), 2);
        assert!(o.findings.iter().all(|f| f.diagnostic.code == "CFG-01"));
        let typo_finding = o
            .findings
            .iter()
            .find(|f| f.diagnostic.message.contains(&typo))
            .unwrap();
        assert!(
            typo_finding
                .diagnostic
                .hint
                .as_deref()
                .unwrap()
                .contains(r.name),
            "{:?}",
            typo_finding.diagnostic.hint
        );
    }

    fn waiver(rule: &str, record: Option<&str>, expires: &str) -> Waiver {
        Waiver {
            rule: rule.into(),
            record: record.map(str::to_string),
            owner: Some("p-cto".into()),
            expires: Some(date(expires)),
            reason: Some("accepted until migration".into()),
            location: Some(Location {
                path: "isms.yaml".into(),
                line: 40,
                column: 7,
                len: 0,
            }),
        }
    }

    #[test]
    fn waiver_on_one_record_waives_only_that_record() {
        let a = rule_code(0);
        let config = ChecksConfig {
            rules: vec![],
            waivers: vec![waiver(a, Some("R-017"), "2026-12-31")],
        };
        let o = Sink::new(&config, &[], date("2025-06-30"), &anyone).finish(vec![
            diag(a, Severity::Error, Some("R-017")),
            diag(a, Severity::Error, Some("R-018")),
        ]);
        let waived: Vec<_> = o.findings.iter().filter(|f| f.waiver.is_some()).collect();
        assert_eq!(waived.len(), 1);
        assert_eq!(waived[0].diagnostic.record.as_deref(), Some("R-017"));
        assert_eq!(waived[0].waiver.as_ref().unwrap().owner, "p-cto");
        assert!(o.failed(), "R-018 is not waived");
        assert_eq!(
            o.summary(),
            Summary {
                errors: 1,
                warnings: 0,
                infos: 0,
                waived: 1
            }
        );
    }

    #[test]
    fn waiver_without_record_waives_all_and_does_not_fail() {
        let a = rule_code(0);
        let config = ChecksConfig {
            rules: vec![],
            waivers: vec![waiver(a, None, "2025-06-30")],
        };
        // Expiry day itself is still covered.
        let o = Sink::new(&config, &[], date("2025-06-30"), &anyone).finish(vec![
            diag(a, Severity::Error, Some("R-1")),
            diag(a, Severity::Error, Some("R-2")),
        ]);
        assert!(o.findings.iter().all(|f| f.waiver.is_some()));
        assert!(!o.failed());
    }

    #[test]
    fn expired_waiver_is_reported_and_waives_nothing() {
        let a = rule_code(0);
        let config = ChecksConfig {
            rules: vec![],
            waivers: vec![waiver(a, Some("R-017"), "2025-06-29")],
        };
        let o = Sink::new(&config, &[], date("2025-06-30"), &anyone).finish(vec![diag(
            a,
            Severity::Error,
            Some("R-017"),
        )]);
        let got = codes(&o);
        assert!(
            got.contains(&("CFG-04".to_string(), Severity::Warning, false)),
            "{got:?}"
        );
        assert!(
            got.contains(&(a.to_string(), Severity::Error, false)),
            "{got:?}"
        );
        let expired = o
            .findings
            .iter()
            .find(|f| f.diagnostic.code == "CFG-04")
            .unwrap();
        assert_eq!(expired.diagnostic.location.as_ref().unwrap().line, 40);
        assert!(o.failed());
    }

    #[test]
    fn incomplete_waiver_is_reported_and_waives_nothing() {
        let a = rule_code(0);
        let mut w = waiver(a, None, "2026-01-01");
        w.reason = None;
        w.expires = None;
        let config = ChecksConfig {
            rules: vec![],
            waivers: vec![w],
        };
        let o = Sink::new(&config, &[], date("2025-06-30"), &anyone).finish(vec![diag(
            a,
            Severity::Error,
            None,
        )]);
        let cfg = o
            .findings
            .iter()
            .find(|f| f.diagnostic.code == "CFG-03")
            .unwrap();
        let hint = cfg.diagnostic.hint.as_deref().unwrap();
        assert!(hint.contains("reason") && hint.contains("expiry"), "{hint}");
        assert!(o.findings.iter().all(|f| f.waiver.is_none()));

        // An owner who is not a person is reported the same way.
        let config = ChecksConfig {
            rules: vec![],
            waivers: vec![waiver(a, None, "2026-01-01")],
        };
        let o = Sink::new(&config, &[], date("2025-06-30"), &|p| p == "p-ceo").finish(vec![diag(
            a,
            Severity::Error,
            None,
        )]);
        let cfg = o
            .findings
            .iter()
            .find(|f| f.diagnostic.code == "CFG-03")
            .unwrap();
        assert!(cfg.diagnostic.hint.as_deref().unwrap().contains("p-cto"));
    }

    #[test]
    fn stale_waiver_is_reported() {
        let a = rule_code(0);
        let config = ChecksConfig {
            rules: vec![],
            waivers: vec![waiver(a, Some("R-099"), "2026-12-31")],
        };
        let o = Sink::new(&config, &[], date("2025-06-30"), &anyone).finish(vec![diag(
            a,
            Severity::Error,
            Some("R-017"),
        )]);
        let got = codes(&o);
        assert!(
            got.contains(&("CFG-05".to_string(), Severity::Warning, false)),
            "{got:?}"
        );
        let stale = o
            .findings
            .iter()
            .find(|f| f.diagnostic.code == "CFG-05")
            .unwrap();
        assert!(stale.diagnostic.message.contains("R-099"));
    }

    #[test]
    fn output_is_sorted() {
        let a = rule_code(0);
        let b = rule_code(1);
        let at = |d: Diagnostic, line| {
            d.at(Location {
                path: "risks.yaml".into(),
                line,
                column: 1,
                len: 0,
            })
        };
        let o = Sink::new(&ChecksConfig::default(), &[], date("2025-06-30"), &anyone).finish(vec![
            at(diag(b, Severity::Error, None), 9),
            at(diag(a, Severity::Error, None), 3),
            at(diag(a, Severity::Error, None), 3),
        ]);
        let lines: Vec<u32> = o
            .findings
            .iter()
            .map(|f| f.diagnostic.location.as_ref().unwrap().line)
            .collect();
        assert_eq!(lines, vec![3, 9], "sorted and exact duplicates removed");
    }
}
