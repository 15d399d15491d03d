//! The loader's problem codes (`LOAD-nnn`), each declared once with its documentation.
//!
//! The loader owns these codes because it emits them; the rule registry of `isms check` builds
//! its `LOAD` rules from this table, so they can be configured, explained, listed by
//! `isms rules` and named in SARIF.

use crate::diagnostic::Severity;

/// One class of problem the loader reports.
#[derive(Debug, Clone, Copy)]
pub struct LoadCode {
    /// Stable code, e.g. `LOAD-006`. Never renamed or reused.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `yaml-syntax`.
    pub name: &'static str,
    /// The severity the loader reports it with, before configuration.
    pub severity: Severity,
    /// One line: what the problem is.
    pub summary: &'static str,
    /// Why it matters and how to fix it, with a small example (Markdown).
    pub explanation: &'static str,
}

/// Most loader problems are errors: the record cannot be used as written.
const fn error(
    code: &'static str,
    name: &'static str,
    summary: &'static str,
    explanation: &'static str,
) -> LoadCode {
    LoadCode {
        code,
        name,
        severity: Severity::Error,
        summary,
        explanation,
    }
}

/// A problem that leaves the records usable (a skipped file, an evidence link that proves
/// nothing).
const fn warning(
    code: &'static str,
    name: &'static str,
    summary: &'static str,
    explanation: &'static str,
) -> LoadCode {
    LoadCode {
        severity: Severity::Warning,
        ..error(code, name, summary, explanation)
    }
}

