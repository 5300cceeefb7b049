//! The Coder deployment: its root URL, the gateway route, and the gateway URLs — built and
//! parsed here only.

use std::fmt;
use std::net::IpAddr;

use url::Url;

use crate::error;

/// Which path prefix the gateway is reached under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Route {
    /// `/api/v2/aibridge/...`: served by every Coder version that has the gateway.
    Aibridge,
    /// `/api/v2/ai-gateway/...`: the canonical name from Coder v2.35 on.
    AiGateway,
}

/// The first Coder version that serves `/api/v2/ai-gateway/...`.
const AI_GATEWAY_ROUTE_SINCE: (u64, u64) = (2, 35);

impl Route {
    pub fn path_segment(self) -> &'static str {
        match self {
            Route::Aibridge => "aibridge",
            Route::AiGateway => "ai-gateway",
        }
    }

    pub fn for_version(version: &CoderVersion) -> Route {
        if (version.major, version.minor) >= AI_GATEWAY_ROUTE_SINCE {
            Route::AiGateway
        } else {
            Route::Aibridge
        }
    }

    pub fn name(self) -> &'static str {
        self.path_segment()
    }
}

/// A Coder deployment root such as `https://coder.example.com` or `https://example.com/coder`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    root: Url,
}

/// What a pasted URL told us besides the deployment root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl {
    pub deployment: Deployment,
    /// The route, when a full gateway URL was pasted.
    pub route: Option<Route>,
}

impl Deployment {
    /// Accepts a deployment URL or a pasted gateway URL and normalises it to the deployment root.
    pub fn parse(input: &str, allow_http: bool) -> anyhow::Result<ParsedUrl> {
        let url = checked_url(input, allow_http, "https://coder.example.com")?;
        let path = url.path().trim_end_matches('/');
        let (prefix, route) = split_gateway_path(path);
        let mut root = url.clone();
        root.set_path(prefix);
        Ok(ParsedUrl {
            deployment: Deployment { root },
            route: route.map(|(route, _)| route),
        })
    }

    /// The root without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.root.as_str().trim_end_matches('/')
    }

    pub fn host(&self) -> &str {
        self.root.host_str().unwrap_or_default()
    }

    /// `scheme://host[:port]`, what keyring entries and same-origin checks key on.
    pub fn origin(&self) -> String {
        self.root.origin().ascii_serialization()
    }

    /// A URL under the deployment root, e.g. `api/v2/buildinfo`.
    pub fn join(&self, path: &str) -> String {
        format!("{}/{}", self.as_str(), path.trim_start_matches('/'))
    }

    /// The gateway URL of `provider` (`openai`, `chatgpt`) under `route`: Codex's `base_url`.
    pub fn gateway_url(&self, route: Route, provider: &str) -> String {
        self.join(&format!("api/v2/{}/{provider}/v1", route.path_segment()))
    }
}

/// Where a gateway URL points: [`Deployment::gateway_url`] read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayUrl {
    pub deployment: Deployment,
    pub route: Route,
    /// The gateway's provider segment: `openai` or `chatgpt` (or whatever the URL says).
    pub provider: String,
}

/// The deployment, route and provider a gateway URL names; `None` when it is no gateway URL.
/// A query string is ignored (doctor reports it separately).
pub fn parse_gateway_url(url: &str) -> Option<GatewayUrl> {
    let url = url.split('?').next()?;
    let deployment = Deployment::parse(url, true).ok()?.deployment;
    let path = Url::parse(url).ok()?.path().to_string();
    let (route, rest) = split_gateway_path(path.trim_end_matches('/')).1?;
    let provider = rest.split('/').find(|p| !p.is_empty())?;
    Some(GatewayUrl {
        deployment,
        route,
        provider: provider.to_string(),
    })
}

