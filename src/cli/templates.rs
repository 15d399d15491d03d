//! `isms templates`: export the built-in document templates to customise them, and list which
//! template (yours or the built-in) each name resolves to.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;

use super::{Global, Status};
use crate::fsutil::{Overwrite, WriteError, write_atomic};
use crate::render::engine::{BUILTINS, Engine, USER_TEMPLATE_DIR, read_user_templates};

/// Arguments of `isms templates`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: TemplatesCommand,
}

#[derive(Debug, Subcommand)]
enum TemplatesCommand {
    /// Copy the built-in templates into DIR (e.g. `templates/` of your ISMS) to customise them.
    ///
    /// A file in the ISMS repository's `templates/` folder replaces the built-in template of
    /// the same name; delete the ones you do not change so they keep following new releases.
    #[command(after_help = "Example:\n  isms templates export templates/")]
    Export {
        /// Folder to write the templates into (created if missing).
        dir: PathBuf,
        /// Overwrite templates that already exist in DIR.
        #[arg(long)]
        force: bool,
    },
    /// List every template name and whether it resolves to your file or the built-in one.
    #[command(after_help = "Example:\n  isms templates list -C .")]
    List {
        /// The ISMS repository whose `templates/` folder overrides the built-ins.
        #[arg(short = 'C', long = "dir", default_value = ".")]
        dir: PathBuf,
    },
}

/// Runs `isms templates`.
pub fn run(args: Args, _global: &Global) -> anyhow::Result<Status> {
    match args.command {
        TemplatesCommand::Export { dir, force } => export(&dir, force),
        TemplatesCommand::List { dir } => list(&dir),
    }
}

fn export(dir: &Path, force: bool) -> anyhow::Result<Status> {
    let overwrite = if force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    if !force {
        // Check every target first so a refusal leaves the folder untouched.
        let existing: Vec<String> = BUILTINS
            .iter()
            .filter(|b| dir.join(b.name).exists())
            .map(|b| dir.join(b.name).display().to_string())
            .collect();
        if !existing.is_empty() {
            anyhow::bail!(
                "{} template(s) already exist (use --force to overwrite them): {}",
                existing.len(),
                existing.join(", ")
            );
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut out = std::io::stdout().lock();
    for b in BUILTINS {
        let path = write_atomic(dir, Path::new(b.name), b.text.as_bytes(), overwrite)
            .map_err(|e: WriteError| anyhow::anyhow!(e))?;
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(Status::Success)
}

fn list(dir: &Path) -> anyhow::Result<Status> {
    let user = read_user_templates(dir)?;
    let mut rows: Vec<(String, String)> = BUILTINS
        .iter()
        .map(|b| (b.name.to_string(), "built-in".to_string()))
        .collect();
    for t in &user {
        let origin = format!("user: {}", t.path.display());
        match rows.iter_mut().find(|(n, _)| *n == t.name) {
            Some(row) => row.1 = origin,
            None => rows.push((t.name.clone(), origin)),
        }
    }
    rows.sort();
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let mut out = std::io::stdout().lock();
    for (name, origin) in &rows {
        writeln!(out, "{name:<width$}  {origin}")?;
    }
    // Listing is also the quickest way to validate customised templates.
    match Engine::new(&user) {
        Ok(_) => Ok(Status::Success),
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "hint: fix the file above, or delete it from {}/ to use the built-in template",
                USER_TEMPLATE_DIR
            );
            Ok(Status::Failure)
        }
    }
}
