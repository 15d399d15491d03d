//! Any text, parsed by the span-aware YAML layer and read as each kind of record file: no
//! panic, no hang, no unbounded memory (the budgets hold).
#![no_main]

use isms::source::{FileId, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let source = SourceFile::new("fuzz.yaml", text);
    let Ok(node) = isms::yaml::parse(FileId(0), &source, 0..source.text.len()) else {
        return;
    };
    let _ = isms::yaml::from_node::<isms::model::Manifest>(&node);
    let _ = isms::yaml::from_node::<isms::model::RiskRegister>(&node);
    let _ = isms::yaml::from_node::<isms::model::AssetRegister>(&node);
    let _ = isms::yaml::from_node::<isms::model::StatementOfApplicability>(&node);
    let _ = isms::yaml::from_node::<isms::model::Policy>(&node);
});
