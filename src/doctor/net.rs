//! The `net.*` checks: ask the deployment what Codex will ask it, with the same credentials.
//! They run on their own threads; the caller waits on a channel until a deadline, so a host
//! that accepts and never answers (or a DNS lookup that hangs) cannot hold the run.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::Check;
use crate::deployment::{Deployment, Route};
use crate::http::{self, Answer};
use crate::mode::{self, Mode};
use crate::secrets::{Found, Secret};

/// Slack on top of `--timeout` for the threads to report after their own timeout fired.
const MARGIN: Duration = Duration::from_millis(300);

/// The user's own credential, which Codex sends next to the Coder token in byok and chatgpt.
#[derive(Debug, Clone)]
pub enum UserCredential {
    None,
    ApiKey(Secret),
    Chatgpt {
        access_token: Secret,
        account_id: Option<String>,
    },
}

/// What the local checks learnt that the network checks need.
#[derive(Debug, Clone)]
pub struct Probe {
    pub mode: Option<Mode>,
    pub deployment: Option<Deployment>,
    pub route: Option<Route>,
    /// The gateway `base_url`, when the block has one that points at a gateway route.
    pub base_url: Option<String>,
    pub coder_token: Option<Found>,
    pub user: UserCredential,
}

type Job = fn(&Probe, Duration) -> Check;

const JOBS: [(&str, Job); 3] = [
    ("net.deployment", deployment),
    ("net.auth", auth),
    ("net.gateway", gateway),
];

pub(super) fn check(probe: &Probe, offline: bool, timeout: Duration) -> Vec<Check> {
    if offline {
        return JOBS
            .iter()
            .map(|(id, _)| Check::skip(id, "skipped: --offline"))
            .collect();
    }
    run_jobs(&JOBS, probe, timeout)
}

/// Runs each job on its own thread and collects what is reported by the deadline.
fn run_jobs(jobs: &[(&'static str, Job)], probe: &Probe, timeout: Duration) -> Vec<Check> {
    let (send, receive) = mpsc::channel();
    for (index, (_, job)) in jobs.iter().enumerate() {
        let (send, probe, job) = (send.clone(), probe.clone(), *job);
        // Detached on purpose: a stuck thread is abandoned, and dies with the process.
        std::thread::spawn(move || {
            let _ = send.send((index, job(&probe, timeout)));
        });
    }
    drop(send);
    let deadline = Instant::now() + timeout + MARGIN;
    let mut results: Vec<Option<Check>> = vec![None; jobs.len()];
    while results.iter().any(Option::is_none) {
        let left = deadline.saturating_duration_since(Instant::now());
        match receive.recv_timeout(left) {
            Ok((index, check)) => results[index] = Some(check),
            Err(_) => break,
        }
    }
    results
        .into_iter()
        .zip(jobs)
        .map(|(result, (id, _))| {
            result.unwrap_or_else(|| {
                Check::fail(
                    id,
                    format!("no answer within {}s", timeout.as_secs_f64()),
                    "check the URL and your network (VPN, proxy, firewall); the host accepts no requests or does not answer them",
                )
            })
        })
        .collect()
}

/// A GET that turns transport failures and redirects into a failed check.
fn fetch(
    id: &'static str,
    url: &str,
    headers: &[(&str, &str)],
    timeout: Duration,
) -> Result<Answer, Check> {
    let answer = http::get(url, headers, timeout).map_err(|why| {
        Check::fail(
            id,
            format!("`{url}`: {why}"),
            "check the deployment URL in config.toml and your network (VPN, proxy, firewall)",
        )
        .evidence(json!({ "url": url, "error": why.to_string() }))
    })?;
    if (300..400).contains(&answer.status) {
        let location = answer.location.clone().unwrap_or_default();
        let target = url::Url::parse(url)
            .ok()
            .and_then(|u| u.join(&location).ok());
        let same_origin = target
            .as_ref()
            .zip(url::Url::parse(url).ok())
            .is_some_and(|(t, u)| t.origin() == u.origin());
        let whose = if same_origin {
            "the same origin"
        } else {
            "another origin"
        };
        return Err(Check::fail(
            id,
            format!(
                "`{url}` redirects (HTTP {}) to `{location}` ({whose}); codexgw did not follow it, and no token was sent there",
                answer.status
            ),
            "if the deployment moved, run `codexgw setup --url <its address>`; Codex does not follow gateway redirects with your token either",
        )
        .evidence(json!({ "url": url, "status": answer.status, "location": location, "same_origin": same_origin })));
    }
    Ok(answer)
}

/// The answer's message, with any credential we sent cut out in case the server echoes it.
fn message(answer: &Answer, sent: &[&str]) -> String {
    let mut text = answer.message();
    for secret in sent.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, &crate::secrets::redact(secret));
    }
    text
}

