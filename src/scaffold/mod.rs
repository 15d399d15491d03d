//! Module scaffold.
