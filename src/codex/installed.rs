//! The Codex the user's shell would run, and its own verdict on a config: Codex loads
//! `config.toml` (and `NAME.config.toml` for `-p NAME`) exactly as it would for a session and
//! says whether it accepts it, in its own words. No network, no file changed, bounded in time.
//!
//! The probes, pinned on Codex 0.169.0 and 0.171.0 by `tests/it/codex_probe.rs`:
//! - `codex login status` loads the config first and prints `Error loading configuration:
//!   <file>:<line>:<col>: <reason>` on a file it refuses. It reads auth.json but never refreshes
//!   a login or fetches anything (traced: no socket opened, also with a stale ChatGPT login).
//! - It refuses `-p` and `--strict-config`, so with either the interactive `codex` judges:
//!   `codex [-p NAME] [--strict-config] resume <nil id>` with no terminal on stdin loads the
//!   config exactly as the TUI does, then stops with `stdin is not a terminal` before it starts
//!   anything. Runtime commands fetch a ChatGPT workspace's cloud policies and refresh stale
//!   tokens (traced on `mcp get`: DNS queries to chatgpt.com, 4 s offline), so this probe runs
//!   with `-c cli_auth_credentials_store="ephemeral"`: no login is loaded, nothing is fetched.
//! - Every Codex start creates `$CODEX_HOME/tmp/arg0-*/codex-arg0XXXX/` (helper symlinks) and
//!   leaves it behind, unless `CODEX_HOME` lies inside the temp folder. The probes therefore run
//!   with `TMPDIR` (and `TMP`/`TEMP`) set to `CODEX_HOME`: Codex then skips the helpers with a
//!   warning on stderr, and writes nothing.
//! - The npm `codex` is a node launcher that execs a native binary; node costs ~150 ms per
//!   start. When the launcher is the official one, the probes run the binary it would exec.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::programs::Bounded;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::environment::Environment;
use crate::programs;

/// The line to install Codex with, for messages.
pub const INSTALL_HINT: &str = "npm install -g @openai/codex";

/// A Codex program the user can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codex {
    /// What the shell runs: `codex` on PATH, or `--codex-bin`.
    pub path: PathBuf,
    /// What the probes run: the native binary an npm launcher execs, else `path`.
    pub runs: PathBuf,
    /// Known without running anything (the npm package's `package.json`).
    known_version: Option<String>,
}

/// Why the named Codex cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindError {
    /// `--codex-bin` names something that is not a runnable file.
    NotRunnable(PathBuf),
}

impl Codex {
    /// `codex_bin` (from `--codex-bin`) when given, else `codex` on `$PATH` as a shell finds it.
    /// `Ok(None)`: not installed.
    pub fn find(codex_bin: Option<&Path>, env: &Environment) -> Result<Option<Codex>, FindError> {
        let path = match codex_bin {
            Some(bin) => {
                // A bare name is looked up on PATH like the shell would; a path is taken as is.
                let found = bin.to_str().and_then(|s| programs::find_program(s, env));
                Some(found.ok_or_else(|| FindError::NotRunnable(bin.to_path_buf()))?)
            }
            None => programs::find_program("codex", env),
        };
        Ok(path.map(|path| Codex::at(&path)))
    }

    /// The Codex at `path`, seeing through the npm launcher when it is the official one.
    pub fn at(path: &Path) -> Codex {
        let (runs, known_version) = match npm_native_binary(path) {
            Some((native, version)) => (native, version),
            None => (path.to_path_buf(), None),
        };
        Codex {
            path: path.to_path_buf(),
            runs,
            known_version,
        }
    }

    /// Codex's version: the npm package's, or what `codex --version` prints.
    pub fn version(&self, timeout: Duration) -> Option<String> {
        if let Some(version) = &self.known_version {
            return Some(version.clone());
        }
        let mut cmd = Command::new(&self.runs);
        cmd.arg("--version");
        let out = run_bounded(cmd, timeout).ok()?;
        parse_version(&out.stdout)
    }
}

/// `codex-cli 0.169.0` → `0.169.0`.
fn parse_version(stdout: &str) -> Option<String> {
    let line = stdout.lines().next()?.trim();
    let version = line.rsplit(' ').next()?;
    version
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
        .then(|| version.to_string())
}