impl fmt::Display for Deployment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A URL a token may be sent to: http(s), a host, no query, no credentials, and plain http only
/// to loopback unless `allow_http`. `example` is a URL of the same kind, for the fix.
fn checked_url(input: &str, allow_http: bool, example: &str) -> anyhow::Result<Url> {
    let input = input.trim();
    // Messages show the URL without its `user:password@` part: it may be a token.
    let shown = crate::codex::inspect::redact_url(input);
    let bad = |what: &str| {
        error::usage(
            format!("`{shown}` is not a usable Coder URL: {what}"),
            format!("use the address you open it at, e.g. `{example}`"),
        )
    };
    let url = Url::parse(input).map_err(|e| match e {
        // `coder.example.com`: the scheme is all that is missing.
        url::ParseError::RelativeUrlWithoutBase if !input.contains("://") => error::usage(
            format!("`{shown}` is not a usable Coder URL: it has no scheme"),
            format!("use the full address, e.g. `https://{shown}`"),
        ),
        e => bad(&e.to_string()),
    })?;
    match url.scheme() {
        "https" | "http" => {}
        other => return Err(bad(&format!("the scheme `{other}` is not http or https"))),
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(bad("it has no host"));
    };
    // Credentials first: whatever else is wrong, the message must not be about a URL that
    // holds a token.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(error::usage(
            format!("the URL for `{host}` carries credentials"),
            "remove the `user:password@` part; codexgw keeps tokens in the OS keyring",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it has a query or fragment (`?…` / `#…`)"));
    }
    if url.scheme() == "http" && !allow_http && !is_loopback(host) {
        return Err(error::usage(
            format!(
                "`{shown}` uses plain http to a host that is not loopback; tokens would travel unencrypted"
            ),
            "use the https address",
        ));
    }
    Ok(url)
}

/// A standalone AI Gateway (`coder ai-gateway start`, Coder v2.36+) on a host of its own. It
/// serves `/openai/v1` and `/chatgpt/v1` at its root (and under both `/api/v2/…` prefixes),
/// plus `/healthz` and `/readyz`; tokens and the REST API stay with the deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandaloneGateway {
    root: Url,
}

/// The provider segments a gateway serves, for recognising a pasted base URL.
const GATEWAY_PROVIDERS: [&str; 2] = ["openai", "chatgpt"];

impl StandaloneGateway {
    /// Accepts the gateway's root or a pasted base URL (`…/openai/v1`, also in the prefixed
    /// forms) and normalises it to the root, where the short routes live.
    pub fn parse(input: &str, allow_http: bool) -> anyhow::Result<StandaloneGateway> {
        let url = checked_url(
            input,
            allow_http,
            "--gateway-url https://ai-gateway.example.com",
        )?;
        let mut path = url.path().trim_end_matches('/');
        for provider in GATEWAY_PROVIDERS {
            for suffix in [format!("/{provider}/v1"), format!("/{provider}")] {
                if let Some(rest) = path.strip_suffix(suffix.as_str()) {
                    path = rest;
                }
            }
        }
        let (prefix, _) = split_gateway_path(path);
        let mut root = url.clone();
        root.set_path(prefix);
        Ok(StandaloneGateway { root })
    }

    /// A `base_url` in the root form this gateway serves, with the provider it names; `None`
    /// for any other URL (a deployment's `/api/v2/…` route included).
    pub fn from_base_url(base_url: &str) -> Option<(StandaloneGateway, &'static str)> {
        let url = Url::parse(base_url).ok()?;
        let path = url.path().trim_end_matches('/');
        if path.contains("/api/v2/") {
            return None;
        }
        let provider = GATEWAY_PROVIDERS
            .into_iter()
            .find(|p| path.ends_with(&format!("/{p}/v1")))?;
        let mut root = url.clone();
        root.set_path(&path[..path.len() - provider.len() - "//v1".len()]);
        root.set_query(None);
        Some((StandaloneGateway { root }, provider))
    }

    /// The root without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.root.as_str().trim_end_matches('/')
    }

    fn join(&self, path: &str) -> String {
        format!("{}/{path}", self.as_str())
    }

    /// The gateway URL of `provider` (`openai`, `chatgpt`) in the root form every standalone
    /// gateway serves: Codex's `base_url`.
    pub fn gateway_url(&self, provider: &str) -> String {
        self.join(&format!("{provider}/v1"))
    }

    /// `/healthz`: the process is up.
    pub fn health_url(&self) -> String {
        self.join("healthz")
    }

    /// `/readyz`: it can reach coderd and serve requests.
    pub fn ready_url(&self) -> String {
        self.join("readyz")
    }
}

