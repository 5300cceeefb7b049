//! The one HTTP client of codexgw. It trusts and routes like Codex (see [`trust`] and
//! [`proxy`]), so `setup --route auto`, `token set --verify` and doctor's `net.*` checks reach a
//! deployment exactly when Codex does, and it says why not, with a fix, when they do not.
//! Built from the [`Environment`] snapshot; the roots are loaded once, on first use.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::coder::http::{Answer, BODY_LIMIT};
use crate::environment::Environment;

mod failure;
mod forward;
pub mod proxy;
pub mod trust;

pub use failure::{Failure, ProxyProblem, TlsProblem};
use proxy::{ProxyRules, ProxyScheme, ProxyUrl};
use trust::{TrustError, TrustPlan};

const USER_AGENT: &str = concat!("codexgw/", env!("CARGO_PKG_VERSION"));

/// Cheap to clone: the checks that run on their own threads share one.
#[derive(Clone)]
pub struct Network {
    inner: Arc<Inner>,
}

struct Inner {
    trust: TrustPlan,
    proxies: ProxyRules,
    roots: OnceLock<Result<ureq::tls::RootCerts, TrustError>>,
}

impl Network {
    pub fn from_env(env: &Environment) -> Network {
        Network {
            inner: Arc::new(Inner {
                trust: TrustPlan::from_env(env),
                proxies: ProxyRules::from_env(env),
                roots: OnceLock::new(),
            }),
        }
    }

    /// The proxy a request to `url` goes through, if any.
    pub fn proxy_for(&self, url: &url::Url) -> Option<&ProxyUrl> {
        self.inner.proxies.for_url(url)
    }

    fn roots(&self) -> Result<ureq::tls::RootCerts, Failure> {
        self.inner
            .roots
            .get_or_init(|| {
                let certs = self.inner.trust.load()?;
                let certs: Vec<_> = certs
                    .iter()
                    .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned())
                    .collect();
                Ok(ureq::tls::RootCerts::new_with_certs(&certs))
            })
            .clone()
            .map_err(Failure::Trust)
    }

    /// `GET url` with the given headers, bounded by `timeout` end to end. Redirects are not
    /// followed (a token must never ride to another origin); bodies are cut at [`BODY_LIMIT`].
    pub fn get(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        timeout: Duration,
    ) -> Result<Answer, Failure> {
        let parsed = url::Url::parse(url).map_err(|e| Failure::Other(format!("bad URL: {e}")))?;
        let proxy = self.proxy_for(&parsed);
        let tls =
            parsed.scheme() == "https" || proxy.is_some_and(|p| p.scheme == ProxyScheme::Https);
        // Codex builds no client at all with an unusable CA bundle, whatever the scheme; the
        // platform's roots are only worth loading for TLS.
        let roots = if tls {
            self.roots()?
        } else {
            self.inner.trust.check_bundle().map_err(Failure::Trust)?;
            ureq::tls::RootCerts::WebPki
        };
        if let Some(proxy) = proxy
            && !tls
            && proxy.scheme == ProxyScheme::Http
        {
            // Like reqwest: a plain-http target goes to an HTTP proxy as an absolute-form
            // request, not through a CONNECT tunnel.
            return forward::get(proxy, &parsed, headers, timeout, USER_AGENT);
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
            // Always set: ureq's default would read the process environment its own way.
            .proxy(proxy.map(ureq_proxy).transpose()?)
            .build()
            .into();
        let mut request = agent.get(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = request.call().map_err(|e| failure::classify(e, proxy))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type");
        let location = header("location");
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_vec();
        let body = match bytes {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            // An over-long or broken body still has a status worth reporting.
            Err(ureq::Error::Timeout(_)) => return Err(Failure::Timeout),
            Err(_) => String::new(),
        };
        Ok(Answer {
            status,
            content_type,
            location,
            body,
        })
    }
}

fn ureq_proxy(proxy: &ProxyUrl) -> Result<ureq::Proxy, Failure> {
    let protocol = match proxy.scheme {
        ProxyScheme::Http => ureq::ProxyProtocol::Http,
        ProxyScheme::Https => ureq::ProxyProtocol::Https,
        ProxyScheme::Socks4 => ureq::ProxyProtocol::Socks4,
        ProxyScheme::Socks4a => ureq::ProxyProtocol::Socks4A,
        ProxyScheme::Socks5 => ureq::ProxyProtocol::Socks5,
        ProxyScheme::Socks5h => ureq::ProxyProtocol::Socks5h,
    };
    let mut builder = ureq::Proxy::builder(protocol)
        .host(&proxy.host)
        .port(proxy.port);
    if let Some((user, password)) = &proxy.credentials {
        builder = builder.username(user).password(password);
    }
    builder.build().map_err(|_| Failure::Proxy {
        var: proxy.var,
        proxy: proxy.shown(),
        problem: ProxyProblem::Invalid,
    })
}
