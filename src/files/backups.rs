//! Backups of the files codexgw rewrites (named uniquely, pruned to the newest few) and the
//! state file that remembers what setup changed.

use super::*;

pub(super) const KEEP_BACKUPS: usize = 10;

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
/// The backup belongs to the owner of `original`. Two runs in the same millisecond get two
/// names (the name is claimed atomically), and a backup another run pruned first is no error.
pub fn save_backup(dir: &Path, original: &Path, contents: &str) -> anyhow::Result<Backup> {
    create_private_dir(dir)?;
    let owner = match fs::metadata(original) {
        Ok(meta) => Owner::of(&meta),
        Err(_) => Owner::of_path(dir)?,
    };
    let original = original
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.toml".into());
    let cannot = || format!("cannot back up `{original}` before changing it");
    let mut temp = write_temp(dir, contents, NEW_FILE_MODE, owner, &dir.join(&original))
        .with_context(cannot)?;
    let stamp = stamp(SystemTime::now());
    let mut n = 1;
    let path = loop {
        let path = match n {
            1 => dir.join(format!("{original}.{stamp}.bak")),
            n => dir.join(format!("{original}.{stamp}-{n}.bak")),
        };
        match temp.persist_noclobber(&path) {
            Ok(_) => break path,
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists && n < 1000 => {
                temp = e.file;
                n += 1;
            }
            Err(e) => return Err(anyhow::Error::new(e.error).context(cannot())),
        }
    };
    sync_dir(dir);
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
        match fs::remove_file(&old.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            removed => removed
                .with_context(|| format!("cannot prune the old backup `{}`", old.path.display()))?,
        }
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

pub(super) fn parse_backup_name(name: &str) -> Option<Backup> {
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
pub(super) fn stamp(time: SystemTime) -> String {
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
            Some(text) => {
                let mut state: State = serde_json::from_str(&text)
                    .with_context(|| {
                        format!("cannot read codexgw's state in `{}`", path.display())
                    })
                    .help(
                        "delete that file; `codexgw remove` then forgets what came before setup (the backups stay)",
                    )?;
                crate::setup::undo::upgrade(&mut state.undo);
                Ok(state)
            }
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
