//! `isms schema`: the JSON Schemas of the record files, for editors and other tools.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{Global, Status};
use crate::fsutil::{Overwrite, write_atomic};
use crate::schema::{self, SchemaKind};

/// Arguments of `isms schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the schema of this kind of file (isms, context, risks, soa, policy, ...). Without
    /// it and without `--out`, lists the kinds.
    #[arg(value_name = "KIND")]
    pub kind: Option<String>,
    /// Write every schema into DIR (e.g. `.isms/schemas` of a repository).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace schema files in DIR that differ from the generated ones.
    #[arg(long)]
    pub force: bool,
}

/// Runs `isms schema`.
pub fn run(args: Args, _global: &Global) -> anyhow::Result<Status> {
    let mut stdout = std::io::stdout().lock();
    if let Some(name) = &args.kind {
        let Some(kind) = SchemaKind::ALL.iter().find(|k| k.name() == name.as_str()) else {
            let names: Vec<&str> = SchemaKind::ALL.iter().map(|k| k.name()).collect();
            anyhow::bail!(
                "there is no schema `{name}`; the kinds are: {}",
                names.join(", ")
            );
        };
        if args.out.is_some() {
            anyhow::bail!("give either a KIND to print or `--out DIR` to write them all");
        }
        stdout.write_all(schema::schema_text(*kind).as_bytes())?;
        return Ok(Status::Success);
    }
    let Some(dir) = &args.out else {
        for k in SchemaKind::ALL {
            writeln!(stdout, "{:<16} {}", k.name(), k.file_name())?;
        }
        return Ok(Status::Success);
    };
    let written = write_all(dir, args.force)?;
    writeln!(
        stdout,
        "{written} schema file(s) written to {} ({} up to date)",
        dir.display(),
        SchemaKind::ALL.len() - written
    )?;
    Ok(Status::Success)
}

/// Writes every schema into `dir`, leaving identical files alone and refusing to replace
/// different ones unless `force`. Returns how many files were written.
pub fn write_all(dir: &Path, force: bool) -> anyhow::Result<usize> {
    let files = schema::all();
    let differing: Vec<&str> = files
        .iter()
        .filter(|(name, text)| {
            std::fs::read_to_string(dir.join(name)).is_ok_and(|old| old != *text)
        })
        .map(|(name, _)| name.as_str())
        .collect();
    if !differing.is_empty() && !force {
        anyhow::bail!(
            "{} schema file(s) in {} differ from this release's (use --force to replace them): {}",
            differing.len(),
            dir.display(),
            differing.join(", ")
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = 0;
    for (name, text) in &files {
        if std::fs::read_to_string(dir.join(name)).is_ok_and(|old| old == *text) {
            continue;
        }
        write_atomic(dir, Path::new(name), text.as_bytes(), Overwrite::Replace)
            .with_context(|| format!("cannot write {name}"))?;
        written += 1;
    }
    Ok(written)
}
