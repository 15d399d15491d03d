//! The `Diagnostic` value: one problem found in an ISMS repository, with where it is and how
//! to fix it. Findings are values, never `Err`: a run collects all of them.

use serde::Serialize;

use crate::source::{SourceMap, Span};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A certain nonconformity or a record that cannot be used: fails `isms check`.
    Error,
    /// A likely audit finding or a heuristic: fails only with `--deny warnings`.
    Warning,
    /// Information worth knowing; never fails a run.
    Info,
}

impl Severity {
    /// The lowercase name used in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a diagnostic points: a repository-relative path and a 1-based line and column.
/// `line == 0` means the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Path relative to the ISMS root, `/`-separated.
    pub path: String,
    /// 1-based line, or 0 for the whole file.
    pub line: u32,
    /// 1-based column, or 0 when unknown.
    pub column: u32,
    /// Length of the highlighted text in bytes (0 when unknown).
    #[serde(skip_serializing_if = "is_zero")]
    pub len: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Location {
    /// A location covering a whole file.
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: path.into(),
            line: 0,
            column: 0,
            len: 0,
        }
    }

    /// Resolves a span against the files it came from.
    pub fn from_span(sources: &SourceMap, span: Span) -> Self {
        Location {
            path: sources.path(span.file).to_string(),
            line: span.line,
            column: span.column,
            len: span.len,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.path),
            (l, 0) => write!(f, "{}:{}", self.path, l),
            (l, c) => write!(f, "{}:{}:{}", self.path, l, c),
        }
    }
}

/// A secondary location that helps explain a diagnostic (for example the first definition of a
/// duplicated id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What is there.
    pub message: String,
}

/// One problem found in an ISMS repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code, e.g. `LOAD-003` or `SOA-05`.
    pub code: String,
    /// Severity after configuration has been applied.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where it is, when it is in a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Other places that explain the problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// The id of the record concerned (risk id, control id, ...), used by waivers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

impl Diagnostic {
    /// A new diagnostic without location.
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            message: message.into(),
            location: None,
            hint: None,
            related: Vec::new(),
            record: None,
        }
    }

    /// A new error.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    /// A new warning.
    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    /// A new informational diagnostic.
    pub fn info(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Info, message)
    }

    /// Sets the location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Sets the location from a span.
    pub fn at_span(self, sources: &SourceMap, span: Span) -> Self {
        self.at(Location::from_span(sources, span))
    }

    /// Sets the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a related location.
    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    /// Names the record this diagnostic is about.
    pub fn for_record(mut self, id: impl Into<String>) -> Self {
        self.record = Some(id.into());
        self
    }

    /// The key used to sort diagnostics deterministically: path, line, column, code, message.
    pub fn sort_key(&self) -> (String, u32, u32, String, String) {
        let (p, l, c) = self.location.as_ref().map_or((String::new(), 0, 0), |l| {
            (l.path.clone(), l.line, l.column)
        });
        (p, l, c, self.code.clone(), self.message.clone())
    }
}

/// Sorts diagnostics by file, line, column and code so output is stable, and removes exact
/// duplicates. Messages compare in natural order, so "control 5.2" comes before "control 5.10".
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by_cached_key(natural_sort_key);
    diagnostics.dedup();
}

/// The order of [`sort`]: path, line, column, code, then the message in natural order.
/// Anything that re-sorts diagnostics (or values holding them) uses this key.
pub fn natural_sort_key(d: &Diagnostic) -> (String, u32, u32, String, Vec<NaturalChunk>) {
    let (p, l, c, code, msg) = d.sort_key();
    (p, l, c, code, natural_key(&msg))
}

/// A key that orders text with embedded numbers naturally: runs of digits compare by value.
pub fn natural_key(s: &str) -> Vec<NaturalChunk> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((start, ch)) = chars.next() {
        let digit = ch.is_ascii_digit();
        let mut end = start + ch.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            if c.is_ascii_digit() != digit {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let part = &s[start..end];
        out.push(if digit {
            let trimmed = part.trim_start_matches('0');
            NaturalChunk::Number(trimmed.len(), trimmed.to_string())
        } else {
            NaturalChunk::Text(part.to_string())
        });
    }
    out
}

/// A piece of a [`natural_key`]: numbers (by digit count, then digits) sort before text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum NaturalChunk {
    /// A run of digits, without leading zeros: (length, digits).
    Number(usize, String),
    /// Any other run of characters.
    Text(String),
}

