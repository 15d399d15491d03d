//! `isms init`: scaffold a complete startup ISMS into a new folder.
//!
//! Exit codes: 0 when the files were written, 2 when nothing could be done (unknown template,
//! non-empty folder without `--force`, write error). A failure to create the Git repository
//! after the files were written is also exit 2, with a message saying the files are there.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{Global, Status};
use crate::scaffold::{self, GitOutcome, InitOptions, InitReport};

/// Arguments of `isms init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to create the ISMS in (created if missing; must be empty unless --force).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Name of the organisation, written into the records (default: a visible placeholder).
    #[arg(long, value_name = "NAME")]
    pub org: Option<String>,
    /// Template to start from.
    #[arg(
        long,
        value_name = "NAME",
        default_value = scaffold::DEFAULT_TEMPLATE,
        value_parser = clap::builder::PossibleValuesParser::new(scaffold::template_names()),
    )]
    pub template: String,
    /// Do not create a Git repository or commit the files.
    #[arg(long)]
    pub no_git: bool,
    /// Accept a non-empty folder: add only the missing files, never overwrite existing ones.
    #[arg(long)]
    pub force: bool,
}

/// Runs `isms init`.
pub fn run(args: Args, _global: &Global) -> anyhow::Result<Status> {
    let options = InitOptions {
        dir: args.dir.clone(),
        org: args.org,
        template: args.template,
        git: !args.no_git,
        force: args.force,
        today: super::today()?,
    };
    let report = scaffold::init(&options)?;
    let mut out = io::stdout().lock();
    print_report(&mut out, &args.dir, &report).context("cannot write to standard output")?;
    if let GitOutcome::ExistingRepository { workdir } = &report.git
        && let Some(warning) = inside_another_repository(&args.dir, workdir)
    {
        eprintln!("{warning}");
    }
    Ok(Status::Success)
}

/// The warning for an ISMS scaffolded inside a repository that is not its own (`isms init
/// my-isms` run from some checkout), or `None` when `dir` is the top of that repository (the
/// user ran `git init` first). We warn rather than refuse: an ISMS in a sub-folder of the
/// organisation's repository (`compliance/isms`) is a supported layout, but made by accident
/// it puts the ISMS's history (approvals, evidence dates) into a stranger's repository.
fn inside_another_repository(dir: &Path, workdir: &Path) -> Option<String> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let top = canon(workdir);
    if canon(dir) == top {
        return None;
    }
    let name = dir.file_name().map_or_else(
        || "my-isms".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let outside = top
        .parent()
        .map_or_else(|| PathBuf::from(&name), |p| p.join(&name));
    Some(format!(
        "warning: {} is inside the Git repository {}, so its history (approvals, evidence dates, \
         `isms log`) will be that repository's.\n\
         help: if that is not intended, delete {} and run `isms init {}` (a folder outside {}) \
         to get a repository of its own, or `isms init --no-git` to keep the files without Git; \
         to keep the ISMS in this repository, review the new files and commit them there",
        dir.display(),
        top.display(),
        dir.display(),
        outside.display(),
        top.display(),
    ))
}

/// Lists paths, with the editor schemas as one line: they are not records to fill in.
fn print_paths(out: &mut dyn Write, paths: &[String]) -> io::Result<()> {
    let dir = format!("{}/", crate::schema::SCHEMA_DIR);
    let schemas = paths.iter().filter(|p| p.starts_with(&dir)).count();
    for path in paths.iter().filter(|p| !p.starts_with(&dir)) {
        writeln!(out, "  {path}")?;
    }
    if schemas > 0 {
        writeln!(
            out,
            "  {dir} ({schemas} JSON Schemas for editors, see docs/editors.md)"
        )?;
    }
    Ok(())
}

/// Prints what was created, what was skipped, what happened with Git, and the next steps.
fn print_report(out: &mut dyn Write, dir: &std::path::Path, r: &InitReport) -> io::Result<()> {
    let shown = dir.display();
    writeln!(
        out,
        "Created {} file(s) in {shown} from template `{}` (organisation: {}):",
        r.created.len(),
        r.template.name,
        r.org
    )?;
    print_paths(out, &r.created)?;
    if !r.skipped.is_empty() {
        writeln!(
            out,
            "Skipped {} existing file(s), left unchanged:",
            r.skipped.len()
        )?;
        print_paths(out, &r.skipped)?;
    }
    match &r.git {
        GitOutcome::Disabled => writeln!(out, "Git: skipped (--no-git).")?,
        GitOutcome::Committed { commit, author } => {
            let short = commit.get(..12).unwrap_or(commit);
            writeln!(
                out,
                "Git: created a repository and committed {short} \"{}\" as {author}.",
                scaffold::COMMIT_MESSAGE
            )?;
        }
        GitOutcome::ExistingRepository { workdir } => writeln!(
            out,
            "Git: {shown} is inside the existing repository {}; nothing was committed. Review the new files and commit them yourself.",
            workdir.display()
        )?,
        GitOutcome::NothingToCommit => writeln!(out, "Git: nothing new to commit.")?,
    }
    writeln!(out)?;
    writeln!(out, "Next steps:")?;
    writeln!(
        out,
        "  1. Read {} and replace the placeholders (\"to fill in\", `# to do:` comments).",
        dir.join("README.md").display()
    )?;
    writeln!(
        out,
        "  2. Review every risk in risks.yaml and every control in soa.yaml with its owner."
    )?;
    writeln!(
        out,
        "  3. Run `isms check {shown}` to see what is still to do."
    )?;
    Ok(())
}
