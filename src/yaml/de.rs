//! A serde deserializer over a [`Node`] tree. Every error carries the location of the node or
//! key it is about, plus a hint; [`Collect`] lets a register keep loading after a bad record.

use std::cell::RefCell;
use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqDeserializer};
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, Visitor,
};

use super::node::{Key, Node, NodeKind};
use super::spanned::{SPANNED_FIELDS, SPANNED_MARKER};
use crate::diagnostic::did_you_mean;
use crate::source::Span;

const COLLECT_MARKER: &str = "$__isms_private_Collect";
const COLLECT_FIELDS: &[&str] = &["$__isms_value"];

/// A problem found while reading a typed record from YAML.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    /// What is wrong.
    pub message: String,
    /// Where (the innermost node or key the error is about).
    pub span: Option<Span>,
    /// How to fix it.
    pub hint: Option<String>,
    /// The kind of problem, so the loader can give it a stable code.
    pub kind: DeErrorKind,
    /// The `id` of the record that could not be loaded because of this error, when the
    /// record was skipped through [`Collect`] and has a readable `id`.
    pub record: Option<String>,
    swallowed: bool,
    /// Further problems of the same record found alongside this one (the other unknown
    /// fields of a mapping), reported with it so that one run names them all.
    also: Vec<DeError>,
}

/// Classes of typed-read problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeErrorKind {
    /// A key the record type does not have.
    UnknownField,
    /// A required key is missing.
    MissingField,
    /// A value of the wrong type (text where a number is expected, ...).
    WrongType,
    /// A value outside the allowed set (an enum) or otherwise invalid (a bad date).
    InvalidValue,
    /// A key given twice.
    DuplicateField,
}

impl DeError {
    fn new(kind: DeErrorKind, message: String) -> Self {
        DeError {
            message,
            span: None,
            hint: None,
            kind,
            record: None,
            swallowed: false,
            also: Vec::new(),
        }
    }

