//! The `net.*` checks: ask the deployment what Codex will ask it, with the same credentials.
//! They run on their own threads; the caller waits on a channel until a deadline, so a host
//! that accepts and never answers (or a DNS lookup that hangs) cannot hold the run.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::checks::{env, login};
use super::facts::Facts;
use super::live_check::Prepared;
use super::{Check, Entry, NetCheck, judged};
use crate::coder::deployment::{Deployment, Route, StandaloneGateway};
use crate::coder::http::{self, Answer};
use crate::codex::inspect::redact_url;
use crate::codex::mode::{self, Mode};
use crate::net::Network;
use crate::secrets::{Found, Secret};

/// Slack on top of `--timeout` for the threads to report after their own timeout fired.
const MARGIN: Duration = Duration::from_millis(300);

/// A credential doctor sends the way Codex would, and where it came from.
#[derive(Debug, Clone)]
pub struct Credential {
    pub secret: Secret,
    /// For findings: `$CODER_API_TOKEN`, `your ChatGPT login`, `` `experimental_bearer_token` ``.
    pub from: String,
    /// For evidence: `env`, `keyring`, `coder_cli`, `config`, `login`.
    pub kind: &'static str,
    /// A ChatGPT login also sends its account id.
    pub account_id: Option<String>,
}

impl From<Found> for Credential {
    fn from(found: Found) -> Credential {
        Credential {
            secret: found.secret,
            from: found.origin.to_string(),
            kind: found.origin.kind(),
            account_id: None,
        }
    }
}

/// What the local checks learnt that the network checks need.
#[derive(Debug, Clone)]
pub struct Probe {
    pub mode: Option<Mode>,
    pub deployment: Option<Deployment>,
    pub route: Option<Route>,
    /// The gateway `base_url`, when the block has one that points at a gateway route.
    pub base_url: Option<String>,
    /// The Coder token: what net.auth tests, and the governance header in byok/chatgpt.
    pub coder_token: Option<Credential>,
    /// What Codex sends as `Authorization: Bearer` (in centralized mode, the Coder token).
    pub bearer: Option<Credential>,
    /// Why no token is sent at all (it is not the Coder token, or would travel in plain text).
    pub withheld: Option<String>,
    /// How to give Codex the Coder token, for the gateway's "no authentication key".
    pub token_fix: String,
    /// The standalone gateway the table points at, if any.
    pub standalone: Option<StandaloneGateway>,
    /// The provider table's `supports_websockets`.
    pub supports_websockets: Option<bool>,
    /// The installed Codex's version, when known.
    pub codex_version: Option<(u64, u64, u64)>,
    /// `--live`: the Codex turn to run.
    pub live: Prepared,
}

/// What the local checks conclude that the network checks need, derived from the facts
/// through the same helpers the local checks use.
pub fn probe(facts: &Facts) -> Probe {
    let block = judged::block(facts).map(|(b, _)| b);
    let supports_websockets = block.as_ref().and_then(|b| b.supports_websockets);
    let standalone = block.as_ref().and_then(|b| b.standalone()).map(|(g, _)| g);
    let mode = block.as_ref().and_then(|b| b.mode());
    let gateway = block.as_ref().and_then(|b| b.gateway());
    let (deployment, deployment_note) = judged::deployment(facts);
    let env::Sent {
        bearer,
        withheld,
        token_fix,
    } = env::sent(facts);
    let coder_token = env::coder_token(facts);
    let (coder_token, bearer) = match mode {
        // The bearer is the Coder token; when Codex would send none, a token found elsewhere
        // still lets net.auth tell whether the deployment knows it.
        Some(Mode::Centralized) => (bearer.clone().or(coder_token), bearer),
        Some(Mode::Byok | Mode::Chatgpt) => (coder_token, bearer.or_else(|| login::login(facts))),
        None => (coder_token, None),
    };
    Probe {
        mode,
        route: gateway.as_ref().map(|g| g.route),
        base_url: (gateway.is_some() || standalone.is_some())
            .then(|| block.and_then(|b| b.base_url))
            .flatten(),
        deployment,
        coder_token,
        bearer,
        withheld: withheld.or(deployment_note),
        token_fix,
        standalone,
        supports_websockets,
        codex_version: facts
            .codex
            .as_ref()
            .and_then(|installed| installed.identity()?.1)
            .and_then(crate::coder::api::codex_version),
        live: Prepared::NotAsked,
    }
}

