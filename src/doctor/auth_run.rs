//! Running a provider's `auth` command the way Codex does, so doctor knows the bearer Codex
//! would get: the same program (as resolved through `PATH`), arguments, working folder and
//! environment, stdin closed, trimmed stdout as the token, killed after `timeout_ms`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::codex::inspect::{AUTH_TIMEOUT_MS, AuthCommand};
use crate::environment::Environment;
use crate::programs::{self, Bounded};
use crate::secrets::Secret;

/// How much of stderr a finding quotes.
const STDERR_CHARS: usize = 200;

/// What one run of the command gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Trimmed stdout: the bearer Codex sends.
    Token(Secret),
    /// Exit 0 with nothing on stdout.
    Empty,
    /// A non-zero exit (`None`: killed by a signal), with the start of stderr.
    Failed { code: Option<i32>, stderr: String },
    /// Still running at Codex's timeout.
    TimedOut(Duration),
    /// The program could not be started (missing folder, not executable).
    CannotStart(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRun {
    pub outcome: Outcome,
    /// How long Codex waits for it.
    pub timeout: Duration,
    pub elapsed: Duration,
}

/// The timeout Codex applies to `auth`.
pub fn timeout(auth: &AuthCommand) -> Duration {
    Duration::from_millis(auth.timeout_ms.unwrap_or(AUTH_TIMEOUT_MS))
}

/// Runs `program` (the resolved `auth.command`) with `auth`'s arguments in `auth.cwd` (relative
/// to `cwd`, the folder Codex would run in), with exactly the variables of `env`.
pub fn run(auth: &AuthCommand, program: &Path, env: &Environment, cwd: &Path) -> AuthRun {
    let timeout = timeout(auth);
    let started = Instant::now();
    let dir: PathBuf = auth
        .cwd
        .as_deref()
        .map_or_else(|| cwd.to_path_buf(), |dir| cwd.join(dir));
    let mut command = Command::new(program);
    command
        .args(&auth.args)
        .current_dir(dir)
        .env_clear()
        .envs(env.vars());
    let outcome = run_command(command, timeout);
    AuthRun {
        outcome,
        timeout,
        elapsed: started.elapsed(),
    }
}

fn run_command(command: Command, timeout: Duration) -> Outcome {
    match programs::run_bounded(command, timeout) {
        Bounded::Finished {
            code: Some(0),
            stdout,
            ..
        } => match stdout.trim() {
            "" => Outcome::Empty,
            token => Outcome::Token(Secret::new(token)),
        },
        Bounded::Finished { code, stderr, .. } => {
            let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            Outcome::Failed {
                code,
                stderr: first.trim().chars().take(STDERR_CHARS).collect(),
            }
        }
        Bounded::TimedOut => Outcome::TimedOut(timeout),
        Bounded::CannotStart(why) => Outcome::CannotStart(why),
    }
}

impl Outcome {
    /// Why Codex would get no token, for a finding (`None`: it gets one).
    pub fn problem(&self) -> Option<String> {
        match self {
            Outcome::Token(_) => None,
            Outcome::Empty => Some("exits 0 but prints nothing".to_string()),
            Outcome::Failed { code, stderr } => {
                let status = code.map_or_else(
                    || "is killed by a signal".to_string(),
                    |c| format!("exits with status {c}"),
                );
                Some(if stderr.is_empty() {
                    status
                } else {
                    format!("{status} (`{stderr}`)")
                })
            }
            Outcome::TimedOut(limit) => Some(format!(
                "does not finish within Codex's timeout of {} ms",
                limit.as_millis()
            )),
            Outcome::CannotStart(why) => Some(format!("cannot be started: {why}")),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn script(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("auth.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn auth(args: &[&str], timeout_ms: Option<u64>, cwd: Option<&str>) -> AuthCommand {
        AuthCommand {
            command: "auth.sh".into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            timeout_ms,
            cwd: cwd.map(str::to_string),
        }
    }

    #[test]
    fn the_token_is_trimmed_stdout_with_args_cwd_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let program = script(
            dir.path(),
            "printf '  %s-%s-%s-%s\\n' \"$1\" \"$2\" \"$(basename \"$PWD\")\" \"$TOKEN_PART\"",
        );
        let env = Environment::new([("TOKEN_PART".to_string(), "env".to_string())]);
        let run = run(
            &auth(&["a", "b"], None, Some("sub")),
            &program,
            &env,
            dir.path(),
        );
        assert_eq!(run.outcome, Outcome::Token(Secret::new("a-b-sub-env")));
        assert_eq!(run.timeout, Duration::from_millis(5000));
    }

    #[test]
    fn failures_empty_output_and_hangs_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::default();
        let program = script(dir.path(), "echo 'no token stored' >&2\nexit 3");
        let run1 = run(&auth(&[], None, None), &program, &env, dir.path());
        assert_eq!(
            run1.outcome.problem().as_deref(),
            Some("exits with status 3 (`no token stored`)")
        );
        let program = script(dir.path(), "exit 0");
        let run2 = run(&auth(&[], None, None), &program, &env, dir.path());
        assert_eq!(run2.outcome, Outcome::Empty);
        let program = script(dir.path(), "exec sleep 30");
        let run3 = run(&auth(&[], Some(100), None), &program, &env, dir.path());
        assert_eq!(run3.outcome, Outcome::TimedOut(Duration::from_millis(100)));
        assert!(run3.elapsed < Duration::from_secs(5), "{:?}", run3.elapsed);
        let run4 = run(
            &auth(&[], None, Some("missing-dir")),
            &program,
            &env,
            dir.path(),
        );
        assert!(matches!(run4.outcome, Outcome::CannotStart(_)));
    }
}
