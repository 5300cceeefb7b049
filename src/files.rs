//! Reading and writing the user's files: never half-written, never lost.
//!
//! Writes resolve symlinks (a dotfiles link stays a link), back up the old bytes, write a temp
//! file beside the target with the target's permissions, fsync, and rename over it. A file that
//! changed on disk since it was read is not overwritten.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::error::{self, Help};

const KEEP_BACKUPS: usize = 10;
const NEW_FILE_MODE: u32 = 0o600;
#[cfg(unix)]
const NEW_DIR_MODE: u32 = 0o700;

/// Reads a text file; `None` when it does not exist. Any other problem is an error.
pub fn read_optional(path: &Path) -> anyhow::Result<Option<String>> {
    match fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|e| {
            error::failure(
                format!(
                    "`{}` is not UTF-8 text (invalid byte at offset {})",
                    path.display(),
                    e.utf8_error().valid_up_to()
                ),
                "TOML files must be UTF-8; re-save it as UTF-8 and try again",
            )
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
            let parent = path.parent().unwrap_or(path);
            Err(e)
                .with_context(|| format!("`{}` is not a folder", parent.display()))
                .help("point `--codex-home` (or `CODEX_HOME`) at a folder")
        }
        Err(e) if path.is_dir() => Err(e)
            .with_context(|| format!("`{}` is a folder, not a file", path.display()))
            .help("move the folder away so codexgw can create the file"),
        Err(e) => Err(e)
            .with_context(|| format!("cannot read `{}`", path.display()))
            .help("check the file's permissions; nothing was written"),
    }
}

/// Follows a chain of symlinks to the file that really holds the bytes. Relative targets are
/// resolved against the link's own folder. A dangling link resolves to its target path.
pub fn resolve_symlinks(path: &Path) -> anyhow::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current)
                    .with_context(|| format!("cannot read the link `{}`", current.display()))?;
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(error::failure(
        format!("`{}` is a loop of symbolic links", path.display()),
        "point the link at a real file",
    ))
}

/// Creates a folder (and parents) that only its owner can enter.
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, NEW_DIR_MODE);
    builder
        .create(dir)
        .with_context(|| format!("cannot create the folder `{}`", dir.display()))
        .help("check that the parent folder exists and is writable")
}

/// Replaces `path` with `contents` atomically. `expected` is what the file held when it was
/// read (`None`: it did not exist); if it holds something else now, nothing is written.
pub fn write_atomic(path: &Path, contents: &str, expected: Option<&str>) -> anyhow::Result<()> {
    let target = resolve_symlinks(path)?;
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let mode = existing_mode(&target)?;
    refuse_read_only(&target)?;
    let not_writable = || format!("`{}` is not writable; nothing was changed", dir.display());
    let mut temp = tempfile::Builder::new()
        .prefix(".codexgw-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(not_writable)
        .help("check the folder's permissions, or pass `--codex-home` to use another folder")?;
    set_mode(temp.as_file(), mode)?;
    temp.write_all(contents.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write a temporary file in `{}`", dir.display()))?;

    ensure_unchanged(&target, expected)?;
    temp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace `{}`", target.display()))
        .help("check the file's permissions; the old file is unchanged")?;
    sync_dir(dir);
    Ok(())
}

/// Fails when `path` no longer holds `expected` (what it held when it was read; `None`: it did
/// not exist). Checked before a backup is taken and again right before the rename.
pub fn ensure_unchanged(path: &Path, expected: Option<&str>) -> anyhow::Result<()> {
    if read_optional(path)?.as_deref() == expected {
        return Ok(());
    }
    Err(error::failure(
        format!(
            "`{}` changed on disk while codexgw was working (Codex may have written it)",
            path.display()
        ),
        "run the command again; nothing was written",
    ))
}

#[cfg(unix)]
fn existing_mode(path: &Path) -> anyhow::Result<u32> {
    use std::os::unix::fs::PermissionsExt;
    match fs::metadata(path) {
        Ok(meta) => Ok(meta.permissions().mode() & 0o7777),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(NEW_FILE_MODE),
        Err(e) => Err(e).with_context(|| format!("cannot inspect `{}`", path.display())),
    }
}

#[cfg(not(unix))]
fn existing_mode(_path: &Path) -> anyhow::Result<u32> {
    Ok(NEW_FILE_MODE)
}

/// A file its owner made read-only stays untouched: the rename would get past the protection
/// (and root gets past it anyway), so the intent is checked here.
fn refuse_read_only(path: &Path) -> anyhow::Result<()> {
    if fs::metadata(path).is_ok_and(|meta| meta.permissions().readonly()) {
        return Err(error::failure(
            format!("`{}` is read-only", path.display()),
            format!(
                "make it writable (`chmod u+w {}`) and run the command again; nothing was written",
                path.display()
            ),
        ));
    }
    Ok(())
}

#[cfg(unix)]
fn set_mode(file: &fs::File, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(mode))
        .context("cannot set the permissions of a temporary file")
}

#[cfg(not(unix))]
fn set_mode(_file: &fs::File, _mode: u32) -> anyhow::Result<()> {
    Ok(())
}

/// Makes the rename durable; failure here cannot lose data, so it is not reported.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// A saved copy of a file, as `restore` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    /// The name of the file it is a copy of, e.g. `config.toml`.
    pub original: String,
    /// Sortable UTC stamp, e.g. `20261127T233415.123Z`.
    pub stamp: String,
}

