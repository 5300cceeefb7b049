//! Reading and writing the user's files: never half-written, never lost, never waited on.
//!
//! Every user file is read through [`read_optional`]: regular files only (a FIFO, device or
//! socket in its place is refused at once, never opened for a blocking read), at most
//! [`READ_LIMIT`] bytes, and only once it holds still — an editor that rewrites in place
//! (truncate, then write) must not hand codexgw the empty file in between.
//!
//! Writes resolve symlinks (a dotfiles link stays a link), write a temp file beside the target
//! with the target's permissions and owner, fsync, and rename over it. A file that changed on
//! disk since it was read is not overwritten: its content and identity (device, inode, size,
//! modification time) are compared right before the rename. Several files are prepared before
//! any is renamed ([`prepare_write`]), so a refusal leaves every one of them as it was.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::error::{self, Help};

mod backups;

pub use backups::{Backup, State, list_backups, save_backup};
#[cfg(test)]
use backups::{KEEP_BACKUPS, parse_backup_name, stamp};

const NEW_FILE_MODE: u32 = 0o600;
#[cfg(unix)]
const NEW_DIR_MODE: u32 = 0o700;

/// The most codexgw reads of any file it is given: far above any real config, far below what
/// would exhaust memory (`/dev/zero` or a runaway log linked in as config.toml).
pub const READ_LIMIT: u64 = 64 * 1024 * 1024;

/// An empty file modified this recently may be an editor's rewrite between its truncate and its
/// write: wait until it has content or has been quiet this long.
const SETTLE: Duration = Duration::from_millis(1000);
/// How long a read waits in all for a file to hold still before refusing it.
const STABLE_WAIT: Duration = Duration::from_millis(2500);
const POLL: Duration = Duration::from_millis(25);
/// Temp files older than this are left over from a run that was killed at the rename (they hold
/// a full copy of the file, secrets included); younger ones may belong to a run in progress.
const STALE_TEMP: Duration = Duration::from_secs(60);
const TEMP_PREFIX: &str = ".codexgw-";
const TEMP_SUFFIX: &str = ".tmp";

/// What identifies one version of a file on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    #[cfg(unix)]
    dev: u64,
    #[cfg(unix)]
    ino: u64,
    len: u64,
    modified: Option<SystemTime>,
}

impl Identity {
    fn of(meta: &fs::Metadata) -> Identity {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Identity {
            #[cfg(unix)]
            dev: meta.dev(),
            #[cfg(unix)]
            ino: meta.ino(),
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }

    #[cfg(unix)]
    fn same_file(&self, other: &Identity) -> bool {
        (self.dev, self.ino) == (other.dev, other.ino)
    }

    #[cfg(not(unix))]
    fn same_file(&self, _other: &Identity) -> bool {
        true
    }

    /// Modified less than `window` ago (a time in the future counts as old: clock skew must not
    /// make a file wait forever).
    fn modified_within(&self, window: Duration) -> bool {
        self.modified
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .is_some_and(|age| age < window)
    }
}

/// The text of a file and the identity it had while it was read.
struct Snapshot {
    bytes: Vec<u8>,
    identity: Identity,
}

/// Reads a text file; `None` when it does not exist. Any other problem is an error.
pub fn read_optional(path: &Path) -> anyhow::Result<Option<String>> {
    read_snapshot(path)?
        .map(|snapshot| utf8(snapshot.bytes, path))
        .transpose()
}

/// [`read_optional`] for a file that need not be text (a certificate bundle): the same rules
/// (regular files only, the size cap, a steady read), the raw bytes.
pub fn read_optional_bytes(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    Ok(read_snapshot(path)?.map(|snapshot| snapshot.bytes))
}

/// Reads `path` once it holds still: the same inode, size and modification time before and after
/// the read, and not an empty file that was truncated a moment ago. Waits at most
/// [`STABLE_WAIT`], then refuses.
fn read_snapshot(path: &Path) -> anyhow::Result<Option<Snapshot>> {
    let started = std::time::Instant::now();
    loop {
        let Some(mut file) = open_regular(path)? else {
            return Ok(None);
        };
        let inspect = |e: io::Error| {
            anyhow::Error::new(e).context(format!("cannot inspect `{}`", path.display()))
        };
        let before = Identity::of(&file.metadata().map_err(inspect)?);
        let bytes = read_capped(&mut file, path)?;
        let after = Identity::of(&file.metadata().map_err(inspect)?);
        let still_there = fs::metadata(path)
            .map(|meta| Identity::of(&meta).same_file(&after))
            .unwrap_or(false);
        let steady = before == after && after.len == bytes.len() as u64 && still_there;
        let settling = bytes.is_empty() && after.modified_within(SETTLE);
        if steady && !settling {
            return Ok(Some(Snapshot {
                bytes,
                identity: after,
            }));
        }
        if started.elapsed() >= STABLE_WAIT {
            return Err(error::failure(
                format!(
                    "`{}` kept changing while codexgw read it (another program is rewriting it)",
                    path.display()
                ),
                "let the other program (an editor?) finish saving it, then run the command again; nothing was written",
            ));
        }
        std::thread::sleep(POLL);
    }
}

/// Opens `path` for reading if it is a regular file; `None` when it does not exist. A FIFO,
/// device or socket is refused before it is opened: a read from it could block forever.
fn open_regular(path: &Path) -> anyhow::Result<Option<fs::File>> {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => return not_readable(path, e).map(|()| None),
    };
    refuse_special(path, &meta)?;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    // Swapped for a FIFO since the check: the open must not wait for a writer either.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) => return not_readable(path, e).map(|()| None),
    };
    let meta = file
        .metadata()
        .with_context(|| format!("cannot inspect `{}`", path.display()))?;
    refuse_special(path, &meta)?;
    Ok(Some(file))
}