/// The native binary the official npm launcher (`@openai/codex/bin/codex.js`) would exec, and
/// the package's version. It resolves `@openai/codex-<platform>` the way node's `require` does
/// (a `node_modules` folder in the script's folder or any parent, skipping folders that are
/// themselves `node_modules`), then falls back to the package's own `vendor/` folder.
fn npm_native_binary(path: &Path) -> Option<(PathBuf, Option<String>)> {
    if cfg!(windows) {
        // `codex.cmd` runs node; spawning the native `.exe` is not worth a second lookup here.
        return None;
    }
    let script = std::fs::canonicalize(path).ok()?;
    if script.file_name()? != "codex.js" {
        return None;
    }
    let package = script.parent()?.parent()?;
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(package.join("package.json")).ok()?).ok()?;
    if manifest["name"] != "@openai/codex" {
        return None;
    }
    let version = manifest["version"].as_str().map(str::to_string);
    let (triple, platform_package) = native_target()?;
    let relative = Path::new("vendor").join(triple).join("bin").join("codex");
    let from_platform_package = script
        .parent()?
        .ancestors()
        .filter(|dir| dir.file_name().is_some_and(|n| n != "node_modules"))
        .map(|dir| {
            dir.join("node_modules")
                .join("@openai")
                .join(platform_package)
                .join(&relative)
        });
    let native = from_platform_package
        .chain(std::iter::once(package.join(&relative)))
        .find(|candidate| programs::runnable(candidate))?;
    Some((native, version))
}

/// The target triple and platform package the npm launcher picks on this machine.
fn native_target() -> Option<(&'static str, &'static str)> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux" | "android", "x86_64") => Some(("x86_64-unknown-linux-musl", "codex-linux-x64")),
        ("linux" | "android", "aarch64") => {
            Some(("aarch64-unknown-linux-musl", "codex-linux-arm64"))
        }
        ("macos", "x86_64") => Some(("x86_64-apple-darwin", "codex-darwin-x64")),
        ("macos", "aarch64") => Some(("aarch64-apple-darwin", "codex-darwin-arm64")),
        _ => None,
    }
}

/// What to ask Codex about: the config in `codex_home`, as `codex [-p profile]` loads it.
#[derive(Debug, Clone)]
pub struct Question<'a> {
    pub codex_home: &'a Path,
    pub profile: Option<&'a str>,
    /// Judge `codex --strict-config`: unknown keys are errors.
    pub strict: bool,
    /// The user's environment: Codex sees what a `codex` started from their shell would.
    pub env: &'a Environment,
    pub timeout: Duration,
}

/// Codex's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    Accepts,
    Refuses(Refusal),
    /// Codex did not answer in a way we understand (it hung, crashed, or changed its output).
    Unknown {
        why: String,
    },
}

/// A config Codex refuses to load, in Codex's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Everything Codex said about it, `file:line:col: ` included when Codex gave one.
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl Refusal {
    /// Codex's reason without the location prefix.
    pub fn reason(&self) -> &str {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(line), Some(column)) => self
                .message
                .strip_prefix(&format!("{file}:{line}:{column}: "))
                .unwrap_or(&self.message),
            _ => &self.message,
        }
    }
}

/// What asking the installed Codex gave.
#[derive(Debug, Clone)]
pub enum Installation {
    /// No `codex` on PATH.
    Missing,
    /// `--codex-bin` names nothing runnable.
    NotRunnable(PathBuf),
    Found {
        codex: Codex,
        judgement: Judgement,
    },
}

impl Installation {
    /// Finds Codex (`codex_bin`, else PATH) and asks it about `question`.
    pub fn ask(codex_bin: Option<&Path>, question: &Question) -> Installation {
        match Codex::find(codex_bin, question.env) {
            Ok(Some(codex)) => {
                let judgement = codex.judge(question);
                Installation::Found { codex, judgement }
            }
            Ok(None) => Installation::Missing,
            Err(FindError::NotRunnable(path)) => Installation::NotRunnable(path),
        }
    }

    /// The Codex found and its version, for reports.
    pub fn identity(&self) -> Option<(&Path, Option<&str>)> {
        match self {
            Installation::Found { codex, judgement } => {
                Some((codex.path.as_path(), judgement.version.as_deref()))
            }
            _ => None,
        }
    }
}

/// Codex's version and verdict, and how long asking took.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub version: Option<String>,
    pub verdict: Verdict,
    pub elapsed: Duration,
}

/// The session `resume` would look for, had it got that far.
const NIL_SESSION: &str = "00000000-0000-0000-0000-000000000000";