impl Backup {
    /// When it was taken, for people: `2026-11-27 23:34:15 UTC`.
    pub fn taken_at(&self) -> String {
        let s = &self.stamp;
        match (
            s.get(..4),
            s.get(4..6),
            s.get(6..8),
            s.get(9..11),
            s.get(11..13),
            s.get(13..15),
        ) {
            (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(sec)) => {
                format!("{y}-{mo}-{d} {h}:{mi}:{sec} UTC")
            }
            _ => s.clone(),
        }
    }

    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Saves `contents` (the old bytes of `original`) in `dir` and keeps the newest ten per file.
pub fn save_backup(dir: &Path, original: &Path, contents: &str) -> anyhow::Result<Backup> {
    create_private_dir(dir)?;
    let original = original
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.toml".into());
    let stamp = stamp(SystemTime::now());
    let mut path = dir.join(format!("{original}.{stamp}.bak"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{original}.{stamp}-{n}.bak"));
    }
    write_atomic(&path, contents, None)
        .with_context(|| format!("cannot back up `{original}` before changing it"))?;
    let backup = Backup {
        path,
        original: original.clone(),
        stamp,
    };
    for old in list_backups(dir)?
        .into_iter()
        .filter(|b| b.original == original)
        .skip(KEEP_BACKUPS)
    {
        fs::remove_file(&old.path)
            .with_context(|| format!("cannot prune the old backup `{}`", old.path.display()))?;
    }
    Ok(backup)
}

/// Backups in `dir`, newest first.
pub fn list_backups(dir: &Path) -> anyhow::Result<Vec<Backup>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot list `{}`", dir.display())),
    };
    let mut backups = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list `{}`", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(backup) = parse_backup_name(&name) {
            backups.push(Backup {
                path: entry.path(),
                ..backup
            });
        }
    }
    backups.sort_by(|a, b| b.stamp.cmp(&a.stamp).then_with(|| b.name().cmp(&a.name())));
    Ok(backups)
}

fn parse_backup_name(name: &str) -> Option<Backup> {
    let rest = name.strip_suffix(".bak")?;
    let (original, stamp) = rest.rsplit_once('.').and_then(|(head, tail)| {
        // The stamp itself holds one dot (`…T233415.123Z`): split before it.
        let (original, seconds) = head.rsplit_once('.')?;
        Some((original, format!("{seconds}.{tail}")))
    })?;
    let looks_like_stamp = stamp.len() >= 20 && stamp.as_bytes()[8] == b'T';
    looks_like_stamp.then(|| Backup {
        path: PathBuf::from(name),
        original: original.to_string(),
        stamp,
    })
}

/// `20261127T233415.123Z` (UTC, sortable, no colons so it is a valid name everywhere).
fn stamp(time: SystemTime) -> String {
    humantime::format_rfc3339_millis(time)
        .to_string()
        .replace(['-', ':'], "")
}

/// What codexgw remembers between runs, so `remove` undoes exactly what `setup` did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// File name → the `model_provider` before codexgw first changed it (`None`: absent).
    /// Written by codexgw versions before `undo`; read by `remove` for files without a record.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub previous_model_provider: std::collections::BTreeMap<String, Option<String>>,
    /// Each file's text before and after setup, per provider id.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub undo: crate::setup::undo::Records,
}

impl State {
    pub fn path(backups_dir: &Path) -> PathBuf {
        backups_dir.join("state.json")
    }

    pub fn load(backups_dir: &Path) -> anyhow::Result<State> {
        let path = State::path(backups_dir);
        match read_optional(&path)? {
            None => Ok(State::default()),
            Some(text) => serde_json::from_str(&text)
                .with_context(|| format!("cannot read codexgw's state in `{}`", path.display()))
                .help(
                    "delete that file; `codexgw remove` then forgets what came before setup (the backups stay)",
                ),
        }
    }

    pub fn save(&self, backups_dir: &Path) -> anyhow::Result<()> {
        let path = State::path(backups_dir);
        let before = read_optional(&path)?;
        let text = serde_json::to_string_pretty(self).expect("state serializes") + "\n";
        if before.as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        write_atomic(&path, &text, before.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_round_trip() {
        let b = parse_backup_name("work.config.toml.20261127T233415.123Z.bak").unwrap();
        assert_eq!(b.original, "work.config.toml");
        assert_eq!(b.stamp, "20261127T233415.123Z");
        let b = parse_backup_name("config.toml.20261127T233415.123Z-2.bak").unwrap();
        assert_eq!(b.stamp, "20261127T233415.123Z-2");
        assert!(parse_backup_name("notes.txt").is_none());
        assert!(parse_backup_name("state.json").is_none());
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "model = \"from codex\"\n").unwrap();
        let err =
            write_atomic(&path, "model_provider = \"x\"\n", Some("model = \"old\"\n")).unwrap_err();
        assert!(err.to_string().contains("changed on disk"), "{err}");
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "model = \"from codex\"\n"
        );
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "the temp file was left behind");

        // A file that appeared since codexgw saw none is not overwritten either.
        let fresh = dir.path().join("new.toml");
        fs::write(&fresh, "x = 1\n").unwrap();
        assert!(write_atomic(&fresh, "y = 2\n", None).is_err());
        assert_eq!(fs::read_to_string(&fresh).unwrap(), "x = 1\n");

        write_atomic(&path, "ok = true\n", Some("model = \"from codex\"\n")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "ok = true\n");
    }

    #[test]
    fn a_backup_says_when_it_was_taken() {
        let b = parse_backup_name("config.toml.20261127T233415.123Z-2.bak").unwrap();
        assert_eq!(b.taken_at(), "2026-11-27 23:34:15 UTC");
    }

    #[test]
    fn stamps_sort_by_time() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_795_000_000_123);
        assert_eq!(stamp(t), "20261118T110640.123Z");
    }
}
