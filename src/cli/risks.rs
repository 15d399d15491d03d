//! `isms risks`: the risk register as a table, JSON or CSV, with filters and sort orders.
//! Rows and levels come from [`crate::views::risks`]; this module only lays them out.

use std::path::PathBuf;

use anyhow::Context as _;
use jiff::civil::Date;

use super::check::parse_date;
use super::term::{self, Paint};
use super::{Global, Status};
use crate::model;
use crate::views::risks::{self, Level, RiskFilter, RiskRow, RiskSort, RiskStatus};

/// Output format of the register views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ViewFormat {
    /// A table fitted to the terminal width.
    #[default]
    Table,
    /// A JSON array of records, for other tools.
    Json,
    /// CSV with one row per record; lists joined with `;`.
    Csv,
}

/// Arguments of `isms risks`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Filters combine: a risk is listed only when it matches all of them. Levels are \
                  computed with the methodology in isms.yaml; --level matches the band label (or \
                  the number) of the residual level, or of the inherent level while there is no \
                  residual rating."
)]
pub struct Args {
    /// The ISMS repository.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Only risks owned by this person id.
    #[arg(long, value_name = "PERSON")]
    pub owner: Option<String>,
    /// Only risks at this level: a band label of the methodology (`high`) or a level number.
    #[arg(long, value_name = "BAND")]
    pub level: Option<String>,
    /// Only risks with this treatment: mitigate, accept, transfer or avoid.
    #[arg(long, value_name = "OPTION", value_parser = parse_treatment)]
    pub treatment: Option<String>,
    /// Only risks in this state: unrated, untreated, in-treatment, awaiting-acceptance,
    /// accepted or acceptance-lapsed.
    #[arg(long, value_name = "STATUS", value_parser = parse_status)]
    pub status: Option<RiskStatus>,
    /// Only risks treated by this Annex A control (`5.10`, never matching `5.1`).
    #[arg(long, value_name = "ID")]
    pub control: Option<String>,
    /// Sort order.
    #[arg(long, value_enum, default_value_t = RiskSort::Id)]
    pub sort: RiskSort,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    pub format: ViewFormat,
    /// The day acceptances are judged on (lapsed or not), instead of today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, env = "ISMS_AS_OF")]
    pub as_of: Option<Date>,
    /// Largest record file read, in MiB (as for `isms check`).
    #[arg(long, value_name = "MiB", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::loader::MAX_FILE_SIZE_LIMIT_MIB)))]
    pub max_file_size: Option<u32>,
}

fn parse_treatment(s: &str) -> Result<String, String> {
    let t = s.trim().to_ascii_lowercase();
    match t.as_str() {
        "mitigate" | "modify" | "reduce" => Ok("mitigate".into()),
        "accept" | "retain" => Ok("accept".into()),
        "transfer" | "share" => Ok("transfer".into()),
        "avoid" => Ok("avoid".into()),
        _ => Err("unknown treatment; valid values: mitigate, accept, transfer, avoid".into()),
    }
}

fn parse_status(s: &str) -> Result<RiskStatus, String> {
    RiskStatus::parse(s).ok_or_else(|| {
        let names: Vec<&str> = RiskStatus::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown status; valid values: {}", names.join(", "))
    })
}

/// Runs `isms risks`. A view: exits 0 whatever it shows, 2 when the folder cannot be read.
pub fn run(args: Args, global: &Global) -> anyhow::Result<Status> {
    let loaded = term::load(&args.dir, args.max_file_size)?;
    let as_of = model::Date(super::evaluation_date(args.as_of, &loaded.model, global)?);
    let m = &loaded.model;
    let filter = RiskFilter {
        owner: args.owner.clone(),
        level: args.level.clone(),
        treatment: args.treatment.clone(),
        status: args.status,
        control: args.control.clone(),
    };
    if let Some(l) = &args.level
        && let Some(meth) = m.methodology()
        && !meth.bands.is_empty()
        && l.trim().parse::<f64>().is_err()
        && !meth
            .bands
            .iter()
            .any(|b| crate::views::same_word(&b.label.value, l))
    {
        let names: Vec<&str> = meth.bands.iter().map(|b| b.label.value.as_str()).collect();
        anyhow::bail!(
            "--level {l}: the methodology in isms.yaml has no such band; its bands are: {}",
            names.join(", ")
        );
    }
    let mut rows: Vec<RiskRow> = risks::rows(m, as_of)
        .into_iter()
        .filter(|r| filter.matches(r))
        .collect();
    risks::sort(&mut rows, args.sort);
    let total = m.risks.len();
    let out = match args.format {
        ViewFormat::Json => {
            serde_json::to_string_pretty(&rows).context("serialising the risks")? + "\n"
        }
        ViewFormat::Csv => term::csv(&CSV_HEADER, rows.iter().map(csv_row).collect())?,
        ViewFormat::Table => table(&rows, total, m.methodology().is_some(), global),
    };
    term::write_stdout(&out)?;
    Ok(Status::Success)
}