    /// This error followed by the ones found alongside it.
    fn flatten(mut self) -> Vec<DeError> {
        let also = std::mem::take(&mut self.also);
        let mut out = vec![self];
        out.extend(also.into_iter().flat_map(DeError::flatten));
        out
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the location unless a more precise one is already known.
    fn at(mut self, span: Span) -> Self {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }

    fn swallowed() -> Self {
        DeError {
            swallowed: true,
            ..DeError::new(DeErrorKind::InvalidValue, String::new())
        }
    }

    /// An invalid-value error with a hint, for custom `Deserialize` impls (dates, ids).
    pub fn invalid(message: impl Into<String>, hint: impl Into<String>) -> Self {
        DeError::new(DeErrorKind::InvalidValue, message.into()).with_hint(hint)
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

fn one_of(expected: &'static [&'static str]) -> String {
    let list: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
    match list.len() {
        0 => "nothing is allowed here".to_string(),
        _ => format!("expected one of {}", list.join(", ")),
    }
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        // Custom impls (dates, ids) encode "message\u{0}hint" to carry a hint through serde.
        let msg = msg.to_string();
        match msg.split_once('\u{0}') {
            Some((m, h)) => DeError::new(DeErrorKind::InvalidValue, m.to_string()).with_hint(h),
            None => DeError::new(DeErrorKind::InvalidValue, msg),
        }
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        let expected = plain_expected(&exp.to_string());
        if let Unexpected::Str(s) = unexp
            && expected.contains("number")
            && number_like(s)
        {
            return DeError::new(
                DeErrorKind::WrongType,
                format!("expected {expected}, found the text `{s}`"),
            )
            .with_hint(
                "write the number in plain decimal digits, e.g. `16` (isms does not read `0x10`, `+3`, `.inf` or `.nan` as numbers)",
            );
        }
        DeError::new(
            DeErrorKind::WrongType,
            format!(
                "expected {}, found {}",
                plain_expected(&exp.to_string()),
                describe(&unexp)
            ),
        )
        .with_hint(type_hint(&plain_expected(&exp.to_string())))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError::new(
            DeErrorKind::InvalidValue,
            format!("invalid value {}: expected {exp}", describe(&unexp)),
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let hint = match did_you_mean(variant, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? ({})", one_of(expected)),
            None => one_of(expected),
        };
        DeError::new(
            DeErrorKind::InvalidValue,
            format!("unknown value `{variant}`"),
        )
        .with_hint(hint)
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let hint = match did_you_mean(field, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "remove it, or use one of the known fields: {}",
                one_of(expected).trim_start_matches("expected one of ")
            ),
        };
        DeError::new(
            DeErrorKind::UnknownField,
            format!("unknown field `{field}`"),
        )
        .with_hint(hint)
    }

    fn missing_field(field: &'static str) -> Self {
        DeError::new(
            DeErrorKind::MissingField,
            format!("missing field `{field}`"),
        )
        .with_hint(format!("add `{field}:` to this record"))
    }

    fn duplicate_field(field: &'static str) -> Self {
        DeError::new(
            DeErrorKind::DuplicateField,
            format!("field `{field}` is given twice"),
        )
        .with_hint("keep only one of them")
    }
}

/// Serde names Rust types in its messages (`u8`, `i64`); users see what to write instead.
fn plain_expected(exp: &str) -> String {
    match exp {
        "u8" => "a whole number from 0 to 255".to_string(),
        "u16" | "u32" | "u64" | "usize" => "a whole number (0 or more)".to_string(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_string(),
        "f32" | "f64" => "a number".to_string(),
        "a boolean" => "`true` or `false`".to_string(),
        "a string" => "text".to_string(),
        "a sequence" => "a list".to_string(),
        "a map" => "a mapping of `key: value` lines".to_string(),
        other => other.to_string(),
    }
}

/// Text that YAML 1.1/1.2 tools would read as a number but isms does not: hexadecimal, octal,
/// binary, a leading `+`, infinities, NaN and floats out of range.
fn number_like(s: &str) -> bool {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    matches!(unsigned, ".inf" | ".nan")
        || unsigned.starts_with("0x")
        || unsigned.starts_with("0o")
        || unsigned.starts_with("0b")
        || (unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.')
            && unsigned.bytes().all(|c| {
                c.is_ascii_hexdigit() || matches!(c, b'.' | b'e' | b'+' | b'-' | b'_' | b'x' | b'o')
            }))
}

/// How to fix a value of the wrong type, by what was expected.
fn type_hint(expected: &str) -> &'static str {
    if expected.contains("number") {
        "write a plain number, e.g. `3` (no quotes, no words: labels belong in the methodology)"
    } else if expected.contains("true") {
        "write `true` or `false`"
    } else if expected.contains("list") {
        "write a list: one `- item` per line, or `[a, b]`; `[]` for none"
    } else if expected.contains("mapping") {
        "write `key: value` lines indented under this key"
    } else if expected == "text" {
        "write text after the colon (quote it if it starts with a special character)"
    } else {
        "see docs/format.md for what this field takes"
    }
}

fn describe(u: &Unexpected<'_>) -> String {
    match u {
        Unexpected::Unit => "nothing (null)".to_string(),
        Unexpected::Bool(b) => format!("the boolean `{b}`"),
        Unexpected::Unsigned(n) => format!("the number `{n}`"),
        Unexpected::Signed(n) => format!("the number `{n}`"),
        Unexpected::Float(n) => format!("the number `{n}`"),
        Unexpected::Str(s) => format!("the text `{s}`"),
        Unexpected::Seq => "a list".to_string(),
        Unexpected::Map => "a mapping".to_string(),
        other => other.to_string(),
    }
}

/// A value that failed to load becomes `None` and its error is recorded, so the rest of the
/// file keeps loading. Used for the items of registers and the sections of `isms.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Collect<T>(pub Option<T>);

impl<T> Default for Collect<T> {
    fn default() -> Self {
        Collect(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Collect<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Collect<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                if map.next_key::<de::IgnoredAny>()?.is_none() {
                    return Ok(Collect(None));
                }
                // The error has already been recorded by the node deserializer.
                Ok(Collect(map.next_value::<T>().ok()))
            }
        }
        d.deserialize_struct(COLLECT_MARKER, COLLECT_FIELDS, V(std::marker::PhantomData))
    }
}

// Written as the bare value: `Collect` only changes how a failure is reported.
impl<T: schemars::JsonSchema> schemars::JsonSchema for Collect<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        generator.subschema_for::<T>()
    }
}

