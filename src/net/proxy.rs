//! Which proxy a request goes through, by the rules Codex inherits from reqwest (hyper-util's
//! `proxy::matcher`), so codexgw's probes take the same road as Codex's requests:
//! - `HTTPS_PROXY` for `https://` targets and `HTTP_PROXY` for `http://` targets; the upper-case
//!   name wins over the lower-case one when it is set at all (even empty);
//! - `ALL_PROXY` only where the scheme's own variable is missing or unusable;
//! - `NO_PROXY` lists domains (a leading dot is optional, subdomains match), IP addresses and
//!   CIDRs; `*` matches every host *name* but not an IP literal, like reqwest;
//! - no loopback bypass, and no proxy at all under CGI (`REQUEST_METHOD` set), against httpoxy.

use std::net::IpAddr;

use crate::environment::Environment;

/// The proxy variables as Codex reads them, parsed once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyRules {
    http: Option<ProxyUrl>,
    https: Option<ProxyUrl>,
    no_proxy: Vec<NoProxyEntry>,
}

/// One configured proxy and the variable it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    /// `HTTPS_PROXY`, `https_proxy`, `ALL_PROXY`, …: what a fix must name.
    pub var: &'static str,
    pub scheme: ProxyScheme,
    pub host: String,
    pub port: u16,
    /// Percent-decoded user and password from the URL; never shown.
    pub credentials: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyScheme {
    Http,
    Https,
    Socks4,
    Socks4a,
    Socks5,
    Socks5h,
}

impl ProxyScheme {
    pub fn name(self) -> &'static str {
        match self {
            ProxyScheme::Http => "http",
            ProxyScheme::Https => "https",
            ProxyScheme::Socks4 => "socks4",
            ProxyScheme::Socks4a => "socks4a",
            ProxyScheme::Socks5 => "socks5",
            ProxyScheme::Socks5h => "socks5h",
        }
    }
}

impl ProxyUrl {
    /// The proxy's address without credentials, safe to print.
    pub fn shown(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{}://{host}:{}", self.scheme.name(), self.port)
    }
}

impl std::fmt::Debug for ProxyUrl {
    // Credentials stay out of debug output and panics.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}{})",
            self.shown(),
            self.var,
            if self.credentials.is_some() {
                ", with credentials"
            } else {
                ""
            }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum NoProxyEntry {
    Ip(IpAddr),
    Cidr(IpAddr, u8),
    Domain(String),
}

const UPPER_THEN_LOWER: [(&str, &str); 4] = [
    ("ALL_PROXY", "all_proxy"),
    ("HTTP_PROXY", "http_proxy"),
    ("HTTPS_PROXY", "https_proxy"),
    ("NO_PROXY", "no_proxy"),
];

impl ProxyRules {
    pub fn from_env(env: &Environment) -> ProxyRules {
        if env.is_set("REQUEST_METHOD") {
            return ProxyRules::default();
        }
        let first = |index: usize| {
            let (upper, lower) = UPPER_THEN_LOWER[index];
            [upper, lower]
                .into_iter()
                .find(|name| env.is_set(name))
                .map(|name| (name, env.var(name).unwrap_or_default().to_string()))
        };
        let parse = |found: Option<(&'static str, String)>| {
            found.and_then(|(var, value)| ProxyUrl::parse(var, &value))
        };
        let all = parse(first(0));
        ProxyRules {
            http: parse(first(1)).or_else(|| all.clone()),
            https: parse(first(2)).or(all),
            no_proxy: first(3)
                .map(|(_, list)| parse_no_proxy(&list))
                .unwrap_or_default(),
        }
    }

    /// The proxy for `url`, or `None` to connect directly.
    pub fn for_url(&self, url: &url::Url) -> Option<&ProxyUrl> {
        let host = url.host_str()?;
        if self.bypass(host) {
            return None;
        }
        match url.scheme() {
            "http" => self.http.as_ref(),
            "https" => self.https.as_ref(),
            _ => None,
        }
    }