/// `Ok(())` for "not found" (the caller's `None`); every other failure, worded.
fn not_readable(path: &Path, e: io::Error) -> anyhow::Result<()> {
    match e.kind() {
        io::ErrorKind::NotFound => Ok(()),
        io::ErrorKind::NotADirectory => {
            let parent = path.parent().unwrap_or(path);
            Err(e)
                .with_context(|| format!("`{}` is not a folder", parent.display()))
                .help("point `--codex-home` (or `CODEX_HOME`) at a folder")
        }
        _ => Err(e)
            .with_context(|| format!("cannot read `{}`", path.display()))
            .help("check the file's permissions; nothing was written"),
    }
}

fn refuse_special(path: &Path, meta: &fs::Metadata) -> anyhow::Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    if meta.is_dir() {
        return Err(error::failure(
            format!("`{}` is a folder, not a file", path.display()),
            "move the folder away so codexgw can create the file",
        ));
    }
    Err(error::failure(
        format!(
            "`{}` is {}, not a regular file; codexgw reads only regular files",
            path.display(),
            special_kind(meta)
        ),
        "replace it with a regular file (or remove it); nothing was read or written",
    ))
}

#[cfg(unix)]
fn special_kind(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_meta: &fs::Metadata) -> &'static str {
    "a special file"
}

fn read_capped(file: &mut fs::File, path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.take(READ_LIMIT + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read `{}`", path.display()))
        .help("check the file's permissions; nothing was written")?;
    if bytes.len() as u64 > READ_LIMIT {
        return Err(error::failure(
            format!(
                "`{}` is larger than {} MiB; no config file codexgw reads is that big",
                path.display(),
                READ_LIMIT / (1024 * 1024)
            ),
            "check that the path names the right file; nothing was written",
        ));
    }
    Ok(bytes)
}

fn utf8(bytes: Vec<u8>, path: &Path) -> anyhow::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        error::failure(
            format!(
                "`{}` is not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
            "TOML files must be UTF-8; re-save it as UTF-8 and try again",
        )
    })
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

/// Creates a folder (and parents) that only its owner can enter. Folders it creates belong to
/// the owner of the nearest existing parent: a root provisioning script must not leave the
/// user with a folder they cannot enter.
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let existing = dir.ancestors().skip(1).find(|a| a.is_dir());
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, NEW_DIR_MODE);
    builder
        .create(dir)
        .with_context(|| format!("cannot create the folder `{}`", dir.display()))
        .help("check that the parent folder exists and is writable")?;
    if let Some(existing) = existing {
        let owner = Owner::of_path(existing)?;
        for created in dir.ancestors().take_while(|a| *a != existing) {
            owner.give(created)?;
        }
    }
    Ok(())
}

/// Who a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Owner {
    #[cfg(unix)]
    uid: u32,
    #[cfg(unix)]
    gid: u32,
}

impl Owner {
    fn of_path(path: &Path) -> anyhow::Result<Owner> {
        let meta =
            fs::metadata(path).with_context(|| format!("cannot inspect `{}`", path.display()))?;
        Ok(Owner::of(&meta))
    }

    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> Owner {
        use std::os::unix::fs::MetadataExt;
        Owner {
            uid: meta.uid(),
            gid: meta.gid(),
        }
    }

