//! `isms calendar`: every due date of the ISMS as an iCalendar file to subscribe to or import.
//! Events come from [`crate::views::calendar`]; this module only writes them.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use jiff::civil::Date;

use super::check::parse_date;
use super::term;
use super::{Global, Status};
use crate::fsutil::{Overwrite, write_atomic};
use crate::model;
use crate::views::calendar;

/// Output format of `isms calendar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum CalendarFormat {
    /// iCalendar (RFC 5545), for calendar applications.
    #[default]
    Ics,
    /// The same events as JSON.
    Json,
}

/// Arguments of `isms calendar`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each event's UID comes from the record id and the kind of due date, so importing \
                  a newer export moves events instead of duplicating them. DTSTAMP is midnight UTC \
                  of --as-of (or today), so the same records and date give the same file."
)]
pub struct Args {
    /// The ISMS repository.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Write the calendar to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CalendarFormat::Ics)]
    pub format: CalendarFormat,
    /// Compute due dates as of this day instead of today (also the DTSTAMP of every event).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, env = "ISMS_AS_OF")]
    pub as_of: Option<Date>,
    /// Largest record file read, in MiB (as for `isms check`).
    #[arg(long, value_name = "MiB", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::loader::MAX_FILE_SIZE_LIMIT_MIB)))]
    pub max_file_size: Option<u32>,
}

/// Runs `isms calendar`.
pub fn run(args: Args, global: &Global) -> anyhow::Result<Status> {
    let loaded = term::load(&args.dir, args.max_file_size)?;
    let as_of = model::Date(super::evaluation_date(args.as_of, &loaded.model, global)?);
    let events = calendar::events(&loaded.model, as_of);
    let text = match args.format {
        CalendarFormat::Ics => calendar::to_ics(&loaded.model, &events, as_of)
            .map_err(|_| anyhow::anyhow!("could not format the calendar"))?,
        CalendarFormat::Json => {
            serde_json::to_string_pretty(&events).context("serialising the calendar")? + "\n"
        }
    };
    match &args.out {
        None => term::write_stdout(&text)?,
        Some(file) => {
            let name = file
                .file_name()
                .with_context(|| format!("{} is not a file name", file.display()))?;
            let parent = match file.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let overwrite = if args.force {
                Overwrite::Replace
            } else {
                Overwrite::Refuse
            };
            let written = write_atomic(&parent, Path::new(name), text.as_bytes(), overwrite)
                .map_err(anyhow::Error::from)?;
            eprintln!("wrote {} ({} events)", written.display(), events.len());
        }
    }
    Ok(Status::Success)
}
