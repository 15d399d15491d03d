//! `isms frameworks`: the frameworks available (built in and the repository's own), and for
//! one framework its requirements with the mapped ISO/IEC 27001:2022 references and this
//! ISMS's decisions for them.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::ValueEnum;
use jiff::civil::Date;
use serde::Serialize;

use super::check::parse_date;
use super::{Global, Status};
use crate::frameworks::{self, Framework, RequirementCoverage, coverage};
use crate::model::Isms;

/// Where the built-in data comes from, for `--help`.
const ATTRIBUTION_HELP: &str = "\
Built-in data and its sources:
  nis2  Annex of Commission Implementing Regulation (EU) 2024/2690 (EUR-Lex; reuse authorised
        by Commission Decision 2011/833/EU). Mapping © European Union Agency for Cybersecurity
        (ENISA), 2025, \"NIS2 Technical Implementation Guidance\" (June 2025, v1.0), CC BY 4.0;
        changed: converted to a CSV of requirement ids and ISO/IEC 27001:2022 references.
  csf   NIST Cybersecurity Framework 2.0 (NIST CSWP 29) and NIST's informative reference CSF 2.0
        to ISO/IEC 27001:2022 (2025-06-13); credit: National Institute of Standards and
        Technology.
Every relation is \"intersect\": a mapped control is relevant evidence for a requirement, not
proof that the requirement is fulfilled.";

/// Output format of `isms frameworks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Text for people.
    #[default]
    Text,
    /// JSON.
    Json,
}

/// Arguments of `isms frameworks`.
#[derive(Debug, clap::Args)]
#[command(after_help = ATTRIBUTION_HELP)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    /// The ISMS repository (its own frameworks in frameworks/*.csv, its decisions).
    #[arg(
        short = 'C',
        long = "dir",
        value_name = "DIR",
        default_value = ".",
        global = true
    )]
    dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    format: Format,
    /// Evidence ages as of this day instead of today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, env = "ISMS_AS_OF", global = true)]
    as_of: Option<Date>,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// List the frameworks available (the default).
    #[command(
        after_help = "Examples:\n  isms frameworks list\n  isms frameworks list -C examples/acme-saas --format json"
    )]
    List,
    /// Show a framework's requirements, or one requirement, with the mapped ISO/IEC
    /// 27001:2022 references and this ISMS's decisions for them.
    #[command(
        after_help = "Examples:\n  isms frameworks show nis2\n  isms frameworks show nis2 13.1.1 -C examples/acme-saas\n  isms frameworks show csf GV.OC --format json"
    )]
    Show {
        /// Framework id: `nis2`, `csf` or one defined in frameworks/*.csv.
        framework: String,
        /// A requirement id (`1.1.1.a`, `GV.OC-01`), or a section id for its requirements.
        requirement: Option<String>,
    },
}

#[derive(Serialize)]
struct ListRow<'a> {
    id: &'a str,
    name: &'a str,
    builtin: bool,
    requirements: usize,
    mappings: usize,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    files: &'a [String],
    attribution: &'a [String],
}

