//! `isms completions` and `isms man`: shell completion scripts and man pages generated from the
//! same clap definitions as the parser, so they never drift from the real options.

use std::path::PathBuf;

use anyhow::Context;
use clap::CommandFactory;

use super::{Cli, Global, Status};
use crate::fsutil::{self, Overwrite};

/// Arguments of `isms completions`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    isms completions bash > ~/.local/share/bash-completion/completions/isms\n  \
    isms completions zsh > \"${fpath[1]}/_isms\"\n  \
    isms completions fish > ~/.config/fish/completions/isms.fish")]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `isms man`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    isms man | man -l -\n  \
    isms man --out ~/.local/share/man/man1")]
pub struct ManArgs {
    /// Folder to write one page per command into (`isms.1`, `isms-check.1`, ...); without it
    /// the page of `isms` itself goes to standard output.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace pages that already exist in the folder.
    #[arg(long)]
    pub force: bool,
}

/// Runs `isms completions`.
pub fn completions(args: CompletionsArgs, _global: &Global) -> anyhow::Result<Status> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "isms", &mut out);
    Ok(Status::Success)
}

/// Every man page of `cmd` and its visible subcommands, as (file name, roff text).
fn pages(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut text = Vec::new();
    man.render(&mut text)?;
    out.push((man.get_filename(), text));
    // `help` is clap's own subcommand: its page would only repeat the others.
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        pages(sub, out)?;
    }
    Ok(())
}

/// Runs `isms man`.
pub fn man(args: ManArgs, global: &Global) -> anyhow::Result<Status> {
    let mut cmd = Cli::command();
    // Building names every subcommand `isms-<name>`, which the pages use as title and file name.
    cmd.build();
    let mut all = Vec::new();
    pages(&cmd, &mut all).context("cannot render the man pages")?;
    let Some(dir) = args.out else {
        use std::io::Write;
        let (_, top) = all.first().context("no man page was rendered")?;
        std::io::stdout().lock().write_all(top)?;
        return Ok(Status::Success);
    };
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!(
            "--out {} is a file, not a folder: give the folder to write the man pages into",
            dir.display()
        );
    }
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    if !args.force {
        let existing: Vec<&str> = all
            .iter()
            .filter(|(name, _)| dir.join(name).exists())
            .map(|(name, _)| name.as_str())
            .collect();
        if !existing.is_empty() {
            anyhow::bail!(
                "{} page(s) already exist in {} ({}): pass --force to replace them",
                existing.len(),
                dir.display(),
                existing.join(", ")
            );
        }
    }
    for (name, text) in &all {
        fsutil::write_atomic(&dir, std::path::Path::new(name), text, overwrite)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| "pass --force to replace the existing pages")?;
    }
    if !global.quiet {
        eprintln!("wrote {} man page(s) to {}", all.len(), dir.display());
    }
    Ok(Status::Success)
}
