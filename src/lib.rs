//! `isms`: an ISO/IEC 27001:2022 Information Security Management System kept as code.
//!
//! Data flows one way: files → [`loader`] → [`model::Isms`] → [`checks`] / [`render`] → output.
//! Checks never parse files and renderers never re-read the disk: both work on the loaded model.

/// Importing policy acknowledgements from HR or e-signature exports.
pub mod acknowledgements;
/// The Annex A control catalogue of ISO/IEC 27001:2022 and the 2013→2022 mapping, embedded as data.
pub mod catalogue;
/// The ISO clause rule engine behind `isms check`: rules as data, grouped by clause area.
pub mod checks;
/// The command-line layer: clap definitions and one module per subcommand.
pub mod cli;
/// The evaluation date: today, `ISMS_TODAY`, or a repository's frozen `as_of`.
pub mod clock;
/// The `Diagnostic` value type shared by the loader, the checks and the Git evidence layer.
pub mod diagnostic;
/// Lossless edits of record files: planned changes, `--dry-run` diffs, all-or-nothing writes.
pub mod edit;
/// The Git evidence layer: history index, approvals, evidence freshness, working-tree state.
pub mod evidence;
/// Other frameworks (NIST CSF 2.0, NIS2 Implementing Regulation, custom mappings) mapped to
/// ISO/IEC 27001:2022, and their coverage by one ISMS.
pub mod frameworks;
/// Safe file output: atomic writes confined to a target folder.
pub mod fsutil;
/// Importing existing registers from spreadsheets: header detection, normalisation, mapping.
pub mod import;
/// Walks an ISMS repository and loads every record into the typed model with diagnostics.
pub mod loader;
/// `isms lsp`: a language server with the loader's and the rules' diagnostics as you type.
pub mod lsp;
/// The typed ISMS model: every register and document, with source spans.
pub mod model;
/// Independent jobs on the machine's cores, results in a fixed order.
pub(crate) mod parallel;
/// Audit-ready documents rendered through Tera templates.
pub mod render;
/// Diagnostic output formats: human (rustc-style snippets), JSON, SARIF, GitHub annotations, JUnit.
pub mod report;
/// `isms init`: the embedded startup ISMS scaffold.
pub mod scaffold;
/// JSON Schemas of the record files, generated from the model (`isms schema`).
pub mod schema;
/// Source files kept in memory for diagnostics with snippets.
pub mod source;
/// `isms status`: the PDCA dashboard computed from the model and the check outcome.
pub mod status;
pub mod views;
/// Span-aware YAML: a node tree with locations and a serde deserializer over it.
pub mod yaml;
