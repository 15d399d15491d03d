//! Module yaml.