/// Loads the repository when `dir` is one; the built-in frameworks need none.
fn load(dir: &Path) -> anyhow::Result<(Isms, Vec<crate::diagnostic::Diagnostic>)> {
    if !dir.join("isms.yaml").is_file() && !dir.join("frameworks").is_dir() {
        return Ok((Isms::default(), Vec::new()));
    }
    let loaded =
        crate::loader::load(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let diags = loaded
        .diagnostics
        .into_iter()
        .filter(|d| d.code.starts_with("FWK-"))
        .collect();
    Ok((loaded.model, diags))
}

/// Runs `isms frameworks`.
pub fn run(args: Args, global: &Global) -> anyhow::Result<Status> {
    let (isms, diags) = load(&args.dir)?;
    // Problems in the repository's own framework files do not stop the listing, but must not
    // go unnoticed either.
    for d in &diags {
        let at = d
            .location
            .as_ref()
            .map_or_else(String::new, |l| format!("{l}: "));
        eprintln!("{}: {at}{} [{}]", d.severity, d.message, d.code);
    }
    let today = crate::model::Date(super::evaluation_date(args.as_of, &isms, global)?);
    let mut out = String::new();
    match &args.command {
        None | Some(Sub::List) => list(&isms, args.format, &mut out)?,
        Some(Sub::Show {
            framework,
            requirement,
        }) => {
            let Some(fw) = frameworks::find(&isms, framework) else {
                anyhow::bail!(
                    "`{framework}` is not a framework isms knows; available: {}",
                    frameworks::ids(&isms).join(", ")
                );
            };
            show(
                &isms,
                fw,
                requirement.as_deref(),
                today,
                args.format,
                &mut out,
            )?;
        }
    }
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    super::check::ignore_broken_pipe(lock.write_all(out.as_bytes()).and_then(|()| lock.flush()))
        .context("writing the output")?;
    Ok(
        if diags
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
        {
            Status::Failure
        } else {
            Status::Success
        },
    )
}

fn list(isms: &Isms, format: Format, out: &mut String) -> anyhow::Result<()> {
    let all = frameworks::available(isms);
    let rows: Vec<ListRow<'_>> = all
        .iter()
        .map(|f| ListRow {
            id: &f.id,
            name: &f.name,
            builtin: f.builtin,
            requirements: f.requirements().count(),
            mappings: f.mappings.len(),
            files: &f.files,
            attribution: &f.attribution,
        })
        .collect();
    if format == Format::Json {
        out.push_str(&serde_json::to_string_pretty(&rows)?);
        out.push('\n');
        return Ok(());
    }
    let w = rows.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    let _ = writeln!(
        out,
        "{:w$}  {:>12}  {:>8}  {:8}  NAME",
        "ID", "REQUIREMENTS", "MAPPINGS", "SOURCE"
    );
    for r in &rows {
        let source = if r.builtin { "built-in" } else { "own" };
        let _ = writeln!(
            out,
            "{:w$}  {:>12}  {:>8}  {:8}  {}",
            r.id, r.requirements, r.mappings, source, r.name
        );
    }
    out.push_str("\nSources:\n");
    for r in &rows {
        for (i, line) in r.attribution.iter().enumerate() {
            let head = if i == 0 { r.id } else { "" };
            let _ = writeln!(out, "  {head:w$}  {line}");
        }
    }
    Ok(())
}

/// The requirements `want` selects: one requirement, or those under a section.
fn selected<'a>(fw: &'a Framework, want: &str) -> anyhow::Result<Vec<&'a frameworks::Node>> {
    let Some(node) = fw.node(want) else {
        let hint = crate::diagnostic::did_you_mean(want, fw.nodes.iter().map(|n| n.id.as_str()))
            .map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
        anyhow::bail!("{} has no requirement or section `{want}`{hint}", fw.id);
    };
    if node.requirement {
        return Ok(vec![node]);
    }
    let under = |n: &frameworks::Node| {
        let mut cur = n.parent.as_deref();
        for _ in 0..fw.nodes.len() {
            match cur {
                Some(p) if p == want => return true,
                Some(p) => cur = fw.node(p).and_then(|x| x.parent.as_deref()),
                None => return false,
            }
        }
        false
    };
    Ok(fw.requirements().filter(|n| under(n)).collect())
}

