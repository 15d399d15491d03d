//! `isms init`: writes a complete starting ISMS from a template embedded in the binary.
//!
//! A template is a folder under `templates/scaffold/`, embedded at build time. Its files are
//! written with a few placeholders filled in ([`Vars`]), through [`crate::fsutil::write_atomic`],
//! never overwriting anything: into a new or empty folder, or (with `force`) adding only the
//! files that are missing. Then, unless told not to, a Git repository is created and the files are
//! committed, so the history that serves as the evidence trail starts with the scaffold.
//!
//! Record templates for audits, reviews and nonconformities are under `_templates/` in the
//! scaffold: outside `audits/`, `reviews/` and the registers, so the loader does not read them
//! as records.

use std::path::{Path, PathBuf};

use crate::fsutil::{self, Overwrite, WriteError};

mod embedded;
mod git;
mod vars;

pub use git::{COMMIT_MESSAGE, FALLBACK_EMAIL, FALLBACK_NAME};
pub use vars::{MAX_ORG_CHARS, OrgError, PlaceholderError, Vars};

/// The template used when none is named.
pub const DEFAULT_TEMPLATE: &str = "startup-saas";

/// The organisation name used when none is given: visibly a placeholder.
pub const PLACEHOLDER_ORG: &str = "Organisation (name to fill in)";

/// The phrases the scaffold writes where only the organisation can decide (`# to do: ...`,
/// `"Company office (address to fill in)"`). `isms check` reports every one still present, so
/// this list is the single source for both; a scaffold test keeps the templates to it.
pub const MARKERS: &[&str] = &["to do:", "to fill in"];

/// Whether a text still holds one of the scaffold's [`MARKERS`] (case does not matter).
pub fn has_marker(text: &str) -> bool {
    let t = text.to_lowercase();
    MARKERS.iter().any(|m| t.contains(m))
}

/// One file of a template.
#[derive(Debug, Clone, Copy)]
pub struct ScaffoldFile {
    /// Path relative to the new ISMS root, `/`-separated.
    pub path: &'static str,
    /// Content, with placeholders.
    pub text: &'static str,
}

/// A built-in template.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// Name given to `--template`.
    pub name: &'static str,
    /// One line saying what it is for.
    pub description: &'static str,
    /// Its files, sorted by path.
    pub files: &'static [ScaffoldFile],
}

impl Template {
    /// Every file with its placeholders filled in, as (path, content).
    pub fn render(&self, vars: &Vars) -> Result<Vec<(&'static str, String)>, InitError> {
        self.files
            .iter()
            .map(|f| {
                vars.render(f.text)
                    .map(|text| (f.path, text))
                    .map_err(|source| InitError::Placeholder {
                        path: f.path.to_string(),
                        source,
                    })
            })
            .collect()
    }
}

/// The files `isms init` writes besides the template's own: the editor schemas, generated from
/// the model (the one source of truth) rather than kept as a copy.
pub fn generated_files() -> Vec<(String, String)> {
    crate::schema::all()
        .into_iter()
        .map(|(name, text)| (format!("{}/{name}", crate::schema::SCHEMA_DIR), text))
        .collect()
}

/// All built-in templates.
pub fn templates() -> &'static [Template] {
    embedded::TEMPLATES
}

/// The built-in template with this name.
pub fn template(name: &str) -> Option<&'static Template> {
    templates().iter().find(|t| t.name == name)
}

/// The names of the built-in templates, for help texts and error messages.
pub fn template_names() -> Vec<&'static str> {
    templates().iter().map(|t| t.name).collect()
}

/// What `isms init` should do.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// Folder to create or fill.
    pub dir: PathBuf,
    /// Organisation name ([`PLACEHOLDER_ORG`] when `None`).
    pub org: Option<String>,
    /// Template name.
    pub template: String,
    /// Create a Git repository and commit the files.
    pub git: bool,
    /// Accept a non-empty folder and add only the missing files.
    pub force: bool,
    /// The date written into the scaffold (audit programme period, planned audits).
    pub today: jiff::civil::Date,
}

/// What happened with Git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitOutcome {
    /// `--no-git`.
    Disabled,
    /// A repository was created and the new files committed.
    Committed {
        /// Id of the commit.
        commit: String,
        /// `Name <email>` of the author.
        author: String,
    },
    /// The folder already belongs to a Git repository: nothing was committed, so that the
    /// user reviews the new files before they enter their history.
    ExistingRepository {
        /// The repository's working folder.
        workdir: PathBuf,
    },
    /// Nothing was created, so there was nothing to commit.
    NothingToCommit,
}

