//! The rule engine behind `isms check`.
//!
//! Rules are data ([`Rule`], joined by the [`registry`]): a stable code, a name, the clause they
//! derive from, a default severity, documentation and a check function. Check functions live in
//! one file per clause area and only read the loaded model through a [`Context`]; they emit diagnostics with their
//! rule's code and default severity. The [`sink`] then applies configuration, command-line
//! overrides and waivers in one place and produces the sorted [`Outcome`].

use jiff::civil::Date;

use crate::diagnostic::{Diagnostic, Location};
use crate::loader::Loaded;
use crate::model::Isms;
use crate::source::Span;

pub mod registry;
pub mod rule;
pub mod sink;

mod acknowledgements;
mod annex_a;
mod audit;
mod classification;
mod context;
mod evidence;
mod evidence_refs;
mod frameworks;
mod improvement;
mod leadership;
mod load;
mod monitoring;
mod objectives;
mod operation;
mod placeholders;
mod record_dates;
mod review;
mod risk;
mod scanners;
mod soa;
mod support;
mod util;

pub use rule::{Area, Check, Rule};
pub use sink::{
    ChecksConfig, CliOverride, Finding, Level, Outcome, RuleOverride, Sink, Summary, Waiver,
};

/// What a check function may read: the model and the date it is evaluated at.
///
/// `as_of` replaces "today" everywhere, so date-driven results are reproducible
/// (`isms check --as-of 2025-06-30`).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The loaded repository.
    pub model: &'a Isms,
    /// The date "today" is for date-driven rules.
    pub as_of: Date,
}

impl<'a> Context<'a> {
    /// A context for checking `model` as of `as_of`.
    pub fn new(model: &'a Isms, as_of: Date) -> Self {
        Context { model, as_of }
    }

    /// "Today" as a record date.
    pub fn today(&self) -> crate::model::Date {
        crate::model::Date(self.as_of)
    }

    /// The location of a span, when it points into a file (spans of defaulted values do not).
    pub fn loc(&self, span: Span) -> Option<Location> {
        (span.line > 0).then(|| self.model.location(span))
    }

    /// The file a record was read from (its span's file), or `default` (the register's usual
    /// file) for a record that came from no file.
    pub fn record_file(&self, record: Span, default: &str) -> String {
        let p = self.model.sources.path(record.file);
        if p.is_empty() { default } else { p }.to_string()
    }

    /// Places a diagnostic at `span`, or at the whole file `fallback` when the span does not
    /// point into a file.
    pub fn place(&self, d: Diagnostic, span: Span, fallback: &str) -> Diagnostic {
        match self.loc(span) {
            Some(l) => d.at(l),
            None if !fallback.is_empty() => d.at(Location::file(fallback)),
            None => d,
        }
    }
}

/// Whether `by` (a person, or a role for its holders) may approve document `doc` by the
/// same judgement as the approval rules (LDR-01, SOA-08, SUP-10): a role listing the document
/// under `approves:`, else (when `top_management_by_default`, as for the information security
/// policy and the SoA) top management. For commands that record an approval.
pub fn may_approve(
    model: &Isms,
    by: &str,
    doc: &str,
    top_management_by_default: bool,
    today: Date,
) -> bool {
    util::may_approve(
        model,
        by,
        doc,
        top_management_by_default,
        crate::model::Date(today),
    )
}

/// The `checks:` section of `isms.yaml`, in the sink's terms, with locations for findings about
/// the configuration itself.
pub fn config_from_model(model: &Isms) -> ChecksConfig {
    let Some(manifest) = &model.manifest else {
        return ChecksConfig::default();
    };
    let loc = |span: Span| (span.line > 0).then(|| model.location(span));
    let text = |s: &Option<crate::yaml::Spanned<String>>| s.as_ref().map(|v| v.value.clone());
    let rules = manifest
        .checks
        .rules
        .iter()
        .map(|(code, o)| RuleOverride {
            rule: code.clone(),
            severity: o.severity.as_ref().map(|s| match s.value {
                crate::model::ConfiguredSeverity::Error => crate::diagnostic::Severity::Error,
                crate::model::ConfiguredSeverity::Warning => crate::diagnostic::Severity::Warning,
                crate::model::ConfiguredSeverity::Info => crate::diagnostic::Severity::Info,
            }),
            disabled: o.disabled,
            reason: text(&o.reason),
            location: loc(o.span),
        })
        .collect();
    let waivers = manifest
        .checks
        .waivers
        .iter()
        .map(|w| Waiver {
            rule: w.rule.value.clone(),
            record: text(&w.record),
            owner: w.owner.as_ref().map(|o| o.value.clone()),
            expires: w.expires.as_ref().map(|e| e.value.civil()),
            reason: text(&w.reason),
            location: loc(w.span),
        })
        .collect();
    ChecksConfig { rules, waivers }
}