fn answer_evidence(url: &str, answer: &Answer, sent: &[&str]) -> serde_json::Value {
    json!({
        "url": url,
        "status": answer.status,
        "content_type": answer.content_type,
        "message": message(answer, sent),
    })
}

fn deployment(probe: &Probe, timeout: Duration) -> Check {
    const ID: &str = "net.deployment";
    let Some(deployment) = &probe.deployment else {
        return Check::skip(
            ID,
            "no deployment URL in the config (nor $CODER_URL or a coder CLI login)",
        );
    };
    let url = deployment.join("api/v2/buildinfo");
    let answer = match fetch(ID, &url, &[], timeout) {
        Ok(answer) => answer,
        Err(check) => return check,
    };
    let mut evidence = answer_evidence(&url, &answer, &[]);
    let version = match http::buildinfo_version(&answer) {
        Ok(version) => version,
        Err(why) => {
            return Check::fail(
                ID,
                format!("{deployment}: {why}"),
                "check that the URL is your Coder deployment (the address you open the dashboard at)",
            )
            .evidence(evidence);
        }
    };
    evidence["version"] = version.raw.clone().into();
    let serves = Route::for_version(&version);
    evidence["route"] = probe.route.map(Route::name).into();
    evidence["version_serves"] = serves.name().into();
    match probe.route {
        Some(Route::AiGateway) if serves == Route::Aibridge => {
            let mode = probe.mode.unwrap_or(Mode::Centralized);
            Check::fail(
                ID,
                format!(
                    "{deployment} runs Coder {}, which does not serve the configured `/api/v2/ai-gateway/…` route (added in v2.35)",
                    version.raw
                ),
                format!(
                    "set `base_url = \"{}\"` (or run `codexgw setup --route aibridge …`)",
                    deployment.base_url(mode, Route::Aibridge)
                ),
            )
        }
        Some(route) => Check::pass(
            ID,
            format!("{deployment} runs Coder {}, which serves the `{}` route", version.raw, route.name()),
        ),
        None => Check::pass(ID, format!("{deployment} runs Coder {}", version.raw)),
    }
    .evidence(evidence)
}

fn auth(probe: &Probe, timeout: Duration) -> Check {
    const ID: &str = "net.auth";
    let Some(deployment) = &probe.deployment else {
        return Check::skip(ID, "no deployment URL to ask");
    };
    let Some(token) = &probe.coder_token else {
        return Check::skip(
            ID,
            "no Coder token to test (see env.coder_api_token / env.openai_api_key)",
        );
    };
    let url = deployment.join("api/v2/users/me");
    let secret = token.secret.expose();
    let answer = match fetch(ID, &url, &[("Coder-Session-Token", secret)], timeout) {
        Ok(answer) => answer,
        Err(check) => return check,
    };
    let mut evidence = answer_evidence(&url, &answer, &[secret]);
    evidence["token"] = token.secret.redacted().into();
    evidence["origin"] = token.origin.kind().into();
    let from = format!(
        "the Coder token from {} ({})",
        token.origin,
        token.secret.redacted()
    );
    match answer.status {
        200 => match serde_json::from_str::<serde_json::Value>(&answer.body) {
            Ok(user) => {
                let name = user.get("username").and_then(|u| u.as_str()).unwrap_or("?");
                evidence["username"] = name.into();
                Check::pass(ID, format!("{deployment} accepts {from} as `{name}`"))
            }
            Err(_) => Check::warn(
                ID,
                format!("{deployment} accepted {from}, but `/api/v2/users/me` did not answer JSON"),
                "check that the URL is your Coder deployment and not a proxy's login page",
            ),
        },
        401 => Check::fail(
            ID,
            format!("{deployment} rejects {from}: {}", message(&answer, &[secret])),
            "create a new token with `coder tokens create` (or in the dashboard under Tokens) and export it",
        ),
        status => Check::fail(
            ID,
            format!("`/api/v2/users/me` answered HTTP {status}: {}", message(&answer, &[secret])),
            "check the deployment URL; ask your Coder admin if it persists",
        ),
    }
    .evidence(evidence)
}

