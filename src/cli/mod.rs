//! The command-line layer. Each subcommand lives in its own module with an `Args` struct
//! (clap derive; doc comments are the help text) and a `run` function.
//!
//! Exit codes: 0 success, 1 the command ran and found errors, 2 the command could not run.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub mod acknowledgements;
pub mod calendar;
pub mod check;
pub mod controls;
pub mod decide;
pub mod evidence;
pub mod frameworks;
pub mod import;
pub mod init;
pub mod log;
pub mod lsp;
pub mod migrate;
pub mod new;
pub mod pack;
pub mod render;
pub mod risks;
pub mod rules;
pub mod schema;
pub mod shell;
pub mod soa;
pub mod status;
pub mod templates;
pub mod term;

/// Exit status of a command, mapped onto the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Ran and found nothing that fails the run (exit 0).
    Success,
    /// Ran and found errors (exit 1).
    Failure,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> Self {
        match s {
            Status::Success => ExitCode::SUCCESS,
            Status::Failure => ExitCode::from(1),
        }
    }
}

/// When to use colours in terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colours when standard output is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always use colours.
    Always,
    /// Never use colours.
    Never,
}

impl ColorChoice {
    /// Whether to colour output written to stdout (or stderr when `stderr` is true).
    pub fn enabled(self, stderr: bool) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                let tty = if stderr {
                    std::io::stderr().is_terminal()
                } else {
                    std::io::stdout().is_terminal()
                };
                !no_color && tty
            }
        }
    }
}

/// Today's date, or the date in `ISMS_TODAY` when it is set ([`crate::clock::today`]).
pub fn today() -> anyhow::Result<jiff::civil::Date> {
    Ok(crate::clock::today()?)
}

/// The date a command evaluates the ISMS on: `--as-of` when given, else the repository's own
/// `as_of` (a frozen example, announced on stderr so nobody mistakes it for today), else today.
pub fn evaluation_date(
    flag: Option<jiff::civil::Date>,
    isms: &crate::model::Isms,
    global: &Global,
) -> anyhow::Result<jiff::civil::Date> {
    let (d, source) = crate::clock::evaluation_date(flag, isms)?;
    if source == crate::clock::DateSource::Frozen {
        global.note(format_args!(
            "evaluated as of {d}, the date fixed by `as_of` in isms.yaml; \
             pass --as-of to evaluate on another date"
        ));
    }
    Ok(d)
}

/// The date a command records a decision or a new record on: `--on` when given, else the
/// repository's frozen `as_of` (so records added to a frozen example are not dated after it),
/// else today.
pub fn record_date(
    flag: Option<jiff::civil::Date>,
    isms: &crate::model::Isms,
) -> anyhow::Result<jiff::civil::Date> {
    Ok(crate::clock::record_date(flag, isms)?)
}

/// Options shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, env = "ISMS_COLOR")]
    pub color: ColorChoice,
    /// Print results and errors only: no notes or progress on standard error.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also say on standard error what was read and how long it took.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

impl Global {
    /// A note for people (standard error), unless `--quiet`.
    pub fn note(&self, message: std::fmt::Arguments<'_>) {
        if !self.quiet {
            eprintln!("note: {message}");
        }
    }

    /// Detail printed only with `--verbose` (standard error).
    pub fn detail(&self, message: std::fmt::Arguments<'_>) {
        if self.verbose {
            eprintln!("info: {message}");
        }
    }

    /// With `--verbose`, what a load read and how long it took.
    pub fn loaded(&self, loaded: &crate::loader::Loaded, started: std::time::Instant) {
        if self.verbose {
            let files = loaded.model.sources.files().count();
            let problems = loaded.diagnostics.len();
            eprintln!(
                "info: read {files} file(s) in {} ms, {problems} load problem(s)",
                started.elapsed().as_millis()
            );
        }
    }
}

/// `isms --version`: the package version and the commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("ISMS_BUILD_COMMIT"),
    ")"
);

