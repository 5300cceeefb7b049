//! `doctor --live`: one real turn through the installed Codex and the configured gateway, and
//! what came of it in the gateway's own words.
//!
//! What Codex 0.169/0.171 print (pinned by `tests/it/doctor_live.rs`): a 400 from the gateway
//! becomes `ERROR: <body>` at once; any other error status is retried (`Reconnecting... n/5`,
//! ~7 s) and then printed as `ERROR: unexpected status 403 Forbidden: <message>, url: <url>`,
//! where `<message>` is an OpenAI error's `error.message` or else the body as sent (so Coder's
//! JSON errors arrive as `{"message":…}`). The turn runs with the provider's retries set to 0,
//! `--ephemeral` (no session file) and a read-only sandbox in an empty folder.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::coder::api::{self, GatewayAnswer};

/// The turn doctor asks for: one short answer, no tools.
pub const PROMPT: &str = "Reply with the single word ok and nothing else.";

/// Everything the turn needs; the caller decides the environment (with the tokens `codexgw
/// exec` would add) so nothing here reads the process's own.
#[derive(Debug, Clone)]
pub struct LiveRun {
    pub codex: PathBuf,
    /// `codex -p NAME`.
    pub profile: Option<String>,
    /// The provider the turn goes through, to switch its retries off.
    pub provider_id: Option<String>,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
}

/// What one turn came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Codex finished the turn; the model's last words (cut short).
    Answered(String),
    /// The gateway (or the deployment in front of it) refused the request.
    Refused {
        answer: GatewayAnswer,
        /// Codex's line, without the URL and without any secret.
        said: String,
    },
    /// Codex failed before or outside the gateway (its own words).
    Failed(String),
    /// No result within the timeout; the last thing Codex said, if anything.
    TimedOut(Option<String>),
    /// Codex could not be started.
    NotRun(String),
}

impl LiveRun {
    /// The turn as a command run in `cwd`, an empty folder: no project instructions, nothing
    /// to trust.
    fn command(&self, cwd: &std::path::Path) -> Command {
        let mut cmd = Command::new(&self.codex);
        cmd.arg("exec");
        if let Some(profile) = &self.profile {
            cmd.args(["--profile", profile]);
        }
        cmd.args([
            "--ephemeral",
            "--skip-git-repo-check",
            "--color",
            "never",
            "--sandbox",
            "read-only",
        ]);
        if let Some(id) = &self.provider_id {
            // Retries only repeat the same answer after seconds of backoff.
            for key in ["request_max_retries", "stream_max_retries"] {
                cmd.args(["-c", &format!("model_providers.{}.{key}=0", toml_key(id))]);
            }
        }
        // Its own process group, so a timeout ends the npm launcher's native child too.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        cmd.arg(PROMPT)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }
}

/// A provider id as one segment of a `-c` key path.
fn toml_key(id: &str) -> String {
    toml_edit::Key::new(id).display_repr().into_owned()
}

/// Runs the turn, killing Codex at the timeout. `secrets` are cut out of everything reported.
pub fn run(live: &LiveRun, secrets: &[&str]) -> Outcome {
    let scratch = match tempfile::Builder::new().prefix("codexgw-live-").tempdir() {
        Ok(dir) => dir,
        Err(e) => return Outcome::NotRun(format!("cannot create a folder to run Codex in: {e}")),
    };
    let mut child = match live.command(scratch.path()).spawn() {
        Ok(child) => child,
        Err(e) => return Outcome::NotRun(format!("cannot run `{}`: {e}", live.codex.display())),
    };
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let deadline = Instant::now() + live.timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                kill_group(&mut child);
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Outcome::NotRun(format!("cannot wait for Codex: {e}")),
        }
    };
    let (stdout, stderr) = (
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default(),
    );
    let outcome = read(status.map(|s| s.success()), &stdout, &stderr);
    redact(outcome, secrets)
}

/// Ends `child` and everything it started (they share its process group).
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Some(group) = i32::try_from(child.id())
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The outcome from how Codex ended (`None`: killed at the timeout) and what it printed.
pub fn read(success: Option<bool>, stdout: &str, stderr: &str) -> Outcome {
    let last_error = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("ERROR: "))
        .rfind(|l| !l.starts_with("Reconnecting..."))
        .map(str::trim);
    match success {
        Some(true) => {
            let reply = stdout.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
            Outcome::Answered(reply.trim().chars().take(80).collect())
        }
        None => Outcome::TimedOut(
            last_error
                .or_else(|| stderr.lines().rfind(|l| l.starts_with("ERROR: ")))
                .map(|l| l.trim_start_matches("ERROR: ").to_string()),
        ),
        Some(false) => match last_error {
            Some(line) => refused(line).unwrap_or_else(|| Outcome::Failed(line.to_string())),
            None => Outcome::Failed(
                stderr
                    .lines()
                    .rfind(|l| !l.trim().is_empty())
                    .unwrap_or("Codex exited with an error and said nothing")
                    .trim()
                    .to_string(),
            ),
        },
    }
}

