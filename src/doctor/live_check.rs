//! `net.live` (`doctor --live`): one real turn through the installed Codex and the configured
//! gateway, judged by what Codex got back. It costs one tiny model request, so it only runs
//! when asked.

use std::time::Duration;

use serde_json::json;

use super::facts::Facts;
use super::net::Probe;
use super::{Check, Entry, NetCheck, Options, judged};
use crate::coder::api::{self, GatewayAnswer};
use crate::codex::installed::Installation;
use crate::codex::launch::{self, EnvChange};
use crate::codex::live::{self, LiveRun, Outcome};
use crate::codex::mode::{self, Mode};
use crate::environment::Environment;
use crate::net::Network;
use crate::secrets::SecretStore;

pub const LIVE: Entry<NetCheck> = Entry::new("net.live", live);

/// What the command line and the local checks prepared for the turn.
#[derive(Debug, Clone)]
pub enum Prepared {
    /// `--live` was not given.
    NotAsked,
    /// `--live`, but Codex cannot be run (why).
    Unrunnable(String),
    Ready(LiveRun),
}

/// The Codex turn `--live` runs: Codex as the shell finds it, given the tokens `codexgw exec`
/// would add for the judged provider (without them when they cannot be found: Codex then meets
/// what a plain `codex` would).
pub(super) fn prepare(
    options: &Options,
    env: &Environment,
    store: Option<&dyn SecretStore>,
    facts: &Facts,
) -> Prepared {
    // The Codex doctor asked about the config (`--codex-bin`, else PATH); the native binary
    // its npm launcher would start, when there is one.
    let codex = match &facts.codex {
        Some(Installation::Found { codex, .. }) => codex.runs.clone(),
        Some(Installation::NotRunnable(path)) => {
            return Prepared::Unrunnable(format!("`{}` is not runnable", path.display()));
        }
        _ => match crate::programs::find_program("codex", env) {
            Some(path) => path,
            None => return Prepared::Unrunnable("`codex` is not on PATH".into()),
        },
    };
    let mut vars: Vec<(String, String)> = env
        .vars()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let block = judged::block(facts);
    let provider = block.as_ref().and_then(|(block, file)| {
        let deployment = judged::deployment(facts).0;
        launch::configured_provider(
            file.doc.as_ref()?,
            &block.id,
            &file.path,
            deployment.as_ref(),
        )
        .ok()
    });
    let changes = provider
        .as_ref()
        .and_then(|p| launch::environment_for(p, env, store).ok())
        .unwrap_or_default();
    for change in changes {
        let name = match &change {
            EnvChange::Set(name, _) | EnvChange::Unset(name) => name.clone(),
        };
        vars.retain(|(k, _)| *k != name);
        if let EnvChange::Set(name, value) = change {
            vars.push((name, value.expose().to_string()));
        }
    }
    // The Codex home doctor judged, also when it came from `--codex-home`.
    vars.retain(|(k, _)| k != "CODEX_HOME");
    vars.push((
        "CODEX_HOME".into(),
        options.codex_home.dir().display().to_string(),
    ));
    Prepared::Ready(LiveRun {
        codex,
        profile: options.profile.clone(),
        provider_id: block.map(|(b, _)| b.id),
        env: vars,
        // Codex is stopped just before doctor's own deadline, so its last words still arrive.
        timeout: options
            .timeout
            .saturating_sub(Duration::from_millis(250))
            .max(Duration::from_secs(1)),
    })
}

pub(super) fn live(probe: &Probe, _network: &Network, _timeout: Duration) -> Check {
    let run = match &probe.live {
        Prepared::NotAsked => {
            return Check::skip(
                LIVE.id,
                "not run: `--live` sends one small request through Codex (it costs a model call)",
            );
        }
        Prepared::Unrunnable(why) => {
            return Check::fail(
                LIVE.id,
                format!("cannot run Codex: {why}"),
                "install Codex (`npm install -g @openai/codex`) or put it on PATH",
            );
        }
        Prepared::Ready(run) => run,
    };
    // Everything Codex was given that is secret, so none of it is reported back.
    let secrets: Vec<&str> = probe
        .coder_token
        .iter()
        .chain(&probe.bearer)
        .map(|c| c.secret.expose())
        .chain(
            run.env
                .iter()
                .filter(|(k, _)| is_secret_var(k))
                .map(|(_, v)| v.as_str()),
        )
        .collect();
    judge_live(&live::run(run, &secrets), probe.mode, &probe.token_fix)
        .evidence(json!({ "codex": run.codex.display().to_string(), "prompt": live::PROMPT }))
}

/// Variables whose values must never be shown.
fn is_secret_var(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["TOKEN", "KEY", "SECRET", "PASSWORD"]
        .iter()
        .any(|w| upper.contains(w))
}

