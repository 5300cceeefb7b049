//! What a Coder deployment and its AI Gateway say, as data. The probes are single bounded GETs
//! through [`http::get`]; everything else is a pure function over an [`Answer`], tested with
//! the exact bodies Coder sends (see shared/FACTS.md), so doctor, setup and `doctor --live`
//! read Coder's words one way.

use std::time::Duration;

use serde_json::Value;

use super::deployment::{CoderVersion, Deployment};
use super::http::{self, Answer, Failure};
use crate::net::Network;

/// The header Coder's REST API reads a token from (older servers refuse `Bearer` there).
pub const SESSION_HEADER: &str = "Coder-Session-Token";

/// The REST endpoints a normal user may call, relative to the deployment root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/api/v2/buildinfo` (no token).
    BuildInfo,
    /// `/api/v2/users/me`: is the token valid, and whose is it.
    Me,
    /// `/api/v2/users/me/ai-provider-keys`: the AI providers and their BYOK state (v2.34+).
    ProviderKeys,
    /// `/api/v2/users/me/ai/spend`: the user's AI spend and budget (v2.36+).
    Spend,
    /// `/api/v2/entitlements`: the licence, including AI Gateway's.
    Entitlements,
}

impl Endpoint {
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::BuildInfo => "api/v2/buildinfo",
            Endpoint::Me => "api/v2/users/me",
            Endpoint::ProviderKeys => "api/v2/users/me/ai-provider-keys",
            Endpoint::Spend => "api/v2/users/me/ai/spend",
            Endpoint::Entitlements => "api/v2/entitlements",
        }
    }
}

/// `GET <deployment>/<endpoint>` with the token in [`SESSION_HEADER`].
pub fn get(
    network: &Network,
    deployment: &Deployment,
    endpoint: Endpoint,
    token: Option<&str>,
    timeout: Duration,
) -> Result<Answer, Failure> {
    let headers: Vec<(&str, &str)> = token.map(|t| (SESSION_HEADER, t)).into_iter().collect();
    http::get(
        network,
        &deployment.join(endpoint.path()),
        &headers,
        timeout,
    )
}

/// Why a REST answer holds no usable data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unanswered {
    /// 404: this Coder version has no such endpoint.
    Absent,
    /// 401 or 403: the token was refused (Coder's own words).
    Refused { status: u16, message: String },
    /// Any other answer, described.
    Unexpected(String),
}

impl std::fmt::Display for Unanswered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unanswered::Absent => f.write_str("this Coder version does not have the endpoint"),
            Unanswered::Refused { status, message } => {
                write!(f, "the token was refused (HTTP {status}: {message})")
            }
            Unanswered::Unexpected(what) => f.write_str(what),
        }
    }
}

/// The JSON body of a 200, or why there is none.
fn json_body(answer: &Answer) -> Result<Value, Unanswered> {
    match answer.status {
        200 => serde_json::from_str(&answer.body)
            .map_err(|_| Unanswered::Unexpected("the answer is not JSON".into())),
        404 => Err(Unanswered::Absent),
        status @ (401 | 403) => Err(Unanswered::Refused {
            status,
            message: answer.message(),
        }),
        status => Err(Unanswered::Unexpected(format!(
            "HTTP {status}: {}",
            answer.message()
        ))),
    }
}

/// One AI provider as `ai-provider-keys` lists it for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderKey {
    pub name: String,
    /// Users may bring their own credential (needed by the byok and chatgpt modes).
    pub byok_enabled: bool,
    pub has_user_api_key: bool,
    pub has_provider_api_key: bool,
}

/// The providers in an answer to `ai-provider-keys`: a list, or an object holding one.
pub fn provider_keys(answer: &Answer) -> Result<Vec<ProviderKey>, Unanswered> {
    let body = json_body(answer)?;
    let list = match &body {
        Value::Array(list) => list,
        Value::Object(map) => map
            .values()
            .find_map(Value::as_array)
            .ok_or_else(|| Unanswered::Unexpected("no list of providers in the answer".into()))?,
        _ => return Err(Unanswered::Unexpected("no list of providers".into())),
    };
    let flag = |item: &Value, key: &str| item.get(key).and_then(Value::as_bool).unwrap_or(false);
    Ok(list
        .iter()
        .filter_map(|item| {
            let name = ["name", "provider_name", "provider"]
                .iter()
                .find_map(|k| item.get(*k).and_then(Value::as_str))?;
            Some(ProviderKey {
                name: name.to_string(),
                byok_enabled: flag(item, "byok_enabled"),
                has_user_api_key: flag(item, "has_user_api_key"),
                has_provider_api_key: flag(item, "has_provider_api_key"),
            })
        })
        .collect())
}

