//! `isms soa`: the Statement of Applicability as a table, JSON or CSV, with filters. Rows come
//! from [`crate::views::soa`]; this module only lays them out.

use std::path::PathBuf;

use anyhow::Context as _;

use super::risks::ViewFormat;
use super::term::{self, Paint};
use super::{Global, Status};
use crate::catalogue::Theme;
use crate::views::soa::{self, STATUSES, SoaFilter, SoaRow};

/// Arguments of `isms soa`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Filters combine: a control is listed only when it matches all of them.")]
pub struct Args {
    /// The ISMS repository.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Only controls decided applicable.
    #[arg(long, conflicts_with = "excluded")]
    pub applicable: bool,
    /// Only controls decided excluded.
    #[arg(long)]
    pub excluded: bool,
    /// Only controls with this implementation status: implemented, partial, planned or
    /// not-implemented.
    #[arg(long, value_name = "STATUS", value_parser = parse_status)]
    pub status: Option<String>,
    /// Only controls of this theme: organizational, people, physical or technological.
    #[arg(long, value_name = "THEME", value_parser = parse_theme)]
    pub theme: Option<Theme>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    pub format: ViewFormat,
    /// Largest record file read, in MiB (as for `isms check`).
    #[arg(long, value_name = "MiB", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::loader::MAX_FILE_SIZE_LIMIT_MIB)))]
    pub max_file_size: Option<u32>,
}

fn parse_status(s: &str) -> Result<String, String> {
    STATUSES
        .iter()
        .find(|x| crate::views::same_word(x, s))
        .map(|x| (*x).to_string())
        .or_else(|| crate::views::same_word(s, "partially-implemented").then(|| "partial".into()))
        .ok_or_else(|| format!("unknown status; valid values: {}", STATUSES.join(", ")))
}

fn parse_theme(s: &str) -> Result<Theme, String> {
    Theme::parse(s).ok_or_else(|| {
        "unknown theme; valid values: organizational, people, physical, technological".into()
    })
}

/// Runs `isms soa`. A view: exits 0 whatever it shows, 2 when the folder cannot be read.
pub fn run(args: Args, global: &Global) -> anyhow::Result<Status> {
    let loaded = term::load(&args.dir, args.max_file_size)?;
    let m = &loaded.model;
    if m.soa.is_none() {
        anyhow::bail!(
            "{} has no Statement of Applicability (soa.yaml); `isms init` scaffolds one",
            args.dir.display()
        );
    }
    let filter = SoaFilter {
        applicable: match (args.applicable, args.excluded) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        status: args.status.clone(),
        theme: args.theme,
    };
    let all = soa::rows(m);
    let total = all.len();
    let rows: Vec<SoaRow> = all.into_iter().filter(|r| filter.matches(r)).collect();
    let out = match args.format {
        ViewFormat::Json => {
            serde_json::to_string_pretty(&rows).context("serialising the SoA")? + "\n"
        }
        ViewFormat::Csv => term::csv(&CSV_HEADER, rows.iter().map(csv_row).collect())?,
        ViewFormat::Table => table(&rows, total, global),
    };
    term::write_stdout(&out)?;
    Ok(Status::Success)
}

const CSV_HEADER: [&str; 11] = [
    "id",
    "title",
    "theme",
    "applicable",
    "proposed",
    "status",
    "owner",
    "justification",
    "risks",
    "policies",
    "evidence",
];

fn csv_row(r: &SoaRow) -> Vec<String> {
    vec![
        r.id.clone(),
        r.title.clone(),
        r.theme.clone().unwrap_or_default(),
        r.applicable.map(|a| a.to_string()).unwrap_or_default(),
        r.proposed.to_string(),
        r.status.clone().unwrap_or_default(),
        r.owner.clone().unwrap_or_default(),
        r.justification.clone().unwrap_or_default(),
        r.risks.join(";"),
        r.policies.join(";"),
        r.evidence.to_string(),
    ]
}

fn table(rows: &[SoaRow], total: usize, global: &Global) -> String {
    if rows.is_empty() {
        return format!("no control matches these filters (0 of {total})\n");
    }
    let cells = rows
        .iter()
        .map(|r| {
            let decision = match (r.applicable, r.proposed) {
                (Some(true), false) => "applicable",
                (Some(false), false) => "excluded",
                (Some(true), true) => "applicable?",
                (Some(false), true) => "excluded?",
                (None, _) => "undecided",
            };
            vec![
                r.id.clone(),
                r.title.clone(),
                decision.to_string(),
                r.status.clone().unwrap_or_else(|| "-".into()),
                r.owner.clone().unwrap_or_else(|| "-".into()),
                term::shorten(&r.risks, 2),
                r.justification.clone().unwrap_or_default(),
            ]
        })
        .collect();
    // Yellow: applicable but not (fully) in place; dim: excluded.
    let styles: Vec<&str> = rows
        .iter()
        .map(|r| match (r.applicable, r.status.as_deref()) {
            (Some(false), _) => "2",
            (Some(true), Some("implemented")) => "",
            (Some(true), _) | (None, _) => "33",
        })
        .collect();
    let mut out = term::table(
        &[
            "ID",
            "TITLE",
            "DECISION",
            "STATUS",
            "OWNER",
            "RISKS",
            "JUSTIFICATION",
        ],
        cells,
        // Dropped on narrow terminals: justification, risks, owner.
        term::Layout {
            flex: &[1, 6],
            optional: &[6, 5, 4],
        },
        &styles,
        term::width(),
        Paint {
            color: global.color.enabled(false),
        },
    );
    if rows.len() == total {
        out.push_str(&format!("{total} controls\n"));
    } else {
        out.push_str(&format!("{} of {total} controls\n", rows.len()));
    }
    if rows.iter().any(|r| r.proposed) {
        out.push_str("`?`: a proposal nobody has confirmed yet (`proposed: true`)\n");
    }
    out
}
