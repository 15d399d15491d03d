//! Rules of the Git evidence layer (`GIT-nn`). Their findings are produced by
//! [`crate::evidence`]; they are registered here so that configuration, `isms explain`, SARIF
//! and the rules page know them.

use super::registry::Rule;

/// The Git evidence rules.
pub(super) const RULES: &[Rule] = &[];