/// Reads a typed value from a node. Returns the value (if the top level could be read) and
/// every error found, including those of records skipped through [`Collect`].
pub fn from_node<'a, T: Deserialize<'a>>(node: &'a Node) -> (Option<T>, Vec<DeError>) {
    let errors = RefCell::new(Vec::new());
    let result = T::deserialize(NodeDe {
        node,
        errors: &errors,
    });
    let mut errors = errors.into_inner();
    let value = match result {
        Ok(v) => Some(v),
        Err(e) => {
            if !e.swallowed {
                errors.extend(e.at(node.span).flatten());
            }
            None
        }
    };
    (value, errors)
}

#[derive(Clone, Copy)]
struct NodeDe<'a, 'e> {
    node: &'a Node,
    errors: &'e RefCell<Vec<DeError>>,
}

impl<'a, 'e> NodeDe<'a, 'e> {
    fn child(&self, node: &'a Node) -> Self {
        NodeDe {
            node,
            errors: self.errors,
        }
    }

    fn wrong_type(&self, exp: &dyn de::Expected) -> DeError {
        let exp = plain_expected(&exp.to_string());
        let found = match &self.node.kind {
            NodeKind::Str(s) => format!("the text `{s}`"),
            NodeKind::Null => "nothing (null)".to_string(),
            _ => match self.node.scalar_text() {
                Some(t) => format!("`{t}`"),
                None => self.node.type_name().to_string(),
            },
        };
        let e = DeError::new(
            DeErrorKind::WrongType,
            format!("expected {exp}, found {found}"),
        );
        let e = if matches!(self.node.kind, NodeKind::Null) {
            e.with_hint("write a value after the colon, or remove the key")
        } else {
            e.with_hint(type_hint(&exp))
        };
        e.at(self.node.span)
    }
}

struct Expect(&'static str);
impl de::Expected for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

macro_rules! forward_to_any {
    ($($m:ident)*) => {
        $(fn $m<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
            self.deserialize_any(v)
        })*
    };
}

impl<'a, 'e> Deserializer<'a> for NodeDe<'a, 'e> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
        let span = self.node.span;
        let r = match &self.node.kind {
            NodeKind::Null => v.visit_unit(),
            NodeKind::Bool(b) => v.visit_bool(*b),
            NodeKind::Int(i) => match i64::try_from(*i) {
                Ok(n) => v.visit_i64(n),
                Err(_) => v.visit_i128(*i),
            },
            NodeKind::Float(f) => v.visit_f64(*f),
            NodeKind::Str(s) => v.visit_str(s),
            NodeKind::Seq(items) => v.visit_seq(Seq {
                items: items.iter(),
                de: self,
            }),
            NodeKind::Map(entries) => v.visit_map(Map {
                entries: entries.iter(),
                value: None,
                de: self,
            }),
        };
        r.map_err(|e| e.at(span))
    }

    forward_to_any! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
    }

    fn deserialize_bool<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Bool(b) => v
                .visit_bool::<DeError>(*b)
                .map_err(|e| e.at(self.node.span)),
            _ => Err(self.wrong_type(&Expect("`true` or `false`"))),
        }
    }

    fn deserialize_str<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
        match self.node.scalar_text() {
            Some(s) => v.visit_str::<DeError>(s).map_err(|e| e.at(self.node.span)),
            None => Err(self.wrong_type(&Expect("text"))),
        }
    }

    fn deserialize_string<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_option<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Null => v.visit_unit(),
            _ => Err(self.wrong_type(&Expect("nothing"))),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
        let items: &[Node] = match &self.node.kind {
            // `controls:` with nothing after it means "none yet", as people write it.
            NodeKind::Null => &[],
            NodeKind::Seq(items) => items,
            _ => return Err(self.wrong_type(&Expect("a list"))),
        };
        v.visit_seq(Seq {
            items: items.iter(),
            de: self,
        })
        .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _: usize, v: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: usize,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_map<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
        let entries: &[(Key, Node)] = match &self.node.kind {
            // An empty section (`inputs:`) reads as an empty mapping; required fields in it
            // are still reported as missing.
            NodeKind::Null => &[],
            NodeKind::Map(entries) => entries,
            _ => return Err(self.wrong_type(&Expect("a mapping of `key: value` lines"))),
        };
        v.visit_map(Map {
            entries: entries.iter(),
            value: None,
            de: self,
        })
        .map_err(|e| e.at(self.node.span))
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        if name == SPANNED_MARKER {
            return v.visit_map(SpannedAccess { de: self, step: 0 });
        }
        if name == COLLECT_MARKER {
            return v.visit_map(CollectAccess {
                de: self,
                done: false,
            });
        }
        let r = self.deserialize_map(v);
        let NodeKind::Map(entries) = &self.node.kind else {
            return r;
        };
        match r {
            // Serde stops at the first unknown key; the others of this mapping are named too,
            // so that one run reports them all.
            Err(mut e)
                if e.kind == DeErrorKind::UnknownField
                    && entries.iter().any(|(k, _)| Some(k.span) == e.span) =>
            {
                for (k, _) in entries {
                    if Some(k.span) != e.span && !fields.contains(&k.name.as_str()) {
                        e.also.push(
                            <DeError as de::Error>::unknown_field(&k.name, fields).at(k.span),
                        );
                    }
                }
                Err(e)
            }
            r => r,
        }
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let span = self.node.span;
        match &self.node.kind {
            NodeKind::Map(entries) if entries.len() == 1 => v
                .visit_enum(MapAccessDeserializer::new(Map {
                    entries: entries.iter(),
                    value: None,
                    de: self,
                }))
                .map_err(|e| e.at(span)),
            _ => match self.node.scalar_text() {
                Some(s) => {
                    let d: de::value::StrDeserializer<'_, DeError> = s.into_deserializer();
                    v.visit_enum(d).map_err(|e| e.at(span))
                }
                None => Err(self.wrong_type(&Expect("one of the allowed values"))),
            },
        }
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }
}

