//! Snapshots of every document of `examples/acme-saas` in Markdown and HTML, rendered through
//! the library with fixed Git facts and a fixed date, so a change to a template, a view or the
//! example shows up as a reviewable diff.
//!
//! After an intended change (a template, a view, or the example's records), review and accept
//! the new snapshots with `cargo insta review`, or rewrite them all with
//! `INSTA_UPDATE=always cargo test --test render_snapshots`, and commit `tests/snapshots/`.

use std::path::Path;

use isms::render::{self, Engine, Format, RenderOptions, SourceState};

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

fn example() -> isms::loader::Loaded {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-saas");
    isms::loader::load(&root).expect("example loads")
}

/// Git facts as if the example were committed on 2026-11-12 with a clean tree, every file in
/// two commits. Fixed here rather than read from this project's own history, so that commits
/// to the project do not change the snapshots.
fn state(model: &isms::model::Isms) -> SourceState {
    let mut s = SourceState {
        commit: Some(COMMIT.to_string()),
        ..SourceState::default()
    };
    let revision =
        |version: Option<&str>, day: i8, month: i8, author: &str, commit: &str, summary: &str| {
            isms::evidence::Revision {
                version: version.map(str::to_string),
                date: isms::model::Date(jiff::civil::date(2026, month, day)),
                author: author.to_string(),
                email: format!(
                    "{}@acme-saas.example",
                    author.to_lowercase().replace(' ', ".")
                ),
                commit: commit.to_string(),
                summary: summary.to_string(),
            }
        };
    for (_, f) in model.sources.files() {
        s.last_change
            .insert(f.path.clone(), jiff::civil::date(2026, 11, 12));
        s.revisions.insert(
            f.path.clone(),
            vec![
                revision(
                    Some("1.1"),
                    12,
                    11,
                    "Priya Shah",
                    "7d3e9a1",
                    "Annual review | no changes of substance",
                ),
                revision(
                    Some("1.0"),
                    15,
                    1,
                    "Tom Okafor",
                    "c41b2f0",
                    "Import the ISMS <records>",
                ),
            ],
        );
    }
    s
}

fn options() -> RenderOptions {
    RenderOptions {
        as_of: jiff::civil::date(2026, 11, 15),
        force_draft: false,
        // Fixed, so a version bump does not touch every snapshot.
        tool: "isms (snapshot)".to_string(),
        linked_formats: Format::ALL.to_vec(),
    }
}

#[test]
fn every_document_in_markdown_and_html() {
    let loaded = example();
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == isms::diagnostic::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(
        errors.is_empty(),
        "the example must load cleanly: {errors:?}"
    );
    let model = &loaded.model;
    let engine = Engine::builtin().unwrap();
    let state = state(model);
    let opts = options();
    let all = render::documents(model);
    // The example has every kind of document.
    for kind in [
        render::DocKind::Index,
        render::DocKind::Soa,
        render::DocKind::RiskRegister,
        render::DocKind::RiskTreatmentPlan,
        render::DocKind::RiskHeatMap,
        render::DocKind::AssetInventory,
        render::DocKind::Scope,
        render::DocKind::Context,
        render::DocKind::Policy,
        render::DocKind::Objectives,
        render::DocKind::AuditProgramme,
        render::DocKind::Audit,
        render::DocKind::Review,
        render::DocKind::Nonconformities,
    ] {
        assert!(all.iter().any(|d| d.kind == kind), "{kind:?} missing");
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for spec in &all {
            for format in [Format::Md, Format::Html] {
                if !spec.has_format(format) {
                    continue;
                }
                let bytes = render::render(&engine, model, &state, &opts, spec, &all, format)
                    .unwrap_or_else(|e| panic!("{} as {format}: {e}", spec.name));
                let text = String::from_utf8(bytes).expect("UTF-8");
                let name = format!(
                    "acme__{}.{}",
                    spec.name.replace('/', "__"),
                    format.extension()
                );
                insta::assert_snapshot!(name, text);
            }
        }
    });
}

#[test]
fn same_inputs_give_identical_bytes() {
    let loaded = example();
    let model = &loaded.model;
    let engine = Engine::builtin().unwrap();
    let state = state(model);
    let opts = options();
    let all = render::documents(model);
    let selected: Vec<&render::DocSpec> = all.iter().collect();
    let a =
        render::render_many(&engine, model, &state, &opts, &selected, &all, &Format::ALL).unwrap();
    let b =
        render::render_many(&engine, model, &state, &opts, &selected, &all, &Format::ALL).unwrap();
    assert_eq!(a, b);
    // Another date changes the documents (generation date, overdue flags).
    let later = RenderOptions {
        as_of: jiff::civil::date(2027, 6, 1),
        ..options()
    };
    let c = render::render_many(
        &engine,
        model,
        &state,
        &later,
        &selected,
        &all,
        &[Format::Html],
    )
    .unwrap();
    let soa = |files: &[isms::render::pack::PackFile]| {
        files
            .iter()
            .find(|f| f.path == "soa.html")
            .map(|f| f.bytes.clone())
            .unwrap()
    };
    assert_ne!(soa(&a), soa(&c));
}

#[test]
fn soa_lists_all_controls_with_example_decisions() {
    let loaded = example();
    let model = &loaded.model;
    let engine = Engine::builtin().unwrap();
    let all = render::documents(model);
    let soa = all.iter().find(|d| d.name == "soa").unwrap();
    let html = render::render(
        &engine,
        model,
        &state(model),
        &options(),
        soa,
        &all,
        Format::Html,
    )
    .unwrap();
    let html = String::from_utf8(html).unwrap();
    assert_eq!(html.matches("<tr id=\"control-").count(), 93);
    // Ids are text: 5.1 and 5.10 are different rows.
    assert!(html.contains("id=\"control-5.1\"") && html.contains("id=\"control-5.10\""));
    assert!(
        html.contains(&COMMIT[..12]),
        "commit in the document control block"
    );
    assert!(
        !html.contains("class=\"draft-banner\""),
        "committed, clean tree: not a draft"
    );
}