    fn bypass(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        match host.parse::<IpAddr>() {
            Ok(ip) => self.no_proxy.iter().any(|entry| match entry {
                NoProxyEntry::Ip(listed) => *listed == ip,
                NoProxyEntry::Cidr(net, bits) => in_network(ip, *net, *bits),
                NoProxyEntry::Domain(_) => false,
            }),
            Err(_) => self.no_proxy.iter().any(|entry| match entry {
                NoProxyEntry::Domain(domain) => domain_matches(domain, host),
                _ => false,
            }),
        }
    }
}

impl ProxyUrl {
    /// A proxy variable's value as reqwest reads it: no scheme means `http`, only http(s) and
    /// socks schemes count, any path is dropped, user and password are percent-decoded.
    fn parse(var: &'static str, value: &str) -> Option<ProxyUrl> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let with_scheme = if value.contains("://") {
            value.to_string()
        } else {
            format!("http://{value}")
        };
        let url = url::Url::parse(&with_scheme).ok()?;
        let scheme = match url.scheme() {
            "http" => ProxyScheme::Http,
            "https" => ProxyScheme::Https,
            "socks4" => ProxyScheme::Socks4,
            "socks4a" => ProxyScheme::Socks4a,
            "socks5" => ProxyScheme::Socks5,
            "socks5h" => ProxyScheme::Socks5h,
            _ => return None,
        };
        let host = url
            .host_str()?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = url.port().unwrap_or(match scheme {
            ProxyScheme::Http => 80,
            ProxyScheme::Https => 443,
            _ => 1080,
        });
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = (!url.username().is_empty() || url.password().is_some()).then(|| {
            (
                decode(url.username()),
                decode(url.password().unwrap_or_default()),
            )
        });
        Some(ProxyUrl {
            var,
            scheme,
            host,
            port,
            credentials,
        })
    }
}

