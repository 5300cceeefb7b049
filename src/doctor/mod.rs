//! `codexgw doctor`: every reason Codex may not reach the AI Gateway, each as a check with a
//! stable id, a finding, the evidence, and the fix.
//!
//! [`facts::gather`] reads every file, variable, login and token source once; each local check
//! is a pure `fn(&Facts) -> Check` (shared conclusions come from `judged`); the `net.*`
//! checks ask the deployment, concurrently and bounded. To add a check, write its function
//! next to its `Entry` and list the entry in `LOCAL` or `NET`: that order is the report's.

use crate::net::Network;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::codex::home::CodexHome;
use crate::codex::mode::Mode;
use crate::environment::Environment;
use crate::secrets::SecretStore;

pub mod auth_run;
mod checks;
mod coder_checks;
pub mod daemon;
pub mod facts;
mod gateway_health;
mod judged;
mod live_check;
mod net;
pub mod report;
pub mod shell;

use facts::Facts;
use net::Probe;

/// What the command line asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub codex_home: CodexHome,
    /// `--profile NAME`: judge `codex --profile NAME`, which layers `NAME.config.toml`.
    pub profile: Option<String>,
    /// `--provider-id`: the provider that must be selected (default: whatever is selected).
    pub provider_id: Option<String>,
    pub offline: bool,
    /// Per request, and (plus a small margin) for all `net.*` checks together.
    pub timeout: Duration,
    /// `--live`: one real turn through the installed Codex (`net.live`).
    pub live: bool,
    /// `--gateway-url`: the standalone gateway the provider table must point at.
    pub gateway: Option<crate::coder::deployment::StandaloneGateway>,
    /// The folder doctor runs in, where Codex would run an `auth` command.
    pub cwd: std::path::PathBuf,
    /// `--strict-config`: judge `codex --strict-config`.
    pub strict_config: bool,
    /// `--codex-bin`: the Codex to ask (default: `codex` on PATH).
    pub codex_bin: Option<PathBuf>,
}

impl Options {
    /// How the user starts Codex, as the findings name it.
    pub fn codex_command(&self) -> String {
        let mut command = "codex".to_string();
        if let Some(profile) = &self.profile {
            command.push_str(&format!(" -p {profile}"));
        }
        if self.strict_config {
            command.push_str(" --strict-config");
        }
        command
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub status: Status,
    pub summary: String,
    pub fix: Option<String>,
    pub evidence: serde_json::Value,
}

impl Check {
    fn new(id: &'static str, status: Status, summary: impl Into<String>) -> Check {
        Check {
            id,
            status,
            summary: summary.into(),
            fix: None,
            evidence: serde_json::json!({}),
        }
    }

    pub fn pass(id: &'static str, summary: impl Into<String>) -> Check {
        Check::new(id, Status::Pass, summary)
    }

    pub fn warn(id: &'static str, summary: impl Into<String>, fix: impl Into<String>) -> Check {
        Check::new(id, Status::Warn, summary).with_fix(fix)
    }

    pub fn fail(id: &'static str, summary: impl Into<String>, fix: impl Into<String>) -> Check {
        Check::new(id, Status::Fail, summary).with_fix(fix)
    }

    pub fn skip(id: &'static str, summary: impl Into<String>) -> Check {
        Check::new(id, Status::Skip, summary)
    }

    fn with_fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }

    pub fn evidence(mut self, evidence: serde_json::Value) -> Check {
        self.evidence = evidence;
        self
    }
}

/// The version of the `--json` layout; it changes only when a field changes meaning or goes.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole verdict; its JSON form is the `--json` API (see the README).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub codexgw_version: &'static str,
    /// The Codex that judged the config, or null when none is installed.
    pub codex: Option<CodexIdentity>,
    /// `linux`, `macos`, `windows`, … and the CPU architecture.
    pub os: &'static str,
    pub arch: &'static str,
    pub ok: bool,
    pub mode: Option<Mode>,
    pub config_path: String,
    pub deployment: Option<String>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodexIdentity {
    pub path: String,
    pub version: Option<String>,
}