/// Every code the loader emits, in code order.
pub const LOAD_CODES: &[LoadCode] = &[
    error(
        "LOAD-001",
        "missing-manifest",
        "isms.yaml is missing: it names the organisation, people and methodology every other record refers to",
        "\
Every ISMS repository has an `isms.yaml` at its root. Without it there are no people to own
records, no methodology to rate risks and no cadences, so almost nothing else can be checked.

Fix: run the command on the folder that contains isms.yaml, or create one with `isms init`.

```yaml
schema_version: 1
organisation: { name: Acme SaaS GmbH }
people:
  - { id: p-ceo, name: Jane Doe, role: CEO, top_management: true }
```",
    ),
    error(
        "LOAD-002",
        "unreadable-file",
        "a record file cannot be read, or is not a regular file (a named pipe, device or socket is never opened)",
        "\
A file that the loader needs could not be opened or read (permissions, a file removed while
reading, a broken disk), or is not a regular file: a named pipe, device or socket in place of a
record is never opened, since reading it could block forever or never end. Its records are
missing from every check that follows (and findings that would only restate that are not
raised).

Fix: check the file's permissions and that it is a regular file inside the repository.",
    ),
    error(
        "LOAD-003",
        "file-too-large",
        "a record file is larger than the loader reads (8 MiB unless `limits.max_file_size_mib` or `--max-file-size` says otherwise)",
        "\
Record files are text registers, far below 8 MiB even for thousands of risks. A larger file is
almost always a binary dump or an export put in the wrong place, so the loader refuses it rather
than spend memory on it.

Fix: move large evidence out of the record files (evidence may live outside Git and be referenced
by URL with a sha256), or split a register into a folder of files (`risks/*.yaml`,
`assets/*.yaml`, ...). A very large ISMS may raise the limit with `limits: { max_file_size_mib: N }`
in isms.yaml or `--max-file-size N` on `isms check` and `isms render` (at most 1024 MiB).",
    ),
    error(
        "LOAD-004",
        "not-utf8",
        "a record file is not valid UTF-8 text",
        "\
Records are plain UTF-8 text so that Git can diff them and every tool can read them. A file
saved in another encoding (often Windows-1252 from a spreadsheet export) cannot be read reliably.

Fix: re-save the file as UTF-8 (most editors have an \"encoding\" option).",
    ),
    error(
        "LOAD-005",
        "empty-file",
        "a record file is empty",
        "\
An empty register or document is neither a record nor a deliberate absence: it usually means a
file was created and never filled in, or was truncated.

Fix: fill it in (`isms init` writes a complete starting point) or delete it.",
    ),
    error(
        "LOAD-006",
        "yaml-syntax",
        "a YAML file or front matter is not valid YAML (or exceeds the parser's safety budgets)",
        "\
The file cannot be parsed, so none of its records are available. Common causes are inconsistent
indentation, a tab character, an unclosed quote or bracket, or a duplicated key. The parser also
refuses alias bombs and extreme nesting.

Fix: correct the syntax at the reported line and column.

```yaml
risks:
  - id: R-001
    title: \"Laptop theft: unencrypted disk\"   # quote text containing ': '
```",
    ),
    error(
        "LOAD-007",
        "front-matter",
        "a Markdown document has no YAML front matter, or it is not closed by `---`",
        "\
Documents (scope, policies, procedures, audits, reviews) carry their document-control data in
YAML front matter between two `---` lines at the top of the file. Without it the document has no
id, owner or approval and cannot be checked.

Fix: start the file with the front matter.

```markdown
---
id: POL-05
title: Access Control Policy
version: \"1.0\"
owner: p-cto
approval: { by: p-ceo, on: 2025-02-03 }
---
# Access Control Policy
```",
    ),
    error(
        "LOAD-008",
        "unknown-field",
        "a record has a field the format does not know (often a typo)",
        "\
Fields are checked strictly, so that a typo such as `onwer:` is reported instead of silently
ignored (an ignored owner would later look like a missing one). The hint suggests the closest
known field.

Fix: correct the field name; docs/format.md lists every field.

```yaml
risks:
  - id: R-001
    owner: p-cto      # not `onwer`
```",
    ),
    error(
        "LOAD-009",
        "missing-field",
        "a record lacks a required field",
        "\
Some fields identify a record and cannot be left out, such as `id` and `title`. A record
without them cannot be referenced or reported.

Fix: add the field named in the message.

```yaml
objectives:
  - id: OBJ-03
    title: Reduce phishing click rate below 5%
```",
    ),
    error(
        "LOAD-010",
        "wrong-type",
        "a field has a value of the wrong type (text for a number, a single value for a list, ...)",
        "\
The value has the wrong shape: text where a number is expected, a single value where a list is
expected, a list where a mapping is expected. Control ids are text: quote them so that `5.10`
does not become the number 5.1.

Fix: write the value in the expected shape.

```yaml
controls: [\"5.10\", \"8.5\"]        # a list of quoted ids
inherent: { likelihood: 3, impact: 2 }
```",
    ),
    error(
        "LOAD-011",
        "invalid-value",
        "a field has a value outside the allowed set, or an invalid date",
        "\
Fields with a closed vocabulary (treatment, status, severity, ...) accept only the listed
values, and dates must be real calendar days written as YYYY-MM-DD. The hint lists the
accepted values.

Fix: use one of the accepted values.

```yaml
treatment: mitigate      # mitigate | accept | transfer | avoid
due: 2025-09-30
```",
    ),
    error(
        "LOAD-012",
        "duplicate-id",
        "two records of the same kind share an id",
        "\
References between records are by id, so ids must be unique per kind. A duplicated risk or
control id makes every reference to it ambiguous. The finding points at the second definition
and names the first.

Fix: give each record its own id, or merge the duplicates.",
    ),
    error(
        "LOAD-013",
        "dangling-reference",
        "a reference names a record (person, risk, asset, policy, ...) that does not exist",
        "\
An owner, approver, risk, asset, policy or audit named by id must exist. A dangling reference
usually comes from a typo or a record that was renamed or removed, and it silently breaks the
trace an auditor follows.

Fix: correct the id (the hint suggests the closest existing one) or add the missing record.

```yaml
people:
  - { id: p-cto, name: Max Mustermann, role: CTO, top_management: true }
risks:
  - id: R-001
    owner: p-cto
```",
    ),
    error(
        "LOAD-014",
        "unknown-control",
        "an Annex A control id that ISO/IEC 27001:2022 does not have",
        "\
Annex A of ISO/IEC 27001:2022 has 93 controls: 5.1-5.37, 6.1-6.8, 7.1-7.14 and 8.1-8.34. Any
other id (5.38, 8.35) is a typo or comes from another framework. Ids are compared as text, so
5.1 and 5.10 are different controls. Controls of your own or from another framework are
welcome (6.1.3 c): list them under `additional_controls:` in soa.yaml with an id of your own
(such as `ORG-01`, not shaped like an Annex A id), and cite that id.

Fix: use the correct id (`isms controls` lists them), or define the control under
`additional_controls:`.",
    ),
    error(
        "LOAD-015",
        "control-2013-id",
        "an ISO/IEC 27001:2013 control id, with its 2022 equivalent",
        "\
Three-part ids such as A.9.2.1 come from the 2013 edition, whose certificates expired at the end
of October 2025. The hint names the 2022 control(s) that replace it.

Fix: replace the id with its 2022 equivalent.

```yaml
controls: [\"5.16\"]    # was A.9.2.1
```",
    ),
    error(
        "LOAD-016",
        "symlink",
        "a symbolic link where a record is expected: links are not followed",
        "\
The loader never follows symbolic links, so that a repository cannot make the tool read files
outside it. A record kept behind a link is therefore not loaded.

Fix: replace the link with the file itself.",
    ),
    error(
        "LOAD-017",
        "schema-version",
        "isms.yaml declares a schema_version this release cannot read",
        "\
`schema_version` in isms.yaml tells which version of the record format the repository uses. A
version newer than this release understands was written by a newer `isms`, and reading it could
misinterpret fields, so the loader refuses.

Fix: upgrade `isms`, or set the version this release reads.

```yaml
schema_version: 1
```",
    ),
    warning(
        "LOAD-018",
        "unrecognised-file",
        "a file looks like a record but isms does not read it (misspelt name, `.yml`, nested folder)",
        "\
The loader reads records from fixed places: registers such as `risks.yaml` at the root, and
Markdown documents directly inside `policies/`, `procedures/`, `audits/` and `reviews/`. A file
that is almost one of these (`risk.yaml`, `assets.yml`, `policies/hr/onboarding.md`) is not read,
so whatever it records is invisible to every check and document. This warning makes the skip
visible.

Fix: rename or move the file to where isms reads it (see docs/format.md), or move it out of the
record folders if it is not a record.",
    ),
    error(
        "LOAD-019",
        "invalid-id",
        "a record id is empty or has a character other than ASCII letters, digits, `-`, `_` and `.`",
        "\
Ids are what auditors, references and commit messages point at, so they must read the same to
everyone. An empty id names nothing; an invisible character (a right-to-left override, a
zero-width space) makes an id display differently from what it is; a Cyrillic or Greek letter
that looks like a Latin one (`Р-001` with a Cyrillic Р) makes two ids that look identical and
are not. Ids are therefore restricted to ASCII letters, digits, `-`, `_` and `.`, the characters
every id of the format's examples uses.

Fix: retype the id with those characters only.

```yaml
risks:
  - id: R-001    # not \"Р-001\" (Cyrillic Р) or an id with hidden characters
```",
    ),
    warning(
        "LOAD-020",
        "evidence-url-scheme",
        "an evidence URL is not an `https://` or `http://` link with a host (`file:`, `javascript:`, `data:`, no scheme)",
        "\
External evidence is cited by a link an auditor can open: `https://` (or `http://` on an
intranet). A `file:` URL points at one machine's disk, and at anything on it; `javascript:` and
`data:` URLs run or embed content when the link in a rendered document is clicked; a link
without a scheme or host opens nothing. The evidence entry still loads (rendered documents show
such a URL as text, never as a live link), but it proves nothing.

Fix: link to where the evidence is kept, or commit the file and cite it with `path:`.

```yaml
evidence:
  - { url: https://tickets.example.com/SEC-412, collected: 2025-09-30 }
  - { path: evidence/2025-q3-access-review.csv, collected: 2025-09-30 }
```",
    ),
];