/// The route chatgpt mode needs: an `openai`-type provider named exactly `chatgpt`.
pub const CHATGPT_PROVIDER: &str = "chatgpt";

/// Whether chatgpt mode can work, by the provider list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatgptProvider {
    /// No provider named `chatgpt`: Codex gets `404 route not supported`.
    Missing,
    /// It exists but users may not bring their own credential.
    ByokOff,
    Ready,
}

pub fn chatgpt_provider(providers: &[ProviderKey]) -> ChatgptProvider {
    match providers.iter().find(|p| p.name == CHATGPT_PROVIDER) {
        None => ChatgptProvider::Missing,
        Some(p) if !p.byok_enabled => ChatgptProvider::ByokOff,
        Some(_) => ChatgptProvider::Ready,
    }
}

/// Whether `deployment` offers the `chatgpt` provider, asked with the user's Coder token;
/// `None` when it cannot tell (unreachable, an older Coder, a refused token).
pub fn chatgpt_provider_at(
    network: &Network,
    deployment: &Deployment,
    token: &str,
    timeout: Duration,
) -> Option<ChatgptProvider> {
    let answer = get(
        network,
        deployment,
        Endpoint::ProviderKeys,
        Some(token),
        timeout,
    )
    .ok()?;
    provider_keys(&answer).ok().map(|p| chatgpt_provider(&p))
}

/// The user's AI spend in the current period, in micro-dollars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spend {
    pub spent_micros: i64,
    /// `None`: no budget applies (unlimited).
    pub limit_micros: Option<i64>,
    pub period_end: Option<String>,
}

/// Where the spend stands against the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    Unlimited,
    Within,
    /// At or above [`NEAR_BUDGET`] of the limit.
    Near,
    Exceeded,
}

/// The share of the budget from which doctor warns.
pub const NEAR_BUDGET: f64 = 0.9;

impl Spend {
    pub fn budget(&self) -> Budget {
        match self.limit_micros {
            None => Budget::Unlimited,
            Some(limit) if self.spent_micros >= limit => Budget::Exceeded,
            Some(limit) if self.spent_micros as f64 >= NEAR_BUDGET * limit as f64 => Budget::Near,
            Some(_) => Budget::Within,
        }
    }
}

/// `US$12.34` for micro-dollars.
pub fn usd(micros: i64) -> String {
    format!("US${:.2}", micros as f64 / 1_000_000.0)
}

/// An answer to `/api/v2/users/me/ai/spend`.
pub fn spend(answer: &Answer) -> Result<Spend, Unanswered> {
    let body = json_body(answer)?;
    let spent_micros = body
        .get("current_spend_micros")
        .and_then(Value::as_i64)
        .ok_or_else(|| Unanswered::Unexpected("no `current_spend_micros` in the answer".into()))?;
    let limit_micros = body
        .get("effective_budget")
        .and_then(|b| b.get("spend_limit_micros"))
        .and_then(Value::as_i64);
    let period_end = body
        .get("period_end")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Spend {
        spent_micros,
        limit_micros,
        period_end,
    })
}

/// The licence for AI Gateway (feature `aibridge` in `/api/v2/entitlements`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum License {
    Entitled,
    /// Licensed, but the licence has expired and runs on grace.
    GracePeriod,
    NotEntitled,
}

/// The names the feature has had.
const GATEWAY_FEATURES: [&str; 2] = ["aibridge", "ai_gateway"];

