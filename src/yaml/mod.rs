//! Span-aware YAML.
//!
//! A file is parsed once, straight from the events of granit-parser (the panic-free YAML
//! event parser), into a [`Node`] tree that keeps the location of every key and value and the
//! original text of plain scalars. The budgets against alias bombs, deep nesting and
//! oversized trees are enforced while the tree is built ([`parse`]). Typed records are then read from that tree by
//! [`from_node`], a serde deserializer that attaches a location to every error and can
//! continue past a bad record ([`Collect`]), so one run reports every problem in a file.
//!
//! Keeping the plain text matters: `5.10` in a field typed `String` stays `"5.10"`, never the
//! number 5.1.

mod de;
mod incremental;
mod node;
mod spanned;

pub use de::{Collect, DeError, DeErrorKind, Records, from_node};
pub use incremental::{reparse, reparse_in_steps};
pub use node::{Key, Node, NodeKind, ParseError, parse};
pub use spanned::Spanned;
