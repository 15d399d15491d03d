//! Re-parsing only the records an edit touched.
//!
//! A register is a mapping of top-level keys to block sequences of records. When the text of a
//! file changes inside one such sequence (an editor's keystroke), [`reparse`] parses the
//! records the change touched, plus the unchanged record after them, as one fragment, splices
//! them into the previous tree and moves the locations of everything after them. The result
//! is exactly the tree a full [`parse`] of the new text gives; whenever that cannot be shown
//! cheaply (aliases or anchors near the edit, a line that could belong to another structure, a
//! fragment that does not parse, a record that ends differently), it returns `None` and the
//! caller parses the whole file.

use std::borrow::Cow;
use std::collections::HashMap;

use super::node::{MAX_DEPTH, MAX_NODES, Node, NodeKind, parse};
use crate::source::SourceFile;

/// The tree of `new` (the whole text of a file is YAML), given the tree `old_tree` of the
/// previous text `old_text` of the same file. When a full parse is needed instead, the old
/// tree is handed back unchanged.
pub fn reparse(old_text: &str, mut old_tree: Node, new: &SourceFile) -> Result<Node, Node> {
    let Some(change) = changed(old_text, &new.text) else {
        return Err(old_tree);
    };
    match splice(old_text, &mut old_tree, new, change)
        .or_else(|| splice_entry(old_text, &mut old_tree, new, change))
    {
        Some(()) => Ok(old_tree),
        None => Err(old_tree),
    }
}

/// More separate stretches than this and [`reparse_in_steps`] leaves the text to a full
/// parse: every step copies the text and indexes its lines, so past this the steps cost more.
const MAX_STEPS: usize = 64;

/// Changed stretches closer together than this many bytes are patched in one step.
const MERGE_GAP: usize = 512;

/// [`reparse`] for changes spread over a file, such as one commit editing a dozen controls of
/// the SoA, where [`reparse`] alone would re-parse everything from the first change to the
/// last: the changed stretches are patched one at a time, from the last to the first. Each
/// step is an ordinary [`reparse`] from one text to the next, where the next text is the old
/// one up to a stretch and the new one from there on. Every step keeps [`reparse`]'s guarantee
/// (the tree a full parse of its text gives), and the last step's text is `new`'s, so the
/// result is the full parse of `new`. How the stretches are found only decides how much each
/// step re-parses, never what comes out.
///
/// `None` when a step needs a full parse, or when the stretches are too many to be worth it:
/// then the window around them all is most of the file, and a full parse costs less than
/// copying the old tree to patch it.
pub fn reparse_in_steps(old_text: &str, old_tree: &Node, new: &SourceFile) -> Option<Node> {
    let starts = stretches(old_text, &new.text)?;
    if starts.len() < 2 {
        return reparse(old_text, old_tree.clone(), new).ok();
    }
    let mut tree = old_tree.clone();
    let mut prev = Cow::Borrowed(old_text);
    for &(a, b) in starts[1..].iter().rev() {
        let next = SourceFile::new(
            new.path.as_str(),
            [old_text.get(..a)?, new.text.get(b..)?].concat(),
        );
        tree = reparse(&prev, tree, &next).ok()?;
        prev = Cow::Owned(next.text);
    }
    // Before the first stretch the texts are the same, so this step ends at `new` itself.
    reparse(&prev, tree, new).ok()
}

