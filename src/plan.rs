//! What `setup` and `remove` would do to the files, computed without touching them.

use std::path::{Path, PathBuf};

use crate::document::ConfigDocument;
use crate::mode::ProviderSpec;

/// A file as read from disk (`before: None`: it does not exist yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub path: PathBuf,
    pub before: Option<String>,
}

/// One file's old and new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: PathBuf,
    pub before: Option<String>,
    pub after: String,
}

impl FileChange {
    pub fn is_noop(&self) -> bool {
        self.before.as_deref() == Some(self.after.as_str())
    }

    pub fn file_name(&self) -> String {
        file_name(&self.path)
    }
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The result of planning `setup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupPlan {
    /// Only files whose text changes.
    pub changes: Vec<FileChange>,
    /// `(file name, value)` of `model_provider` before codexgw pointed it at the gateway, so
    /// `remove` can put it back.
    pub replaced_model_provider: Option<(String, Option<String>)>,
}

fn parse(state: &FileState) -> anyhow::Result<ConfigDocument> {
    match &state.before {
        Some(text) => ConfigDocument::parse_file(text, &state.path),
        None => Ok(ConfigDocument::empty()),
    }
}

fn change(state: FileState, doc: &ConfigDocument, changed: bool) -> Option<FileChange> {
    let after = if changed || state.before.is_none() {
        doc.render()
    } else {
        state.before.clone().unwrap_or_default()
    };
    let change = FileChange {
        path: state.path,
        before: state.before,
        after,
    };
    (!change.is_noop()).then_some(change)
}

/// Writes the provider block into `config`, and points `model_provider` at it: at the top of
/// `config`, or only in the profile file when one is given.
pub fn plan_setup(
    spec: &ProviderSpec,
    config: FileState,
    profile: Option<FileState>,
) -> anyhow::Result<SetupPlan> {
    let mut doc = parse(&config)?;
    let mut changed = doc.apply_provider(spec)?;
    let mut replaced_model_provider = None;
    let mut profile_change = None;
    match profile {
        None => {
            let previous = doc.top_level_str("model_provider").map(str::to_string);
            if previous.as_deref() != Some(spec.id.as_str()) {
                replaced_model_provider = Some((file_name(&config.path), previous));
            }
            changed |= doc.set_top_level_str("model_provider", &spec.id)?;
        }
        Some(profile) => {
            let mut profile_doc = parse(&profile)?;
            let previous = profile_doc
                .top_level_str("model_provider")
                .map(str::to_string);
            if previous.as_deref() != Some(spec.id.as_str()) {
                replaced_model_provider = Some((file_name(&profile.path), previous));
            }
            let profile_changed = profile_doc.set_top_level_str("model_provider", &spec.id)?;
            profile_change = change(profile, &profile_doc, profile_changed);
        }
    }
    let changes = change(config, &doc, changed)
        .into_iter()
        .chain(profile_change)
        .collect();
    Ok(SetupPlan {
        changes,
        replaced_model_provider,
    })
}

/// Deletes the provider table and un-points `model_provider` (in `file`, which is `config.toml`
/// or a profile file), restoring `previous` when codexgw remembers it.
pub fn plan_remove(
    id: &str,
    config: FileState,
    profile: Option<FileState>,
    previous: Option<Option<String>>,
) -> anyhow::Result<Vec<FileChange>> {
    let mut doc = parse(&config)?;
    let mut changed = doc.remove_provider(id);
    let mut profile_change = None;
    let restore_pointer = |doc: &mut ConfigDocument| -> anyhow::Result<bool> {
        if doc.top_level_str("model_provider") != Some(id) {
            return Ok(false);
        }
        match previous.clone().flatten() {
            Some(value) => doc.set_top_level_str("model_provider", &value),
            None => Ok(doc.remove_top_level("model_provider")),
        }
    };
    match profile {
        None => changed |= restore_pointer(&mut doc)?,
        Some(profile) if profile.before.is_some() => {
            let mut profile_doc = parse(&profile)?;
            let profile_changed = restore_pointer(&mut profile_doc)?;
            profile_change = change(profile, &profile_doc, profile_changed);
        }
        Some(_) => {}
    }
    if config.before.is_none() {
        return Ok(profile_change.into_iter().collect());
    }
    Ok(change(config, &doc, changed)
        .into_iter()
        .chain(profile_change)
        .collect())
}

/// The block for `spec` exactly as `setup` writes it into an empty `config.toml`: what `show`
/// prints and what templates embed.
pub fn render_block(spec: &ProviderSpec) -> anyhow::Result<String> {
    let empty = FileState {
        path: PathBuf::from("config.toml"),
        before: None,
    };
    let plan = plan_setup(spec, empty, None)?;
    Ok(plan.changes.into_iter().map(|c| c.after).collect())
}
