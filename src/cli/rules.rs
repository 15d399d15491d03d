//! `isms rules` lists the rules `isms check` applies; `isms explain CODE` prints one of them
//! with why an auditor cares and how to fix it.

use std::io::Write;

use anyhow::Context as _;
use serde::Serialize;

use super::{Global, Status};
use crate::checks::registry;
use crate::checks::{Area, Rule};

/// Output format of `isms rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RulesFormat {
    /// An aligned table, one rule per line.
    #[default]
    Table,
    /// A JSON array with every field of every rule.
    Json,
    /// The Markdown reference page (this is how docs/rules.md is generated).
    Markdown,
}

/// Arguments of `isms rules`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
    /// Only the rules of this area (soa, context, leadership, risk, objectives, support,
    /// operation, audit, review, improvement, annex-a, evidence, load, config).
    #[arg(long, value_name = "AREA")]
    pub area: Option<String>,
}

/// Output format of `isms explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ExplainFormat {
    /// Readable text.
    #[default]
    Text,
    /// The rule as a JSON object.
    Json,
}

/// Arguments of `isms explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule, by code or name, in any case (`SOA-05`, `soa-05`, `soa-exclusion-justified`).
    #[arg(value_name = "RULE")]
    pub rule: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

/// A rule as written in JSON.
#[derive(Serialize)]
struct JsonRule {
    code: &'static str,
    name: &'static str,
    area: Area,
    clause: &'static str,
    default_severity: crate::diagnostic::Severity,
    checked_by: &'static str,
    summary: &'static str,
    explanation: &'static str,
}

impl From<&Rule> for JsonRule {
    fn from(r: &Rule) -> Self {
        JsonRule {
            code: r.code,
            name: r.name,
            area: r.area,
            clause: r.clause,
            default_severity: r.default_severity,
            checked_by: r.check.kind(),
            summary: r.summary,
            explanation: r.explanation.trim(),
        }
    }
}

fn parse_area(s: &str) -> anyhow::Result<Area> {
    Area::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Area::ALL.iter().map(|a| a.as_str()).collect();
        let hint = crate::diagnostic::did_you_mean(&s.to_ascii_lowercase(), names.iter().copied())
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        anyhow::anyhow!("unknown area `{s}`{hint}; areas are: {}", names.join(", "))
    })
}

/// Writes the table of rules.
fn write_table(out: &mut dyn Write, rules: &[&Rule]) -> std::io::Result<()> {
    let name_w = rules.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
    let clause_w = rules
        .iter()
        .map(|r| r.clause.len())
        .max()
        .unwrap_or(6)
        .max(6);
    writeln!(
        out,
        "{:<8} {:<name_w$} {:<8} {:<clause_w$} SUMMARY",
        "CODE", "NAME", "SEVERITY", "CLAUSE"
    )?;
    for r in rules {
        let clause = if r.clause.is_empty() { "-" } else { r.clause };
        writeln!(
            out,
            "{:<8} {:<name_w$} {:<8} {:<clause_w$} {}",
            r.code,
            r.name,
            r.default_severity.as_str(),
            clause,
            r.summary
        )?;
    }
    Ok(())
}

/// Runs `isms rules`.
pub fn run(args: Args, _global: &Global) -> anyhow::Result<Status> {
    let area = args.area.as_deref().map(parse_area).transpose()?;
    let rules: Vec<&Rule> = registry::all()
        .iter()
        .copied()
        .filter(|r| area.is_none_or(|a| r.area == a))
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match args.format {
        RulesFormat::Table => write_table(&mut out, &rules),
        RulesFormat::Json => {
            let json: Vec<JsonRule> = rules.iter().map(|r| JsonRule::from(*r)).collect();
            serde_json::to_writer_pretty(&mut out, &json)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out))
        }
        RulesFormat::Markdown => {
            anyhow::ensure!(
                area.is_none(),
                "--format markdown writes the whole reference page; drop --area"
            );
            out.write_all(registry::markdown().as_bytes())
        }
    };
    super::check::ignore_broken_pipe(result).context("writing the rule list")?;
    Ok(Status::Success)
}

/// The text `isms explain` prints for a rule.
pub fn explain_text(r: &Rule) -> String {
    let clause = if r.clause.is_empty() {
        "- (tool rule)".to_string()
    } else {
        r.clause_label()
    };
    format!(
        "{code}  {name}\n\n\
         area:        {area}\n\
         clause:      {clause}\n\
         severity:    {sev} (default; change it in isms.yaml under checks.rules)\n\
         checked by:  {kind}\n\n\
         {summary}\n\n\
         {explanation}\n",
        code = r.code,
        name = r.name,
        area = r.area.title(),
        sev = r.default_severity,
        kind = r.check.kind(),
        summary = r.summary,
        explanation = r.explanation.trim(),
    )
}

/// Runs `isms explain`.
pub fn explain(args: ExplainArgs, _global: &Global) -> anyhow::Result<Status> {
    let Some(rule) = registry::find(&args.rule) else {
        let hint = registry::suggest(&args.rule)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        anyhow::bail!(
            "no rule has the code or name `{}`{hint}; `isms rules` lists them all",
            args.rule
        );
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match args.format {
        ExplainFormat::Text => out.write_all(explain_text(rule).as_bytes()),
        ExplainFormat::Json => serde_json::to_writer_pretty(&mut out, &JsonRule::from(rule))
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out)),
    };
    super::check::ignore_broken_pipe(result).context("writing the explanation")?;
    Ok(Status::Success)
}