impl Codex {
    /// Asks this Codex whether it loads the config, with its version, all at once.
    pub fn judge(&self, question: &Question) -> Judgement {
        let start = Instant::now();
        let (version, base, layered) = std::thread::scope(|scope| {
            let version = scope.spawn(|| self.version(question.timeout));
            let layered = (question.profile.is_some() || question.strict)
                .then(|| scope.spawn(|| self.ask_interactive(question)));
            let base = self.ask_base(question);
            (
                version.join().ok().flatten(),
                base,
                layered.map(|h| {
                    h.join().unwrap_or_else(|_| Verdict::Unknown {
                        why: "the probe thread panicked".into(),
                    })
                }),
            )
        });
        // `login status` names the file and position best; when the base file is fine, the
        // interactive load speaks for the profile and strictness.
        let verdict = match (base, layered) {
            (Verdict::Accepts, Some(layered)) => layered,
            (base, _) => base,
        };
        Judgement {
            version,
            verdict,
            elapsed: start.elapsed(),
        }
    }

    /// Judges config files that are not written yet (`files`: name in CODEX_HOME and bytes), in
    /// a private temporary CODEX_HOME. Paths in Codex's words are given as `shown_dir/name`.
    /// `question.codex_home` is the folder the files will be written to.
    pub fn judge_planned(
        &self,
        files: &[(String, Vec<u8>)],
        question: &Question,
    ) -> std::io::Result<Judgement> {
        let dir = tempfile::Builder::new().prefix("codexgw-judge").tempdir()?;
        for (name, bytes) in files {
            std::fs::write(dir.path().join(name), bytes)?;
        }
        let shown_dir = question.codex_home;
        let private = Question {
            codex_home: dir.path(),
            ..question.clone()
        };
        let mut judgement = self.judge(&private);
        if let Verdict::Refuses(refusal) = &mut judgement.verdict {
            let private = dir.path().display().to_string();
            let shown = shown_dir.display().to_string();
            refusal.message = refusal.message.replace(&private, &shown);
            refusal.file = refusal.file.as_ref().map(|f| f.replace(&private, &shown));
        }
        Ok(judgement)
    }

    fn ask_base(&self, question: &Question) -> Verdict {
        let mut cmd = self.command(question);
        cmd.args(["login", "status"]);
        match run_bounded(cmd, question.timeout) {
            Ok(out) => read_login_status(&out),
            Err(why) => Verdict::Unknown { why },
        }
    }

    fn ask_interactive(&self, question: &Question) -> Verdict {
        let mut cmd = self.command(question);
        cmd.args(["-c", "cli_auth_credentials_store=\"ephemeral\""]);
        if let Some(profile) = question.profile {
            cmd.args(["-p", profile]);
        }
        if question.strict {
            cmd.arg("--strict-config");
        }
        cmd.args(["resume", NIL_SESSION]);
        match run_bounded(cmd, question.timeout) {
            Ok(out) => read_interactive(&out),
            Err(why) => Verdict::Unknown { why },
        }
    }

    fn command(&self, question: &Question) -> Command {
        let mut cmd = Command::new(&self.runs);
        cmd.env_clear()
            .envs(question.env.vars())
            .env("CODEX_HOME", question.codex_home);
        // Inside the temp folder Codex creates no helper links (see the module docs).
        for var in ["TMPDIR", "TMP", "TEMP"] {
            cmd.env(var, question.codex_home);
        }
        cmd
    }
}

