//! Why no answer came, sorted so each kind carries its own fix: doctor, setup and `token set
//! --verify` only display [`Failure`] and [`Failure::fix`].

use super::proxy::ProxyUrl;
use super::trust::TrustError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Timeout,
    Dns(String),
    Connect(String),
    Tls(TlsProblem, String),
    /// `CODEX_CA_CERTIFICATE` / `SSL_CERT_FILE` names a bundle Codex would refuse as well.
    Trust(TrustError),
    Proxy {
        /// The variable the proxy came from.
        var: &'static str,
        /// The proxy's address without credentials.
        proxy: String,
        problem: ProxyProblem,
    },
    Other(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsProblem {
    /// The chain ends at a CA that is not among the roots (a private or intercepting CA).
    UnknownIssuer,
    /// Expired or not yet valid (or this machine's clock is off).
    Expired,
    /// The certificate names other hosts.
    WrongHost,
    /// Anything else: a protocol mismatch, an alert, a bad signature.
    Handshake,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyProblem {
    /// No connection to the proxy itself.
    Unreachable(String),
    /// HTTP 407: credentials missing from the proxy URL, or rejected.
    AuthRequired { sent_credentials: bool },
    /// The proxy answered CONNECT (or the forwarded request) with another error status.
    Refused(u16),
    /// The proxy URL cannot be used.
    Invalid,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Timeout => f.write_str("no answer in time"),
            Failure::Dns(e) => write!(f, "the host name does not resolve ({e})"),
            Failure::Connect(e) => write!(f, "cannot connect ({e})"),
            Failure::Tls(TlsProblem::UnknownIssuer, e) => write!(
                f,
                "the server's certificate is issued by an authority that is not trusted here ({e})"
            ),
            Failure::Tls(TlsProblem::Expired, e) => write!(
                f,
                "the server's certificate has expired or is not valid yet ({e})"
            ),
            Failure::Tls(TlsProblem::WrongHost, e) => write!(
                f,
                "the server's certificate is not valid for this host name ({e})"
            ),
            Failure::Tls(TlsProblem::Handshake, e) => write!(f, "TLS failed ({e})"),
            Failure::Trust(e) => e.fmt(f),
            Failure::Proxy {
                var,
                proxy,
                problem,
            } => match problem {
                ProxyProblem::Unreachable(e) => {
                    write!(f, "cannot reach the proxy `{proxy}` (from ${var}): {e}")
                }
                ProxyProblem::AuthRequired {
                    sent_credentials: false,
                } => write!(
                    f,
                    "the proxy `{proxy}` (from ${var}) requires credentials (HTTP 407)"
                ),
                ProxyProblem::AuthRequired {
                    sent_credentials: true,
                } => write!(
                    f,
                    "the proxy `{proxy}` (from ${var}) rejected the credentials in ${var} (HTTP 407)"
                ),
                ProxyProblem::Refused(status) => write!(
                    f,
                    "the proxy `{proxy}` (from ${var}) refused the connection to the deployment (HTTP {status})"
                ),
                ProxyProblem::Invalid => write!(f, "the proxy URL in ${var} is not usable"),
            },
            Failure::Other(e) => f.write_str(e),
        }
    }
}