/// Checks a loaded repository as of a date: applies its `checks:` configuration and the
/// command-line overrides, runs every enabled rule and returns the sorted outcome.
///
/// A waiver whose owner is not a person of isms.yaml waives nothing (CFG-03).
pub fn check_loaded(loaded: &Loaded, cli: &[CliOverride], as_of: Date) -> Outcome {
    let model = &loaded.model;
    let sink = sink_for(model, cli, as_of);
    let ctx = Context::new(model, as_of);
    // Without isms.yaml the folder is most likely not an ISMS repository at all (the loader
    // reports LOAD-001): running the rules would bury that one finding under dozens of
    // "missing" ones.
    if model.manifest.is_none() && !model.files.contains_key("isms.yaml") {
        return sink.finish(loaded.diagnostics.clone());
    }
    run(&ctx, sink, loaded.diagnostics.clone())
}

/// The findings of each check, in the order of `checks`. Rules only read the model and push
/// findings, so they run on the machine's cores and their outputs are joined in registry
/// order: the result is the same as one after the other (a keystroke in the language server
/// waits for all of them).
fn run_checks(ctx: &Context<'_>, checks: &[rule::CheckFn]) -> Vec<Vec<Diagnostic>> {
    crate::parallel::map_in_order(checks, 8, None, |check| {
        let mut out = Vec::new();
        check(ctx, &mut out);
        out
    })
}

/// Checks a repository completely: [`check_loaded`] plus the Git evidence rules (`GIT-nn`),
/// which read the history of the repository at `root` (the folder the model was loaded from).
pub fn check_repository(
    root: &std::path::Path,
    loaded: &Loaded,
    cli: &[CliOverride],
    as_of: Date,
) -> Outcome {
    check_with_trail(crate::evidence::Trail::read(root), loaded, cli, as_of)
}

/// [`check_repository`] with the Git history already read (by a thread that ran while the
/// records loaded). The Git rules and the model rules run side by side; the outcome is the
/// same as one after the other.
pub fn check_with_trail(
    trail: crate::evidence::Trail,
    loaded: &Loaded,
    cli: &[CliOverride],
    as_of: Date,
) -> Outcome {
    let model = &loaded.model;
    let sink = sink_for(model, cli, as_of);
    let mut upstream = loaded.diagnostics.clone();
    if model.manifest.is_none() && !model.files.contains_key("isms.yaml") {
        return sink.finish(upstream);
    }
    let ctx = Context::new(model, as_of);
    let checks = enabled_checks(&sink);
    let (git, found) = std::thread::scope(|s| {
        let git = s.spawn(|| trail.findings(model, as_of));
        let found = run_checks(&ctx, &checks);
        match git.join() {
            Ok(git) => (git, found),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    upstream.extend(git);
    finish(&ctx, sink, upstream, found)
}

/// The sink for a model: its `checks:` configuration, the command-line overrides, and waiver
/// owners resolved against the people of isms.yaml.
fn sink_for(model: &Isms, cli: &[CliOverride], as_of: Date) -> Sink {
    Sink::new(&config_from_model(model), cli, as_of, &|p| {
        model.person(p).is_some()
    })
}

/// Runs every enabled model rule and hands all diagnostics, with those already produced by the
/// loader and the evidence layer, to the sink.
pub fn run(ctx: &Context<'_>, sink: Sink, upstream: Vec<Diagnostic>) -> Outcome {
    let found = run_checks(ctx, &enabled_checks(&sink));
    finish(ctx, sink, upstream, found)
}

/// The model rules the configuration leaves enabled, in registry order.
fn enabled_checks(sink: &Sink) -> Vec<rule::CheckFn> {
    registry::all()
        .iter()
        .filter_map(|rule| match rule.check {
            Check::Model(check) if !sink.is_disabled(rule.code) => Some(check),
            _ => None,
        })
        .collect()
}

/// The outcome of the rules' findings (`found`, per rule) after the `upstream` diagnostics of
/// the loader and the evidence layer.
fn finish(
    ctx: &Context<'_>,
    sink: Sink,
    mut upstream: Vec<Diagnostic>,
    found: Vec<Vec<Diagnostic>>,
) -> Outcome {
    let loader_end = upstream.len();
    for f in found {
        upstream.extend(f);
    }
    // Nothing was loaded from a file that failed as a whole: a rule finding placed in it can
    // only restate the load error, which comes first and alone.
    if !ctx.model.failed.is_empty() {
        let mut i = 0;
        upstream.retain(|d| {
            i += 1;
            i <= loader_end
                || !d
                    .location
                    .as_ref()
                    .is_some_and(|l| ctx.model.failed.contains_key(&l.path))
        });
    }
    sink.finish(upstream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_names_its_own_file_or_the_registers_usual_one() {
        let mut model = Isms::default();
        let id = model.sources.add(crate::source::SourceFile::new(
            "risks/part-2.yaml",
            "risks: []\n",
        ));
        let today = Date::constant(2025, 6, 30);
        let ctx = Context::new(&model, today);
        let in_file = Span {
            file: id,
            ..Span::default()
        };
        assert_eq!(ctx.record_file(in_file, "risks.yaml"), "risks/part-2.yaml");
        // A record from no file (a default, a generated record).
        let detached = Span {
            file: crate::source::FileId(99),
            ..Span::default()
        };
        assert_eq!(ctx.record_file(detached, "risks.yaml"), "risks.yaml");
    }
}