    #[cfg(not(unix))]
    fn of(_meta: &fs::Metadata) -> Owner {
        Owner {}
    }

    /// Hands `path` to this owner when it belongs to someone else. Only root (or the owner of
    /// both ids) may do that; for anyone else the file keeps the writer's ids, as it always did.
    #[cfg(unix)]
    fn give(self, path: &Path) -> anyhow::Result<()> {
        let meta = fs::symlink_metadata(path)
            .with_context(|| format!("cannot inspect `{}`", path.display()))?;
        if Owner::of(&meta) == self {
            return Ok(());
        }
        match std::os::unix::fs::lchown(path, Some(self.uid), Some(self.gid)) {
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Ok(()),
            other => {
                other.with_context(|| format!("cannot give `{}` back to its owner", path.display()))
            }
        }
    }

    #[cfg(not(unix))]
    fn give(self, _path: &Path) -> anyhow::Result<()> {
        Ok(())
    }

    #[cfg(unix)]
    fn give_file(self, file: &fs::File, what: &Path) -> anyhow::Result<()> {
        let meta = file
            .metadata()
            .with_context(|| format!("cannot inspect `{}`", what.display()))?;
        if Owner::of(&meta) == self {
            return Ok(());
        }
        match std::os::unix::fs::fchown(file, Some(self.uid), Some(self.gid)) {
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Ok(()),
            other => other.with_context(|| {
                format!(
                    "cannot give the new `{}` the owner of the old one",
                    what.display()
                )
            }),
        }
    }

