//! `isms status`: the PDCA dashboard on one screen. The numbers come from
//! [`crate::status`]; this module only lays them out (text) or serialises them (JSON).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use jiff::civil::Date;

use super::check::{ignore_broken_pipe, load_options, parse_date};
use super::{Global, Status};
use crate::checks;
use crate::diagnostic::Severity;
use crate::status::{Dashboard, DueItem, HeatMap, Window};

/// Output format of `isms status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum StatusFormat {
    /// A dashboard for the terminal.
    #[default]
    Text,
    /// The same data as JSON, for other tools.
    Json,
}

/// Arguments of `isms status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ISMS repository.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Compute the dashboard as of this day instead of today, so results are reproducible.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, env = "ISMS_AS_OF")]
    pub as_of: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
    /// Skip the Git evidence rules (GIT-nn), which read the repository history.
    #[arg(long)]
    pub no_git: bool,
    /// Largest record file read, in MiB (as for `isms check`).
    #[arg(long, value_name = "MiB", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::loader::MAX_FILE_SIZE_LIMIT_MIB)))]
    pub max_file_size: Option<u32>,
}

/// Runs `isms status`. The dashboard is information: it exits 0 whatever it shows, and 2 only
/// when the repository cannot be read.
pub fn run(args: Args, global: &Global) -> anyhow::Result<Status> {
    if !args.dir.is_dir() {
        anyhow::bail!(
            "{} is not a folder (give the folder that contains isms.yaml)",
            args.dir.display()
        );
    }
    let started = std::time::Instant::now();
    let loaded = crate::loader::load_with(&args.dir, load_options(args.max_file_size))
        .with_context(|| format!("cannot read {}", args.dir.display()))?;
    global.loaded(&loaded, started);
    let as_of = super::evaluation_date(args.as_of, &loaded.model, global)?;
    let outcome = if args.no_git {
        checks::check_loaded(&loaded, &[], as_of)
    } else {
        checks::check_repository(&args.dir, &loaded, &[], as_of)
    };
    let dash = crate::status::dashboard(
        &loaded.model,
        &outcome,
        crate::model::Date(as_of),
        !args.no_git,
    );
    let text = match args.format {
        StatusFormat::Json => {
            let mut s = serde_json::to_string_pretty(&dash).context("serialising the dashboard")?;
            s.push('\n');
            s
        }
        StatusFormat::Text => text(
            &dash,
            Style {
                color: global.color.enabled(false),
            },
        ),
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    ignore_broken_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
        .context("writing the dashboard")?;
    Ok(Status::Success)
}

#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn paint(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }
    fn severity(self, s: Severity) -> String {
        match s {
            Severity::Error => self.paint("1;31", "error"),
            Severity::Warning => self.paint("1;33", "warn "),
            Severity::Info => self.paint("1;34", "info "),
        }
    }
}

/// "1 warning", "3 warnings".
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A bar of 20 cells for a percentage.
fn bar(percent: u32) -> String {
    let full = (percent.min(100) / 5) as usize;
    format!("{}{}", "#".repeat(full), ".".repeat(20 - full))
}

