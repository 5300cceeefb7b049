//! A fake Coder deployment on 127.0.0.1 for tests and benchmarks: `/api/v2/buildinfo`,
//! `/api/v2/users/me`, and the AI Gateway routes with the status codes and bodies the real
//! coder/aibridge code answers (see shared/FACTS.md), plus switches for every failure we test.
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
    pub budget_exceeded: bool,
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
            version: "v2.35.6+abc1234".into(),
            valid_token: VALID_TOKEN.into(),
            gateway: Gateway::Enabled,
            chatgpt_provider: true,
            budget_exceeded: false,
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

    /// The requests whose path ends with `suffix` (e.g. `/responses`).
    pub fn requests_to(&self, suffix: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path().ends_with(suffix))
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
    let recorded = Recorded {
        method: request.method().to_string(),
        url: request.url().to_string(),
        headers: request
            .headers()
            .iter()
            .map(|h| (h.field.to_string(), h.value.to_string()))
            .collect(),
    };
    let mut body = Vec::new();
    let _ = request.as_reader().read_to_end(&mut body);
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

fn route(request: &Recorded, options: &Options) -> Response<std::io::Cursor<Vec<u8>>> {
    let path = request.path();
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
        return if request.header("Coder-Session-Token") == Some(options.valid_token.as_str()) {
            json(
                200,
                r#"{"id":"00000000-0000-0000-0000-000000000001","username":"alice","email":"alice@example.com"}"#,
            )
        } else {
            json(
                401,
                r#"{"message":"You are signed out or your session has expired. Please log in again to continue."}"#,
            )
        };
    }
    let serves_new_route = version_at_least(&options.version, 2, 35);
    let rest = path.strip_prefix("/api/v2/aibridge").or_else(|| {
        path.strip_prefix("/api/v2/ai-gateway")
            .filter(|_| serves_new_route)
    });
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
    if coder_token != options.valid_token {
        return text(403, "unauthorized");
    }
    if options.budget_exceeded {
        return text(403, "AI budget for this user exceeded");
    }
    let known = rest.starts_with("/openai/v1/")
        || (rest.starts_with("/chatgpt/v1/") && options.chatgpt_provider);
    let endpoint = rest.splitn(4, '/').nth(3).unwrap_or_default();
    let served = matches!(
        (request.method.as_str(), endpoint),
        ("POST", "responses") | ("POST", "chat/completions") | ("GET", "models")
    );
    if !known || !served {
        return text(
            404,
            &format!("route not supported: {} {rest}", request.method),
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
