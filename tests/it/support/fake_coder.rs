//! A fake Coder deployment on 127.0.0.1 for tests and benchmarks: `/api/v2/buildinfo`,
//! `/api/v2/users/me`, the user's AI endpoints (`ai-provider-keys`, `ai/spend`), entitlements,
//! and the AI Gateway routes with the status codes and bodies the real coder/aibridge code
//! answers (see shared/FACTS.md), plus switches for every failure we test. With `standalone`
//! it is a standalone gateway instead (`/openai/v1` at the root, `/healthz`, `/readyz`).
//! It records each request so tests can assert the exact path and credential headers.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use tiny_http::{Header, Request, Response, Server};

/// What the deployment's gateway is like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gateway {
    Enabled,
    /// No AI Governance add-on: 403 "… is a Premium feature".
    NotLicensed,
    /// Licensed but switched off: 404 "aibridged handler not mounted".
    FeatureOff,
    /// A Coder version without the gateway: 404 "Route not found.".
    Absent,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub version: String,
    /// The Coder API token the deployment accepts.
    pub valid_token: String,
    pub gateway: Gateway,
    /// An admin created the `chatgpt` provider.
    pub chatgpt_provider: bool,
    /// Users may bring their own credential to it (`byok_enabled`).
    pub chatgpt_byok: bool,
    /// `/api/v2/users/me/ai-provider-keys` answers 404, as before v2.34.
    pub no_provider_keys_endpoint: bool,
    /// Spent and limit in micro-dollars; the limit `None` is no budget. `/ai/spend` answers
    /// 404 before v2.36. With `budget_exceeded` the spend equals the limit.
    pub spend_micros: i64,
    pub budget_micros: Option<i64>,
    pub budget_exceeded: bool,
    /// The licence lists `aibridge` as entitled (`NotLicensed` also makes it not entitled).
    pub entitled: bool,
    /// The Responses-WebSocket relay's experiment is on: an upgrade gets 101, else 501.
    pub websocket_relay: bool,
    /// The gateway's provider is switched off: 503 `provider_disabled: …`.
    pub provider_disabled: bool,
    /// A standalone gateway that lost its deployment: 503 `could not connect to coderd`, and
    /// `/readyz` answers 503 `not ready` (`/healthz` still 200: the process is up).
    pub coderd_unreachable: bool,
    /// Coder v2.35.6's bug: `POST /responses` with Codex's `namespace` tool gets 400.
    pub namespace_bug: bool,
    /// Serve as a standalone gateway: the routes at the root too, `/healthz`, `/readyz`, and
    /// no REST API.
    pub standalone: bool,
    /// Wait this long before every answer.
    pub delay: Duration,
    /// Accept connections and never answer.
    pub hang: bool,
    /// Answer everything with a redirect to this origin.
    pub redirect_to: Option<String>,
    /// Answer buildinfo with this body instead of JSON.
    pub garbage_buildinfo: bool,
}

pub const VALID_TOKEN: &str = "abcdefghij-0123456789abcdefghijkl";

impl Default for Options {
    fn default() -> Self {
        Options {
            version: "v2.36.1+abc1234".into(),
            valid_token: VALID_TOKEN.into(),
            gateway: Gateway::Enabled,
            chatgpt_provider: true,
            chatgpt_byok: true,
            no_provider_keys_endpoint: false,
            spend_micros: 1_200_000,
            budget_micros: Some(50_000_000),
            budget_exceeded: false,
            entitled: true,
            websocket_relay: false,
            provider_disabled: false,
            coderd_unreachable: false,
            namespace_bug: false,
            standalone: false,
            delay: Duration::ZERO,
            hang: false,
            redirect_to: None,
            garbage_buildinfo: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path with the query string.
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The request body, lossily decoded.
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.url.split('?').next().unwrap_or_default()
    }
}

pub struct FakeCoder {
    pub url: String,
    pub port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    server: Arc<Server>,
}

impl FakeCoder {
    pub fn start(options: Options) -> FakeCoder {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let port = server.server_addr().to_ip().expect("ip listener").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let options = Arc::new(options);
        {
            let (server, requests, stop) = (server.clone(), requests.clone(), stop.clone());
            thread::spawn(move || {
                for request in server.incoming_requests() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let (requests, options, stop) =
                        (requests.clone(), options.clone(), stop.clone());
                    thread::spawn(move || handle(request, &options, &requests, &stop));
                }
            });
        }
        FakeCoder {
            url: format!("http://127.0.0.1:{port}"),
            port,
            requests,
            stop,
            server,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The requests whose path ends with `suffix` (e.g. `/responses`), leaving out WebSocket
    /// handshakes: on `/responses` those are setup's and doctor's relay probes (or Codex's
    /// upgrade), not turns; [`FakeCoder::requests`] has them.
    pub fn requests_to(&self, suffix: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path().ends_with(suffix) && r.header("Upgrade").is_none())
            .collect()
    }
}

impl Drop for FakeCoder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap()
}