/// Where each changed stretch between `old` and `new` starts, in both texts (line starts),
/// stretches closer than [`MERGE_GAP`] merged; `None` when there are more than [`MAX_STEPS`].
///
/// A line diff anchored on the lines that occur once in each text (the idea of patience
/// diff, without its recursion): in a register nearly every record has such a line (its id),
/// and between two anchors the lines the texts share at either end are taken off. Linear in
/// the number of lines, apart from the anchors' increasing subsequence.
fn stretches(old: &str, new: &str) -> Option<Vec<(usize, usize)>> {
    let (o, n) = (old.as_bytes(), new.as_bytes());
    // The lines both texts start and end with are left out first, at the speed of `memcmp`.
    let pre = line_start_at(old, common_prefix(o, n));
    let max_suffix = o.len().min(n.len()) - pre;
    let s = common_suffix(&o[o.len() - max_suffix..], &n[n.len() - max_suffix..]);
    // The shared end, from a line start of both texts: where it starts, or after its first
    // line break.
    let starts_line = |t: &[u8]| t.len() == s || t[t.len() - s - 1] == b'\n';
    let suf = match memchr::memchr(b'\n', &o[o.len() - s..]) {
        _ if starts_line(o) && starts_line(n) => s,
        Some(i) => s - i - 1,
        None => 0,
    };
    let (a_end, b_end) = (o.len() - suf, n.len() - suf);
    let (am, bm) = (lines(old, pre, a_end), lines(new, pre, b_end));
    let same = |x: &(usize, &[u8]), y: &(usize, &[u8])| x.1 == y.1;
    // Per distinct line: how often in each text, and where (the last place; for a line that
    // occurs once, the only one).
    let mut seen: HashMap<&[u8], (u32, u32, usize, usize)> = HashMap::with_capacity(am.len());
    for (i, (_, l)) in am.iter().enumerate() {
        let e = seen.entry(l).or_default();
        e.0 += 1;
        e.2 = i;
    }
    for (j, (_, l)) in bm.iter().enumerate() {
        if let Some(e) = seen.get_mut(l) {
            e.1 += 1;
            e.3 = j;
        }
    }
    let pairs: Vec<(usize, usize)> = am
        .iter()
        .filter_map(|(_, l)| {
            let &(na, nb, i, j) = seen.get(l)?;
            (na == 1 && nb == 1).then_some((i, j))
        })
        .collect();
    let mut anchors = increasing_by_second(&pairs);
    anchors.push((am.len(), bm.len()));
    // Changed stretches as line ranges of the middle parts: (old start, old end, new start).
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    for (ai, bj) in anchors {
        let (x, y) = (&am[i..ai], &bm[j..bj]);
        let p = x.iter().zip(y).take_while(|(u, v)| same(u, v)).count();
        let s = x[p..]
            .iter()
            .rev()
            .zip(y[p..].iter().rev())
            .take_while(|(u, v)| same(u, v))
            .count();
        if x.len() > p + s || y.len() > p + s {
            found.push((i + p, ai - s, j + p));
        }
        (i, j) = (ai + 1, bj + 1);
    }
    let offset = |lines: &[(usize, &[u8])], k: usize, end: usize| lines.get(k).map_or(end, |l| l.0);
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut last_end = None;
    for (oi, oe, ni) in found {
        let (start, end) = (offset(&am, oi, a_end), offset(&am, oe, a_end));
        if last_end.is_none_or(|e: usize| start >= e + MERGE_GAP) {
            starts.push((start, offset(&bm, ni, b_end)));
        }
        last_end = Some(end);
    }
    (starts.len() <= MAX_STEPS).then_some(starts)
}

/// The lines of `text` from `start` (a line start) to `end`, each with its line ending and
/// where it starts.
fn lines(text: &str, start: usize, end: usize) -> Vec<(usize, &[u8])> {
    let bytes = &text.as_bytes()[start..end];
    let mut out = Vec::with_capacity(bytes.len() / 32);
    let mut at = 0;
    for nl in memchr::memchr_iter(b'\n', bytes) {
        out.push((start + at, &bytes[at..=nl]));
        at = nl + 1;
    }
    if at < bytes.len() {
        out.push((start + at, &bytes[at..]));
    }
    out
}

/// The longest subsequence of `pairs` (in order of their first element) whose second elements
/// increase: the anchors two texts share in the same order.
fn increasing_by_second(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // `tails[k]`: the index of the pair ending the best subsequence of length k + 1 found.
    let mut tails: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; pairs.len()];
    for (n, &(_, j)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < j);
        before[n] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(n);
        } else {
            tails[k] = n;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(n) = at {
        out.push(pairs[n]);
        at = before[n];
    }
    out.reverse();
    out
}

/// Patches the one top-level entry whose text holds the change (the SoA's `document:`
/// mapping, a scalar, or a list the record-level patch could not take) by parsing that entry
/// alone, or leaves the tree untouched and says `None`.
///
/// A key that starts its line at column 1 ends whatever the entry before it held: a value of
/// a top-level key continues only on lines indented deeper. So when the entry's own lines are
/// its key line, then blank lines, comments and deeper lines, the entry parses alone exactly
/// as it does in the file.
fn splice_entry(
    old_text: &str,
    old_tree: &mut Node,
    new: &SourceFile,
    change: Change,
) -> Option<()> {
    // From the start of its line, as for records.
    let p = line_start_at(old_text, change.0);
    let NodeKind::Map(entries) = &old_tree.kind else {
        return None;
    };
    let i = entries.iter().rposition(|(k, _)| k.span.offset <= p)?;
    // A change that starts where a key's line starts may as well end the entry before it
    // (lines added at the end of a value).
    let before = (i > 0 && entries[i].0.span.offset == p).then(|| i - 1);
    splice_entry_at(i, old_text, old_tree, new, change)
        .or_else(|| before.and_then(|b| splice_entry_at(b, old_text, old_tree, new, change)))
}