/// "Did you mean" suggestion: the closest candidate by Jaro-Winkler similarity, if close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Characters that must never reach a terminal, a CI log or a rendered document as they are:
/// C0 controls other than tab and line feed (ESC starts terminal sequences, BEL, NUL, and CR
/// rewrites a log line), DEL, C1 controls (U+009B is a one-byte CSI in some terminals) and
/// the bidirectional controls (embeddings, overrides, isolates and the direction marks) that
/// make text read differently from what it is.
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// `s` with every [unsafe character](is_unsafe_char) written as a visible escape (`\u{1b}`),
/// for messages, hints, ids and paths in every output format.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `s` with every unsafe character replaced by as many `?` as it has bytes, so byte offsets
/// (snippet highlights) stay valid.
pub fn mask_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe_char(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl Diagnostic {
    /// This diagnostic with control characters in every text escaped (see
    /// [`escape_controls`]). Record text is user data: a raw ESC in an id would reach the
    /// terminal or CI log of whoever runs `isms check`.
    pub fn escaped(&self) -> Diagnostic {
        let e = |s: &str| escape_controls(s).into_owned();
        let loc = |l: &Location| Location {
            path: e(&l.path),
            ..l.clone()
        };
        Diagnostic {
            code: e(&self.code),
            severity: self.severity,
            message: e(&self.message),
            location: self.location.as_ref().map(loc),
            hint: self.hint.as_deref().map(e),
            related: self
                .related
                .iter()
                .map(|r| Related {
                    location: loc(&r.location),
                    message: e(&r.message),
                })
                .collect(),
            record: self.record.as_deref().map(e),
        }
    }
}

/// The numbers in an id, without zero padding: `R-017` and `r_17` give `["17"]`, `R-01`
/// gives `["1"]`.
fn numbers(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .map(unpadded)
        .collect()
}

/// A run of digits without its leading zeros (`0` stays `0`).
fn unpadded(run: &str) -> &str {
    match run.trim_start_matches('0') {
        "" => "0",
        n => n,
    }
}

/// Whether `candidate` may be suggested for the unknown id `word`: it carries the same
/// numbers. In a numbered series another number is another record (`R-01` is not a typo of
/// `R-017`), so only spelling variants of the same id (case, zero padding, separators, a slip
/// in its letters) are proposed.
pub fn same_numbers(word: &str, candidate: &str) -> bool {
    numbers(word) == numbers(candidate)
}

/// "Did you mean" for an unknown record id: the closest candidate with the same numbers (see
/// [`same_numbers`]).
pub fn did_you_mean_id<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    did_you_mean(
        word,
        candidates.into_iter().filter(|c| same_numbers(word, c)),
    )
}

/// The spelling-insensitive form of an id: lower case, without separators or zero padding,
/// so `pol_1`, `POL-01` and `Pol 001` meet.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut digits = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            out.push_str(unpadded(&digits));
            digits.clear();
        }
        if !matches!(c, '-' | '_' | ' ' | '.' | '/') {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The tail of a "there is no ..." message: "; did you mean `X`?" for the candidate that is a
/// spelling variant of `word`, or `otherwise` when none is.
pub fn did_you_mean_tail<'a>(
    candidates: impl IntoIterator<Item = &'a str>,
    word: &str,
    otherwise: &str,
) -> String {
    Suggester::new(candidates).suggest(word).map_or_else(
        || otherwise.to_string(),
        |n| format!("; did you mean `{n}`?"),
    )
}

/// "Did you mean" over a large, fixed set of ids (every asset, every risk), at a bounded cost
/// per question: a folded-spelling index answers case and separator slips in O(1); a fuzzy
/// comparison against the candidates of about the same length is made for at most
/// [`Suggester::FUZZY_BUDGET`] distinct words, and each distinct word is answered once.
/// Without these bounds N references to N missing ids cost N² similarity computations.
pub struct Suggester<'a> {
    folded: std::collections::HashMap<String, &'a str>,
    by_len: std::collections::BTreeMap<usize, Vec<&'a str>>,
    answered: std::collections::HashMap<String, Option<&'a str>>,
    fuzzy_left: usize,
}

