//! The `coder.*` checks: what the deployment says about this user's AI Gateway, through the
//! REST endpoints a normal user may call (`coder::api`). Each is a thin network step and a
//! pure judgement over what came back, so the judgements are tested with Coder's exact bodies.

use std::time::Duration;

use serde_json::json;

use super::net::{Probe, fetch};
use super::{Check, Entry, NetCheck};
use crate::coder::api::{
    self, Budget, ChatgptProvider, Endpoint, License, ProviderKey, Relay, Spend, Unanswered,
};
use crate::coder::deployment::CoderVersion;
use crate::coder::http;
use crate::codex::mode::{self, Mode};
use crate::net::Network;

pub const VERSION: Entry<NetCheck> = Entry::new("coder.version", version);
pub const LICENSE: Entry<NetCheck> = Entry::new("coder.license", license);
pub const PROVIDER: Entry<NetCheck> = Entry::new("coder.provider", provider);
pub const BUDGET: Entry<NetCheck> = Entry::new("coder.budget", budget);
pub const WEBSOCKET: Entry<NetCheck> = Entry::new("coder.websocket", websocket);

/// Where to ask and with which token, or the skip that says why not.
fn target<'a>(id: &'static str, probe: &'a Probe) -> Result<(String, &'a str), Check> {
    let Some(deployment) = &probe.deployment else {
        return Err(Check::skip(id, "no deployment to ask (see net.deployment)"));
    };
    if let Some(why) = &probe.withheld {
        return Err(Check::skip(id, format!("not asked: {why}")));
    }
    let Some(token) = &probe.coder_token else {
        return Err(Check::skip(
            id,
            "no Coder token to ask with (see env.coder_api_token)",
        ));
    };
    Ok((deployment.to_string(), token.secret.expose()))
}

/// A transport failure or redirect is `net.*`'s finding; here it only means "not asked".
fn not_asked(check: Check) -> Check {
    Check::skip(
        check.id,
        format!("could not ask: {} (see net.deployment)", check.summary),
    )
    .evidence(check.evidence)
}

/// One REST call for `id`, or the skipped check that says why not.
fn ask(
    network: &Network,
    id: &'static str,
    probe: &Probe,
    endpoint: Endpoint,
    timeout: Duration,
) -> Result<http::Answer, Check> {
    let (_, token) = target(id, probe)?;
    let deployment = probe.deployment.as_ref().expect("target checked it");
    fetch(
        network,
        id,
        &deployment.join(endpoint.path()),
        &[(api::SESSION_HEADER, token)],
        timeout,
    )
    .map_err(not_asked)
}

/// A REST answer with no usable data: old Coder (skip), a refused token (skip: net.auth says
/// why), anything else (warn).
fn unanswered(id: &'static str, what: &str, why: &Unanswered) -> Check {
    match why {
        Unanswered::Absent => Check::skip(id, format!("this Coder version does not report {what}")),
        Unanswered::Refused { .. } => Check::skip(
            id,
            format!(
                "the deployment refused the Coder token, so it did not report {what} (see net.auth)"
            ),
        ),
        Unanswered::Unexpected(text) => Check::warn(
            id,
            format!("cannot read {what}: {text}"),
            "check that the URL is your Coder deployment; ask your Coder admin if it persists",
        ),
    }
}

pub(super) fn version(probe: &Probe, network: &Network, timeout: Duration) -> Check {
    let Some(deployment) = &probe.deployment else {
        return Check::skip(VERSION.id, "no deployment to ask (see net.deployment)");
    };
    let url = deployment.join(Endpoint::BuildInfo.path());
    let answer = match fetch(network, VERSION.id, &url, &[], timeout) {
        Ok(answer) => answer,
        Err(check) => return not_asked(check),
    };
    match http::buildinfo_version(&answer) {
        Ok(coder) => judge_version(&coder, probe.codex_version),
        Err(why) => Check::skip(VERSION.id, format!("the Coder version is unknown: {why}")),
    }
}

/// Known breakages between this Coder and the Codex that would talk to it.
pub(super) fn judge_version(coder: &CoderVersion, codex: Option<(u64, u64, u64)>) -> Check {
    let codex_text = codex.map(|(a, b, c)| format!("{a}.{b}.{c}"));
    let evidence = json!({ "coder": coder.raw, "codex": codex_text });
    let Some(breakage) = api::known_breakage(coder, codex) else {
        let with = codex_text.map_or(String::new(), |v| format!(" with Codex {v}"));
        return Check::pass(
            VERSION.id,
            format!("Coder {}{with}: no known breakage", coder.raw),
        )
        .evidence(evidence);
    };
    let (since_a, since_b, since_c) = breakage.codex_since;
    match codex_text {
        Some(codex) => Check::fail(
            VERSION.id,
            format!(
                "Coder {} breaks Codex {codex}: {}",
                coder.raw, breakage.symptom
            ),
            breakage.fix,
        ),
        None => Check::warn(
            VERSION.id,
            format!(
                "Coder {} breaks Codex {since_a}.{since_b}.{since_c} and later: {}",
                coder.raw, breakage.symptom
            ),
            format!("check `codex --version`; {}", breakage.fix),
        ),
    }
    .evidence(evidence)
}