const CSV_HEADER: [&str; 15] = [
    "id",
    "title",
    "owner",
    "inherent_level",
    "inherent_value",
    "residual_level",
    "residual_value",
    "residual_acceptable",
    "treatment",
    "status",
    "controls",
    "accepted_by",
    "accepted_until",
    "open_actions",
    "next_due",
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn csv_row(r: &RiskRow) -> Vec<String> {
    let value = |l: Option<&Level>| opt(l.map(|l| model::fmt_level(l.value)));
    vec![
        r.id.clone(),
        r.title.clone(),
        opt(r.owner.as_ref()),
        opt(r.inherent.as_ref().map(|l| &l.label)),
        value(r.inherent.as_ref()),
        opt(r.residual.as_ref().map(|l| &l.label)),
        value(r.residual.as_ref()),
        opt(r.residual.as_ref().map(|l| l.acceptable)),
        opt(r.treatment.as_ref()),
        r.status.as_str().to_string(),
        r.controls.join(";"),
        r.acceptance
            .as_ref()
            .map(|a| a.by.join(";"))
            .unwrap_or_default(),
        opt(r.acceptance.as_ref().and_then(|a| a.until)),
        r.open_actions.to_string(),
        opt(r.next_due),
    ]
}

/// A level for the table: the band or number, `?` marking a rating still to confirm.
fn level_cell(l: Option<&Level>) -> String {
    match l {
        Some(l) if l.to_confirm => format!("{}?", l.label),
        Some(l) => l.label.clone(),
        None => "-".to_string(),
    }
}

fn table(rows: &[RiskRow], total: usize, has_methodology: bool, global: &Global) -> String {
    if rows.is_empty() {
        return format!("no risk matches these filters (0 of {total})\n");
    }
    let cells = rows
        .iter()
        .map(|r| {
            let acceptance = match &r.acceptance {
                Some(a) if !a.by.is_empty() => match a.until {
                    Some(u) => format!("{} until {u}", a.by.join("+")),
                    None => a.by.join("+"),
                },
                _ => "-".to_string(),
            };
            vec![
                r.id.clone(),
                r.title.clone(),
                r.owner.clone().unwrap_or_else(|| "-".into()),
                level_cell(r.inherent.as_ref()),
                level_cell(r.residual.as_ref()),
                r.treatment.clone().unwrap_or_else(|| "-".into()),
                r.status.as_str().to_string(),
                if r.controls.is_empty() {
                    "-".to_string()
                } else {
                    term::shorten(&r.controls, 2)
                },
                acceptance,
            ]
        })
        .collect();
    // Red: residual (or, unrated after treatment, inherent) above the acceptance threshold.
    let styles: Vec<&str> = rows
        .iter()
        .map(|r| match r.current_level() {
            Some(l) if !l.acceptable => "31",
            _ => "",
        })
        .collect();
    let mut out = term::table(
        &[
            "ID",
            "TITLE",
            "OWNER",
            "INHERENT",
            "RESIDUAL",
            "TREATMENT",
            "STATUS",
            "CONTROLS",
            "ACCEPTED",
        ],
        cells,
        // Dropped on narrow terminals: acceptance, controls, inherent level, treatment.
        term::Layout {
            flex: &[1],
            optional: &[8, 7, 3, 5],
        },
        &styles,
        term::width(),
        Paint {
            color: global.color.enabled(false),
        },
    );
    if rows.len() == total {
        out.push_str(&format!("{total} risks\n"));
    } else {
        out.push_str(&format!("{} of {total} risks\n", rows.len()));
    }
    if !has_methodology {
        out.push_str("no risk methodology in isms.yaml: levels cannot be computed\n");
    }
    out
}
