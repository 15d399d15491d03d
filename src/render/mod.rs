//! Module render.
