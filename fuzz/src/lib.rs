//! Fuzz targets live in tests/ (run with `cargo test --release` here; see docs/fuzzing.md).