/// Run an ISO/IEC 27001:2022 ISMS as code: plain-text records in Git, checked and rendered.
#[derive(Debug, Parser)]
#[command(
    name = "isms",
    version = VERSION,
    about,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scaffold a complete startup ISMS from the built-in templates.
    #[command(after_help = "Example:\n  isms init ~/acme-isms --org \"Acme Ltd\"")]
    Init(init::Args),
    /// Validate the records against ISO/IEC 27001:2022 clauses 4-10 and Annex A.
    #[command(
        after_help = "Examples:\n  isms check .\n  isms check . --format sarif > isms.sarif\n  \
                            isms check . --as-of 2026-12-01 --deny warnings"
    )]
    Check(check::Args),
    /// List the 93 Annex A controls, or show one.
    Controls(controls::Args),
    /// List the rules `isms check` applies.
    #[command(after_help = "Examples:\n  isms rules\n  isms rules --format markdown > rules.md")]
    Rules(rules::Args),
    /// Explain one rule: why an auditor cares and how to fix it.
    #[command(after_help = "Example:\n  isms explain RSK-10")]
    Explain(rules::ExplainArgs),
    /// Render audit-ready documents (SoA, risk register, policies, ...).
    #[command(after_help = "Examples:\n  isms render . --out build\n  \
                            isms render soa --format xlsx -o soa.xlsx\n  \
                            isms render . --audit-pack audit-pack.zip")]
    Render(render::Args),
    /// Work with the document templates (export the defaults to customise them).
    #[command(after_help = "Example:\n  isms templates export templates/")]
    Templates(templates::Args),
    /// Show the change history of the ISMS, a record or a document, from Git.
    #[command(after_help = "Examples:\n  isms log -n 20\n  isms log policies/access-control.md")]
    Log(log::Args),
    /// The PDCA dashboard: readiness per clause area, next to-dos, due dates and risk levels.
    #[command(
        after_help = "Examples:\n  isms status\n  isms status --format json --as-of 2026-12-01"
    )]
    Status(status::Args),
    /// Add a record (risk, asset, policy, ...) with the next free id.
    #[command(
        after_help = "Examples:\n  isms new risk --title \"Laptop theft\" --owner p-cto --asset A-03\n  \
                      isms new policy --title \"Clean desk\" --owner p-security-lead --dry-run"
    )]
    New(Box<new::Args>),
    /// Record an approval (a document, the SoA, the scope, the risk methodology, a treatment plan).
    #[command(
        after_help = "Examples:\n  isms approve POL-01 --by p-ceo\n  isms approve soa --by p-ceo --on 2026-12-01 --commit"
    )]
    Approve(decide::ApproveArgs),
    /// Record the acceptance of a risk's residual risk.
    #[command(
        after_help = "Example:\n  isms accept R-001 --by p-cto --rationale \"Within the risk appetite\""
    )]
    Accept(decide::AcceptArgs),
    /// Close a nonconformity with its root cause and effectiveness review.
    #[command(
        after_help = "Example:\n  isms close NC-2026-01 --root-cause \"No review step\" --effectiveness \"No recurrence in 3 months\""
    )]
    Close(decide::CloseArgs),
    /// Mark a treatment-plan, review or corrective action done.
    #[command(
        after_help = "Examples:\n  isms done RTP-001-1\n  isms done 'R-001#2' --on 2026-12-01"
    )]
    Done(decide::DoneArgs),
    /// Confirm a proposal of the scaffold: a risk's ratings, or a proposed SoA exclusion.
    #[command(
        after_help = "Examples:\n  isms confirm R-001 --by p-security-lead\n  isms confirm 7.6 --by p-ceo"
    )]
    Confirm(decide::ConfirmArgs),
    /// Other frameworks (NIS2, NIST CSF 2.0, your own) mapped to ISO/IEC 27001:2022, with this
    /// ISMS's decisions for each requirement.
    Frameworks(frameworks::Args),
    /// Write the shell completion script for bash, zsh, fish, PowerShell or elvish.
    Completions(shell::CompletionsArgs),
    /// Write man pages for isms and every subcommand.
    Man(shell::ManArgs),
    /// The risk register as a table (or JSON/CSV), with filters by owner, level, treatment, status and control.
    Risks(risks::Args),
    /// The Statement of Applicability as a table (or JSON/CSV), with filters.
    Soa(soa::Args),
    /// Export every due date (reviews, actions, audits, expiries) as an iCalendar file.
    Calendar(calendar::Args),
    /// Work with audit packs (verify one against its manifest).
    Pack(pack::Args),
    /// Print or write the JSON Schemas of the record files (for editors).
    #[command(
        after_help = "Examples:\n  isms schema --out .isms/schemas --force\n  isms schema risks"
    )]
    Schema(schema::Args),
    /// Run the language server for editors (diagnostics, hover, go to definition) on stdio.
    #[command(after_help = "Example (the editor starts it; see docs/editors.md):\n  isms lsp")]
    Lsp(lsp::Args),
    /// Import scanner and platform exports (Prowler, Powerpipe, GitHub) as control evidence.
    Evidence(evidence::Args),
    /// Import registers from spreadsheets (CSV, xlsx) and policies from Markdown.
    #[command(
        after_help = "Examples:\n  isms import soa soa-2019.xlsx . --dry-run\n  \
                            isms import risks risks.csv . --map \"Risk appetite=-\"\n  \
                            isms import soa soa.xlsx . --update"
    )]
    Import(import::Args),
    /// Upgrade an ISMS written against ISO/IEC 27001:2013 Annex A to the 2022 controls.
    #[command(after_help = "Examples:\n  isms migrate .\n  isms migrate . --write")]
    Migrate(migrate::Args),
}

