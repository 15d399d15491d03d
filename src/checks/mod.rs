//! Module checks.
