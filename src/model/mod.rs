//! Module model.