fn parse_no_proxy(list: &str) -> Vec<NoProxyEntry> {
    list.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            if let Some((addr, bits)) = part.split_once('/')
                && let (Ok(addr), Ok(bits)) = (addr.parse::<IpAddr>(), bits.parse::<u8>())
                && bits <= if addr.is_ipv4() { 32 } else { 128 }
            {
                return NoProxyEntry::Cidr(addr, bits);
            }
            match part.parse::<IpAddr>() {
                Ok(ip) => NoProxyEntry::Ip(ip),
                Err(_) => NoProxyEntry::Domain(part.to_string()),
            }
        })
        .collect()
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// `example.com` and `.example.com` both match `example.com` and every subdomain; `*` matches
/// every name. Case does not matter.
fn domain_matches(entry: &str, host: &str) -> bool {
    if entry == "*" {
        return true;
    }
    let entry = entry.strip_prefix('.').unwrap_or(entry);
    let host = host.to_ascii_lowercase();
    let entry = entry.to_ascii_lowercase();
    host == entry || host.ends_with(&format!(".{entry}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(vars: &[(&str, &str)]) -> ProxyRules {
        ProxyRules::from_env(&Environment::new(
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        ))
    }

    fn chosen(rules: &ProxyRules, url: &str) -> Option<String> {
        rules
            .for_url(&url::Url::parse(url).unwrap())
            .map(|p| format!("{} {}", p.var, p.shown()))
    }

    #[test]
    fn each_scheme_takes_its_own_variable() {
        let r = rules(&[
            ("HTTPS_PROXY", "http://secure:3128"),
            ("HTTP_PROXY", "http://plain:3128"),
        ]);
        assert_eq!(
            chosen(&r, "https://coder.example.com").as_deref(),
            Some("HTTPS_PROXY http://secure:3128")
        );
        assert_eq!(
            chosen(&r, "http://coder.example.com").as_deref(),
            Some("HTTP_PROXY http://plain:3128")
        );
    }

    #[test]
    fn http_proxy_alone_leaves_https_direct() {
        let r = rules(&[("HTTP_PROXY", "http://plain:3128")]);
        assert_eq!(chosen(&r, "https://coder.example.com"), None);
    }

    #[test]
    fn all_proxy_is_only_a_fallback() {
        let r = rules(&[
            ("ALL_PROXY", "http://all:1"),
            ("HTTPS_PROXY", "http://secure:2"),
        ]);
        assert_eq!(
            chosen(&r, "https://a.example").as_deref(),
            Some("HTTPS_PROXY http://secure:2")
        );
        assert_eq!(
            chosen(&r, "http://a.example").as_deref(),
            Some("ALL_PROXY http://all:1")
        );
        // An unusable scheme-specific value falls back too, as in reqwest.
        let r = rules(&[("all_proxy", "all:1"), ("HTTPS_PROXY", "ftp://nope:2")]);
        assert_eq!(
            chosen(&r, "https://a.example").as_deref(),
            Some("all_proxy http://all:1")
        );
    }

    #[test]
    fn upper_case_wins_when_set_even_if_empty() {
        let r = rules(&[
            ("HTTPS_PROXY", "http://upper:1"),
            ("https_proxy", "http://lower:2"),
        ]);
        assert_eq!(
            chosen(&r, "https://a.example").as_deref(),
            Some("HTTPS_PROXY http://upper:1")
        );
        let r = rules(&[("HTTPS_PROXY", ""), ("https_proxy", "http://lower:2")]);
        assert_eq!(chosen(&r, "https://a.example"), None);
        let r = rules(&[("https_proxy", "http://lower:2")]);
        assert_eq!(
            chosen(&r, "https://a.example").as_deref(),
            Some("https_proxy http://lower:2")
        );
    }

    #[test]
    fn a_value_without_scheme_is_http_and_default_ports_apply() {
        let r = rules(&[("HTTPS_PROXY", "proxy.corp"), ("HTTP_PROXY", "https://p")]);
        assert_eq!(
            chosen(&r, "https://a.example").as_deref(),
            Some("HTTPS_PROXY http://proxy.corp:80")
        );
        assert_eq!(
            chosen(&r, "http://a.example").as_deref(),
            Some("HTTP_PROXY https://p:443")
        );
    }

    #[test]
    fn credentials_are_decoded_and_never_shown() {
        let r = rules(&[("HTTPS_PROXY", "http://al%40ice:p%3Ass@proxy:8080/ignored")]);
        let proxy = r
            .for_url(&url::Url::parse("https://a.example").unwrap())
            .unwrap();
        assert_eq!(
            proxy.credentials,
            Some(("al@ice".to_string(), "p:ss".to_string()))
        );
        assert_eq!(proxy.shown(), "http://proxy:8080");
        let debug = format!("{proxy:?}");
        assert!(
            !debug.contains("p:ss") && !debug.contains("p%3Ass"),
            "{debug}"
        );
    }

    #[test]
    fn no_proxy_domains_match_themselves_and_subdomains() {
        for entry in ["example.com", ".example.com", "EXAMPLE.com"] {
            let r = rules(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", entry)]);
            assert_eq!(chosen(&r, "https://example.com"), None, "{entry}");
            assert_eq!(chosen(&r, "https://coder.Example.com"), None, "{entry}");
            assert!(chosen(&r, "https://notexample.com").is_some(), "{entry}");
            assert!(chosen(&r, "https://example.com.evil").is_some(), "{entry}");
        }
    }

    #[test]
    fn no_proxy_ips_and_cidrs() {
        let r = rules(&[
            ("HTTPS_PROXY", "http://p:1"),
            ("no_proxy", " 10.0.0.0/8 , 192.168.1.7,::1, fd00::/8"),
        ]);
        assert_eq!(chosen(&r, "https://10.1.2.3"), None);
        assert_eq!(chosen(&r, "https://192.168.1.7"), None);
        assert!(chosen(&r, "https://192.168.1.8").is_some());
        assert!(chosen(&r, "https://11.0.0.1").is_some());
        assert_eq!(chosen(&r, "https://[::1]:8443"), None);
        assert_eq!(chosen(&r, "https://[fd12::1]"), None);
        assert!(chosen(&r, "https://[fe80::1]").is_some());
    }

    #[test]
    fn star_matches_names_but_not_ip_literals() {
        let r = rules(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "*")]);
        assert_eq!(chosen(&r, "https://coder.example.com"), None);
        assert_eq!(chosen(&r, "https://localhost:8443"), None);
        assert!(chosen(&r, "https://127.0.0.1:8443").is_some());
    }

    #[test]
    fn loopback_is_not_bypassed() {
        let r = rules(&[("HTTPS_PROXY", "http://p:1")]);
        assert!(chosen(&r, "https://127.0.0.1:8443").is_some());
        assert!(chosen(&r, "https://localhost").is_some());
    }

    #[test]
    fn cgi_means_no_proxy_at_all() {
        let r = rules(&[
            ("REQUEST_METHOD", "GET"),
            ("HTTPS_PROXY", "http://p:1"),
            ("ALL_PROXY", "http://p:2"),
        ]);
        assert_eq!(chosen(&r, "https://a.example"), None);
        assert_eq!(chosen(&r, "http://a.example"), None);
    }

    #[test]
    fn socks_schemes_are_kept_other_schemes_dropped() {
        let r = rules(&[("ALL_PROXY", "socks5h://s:1080")]);
        assert_eq!(
            chosen(&r, "https://a.example").as_deref(),
            Some("ALL_PROXY socks5h://s:1080")
        );
        let r = rules(&[("ALL_PROXY", "ftp://s:21")]);
        assert_eq!(chosen(&r, "https://a.example"), None);
    }
}