impl Failure {
    /// The next step for the user. Codex takes the same road (same roots, same proxy), so
    /// each fix is also what makes Codex work.
    pub fn fix(&self) -> String {
        match self {
            Failure::Timeout | Failure::Dns(_) | Failure::Connect(_) | Failure::Other(_) => {
                "check the deployment URL and your network (VPN, proxy, firewall)".into()
            }
            Failure::Tls(TlsProblem::UnknownIssuer, _) => "if your organisation uses its own certificate authority (or a TLS-inspecting proxy), point `CODEX_CA_CERTIFICATE` at its PEM file, e.g. `export CODEX_CA_CERTIFICATE=/path/to/corp-ca.pem`: Codex and codexgw add it to the system roots (`SSL_CERT_FILE` works too, but replaces the system roots)".into(),
            Failure::Tls(TlsProblem::Expired, _) => "ask the deployment's admin to renew its certificate, and check this machine's date and time".into(),
            Failure::Tls(TlsProblem::WrongHost, _) => "use the host name the certificate was issued for (the one in your browser's address bar), or ask the admin to add this name to the certificate".into(),
            Failure::Tls(TlsProblem::Handshake, _) => "check that the URL uses https only where the server speaks TLS, and whether something on the way (proxy, firewall) intercepts TLS; trust its CA with `CODEX_CA_CERTIFICATE`".into(),
            Failure::Trust(e) => format!(
                "point ${} at a readable PEM file with one or more `BEGIN CERTIFICATE` blocks, or unset it to use the system roots; Codex cannot connect with it either",
                e.var
            ),
            Failure::Proxy { var, problem, .. } => match problem {
                ProxyProblem::Unreachable(_) => format!(
                    "fix or unset ${var} (Codex uses the same proxy), or add the deployment's host to `NO_PROXY` if it is reachable directly"
                ),
                ProxyProblem::AuthRequired { sent_credentials: false } => format!(
                    "put the proxy credentials into the proxy URL: `{var}=http://USER:PASSWORD@host:port` (percent-encode special characters); Codex reads them from there too"
                ),
                ProxyProblem::AuthRequired { sent_credentials: true } => format!(
                    "correct the user or password in ${var} (percent-encode special characters)"
                ),
                ProxyProblem::Refused(_) => format!(
                    "ask your proxy's admin to allow the deployment, or add its host to `NO_PROXY` if it is reachable without ${var}"
                ),
                ProxyProblem::Invalid => format!(
                    "set ${var} to `http://host:port` (or `socks5://host:port`), or unset it"
                ),
            },
        }
    }
}

pub(super) fn proxy_failure(proxy: &ProxyUrl, problem: ProxyProblem) -> Failure {
    Failure::Proxy {
        var: proxy.var,
        proxy: proxy.shown(),
        problem,
    }
}

/// The proxy's answer to CONNECT or to a forwarded request, as a failure.
pub(super) fn proxy_status(proxy: &ProxyUrl, status: u16) -> Failure {
    let problem = if status == 407 {
        ProxyProblem::AuthRequired {
            sent_credentials: proxy.credentials.is_some(),
        }
    } else {
        ProxyProblem::Refused(status)
    };
    proxy_failure(proxy, problem)
}

/// ureq reports rustls errors inside I/O errors, so the TLS verdict is found by walking the
/// chain; connection errors while a proxy is in use are about the proxy.
pub(super) fn classify(error: ureq::Error, proxy: Option<&ProxyUrl>) -> Failure {
    if let Some(tls) = find_rustls(&error) {
        return tls_failure(tls);
    }
    let unreachable = |text: String| match proxy {
        Some(proxy) => proxy_failure(proxy, ProxyProblem::Unreachable(text)),
        None => Failure::Connect(text),
    };
    match error {
        ureq::Error::Timeout(_) => Failure::Timeout,
        ureq::Error::ConnectProxyFailed(reason) => match (proxy, proxy_reason_status(&reason)) {
            (Some(proxy), Some(status)) => proxy_status(proxy, status),
            (Some(proxy), None) => proxy_failure(proxy, ProxyProblem::Unreachable(reason)),
            (None, _) => Failure::Connect(reason),
        },
        ureq::Error::HostNotFound if proxy.is_some() => unreachable("host not found".into()),
        ureq::Error::HostNotFound => Failure::Dns("host not found".into()),
        ureq::Error::ConnectionFailed => unreachable("connection failed".into()),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => Failure::Timeout,
        // std's resolver reports a failed lookup as a plain I/O error.
        ureq::Error::Io(e) if e.to_string().contains("lookup address") => match proxy {
            Some(_) => unreachable(e.to_string()),
            None => Failure::Dns(e.to_string()),
        },
        ureq::Error::Io(e) if is_connect_error(e.kind()) => unreachable(e.to_string()),
        ureq::Error::Io(e) => Failure::Connect(e.to_string()),
        ureq::Error::Tls(e) => Failure::Tls(TlsProblem::Handshake, e.to_string()),
        other => Failure::Other(other.to_string()),
    }
}

pub(super) fn is_connect_error(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        kind,
        ConnectionRefused | AddrNotAvailable | HostUnreachable | NetworkUnreachable
    )
}

/// ureq words a failed CONNECT as `proxy server responded 407/Proxy Authentication Required`.
fn proxy_reason_status(reason: &str) -> Option<u16> {
    let rest = reason.split("responded ").nth(1)?;
    rest.get(..3)?.parse().ok()
}