pub const DEPLOYMENT: Entry<NetCheck> = Entry::new("net.deployment", deployment);
pub const AUTH: Entry<NetCheck> = Entry::new("net.auth", auth);
pub const GATEWAY: Entry<NetCheck> = Entry::new("net.gateway", gateway);

/// Runs `checks` concurrently (each skipped with `--offline`); whatever has not answered
/// [`MARGIN`] after `started + timeout` fails, so doctor as a whole ends by then even when the
/// local facts took part of the budget.
pub(super) fn check(
    checks: &[Entry<NetCheck>],
    probe: &Probe,
    network: &Network,
    offline: bool,
    timeout: Duration,
    started: Instant,
) -> Vec<Check> {
    if offline {
        return checks
            .iter()
            .map(|entry| Check::skip(entry.id, "skipped: --offline"))
            .collect();
    }
    run_jobs(checks, probe, network, timeout, started)
}

/// Runs each job on its own thread and collects what is reported by the deadline.
fn run_jobs(
    jobs: &[Entry<NetCheck>],
    probe: &Probe,
    network: &Network,
    timeout: Duration,
    started: Instant,
) -> Vec<Check> {
    let (send, receive) = mpsc::channel();
    for (index, entry) in jobs.iter().enumerate() {
        let (send, probe, network, entry) = (send.clone(), probe.clone(), network.clone(), *entry);
        // Detached on purpose: a stuck thread is abandoned, and dies with the process.
        std::thread::spawn(move || {
            let _ = send.send((
                index,
                super::judge(entry.id, || (entry.run)(&probe, &network, timeout)),
            ));
        });
    }
    drop(send);
    let deadline = started + timeout + MARGIN;
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
        .map(|(result, entry)| {
            result.unwrap_or_else(|| {
                // `coder.*` checks read what the deployment says; its silence is net.*'s finding.
                if entry.id.starts_with("coder.") {
                    return Check::skip(
                        entry.id,
                        format!(
                            "no answer within {}s (see net.deployment)",
                            timeout.as_secs_f64()
                        ),
                    );
                }
                Check::fail(
                    entry.id,
                    format!("no answer within {}", waited(timeout)),
                    format!(
                        "check the URL and your network (VPN, proxy, firewall); the host accepts no requests or does not answer them; if it is just slow, {}",
                        more_time(timeout)
                    ),
                )
            })
        })
        .collect()
}

/// How long doctor waited, naming the flag that sets it.
fn waited(timeout: Duration) -> String {
    format!(
        "{}s (`--timeout {}`)",
        timeout.as_secs_f64(),
        timeout.as_secs().max(1)
    )
}

/// The step that gives a slow deployment more time.
fn more_time(timeout: Duration) -> String {
    format!(
        "allow more time: `codexgw doctor --timeout {}`",
        (timeout.as_secs() * 3).max(30)
    )
}

/// A GET that turns transport failures and redirects into a failed check.
pub(super) fn fetch(
    network: &Network,
    id: &'static str,
    url: &str,
    headers: &[(&str, &str)],
    timeout: Duration,
) -> Result<Answer, Check> {
    let shown = redact_url(url);
    let answer = http::get(network, url, headers, timeout).map_err(|why| {
        let error = why.to_string().replace(url, &shown);
        let mut evidence = json!({ "url": shown, "error": error });
        let proxy = url::Url::parse(url)
            .ok()
            .and_then(|u| network.proxy_for(&u).cloned());
        if let Some(proxy) = proxy {
            evidence["proxy"] = json!({ "url": proxy.shown(), "from": proxy.var });
        }
        let (error, fix) = match why {
            crate::net::Failure::Timeout => (
                format!("no answer within {}", waited(timeout)),
                format!(
                    "{}; if the deployment is just slow, {}",
                    why.fix(),
                    more_time(timeout)
                ),
            ),
            _ => (error, why.fix()),
        };
        Check::fail(id, format!("`{shown}`: {error}"), fix).evidence(evidence)
    })?;
    if (300..400).contains(&answer.status) {
        let location = answer.location.clone().unwrap_or_default();
        let shown_location = redact_url(&location);
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
                "`{shown}` redirects (HTTP {}) to `{shown_location}` ({whose}); codexgw did not follow it, and no token was sent there",
                answer.status
            ),
            "if the deployment moved, run `codexgw setup --url <its address>`; Codex does not follow gateway redirects with your token either",
        )
        .evidence(json!({ "url": shown, "status": answer.status, "location": shown_location, "same_origin": same_origin })));
    }
    Ok(answer)
}