pub fn license(answer: &Answer) -> Result<License, Unanswered> {
    let body = json_body(answer)?;
    let feature = GATEWAY_FEATURES
        .iter()
        .find_map(|name| body.get("features").and_then(|f| f.get(*name)));
    let Some(feature) = feature else {
        // Versions before the gateway list no such feature: nothing to be entitled to.
        return Ok(License::NotEntitled);
    };
    Ok(match feature.get("entitlement").and_then(Value::as_str) {
        Some("entitled") => License::Entitled,
        Some("grace_period") => License::GracePeriod,
        _ => License::NotEntitled,
    })
}

/// What the gateway (or Coder in front of it) answered, by the exact shapes Coder uses:
/// gateway errors are plain text, Coder middleware errors JSON `{"message"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayAnswer {
    /// 2xx.
    Served,
    /// 400 `no authentication key provided`: the gateway is on and got no Coder token.
    NoCredentials,
    /// JSON 403 `… is a Premium feature …`: no AI Governance add-on.
    Unlicensed(String),
    /// JSON 404 `aibridged handler not mounted`: the feature is off.
    NotMounted,
    /// JSON 404 `Route not found.`: this Coder version has no gateway.
    NoGateway,
    /// Text 403 `unauthorized`: the Coder token was rejected.
    Unauthorized,
    /// Text 403 `AI budget of US$X exceeded. …`.
    BudgetExceeded(String),
    /// 500 `internal server error checking user AI budget`.
    BudgetCheckFailed(String),
    /// 503 `provider_disabled: …`.
    ProviderDisabled(String),
    /// 503 `could not connect to coderd` (a standalone gateway cut off from its deployment).
    CoderdUnreachable,
    /// Text 404 `route not supported: <METHOD> <path>`: no such provider (e.g. no `chatgpt`).
    RouteNotSupported(String),
    /// 400 `malformed request: …`: the gateway cannot read what Codex sent.
    MalformedRequest(String),
    /// 501: the Responses-WebSocket relay's experiment is off.
    NotImplemented(String),
    /// 401: the upstream provider rejected the user's own credential.
    UpstreamUnauthorized(String),
    Other {
        status: u16,
        message: String,
    },
}

pub fn gateway_answer(status: u16, json: bool, message: &str) -> GatewayAnswer {
    let lower = message.to_ascii_lowercase();
    let text = message.to_string();
    match (status, json) {
        (200..=299, _) => GatewayAnswer::Served,
        (400, _) if lower.contains("no authentication key") => GatewayAnswer::NoCredentials,
        (400, _) if lower.starts_with("malformed request") => GatewayAnswer::MalformedRequest(text),
        (401, _) => GatewayAnswer::UpstreamUnauthorized(text),
        (403, true) if lower.contains("premium feature") => GatewayAnswer::Unlicensed(text),
        (403, _) if lower.contains("budget") && lower.contains("exceeded") => {
            GatewayAnswer::BudgetExceeded(text)
        }
        (403, false) if lower.trim() == "unauthorized" => GatewayAnswer::Unauthorized,
        (404, true) if lower.contains("handler not mounted") => GatewayAnswer::NotMounted,
        (404, true) if lower.contains("route not found") => GatewayAnswer::NoGateway,
        (404, _) if lower.starts_with("route not supported") => {
            GatewayAnswer::RouteNotSupported(text)
        }
        (500, _) if lower.contains("checking user ai budget") => {
            GatewayAnswer::BudgetCheckFailed(text)
        }
        (501, _) => GatewayAnswer::NotImplemented(text),
        (503, _) if lower.starts_with("provider_disabled") => GatewayAnswer::ProviderDisabled(text),
        (503, _) if lower.contains("could not connect to coderd") => {
            GatewayAnswer::CoderdUnreachable
        }
        (status, _) => GatewayAnswer::Other {
            status,
            message: text,
        },
    }
}

impl From<&Answer> for GatewayAnswer {
    fn from(answer: &Answer) -> GatewayAnswer {
        gateway_answer(answer.status, answer.is_json(), &answer.message())
    }
}

/// The Responses-WebSocket relay (experiment `ExperimentAIGatewayResponsesWebSocket`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relay {
    /// The gateway judged the handshake: `supports_websockets = true` pays off.
    On,
    /// 501: the experiment is off; with `supports_websockets = true` Codex loses ~7 s retrying.
    Off,
    /// Anything else, described (e.g. the credentials were refused first).
    Unknown(String),
}

