//! Problems found while loading records (`LOAD-nnn`). The loader emits them and declares them
//! in [`crate::loader::LOAD_CODES`]; this table turns that declaration into rules, so that
//! configuration, `isms explain`, SARIF and the rules page know them.

use super::rule::{Area, Check, Rule};
use crate::loader::{LOAD_CODES, LoadCode};

const fn rule(code: &LoadCode) -> Rule {
    Rule {
        code: code.code,
        name: code.name,
        area: Area::Load,
        clause: "",
        default_severity: code.severity,
        summary: code.summary,
        explanation: code.explanation,
        check: Check::Loader,
    }
}

// Built at compile time so the registry keeps handing out `&'static Rule`s.
const TABLE: [Rule; LOAD_CODES.len()] = {
    let mut table = [rule(&LOAD_CODES[0]); LOAD_CODES.len()];
    let mut i = 1;
    while i < LOAD_CODES.len() {
        table[i] = rule(&LOAD_CODES[i]);
        i += 1;
    }
    table
};

/// The loader's rules, in the order of [`LOAD_CODES`].
pub(super) const RULES: &[Rule] = &TABLE;