pub(super) fn license(probe: &Probe, network: &Network, timeout: Duration) -> Check {
    match ask(network, LICENSE.id, probe, Endpoint::Entitlements, timeout) {
        Ok(answer) => judge_license(api::license(&answer)),
        Err(check) => check,
    }
}

pub(super) fn judge_license(license: Result<License, Unanswered>) -> Check {
    let fix = "ask your Coder admin for the AI Governance add-on (AI Gateway needs it since Coder v2.32; newer licences: Premium)";
    match license {
        Ok(License::Entitled) => Check::pass(LICENSE.id, "the licence covers AI Gateway"),
        Ok(License::GracePeriod) => Check::warn(
            LICENSE.id,
            "the AI Gateway licence has expired and runs on its grace period; the gateway stops when it ends",
            "ask your Coder admin to renew the licence",
        ),
        Ok(License::NotEntitled) => Check::fail(
            LICENSE.id,
            "the deployment's licence does not include AI Gateway, so the gateway answers 403 `… is a Premium feature`",
            fix,
        ),
        Err(why) => unanswered(LICENSE.id, "its licence", &why),
    }
}

pub(super) fn provider(probe: &Probe, network: &Network, timeout: Duration) -> Check {
    let Some(mode) = probe.mode else {
        return Check::skip(
            PROVIDER.id,
            "no gateway mode to check a provider for (see config.block)",
        );
    };
    if mode == Mode::Centralized {
        return Check::skip(
            PROVIDER.id,
            "centralized mode uses the deployment's own OpenAI key (net.gateway asks the route)",
        );
    }
    match ask(network, PROVIDER.id, probe, Endpoint::ProviderKeys, timeout) {
        Ok(answer) => judge_provider(mode, api::provider_keys(&answer)),
        Err(check) => check,
    }
}

/// byok and chatgpt send the user's own credential: the gateway provider must exist and take it.
pub(super) fn judge_provider(mode: Mode, providers: Result<Vec<ProviderKey>, Unanswered>) -> Check {
    let providers = match providers {
        Ok(providers) => providers,
        Err(why) => return unanswered(PROVIDER.id, "its AI providers", &why),
    };
    let evidence = json!({
        "providers": providers.iter().map(|p| json!({
            "name": p.name, "byok_enabled": p.byok_enabled,
        })).collect::<Vec<_>>(),
    });
    let name = mode.gateway_provider();
    let check = match (mode, api::chatgpt_provider(&providers)) {
        (Mode::Chatgpt, ChatgptProvider::Missing) => Check::fail(
            PROVIDER.id,
            "the deployment has no `chatgpt` provider, so Codex gets `404 route not supported: POST /chatgpt/v1/responses`",
            "ask your Coder admin to add an `openai`-type provider named `chatgpt` with BYOK enabled (Coder v2.34+), or use `codexgw setup --mode byok`",
        ),
        (Mode::Chatgpt, ChatgptProvider::ByokOff) => Check::fail(
            PROVIDER.id,
            "the `chatgpt` provider does not take users' own credentials (BYOK is off), so the gateway refuses your ChatGPT login",
            "ask your Coder admin to enable BYOK on the `chatgpt` provider",
        ),
        (Mode::Chatgpt, ChatgptProvider::Ready) => Check::pass(
            PROVIDER.id,
            "the deployment has a `chatgpt` provider that takes your ChatGPT login",
        ),
        _ => match providers.iter().find(|p| p.name == name) {
            Some(p) if p.byok_enabled => Check::pass(
                PROVIDER.id,
                format!("the `{name}` provider takes your own API key (BYOK)"),
            ),
            Some(_) => Check::fail(
                PROVIDER.id,
                format!(
                    "the `{name}` provider does not take users' own keys (BYOK is off); the gateway refuses a request with `{}`",
                    mode::GOVERNANCE_HEADER
                ),
                format!(
                    "ask your Coder admin to enable BYOK on the `{name}` provider, or use `codexgw setup --mode centralized`"
                ),
            ),
            None => Check::fail(
                PROVIDER.id,
                format!("the deployment has no `{name}` provider"),
                format!("ask your Coder admin to configure an `{name}` provider for AI Gateway"),
            ),
        },
    };
    check.evidence(evidence)
}