fn splice_entry_at(
    i: usize,
    old_text: &str,
    old_tree: &mut Node,
    new: &SourceFile,
    (_, old_end, new_end): Change,
) -> Option<()> {
    let new_text = new.text.as_str();
    let file = old_tree.span.file;
    let delta = new_end as isize - old_end as isize;
    let NodeKind::Map(entries) = &old_tree.kind else {
        return None;
    };
    let starts_line = |offset: usize| line_start_at(old_text, offset) == offset;
    let frag_start = entries[i].0.span.offset;
    let (old_frag_end, next_starts_line) = match entries.get(i + 1) {
        Some((k, _)) => (k.span.offset, starts_line(k.span.offset)),
        None => (old_text.len(), true),
    };
    if !starts_line(frag_start) || !next_starts_line || old_end > old_frag_end {
        return None;
    }
    let new_frag_end = old_frag_end.checked_add_signed(delta)?;
    let old_frag = old_text.get(frag_start..old_frag_end)?;
    let new_frag = new_text.get(frag_start..new_frag_end)?;
    // Anchors and aliases tie the entry to the rest of the file, tags to its directives.
    let tied = |f: &str| memchr::memchr3(b'&', b'*', b'!', f.as_bytes()).is_some();
    if tied(old_frag) || tied(new_frag) {
        return None;
    }
    if lone_cr(old_frag) || lone_cr(new_frag) {
        return None;
    }
    if !(new_frag.ends_with('\n') || new_frag_end == new_text.len()) || !entry_lines(new_frag) {
        return None;
    }
    let parsed = parse(file, new, frag_start..new_frag_end).ok()?;
    let NodeKind::Map(mut fresh) = parsed.kind else {
        return None;
    };
    let (key, value) = match (fresh.pop(), fresh.is_empty()) {
        (Some(entry), true) => entry,
        _ => return None,
    };
    // Same key, same place: no duplicate key can have appeared, and the root keeps its span.
    if key.name != entries[i].0.name || key.span != entries[i].0.span {
        return None;
    }
    if depth(&value) + 8 >= MAX_DEPTH {
        return None;
    }
    if !within_budgets(
        old_tree,
        1 + count(&entries[i].1),
        1 + count(&value),
        new_text,
    ) {
        return None;
    }
    let line_delta = count_lines(new_frag) as i64 - count_lines(old_frag) as i64;
    let NodeKind::Map(entries) = &mut old_tree.kind else {
        return None;
    };
    entries[i].1 = value;
    shift_entries(&mut entries[i + 1..], delta, line_delta);
    Some(())
}

/// Whether `frag` is the text of one top-level entry: a key line at column 1 first, then only
/// blank lines, comments and lines indented with spaces (no document markers, no directives,
/// no second key).
fn entry_lines(frag: &str) -> bool {
    let mut lines = frag.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let marker = |l: &str| l.starts_with("---") || l.starts_with("...");
    let key_line = lines.next().unwrap_or("");
    if key_line.is_empty()
        || marker(key_line)
        || key_line.starts_with([' ', '\t', '#', '-', '?', '%'])
    {
        return false;
    }
    lines.all(|line| {
        let body = line.trim_start_matches(' ');
        if marker(line) || line.starts_with('\t') {
            return false;
        }
        body.is_empty() || body.starts_with('#') || line.starts_with(' ')
    })
}