/// Parses the command line, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(a) => init::run(a, &cli.global),
        Command::Check(a) => check::run(a, &cli.global),
        Command::Controls(a) => controls::run(a, &cli.global),
        Command::Rules(a) => rules::run(a, &cli.global),
        Command::Explain(a) => rules::explain(a, &cli.global),
        Command::Render(a) => render::run(a, &cli.global),
        Command::Templates(a) => templates::run(a, &cli.global),
        Command::Log(a) => log::run(a, &cli.global),
        Command::Status(a) => status::run(a, &cli.global),
        Command::New(a) => new::run(*a, &cli.global),
        Command::Approve(a) => decide::approve(a, &cli.global),
        Command::Accept(a) => decide::accept(a, &cli.global),
        Command::Close(a) => decide::close(a, &cli.global),
        Command::Done(a) => decide::done(a, &cli.global),
        Command::Confirm(a) => decide::confirm(a, &cli.global),
        Command::Frameworks(a) => frameworks::run(a, &cli.global),
        Command::Import(a) => import::run(a, &cli.global),
        Command::Migrate(a) => migrate::run(a, &cli.global),
        Command::Completions(a) => shell::completions(a, &cli.global),
        Command::Man(a) => shell::man(a, &cli.global),
        Command::Risks(a) => risks::run(a, &cli.global),
        Command::Soa(a) => soa::run(a, &cli.global),
        Command::Calendar(a) => calendar::run(a, &cli.global),
        Command::Pack(a) => pack::run(a, &cli.global),
        Command::Schema(a) => schema::run(a, &cli.global),
        Command::Lsp(a) => lsp::run(a, &cli.global),
        Command::Evidence(a) => evidence::run(a, &cli.global),
    };
    match result {
        Ok(status) => status.into(),
        Err(e) => {
            eprintln!("error: {}", error_text(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line, each cause once: many of our errors already say
/// their cause ("cannot write X: File exists (os error 17)"), and printing the chain again
/// would repeat it.
fn error_text(e: &anyhow::Error) -> String {
    let mut out = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !out.contains(&c) {
            out.push_str(": ");
            out.push_str(&c);
        }
    }
    out
}