/// A WebSocket handshake without its `Sec-WebSocket-Key`, as a plain GET. A complete one would
/// get `101 Switching Protocols`, which an HTTP client takes for an interim answer and waits
/// past; without the key a relay must refuse the handshake with a final 400, and a gateway
/// without the relay still answers 501. One request, no body, nothing ever upgraded.
pub const WEBSOCKET_PROBE: [(&str, &str); 3] = [
    ("Connection", "Upgrade"),
    ("Upgrade", "websocket"),
    ("Sec-WebSocket-Version", "13"),
];

/// The URL Codex opens its WebSocket on: `<base_url>/responses`.
pub fn responses_url(base_url: &str) -> String {
    format!("{}/responses", base_url.trim_end_matches('/'))
}

/// The one way to ask for the relay (doctor and setup both do): `GET <base_url>/responses` with
/// [`WEBSOCKET_PROBE`] and `credentials`, the headers Codex would send, so the gateway judges
/// the handshake instead of refusing the caller. Returns the URL and the headers.
pub fn relay_request<'a>(
    base_url: &str,
    credentials: &'a [(&'static str, String)],
) -> (String, Vec<(&'a str, &'a str)>) {
    let headers = WEBSOCKET_PROBE
        .iter()
        .copied()
        .chain(
            credentials
                .iter()
                .map(|(name, value)| (*name, value.as_str())),
        )
        .collect();
    (responses_url(base_url), headers)
}

/// The relay's state behind `base_url`, asked once within `timeout` ([`relay_request`]); no
/// answer is [`Relay::Unknown`], saying why.
pub fn relay_at(
    network: &Network,
    base_url: &str,
    credentials: &[(&'static str, String)],
    timeout: Duration,
) -> Relay {
    let (url, headers) = relay_request(base_url, credentials);
    match http::get(network, &url, &headers, timeout) {
        Ok(answer) => relay(&answer),
        Err(failure) => Relay::Unknown(failure.to_string()),
    }
}

/// The relay's state from the answer to [`WEBSOCKET_PROBE`].
pub fn relay(answer: &Answer) -> Relay {
    let message = answer.message();
    let about_the_handshake = message.to_ascii_lowercase().contains("websocket");
    match answer.status {
        101 => Relay::On,
        400 | 426 if about_the_handshake => Relay::On,
        501 => Relay::Off,
        status => Relay::Unknown(format!("HTTP {status}: {message}")),
    }
}

/// A Coder release that breaks Codex, and from which Codex version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownBreakage {
    /// Coder versions `[from, until)` as `(major, minor, patch)`.
    pub coder_from: (u64, u64, u64),
    pub coder_until: (u64, u64, u64),
    /// The first Codex version that meets it.
    pub codex_since: (u64, u64, u64),
    pub symptom: &'static str,
    pub fix: &'static str,
}

/// Known combinations of Coder and Codex that cannot work. `GET /models` passes on all of
/// them, so no cheap probe sees the breakage: only this table (and `doctor --live`).
pub const KNOWN_BREAKAGES: [KnownBreakage; 1] = [KnownBreakage {
    coder_from: (2, 35, 6),
    coder_until: (2, 35, 7),
    codex_since: (0, 149, 0),
    symptom: "its gateway answers every Codex request with 400 `malformed request: … unknown tool type` (Codex sends the `namespace` tool; coder/coder#28656, coder/aibridge#285)",
    fix: "ask your Coder admin to upgrade Coder past v2.35.6; until then use a Codex older than 0.149 (`npm install -g @openai/codex@0.148.0`)",
}];

/// The breakage `coder` has with `codex` (a Codex version of `None` is unknown and counts).
pub fn known_breakage(
    coder: &CoderVersion,
    codex: Option<(u64, u64, u64)>,
) -> Option<&'static KnownBreakage> {
    let at = (coder.major, coder.minor, coder.patch);
    KNOWN_BREAKAGES.iter().find(|b| {
        (b.coder_from..b.coder_until).contains(&at) && codex.is_none_or(|c| c >= b.codex_since)
    })
}