/// A check that judges the gathered facts.
pub type LocalCheck = fn(&Facts) -> Check;
/// A check that asks the deployment, within a timeout.
pub type NetCheck = fn(&Probe, &Network, Duration) -> Check;

/// A check and its id, declared once, next to the check's function.
#[derive(Clone, Copy)]
pub struct Entry<F> {
    pub id: &'static str,
    pub run: F,
}

impl<F> Entry<F> {
    pub const fn new(id: &'static str, run: F) -> Entry<F> {
        Entry { id, run }
    }
}

/// The local checks, in report order.
const LOCAL: &[Entry<LocalCheck>] = &[
    checks::config::FILE,
    checks::config::PROVIDER,
    checks::config::BLOCK,
    checks::codex::CONFIG,
    checks::env::OPENAI_API_KEY,
    checks::env::CODER_API_TOKEN,
    checks::login::CODEX_LOGIN,
    checks::daemon::DAEMON,
];

/// The network checks, reported after the local ones.
const NET: &[Entry<NetCheck>] = &[
    net::DEPLOYMENT,
    net::AUTH,
    net::GATEWAY,
    gateway_health::GATEWAY_HEALTH,
    coder_checks::VERSION,
    coder_checks::LICENSE,
    coder_checks::PROVIDER,
    coder_checks::BUDGET,
    coder_checks::WEBSOCKET,
    live_check::LIVE,
];

/// The check ids, in report order. They are an API: never rename one.
pub const CHECK_IDS: [&str; LOCAL.len() + NET.len()] = {
    let mut ids = [""; LOCAL.len() + NET.len()];
    let mut i = 0;
    while i < LOCAL.len() {
        ids[i] = LOCAL[i].id;
        i += 1;
    }
    while i < ids.len() {
        ids[i] = NET[i - LOCAL.len()].id;
        i += 1;
    }
    ids
};

/// Runs every check. `store` is where codexgw keeps tokens (the OS keyring), if any.
pub fn run(options: &Options, env: &Environment, store: Option<&dyn SecretStore>) -> Report {
    // `--timeout` bounds the whole run, gathering included (a slow keyring counts against it).
    let started = std::time::Instant::now();
    let facts = facts::gather(options, env, store);
    let mut checks = run_local(LOCAL, &facts);
    let probe = catch_unwind(AssertUnwindSafe(|| {
        let mut probe = net::probe(&facts);
        if options.live && !options.offline {
            probe.live = live_check::prepare(options, env, store, &facts);
        }
        probe
    }))
    .ok();
    match &probe {
        Some(probe) => checks.extend(net::check(
            NET,
            probe,
            &Network::from_env(env),
            options.offline,
            options.timeout,
            started,
        )),
        None => checks.extend(NET.iter().map(|entry| could_not_judge(entry.id))),
    }
    Report {
        schema_version: SCHEMA_VERSION,
        codexgw_version: env!("CARGO_PKG_VERSION"),
        codex: facts
            .codex
            .as_ref()
            .and_then(|c| c.identity())
            .map(|(path, version)| CodexIdentity {
                path: path.display().to_string(),
                version: version.map(str::to_string),
            }),
        os: std::env::consts::OS,
        arch: std::env::consts::ARCH,
        ok: checks.iter().all(|c| c.status != Status::Fail),
        mode: probe.as_ref().and_then(|p| p.mode),
        config_path: options.codex_home.config_path().display().to_string(),
        deployment: probe
            .as_ref()
            .and_then(|p| p.deployment.as_ref())
            .map(ToString::to_string),
        checks,
    }
}

fn run_local(entries: &[Entry<LocalCheck>], facts: &Facts) -> Vec<Check> {
    entries
        .iter()
        .map(|entry| judge(entry.id, || (entry.run)(facts)))
        .collect()
}

/// Runs one check; a panic inside it becomes a failure of that check, never of doctor. The
/// registry's id is the one reported, whatever the check wrote.
fn judge(id: &'static str, check: impl FnOnce() -> Check) -> Check {
    match catch_unwind(AssertUnwindSafe(check)) {
        Ok(check) => Check { id, ..check },
        Err(_) => could_not_judge(id),
    }
}