pub(super) fn budget(probe: &Probe, network: &Network, timeout: Duration) -> Check {
    match ask(network, BUDGET.id, probe, Endpoint::Spend, timeout) {
        Ok(answer) => judge_budget(api::spend(&answer)),
        Err(check) => check,
    }
}

pub(super) fn judge_budget(spend: Result<Spend, Unanswered>) -> Check {
    let spend = match spend {
        Ok(spend) => spend,
        Err(why) => return unanswered(BUDGET.id, "your AI spend", &why),
    };
    let spent = api::usd(spend.spent_micros);
    let evidence = json!({
        "spent_micros": spend.spent_micros,
        "limit_micros": spend.limit_micros,
        "period_end": spend.period_end,
    });
    let limit = spend.limit_micros.map(api::usd).unwrap_or_default();
    let until = spend
        .period_end
        .as_deref()
        .map_or(String::new(), |end| format!(" (the period ends {end})"));
    match spend.budget() {
        Budget::Unlimited => Check::pass(BUDGET.id, format!("{spent} spent; no AI budget applies")),
        Budget::Within => Check::pass(BUDGET.id, format!("{spent} of your {limit} AI budget spent")),
        Budget::Near => Check::warn(
            BUDGET.id,
            format!("{spent} of your {limit} AI budget spent{until}; at the limit the gateway refuses every request"),
            "ask your Coder admin to raise your AI budget if you need more this period",
        ),
        Budget::Exceeded => Check::fail(
            BUDGET.id,
            format!("your AI budget is used up: {spent} of {limit}{until}; the gateway answers 403 `AI budget … exceeded`"),
            "ask your Coder admin to raise your AI budget, or wait for the next period",
        ),
    }
    .evidence(evidence)
}

pub(super) fn websocket(probe: &Probe, network: &Network, timeout: Duration) -> Check {
    let Some(base_url) = &probe.base_url else {
        return Check::skip(
            WEBSOCKET.id,
            "no gateway base_url to ask (see config.block)",
        );
    };
    if let Some(why) = &probe.withheld {
        return Check::skip(WEBSOCKET.id, format!("not asked: {why}"));
    }
    let credentials = probe.mode.unwrap_or(Mode::Centralized).gateway_headers(
        probe.coder_token.as_ref().map(|t| t.secret.expose()),
        probe.bearer.as_ref().map(|b| b.secret.expose()),
    );
    let (url, headers) = api::relay_request(base_url, &credentials);
    match fetch(network, WEBSOCKET.id, &url, &headers, timeout) {
        Ok(answer) => judge_relay(probe.supports_websockets, api::relay(&answer)),
        Err(check) => not_asked(check),
    }
}