fn show(
    isms: &Isms,
    fw: &Framework,
    requirement: Option<&str>,
    today: crate::model::Date,
    format: Format,
    out: &mut String,
) -> anyhow::Result<()> {
    let mut cov = coverage::coverage(isms, fw, today);
    if let Some(want) = requirement {
        let ids: Vec<String> = selected(fw, want)?.iter().map(|n| n.id.clone()).collect();
        cov.requirements.retain(|r| ids.contains(&r.id));
        let sections: Vec<String> = cov.requirements.iter().map(|r| r.section.clone()).collect();
        cov.sections.retain(|s| sections.contains(&s.id));
        let mut total = frameworks::SectionRollup {
            id: cov.total.id.clone(),
            title: cov.total.title.clone(),
            ..Default::default()
        };
        for r in &cov.requirements {
            total.add(r);
        }
        cov.total = total;
    }
    if format == Format::Json {
        out.push_str(&serde_json::to_string_pretty(&cov)?);
        out.push('\n');
        return Ok(());
    }
    let _ = writeln!(out, "{} ({})", fw.name, fw.id);
    let one = requirement.is_some() && cov.requirements.len() == 1;
    if !one {
        let t = &cov.total;
        let _ = writeln!(
            out,
            "{} requirements: {} covered by implemented controls, {} partly, {} only by excluded or planned controls, {} not mapped to ISO, {} not applicable; {} with an own answer",
            t.requirements,
            t.covered,
            t.partly,
            t.excluded_or_planned,
            t.not_mapped,
            t.not_applicable,
            t.answered
        );
        out.push('\n');
    }
    let mut section = String::new();
    for r in &cov.requirements {
        if one {
            requirement_detail(isms, fw, r, out);
            continue;
        }
        if r.section != section {
            section.clone_from(&r.section);
            if let Some(s) = cov.sections.iter().find(|s| s.id == r.section) {
                let _ = writeln!(
                    out,
                    "{} {} — {}/{} covered, {} partly, {} excluded or planned, {} not mapped",
                    s.id,
                    one_line(&s.title, 70),
                    s.covered,
                    s.requirements,
                    s.partly,
                    s.excluded_or_planned,
                    s.not_mapped
                );
            }
        }
        let refs = r
            .refs
            .iter()
            .map(|d| d.reference.clone())
            .collect::<Vec<_>>()
            .join(" ");
        let answered = if r.answer.is_some() {
            " (own answer)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:12} {}{answered}: {}",
            r.id,
            r.class_label,
            if refs.is_empty() {
                "-".to_string()
            } else {
                refs
            }
        );
    }
    out.push('\n');
    for line in &fw.attribution {
        let _ = writeln!(out, "{line}");
    }
    Ok(())
}

fn one_line(s: &str, max: usize) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > max {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn requirement_detail(isms: &Isms, fw: &Framework, r: &RequirementCoverage, out: &mut String) {
    let node = fw.node(&r.id);
    let section = fw
        .node(&r.section)
        .map_or_else(String::new, |s| one_line(s.title(), 90));
    let _ = writeln!(out, "\n{} (section {} {section})", r.id, r.section);
    if let Some(n) = node {
        if !n.name.is_empty() {
            let _ = writeln!(out, "  {}", n.name);
        }
        if !n.text.is_empty() {
            let _ = writeln!(out, "  {}", one_line(&n.text, 400));
        }
    }
    let _ = writeln!(out, "  Coverage: {}", r.class_label);
    if r.refs.is_empty() {
        let _ = writeln!(out, "  Mapped ISO/IEC 27001:2022 references: none");
    } else {
        let _ = writeln!(
            out,
            "  Mapped ISO/IEC 27001:2022 references ({}):",
            r.refs[0].relationship
        );
    }
    for d in &r.refs {
        let decision = if d.kind == "clause" {
            "clause of the ISMS (mandatory)".to_string()
        } else {
            let applicable = match d.applicable {
                Some(true) => "applicable",
                Some(false) => "excluded",
                None => "not decided in the SoA",
            };
            let mut parts = vec![applicable.to_string()];
            if let Some(s) = d.status {
                parts.push(s.to_string());
            }
            if let Some(o) = &d.owner {
                let name = isms.person(o).map_or(o.clone(), |p| p.name.value.clone());
                parts.push(format!("owner {name}"));
            }
            match (&d.evidence_newest, d.evidence_age_days) {
                (Some(n), Some(age)) => parts.push(format!("evidence {n} ({age} days old)")),
                _ if d.evidence > 0 => {
                    parts.push(format!("{} evidence item(s), undated", d.evidence))
                }
                _ => parts.push("no evidence".into()),
            }
            parts.join(", ")
        };
        let _ = writeln!(
            out,
            "    {:8} {} — {decision}",
            d.reference,
            one_line(&d.title, 60)
        );
    }
    if let Some(a) = &r.answer {
        let _ = writeln!(out, "  Own answer ({}):", a.location);
        if let Some(s) = a.status {
            let _ = writeln!(out, "    status: {s}");
        }
        if let Some(o) = &a.owner {
            let _ = writeln!(out, "    owner: {o}");
        }
        if let Some(n) = &a.notes {
            let _ = writeln!(out, "    notes: {}", one_line(n, 300));
        }
        for e in &a.evidence {
            let _ = writeln!(out, "    evidence: {e}");
        }
    }
}