fn json(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json"))
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn handle(mut request: Request, options: &Options, log: &Mutex<Vec<Recorded>>, stop: &AtomicBool) {
    let mut body = Vec::new();
    // tiny_http hands an upgrade request the raw socket as its body: reading it would wait
    // for the client to hang up.
    let upgrade = request.headers().iter().any(|h| h.field.equiv("Upgrade"));
    if !upgrade {
        let _ = request.as_reader().read_to_end(&mut body);
    }
    let recorded = Recorded {
        method: request.method().to_string(),
        url: request.url().to_string(),
        headers: request
            .headers()
            .iter()
            .map(|h| (h.field.to_string(), h.value.to_string()))
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    log.lock().unwrap().push(recorded.clone());
    if options.hang {
        while !stop.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(50));
        }
        return;
    }
    if !options.delay.is_zero() {
        thread::sleep(options.delay);
    }
    if let Some(origin) = &options.redirect_to {
        let response = Response::empty(307)
            .with_header(header("Location", &format!("{origin}{}", recorded.url)));
        let _ = request.respond(response);
        return;
    }
    let _ = request.respond(route(&recorded, options));
}

fn signed_in(request: &Recorded, options: &Options) -> bool {
    request.header("Coder-Session-Token") == Some(options.valid_token.as_str())
}

const SIGNED_OUT: &str = r#"{"message":"You are signed out or your session has expired. Please log in again to continue."}"#;