/// `codex-cli 0.171.0` (what `codex --version` prints) as `(0, 171, 0)`.
pub fn codex_version(text: &str) -> Option<(u64, u64, u64)> {
    let word = text
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
    let mut parts = word
        .split(['-', '+'])
        .next()?
        .split('.')
        .map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, json: bool, body: &str) -> Answer {
        Answer {
            status,
            content_type: Some(if json {
                "application/json".into()
            } else {
                "text/plain; charset=utf-8".into()
            }),
            location: None,
            body: body.into(),
        }
    }

    #[test]
    fn gateway_errors_by_their_exact_shapes() {
        use GatewayAnswer as G;
        for (status, json, body, want) in [
            (
                400,
                false,
                "no authentication key provided",
                G::NoCredentials,
            ),
            (
                403,
                true,
                r#"{"message":"AI Gateway is a Premium feature. Contact sales!"}"#,
                G::Unlicensed("AI Gateway is a Premium feature. Contact sales!".into()),
            ),
            (
                404,
                true,
                r#"{"message":"aibridged handler not mounted"}"#,
                G::NotMounted,
            ),
            (404, true, r#"{"message":"Route not found."}"#, G::NoGateway),
            (403, false, "unauthorized", G::Unauthorized),
            (
                403,
                false,
                "AI budget of US$50.00 exceeded. Please contact an administrator.",
                G::BudgetExceeded(
                    "AI budget of US$50.00 exceeded. Please contact an administrator.".into(),
                ),
            ),
            (
                500,
                false,
                "internal server error checking user AI budget",
                G::BudgetCheckFailed("internal server error checking user AI budget".into()),
            ),
            (
                503,
                false,
                "provider_disabled: provider \"openai\" is disabled",
                G::ProviderDisabled("provider_disabled: provider \"openai\" is disabled".into()),
            ),
            (
                503,
                false,
                "could not connect to coderd",
                G::CoderdUnreachable,
            ),
            (
                404,
                false,
                "route not supported: GET /chatgpt/v1/models",
                G::RouteNotSupported("route not supported: GET /chatgpt/v1/models".into()),
            ),
            (
                400,
                false,
                "malformed request: unknown tool type \"namespace\"",
                G::MalformedRequest("malformed request: unknown tool type \"namespace\"".into()),
            ),
            (
                501,
                false,
                "Not Implemented",
                G::NotImplemented("Not Implemented".into()),
            ),
            (200, true, r#"{"data":[]}"#, G::Served),
            (
                502,
                false,
                "bad gateway",
                G::Other {
                    status: 502,
                    message: "bad gateway".into(),
                },
            ),
        ] {
            assert_eq!(
                GatewayAnswer::from(&answer(status, json, body)),
                want,
                "{body}"
            );
        }
    }

    #[test]
    fn the_chatgpt_provider_and_byok_from_the_provider_list() {
        let listed = |body: &str| provider_keys(&answer(200, true, body)).unwrap();
        let both = listed(
            r#"[{"name":"openai","byok_enabled":false,"has_user_api_key":false,"has_provider_api_key":true},
                {"name":"chatgpt","byok_enabled":true,"has_user_api_key":false,"has_provider_api_key":false}]"#,
        );
        assert_eq!(both.len(), 2);
        assert!(both[0].has_provider_api_key);
        assert_eq!(chatgpt_provider(&both), ChatgptProvider::Ready);
        let off = listed(r#"{"providers":[{"name":"chatgpt","byok_enabled":false}]}"#);
        assert_eq!(chatgpt_provider(&off), ChatgptProvider::ByokOff);
        let none = listed(r#"[{"name":"openai","byok_enabled":true}]"#);
        assert_eq!(chatgpt_provider(&none), ChatgptProvider::Missing);
        assert_eq!(
            provider_keys(&answer(404, true, r#"{"message":"Route not found."}"#)),
            Err(Unanswered::Absent)
        );
        assert_eq!(
            provider_keys(&answer(401, true, r#"{"message":"You are signed out."}"#)),
            Err(Unanswered::Refused {
                status: 401,
                message: "You are signed out.".into()
            })
        );
        assert!(matches!(
            provider_keys(&answer(200, false, "<html>")),
            Err(Unanswered::Unexpected(_))
        ));
    }

    #[test]
    fn spend_against_the_budget() {
        let read = |body: &str| spend(&answer(200, true, body)).unwrap();
        let body = |spent: i64, limit: &str| {
            format!(
                r#"{{"current_spend_micros":{spent},"effective_budget":{limit},"period_start":"2026-12-01T00:00:00Z","period_end":"2027-01-01T00:00:00Z"}}"#
            )
        };
        let within = read(&body(
            1_200_000,
            r#"{"spend_limit_micros":50000000,"limit_source":"group"}"#,
        ));
        assert_eq!(within.budget(), Budget::Within);
        assert_eq!(within.period_end.as_deref(), Some("2027-01-01T00:00:00Z"));
        assert_eq!(usd(within.spent_micros), "US$1.20");
        let near = read(&body(45_000_000, r#"{"spend_limit_micros":50000000}"#));
        assert_eq!(near.budget(), Budget::Near);
        let over = read(&body(50_000_000, r#"{"spend_limit_micros":50000000}"#));
        assert_eq!(over.budget(), Budget::Exceeded);
        let free = read(&body(7, "null"));
        assert_eq!(
            (free.limit_micros, free.budget()),
            (None, Budget::Unlimited)
        );
        assert_eq!(spend(&answer(404, true, "{}")), Err(Unanswered::Absent));
    }

    #[test]
    fn the_licence_from_entitlements() {
        let read = |body: &str| license(&answer(200, true, body)).unwrap();
        assert_eq!(
            read(
                r#"{"features":{"aibridge":{"entitlement":"entitled","enabled":true}},"has_license":true}"#
            ),
            License::Entitled
        );
        assert_eq!(
            read(r#"{"features":{"aibridge":{"entitlement":"grace_period","enabled":true}}}"#),
            License::GracePeriod
        );
        assert_eq!(
            read(
                r#"{"features":{"aibridge":{"entitlement":"not_entitled","enabled":false}},"has_license":false}"#
            ),
            License::NotEntitled
        );
        assert_eq!(read(r#"{"features":{}}"#), License::NotEntitled);
    }

    #[test]
    fn the_relay_by_its_status() {
        assert_eq!(relay(&answer(101, false, "")), Relay::On);
        let refused = "WebSocket protocol violation: missing Sec-WebSocket-Key";
        assert_eq!(relay(&answer(400, false, refused)), Relay::On);
        assert!(matches!(
            relay(&answer(400, false, "malformed request")),
            Relay::Unknown(_)
        ));
        assert_eq!(relay(&answer(501, false, "Not Implemented")), Relay::Off);
        assert_eq!(
            relay(&answer(403, false, "unauthorized")),
            Relay::Unknown("HTTP 403: unauthorized".into())
        );
        assert_eq!(
            responses_url("https://gw.example.com/openai/v1/"),
            "https://gw.example.com/openai/v1/responses"
        );
    }

    #[test]
    fn known_breakages_name_coder_and_codex() {
        let v = |s| CoderVersion::parse(s).unwrap();
        let bad = known_breakage(&v("v2.35.6+abc1234"), Some((0, 171, 0))).unwrap();
        assert!(bad.symptom.contains("namespace"));
        assert!(bad.fix.contains("upgrade Coder past v2.35.6"));
        assert!(known_breakage(&v("v2.35.6"), None).is_some());
        assert!(known_breakage(&v("v2.35.6"), Some((0, 148, 2))).is_none());
        assert!(known_breakage(&v("v2.35.7"), Some((0, 171, 0))).is_none());
        assert!(known_breakage(&v("v2.35.5"), Some((0, 171, 0))).is_none());
        assert_eq!(codex_version("codex-cli 0.171.0\n"), Some((0, 171, 0)));
        assert_eq!(
            codex_version("codex-cli 0.149.0-alpha.2"),
            Some((0, 149, 0))
        );
        assert_eq!(codex_version("nonsense"), None);
    }
}
