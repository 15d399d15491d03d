//! `isms check`: load the repository, run every rule, apply configuration and waivers, and
//! report in the chosen format.
//!
//! Exit codes: 0 when no error remains (waived errors do not count), 1 when errors remain
//! (with `--deny warnings`, warnings count as errors), 2 when the check could not run.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use jiff::civil::Date;

use super::{Global, Status};
use crate::checks::{self, CliOverride, Level};
use crate::report::{self, Format, Options, Report};

/// Arguments of `isms check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ISMS repository to check.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Evaluate date-driven rules (overdue reviews, audits, actions) as of this day instead of
    /// today, so results are reproducible.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, env = "ISMS_AS_OF")]
    pub as_of: Option<Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human, env = "ISMS_FORMAT")]
    pub format: Format,
    /// Make a rule's findings errors; `--deny warnings` makes every warning an error.
    #[arg(long, value_name = "RULE|warnings")]
    pub deny: Vec<String>,
    /// Make a rule's findings warnings.
    #[arg(long, value_name = "RULE")]
    pub warn: Vec<String>,
    /// Make a rule's findings informational (shown, never failing).
    #[arg(long, value_name = "RULE|warnings")]
    pub allow: Vec<String>,
    /// Show every finding in human output, even when one rule has many.
    #[arg(long)]
    pub no_fold: bool,
    /// Skip the Git evidence rules (GIT-nn), which read the repository history.
    #[arg(long)]
    pub no_git: bool,
    /// Largest record file read, in MiB (default: `limits.max_file_size_mib` of isms.yaml,
    /// else 8).
    #[arg(long, value_name = "MiB", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::loader::MAX_FILE_SIZE_LIMIT_MIB)))]
    pub max_file_size: Option<u32>,
    /// Add the rules of another framework (`nis2`, `csf` or one defined in frameworks/*.csv):
    /// requirements mapped only to excluded controls, or not mapped and unanswered. Repeatable;
    /// adds to `frameworks:` of isms.yaml.
    #[arg(long = "framework", value_name = "ID")]
    pub frameworks: Vec<String>,
}

/// Adds the frameworks named on the command line to those whose rules `isms check` runs;
/// an unknown name stops the command (exit 2) with the list of known ones.
pub fn select_frameworks(model: &mut crate::model::Isms, names: &[String]) -> anyhow::Result<()> {
    for n in names {
        let Some(fw) = crate::frameworks::find(model, n) else {
            anyhow::bail!(
                "`{n}` is not a framework isms knows; available: {} (see `isms frameworks`)",
                crate::frameworks::ids(model).join(", ")
            );
        };
        let id = fw.id.clone();
        if !model.selected_frameworks.contains(&id) {
            model.selected_frameworks.push(id);
        }
    }
    Ok(())
}

/// The loader's options from `--max-file-size`.
pub fn load_options(max_file_size_mib: Option<u32>) -> crate::loader::LoadOptions {
    crate::loader::LoadOptions {
        max_file_size: max_file_size_mib.map(|m| u64::from(m) * 1024 * 1024),
    }
}

/// Parses `YYYY-MM-DD` strictly (no times, no other forms).
pub fn parse_date(s: &str) -> Result<Date, String> {
    let t = s.trim();
    if t.len() != 10 {
        return Err(format!(
            "`{s}` is not a date; write YYYY-MM-DD, e.g. 2025-06-30"
        ));
    }
    t.parse::<Date>().map_err(|_| {
        format!("`{s}` is not a valid date; write YYYY-MM-DD with a real calendar day")
    })
}

/// Turns the `--deny`/`--warn`/`--allow` values into overrides, refusing unknown rules and a
/// rule named by two different flags.
pub fn cli_overrides(
    deny: &[String],
    warn: &[String],
    allow: &[String],
) -> anyhow::Result<Vec<CliOverride>> {
    let mut out: Vec<CliOverride> = Vec::new();
    for (level, values) in [
        (Level::Deny, deny),
        (Level::Warn, warn),
        (Level::Allow, allow),
    ] {
        for v in values {
            let o = CliOverride::parse(level, v)?;
            if let checks::sink::Target::Rule(r) = o.target
                && let Some(prev) = out.iter().find(|p| {
                    matches!(p.target, checks::sink::Target::Rule(x) if x.code == r.code)
                        && p.level != level
                })
            {
                anyhow::bail!(
                    "{} is named by both {} and {}; choose one",
                    r.code,
                    flag(prev.level),
                    flag(level)
                );
            }
            out.push(o);
        }
    }
    Ok(out)
}