/// What a probe printed.
#[derive(Debug)]
struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` with no stdin, killing it after `timeout`.
fn run_bounded(cmd: Command, timeout: Duration) -> Result<Output, String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    match crate::programs::run_bounded(cmd, timeout) {
        Bounded::Finished {
            code,
            stdout,
            stderr,
        } => Ok(Output {
            code,
            stdout,
            stderr,
        }),
        Bounded::TimedOut => Err(format!(
            "`{program}` gave no answer within {} s",
            timeout.as_secs_f32()
        )),
        Bounded::CannotStart(e) => Err(format!("cannot run `{program}`: {e}")),
    }
}

/// Codex's lines without the helper-link warning our `TMPDIR` causes.
fn said(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !l.starts_with("WARNING: proceeding, even though we could not"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// `codex login status`: exit 0 (logged in) or `Not logged in` = accepted;
/// `Error loading configuration: …` = refused.
fn read_login_status(out: &Output) -> Verdict {
    let stderr = said(&out.stderr);
    if let Some(at) = stderr.find("Error loading configuration: ") {
        let message = stderr[at + "Error loading configuration: ".len()..].trim();
        return Verdict::Refuses(refusal(message));
    }
    let logged_out = out.stdout.contains("Not logged in") || stderr.contains("Not logged in");
    if out.code == Some(0) || logged_out {
        return Verdict::Accepts;
    }
    unknown("codex login status", out, &stderr)
}

/// `codex … resume <nil id>` without a terminal: `stdin is not a terminal` = accepted;
/// `Error loading config.toml: …` (the position on the next line, then a source snippet) =
/// refused.
fn read_interactive(out: &Output) -> Verdict {
    let stderr = said(&out.stderr);
    if stderr.contains("stdin is not a terminal") {
        return Verdict::Accepts;
    }
    let start = ["Error loading config.toml:", "Error loading configuration:"]
        .iter()
        .find_map(|marker| stderr.find(marker).map(|at| at + marker.len()));
    let Some(start) = start else {
        return unknown("codex resume", out, &stderr);
    };
    // The snippet (`  |`, `4 | wire_api = …`, `  |   ^^^`) repeats the file; the position says it.
    let message: Vec<&str> = stderr[start..]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !is_snippet(l))
        .collect();
    Verdict::Refuses(refusal(&message.join("\n")))
}

fn is_snippet(line: &str) -> bool {
    let gutter = line
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start();
    gutter == "|" || gutter.starts_with("| ")
}

fn unknown(probe: &str, out: &Output, stderr: &str) -> Verdict {
    let exit = out.code.map_or("was killed by a signal".to_string(), |c| {
        format!("exited {c}")
    });
    let said = if stderr.is_empty() {
        out.stdout.trim()
    } else {
        stderr
    };
    Verdict::Unknown {
        why: format!("`{probe}` {exit} and said: {said}"),
    }
}

/// Splits `<file>:<line>:<col>: <reason>` when Codex gave a position.
fn refusal(message: &str) -> Refusal {
    let position = message.match_indices(": ").find_map(|(at, _)| {
        let head = &message[..at];
        let (rest, column) = head.rsplit_once(':')?;
        let (file, line) = rest.rsplit_once(':')?;
        Some((
            file.to_string(),
            line.parse::<u32>().ok()?,
            column.parse::<u32>().ok()?,
        ))
    });
    let (file, line, column) = match position {
        Some((file, line, column)) => (Some(file), Some(line), Some(column)),
        None => (None, None, None),
    };
    Refusal {
        message: message.to_string(),
        file,
        line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(code: i32, stdout: &str, stderr: &str) -> Output {
        Output {
            code: Some(code),
            stdout: stdout.into(),
            stderr: stderr.into(),
        }
    }

    const WARNING: &str = "WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir \"/h/.codex\" (codex_home: AbsolutePathBuf(\"/h/.codex\"))\n";

    #[test]
    fn login_status_refusal_keeps_codexs_words_and_position() {
        let stderr = format!(
            "{WARNING}Error loading configuration: /h/.codex/config.toml:5:12: `wire_api = \"chat\"` is no longer supported.\nHow to fix: set `wire_api = \"responses\"` in your provider config.\n"
        );
        let Verdict::Refuses(refusal) = read_login_status(&output(1, "", &stderr)) else {
            panic!("not a refusal");
        };
        assert_eq!(refusal.file.as_deref(), Some("/h/.codex/config.toml"));
        assert_eq!((refusal.line, refusal.column), (Some(5), Some(12)));
        assert_eq!(
            refusal.reason(),
            "`wire_api = \"chat\"` is no longer supported.\nHow to fix: set `wire_api = \"responses\"` in your provider config."
        );
    }

    #[test]
    fn a_refusal_without_position_has_none() {
        let stderr = "Error loading configuration: legacy `profile = \"x\"` config is no longer supported; use `--profile x` with `x.config.toml` instead\n";
        let Verdict::Refuses(refusal) = read_login_status(&output(1, "", stderr)) else {
            panic!("not a refusal");
        };
        assert_eq!(refusal.file, None);
        assert_eq!(refusal.reason(), refusal.message);
        // A colon-number pair inside the reason is no position.
        let r = refusal_of("Model provider `a:1:2` not found");
        assert_eq!(r.file, None);
    }

    fn refusal_of(message: &str) -> Refusal {
        refusal(message)
    }

    #[test]
    fn login_status_logged_out_or_in_is_acceptance() {
        assert_eq!(
            read_login_status(&output(1, "", &format!("{WARNING}Not logged in\n"))),
            Verdict::Accepts
        );
        assert_eq!(
            read_login_status(&output(0, "", "Logged in using ChatGPT\n")),
            Verdict::Accepts
        );
        let Verdict::Unknown { why } = read_login_status(&output(2, "", "error: unexpected\n"))
        else {
            panic!("not unknown");
        };
        assert_eq!(
            why,
            "`codex login status` exited 2 and said: error: unexpected"
        );
    }

    #[test]
    fn the_interactive_load_drops_the_snippet_and_keeps_the_position() {
        let stderr = format!(
            "{WARNING}Error loading config.toml:\n/h/.codex/config.toml:4:12: `wire_api = \"chat\"` is no longer supported.\nHow to fix: set it.\n  |\n4 | wire_api = \"chat\"\n  |            ^^^^^^\n"
        );
        let Verdict::Refuses(refusal) = read_interactive(&output(1, "", &stderr)) else {
            panic!("not a refusal");
        };
        assert_eq!(
            refusal.message,
            "/h/.codex/config.toml:4:12: `wire_api = \"chat\"` is no longer supported.\nHow to fix: set it."
        );
        assert_eq!((refusal.line, refusal.column), (Some(4), Some(12)));
        let single = "Error loading config.toml: --profile `g` cannot be used while /h/config.toml contains legacy `[profiles.g]` config\n";
        let Verdict::Refuses(refusal) = read_interactive(&output(1, "", single)) else {
            panic!("not a refusal");
        };
        assert_eq!(
            refusal.message,
            "--profile `g` cannot be used while /h/config.toml contains legacy `[profiles.g]` config"
        );
        assert_eq!(
            read_interactive(&output(1, "", "Error: stdin is not a terminal\n")),
            Verdict::Accepts
        );
        assert!(matches!(
            read_interactive(&output(1, "", "Error: something new\n")),
            Verdict::Unknown { .. }
        ));
    }

    #[test]
    fn versions_are_read_from_codex_cli_lines() {
        assert_eq!(
            parse_version("codex-cli 0.171.0\n").as_deref(),
            Some("0.171.0")
        );
        assert_eq!(parse_version("usage: foo\n"), None);
        assert_eq!(parse_version(""), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_hanging_probe_is_killed_at_the_timeout() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30"]);
        let start = Instant::now();
        let err = run_bounded(cmd, Duration::from_millis(200)).unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(err, "`sh` gave no answer within 0.2 s");
    }

    #[cfg(unix)]
    #[test]
    fn the_npm_launcher_is_seen_through_only_when_it_is_the_official_one() {
        use std::os::unix::fs::PermissionsExt;
        let Some((triple, platform)) = native_target() else {
            return;
        };
        let root = tempfile::tempdir().unwrap();
        let modules = root.path().join("lib/node_modules");
        let package = modules.join("@openai/codex");
        std::fs::create_dir_all(package.join("bin")).unwrap();
        std::fs::write(package.join("bin/codex.js"), "#!/usr/bin/env node\n").unwrap();
        std::fs::write(
            package.join("package.json"),
            r#"{"name":"@openai/codex","version":"0.171.0"}"#,
        )
        .unwrap();
        let native_dir = modules
            .join("@openai")
            .join(platform)
            .join("vendor")
            .join(triple)
            .join("bin");
        std::fs::create_dir_all(&native_dir).unwrap();
        let native = native_dir.join("codex");
        std::fs::write(&native, "").unwrap();
        std::fs::set_permissions(&native, std::fs::Permissions::from_mode(0o755)).unwrap();
        let bin = root.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(package.join("bin/codex.js"), bin.join("codex")).unwrap();

        let codex = Codex::at(&bin.join("codex"));
        assert_eq!(codex.path, bin.join("codex"));
        assert_eq!(codex.runs, std::fs::canonicalize(&native).unwrap());
        assert_eq!(codex.known_version.as_deref(), Some("0.171.0"));

        // Another package's codex.js is run as it is.
        std::fs::write(package.join("package.json"), r#"{"name":"not-codex"}"#).unwrap();
        let codex = Codex::at(&bin.join("codex"));
        assert_eq!(codex.runs, bin.join("codex"));
        assert_eq!(codex.known_version, None);
    }
}
