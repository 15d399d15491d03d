//! Markdown handling for rendered documents.
//!
//! Record bodies (policies, scope, audit reports, review minutes) are Markdown written by people.
//! They are rendered with comrak with raw HTML disabled: any HTML the author typed is shown as
//! text, never passed through as markup, so a record cannot inject scripts or styles into a
//! document an auditor opens. Plain record fields (titles, justifications, names) are escaped by
//! the template engine: HTML escaping in `.html` templates and [`escape_markdown`] in `.md`
//! templates.

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options};

/// The comrak options used everywhere: GitHub-flavoured tables, strikethrough, task lists and
/// autolinks; raw HTML not rendered (`unsafe` off) but escaped so it stays visible as text.
fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.strikethrough = true;
    o.extension.tasklist = true;
    o.extension.autolink = true;
    o.render.r#unsafe = false;
    o.render.escape = true;
    o
}

/// Renders a Markdown body to an HTML fragment. Raw HTML in the input appears as escaped text
/// and dangerous link schemes (`javascript:` and the like) are dropped by comrak.
pub fn to_html(md: &str) -> String {
    comrak::markdown_to_html(md, &options())
}

/// Normalises a Markdown body for inclusion in a Markdown document, turning every raw HTML
/// block or inline tag into literal text (escaped so that no Markdown viewer renders it).
pub fn to_safe_markdown(md: &str) -> String {
    let arena = Arena::new();
    let opts = options();
    let root = comrak::parse_document(&arena, md, &opts);
    // Collect first: the tree is edited while walking it otherwise.
    let nodes: Vec<&AstNode<'_>> = root.descendants().collect();
    for node in nodes {
        let value = node.data().value.clone();
        match value {
            NodeValue::HtmlInline(raw) => {
                node.data_mut().value = NodeValue::Text(raw.into());
            }
            NodeValue::Link(link) | NodeValue::Image(link)
                if comrak::html::dangerous_url(&link.url) =>
            {
                // Same rule as the HTML output: `javascript:`, `vbscript:`, `file:` and
                // non-image `data:` targets are dropped, the link text stays.
                if let NodeValue::Link(l) | NodeValue::Image(l) = &mut node.data_mut().value {
                    l.url.clear();
                }
            }
            NodeValue::HtmlBlock(block) => {
                // A block cannot become an inline node: make it a paragraph holding the
                // literal lines as text, separated by hard line breaks to keep their layout.
                node.data_mut().value = NodeValue::Paragraph;
                let text = block.literal.trim_end_matches('\n');
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        node.append(arena.alloc(NodeValue::LineBreak.into()));
                    }
                    node.append(arena.alloc(NodeValue::Text(line.to_string().into()).into()));
                }
            }
            _ => {}
        }
    }
    let mut out = String::new();
    // Writing into a String cannot fail; an error here would only mean a formatter bug, in
    // which case the escaped source is a safe fallback.
    if comrak::format_commonmark(root, &opts, &mut out).is_err() {
        return escape_markdown(md);
    }
    out
}

/// Escapes plain text so that it renders as itself inside a Markdown document, including
/// inside a table cell: inline markup characters, HTML-significant characters and the table
/// pipe get a backslash; so does a `#`, `-`, `+` or `=` at the start of a line when it would
/// start a heading, list or rule there (followed by a space, the end, or the same character).
/// Line breaks are kept.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut at_line_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '-' | '+' | '=' if at_line_start => {
                let next = chars.peek().copied();
                if next.is_none_or(|n| n.is_whitespace() || n == c) {
                    out.push('\\');
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        if c == '\n' {
            at_line_start = true;
        } else if !(c == ' ' || c == '\t') {
            at_line_start = false;
        }
    }
    out
}

/// The escape function given to the Markdown template engine (autoescape for `.md`).
pub(crate) fn escape_markdown_to(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(escape_markdown(input).as_bytes())
}

/// Collapses all runs of whitespace (including line breaks) into single spaces, so a
/// multi-line field fits in one Markdown table cell.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_in_markdown_is_text_in_html_output() {
        let html = to_html("Hello <script>alert(1)</script>\n\n<div onclick=\"x()\">block</div>\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&lt;div onclick="), "{html}");
    }

    #[test]
    fn javascript_links_are_dropped() {
        let html = to_html("[x](javascript:alert(1))");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn markdown_still_renders() {
        let html = to_html("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("checkbox"), "{html}");
    }

    #[test]
    fn raw_html_in_markdown_is_text_in_markdown_output() {
        let md = to_safe_markdown("Hi <b>there</b>\n\n<script>\nalert(1)\n</script>\n\nend\n");
        assert!(!md.contains("<b>"), "{md}");
        assert!(!md.contains("<script>"), "{md}");
        // And the result, rendered by any CommonMark viewer, shows the tags as text.
        let html = comrak::markdown_to_html(&md, &Options::default());
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("&lt;b&gt;there&lt;/b&gt;"), "{html}");
        assert!(html.contains("end"), "{html}");
    }

    #[test]
    fn dangerous_links_are_dropped_in_markdown_output() {
        let md =
            to_safe_markdown("[a](javascript:alert(1)) [b](https://example.com) ![c](vbscript:x)");
        assert!(
            !md.contains("javascript:") && !md.contains("vbscript:"),
            "{md}"
        );
        assert!(md.contains("https://example.com"), "{md}");
    }

    #[test]
    fn escaped_text_renders_as_itself() {
        let raw = "a|b *c* _d_ <script>x</script> [l](u) & `c`\n# not a heading";
        let esc = escape_markdown(raw);
        let mut o = Options::default();
        o.extension.table = true;
        let html = comrak::markdown_to_html(&esc, &o);
        assert!(
            !html.contains("<em>") && !html.contains("<h1>") && !html.contains("<a "),
            "{html}"
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("a|b *c* _d_ &lt;script&gt;x&lt;/script&gt; [l](u) &amp; `c`"),
            "{html}"
        );
        // In a table cell, an escaped pipe does not split the cell.
        let table = format!("| h |\n|---|\n| {} |\n", escape_markdown("x|y"));
        let html = comrak::markdown_to_html(&table, &o);
        assert!(html.contains("<td>x|y</td>"), "{html}");
        // Dates, negative numbers and hyphenated words stay readable.
        assert_eq!(escape_markdown("-1 and 2025-01-01"), "-1 and 2025-01-01");
        assert_eq!(escape_markdown("- item\n## h\n-"), "\\- item\n\\## h\n\\-");
    }

    #[test]
    fn one_line_collapses_whitespace() {
        assert_eq!(one_line("a\n  b\t\tc \n"), "a b c");
    }
}
