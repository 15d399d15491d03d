//! The command-line layer. Each subcommand lives in its own module with an `Args` struct
//! (clap derive; doc comments are the help text) and a `run` function.
//!
//! Exit codes: 0 success, 1 the command ran and found errors, 2 the command could not run.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub mod check;
pub mod controls;
pub mod evidence;
pub mod init;
pub mod log;
pub mod render;
pub mod rules;
pub mod status;
pub mod templates;

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

/// Options shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, env = "ISMS_COLOR")]
    pub color: ColorChoice,
}

/// Run an ISO/IEC 27001:2022 ISMS as code: plain-text records in Git, checked and rendered.
#[derive(Debug, Parser)]
#[command(
    name = "isms",
    version,
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
    Init(init::Args),
    /// Validate the records against ISO/IEC 27001:2022 clauses 4-10 and Annex A.
    Check(check::Args),
    /// List the 93 Annex A controls, or show one.
    Controls(controls::Args),
    /// List the rules `isms check` applies.
    Rules(rules::Args),
    /// Explain one rule: why an auditor cares and how to fix it.
    Explain(rules::ExplainArgs),
    /// Render audit-ready documents (SoA, risk register, policies, ...).
    Render(render::Args),
    /// Work with the document templates (export the defaults to customise them).
    Templates(templates::Args),
    /// Show the change history of the ISMS, a record or a document, from Git.
    Log(log::Args),
    /// The PDCA dashboard: readiness per clause area, next to-dos, due dates and risk levels.
    Status(status::Args),
    /// Import scanner and platform exports (Prowler, Powerpipe, GitHub) as control evidence.
    Evidence(evidence::Args),
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
        Command::Evidence(a) => evidence::run(a, &cli.global),
    };
    match result {
        Ok(status) => status.into(),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