/// Whether `supports_websockets` matches the relay: on against a gateway without it, Codex
/// tries 7 upgrades and loses about 7 s per session before it falls back to HTTP.
pub(super) fn judge_relay(supports_websockets: Option<bool>, relay: Relay) -> Check {
    let configured = supports_websockets.unwrap_or(false);
    let evidence = json!({
        "relay": match &relay { Relay::On => "on", Relay::Off => "off", Relay::Unknown(_) => "unknown" },
        "supports_websockets": supports_websockets,
    });
    match (relay, configured) {
        (Relay::Off, true) => Check::warn(
            WEBSOCKET.id,
            "`supports_websockets = true`, but the gateway has no WebSocket relay (HTTP 501): Codex loses about 7 s per session retrying before it falls back to HTTP",
            "run your `codexgw setup` again (it matches the relay; `--websockets off` forces it), or delete `supports_websockets` from the provider table",
        ),
        (Relay::Off, false) => Check::pass(
            WEBSOCKET.id,
            "the gateway has no WebSocket relay and Codex does not try one",
        ),
        (Relay::On, true) => Check::pass(
            WEBSOCKET.id,
            "the gateway relays WebSockets and Codex uses them",
        ),
        (Relay::On, false) => Check::pass(
            WEBSOCKET.id,
            "the gateway relays WebSockets; Codex uses HTTP (to use them, run your `codexgw setup` again, which matches the relay, or add `supports_websockets = true` to the provider table)",
        ),
        (Relay::Unknown(what), _) => Check::skip(
            WEBSOCKET.id,
            format!("cannot tell whether the gateway relays WebSockets ({what})"),
        ),
    }
    .evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;

    fn v(text: &str) -> CoderVersion {
        CoderVersion::parse(text).unwrap()
    }

    #[test]
    fn the_known_breakage_fails_with_the_upgrade_or_warns_without_codex() {
        let check = judge_version(&v("v2.35.6+abc1234"), Some((0, 171, 0)));
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.summary.contains("breaks Codex 0.171.0"),
            "{}",
            check.summary
        );
        assert!(check.fix.unwrap().contains("upgrade Coder past v2.35.6"));
        let check = judge_version(&v("v2.35.6"), None);
        assert_eq!(check.status, Status::Warn);
        assert!(
            check.summary.contains("Codex 0.149.0 and later"),
            "{}",
            check.summary
        );
        assert_eq!(
            judge_version(&v("v2.35.6"), Some((0, 148, 0))).status,
            Status::Pass
        );
        assert_eq!(
            judge_version(&v("v2.36.1"), Some((0, 171, 0))).status,
            Status::Pass
        );
    }

    #[test]
    fn licence_states() {
        assert_eq!(judge_license(Ok(License::Entitled)).status, Status::Pass);
        assert_eq!(judge_license(Ok(License::GracePeriod)).status, Status::Warn);
        let check = judge_license(Ok(License::NotEntitled));
        assert_eq!(check.status, Status::Fail);
        assert!(check.fix.unwrap().contains("AI Governance add-on"));
        assert_eq!(judge_license(Err(Unanswered::Absent)).status, Status::Skip);
        let refused = Unanswered::Refused {
            status: 401,
            message: "signed out".into(),
        };
        assert!(judge_license(Err(refused)).summary.contains("net.auth"));
    }

    fn key(name: &str, byok: bool) -> ProviderKey {
        ProviderKey {
            name: name.into(),
            byok_enabled: byok,
            has_user_api_key: false,
            has_provider_api_key: true,
        }
    }

    #[test]
    fn the_provider_each_mode_needs() {
        let chatgpt = |list| judge_provider(Mode::Chatgpt, Ok(list));
        let check = chatgpt(vec![key("openai", true)]);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.summary.contains("no `chatgpt` provider"),
            "{}",
            check.summary
        );
        assert!(check.fix.unwrap().contains("named `chatgpt`"));
        let check = chatgpt(vec![key("chatgpt", false)]);
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("BYOK is off"));
        assert_eq!(chatgpt(vec![key("chatgpt", true)]).status, Status::Pass);
        assert_eq!(
            judge_provider(Mode::Byok, Ok(vec![key("openai", true)])).status,
            Status::Pass
        );
        let check = judge_provider(Mode::Byok, Ok(vec![key("openai", false)]));
        assert_eq!(check.status, Status::Fail);
        assert!(check.fix.unwrap().contains("--mode centralized"));
        assert_eq!(
            judge_provider(Mode::Chatgpt, Err(Unanswered::Absent)).status,
            Status::Skip
        );
    }

    fn spend(spent: i64, limit: Option<i64>) -> Spend {
        Spend {
            spent_micros: spent,
            limit_micros: limit,
            period_end: Some("2027-01-01T00:00:00Z".into()),
        }
    }

    #[test]
    fn budget_warns_near_the_limit_and_fails_past_it() {
        let check = judge_budget(Ok(spend(1_200_000, Some(50_000_000))));
        assert_eq!(check.status, Status::Pass);
        assert_eq!(check.summary, "US$1.20 of your US$50.00 AI budget spent");
        let check = judge_budget(Ok(spend(46_000_000, Some(50_000_000))));
        assert_eq!(check.status, Status::Warn);
        assert!(
            check.summary.contains("the period ends 2027-01-01"),
            "{}",
            check.summary
        );
        let check = judge_budget(Ok(spend(50_000_000, Some(50_000_000))));
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("used up: US$50.00 of US$50.00"));
        assert_eq!(judge_budget(Ok(spend(5, None))).status, Status::Pass);
        assert_eq!(judge_budget(Err(Unanswered::Absent)).status, Status::Skip);
    }

    #[test]
    fn websockets_match_the_relay() {
        let check = judge_relay(Some(true), Relay::Off);
        assert_eq!(check.status, Status::Warn);
        assert!(check.summary.contains("about 7 s"));
        assert!(check.fix.unwrap().contains("`--websockets off`"));
        assert_eq!(judge_relay(None, Relay::Off).status, Status::Pass);
        assert_eq!(judge_relay(Some(true), Relay::On).status, Status::Pass);
        let check = judge_relay(None, Relay::On);
        assert_eq!(check.status, Status::Pass);
        assert!(check.summary.contains("supports_websockets = true"));
        assert_eq!(
            judge_relay(None, Relay::Unknown("HTTP 403: unauthorized".into())).status,
            Status::Skip
        );
    }
}