struct Seq<'a, 'e> {
    items: std::slice::Iter<'a, Node>,
    de: NodeDe<'a, 'e>,
}

impl<'a, 'e> SeqAccess<'a> for Seq<'a, 'e> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(n) => seed
                .deserialize(self.de.child(n))
                .map(Some)
                .map_err(|e| e.at(n.span)),
            None => Ok(None),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'a, 'e> {
    entries: std::slice::Iter<'a, (Key, Node)>,
    value: Option<&'a Node>,
    de: NodeDe<'a, 'e>,
}

impl<'a, 'e> MapAccess<'a> for Map<'a, 'e> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(KeyDe(k))
                    .map(Some)
                    .map_err(|e| e.at(k.span))
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(n) => seed.deserialize(self.de.child(n)).map_err(|e| e.at(n.span)),
            None => Err(de::Error::custom("internal: value requested before key")),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct KeyDe<'a>(&'a Key);

impl<'de> Deserializer<'de> for KeyDe<'de> {
    type Error = DeError;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_str::<DeError>(&self.0.name)
            .map_err(|e| e.at(self.0.span))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct SpannedAccess<'a, 'e> {
    de: NodeDe<'a, 'e>,
    step: u8,
}

impl<'a, 'e> MapAccess<'a> for SpannedAccess<'a, 'e> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let key = match self.step {
            0 => SPANNED_FIELDS[0],
            1 => SPANNED_FIELDS[1],
            _ => return Ok(None),
        };
        seed.deserialize(key.into_deserializer()).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        self.step += 1;
        if self.step == 1 {
            let s = self.de.node.span;
            let parts = [
                s.file.0 as u64,
                s.line as u64,
                s.column as u64,
                s.offset as u64,
                s.len as u64,
            ];
            seed.deserialize(SeqDeserializer::new(parts.into_iter()))
        } else {
            seed.deserialize(self.de)
        }
    }
}

struct CollectAccess<'a, 'e> {
    de: NodeDe<'a, 'e>,
    done: bool,
}