    #[cfg(not(unix))]
    fn give_file(self, _file: &fs::File, _what: &Path) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Replaces `path` with `contents` atomically. `expected` is what the file held when it was
/// read (`None`: it did not exist); if it holds something else now, nothing is written.
pub fn write_atomic(path: &Path, contents: &str, expected: Option<&str>) -> anyhow::Result<()> {
    prepare_write(path, contents, expected)?.commit()
}

/// A new version of a file, written and synced beside it, not yet in its place. Dropping it
/// deletes the temp file: nothing happened.
pub struct PendingWrite {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
    dir: PathBuf,
    expected: Option<String>,
    /// The file as it was when the write was prepared (`None`: it did not exist).
    seen: Option<Identity>,
}

/// Everything that can refuse a write, done before anything is changed: the file still holds
/// `expected`, it is not read-only, its folder takes a new file, the new bytes are on disk with
/// the old file's mode and owner. [`PendingWrite::commit`] then only checks and renames.
pub fn prepare_write(
    path: &Path,
    contents: &str,
    expected: Option<&str>,
) -> anyhow::Result<PendingWrite> {
    let target = resolve_symlinks(path)?;
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    create_private_dir(&dir)?;
    let seen = unchanged_identity(&target, expected)?;
    refuse_read_only(&target)?;
    remove_stale_temps(&dir);
    let (mode, owner) = match fs::metadata(&target) {
        Ok(meta) => (mode_of(&meta), Owner::of(&meta)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => (NEW_FILE_MODE, Owner::of_path(&dir)?),
        Err(e) => return Err(e).with_context(|| format!("cannot inspect `{}`", target.display())),
    };
    let temp = write_temp(&dir, contents, mode, owner, &target)?;
    Ok(PendingWrite {
        temp,
        target,
        dir,
        expected: expected.map(str::to_string),
        seen,
    })
}

impl PendingWrite {
    /// The file this write replaces (symlinks resolved).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Checks once more that the file is the one that was read, then renames the new one over it.
    pub fn commit(self) -> anyhow::Result<()> {
        let now = unchanged_identity(&self.target, self.expected.as_deref())?;
        if now != self.seen {
            return Err(changed_on_disk(&self.target));
        }
        self.temp
            .persist(&self.target)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot replace `{}`", self.target.display()))
            .help("check the file's permissions; the old file is unchanged")?;
        sync_dir(&self.dir);
        Ok(())
    }
}

fn write_temp(
    dir: &Path,
    contents: &str,
    mode: u32,
    owner: Owner,
    target: &Path,
) -> anyhow::Result<tempfile::NamedTempFile> {
    let not_writable = || format!("`{}` is not writable; nothing was changed", dir.display());
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .with_context(not_writable)
        .help("check the folder's permissions, or pass `--codex-home` to use another folder")?;
    // The owner first: changing it may clear mode bits.
    owner.give_file(temp.as_file(), target)?;
    set_mode(temp.as_file(), mode)?;
    temp.write_all(contents.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write a temporary file in `{}`", dir.display()))?;
    Ok(temp)
}

/// Deletes `.codexgw-*.tmp` files that a killed run left in `dir`. Best effort: a file that
/// cannot be removed costs nothing but space.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let stale = entry
            .metadata()
            .ok()
            .filter(fs::Metadata::is_file)
            .and_then(|meta| meta.modified().ok())
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .is_some_and(|age| age > STALE_TEMP);
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Fails when `path` no longer holds `expected` (what it held when it was read; `None`: it did
/// not exist).
pub fn ensure_unchanged(path: &Path, expected: Option<&str>) -> anyhow::Result<()> {
    unchanged_identity(path, expected).map(|_| ())
}

/// The identity of `path` if it still holds `expected`, else the "changed on disk" error.
fn unchanged_identity(path: &Path, expected: Option<&str>) -> anyhow::Result<Option<Identity>> {
    let now = read_snapshot(path)?;
    if now.as_ref().map(|s| s.bytes.as_slice()) == expected.map(str::as_bytes) {
        return Ok(now.map(|s| s.identity));
    }
    Err(changed_on_disk(path))
}

fn changed_on_disk(path: &Path) -> anyhow::Error {
    error::failure(
        format!(
            "`{}` changed on disk while codexgw was working (Codex may have written it)",
            path.display()
        ),
        "run the command again; nothing was written",
    )
}

#[cfg(unix)]
fn mode_of(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(_meta: &fs::Metadata) -> u32 {
    NEW_FILE_MODE
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

/// Held while one run reads, plans and writes the files of a Codex home, so parallel runs
/// (a provisioning script starting many) take turns instead of failing on each other's writes.
/// Released when dropped (or when the process dies: an OS file lock, not a lock file's presence).
pub struct DirLock {
    _file: fs::File,
}

/// How long a run waits for another one to finish before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(15);

/// Takes the lock of `dir` (codexgw's own folder, e.g. its backups folder), waiting at most
/// [`LOCK_WAIT`]. `None` when the lock file cannot be created (a read-only or missing home):
/// nothing can be written there either, and the write itself then says why, naming the file.
pub fn lock(dir: &Path) -> anyhow::Result<Option<DirLock>> {
    let Some(file) = create_private_dir(dir).ok().and_then(|()| {
        fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(".lock"))
            .ok()
    }) else {
        return Ok(None);
    };
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Some(DirLock { _file: file })),
            Err(fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(POLL);
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(error::failure(
                    format!(
                        "another codexgw run has been changing the files in `{}` for {}s",
                        dir.display(),
                        LOCK_WAIT.as_secs()
                    ),
                    "let it finish (is a `codexgw setup` waiting for an answer?), then run the command again; nothing was written",
                ));
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(e)
                    .with_context(|| format!("cannot lock `{}`", dir.join(".lock").display()))
                    .help("check the folder's permissions");
            }
        }
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

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo").arg(path).status();
        assert!(status.unwrap().success(), "mkfifo failed");
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_at_once_with_their_path() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("config.toml");
        mkfifo(&fifo);
        let started = std::time::Instant::now();
        let err = read_optional(&fifo).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` is a FIFO (named pipe), not a regular file; codexgw reads only regular files",
                fifo.display()
            )
        );
        let err = read_optional(Path::new("/dev/zero")).unwrap_err();
        assert!(err.to_string().contains("is a device"), "{err}");
        // Through a symlink, too, and a write is refused before anything is created.
        let link = dir.path().join("linked.toml");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        assert!(write_atomic(&link, "x = 1\n", None).is_err());
        assert!(write_atomic(&fifo, "x = 1\n", None).is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn reads_stop_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.toml");
        let file = fs::File::create(&path).unwrap();
        file.set_len(READ_LIMIT + 1).unwrap();
        let err = read_optional(&path).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` is larger than 64 MiB; no config file codexgw reads is that big",
                path.display()
            )
        );
    }