impl<'a> Suggester<'a> {
    /// Distinct words that get a fuzzy comparison.
    pub const FUZZY_BUDGET: usize = 64;
    /// Candidates of one length compared with one word.
    const PER_LENGTH: usize = 256;

    /// Indexes the candidates.
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Self {
        let mut folded = std::collections::HashMap::new();
        let mut by_len: std::collections::BTreeMap<usize, Vec<&'a str>> = Default::default();
        for c in candidates {
            folded.entry(fold(c)).or_insert(c);
            by_len.entry(c.chars().count()).or_default().push(c);
        }
        Suggester {
            folded,
            by_len,
            answered: std::collections::HashMap::new(),
            fuzzy_left: Self::FUZZY_BUDGET,
        }
    }

    /// The plausible intended id for `word`, or `None`. Asking again for the same word
    /// returns `None`: the first diagnostic for a missing id carries the suggestion.
    pub fn suggest(&mut self, word: &str) -> Option<&'a str> {
        if self.answered.contains_key(word) {
            return None;
        }
        let answer = self.compute(word);
        self.answered.insert(word.to_string(), answer);
        answer
    }

    fn compute(&mut self, word: &str) -> Option<&'a str> {
        if let Some(c) = self.folded.get(&fold(word))
            && *c != word
        {
            return Some(c);
        }
        if self.fuzzy_left == 0 {
            return None;
        }
        self.fuzzy_left -= 1;
        let len = word.chars().count();
        let near = self
            .by_len
            .range(len.saturating_sub(1)..=len + 1)
            .flat_map(|(_, v)| v.iter().take(Self::PER_LENGTH).copied());
        did_you_mean_id(word, near)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_plausible_and_bounded() {
        let ids = ["POL-10", "POL-02", "A-LAPTOPS", "A-SERVERS"];
        let mut s = Suggester::new(ids);
        // Another number in a series is another record.
        assert_eq!(s.suggest("POL-01"), None);
        // Case, separator and padding slips, and a letter typo.
        assert_eq!(s.suggest("a_laptops"), Some("A-LAPTOPS"));
        assert_eq!(s.suggest("pol-0010"), Some("POL-10"));
        assert_eq!(s.suggest("A-SERVRS"), Some("A-SERVERS"));
        // Each missing id is expanded once.
        assert_eq!(s.suggest("A-SERVRS"), None);
        // Never another number, whatever the similarity.
        let mut s = Suggester::new(["R-01", "R-170"]);
        assert_eq!(s.suggest("R-017"), None);
        assert_eq!(s.suggest("R-1"), Some("R-01"));
        let many: Vec<String> = (0..10_000).map(|i| format!("A-{i:05}")).collect();
        let mut s = Suggester::new(many.iter().map(String::as_str));
        let given = (0..10_000)
            .filter(|i| s.suggest(&format!("B-{i:05}")).is_some())
            .count();
        assert!(given <= Suggester::FUZZY_BUDGET, "{given}");
    }

    #[test]
    fn control_characters_are_escaped_or_masked() {
        assert_eq!(escape_controls("a\u{1b}[31mb\u{7}"), "a\\u{1b}[31mb\\u{7}");
        assert_eq!(escape_controls("line\nnext\ttab"), "line\nnext\ttab");
        assert_eq!(escape_controls("x\u{202E}y\0"), "x\\u{202e}y\\u{0}");
        assert_eq!(mask_controls("a\u{1b}b\u{9b}c"), "a?b??c");
        assert_eq!(
            mask_controls("a\u{1b}b\u{9b}c").len(),
            "a\u{1b}b\u{9b}c".len()
        );
    }

    #[test]
    fn suggests_close_field_names() {
        assert_eq!(
            did_you_mean("onwer", ["owner", "title", "id"]),
            Some("owner")
        );
        assert_eq!(did_you_mean("zzz", ["owner", "title"]), None);
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["control 5.10", "control 5.2", "control 5.1", "control 10.1"];
        v.sort_by_key(|s| natural_key(s));
        assert_eq!(
            v,
            vec!["control 5.1", "control 5.2", "control 5.10", "control 10.1"]
        );
    }

    #[test]
    fn location_display() {
        let l = Location {
            path: "risks.yaml".into(),
            line: 3,
            column: 5,
            len: 0,
        };
        assert_eq!(l.to_string(), "risks.yaml:3:5");
        assert_eq!(Location::file("scope.md").to_string(), "scope.md");
    }
}