fn find_rustls(error: &ureq::Error) -> Option<&rustls::Error> {
    let mut current: &(dyn std::error::Error + 'static) = match error {
        ureq::Error::Rustls(e) => return Some(e),
        ureq::Error::Io(e) => e,
        _ => return None,
    };
    loop {
        if let Some(found) = current.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        // io::Error::source() skips its payload; get_ref() is the payload itself.
        let next = match current.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
        current = next?;
    }
}

fn tls_failure(error: &rustls::Error) -> Failure {
    use rustls::CertificateError as C;
    let problem = match error {
        rustls::Error::InvalidCertificate(certificate) => match certificate {
            C::UnknownIssuer => TlsProblem::UnknownIssuer,
            C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. } => TlsProblem::Expired,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::WrongHost,
            _ => TlsProblem::Handshake,
        },
        _ => TlsProblem::Handshake,
    };
    Failure::Tls(problem, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io_wrapped(error: rustls::Error) -> ureq::Error {
        ureq::Error::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, error))
    }

    #[test]
    fn rustls_errors_inside_io_errors_are_found() {
        let cases = [
            (
                rustls::CertificateError::UnknownIssuer,
                TlsProblem::UnknownIssuer,
            ),
            (rustls::CertificateError::Expired, TlsProblem::Expired),
            (
                rustls::CertificateError::NotValidForName,
                TlsProblem::WrongHost,
            ),
            (
                rustls::CertificateError::BadSignature,
                TlsProblem::Handshake,
            ),
        ];
        for (certificate, expected) in cases {
            let failure = classify(
                io_wrapped(rustls::Error::InvalidCertificate(certificate)),
                None,
            );
            assert!(
                matches!(failure, Failure::Tls(problem, _) if problem == expected),
                "{failure:?}"
            );
        }
    }

    #[test]
    fn unknown_issuer_fix_names_the_ca_variables() {
        let failure = Failure::Tls(TlsProblem::UnknownIssuer, String::new());
        let fix = failure.fix();
        assert!(fix.contains("CODEX_CA_CERTIFICATE"), "{fix}");
        assert!(
            fix.contains("`SSL_CERT_FILE` works too, but replaces the system roots"),
            "{fix}"
        );
    }

    fn proxy(credentials: bool) -> ProxyUrl {
        let vars = [(
            "HTTPS_PROXY".to_string(),
            if credentials {
                "http://u:secret-pw@proxy:3128".to_string()
            } else {
                "http://proxy:3128".to_string()
            },
        )];
        let rules =
            super::super::proxy::ProxyRules::from_env(&crate::environment::Environment::new(vars));
        rules
            .for_url(&url::Url::parse("https://coder.example").unwrap())
            .unwrap()
            .clone()
    }

    #[test]
    fn a_407_names_the_proxy_credentials_and_never_shows_them() {
        for credentials in [false, true] {
            let p = proxy(credentials);
            let failure = classify(
                ureq::Error::ConnectProxyFailed(
                    "proxy server responded 407/Proxy Authentication Required".into(),
                ),
                Some(&p),
            );
            assert_eq!(
                failure,
                Failure::Proxy {
                    var: "HTTPS_PROXY",
                    proxy: "http://proxy:3128".into(),
                    problem: ProxyProblem::AuthRequired {
                        sent_credentials: credentials
                    }
                }
            );
            let text = format!("{failure} {}", failure.fix());
            assert!(text.contains("HTTPS_PROXY"), "{text}");
            assert!(!text.contains("secret-pw"), "{text}");
        }
        let fix = classify(
            ureq::Error::ConnectProxyFailed("proxy server responded 407/x".into()),
            Some(&proxy(false)),
        )
        .fix();
        assert!(fix.contains("USER:PASSWORD@"), "{fix}");
    }

    #[test]
    fn a_refused_connection_with_a_proxy_is_the_proxy_being_down() {
        let p = proxy(false);
        let refused = || {
            ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::ConnectionRefused,
                "refused",
            ))
        };
        let failure = classify(refused(), Some(&p));
        assert!(
            matches!(
                &failure,
                Failure::Proxy {
                    problem: ProxyProblem::Unreachable(_),
                    ..
                }
            ),
            "{failure:?}"
        );
        assert!(failure.fix().contains("$HTTPS_PROXY"), "{}", failure.fix());
        assert!(matches!(classify(refused(), None), Failure::Connect(_)));
    }
}
