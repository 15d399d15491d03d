//! [`Spanned<T>`]: a value read from YAML together with where it was written.

use std::fmt;
use std::ops::Deref;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::{Serialize, Serializer};

use crate::source::{FileId, Span};

/// Struct name the node deserializer recognises to hand out a span.
pub(crate) const SPANNED_MARKER: &str = "$__isms_private_Spanned";
pub(crate) const SPANNED_FIELDS: &[&str] = &["$__isms_span", "$__isms_value"];

/// A value together with the location of the YAML node it came from.
///
/// Serialises as the bare value, so templates and JSON output see plain data.
#[derive(Clone, Default)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps a value with a span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }

    /// Wraps a value that did not come from a file (defaults, generated records).
    pub fn detached(value: T) -> Self {
        Spanned {
            value,
            span: Span::default(),
        }
    }

    /// Borrows the value.
    pub fn get(&self) -> &T {
        &self.value
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

// Equality and ordering look at the value only: two records saying the same thing are equal
// wherever they were written.
impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T: Eq> Eq for Spanned<T> {}

impl<T: PartialEq> PartialEq<T> for Spanned<T> {
    fn eq(&self, other: &T) -> bool {
        self.value == *other
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Spanned<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value with a location")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut span = Span::default();
                if map.next_key::<de::IgnoredAny>()?.is_some() {
                    let [file, line, column, offset, len]: [u64; 5] = map.next_value()?;
                    span = Span {
                        file: FileId(file as u32),
                        line: line as u32,
                        column: column as u32,
                        offset: offset as usize,
                        len: len as usize,
                    };
                }
                if map.next_key::<de::IgnoredAny>()?.is_none() {
                    return Err(de::Error::custom("internal: spanned value without value"));
                }
                let value = map.next_value()?;
                Ok(Spanned { value, span })
            }
        }
        d.deserialize_struct(SPANNED_MARKER, SPANNED_FIELDS, V(std::marker::PhantomData))
    }
}

// The schema of a located value is the schema of the value: the span is never written.
impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}