/// Lays the dashboard out for a terminal.
fn text(d: &Dashboard, st: Style) -> String {
    let mut o = String::new();
    let org = d.organisation.as_deref().unwrap_or("ISMS");
    let _ = writeln!(
        o,
        "{}",
        st.bold(&format!("{org}: ISMS status as of {}", d.as_of))
    );
    let _ = writeln!(o);

    // Readiness.
    let _ = writeln!(o, "{}", st.bold("Readiness by clause area"));
    let _ = writeln!(o, "  {:<58} {:>5} {:>5} {:>5}", "area", "pass", "fail", "%");
    for a in &d.areas {
        let r = &a.readiness;
        let _ = writeln!(
            o,
            "  {:<58} {:>5} {:>5} {:>4}% {}",
            a.title,
            r.passing,
            r.failing,
            r.percent,
            bar(r.percent)
        );
    }
    let r = &d.overall;
    let _ = writeln!(
        o,
        "  {:<58} {:>5} {:>5} {:>4}% {}",
        "All areas",
        r.passing,
        r.failing,
        r.percent,
        bar(r.percent)
    );
    let _ = writeln!(
        o,
        "  Readiness = rules with no outstanding error / rules applied ({} of {}).\n  \
         Warnings do not count against it ({}, {} outstanding); 100% means no\n  \
         open error, not that an auditor will find nothing.{}",
        r.passing,
        r.applicable,
        plural(r.warnings, "warning"),
        plural(r.errors, "error"),
        if d.git {
            ""
        } else {
            "\n  Git evidence rules were not run (--no-git)."
        }
    );
    if !d.rules_ran {
        let _ = writeln!(
            o,
            "  {}",
            st.paint(
                "1;31",
                "No isms.yaml: the clause rules were not run, so only loading is counted."
            )
        );
    } else if !d.records_loaded {
        let _ = writeln!(
            o,
            "  {}\n  the rules cannot see them, so the figures above read too high.",
            st.paint("1;31", "Some records did not load (see the LOAD to-dos):")
        );
    }
    let _ = writeln!(o);

    // To-dos.
    let _ = writeln!(
        o,
        "{}",
        st.bold(&format!(
            "Next things to do ({} of {})",
            d.todo.len(),
            d.todo_total
        ))
    );
    if d.todo.is_empty() {
        let _ = writeln!(o, "  nothing outstanding");
    }
    for (i, t) in d.todo.iter().enumerate() {
        let count = if t.count > 1 {
            format!(" ({} findings)", t.count)
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "  {:>2}. {} {} {}{count}",
            i + 1,
            st.severity(t.severity),
            t.rule,
            t.what
        );
        if let Some(first) = &t.first {
            let more = if t.count > 1 { " (first)" } else { "" };
            let _ = writeln!(o, "             at {first}{more}");
        }
        if let Some(h) = &t.hint {
            let _ = writeln!(o, "             fix: {h}");
        }
    }
    let _ = writeln!(o);

    // Due dates.
    let c = &d.due_counts;
    let _ = writeln!(
        o,
        "{}",
        st.bold(&format!(
            "Due dates: {} overdue, {} within 30 days, {} within 90 days",
            c.overdue, c.within_30_days, c.within_90_days
        ))
    );
    for (w, title) in [
        (Window::Overdue, "Overdue"),
        (Window::Within30Days, "Within 30 days"),
        (Window::Within90Days, "Within 90 days"),
    ] {
        let items: Vec<&DueItem> = d.due.iter().filter(|i| i.window == w).collect();
        if items.is_empty() {
            continue;
        }
        let heading = if w == Window::Overdue {
            st.paint("1;31", title)
        } else {
            title.to_string()
        };
        let _ = writeln!(o, "  {heading}");
        for i in items {
            let days = match i.days {
                n if n < 0 => format!("{} days late", -n),
                0 => "today".to_string(),
                1 => "in 1 day".to_string(),
                -1 => "1 day late".to_string(),
                n => format!("in {n} days"),
            };
            let at = i
                .location
                .as_ref()
                .map_or_else(String::new, |l| format!("  [{l}]"));
            let _ = writeln!(o, "    {} ({days:>13})  {}{at}", i.due, i.what);
        }
    }
    if d.due.is_empty() {
        let _ = writeln!(o, "  nothing dated falls due within 90 days");
    }
    let _ = writeln!(o);

    // Risks.
    let rs = &d.risks;
    let _ = writeln!(o, "{}", st.bold(&format!("Risks ({})", rs.total)));
    if let Some(t) = &rs.acceptance_threshold {
        let _ = writeln!(
            o,
            "  acceptance threshold: {t}; residual above it: {}",
            rs.residual_above_threshold
        );
    } else {
        let _ = writeln!(
            o,
            "  no risk methodology in isms.yaml: levels cannot be computed"
        );
    }
    if !rs.levels.is_empty() {
        let _ = writeln!(o, "  {:<20} {:>9} {:>9}", "level", "inherent", "residual");
        for l in &rs.levels {
            let mark = if l.acceptable { " (acceptable)" } else { "" };
            let _ = writeln!(
                o,
                "  {:<20} {:>9} {:>9}",
                format!("{}{mark}", l.level),
                l.inherent,
                l.residual
            );
        }
    }
    let _ = writeln!(
        o,
        "  without a level: {} inherent, {} residual",
        rs.inherent_unrated, rs.residual_unrated
    );
    if rs.ratings_to_confirm > 0 {
        let _ = writeln!(
            o,
            "  {} ratings are proposals still marked `to_confirm:` (counted at the proposed level)",
            rs.ratings_to_confirm
        );
    }
    if let (Some(i), Some(r)) = (&rs.inherent_map, &rs.residual_map) {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "  Heat maps: likelihood (rows, highest first) x impact (columns). A number counts risks;\n  an empty cell shows '-' when its level is acceptable, '.' when above the threshold."
        );
        let left = map_lines(i, "Inherent");
        let right = map_lines(r, "Residual");
        let width = left.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        for n in 0..left.len().max(right.len()) {
            let l = left.get(n).map_or("", String::as_str);
            let r = right.get(n).map_or("", String::as_str);
            let pad = width - l.chars().count();
            let _ = writeln!(o, "  {l}{}    {r}", " ".repeat(pad));
        }
    } else if rs.quantitative {
        let _ = writeln!(o, "  quantitative methodology: no likelihood x impact grid");
    }
    if let Some(a) = &d.acknowledgements {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{}",
            st.bold(&format!(
                "Policy acknowledgements ({}%: {} of {})",
                a.percent, a.acknowledged, a.expected
            ))
        );
        for p in &a.policies {
            let version = p
                .version
                .as_ref()
                .map_or_else(String::new, |v| format!(" {v}"));
            let overdue = if p.overdue.is_empty() {
                String::new()
            } else {
                format!("; overdue: {}", p.overdue.join(", "))
            };
            let _ = writeln!(
                o,
                "  {}{version} (approved {}): {} of {}{overdue}",
                p.policy, p.approved, p.acknowledged, p.expected
            );
        }
    }
    o
}

/// One heat map as text lines: a header with impact values, then one row per likelihood.
fn map_lines(m: &HeatMap, title: &str) -> Vec<String> {
    let cell = |s: &str| format!("{s:>3}");
    let mut lines = vec![format!("{title:<5}"), {
        let mut h = "L\\I  ".to_string();
        for i in &m.impact {
            h.push_str(&cell(i));
        }
        h
    }];
    for row in &m.rows {
        let mut line = format!("{:>3}  ", row.likelihood);
        for (n, ok) in row.counts.iter().zip(&row.acceptable) {
            let s = match (n, ok) {
                (0, Some(true)) => "-".to_string(),
                (0, _) => ".".to_string(),
                (n, _) => n.to_string(),
            };
            line.push_str(&cell(&s));
        }
        lines.push(line);
    }
    lines
}
