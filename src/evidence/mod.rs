//! Module evidence.