fn gateway(probe: &Probe, timeout: Duration) -> Check {
    const ID: &str = "net.gateway";
    let (Some(base_url), Some(mode)) = (&probe.base_url, probe.mode) else {
        return Check::skip(
            ID,
            "no gateway base_url and mode to probe (see config.block)",
        );
    };
    let url = format!("{}/models", base_url.trim_end_matches('/'));
    let coder = probe
        .coder_token
        .as_ref()
        .map(|f| f.secret.expose().to_string());
    let bearer;
    let mut headers: Vec<(&str, &str)> = Vec::new();
    let user_credential = match (mode, &probe.user) {
        (Mode::Centralized, _) => "",
        (_, UserCredential::ApiKey(key)) => key.expose(),
        (_, UserCredential::Chatgpt { access_token, .. }) => access_token.expose(),
        (_, UserCredential::None) => "",
    };
    match mode {
        Mode::Centralized => {
            if let Some(token) = &coder {
                bearer = format!("Bearer {token}");
                headers.push(("Authorization", &bearer));
            }
        }
        Mode::Byok | Mode::Chatgpt => {
            if let Some(token) = &coder {
                headers.push((mode::GOVERNANCE_HEADER, token));
            }
            if !user_credential.is_empty() {
                bearer = format!("Bearer {user_credential}");
                headers.push(("Authorization", &bearer));
            }
            if let UserCredential::Chatgpt {
                account_id: Some(account),
                ..
            } = &probe.user
            {
                headers.push(("ChatGPT-Account-Id", account));
            }
        }
    }
    let sent = [coder.as_deref().unwrap_or_default(), user_credential];
    let answer = match fetch(ID, &url, &headers, timeout) {
        Ok(answer) => answer,
        Err(check) => return check,
    };
    let mut evidence = answer_evidence(&url, &answer, &sent);
    evidence["sent"] = headers
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .into();
    let text = message(&answer, &sent);
    let coder_credential = match mode {
        Mode::Centralized => "the Coder token (sent as `Authorization: Bearer`)".to_string(),
        _ => format!("the Coder token (sent in `{}`)", mode::GOVERNANCE_HEADER),
    };
    let user_name = match mode {
        Mode::Chatgpt => "your ChatGPT login",
        _ => "your OpenAI API key",
    };
    let lower = text.to_ascii_lowercase();
    let (summary, fix) = match (answer.status, answer.is_json()) {
        (200, _) => {
            return match serde_json::from_str::<serde_json::Value>(&answer.body) {
                Ok(_) => Check::pass(ID, format!("`{url}` answers with {mode} credentials")),
                Err(_) => Check::warn(
                    ID,
                    format!("`{url}` answered 200 but not JSON"),
                    "check that base_url points at the gateway, not a proxy or login page",
                ),
            }
            .evidence(evidence);
        }
        (400, _) if lower.contains("no authentication key") => (
            format!("the gateway got no Coder token: {text}"),
            "export CODER_API_TOKEN=<your Coder API token> (centralized: the variable named by `env_key`)".to_string(),
        ),
        (401, _) => {
            let what = match (mode, user_credential.is_empty()) {
                (Mode::Centralized, _) => format!("{coder_credential} was rejected"),
                (_, true) => format!("no {} was sent, since Codex has none (see codex.login)", user_name.trim_start_matches("your ")),
                (_, false) => format!("{user_name} was rejected"),
            };
            (
                format!("{what} (HTTP 401): {text}"),
                match mode {
                    Mode::Centralized => "create a new token with `coder tokens create` and export it".to_string(),
                    Mode::Byok => "`printenv OPENAI_API_KEY | codex login --with-api-key` with a valid key".to_string(),
                    Mode::Chatgpt => "`env -u OPENAI_API_KEY codex login` to sign in with ChatGPT again".to_string(),
                },
            )
        }
        (403, true) if lower.contains("premium") => (
            format!("the deployment has no license for AI Gateway: {text}"),
            "ask your Coder admin for the AI Governance add-on (AI Gateway needs it since Coder v2.32)".to_string(),
        ),
        (403, _) if lower.contains("budget") => (
            format!("your AI budget is used up: {text}"),
            "ask your Coder admin to raise your AI budget, or wait for it to reset".to_string(),
        ),
        (403, _) if coder.is_none() && mode != Mode::Centralized => (
            format!("no Coder token was sent, so Coder took {user_name} for one and rejected it: {text}"),
            format!("export {}=<your Coder API token>   # create one with `coder tokens create`", mode::CODER_TOKEN_VAR),
        ),
        (403, _) => (
            format!("{coder_credential} was rejected: {text}"),
            "create a new token with `coder tokens create` and export it".to_string(),
        ),
        (404, true) if lower.contains("not mounted") => (
            format!("AI Gateway is switched off on this deployment: {text}"),
            "ask your Coder admin to enable AI Gateway (AI Bridge) on the server".to_string(),
        ),
        (404, true) => (
            format!("the deployment does not serve this gateway route: {text}"),
            "check the Coder version (see net.deployment); AI Gateway needs a Coder release that has it".to_string(),
        ),
        (404, false) if lower.contains("route not supported") && base_url.contains("/chatgpt/") => (
            format!("this deployment has no ChatGPT provider: {text}"),
            "ask your Coder admin to add an `openai`-type provider named `chatgpt` (Coder v2.34+, BYOK enabled), or use `codexgw setup --mode byok`".to_string(),
        ),
        (404, false) if lower.contains("route not supported") => (
            format!("this deployment has no `openai` gateway provider: {text}"),
            "ask your Coder admin to configure the OpenAI provider for AI Gateway".to_string(),
        ),
        (503, _) => (
            format!("the gateway provider is disabled: {text}"),
            "ask your Coder admin to enable the provider".to_string(),
        ),
        (status, _) => (
            format!("`{url}` answered HTTP {status}: {text}"),
            "check base_url; ask your Coder admin if it persists".to_string(),
        ),
    };
    Check::fail(ID, summary, fix).evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stuck(_: &Probe, _: Duration) -> Check {
        // Like a DNS lookup that never returns: no timeout of ours can interrupt it.
        loop {
            std::thread::park();
        }
    }

    fn quick(_: &Probe, _: Duration) -> Check {
        Check::pass("net.auth", "answered")
    }

    #[test]
    fn a_stuck_check_is_reported_not_waited_for() {
        let probe = Probe {
            mode: None,
            deployment: None,
            route: None,
            base_url: None,
            coder_token: None,
            user: UserCredential::None,
        };
        let jobs: [(&str, Job); 2] = [("net.deployment", stuck), ("net.auth", quick)];
        let checks = run_jobs(&jobs, &probe, Duration::from_millis(100));
        assert_eq!(checks[0].id, "net.deployment");
        assert_eq!(checks[0].status, super::super::Status::Fail);
        assert_eq!(checks[0].summary, "no answer within 0.1s");
        assert_eq!(checks[1].summary, "answered");
    }
}