fn flag(l: Level) -> &'static str {
    match l {
        Level::Deny => "--deny",
        Level::Warn => "--warn",
        Level::Allow => "--allow",
    }
}

/// Treats a closed pipe (`isms check | head`) as a normal end of output.
pub fn ignore_broken_pipe(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The folder of `dir` relative to the enclosing Git work tree, `/`-separated and ending in
/// `/` (empty when `dir` is the work tree root or not in one). CI systems want paths relative
/// to the repository root.
pub fn repo_prefix(dir: &Path) -> String {
    let Ok(dir) = dir.canonicalize() else {
        return String::new();
    };
    let mut cur = Some(dir.as_path());
    while let Some(p) = cur {
        if p.join(".git").exists() {
            let Ok(rel) = dir.strip_prefix(p) else {
                return String::new();
            };
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            return if parts.is_empty() {
                String::new()
            } else {
                format!("{}/", parts.join("/"))
            };
        }
        cur = p.parent();
    }
    String::new()
}

/// Runs `isms check`.
pub fn run(args: Args, global: &Global) -> anyhow::Result<Status> {
    let cli = cli_overrides(&args.deny, &args.warn, &args.allow)?;
    if !args.dir.exists() {
        anyhow::bail!(
            "{} does not exist (give the folder that contains isms.yaml)",
            args.dir.display()
        );
    }
    if !args.dir.is_dir() {
        anyhow::bail!(
            "{} is not a folder (give the folder that contains isms.yaml)",
            args.dir.display()
        );
    }
    let started = std::time::Instant::now();
    // The Git history is read while the records load: neither needs the other.
    let (loaded, trail) = std::thread::scope(|s| {
        let trail = (!args.no_git).then(|| s.spawn(|| crate::evidence::Trail::read(&args.dir)));
        let loaded = crate::loader::load_with(&args.dir, load_options(args.max_file_size));
        let trail = trail.map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (loaded, trail)
    });
    let mut loaded = loaded.with_context(|| format!("cannot check {}", args.dir.display()))?;
    global.loaded(&loaded, started);
    select_frameworks(&mut loaded.model, &args.frameworks)?;
    let as_of = super::evaluation_date(args.as_of, &loaded.model, global)?;
    let outcome = match trail {
        Some(trail) => checks::check_with_trail(trail, &loaded, &cli, as_of),
        None => checks::check_loaded(&loaded, &cli, as_of),
    };

    let options = Options {
        color: args.format == Format::Human && global.color.enabled(false),
        fold: !args.no_fold,
        path_prefix: repo_prefix(&args.dir),
    };
    let report = Report {
        outcome: &outcome,
        sources: &loaded.model.sources,
        options: &options,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = report::emit(args.format, &report, &mut out).and_then(|()| out.flush());
    ignore_broken_pipe(written).context("writing the report")?;
    if args.format == Format::Github {
        write_job_summary(&outcome);
    }
    Ok(if outcome.failed() {
        Status::Failure
    } else {
        Status::Success
    })
}

/// Appends the findings by rule to the GitHub Actions job summary when the runner provides
/// one (`$GITHUB_STEP_SUMMARY`, a file other steps append to as well). A summary that cannot
/// be written is reported on standard error; the annotations are already out, so the check
/// result stands.
fn write_job_summary(outcome: &checks::Outcome) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let text = crate::report::github::job_summary(outcome);
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = written {
        eprintln!(
            "warning: cannot write the job summary to {} (GITHUB_STEP_SUMMARY): {e}",
            std::path::Path::new(&path).display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2025-06-30").is_ok());
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("2025-6-30").is_err());
        assert!(parse_date("2025-06-30T10:00").is_err());
    }

    #[test]
    fn overrides_parse_and_conflict() {
        let code = crate::checks::registry::all()[0].code.to_string();
        let ok = cli_overrides(&["warnings".into(), code.clone()], &[], &[]).unwrap();
        assert_eq!(ok.len(), 2);
        let err =
            cli_overrides(std::slice::from_ref(&code), &[], &[code.to_lowercase()]).unwrap_err();
        assert!(err.to_string().contains("--deny and --allow"), "{err}");
        let err = cli_overrides(&[], &["NOPE-1".into()], &[]).unwrap_err();
        assert!(err.to_string().contains("--warn NOPE-1"), "{err}");
    }

    #[test]
    fn prefix_outside_git_is_empty() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(repo_prefix(tmp.path()), "");
        std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
        std::fs::create_dir_all(tmp.path().join("examples/acme")).unwrap();
        assert_eq!(
            repo_prefix(&tmp.path().join("examples/acme")),
            "examples/acme/"
        );
        assert_eq!(repo_prefix(tmp.path()), "");
    }
}