/// Patches `tree` in place, or leaves it untouched and says `None`.
fn splice(old_text: &str, old_tree: &mut Node, new: &SourceFile, change: Change) -> Option<()> {
    let new_text = new.text.as_str();
    let file = old_tree.span.file;
    let (p, old_end, new_end) = change;
    let delta = new_end as isize - old_end as isize;
    let NodeKind::Map(entries) = &old_tree.kind else {
        return None;
    };
    // The top-level entry whose list of records holds the change.
    let line_start = |offset: usize| line_start_at(old_text, offset);
    // From the start of its line: text inserted before a record's dash may begin with the
    // spaces of its indentation, and a line of spaces there ends the record before (a block
    // scalar keeps trailing blank lines).
    let p = line_start(p);
    let mut found = None;
    for (idx, (_, value)) in entries.iter().enumerate() {
        let NodeKind::Seq(items) = &value.kind else {
            continue;
        };
        let Some(first) = items.first() else {
            continue;
        };
        let area_start = line_start(first.span.offset.min(old_text.len()));
        let area_end = match entries.get(idx + 1) {
            Some((k, _)) => {
                // The next key must start its line, so the records end where its line starts.
                let ls = line_start(k.span.offset.min(old_text.len()));
                if ls != k.span.offset {
                    return None;
                }
                ls
            }
            None => old_text.len(),
        };
        if area_start <= p && old_end <= area_end {
            found = Some((idx, area_end));
            break;
        }
    }
    let (idx, area_end) = found?;
    let NodeKind::Seq(items) = &entries[idx].1.kind else {
        return None;
    };
    let starts: Vec<usize> = items
        .iter()
        .map(|n| line_start(n.span.offset.min(old_text.len())))
        .collect();
    let range_end = |i: usize| starts.get(i + 1).copied().unwrap_or(area_end);
    // The first record touched: the last one that starts before the change (text typed at the
    // very start of a record's line is read as the end of the record before).
    let a = starts.iter().rposition(|&s| s < p).unwrap_or(0);
    let b = starts
        .iter()
        .rposition(|&s| s < old_end)
        .unwrap_or(0)
        .max(a);
    let trailer = (b + 1 < items.len()).then_some(b + 1);
    let frag_start = starts[a];
    let old_frag_end = trailer.map_or(area_end, range_end);
    let new_frag_end = old_frag_end.checked_add_signed(delta)?;
    let old_frag = old_text.get(frag_start..old_frag_end)?;
    let new_frag = new_text.get(frag_start..new_frag_end)?;
    // An anchor or alias ties the fragment to the rest of the file.
    let tied = |f: &str| memchr::memchr2(b'&', b'*', f.as_bytes()).is_some();
    if tied(old_frag) || tied(new_frag) {
        return None;
    }
    if lone_cr(old_frag) || lone_cr(new_frag) {
        return None;
    }
    // The fragment ends a line, so what follows it starts one, as before.
    if !(new_frag.is_empty() || new_frag.ends_with('\n') || new_frag_end == new_text.len()) {
        return None;
    }
    let indent = dash_indent(old_frag)?;
    // The list's own location is its first dash: an edit of the first record keeps it there.
    if !clean_lines(new_frag, indent) || (a == 0 && dash_indent(new_frag) != Some(indent)) {
        return None;
    }
    let parsed = parse(file, new, frag_start..new_frag_end).ok()?;
    let NodeKind::Seq(mut fresh) = parsed.kind else {
        return None;
    };
    let line_delta = count_lines(new_frag) as i64 - count_lines(old_frag) as i64;
    let last = items.len();
    let replaced = a..trailer.map_or(last, |t| t + 1);
    if let Some(t) = trailer {
        // The record after the edit must come out as it was, moved: then the fragment ended
        // where it did in the whole file.
        let mut expected = items[t].clone();
        shift(&mut expected, delta, line_delta);
        if fresh.last() != Some(&expected) {
            return None;
        }
    }
    // Every record of the fragment starts its own line with the dash, at the register's indent.
    for n in &fresh {
        let ls = new_text[..n.span.offset.min(new_text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        if ls < frag_start || dash_indent(new_text.get(ls..n.span.offset)?)? != indent {
            return None;
        }
    }
    // The fragment nests two levels less than the file; leave a margin for the scanner's guard.
    if fresh.iter().map(depth).max().unwrap_or(0) + 8 >= MAX_DEPTH {
        return None;
    }
    let old_nodes: usize = items[replaced.clone()].iter().map(count).sum();
    let new_nodes: usize = fresh.iter().map(count).sum();
    if !within_budgets(old_tree, old_nodes, new_nodes, new_text) {
        return None;
    }
    // Checked: now the tree changes.
    let NodeKind::Map(entries) = &mut old_tree.kind else {
        return None;
    };
    let NodeKind::Seq(items) = &mut entries[idx].1.kind else {
        return None;
    };
    for n in items.iter_mut().skip(replaced.end) {
        shift(n, delta, line_delta);
    }
    items.splice(replaced, fresh.drain(..));
    shift_entries(&mut entries[idx + 1..], delta, line_delta);
    Some(())
}

/// Where the texts first differ, and where the old and the new text end their difference
/// (what follows is the same in both): [`changed`].
type Change = (usize, usize, usize);

/// Whether replacing `old_nodes` values of `tree` by `new_nodes` keeps the full parse's
/// budgets: aliases elsewhere may count on the values written before them (the expansion
/// budget), and over the node limit the full parse must report it. The old tree was within
/// the limit, so only a fragment that grew needs the whole tree counted.
fn within_budgets(tree: &Node, old_nodes: usize, new_nodes: usize, new_text: &str) -> bool {
    if new_nodes < old_nodes && new_text.contains('*') {
        return false;
    }
    !(new_nodes > old_nodes && count(tree) - old_nodes + new_nodes > MAX_NODES)
}

/// Moves the entries after a patched one by `bytes` and `lines`.
fn shift_entries(entries: &mut [(super::node::Key, Node)], bytes: isize, lines: i64) {
    for (k, v) in entries {
        shift_span(&mut k.span, bytes, lines);
        shift(v, bytes, lines);
    }
}

/// Where the line holding byte `offset` starts. Bytes, not text: the first byte two versions
/// differ in may be inside a character (`é` and `è` share their first byte).
fn line_start_at(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    memchr::memrchr(b'\n', &bytes[..offset.min(bytes.len())]).map_or(0, |i| i + 1)
}

/// The changed byte range: where the texts start to differ, and where the old and the new text
/// end their difference (what follows is the same in both). `None` when they are equal.
fn changed(old: &str, new: &str) -> Option<Change> {
    let (o, n) = (old.as_bytes(), new.as_bytes());
    let p = common_prefix(o, n);
    if p == o.len() && p == n.len() {
        return None;
    }
    let max_suffix = o.len().min(n.len()) - p;
    let s = common_suffix(&o[o.len() - max_suffix..], &n[n.len() - max_suffix..]);
    Some((p, o.len() - s, n.len() - s))
}

/// Compared in blocks, which the slice comparison does with `memcmp`: the texts are whole
/// files that mostly agree, and a byte-by-byte loop was most of a patch's own cost.
const BLOCK: usize = 64;

/// How many bytes `a` and `b` share at the start.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let len = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= len && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    i + a[i..len]
        .iter()
        .zip(&b[i..len])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `a` and `b` share at the end.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let len = a.len().min(b.len());
    let (a, b) = (&a[a.len() - len..], &b[b.len() - len..]);
    let mut s = 0;
    while s + BLOCK <= len && a[len - s - BLOCK..len - s] == b[len - s - BLOCK..len - s] {
        s += BLOCK;
    }
    s + a[..len - s]
        .iter()
        .rev()
        .zip(b[..len - s].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The indentation of a record's dash, when `text` starts with the line of one: spaces, `-`,
/// then a space, the end of the line, or nothing more.
fn dash_indent(text: &str) -> Option<usize> {
    let line = text.split('\n').next().unwrap_or("");
    let line = line.strip_suffix('\r').unwrap_or(line);
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = line[indent..].strip_prefix('-')?;
    (rest.is_empty() || rest.starts_with(' ')).then_some(indent)
}

/// Whether every line of a fragment stays inside the list at `indent`: blank lines and comments,
/// lines indented deeper, and dash lines at `indent` (the records), a dash line first.
fn clean_lines(frag: &str, indent: usize) -> bool {
    let mut first = true;
    frag.split('\n').all(|line| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let body = line.trim_start_matches(' ');
        let n = line.len() - body.len();
        if body.is_empty() || body.starts_with('#') {
            return !line.starts_with("---") && !line.starts_with("...");
        }
        let dash = dash_indent(line) == Some(indent);
        if std::mem::take(&mut first) && !dash {
            return false;
        }
        match n.cmp(&indent) {
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => dash,
            std::cmp::Ordering::Greater => true,
        }
    })
}

/// Whether `s` holds a CR that is not part of a CRLF: YAML counts it as a line break, the
/// locations moved by [`count_lines`] would not.
fn lone_cr(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'))
}

fn count_lines(s: &str) -> usize {
    memchr::memchr_iter(b'\n', s.as_bytes()).count()
}

fn shift_span(span: &mut crate::source::Span, bytes: isize, lines: i64) {
    span.offset = span.offset.saturating_add_signed(bytes);
    span.line = (i64::from(span.line) + lines).clamp(1, i64::from(u32::MAX)) as u32;
}

/// Moves every location of a tree by `bytes` and `lines` (its columns stay: the edit ended at
/// the start of a line).
fn shift(node: &mut Node, bytes: isize, lines: i64) {
    if bytes == 0 && lines == 0 {
        return;
    }
    shift_span(&mut node.span, bytes, lines);
    match &mut node.kind {
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| shift(n, bytes, lines)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            shift_span(&mut k.span, bytes, lines);
            shift(v, bytes, lines);
        }),
        _ => {}
    }
}