/// The answer's message, with any credential we sent cut out in case the server echoes it.
fn message(answer: &Answer, sent: &[&str]) -> String {
    answer.message_hiding(sent)
}

fn answer_evidence(url: &str, answer: &Answer, sent: &[&str]) -> serde_json::Value {
    json!({
        "url": redact_url(url),
        "status": answer.status,
        "content_type": answer.content_type,
        "message": message(answer, sent),
    })
}

fn deployment(probe: &Probe, network: &Network, timeout: Duration) -> Check {
    const ID: &str = DEPLOYMENT.id;
    let Some(deployment) = &probe.deployment else {
        return Check::skip(
            ID,
            "no deployment URL in the config (nor $CODER_URL or a coder CLI login)",
        );
    };
    let url = deployment.join("api/v2/buildinfo");
    let answer = match fetch(network, ID, &url, &[], timeout) {
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
            // A warning: net.gateway fails on its own when the route is really missing.
            Check::warn(
                ID,
                format!(
                    "{deployment} runs Coder {}, which does not serve the configured `/api/v2/ai-gateway/…` route (added in v2.35)",
                    version.raw
                ),
                format!(
                    "set `base_url = \"{}\"` (or run `codexgw setup --route aibridge …`)",
                    deployment.gateway_url(Route::Aibridge, mode.gateway_provider())
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

fn auth(probe: &Probe, network: &Network, timeout: Duration) -> Check {
    const ID: &str = AUTH.id;
    let Some(deployment) = &probe.deployment else {
        return Check::skip(ID, "no deployment URL to ask");
    };
    if let Some(why) = &probe.withheld {
        return Check::skip(ID, format!("no token sent: {why}"));
    }
    let Some(token) = &probe.coder_token else {
        return Check::skip(
            ID,
            "no Coder token to test (see env.coder_api_token / env.openai_api_key)",
        );
    };
    let url = deployment.join("api/v2/users/me");
    let secret = token.secret.expose();
    let answer = match fetch(
        network,
        ID,
        &url,
        &[("Coder-Session-Token", secret)],
        timeout,
    ) {
        Ok(answer) => answer,
        Err(check) => return check,
    };
    let mut evidence = answer_evidence(&url, &answer, &[secret]);
    evidence["token"] = token.secret.redacted().into();
    evidence["origin"] = token.kind.into();
    let from = format!(
        "the Coder token from {} ({})",
        token.from,
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
            format!(
                "{deployment} rejects {from}: {}",
                message(&answer, &[secret])
            ),
            renew_fix(token, deployment, &probe.token_fix),
        ),
        status => Check::fail(
            ID,
            format!(
                "`/api/v2/users/me` answered HTTP {status}: {}",
                message(&answer, &[secret])
            ),
            "check the deployment URL; ask your Coder admin if it persists",
        ),
    }
    .evidence(evidence)
}

/// The one step that replaces a rejected Coder token where it came from: the store gets a new
/// one with `token set`, a variable a new value, the coder CLI a new login. `token_fix` is how
/// Codex gets the token at all (for a token an `auth` command printed).
fn renew_fix(token: &Credential, deployment: &Deployment, token_fix: &str) -> String {
    const CREATE: &str =
        "create a new token with `coder tokens create` (or in the dashboard under Tokens)";
    match token.kind {
        "keyring" => format!(
            "{CREATE}, then store it in place of the old one: `codexgw token set coder --url {deployment}`"
        ),
        "coder_cli" => format!("sign the coder CLI in again: `coder login {deployment}`"),
        "env" => {
            let var = token.from.trim_start_matches('$');
            let var = var.split_whitespace().next().unwrap_or(var);
            format!("{CREATE}, then `export {var}=<the new token>`")
        }
        "config" => format!(
            "{CREATE}, keep it in the keyring (`codexgw token set coder --url {deployment}`) and delete `experimental_bearer_token`"
        ),
        _ => format!("{CREATE}, then: {token_fix}"),
    }
}

fn gateway(probe: &Probe, network: &Network, timeout: Duration) -> Check {
    const ID: &str = GATEWAY.id;
    let (Some(base_url), Some(mode)) = (&probe.base_url, probe.mode) else {
        return Check::skip(
            ID,
            "no gateway base_url and mode to probe (see config.block)",
        );
    };
    if let Some(why) = &probe.withheld {
        return Check::skip(ID, format!("not probed: {why}"));
    }
    let url = format!("{}/models", base_url.trim_end_matches('/'));
    let shown = redact_url(&url);
    let coder = match mode {
        // The Coder token travels as the bearer itself.
        Mode::Centralized => None,
        Mode::Byok | Mode::Chatgpt => probe.coder_token.as_ref(),
    };
    let credentials = mode.gateway_headers(
        coder.map(|token| token.secret.expose()),
        probe.bearer.as_ref().map(|b| b.secret.expose()),
    );
    let mut headers: Vec<(&str, &str)> = credentials
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    if let Some(account) = probe.bearer.as_ref().and_then(|b| b.account_id.as_deref()) {
        headers.push(("ChatGPT-Account-Id", account));
    }
    let sent: Vec<&str> = coder
        .into_iter()
        .chain(&probe.bearer)
        .map(|c| c.secret.expose())
        .collect();
    let answer = match fetch(network, ID, &url, &headers, timeout) {
        Ok(answer) => answer,
        Err(check) => return check,
    };
    let mut evidence = answer_evidence(&url, &answer, &sent);
    evidence["sent"] = headers
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .into();
    evidence["bearer_from"] = probe.bearer.as_ref().map(|b| b.from.clone()).into();
    let text = message(&answer, &sent);
    let coder_credential = match (mode, &probe.bearer) {
        (Mode::Centralized, Some(b)) => format!(
            "the Coder token from {} (sent as `Authorization: Bearer`)",
            b.from
        ),
        (Mode::Centralized, None) => "the Coder token".to_string(),
        _ => format!("the Coder token (sent in `{}`)", mode::GOVERNANCE_HEADER),
    };
    let user_name = match (mode, &probe.bearer) {
        (_, Some(b)) if b.kind != "login" => format!("the bearer token from {}", b.from),
        (Mode::Chatgpt, _) => "your ChatGPT login".to_string(),
        _ => "your OpenAI API key".to_string(),
    };
    let renew = |token: Option<&Credential>| match (token, &probe.deployment) {
        (Some(token), Some(deployment)) => renew_fix(token, deployment, &probe.token_fix),
        _ => format!(
            "create a new token with `coder tokens create`; {}",
            probe.token_fix
        ),
    };
    let lower = text.to_ascii_lowercase();
    let (summary, fix) = match (answer.status, answer.is_json()) {
        (200, _) => {
            return match serde_json::from_str::<serde_json::Value>(&answer.body) {
                Ok(_) => Check::pass(ID, format!("`{shown}` answers with {mode} credentials")),
                Err(_) => Check::warn(
                    ID,
                    format!("`{shown}` answered 200 but not JSON"),
                    "check that base_url points at the gateway, not a proxy or login page",
                ),
            }
            .evidence(evidence);
        }
        (400, _) if lower.contains("no authentication key") => (
            format!("the gateway got no Coder token: {text}"),
            probe.token_fix.clone(),
        ),
        (401, _) => {
            let what = match (mode, &probe.bearer) {
                (Mode::Centralized, _) => format!("{coder_credential} was rejected"),
                (_, None) => format!(
                    "no {} was sent, since Codex has none (see codex.login)",
                    user_name.trim_start_matches("your ")
                ),
                (_, Some(_)) => format!("{user_name} was rejected"),
            };
            (
                format!("{what} (HTTP 401): {text}"),
                match mode {
                    Mode::Centralized => renew(probe.bearer.as_ref()),
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
            probe.token_fix.clone(),
        ),
        (403, _) => (
            format!("{coder_credential} was rejected: {text}"),
            renew(match mode {
                Mode::Centralized => probe.bearer.as_ref(),
                Mode::Byok | Mode::Chatgpt => coder,
            }),
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
        (503, _) if lower.contains("could not connect to coderd") => (
            format!("the standalone gateway cannot reach its Coder deployment: {text}"),
            "ask your Coder admin to check the gateway's connection to coderd (the logs of `coder ai-gateway start`)".to_string(),
        ),
        (503, _) => (
            format!("the gateway provider is disabled: {text}"),
            "ask your Coder admin to enable the provider".to_string(),
        ),
        (status, _) => (
            format!("`{shown}` answered HTTP {status}: {text}"),
            "check base_url; ask your Coder admin if it persists".to_string(),
        ),
    };
    Check::fail(ID, summary, fix).evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stuck(_: &Probe, _: &Network, _: Duration) -> Check {
        // Like a DNS lookup that never returns: no timeout of ours can interrupt it.
        loop {
            std::thread::park();
        }
    }

    fn panics(_: &Probe, _: &Network, _: Duration) -> Check {
        panic!("a bug in a check")
    }

    fn quick(_: &Probe, _: &Network, _: Duration) -> Check {
        Check::pass("net.auth", "answered")
    }

    #[test]
    fn a_withheld_token_is_never_sent() {
        // An address nobody answers at: a request would time out, a skip returns at once.
        let deployment = Deployment::parse("http://10.255.255.1", true)
            .unwrap()
            .deployment;
        let token = Credential {
            secret: Secret::new("abcdefghij-0123456789abcdefghijkl"),
            from: "$CODER_API_TOKEN".into(),
            kind: "env",
            account_id: None,
        };
        let probe = Probe {
            mode: Some(Mode::Centralized),
            deployment: Some(deployment),
            route: Some(Route::Aibridge),
            base_url: Some("http://10.255.255.1/api/v2/aibridge/openai/v1".into()),
            coder_token: Some(token.clone()),
            bearer: Some(token),
            withheld: Some("plain http".into()),
            token_fix: String::new(),
            standalone: None,
            supports_websockets: None,
            codex_version: None,
            live: Prepared::NotAsked,
        };
        let started = Instant::now();
        for job in [auth, gateway] {
            let check = job(&probe, &network(), Duration::from_secs(5));
            assert_eq!(check.status, super::super::Status::Skip);
            assert!(check.summary.contains("plain http"), "{}", check.summary);
        }
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    fn network() -> Network {
        Network::from_env(&crate::environment::Environment::default())
    }

    fn probe() -> Probe {
        Probe {
            mode: None,
            deployment: None,
            route: None,
            base_url: None,
            coder_token: None,
            bearer: None,
            withheld: None,
            token_fix: String::new(),
            standalone: None,
            supports_websockets: None,
            codex_version: None,
            live: Prepared::NotAsked,
        }
    }

    #[test]
    fn a_rejected_token_is_renewed_where_it_came_from() {
        let deployment = Deployment::parse("https://coder.example.com", true)
            .unwrap()
            .deployment;
        let token = |kind: &'static str, from: &str| Credential {
            secret: Secret::new("t"),
            from: from.to_string(),
            kind,
            account_id: None,
        };
        let fix = |kind, from| renew_fix(&token(kind, from), &deployment, "TOKEN-FIX");
        assert!(fix("keyring", "keyring").ends_with(
            "then store it in place of the old one: `codexgw token set coder --url https://coder.example.com`"
        ));
        assert!(
            fix("env", "$CODER_API_TOKEN")
                .ends_with("then `export CODER_API_TOKEN=<the new token>`")
        );
        assert_eq!(
            fix("coder_cli", "the coder CLI login"),
            "sign the coder CLI in again: `coder login https://coder.example.com`"
        );
        assert!(fix("command", "the output of `x`").ends_with("then: TOKEN-FIX"));
        for kind in ["keyring", "env", "command", "config"] {
            assert_eq!(
                fix(kind, "$V").matches("coder tokens create").count(),
                1,
                "{kind}"
            );
        }
    }

    #[test]
    fn a_stuck_check_is_reported_not_waited_for() {
        let jobs = [
            Entry::new("net.deployment", stuck as NetCheck),
            Entry::new("net.auth", quick),
        ];
        let checks = run_jobs(
            &jobs,
            &probe(),
            &network(),
            Duration::from_millis(100),
            Instant::now(),
        );
        assert_eq!(checks[0].id, "net.deployment");
        assert_eq!(checks[0].status, super::super::Status::Fail);
        assert_eq!(checks[0].summary, "no answer within 0.1s (`--timeout 1`)");
        assert!(
            checks[0]
                .fix
                .as_deref()
                .unwrap()
                .ends_with("if it is just slow, allow more time: `codexgw doctor --timeout 30`"),
            "{:?}",
            checks[0].fix
        );
        assert_eq!(checks[1].summary, "answered");
    }

    #[test]
    fn a_panicking_check_fails_alone() {
        let jobs = [
            Entry::new("net.auth", quick as NetCheck),
            Entry::new("net.gateway", panics),
        ];
        // Generous: printing a panic's backtrace can be slow; the run ends as both report.
        let checks = run_jobs(
            &jobs,
            &probe(),
            &network(),
            Duration::from_secs(30),
            Instant::now(),
        );
        assert_eq!(checks[0].summary, "answered");
        assert_eq!(checks[1].id, "net.gateway");
        assert_eq!(checks[1].status, super::super::Status::Fail);
        assert!(
            checks[1].summary.starts_with("doctor could not judge this"),
            "{}",
            checks[1].summary
        );
    }
}