fn could_not_judge(id: &'static str) -> Check {
    Check::fail(
        id,
        "doctor could not judge this: the check stopped on an internal error (a bug in codexgw)",
        "the other checks still count; please report this with the output of `codexgw doctor --json`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{MemoryStore, Secret, TokenKind};

    const CHATGPT: &str = r#"model_provider = "ai_gateway"
[model_providers.ai_gateway]
name = "AI Gateway"
base_url = "https://coder.example.com/api/v2/aibridge/chatgpt/v1"
wire_api = "responses"
requires_openai_auth = true
env_http_headers = { "X-Coder-AI-Governance-Token" = "CODER_API_TOKEN" }
"#;

    fn offline(dir: &std::path::Path) -> Options {
        Options {
            codex_home: CodexHome::at(dir),
            profile: None,
            provider_id: None,
            offline: true,
            timeout: Duration::from_secs(1),
            live: false,
            gateway: None,
            cwd: dir.to_path_buf(),
            strict_config: false,
            codex_bin: None,
        }
    }

    fn find<'a>(report: &'a Report, id: &str) -> &'a Check {
        report.checks.iter().find(|c| c.id == id).unwrap()
    }

    #[test]
    fn a_token_in_the_store_counts_with_evidence_keyring() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), CHATGPT).unwrap();
        let store = MemoryStore::default();
        let token = Secret::new("abcdefghij-0123456789abcdefghijkl");
        store
            .set(TokenKind::Coder, "coder.example.com", &token)
            .unwrap();
        let env = Environment::default();

        let report = run(&offline(dir.path()), &env, Some(&store));
        let check = find(&report, "env.coder_api_token");
        assert_eq!(check.status, Status::Pass);
        assert!(
            check.summary.contains("codexgw exec -- codex"),
            "{}",
            check.summary
        );
        assert_eq!(check.evidence["origin"], "keyring");
        assert_eq!(check.evidence["token"], "abcd… (33 chars)");
        assert!(
            !serde_json::to_string(&report)
                .unwrap()
                .contains(token.expose())
        );
        assert_eq!(report.mode, Some(Mode::Chatgpt));
        assert_eq!(
            report.deployment.as_deref(),
            Some("https://coder.example.com")
        );

        let report = run(&offline(dir.path()), &env, None);
        assert_eq!(find(&report, "env.coder_api_token").status, Status::Fail);
        assert!(!report.ok);
    }

    #[test]
    fn the_check_ids_are_the_documented_api() {
        assert_eq!(
            CHECK_IDS,
            [
                "config.file",
                "config.provider",
                "config.block",
                "codex.config",
                "env.openai_api_key",
                "env.coder_api_token",
                "codex.login",
                "codex.daemon",
                "net.deployment",
                "net.auth",
                "net.gateway",
                "net.gateway_health",
                "coder.version",
                "coder.license",
                "coder.provider",
                "coder.budget",
                "coder.websocket",
                "net.live",
            ]
        );
    }

    fn panics(_: &Facts) -> Check {
        panic!("a bug in a check")
    }

    #[test]
    fn a_panicking_check_fails_alone_under_its_registry_id() {
        let facts = facts::build::facts(None, &[]);
        let entries = [
            Entry::new("config.file", panics as LocalCheck),
            checks::config::PROVIDER,
        ];
        let checks = run_local(&entries, &facts);
        assert_eq!(checks[0].id, "config.file");
        assert_eq!(checks[0].status, Status::Fail);
        assert!(checks[0].summary.starts_with("doctor could not judge this"));
        assert_eq!(checks[1].id, "config.provider");
        assert_eq!(checks[1].status, Status::Skip);
    }

    #[test]
    fn every_check_reports_once_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let report = run(&offline(dir.path()), &Environment::default(), None);
        let ids: Vec<&str> = report.checks.iter().map(|c| c.id).collect();
        assert_eq!(ids, CHECK_IDS);
    }
}