/// The number of values in a tree, as the parser's budget counts them.
fn count(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Seq(items) => items.iter().map(count).sum(),
        // A key is a value of its own to the parser.
        NodeKind::Map(entries) => entries.iter().map(|(_, v)| 1 + count(v)).sum(),
        _ => 0,
    }
}

/// How many collections deep a tree nests below its root.
fn depth(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Seq(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        NodeKind::Map(entries) => 1 + entries.iter().map(|(_, v)| depth(v)).max().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    const REGISTER: &str = "# Risk register\nrisks:\n  - id: R-001\n    title: First\n    owner: p-cto\n    controls: [\"5.10\", 8.2]\n    notes: |\n      line one\n\n      line two\n\n  - id: R-002\n    title: Second\n    owner:\n    plan:\n      - { action: Do it, due: 2025-05-31 }\n      - action: Check it\n        due: 2025-06-30\n  # a comment between records\n  - id: R-003\n    title: \"Third, quoted\"\n    owner: p-ciso\nopportunities:\n  - id: O-001\n    title: An opportunity\n    owner:\n";

    fn full(text: &str) -> Result<Node, crate::yaml::ParseError> {
        let f = SourceFile::new("risks.yaml", text);
        parse(FileId(3), &f, 0..text.len())
    }

    /// Applies `new` after `old` through the incremental path; when it patches, the tree must
    /// be the full parse's. Returns whether it patched.
    fn step(old: &str, new: &str) -> bool {
        let Ok(tree) = full(old) else { return false };
        let f = SourceFile::new("risks.yaml", new);
        match reparse(old, tree.clone(), &f) {
            Ok(patched) => {
                assert_eq!(Ok(&patched), full(new).as_ref(), "edit {old:?} -> {new:?}");
                true
            }
            Err(back) => {
                assert_eq!(back, tree, "the old tree comes back unchanged");
                false
            }
        }
    }

    #[test]
    fn typical_edits_are_patched_exactly() {
        let t = REGISTER;
        let typo = t.replacen("owner: p-cto", "owner: p-ctox", 1);
        assert!(step(t, &typo), "typing inside a record");
        assert!(step(&typo, t), "and back");
        let newline = t.replacen("    title: First\n", "    title: First\n\n", 1);
        assert!(step(t, &newline), "a new line");
        let deleted = t.replacen(
            "  - id: R-002\n    title: Second\n    owner:\n    plan:\n      - { action: Do it, due: 2025-05-31 }\n      - action: Check it\n        due: 2025-06-30\n",
            "",
            1,
        );
        assert!(step(t, &deleted), "deleting a record");
        let added = t.replacen(
            "  - id: R-002\n",
            "  - id: R-001b\n    title: Added\n  - id: R-002\n",
            1,
        );
        assert!(step(t, &added), "adding a record");
        let last = t.replacen("owner: p-ciso", "owner: p-cisco", 1);
        assert!(step(t, &last), "the last record before another key");
        let end = t.replacen("title: An opportunity", "title: An opportunity!", 1);
        assert!(step(t, &end), "the last record of the file");
        let block = t.replacen("line two", "line two and three", 1);
        assert!(step(t, &block), "inside a block scalar");
        // Found by the random edits: a line of spaces typed before a record's dash belongs to
        // the block scalar that ends the record before.
        let spaces = t.replacen("\n\n  - id: R-002", "\n\n  \n  - id: R-002", 1);
        assert!(step(t, &spaces), "a line of spaces after a block scalar");
        // Found by fuzz/: a lone CR is a line break to YAML, so the lines after it move.
        let cr = t.replacen("controls: [\"5.10\"", "controls: [\r\"5.10\"", 1);
        assert!(full(&cr).is_ok());
        assert!(!step(t, &cr), "a lone CR is left to the full parse");
        // Two versions that first differ inside a character (`é` and `è` share a byte).
        let accent = t.replacen("title: Second", "title: Seconde réunion", 1);
        assert!(
            step(&accent, &accent.replacen('é', "è", 1)),
            "inside a character"
        );
    }

    const SOA: &str = "document:\n  id: DOC-SOA\n  version: \"1.2\"\n  approval:\n    by: p-ceo\n    on: 2026-03-01\n  # reviewed yearly\nnotes: |\n  Free text.\n\n  More text.\nscope: all sites\nempty:\ncontrols:\n  - id: \"5.10\"\n    applicable: true\n  - id: \"8.2\"\n    applicable: false\n";

    #[test]
    fn edits_inside_one_top_level_entry_are_patched_exactly() {
        let t = SOA;
        let approval = t.replacen("on: 2026-03-01", "on: 2026-09-14", 1);
        assert!(step(t, &approval), "the approval date of a document");
        let grown = t.replacen(
            "    on: 2026-03-01\n",
            "    on: 2026-03-01\n    note: again\n\n",
            1,
        );
        assert!(step(t, &grown), "a field added to the mapping");
        assert!(
            step(t, &t.replacen("all sites", "all sites\n  and offices", 1)),
            "a scalar"
        );
        assert!(
            step(t, &t.replacen("empty:\n", "empty: now set\n", 1)),
            "an empty value"
        );
        assert!(
            step(t, &t.replacen("More text.", "More text, longer.", 1)),
            "a block scalar"
        );
        let last = t.replacen(
            "    applicable: false\n",
            "    applicable: false\n    reason: none\n",
            1,
        );
        assert!(step(t, &last), "the last entry of the file");
        let accent = t.replacen("all sites", "all sites, café", 1);
        assert!(
            step(&accent, &accent.replacen('é', "è", 1)),
            "inside a character"
        );
        let unterminated = SOA.trim_end_matches('\n');
        assert!(
            step(unterminated, &unterminated.replacen("8.2", "8.3", 1)),
            "no final newline"
        );
        // A new top-level key, a key at column 1 inside the entry, a renamed key, a tag and a
        // document marker are the whole file's business.
        assert!(!step(t, &t.replacen("notes: |", "extra: 1\nnotes: |", 1)));
        assert!(!step(t, &t.replacen("  version:", "version:", 1)));
        assert!(!step(t, &t.replacen("scope:", "scope2:", 1)));
        assert!(!step(t, &t.replacen("all sites", "!!str all sites", 1)));
        assert!(!step(t, &t.replacen("  # reviewed yearly", "---", 1)));
        assert!(!step(t, &t.replacen("all sites", "\"all sites", 1)));
    }

    #[test]
    fn edits_that_need_the_whole_file_fall_back() {
        let t = REGISTER;
        // Broken YAML, a change of structure, a header edit and an alias are not patched.
        assert!(!step(t, &t.replacen("title: First", "title: [First", 1)));
        assert!(!step(
            t,
            &t.replacen("    owner: p-cto\n", "owner: p-cto\n", 1)
        ));
        assert!(!step(t, &t.replacen("# Risk register", "# Risks", 1)));
        assert!(!step(t, &t.replacen("title: First", "title: *x", 1)));
        let anchored = t.replacen("title: First", "title: &x First", 1);
        assert!(!step(&anchored, &anchored.replacen("p-cto", "p-ctx", 1)));
        // A second document, or a key at the register's indentation.
        assert!(!step(
            t,
            &t.replacen("  - id: R-002\n", "---\n  - id: R-002\n", 1)
        ));
        assert!(!step(t, &t.replacen("  - id: R-002\n", "  id: R-002\n", 1)));
    }

    /// A tiny deterministic generator: the edits are reproducible from the seed.
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    /// A register of `n` records, each long enough that edits in different records are
    /// further apart than [`MERGE_GAP`].
    fn long_register(n: usize) -> String {
        let mut t = String::from(
            "# Controls\ndocument:\n  approval:\n    by: p-ceo\n    on: 2026-03-01\ncontrols:\n",
        );
        for i in 0..n {
            t.push_str(&format!(
                "  - id: \"5.{i}\"\n    applicable: true\n    justification: >-\n{}\n    owner: p-isms\n",
                "      Text that keeps the records apart, written once per line here. ".repeat(8).trim_end()
            ));
        }
        t
    }

    /// [`reparse_in_steps`] on `old` → `new`: when it gives a tree, it is the full parse's.
    fn steps(old: &str, new: &str) -> bool {
        let Ok(tree) = full(old) else { return false };
        let f = SourceFile::new("soa.yaml", new);
        match reparse_in_steps(old, &tree, &f) {
            Some(patched) => {
                assert_eq!(Ok(&patched), full(new).as_ref(), "edit {old:?} -> {new:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn changes_far_apart_are_patched_one_stretch_at_a_time() {
        let old = long_register(40);
        let new = old
            .replacen(
                "id: \"5.3\"\n    applicable: true",
                "id: \"5.3\"\n    applicable: false",
                1,
            )
            .replacen(
                "id: \"5.20\"\n",
                "id: \"5.20\"\n    reasons: [outsourced]\n",
                1,
            )
            .replacen("id: \"5.37\"\n    applicable: true\n", "id: \"5.37\"\n", 1)
            .replacen("on: 2026-03-01", "on: 2026-04-01", 1);
        let found = stretches(&old, &new).expect("few stretches");
        assert_eq!(found.len(), 4, "{found:?}");
        // Each stretch starts a line, at the same place in both texts up to the first change.
        assert_eq!(found[0].0, found[0].1);
        for &(a, b) in &found {
            assert!(a == 0 || old.as_bytes()[a - 1] == b'\n');
            assert!(b == 0 || new.as_bytes()[b - 1] == b'\n');
        }
        assert!(steps(&old, &new));
        assert!(steps(&new, &old), "and back");
        // A record added between two others, and one removed.
        let added = old.replacen(
            "  - id: \"5.30\"\n",
            "  - id: \"5.29b\"\n    applicable: true\n  - id: \"5.30\"\n",
            1,
        );
        let both = added.replacen("    owner: p-isms\n", "    owner: p-cto\n", 1);
        assert_eq!(stretches(&old, &both).map(|s| s.len()), Some(2));
        assert!(steps(&old, &both));
    }

    #[test]
    fn changes_close_together_are_one_stretch() {
        let old = long_register(3);
        // Two changed lines with one unchanged line between them.
        let new = old.replacen(
            "id: \"5.1\"\n    applicable: true\n    justification: >-",
            "id: \"5.1a\"\n    applicable: true\n    justification: |-",
            1,
        );
        assert_eq!(stretches(&old, &new).map(|s| s.len()), Some(1));
        assert!(steps(&old, &new));
        assert_eq!(stretches(&old, &old), Some(Vec::new()));
    }

    #[test]
    fn too_many_stretches_or_a_step_that_cannot_patch_leave_it_to_the_full_parse() {
        let old = long_register(2 * MAX_STEPS + 4);
        let mut new = old.clone();
        // Every other record: the ids of the others keep the stretches apart.
        for i in (0..2 * MAX_STEPS + 4).step_by(2) {
            new = new.replacen(&format!("id: \"5.{i}\""), &format!("id: \"6.{i}\""), 1);
        }
        assert_eq!(stretches(&old, &new), None);
        assert!(!steps(&old, &new), "left to the full parse");
        // An alias in one of the stretches: that step cannot patch, so none is kept.
        let aliased = old
            .replacen("    owner: p-isms\n", "    owner: &who p-isms\n", 1)
            .replacen("id: \"5.9\"\n", "id: \"5.9\"\n    also: *who\n", 1);
        let tree = full(&old).unwrap();
        let f = SourceFile::new("soa.yaml", aliased.as_str());
        assert_eq!(reparse_in_steps(&old, &tree, &f), None);
        assert!(full(&aliased).is_ok());
    }

    #[test]
    fn random_edits_in_several_places_patch_exactly() {
        let base = long_register(12);
        let pieces = [
            "x",
            "\n",
            "  - id: R-9\n",
            "#",
            "\"",
            "[",
            "{",
            "|\n",
            "é",
            "è",
            "\t",
            "- ",
            ": ",
            "\n\n  ",
            "&a ",
            "*a",
        ];
        let mut rng = Lcg(5);
        let mut patched = 0;
        for _ in 0..600 {
            let mut new = base.clone();
            for _ in 0..1 + rng.below(5) {
                random_edit(&mut rng, &mut new, &pieces);
            }
            if steps(&base, &new) {
                patched += 1;
            }
        }
        assert!(
            patched > 100,
            "only {patched} multi-place edits were patched"
        );
    }

    #[test]
    fn random_edits_patch_exactly_or_fall_back() {
        let pieces = [
            "x",
            "\n",
            " ",
            "  ",
            "- ",
            "  - id: R-9\n",
            ": ",
            "#",
            "\"",
            "'",
            "[",
            "]",
            "{",
            "}",
            ",",
            "|\n",
            "    title: t\n",
            "é",
            "è",
            "\t",
            "-",
            "\n  - ",
            "owner: ",
            "~",
            "  note: x\n",
            "key: v\n",
            "\n\n",
            "!",
        ];
        for (base, seed) in [(REGISTER, 12), (SOA, 7)] {
            random_edits(base, seed, &pieces);
        }
    }

    /// One random insertion, deletion or replacement of `pieces` in `text`, on character
    /// boundaries.
    fn random_edit(rng: &mut Lcg, text: &mut String, pieces: &[&str]) {
        let at = rng.below(text.len() + 1);
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let end_from = |text: &String, end: usize| {
            (end.min(text.len())..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len())
        };
        match rng.below(3) {
            0 => text.insert_str(at, pieces[rng.below(pieces.len())]),
            1 => {
                let end = end_from(text, at + 1 + rng.below(12));
                text.replace_range(at..end, "");
            }
            _ => {
                let end = end_from(text, at + rng.below(4));
                text.replace_range(at..end, pieces[rng.below(pieces.len())]);
            }
        }
    }

    fn random_edits(base: &str, seed: u64, pieces: &[&str]) {
        let mut rng = Lcg(seed);
        let mut text = base.to_string();
        let mut patched = 0;
        for _ in 0..3000 {
            let mut new = text.clone();
            random_edit(&mut rng, &mut new, pieces);
            if step(&text, &new) {
                patched += 1;
            }
            // Drift, but come back to the register now and then so most steps start valid.
            text = if rng.below(4) == 0 || full(&new).is_err() {
                base.to_string()
            } else {
                new
            };
        }
        assert!(
            patched > 300,
            "only {patched} edits of {base:?} were patched"
        );
    }
}
