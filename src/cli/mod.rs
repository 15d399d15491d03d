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
pub mod onboard;
pub mod pack;
pub mod plan;
pub mod record;
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
        after_help = "Examples:\n  isms approve POL-01 --by p-ceo\n  isms approve soa --by p-ceo --on 2026-12-01 --commit\n  isms approve risks --by p-cto"
    )]
    Approve(decide::ApproveArgs),
    /// Record the acceptance of a risk's residual risk.
    #[command(
        after_help = "Examples:\n  isms accept R-001 --by p-cto --rationale \"Within the risk appetite\"\n  \
                      isms accept R-003 --by p-cto --rationale \"Pen test every year\" --until 2027-12-01\n  \
                      isms accept risks --by p-cto --rationale \"Within the acceptance criteria\""
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
    /// Confirm a risk's ratings (or give the owner's own), the risk assessment, a proposed SoA
    /// exclusion, the review of an obligation, or the edition of an external document.
    #[command(
        after_help = "Examples:\n  isms confirm R-001 --by p-security-lead\n  isms confirm R-042 --by p-ops-lead --residual 1x3\n  \
                      isms confirm risks --by p-cto\n  isms confirm assessment --by p-security-lead\n  \
                      isms confirm 7.6 --by p-ceo\n  isms confirm OBL-01 --by p-head-finance\n  \
                      isms confirm EXT-04 --by p-head-finance --edition \"Regulation (EU) 2016/679, OJ L 119, 4.5.2016\""
    )]
    Confirm(decide::ConfirmArgs),
    /// Plan: a treatment action's due date (or a re-plan), a new action, how an opportunity
    /// is addressed, or when a change to the ISMS is planned.
    #[command(
        after_help = "Examples:\n  isms plan 'R-001#1' --due 2027-03-31\n  isms plan risks --due 2027-06-30\n  \
                      isms plan R-042 --action \"Lockable laptop bags for field staff\" --owner p-ops-lead --due 2027-02-28\n  \
                      isms plan 'R-001#1' --due 2027-05-31 --reason \"Keys delivered late\" --by p-security-lead\n  \
                      isms plan OPP-01 --owner p-ceo --action \"Publish the certificate on the trust page\"\n  \
                      isms plan CHG-001 --due 2027-03-31"
    )]
    Plan(Box<plan::Args>),
    /// Record a person's joiner records: screening, signed terms, confidentiality agreement,
    /// acceptable-use acknowledgement.
    #[command(
        after_help = "Example:\n  isms onboard p-cto --screened 2026-01-12 --terms-signed 2026-01-15 --confidentiality-signed 2026-01-15 --acceptable-use 2026-02-01"
    )]
    Onboard(onboard::Args),
    /// Other frameworks (NIS2, NIST CSF 2.0, your own) mapped to ISO/IEC 27001:2022, with this
    /// ISMS's decisions for each requirement.
    Frameworks(frameworks::Args),
    /// Record that a policy or an ISMS role was made known (5.2, 5.3).
    #[command(
        after_help = "Examples:\n  isms communicate POL-01 --how \"All-hands meeting\" --acknowledgements \"HR system\" --available \"On request\"\n  \
                      isms communicate isms-owner,internal-auditor --how \"Appointment letter from the CEO\""
    )]
    Communicate(record::CommunicateArgs),
    /// Record a result of a metric (9.1) or the progress of an objective (6.2 d).
    #[command(
        after_help = "Examples:\n  isms measure M-01 --value 97% --not-met --note \"Two new laptops pending\"\n  \
                      isms measure OBJ-02 --value 80 --on 2026-12-01"
    )]
    Measure(record::MeasureArgs),
    /// Record that people completed awareness training (7.3).
    #[command(
        after_help = "Example:\n  isms awareness p-ceo,p-cto --course \"Security awareness 2026\" --on 2026-12-01"
    )]
    Awareness(record::AwarenessArgs),
    /// Record evidence that people are competent for an ISMS role (7.2).
    #[command(
        after_help = "Example:\n  isms competence p-internal-auditor --role internal-auditor --evidence \"Lead auditor certificate, evidence/competence/auditor.pdf\""
    )]
    Competence(record::CompetenceArgs),
    /// Record the security assessment or periodic review of suppliers (8.1, A.5.19-5.22).
    #[command(
        after_help = "Example:\n  isms assess SUP-01,SUP-02 --by p-security-lead --result \"ISO/IEC 27001 certificate and SOC 2 report checked; acceptable\""
    )]
    Assess(record::AssessArgs),
    /// Record a supplier's agreement and whether it has security clauses (A.5.20).
    #[command(
        after_help = "Example:\n  isms agreement SUP-01 --reference \"MSA 2026-03, contracts/cloud.pdf\" --security-clauses --dpa"
    )]
    Agreement(record::AgreementArgs),
    /// Record that an internal audit's report was issued to management, completing the audit (9.2.2 c).
    #[command(
        after_help = "Example:\n  isms report AUD-2026-01 --to p-ceo,p-security-lead --on 2026-12-01"
    )]
    Report(record::ReportArgs),
    /// Record what was presented at a management review for the inputs of 9.3.2.
    #[command(
        after_help = "Example:\n  isms present MR-2026-01 --previous-actions \"First review: none\" --audit-results \"AUD-2026-01: no major findings\""
    )]
    Present(record::PresentArgs),
    /// Record a decision of a management review (9.3.3), and the action that carries it out.
    #[command(
        after_help = "Examples:\n  isms decide MR-2026-01 --change \"No change to the scope\"\n  \
                      isms decide MR-2026-01 --improvement \"Automate access reviews\" --action \"Script the quarterly export\" --owner p-ops-lead --due 2027-03-31"
    )]
    Decide(record::DecideArgs),
    /// Give a person, supplier or asset its real name in place of the scaffold's placeholder.
    #[command(
        after_help = "Examples:\n  isms rename p-ceo --name \"Ada Lovelace\"\n  isms rename SUP-01 --name \"Amazon Web Services\""
    )]
    Rename(record::RenameArgs),
    /// Record the organisation's name, legal name, address and website in isms.yaml.
    #[command(
        after_help = "Example:\n  isms organisation --legal-name \"Acme Ltd\" --address \"1 High Street, Leeds\" --website https://acme.example"
    )]
    Organisation(record::OrganisationArgs),
    /// Record what an asset of the inventory is: its owner, location, supplier,
    /// classification or description (A.5.9).
    #[command(
        after_help = "Example:\n  isms asset A-01 --location \"AWS eu-west-1, production account\"\n  isms asset A-15 --owner p-head-support"
    )]
    Asset(record::AssetArgs),
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
        Command::Plan(a) => plan::run(*a, &cli.global),
        Command::Onboard(a) => onboard::run(a, &cli.global),
        Command::Frameworks(a) => frameworks::run(a, &cli.global),
        Command::Communicate(a) => record::communicate(a, &cli.global),
        Command::Measure(a) => record::measure(a, &cli.global),
        Command::Awareness(a) => record::awareness(a, &cli.global),
        Command::Competence(a) => record::competence(a, &cli.global),
        Command::Assess(a) => record::assess(a, &cli.global),
        Command::Agreement(a) => record::agreement(a, &cli.global),
        Command::Report(a) => record::report(a, &cli.global),
        Command::Present(a) => record::present(a, &cli.global),
        Command::Decide(a) => record::decide(a, &cli.global),
        Command::Rename(a) => record::rename(a, &cli.global),
        Command::Organisation(a) => record::organisation(a, &cli.global),
        Command::Asset(a) => record::asset(a, &cli.global),
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