/// The result of [`init`].
#[derive(Debug, Clone)]
pub struct InitReport {
    /// The template used.
    pub template: &'static Template,
    /// The organisation name written.
    pub org: String,
    /// Files written, relative to the root.
    pub created: Vec<String>,
    /// Files that existed and were left untouched (only with `force`).
    pub skipped: Vec<String>,
    /// What happened with Git.
    pub git: GitOutcome,
}

/// Why `isms init` could not run.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// No built-in template has this name.
    #[error("unknown template `{name}`; available templates: {available}")]
    UnknownTemplate {
        /// The name asked for.
        name: String,
        /// Comma-separated list of known names.
        available: String,
    },
    /// The organisation name cannot be used.
    #[error("invalid --org value: {0}")]
    Org(#[from] OrgError),
    /// The target exists and is not a folder.
    #[error("{} exists and is not a folder", .0.display())]
    NotADirectory(PathBuf),
    /// The target folder has files and `force` was not given.
    #[error(
        "{} is not empty; choose a new or empty folder, or use --force to add only the missing files (existing files are never overwritten)",
        .0.display()
    )]
    NotEmpty(PathBuf),
    /// Reading or creating the target folder failed.
    #[error("cannot use {}: {source}", path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A built-in file has a broken placeholder (a defect of this release).
    #[error("built-in template file {path}: {source}")]
    Placeholder {
        /// The template file.
        path: String,
        /// The placeholder problem.
        #[source]
        source: PlaceholderError,
    },
    /// Creating the repository or the first commit failed. The files were written.
    #[error("the files were written, but the Git repository could not be created: {0}")]
    Git(#[from] git2::Error),
}

/// Writes the template into `options.dir` and, unless disabled, commits it to a new Git
/// repository.
pub fn init(options: &InitOptions) -> Result<InitReport, InitError> {
    let template = template(&options.template).ok_or_else(|| InitError::UnknownTemplate {
        name: options.template.clone(),
        available: template_names().join(", "),
    })?;
    let vars = Vars::new(
        options.org.as_deref().unwrap_or(PLACEHOLDER_ORG),
        options.today,
    )?;
    // Render everything before touching the disk, so a broken template writes nothing. The
    // editor schemas are generated from the model, the one source of truth, not copied.
    let mut files: Vec<(String, String)> = template
        .render(&vars)?
        .into_iter()
        .map(|(path, text)| (path.to_string(), text))
        .collect();
    files.extend(generated_files());

    let dir = &options.dir;
    prepare_dir(dir, options.force)?;

    let mut created = Vec::new();
    let mut skipped = Vec::new();
    for (path, text) in &files {
        let rel = Path::new(path);
        // An existing path of any kind (file, folder, dangling link) is left alone.
        if options.force && dir.join(rel).symlink_metadata().is_ok() {
            skipped.push(path.clone());
            continue;
        }
        match fsutil::write_atomic(dir, rel, text.as_bytes(), Overwrite::Refuse) {
            Ok(_) => created.push(path.clone()),
            // Appeared since the check above: still never overwrite.
            Err(WriteError::Exists { .. }) if options.force => skipped.push(path.clone()),
            Err(e) => return Err(e.into()),
        }
    }

    let git = if !options.git {
        GitOutcome::Disabled
    } else if created.is_empty() {
        GitOutcome::NothingToCommit
    } else {
        let paths: Vec<&str> = created.iter().map(String::as_str).collect();
        git::commit_scaffold(dir, &paths)?
    };

    Ok(InitReport {
        template,
        org: vars.org().to_string(),
        created,
        skipped,
        git,
    })
}

/// Creates `dir` if needed; refuses a file, and a non-empty folder unless `force`.
fn prepare_dir(dir: &Path, force: bool) -> Result<(), InitError> {
    let io = |source| InitError::Io {
        path: dir.to_path_buf(),
        source,
    };
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => Err(InitError::NotADirectory(dir.to_path_buf())),
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(io)?;
            if !force && entries.next().is_some() {
                return Err(InitError::NotEmpty(dir.to_path_buf()));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io)
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests;
