//! Finding a program the way a shell (and Codex's `auth.command`) would: a path as given, or
//! the first runnable match on `$PATH`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::environment::Environment;

/// How a program run under a deadline ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bounded {
    Finished {
        /// `None`: killed by a signal.
        code: Option<i32>,
        stdout: String,
        stderr: String,
    },
    /// Still running at the deadline; it was killed.
    TimedOut,
    /// It could not be started, or waited for.
    CannotStart(String),
}

/// Runs `cmd` with stdin closed and both outputs captured, killing it after `timeout`. The
/// pipes are read on threads: a chatty program cannot block on a full pipe, and a child that
/// keeps them open after its parent exits cannot hold the caller (its readers are abandoned).
pub fn run_bounded(mut cmd: Command, timeout: Duration) -> Bounded {
    let mut child = match cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => return Bounded::CannotStart(e.to_string()),
    };
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            let _ = send.send(String::from_utf8_lossy(&bytes).into_owned());
        });
        receive
    };
    let stdout = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Bounded::TimedOut;
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(5));
            }
            Err(e) => return Bounded::CannotStart(e.to_string()),
        }
    };
    // The pipes close when the program exits; a grandchild holding them gets a moment only.
    let collect = |receive: mpsc::Receiver<String>| {
        receive
            .recv_timeout(Duration::from_millis(500))
            .unwrap_or_default()
    };
    Bounded::Finished {
        code: status.code(),
        stdout: collect(stdout),
        stderr: collect(stderr),
    }
}

/// The executable `command` names: a path (anything with a `/`), or the first runnable file of
/// that name in a `$PATH` folder. On Windows `.exe` and `.cmd` are tried too (npm installs
/// `codex.cmd`).
pub fn find_program(command: &str, env: &Environment) -> Option<PathBuf> {
    if command.is_empty() {
        return None;
    }
    let names: Vec<String> = if cfg!(windows) {
        vec![
            command.to_string(),
            format!("{command}.exe"),
            format!("{command}.cmd"),
        ]
    } else {
        vec![command.to_string()]
    };
    if command.contains('/') || (cfg!(windows) && command.contains('\\')) {
        return names.into_iter().map(PathBuf::from).find(|p| runnable(p));
    }
    std::env::split_paths(env.var("PATH")?)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|p| runnable(p))
}

/// A file the user may execute; without the execute bit a shell would say "permission denied".
pub fn runnable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| {
        #[cfg(unix)]
        let executable = {
            use std::os::unix::fs::PermissionsExt;
            m.permissions().mode() & 0o111 != 0
        };
        #[cfg(not(unix))]
        let executable = true;
        m.is_file() && executable
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn finds_only_runnable_files_on_path_and_by_path() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("a");
        let second = dir.path().join("b");
        std::fs::create_dir_all(&first).unwrap();
        std::fs::create_dir_all(&second).unwrap();
        // Not executable in the first folder: skipped, like a shell does.
        std::fs::write(first.join("tool"), "").unwrap();
        std::fs::write(second.join("tool"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(second.join("tool"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        let path = std::env::join_paths([&first, &second]).unwrap();
        let env = Environment::new([("PATH".to_string(), path.into_string().unwrap())]);
        assert_eq!(find_program("tool", &env), Some(second.join("tool")));
        assert_eq!(find_program("missing", &env), None);
        assert_eq!(find_program("", &env), None);
        let by_path = first.join("tool");
        assert_eq!(find_program(by_path.to_str().unwrap(), &env), None);
        let by_path = second.join("tool");
        assert_eq!(
            find_program(by_path.to_str().unwrap(), &env),
            Some(by_path.clone())
        );
        // A folder is no program.
        assert_eq!(find_program(first.to_str().unwrap(), &env), None);
    }
}