/// A gateway refusal in Codex's words, or `None` when the line is about something else.
fn refused(line: &str) -> Option<Outcome> {
    if let Some(rest) = line.strip_prefix("unexpected status ") {
        let status: u16 = rest.get(..3)?.parse().ok()?;
        let after_reason = rest.split_once(": ").map_or("", |(_, m)| m);
        let message = after_reason
            .rsplit_once(", url: ")
            .map_or(after_reason, |(m, _)| m);
        // Coder's middleware errors arrive as the JSON body itself.
        let (json, text) = match serde_json::from_str::<serde_json::Value>(message) {
            Ok(value) => (
                true,
                value
                    .get("message")
                    .and_then(|m| m.as_str())
                    .unwrap_or(message)
                    .to_string(),
            ),
            Err(_) => (false, message.to_string()),
        };
        return Some(Outcome::Refused {
            answer: api::gateway_answer(status, json, &text),
            said: format!("HTTP {status}: {text}"),
        });
    }
    // A 400 is printed as the bare body.
    let answer = api::gateway_answer(400, false, line);
    matches!(
        answer,
        GatewayAnswer::MalformedRequest(_) | GatewayAnswer::NoCredentials
    )
    .then(|| Outcome::Refused {
        answer,
        said: format!("HTTP 400: {line}"),
    })
}

fn redact(outcome: Outcome, secrets: &[&str]) -> Outcome {
    let clean = |text: String| {
        secrets
            .iter()
            .filter(|s| s.len() >= 4)
            .fold(text, |text, s| text.replace(s, &crate::secrets::redact(s)))
    };
    match outcome {
        Outcome::Answered(reply) => Outcome::Answered(clean(reply)),
        Outcome::Refused { answer, said } => Outcome::Refused {
            answer,
            said: clean(said),
        },
        Outcome::Failed(text) => Outcome::Failed(clean(text)),
        Outcome::TimedOut(last) => Outcome::TimedOut(last.map(clean)),
        Outcome::NotRun(text) => Outcome::NotRun(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://127.0.0.1:9/api/v2/aibridge/openai/v1/responses";

    fn failed(stderr: &str) -> Outcome {
        read(Some(false), "", stderr)
    }

    #[test]
    fn a_finished_turn_is_an_answer() {
        assert_eq!(
            read(Some(true), "ok\n", "warning: whatever\n"),
            Outcome::Answered("ok".into())
        );
    }

    #[test]
    fn gateway_refusals_in_codex_words() {
        let retried = |status: &str, message: &str| {
            format!(
                "ERROR: Reconnecting... 1/5\nERROR: unexpected status {status}: {message}, url: {URL}\nERROR: unexpected status {status}: {message}, url: {URL}\n"
            )
        };
        let cases = [
            (
                failed(
                    "ERROR: malformed request: unmarshal request body: unknown tool type \"namespace\"\n",
                ),
                GatewayAnswer::MalformedRequest(
                    "malformed request: unmarshal request body: unknown tool type \"namespace\""
                        .into(),
                ),
            ),
            (
                failed(&retried(
                    "403 Forbidden",
                    "AI budget of US$50.00 exceeded. Please contact an administrator.",
                )),
                GatewayAnswer::BudgetExceeded(
                    "AI budget of US$50.00 exceeded. Please contact an administrator.".into(),
                ),
            ),
            (
                failed(&retried("403 Forbidden", "unauthorized")),
                GatewayAnswer::Unauthorized,
            ),
            (
                failed(&retried(
                    "403 Forbidden",
                    r#"{"message":"AI Gateway is a Premium feature. Contact sales!"}"#,
                )),
                GatewayAnswer::Unlicensed("AI Gateway is a Premium feature. Contact sales!".into()),
            ),
            (
                failed(&retried(
                    "503 Service Unavailable",
                    "provider_disabled: off",
                )),
                GatewayAnswer::ProviderDisabled("provider_disabled: off".into()),
            ),
            (
                failed(&retried(
                    "401 Unauthorized",
                    "Incorrect API key provided: sk-te****0000.",
                )),
                GatewayAnswer::UpstreamUnauthorized(
                    "Incorrect API key provided: sk-te****0000.".into(),
                ),
            ),
            (
                failed(&retried(
                    "404 Not Found",
                    "route not supported: POST /chatgpt/v1/responses",
                )),
                GatewayAnswer::RouteNotSupported(
                    "route not supported: POST /chatgpt/v1/responses".into(),
                ),
            ),
        ];
        for (outcome, want) in cases {
            match outcome {
                Outcome::Refused { answer, said } => {
                    assert_eq!(answer, want);
                    assert!(!said.contains("url:"), "{said}");
                    assert!(said.starts_with("HTTP "), "{said}");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn other_failures_and_timeouts_keep_codex_words() {
        assert_eq!(
            failed("Error: Missing environment variable: `OPENAI_API_KEY`.\n"),
            Outcome::Failed("Error: Missing environment variable: `OPENAI_API_KEY`.".into())
        );
        assert_eq!(
            read(None, "", "ERROR: Reconnecting... 2/5\n"),
            Outcome::TimedOut(Some("Reconnecting... 2/5".into()))
        );
        assert_eq!(read(None, "", ""), Outcome::TimedOut(None));
    }

    #[test]
    fn secrets_never_reach_the_outcome() {
        let token = "abcdefghij-0123456789abcdefghijkl";
        let outcome = redact(
            failed(&format!(
                "ERROR: unexpected status 403 Forbidden: bad token {token}, url: {URL}"
            )),
            &[token],
        );
        let Outcome::Refused { said, .. } = outcome else {
            panic!()
        };
        assert!(!said.contains(token), "{said}");
    }

    #[test]
    fn provider_ids_are_quoted_for_the_override() {
        assert_eq!(toml_key("ai_gateway"), "ai_gateway");
        assert_eq!(toml_key("my.gw"), "\"my.gw\"");
    }
}
