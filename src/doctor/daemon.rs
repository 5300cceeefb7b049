//! Codex's background daemon (`codex app-server --managed-daemon`, started by the TUI): it
//! outlives the TUI and keeps the environment it started with, so a token exported later never
//! reaches it. On Linux doctor finds the daemons of this user and this `CODEX_HOME` through
//! `/proc` and reads the *names* of their variables; no credential value is ever kept.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A running daemon and the names of the variables in its environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Daemon {
    pub pid: u32,
    pub var_names: BTreeSet<String>,
}

/// Whether a command line is Codex's managed daemon. Read as one string, since a launcher may
/// pass its arguments in any split.
fn is_daemon(cmdline: &[u8]) -> bool {
    let text = String::from_utf8_lossy(cmdline).replace('\0', " ");
    let words: Vec<&str> = text.split_whitespace().collect();
    words.contains(&"app-server") && words.contains(&"--managed-daemon")
}

/// The variable names of an `environ` file, and `CODEX_HOME`'s value (not a secret: it says
/// which Codex home the daemon serves). Every other value is dropped here.
fn names_and_home(environ: &[u8]) -> (BTreeSet<String>, Option<String>) {
    let mut names = BTreeSet::new();
    let mut home = None;
    for entry in environ.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let (name, value) = match entry.iter().position(|b| *b == b'=') {
            Some(i) => (&entry[..i], &entry[i + 1..]),
            None => (entry, &[][..]),
        };
        let name = String::from_utf8_lossy(name).into_owned();
        if name == "CODEX_HOME" && !value.is_empty() {
            home = Some(String::from_utf8_lossy(value).into_owned());
        }
        names.insert(name);
    }
    (names, home)
}

/// The daemons under `proc_root` (`/proc`) owned by `uid` that serve `codex_home`: those whose
/// `CODEX_HOME` names it, or without one when it is `default_home` (`~/.codex`).
pub fn find(
    proc_root: &Path,
    uid: u32,
    codex_home: &Path,
    default_home: Option<&Path>,
) -> Vec<Daemon> {
    let Ok(entries) = std::fs::read_dir(proc_root) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let dir = entry.path();
        if owner(&dir) != Some(uid) {
            continue;
        }
        let Ok(cmdline) = std::fs::read(dir.join("cmdline")) else {
            continue;
        };
        if !is_daemon(&cmdline) {
            continue;
        }
        let Ok(environ) = std::fs::read(dir.join("environ")) else {
            continue;
        };
        let (var_names, home) = names_and_home(&environ);
        let serves = match home {
            Some(home) => same_dir(Path::new(&home), codex_home),
            None => default_home.is_some_and(|d| same_dir(d, codex_home)),
        };
        if serves {
            found.push(Daemon { pid, var_names });
        }
    }
    found.sort_by_key(|d| d.pid);
    found
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| PathBuf::from(p));
    canonical(a) == canonical(b)
}

#[cfg(unix)]
fn owner(path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| m.uid())
}

#[cfg(not(unix))]
fn owner(_: &Path) -> Option<u32> {
    None
}

/// This process's user, as `/proc` reports it (`None` off Linux).
pub fn own_uid(proc_root: &Path) -> Option<u32> {
    owner(&proc_root.join("self"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn process(root: &Path, pid: u32, cmdline: &str, environ: &str) {
        let dir = root.join(pid.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("cmdline"), cmdline.replace(' ', "\0")).unwrap();
        std::fs::write(dir.join("environ"), environ.replace(' ', "\0")).unwrap();
    }

    #[test]
    fn finds_daemons_of_this_home_by_command_line_and_keeps_only_names() {
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("codex-home");
        std::fs::create_dir_all(&home).unwrap();
        let home_var = format!("CODEX_HOME={}", home.display());
        process(
            root.path(),
            10,
            "/h/.codex/packages/app-server-daemon/codex app-server --managed-daemon",
            &format!("{home_var} CODER_API_TOKEN=secret-value PATH=/bin"),
        );
        process(root.path(), 11, "codex app-server", &home_var);
        process(
            root.path(),
            12,
            "codex app-server --managed-daemon",
            "CODEX_HOME=/elsewhere",
        );
        process(
            root.path(),
            13,
            "codex app-server --managed-daemon",
            "PATH=/bin",
        );
        std::fs::create_dir_all(root.path().join("self")).unwrap();
        let uid = own_uid(root.path()).unwrap();

        let found = find(root.path(), uid, &home, None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pid, 10);
        assert_eq!(
            found[0].var_names.iter().collect::<Vec<_>>(),
            ["CODER_API_TOKEN", "CODEX_HOME", "PATH"]
        );
        assert!(!format!("{found:?}").contains("secret-value"));
        // Without CODEX_HOME a daemon serves the default home.
        let found = find(root.path(), uid, &home, Some(&home));
        assert_eq!(found.iter().map(|d| d.pid).collect::<Vec<_>>(), [10, 13]);
        // Another user's processes are not looked at.
        assert!(find(root.path(), uid + 1, &home, Some(&home)).is_empty());
    }
}
