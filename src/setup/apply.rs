//! Writing a plan: for each file, the unchanged-on-disk check, the backup, the atomic write;
//! then the record `remove` undoes. Shared by `setup`, `remove` and `restore`.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::codex::home::CodexHome;
use crate::files::{self, State};
use crate::setup::plan::{FileChange, FileState};
use crate::setup::undo;

/// A file as it is on disk now, for planning an edit of it.
pub fn read_state(path: PathBuf) -> anyhow::Result<FileState> {
    let before = files::read_optional(&path)?;
    Ok(FileState { path, before })
}

/// One step done, for the command to tell the user as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    BackedUp(PathBuf),
    Wrote(PathBuf),
}

/// Backs up (with `backup`) and writes each change, reporting each step to `on_step` as it is
/// done: when the second file fails, the user still learns the first was written. Every file is
/// checked and its new text written beside it before any backup is taken or any file replaced:
/// a refusal (read-only, changed on disk, folder not writable) leaves all of them as they were.
pub fn apply_changes(
    home: &CodexHome,
    changes: &[FileChange],
    backup: bool,
    on_step: &mut dyn FnMut(Step),
) -> anyhow::Result<()> {
    files::create_private_dir(home.dir())?;
    let pending = changes
        .iter()
        .map(|change| files::prepare_write(&change.path, &change.after, change.before.as_deref()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for (change, pending) in changes.iter().zip(pending) {
        if let (true, Some(before)) = (backup, &change.before) {
            let saved = files::save_backup(&home.backups_dir(), &change.path, before)?;
            on_step(Step::BackedUp(saved.path));
        }
        pending
            .commit()
            .with_context(|| format!("cannot update `{}`", change.path.display()))?;
        on_step(Step::Wrote(change.path.clone()));
    }
    Ok(())
}

/// After setup wrote `changes` for provider `id`: remember how to undo them, for `remove`.
/// `replaced`: setup took over a table it had not written.
pub fn remember_undo(
    home: &CodexHome,
    mut state: State,
    id: &str,
    changes: &[undo::Undoable],
    replaced: bool,
) -> anyhow::Result<()> {
    undo::remember(&mut state.undo, id, changes, replaced)?;
    state.save(&home.backups_dir())
}

/// After remove wrote `changes`: the records of those files are spent.
pub fn forget_undo(
    home: &CodexHome,
    mut state: State,
    id: &str,
    changes: &[FileChange],
) -> anyhow::Result<()> {
    for change in changes {
        state.previous_model_provider.remove(&change.file_name());
    }
    undo::forget(&mut state.undo, id, changes);
    state.save(&home.backups_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_it_was_read_gets_no_backup_and_no_write() {
        let dir = tempfile::tempdir().unwrap();
        let home = CodexHome::at(dir.path());
        std::fs::write(home.config_path(), "model = \"from codex\"\n").unwrap();
        let change = FileChange {
            path: home.config_path(),
            before: Some("model = \"old\"\n".into()),
            after: "model_provider = \"x\"\n".into(),
        };
        let mut steps = Vec::new();
        let err = apply_changes(&home, &[change], true, &mut |s| steps.push(s)).unwrap_err();
        assert!(err.to_string().contains("changed on disk"), "{err}");
        assert!(steps.is_empty());
        assert!(files::list_backups(&home.backups_dir()).unwrap().is_empty());
        assert_eq!(
            std::fs::read_to_string(home.config_path()).unwrap(),
            "model = \"from codex\"\n"
        );
    }

    #[test]
    fn each_step_is_reported_backup_first() {
        let dir = tempfile::tempdir().unwrap();
        let home = CodexHome::at(dir.path());
        std::fs::write(home.config_path(), "model = \"old\"\n").unwrap();
        let change = FileChange {
            path: home.config_path(),
            before: Some("model = \"old\"\n".into()),
            after: "model = \"new\"\n".into(),
        };
        let mut steps = Vec::new();
        apply_changes(&home, &[change], true, &mut |s| steps.push(s)).unwrap();
        assert!(
            matches!(&steps[..], [Step::BackedUp(_), Step::Wrote(p)] if *p == home.config_path())
        );
        assert_eq!(
            std::fs::read_to_string(home.config_path()).unwrap(),
            "model = \"new\"\n"
        );
    }
}