impl fmt::Display for StandaloneGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Splits `/prefix/api/v2/aibridge/openai/v1` into the deployment prefix, and the route with
/// what follows it (`/openai/v1`).
fn split_gateway_path(path: &str) -> (&str, Option<(Route, &str)>) {
    let Some(at) = path.find("/api/v2") else {
        return (path, None);
    };
    let rest = &path[at + "/api/v2".len()..];
    let route = [Route::Aibridge, Route::AiGateway]
        .into_iter()
        .find_map(|r| {
            let after = rest.strip_prefix('/')?.strip_prefix(r.path_segment())?;
            (after.is_empty() || after.starts_with('/')).then_some((r, after))
        });
    (&path[..at], route)
}

/// A Coder server version as `/api/v2/buildinfo` reports it (`v2.35.6+abc1234`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoderVersion {
    pub major: u64,
    pub minor: u64,
    /// 0 when the version names none.
    pub patch: u64,
    pub raw: String,
}

impl CoderVersion {
    pub fn parse(raw: &str) -> Option<CoderVersion> {
        let core = raw.trim().trim_start_matches('v');
        let core = core.split(['+', '-']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>());
        let major = parts.next()?.ok()?;
        let minor = parts.next()?.ok()?;
        let patch = parts.next().and_then(Result::ok).unwrap_or(0);
        Some(CoderVersion {
            major,
            minor,
            patch,
            raw: raw.trim().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(input: &str) -> String {
        Deployment::parse(input, false)
            .unwrap()
            .deployment
            .to_string()
    }

    #[test]
    fn normalises_to_the_deployment_root() {
        assert_eq!(
            root("https://coder.example.com"),
            "https://coder.example.com"
        );
        assert_eq!(
            root("https://coder.example.com/"),
            "https://coder.example.com"
        );
        assert_eq!(
            root("https://Coder.Example.com:8443/"),
            "https://coder.example.com:8443"
        );
        assert_eq!(
            root("https://example.com/coder/"),
            "https://example.com/coder"
        );
        assert_eq!(
            root("https://coder.example.com/api/v2/aibridge/openai/v1"),
            "https://coder.example.com"
        );
        assert_eq!(
            root("https://example.com/coder/api/v2/ai-gateway/chatgpt/v1/"),
            "https://example.com/coder"
        );
        assert_eq!(root("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(root("http://localhost:3000/"), "http://localhost:3000");
        assert_eq!(root("http://[::1]:3000/"), "http://[::1]:3000");
    }

    #[test]
    fn a_pasted_gateway_url_names_its_route() {
        let parsed = Deployment::parse("https://c.example.com/api/v2/ai-gateway/openai/v1", false);
        assert_eq!(parsed.unwrap().route, Some(Route::AiGateway));
        let parsed = Deployment::parse("https://c.example.com/api/v2/aibridge", false);
        assert_eq!(parsed.unwrap().route, Some(Route::Aibridge));
        let parsed = Deployment::parse("https://c.example.com", false);
        assert_eq!(parsed.unwrap().route, None);
    }

    #[test]
    fn refuses_unusable_urls() {
        for (input, says) in [
            ("ftp://coder.example.com", "scheme `ftp`"),
            ("coder.example.com", "it has no scheme"),
            ("https://coder.example.com/?x=1", "query or fragment"),
            ("https://coder.example.com/#top", "query or fragment"),
            ("http://coder.example.com", "plain http"),
            ("https://me:pw@coder.example.com", "carries credentials"),
            ("file:///tmp/x", "scheme `file`"),
        ] {
            let err = Deployment::parse(input, false).unwrap_err();
            assert!(err.to_string().contains(says), "{input}: {err}");
            assert_eq!(error::exit_kind(&err), error::ExitKind::Usage);
        }
        assert!(Deployment::parse("http://coder.internal", true).is_ok());
        let bare = Deployment::parse("coder.example.com", false).unwrap_err();
        assert!(
            error::render(&bare)
                .ends_with("help: use the full address, e.g. `https://coder.example.com`\n")
        );
    }

    #[test]
    fn builds_gateway_urls_per_provider_and_route_and_reads_them_back() {
        let d = Deployment::parse("https://example.com/coder", false)
            .unwrap()
            .deployment;
        assert_eq!(
            d.gateway_url(Route::Aibridge, "openai"),
            "https://example.com/coder/api/v2/aibridge/openai/v1"
        );
        assert_eq!(
            d.gateway_url(Route::AiGateway, "chatgpt"),
            "https://example.com/coder/api/v2/ai-gateway/chatgpt/v1"
        );
        assert_eq!(d.origin(), "https://example.com");
        for route in [Route::Aibridge, Route::AiGateway] {
            for provider in ["openai", "chatgpt"] {
                let url = d.gateway_url(route, provider);
                assert_eq!(
                    parse_gateway_url(&url),
                    Some(GatewayUrl {
                        deployment: d.clone(),
                        route,
                        provider: provider.into()
                    }),
                    "{url}"
                );
            }
        }
        let with_query = parse_gateway_url("https://c.example.com/api/v2/aibridge/openai/v1?x=1");
        assert_eq!(with_query.unwrap().provider, "openai");
        for no_gateway in [
            "https://c.example.com/v1",
            "https://c.example.com/api/v2/aibridge",
            "https://c.example.com/api/v2/aibridgex/openai/v1",
            "not a url",
        ] {
            assert_eq!(parse_gateway_url(no_gateway), None, "{no_gateway}");
        }
    }

    #[test]
    fn a_standalone_gateway_normalises_to_its_root() {
        let root = |input| StandaloneGateway::parse(input, false).unwrap().to_string();
        for input in [
            "https://gw.example.com",
            "https://gw.example.com/",
            "https://gw.example.com/openai/v1",
            "https://gw.example.com/chatgpt/v1/",
            "https://gw.example.com/api/v2/ai-gateway/openai/v1",
            "https://gw.example.com/api/v2/aibridge",
        ] {
            assert_eq!(root(input), "https://gw.example.com", "{input}");
        }
        assert_eq!(
            root("https://proxy.example.com/gw/openai/v1"),
            "https://proxy.example.com/gw"
        );
        let gateway = StandaloneGateway::parse("https://gw.example.com", false).unwrap();
        assert_eq!(
            gateway.gateway_url("chatgpt"),
            "https://gw.example.com/chatgpt/v1"
        );
        assert_eq!(
            gateway.gateway_url("openai"),
            "https://gw.example.com/openai/v1"
        );
        assert_eq!(gateway.health_url(), "https://gw.example.com/healthz");
        assert_eq!(gateway.ready_url(), "https://gw.example.com/readyz");
        let err = StandaloneGateway::parse("gw.example.com", false).unwrap_err();
        assert!(error::render(&err).contains("e.g. `https://gw.example.com`"));
        let err = StandaloneGateway::parse("http://gw.example.com", false).unwrap_err();
        assert!(err.to_string().contains("plain http"), "{err}");
    }

    #[test]
    fn a_root_form_base_url_is_a_standalone_gateway() {
        let (gateway, provider) =
            StandaloneGateway::from_base_url("https://gw.example.com/chatgpt/v1").unwrap();
        assert_eq!(
            (gateway.as_str(), provider),
            ("https://gw.example.com", "chatgpt")
        );
        let (gateway, provider) =
            StandaloneGateway::from_base_url("http://127.0.0.1:9/x/openai/v1/").unwrap();
        assert_eq!(
            (gateway.as_str(), provider),
            ("http://127.0.0.1:9/x", "openai")
        );
        for other in [
            "https://coder.example.com/api/v2/aibridge/openai/v1",
            "https://api.openai.com/v1",
            "not a url",
        ] {
            assert_eq!(StandaloneGateway::from_base_url(other), None, "{other}");
        }
    }

    #[test]
    fn picks_the_route_by_version() {
        let v = |s| CoderVersion::parse(s).unwrap();
        assert_eq!(Route::for_version(&v("v2.35.6+abc1234")), Route::AiGateway);
        assert_eq!(Route::for_version(&v("v2.34.9")), Route::Aibridge);
        assert_eq!(Route::for_version(&v("v3.0.0-devel+1")), Route::AiGateway);
        assert_eq!(v("v2.30.1-rc.1").minor, 30);
        assert_eq!(v("v2.35.6+abc1234").patch, 6);
        assert_eq!(v("v2.36").patch, 0);
        assert_eq!(CoderVersion::parse("devel"), None);
    }
}