    /// An editor that truncates and then writes: the empty file in between is not what codexgw
    /// edits; the read waits for the content.
    #[test]
    fn an_empty_file_being_rewritten_is_read_once_it_has_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "").unwrap();
        let writer = {
            let path = path.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                let mut file = fs::OpenOptions::new().write(true).open(&path).unwrap();
                file.write_all(b"model = \"mine\"\n").unwrap();
            })
        };
        assert_eq!(
            read_optional(&path).unwrap().as_deref(),
            Some("model = \"mine\"\n")
        );
        writer.join().unwrap();
        // An empty file nobody touched for a while is just empty.
        let old = dir.path().join("old.toml");
        let file = fs::File::create(&old).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(10))
            .unwrap();
        let started = std::time::Instant::now();
        assert_eq!(read_optional(&old).unwrap().as_deref(), Some(""));
        assert!(started.elapsed() < SETTLE);
    }

    #[test]
    fn a_file_replaced_by_another_with_the_same_text_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "a = 1\n").unwrap();
        let pending = prepare_write(&path, "b = 2\n", Some("a = 1\n")).unwrap();
        // Another program saves the same text by temp file and rename: a new inode.
        let other = dir.path().join("other");
        fs::write(&other, "a = 1\n").unwrap();
        fs::rename(&other, &path).unwrap();
        let err = pending.commit().unwrap_err();
        assert!(err.to_string().contains("changed on disk"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "a = 1\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn stale_temp_files_are_removed_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".codexgw-AbC123.tmp");
        let fresh = dir.path().join(".codexgw-XyZ789.tmp");
        let file = fs::File::create(&stale).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        fs::write(&fresh, "in use").unwrap();
        write_atomic(&dir.path().join("config.toml"), "x = 1\n", None).unwrap();
        assert!(!stale.exists(), "the stale temp file is still there");
        assert!(
            fresh.exists(),
            "a temp file of a run in progress was removed"
        );
    }

    fn backups_in_parallel(runs: usize) -> (Vec<PathBuf>, Vec<Backup>) {
        let dir = tempfile::tempdir().unwrap().keep();
        let backups = dir.join("backups");
        let original = dir.join("config.toml");
        fs::write(&original, "x = 1\n").unwrap();
        let threads: Vec<_> = (0..runs)
            .map(|i| {
                let (backups, original) = (backups.clone(), original.clone());
                std::thread::spawn(move || {
                    save_backup(&backups, &original, &format!("n = {i}\n")).map(|b| b.path)
                })
            })
            .collect();
        let names = threads
            .into_iter()
            .map(|thread| thread.join().unwrap().unwrap())
            .collect();
        let left = list_backups(&backups).unwrap();
        for backup in &left {
            let text = fs::read_to_string(&backup.path).unwrap();
            assert!(text.starts_with("n = "), "a backup was corrupted: {text:?}");
        }
        fs::remove_dir_all(dir).unwrap();
        (names, left)
    }

    /// Backups in the same millisecond get one name each (before, the second run failed or
    /// replaced the first's).
    #[test]
    fn concurrent_backups_get_unique_names() {
        let (mut names, left) = backups_in_parallel(KEEP_BACKUPS);
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KEEP_BACKUPS, "two backups got one name");
        assert_eq!(left.len(), KEEP_BACKUPS);
    }

    /// Runs that prune the same old backup at once all succeed (before: `cannot prune`).
    #[test]
    fn concurrent_prunes_do_not_fail() {
        let (names, left) = backups_in_parallel(20);
        assert_eq!(names.len(), 20);
        assert!(left.len() >= KEEP_BACKUPS, "{}", left.len());
    }

    /// Run as root on a user's file (`sudo -E`, a provisioning script): the file, its backup and
    /// the backups folder stay the user's.
    #[cfg(unix)]
    #[test]
    fn root_keeps_the_owner_of_the_file_its_backups_and_folders() {
        use std::os::unix::fs::MetadataExt;
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("skipped: needs root");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        fs::create_dir(&home).unwrap();
        std::os::unix::fs::chown(&home, Some(4242), Some(4343)).unwrap();
        let path = home.join("config.toml");
        fs::write(&path, "a = 1\n").unwrap();
        std::os::unix::fs::chown(&path, Some(4242), Some(4343)).unwrap();
        let owner = |p: &Path| {
            let meta = fs::metadata(p).unwrap();
            (meta.uid(), meta.gid())
        };
        let backups = home.join("backups").join("codexgw");
        let backup = save_backup(&backups, &path, "a = 1\n").unwrap();
        write_atomic(&path, "a = 2\n", Some("a = 1\n")).unwrap();
        write_atomic(&home.join("new.toml"), "n = 1\n", None).unwrap();
        for p in [
            path.as_path(),
            &backup.path,
            &backups,
            &home.join("backups"),
            &home.join("new.toml"),
        ] {
            assert_eq!(owner(p), (4242, 4343), "{}", p.display());
        }
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