impl<'a, 'e> MapAccess<'a> for CollectAccess<'a, 'e> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.done {
            return Ok(None);
        }
        seed.deserialize(COLLECT_FIELDS[0].into_deserializer())
            .map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        self.done = true;
        match seed.deserialize(self.de) {
            Ok(v) => Ok(v),
            Err(e) => {
                if !e.swallowed {
                    let record = self
                        .de
                        .node
                        .get("id")
                        .and_then(Node::scalar_text)
                        .map(str::to_string);
                    let mut errors = self.de.errors.borrow_mut();
                    for mut e in e.at(self.de.node.span).flatten() {
                        e.record.clone_from(&record);
                        errors.push(e);
                    }
                }
                Err(DeError::swallowed())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, SourceFile};
    use crate::yaml::{Spanned, parse};
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Rec {
        id: Spanned<String>,
        #[serde(default)]
        owner: Option<String>,
        level: Option<u8>,
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Mitigate,
        Accept,
    }

    #[derive(Debug, Deserialize)]
    struct File {
        items: Vec<Collect<Rec>>,
    }

    fn load<T: for<'a> Deserialize<'a>>(text: &str) -> (Option<T>, Vec<DeError>) {
        let f = SourceFile::new("t.yaml", text);
        let node = parse(FileId(0), &f, 0..text.len()).unwrap();
        let (v, e) = from_node::<T>(&node);
        (v, e)
    }

    #[test]
    fn control_ids_stay_text() {
        let (v, e) = load::<File>("items:\n  - id: 5.10\n  - id: 5.1\n");
        assert!(e.is_empty(), "{e:?}");
        let v = v.unwrap();
        assert_eq!(v.items[0].0.as_ref().unwrap().id.value, "5.10");
        assert_eq!(v.items[1].0.as_ref().unwrap().id.value, "5.1");
        assert_eq!(v.items[1].0.as_ref().unwrap().id.span.line, 3);
    }

    #[test]
    fn collects_every_bad_record() {
        let text = "items:\n  - id: a\n    onwer: x\n  - id: b\n    level: high\n  - id: c\n    kind: mitigat\n  - owner: d\n  - id: e\n";
        let (v, e) = load::<File>(text);
        let v = v.unwrap();
        assert_eq!(v.items.iter().filter(|c| c.0.is_some()).count(), 1);
        assert_eq!(e.len(), 4, "{e:#?}");
        assert_eq!(e[0].kind, DeErrorKind::UnknownField);
        assert_eq!(e[0].span.unwrap().line, 3);
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `owner`?"));
        assert_eq!(e[1].kind, DeErrorKind::WrongType);
        assert_eq!(e[1].span.unwrap().line, 5);
        assert_eq!(e[2].kind, DeErrorKind::InvalidValue);
        assert!(e[2].hint.as_deref().unwrap().contains("mitigate"));
        assert_eq!(e[2].span.unwrap().line, 7);
        assert_eq!(e[3].kind, DeErrorKind::MissingField);
        assert_eq!(e[3].span.unwrap().line, 8);
    }

    #[test]
    fn null_into_string_is_a_clear_error() {
        let (_, e) = load::<Rec>("id:\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("found nothing"), "{}", e[0].message);
        assert!(e[0].hint.is_some());
    }
}

/// A list of records where each item loads on its own: an item with an error becomes absent
/// (its error is reported by the loader) and the others stay usable. Iterating and serialising
/// see only the items that loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Records<T>(pub Vec<Collect<T>>);

impl<T> Default for Records<T> {
    fn default() -> Self {
        Records(Vec::new())
    }
}

impl<T> Records<T> {
    /// The items that loaded.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone {
        self.0.iter().filter_map(|c| c.0.as_ref())
    }

    /// The items that loaded, mutably (the loader normalises some values after reading).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.0.iter_mut().filter_map(|c| c.0.as_mut())
    }

    /// Number of items that loaded.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether no item loaded (or the list is empty).
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// Number of items written, including those that failed to load.
    pub fn written(&self) -> usize {
        self.0.len()
    }

    /// Takes the items that loaded.
    pub fn into_loaded(self) -> Vec<T> {
        self.0.into_iter().filter_map(|c| c.0).collect()
    }
}

impl<T> From<Vec<T>> for Records<T> {
    fn from(v: Vec<T>) -> Self {
        Records(v.into_iter().map(|t| Collect(Some(t))).collect())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Records<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Collect<T>>::deserialize(d).map(Records)
    }
}

impl<T: serde::Serialize> serde::Serialize for Records<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

// A list of records is written as a plain list; each item is checked on its own.
impl<T: schemars::JsonSchema> schemars::JsonSchema for Records<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Records_of_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let items = generator.subschema_for::<T>();
        schemars::json_schema!({ "type": "array", "items": items })
    }
}