fn route(request: &Recorded, options: &Options) -> Response<std::io::Cursor<Vec<u8>>> {
    let path = request.path();
    if options.standalone {
        return match path {
            "/readyz" if options.coderd_unreachable => text(503, "not ready"),
            "/healthz" | "/readyz" => text(200, "ok"),
            _ => gateway(request, options, path),
        };
    }
    if path == "/api/v2/buildinfo" {
        if options.garbage_buildinfo {
            return text(200, "<html>not coder</html>");
        }
        return json(
            200,
            &format!(
                r#"{{"external_url":"https://github.com/coder/coder","version":"{}","dashboard_url":"","agent_api_version":"1.0"}}"#,
                options.version
            ),
        );
    }
    if path == "/api/v2/users/me" {
        return if signed_in(request, options) {
            json(
                200,
                r#"{"id":"00000000-0000-0000-0000-000000000001","username":"alice","email":"alice@example.com"}"#,
            )
        } else {
            json(401, SIGNED_OUT)
        };
    }
    if path == "/api/v2/users/me/ai-provider-keys"
        && !options.no_provider_keys_endpoint
        && version_at_least(&options.version, 2, 34)
    {
        if !signed_in(request, options) {
            return json(401, SIGNED_OUT);
        }
        let mut providers = vec![
            r#"{"name":"openai","byok_enabled":true,"has_user_api_key":false,"has_provider_api_key":true}"#.to_string(),
        ];
        if options.chatgpt_provider {
            providers.push(format!(
                r#"{{"name":"chatgpt","byok_enabled":{},"has_user_api_key":false,"has_provider_api_key":false}}"#,
                options.chatgpt_byok
            ));
        }
        return json(200, &format!("[{}]", providers.join(",")));
    }
    if path == "/api/v2/users/me/ai/spend" && version_at_least(&options.version, 2, 36) {
        if !signed_in(request, options) {
            return json(401, SIGNED_OUT);
        }
        let spent = match (options.budget_exceeded, options.budget_micros) {
            (true, Some(limit)) => limit,
            _ => options.spend_micros,
        };
        let budget = options.budget_micros.map_or("null".to_string(), |limit| {
            format!(r#"{{"spend_limit_micros":{limit},"limit_source":"group"}}"#)
        });
        return json(
            200,
            &format!(
                r#"{{"current_spend_micros":{spent},"effective_budget":{budget},"period_start":"2026-12-01T00:00:00Z","period_end":"2027-01-01T00:00:00Z"}}"#
            ),
        );
    }
    if path == "/api/v2/entitlements" {
        if !signed_in(request, options) {
            return json(401, SIGNED_OUT);
        }
        let entitled = options.entitled && options.gateway != Gateway::NotLicensed;
        let entitlement = if entitled { "entitled" } else { "not_entitled" };
        return json(
            200,
            &format!(
                r#"{{"features":{{"aibridge":{{"entitlement":"{entitlement}","enabled":{entitled}}}}},"has_license":{entitled},"warnings":[],"errors":[]}}"#
            ),
        );
    }
    gateway(request, options, path)
}

/// The gateway's routes: under both prefixes, and at the root of a standalone gateway.
fn gateway(
    request: &Recorded,
    options: &Options,
    path: &str,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let serves_new_route = version_at_least(&options.version, 2, 35) || options.standalone;
    let rest = path
        .strip_prefix("/api/v2/aibridge")
        .or_else(|| {
            path.strip_prefix("/api/v2/ai-gateway")
                .filter(|_| serves_new_route)
        })
        .or_else(|| Some(path).filter(|_| options.standalone));
    let Some(rest) = rest else {
        return json(404, r#"{"message":"Route not found."}"#);
    };
    match options.gateway {
        Gateway::Absent => return json(404, r#"{"message":"Route not found."}"#),
        Gateway::FeatureOff => return json(404, r#"{"message":"aibridged handler not mounted"}"#),
        Gateway::NotLicensed => {
            return json(
                403,
                r#"{"message":"AI Bridge is a Premium feature. Contact sales!"}"#,
            );
        }
        Gateway::Enabled => {}
    }
    let bearer = request
        .header("Authorization")
        .and_then(|v| v.strip_prefix("Bearer "));
    let governance = request.header("X-Coder-AI-Governance-Token");
    let coder_token = governance.or(bearer);
    let Some(coder_token) = coder_token else {
        return text(400, "no authentication key provided");
    };
    if options.coderd_unreachable {
        return text(503, "could not connect to coderd");
    }
    if coder_token != options.valid_token {
        return text(403, "unauthorized");
    }
    if options.budget_exceeded {
        return text(
            403,
            "AI budget of US$50.00 exceeded. Please contact an administrator to increase your budget.",
        );
    }
    let known = rest.starts_with("/openai/v1/")
        || (rest.starts_with("/chatgpt/v1/") && options.chatgpt_provider);
    let endpoint = rest.splitn(4, '/').nth(3).unwrap_or_default();
    let served = matches!(
        (request.method.as_str(), endpoint),
        ("POST", "responses") | ("POST", "chat/completions") | ("GET", "models")
    );
    let upgrade = request
        .header("Upgrade")
        .is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
    if known && upgrade && request.method == "GET" && endpoint == "responses" {
        return if options.websocket_relay && request.header("Sec-WebSocket-Key").is_none() {
            text(
                400,
                "WebSocket protocol violation: missing Sec-WebSocket-Key",
            )
        } else if options.websocket_relay {
            Response::from_string("")
                .with_status_code(101)
                .with_header(header("Upgrade", "websocket"))
                .with_header(header("Connection", "Upgrade"))
        } else {
            text(501, "Not Implemented")
        };
    }
    if !known || !served {
        return text(
            404,
            &format!("route not supported: {} {rest}", request.method),
        );
    }
    if options.provider_disabled {
        return text(
            503,
            "provider_disabled: the provider \"openai\" is disabled by an administrator",
        );
    }
    if options.namespace_bug
        && endpoint == "responses"
        && request.body.contains(r#""type":"namespace""#)
    {
        return text(
            400,
            "malformed request: unmarshal request body: unknown tool type \"namespace\"",
        );
    }
    // BYOK: the user's own credential must reach the upstream.
    if governance.is_some() && bearer.is_none() {
        return json(
            401,
            r#"{"error":{"message":"You didn't provide an API key.","type":"invalid_request_error"}}"#,
        );
    }
    match endpoint {
        "models" => json(
            200,
            r#"{"object":"list","data":[{"id":"gpt-5","object":"model","owned_by":"openai"}],"models":[]}"#,
        ),
        _ => Response::from_string(SSE_REPLY)
            .with_status_code(200)
            .with_header(header("Content-Type", "text/event-stream")),
    }
}

fn version_at_least(version: &str, major: u64, minor: u64) -> bool {
    let mut parts = version
        .trim_start_matches('v')
        .split(['.', '+', '-'])
        .map(|p| p.parse::<u64>().unwrap_or(0));
    let (ma, mi) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (ma, mi) >= (major, minor)
}

/// The three events that complete one `codex exec` turn.
pub const SSE_REPLY: &str = concat!(
    "event: response.created\n",
    "data: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}\n\n",
    "event: response.output_item.done\n",
    "data: {\"type\":\"response.output_item.done\",\"item\":{\"type\":\"message\",\"role\":\"assistant\",\"id\":\"msg_1\",\"content\":[{\"type\":\"output_text\",\"text\":\"hi from the fake gateway\"}]}}\n\n",
    "event: response.completed\n",
    "data: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"usage\":{\"input_tokens\":1,\"input_tokens_details\":null,\"output_tokens\":1,\"output_tokens_details\":null,\"total_tokens\":2}}}\n\n",
);