/// The verdict on one turn, naming the credential a refusal was about.
pub(super) fn judge_live(outcome: &Outcome, mode: Option<Mode>, token_fix: &str) -> Check {
    let (answer, said) = match outcome {
        Outcome::Answered(reply) => {
            return Check::pass(
                LIVE.id,
                format!("Codex got an answer through the gateway: `{reply}`"),
            );
        }
        Outcome::Refused { answer, said } => (answer, said),
        Outcome::Failed(text) => {
            return Check::fail(
                LIVE.id,
                format!("Codex failed before the gateway answered: {text}"),
                "fix the FAIL lines above first; `codexgw exec -- codex exec \"hi\"` shows the same",
            );
        }
        Outcome::TimedOut(last) => {
            let last = last
                .as_deref()
                .map_or(String::new(), |l| format!(" (its last words: {l})"));
            return Check::fail(
                LIVE.id,
                format!("Codex got no answer in time{last}"),
                "check the network path to the gateway (see net.gateway), or give it longer with `--timeout`",
            );
        }
        Outcome::NotRun(why) => {
            return Check::fail(
                LIVE.id,
                format!("cannot run Codex: {why}"),
                "check the Codex installation (`codex --version`)",
            );
        }
    };
    let own = match mode {
        Some(Mode::Chatgpt) => "your ChatGPT login",
        _ => "your OpenAI API key (Codex's login or $CODEX_API_KEY)",
    };
    let coder_token = match mode {
        Some(Mode::Centralized) | None => "the Coder token (sent as the API key)".to_string(),
        _ => format!("the Coder token (sent in `{}`)", mode::GOVERNANCE_HEADER),
    };
    let (summary, fix) = match answer {
        GatewayAnswer::BudgetExceeded(_) => (
            format!("the gateway refused: your AI budget is used up ({said})"),
            "ask your Coder admin to raise your AI budget, or wait for the next period".to_string(),
        ),
        GatewayAnswer::ProviderDisabled(_) => (
            format!("the gateway's provider is disabled ({said})"),
            "ask your Coder admin to enable the provider".to_string(),
        ),
        GatewayAnswer::MalformedRequest(text) => {
            let known = text.contains("namespace");
            (
                format!("the gateway cannot read the requests this Codex sends ({said})"),
                if known {
                    api::KNOWN_BREAKAGES[0].fix.to_string()
                } else {
                    "ask your Coder admin to upgrade Coder; the gateway does not understand this Codex's requests".to_string()
                },
            )
        }
        GatewayAnswer::Unauthorized => (
            format!("{coder_token} was rejected ({said})"),
            format!("create a new token with `coder tokens create`, then: {token_fix}"),
        ),
        GatewayAnswer::UpstreamUnauthorized(_) => (
            format!("OpenAI rejected {own} ({said})"),
            match mode {
                Some(Mode::Chatgpt) => {
                    "`env -u OPENAI_API_KEY codex login` to sign in with ChatGPT again".to_string()
                }
                _ => "`printenv OPENAI_API_KEY | codex login --with-api-key` with a valid key"
                    .to_string(),
            },
        ),
        GatewayAnswer::NoCredentials => (
            format!("the gateway got no Coder token ({said})"),
            token_fix.to_string(),
        ),
        GatewayAnswer::Unlicensed(_) => (
            format!("the deployment has no licence for AI Gateway ({said})"),
            "ask your Coder admin for the AI Governance add-on".to_string(),
        ),
        GatewayAnswer::RouteNotSupported(_) => (
            format!("the gateway has no such provider ({said})"),
            "see coder.provider: the deployment needs the provider this mode uses".to_string(),
        ),
        GatewayAnswer::CoderdUnreachable => (
            format!("the standalone gateway cannot reach the Coder deployment ({said})"),
            "ask your Coder admin to check the gateway's connection to coderd".to_string(),
        ),
        _ => (
            format!("the gateway refused the request ({said})"),
            "see net.gateway; ask your Coder admin if it persists".to_string(),
        ),
    };
    Check::fail(LIVE.id, summary, fix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;

    fn refused(answer: GatewayAnswer) -> Outcome {
        Outcome::Refused {
            answer,
            said: "HTTP 403: …".into(),
        }
    }

    #[test]
    fn each_outcome_names_its_cause() {
        let fix = "export CODER_API_TOKEN=…";
        let judge = |o: &Outcome, m| judge_live(o, Some(m), fix);
        let check = judge(&Outcome::Answered("ok".into()), Mode::Centralized);
        assert_eq!(
            (check.status, check.summary.as_str()),
            (
                Status::Pass,
                "Codex got an answer through the gateway: `ok`"
            )
        );
        let namespace = refused(GatewayAnswer::MalformedRequest(
            "malformed request: unknown tool type \"namespace\"".into(),
        ));
        let check = judge(&namespace, Mode::Centralized);
        assert!(check.fix.unwrap().contains("upgrade Coder past v2.35.6"));
        let check = judge(&refused(GatewayAnswer::Unauthorized), Mode::Chatgpt);
        assert!(
            check
                .summary
                .contains("Coder token (sent in `X-Coder-AI-Governance-Token`) was rejected"),
            "{}",
            check.summary
        );
        assert!(check.fix.unwrap().ends_with(fix));
        let upstream = refused(GatewayAnswer::UpstreamUnauthorized("bad key".into()));
        assert!(
            judge(&upstream, Mode::Byok)
                .summary
                .contains("OpenAI rejected your OpenAI API key")
        );
        assert!(
            judge(&upstream, Mode::Chatgpt)
                .summary
                .contains("your ChatGPT login")
        );
        let budget = refused(GatewayAnswer::BudgetExceeded("AI budget".into()));
        assert!(
            judge(&budget, Mode::Byok)
                .fix
                .unwrap()
                .contains("raise your AI budget")
        );
        let disabled = refused(GatewayAnswer::ProviderDisabled("provider_disabled".into()));
        assert!(
            judge(&disabled, Mode::Byok)
                .summary
                .contains("provider is disabled")
        );
        let check = judge(
            &Outcome::TimedOut(Some("Reconnecting... 2/5".into())),
            Mode::Byok,
        );
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("Reconnecting... 2/5"));
    }

    #[test]
    fn secret_variables_by_name() {
        for name in [
            "OPENAI_API_KEY",
            "CODER_API_TOKEN",
            "CODEX_API_KEY",
            "coder_session_token",
        ] {
            assert!(is_secret_var(name), "{name}");
        }
        assert!(!is_secret_var("PATH"));
    }
}
