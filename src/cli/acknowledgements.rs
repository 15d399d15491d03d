//! `isms import acknowledgements FILE`: adds policy acknowledgements from the CSV export of an
//! HR or e-signature system to `acknowledgements.yaml`, through the editing layer. Nothing is
//! written when any row has a problem.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;

use super::{Global, Status};
use crate::acknowledgements;
use crate::fsutil::Overwrite;

/// Arguments of `isms import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    what: ImportWhat,
}

#[derive(Debug, clap::Subcommand)]
enum ImportWhat {
    /// Policy acknowledgements from a CSV with the columns person (id, name or e-mail), policy
    /// (id or title), version, date (YYYY-MM-DD) and method. An empty version means the
    /// version in force on the date.
    #[command(
        after_help = "Examples:\n  isms import acknowledgements hr-export.csv --dry-run\n  isms import acknowledgements hr-export.csv -C acme-isms"
    )]
    Acknowledgements(AckArgs),
}

#[derive(Debug, clap::Args)]
struct AckArgs {
    /// The CSV file.
    file: PathBuf,
    /// The ISMS repository.
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Print the change as a unified diff and write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Runs `isms import`.
pub fn run(args: ImportArgs, _global: &Global) -> anyhow::Result<Status> {
    match args.what {
        ImportWhat::Acknowledgements(a) => import_acknowledgements(a),
    }
}

fn import_acknowledgements(a: AckArgs) -> anyhow::Result<Status> {
    let size = std::fs::metadata(&a.file)
        .with_context(|| format!("cannot read {}", a.file.display()))?
        .len();
    if size > crate::loader::MAX_FILE_SIZE {
        anyhow::bail!(
            "{} is larger than {} MiB; split the export",
            a.file.display(),
            crate::loader::MAX_FILE_SIZE / 1024 / 1024
        );
    }
    let bytes =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let Ok(text) = String::from_utf8(bytes) else {
        anyhow::bail!(
            "{} is not UTF-8 text; export the CSV as UTF-8",
            a.file.display()
        );
    };
    let loaded =
        crate::loader::load(&a.dir).with_context(|| format!("cannot read {}", a.dir.display()))?;
    let isms = &loaded.model;
    if isms.manifest.is_none() {
        anyhow::bail!(
            "{} has no readable isms.yaml: people cannot be matched (run `isms check` to see why)",
            a.dir.display()
        );
    }
    let rows = match acknowledgements::read(isms, &text) {
        Ok(rows) => rows,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {}:{}: {}", a.file.display(), e.line, e.message);
            }
            eprintln!(
                "nothing imported: {} problem(s) in {}; fix the rows and run the import again",
                errors.len(),
                a.file.display()
            );
            return Ok(Status::Failure);
        }
    };
    let plan = acknowledgements::plan(isms, rows);
    let (set, rel) = acknowledgements::changes(&a.dir, &plan)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if a.dry_run {
        write!(out, "{}", set.diff())?;
    } else if !set.is_empty() {
        set.apply(&a.dir, Overwrite::Refuse)?;
    }
    let verb = if a.dry_run { "would add" } else { "added" };
    writeln!(
        out,
        "{verb} {} acknowledgement(s) to {rel}; {} already recorded",
        plan.new.len(),
        plan.already
    )?;
    Ok(Status::Success)
}
