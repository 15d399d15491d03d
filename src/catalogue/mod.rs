//! Module catalogue.
