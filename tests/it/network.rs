//! Private CAs and proxies, side by side with the real Codex: a loopback HTTPS deployment signed
//! by a CA made in the test, a loopback proxy (CONNECT, absolute-form, 407), and for each
//! situation doctor's `net.deployment` verdict must equal whether Codex's request reached the
//! deployment — on every pinned Codex version that is installed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Options, VALID_TOKEN};
use crate::support::proxy::{Proxy, dead_port};
use crate::support::real_codex;
use crate::support::tls::{Leaf, PrivateCa, TlsFront};

/// Codex retries an unreachable gateway for a long while ("Reconnecting…"); a turn that
/// reaches the fake ends in about two seconds, so this bounds one that does not.
const CODEX_LIMIT: Duration = Duration::from_secs(15);

/// Variables a situation adds to the isolated environment.
type Env = Vec<(&'static str, String)>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cert {
    Good,
    WrongHost,
    Expired,
}

/// Everything the situations share.
struct World {
    dir: tempfile::TempDir,
    proxy: Proxy,
    auth_proxy: Proxy,
    dead_proxy: String,
    leaves: [(Cert, Leaf); 3],
}

impl World {
    fn new() -> World {
        let ca = PrivateCa::new();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), &ca.pem).unwrap();
        ca.write_hashed(&dir.path().join("certs"));
        std::fs::create_dir_all(dir.path().join("plain")).unwrap();
        std::fs::write(dir.path().join("plain/ca.pem"), &ca.pem).unwrap();
        std::fs::write(
            dir.path().join("trusted.pem"),
            ca.pem
                .replace("CERTIFICATE-----", "TRUSTED CERTIFICATE-----"),
        )
        .unwrap();
        let leaves = [
            (Cert::Good, ca.leaf(&["localhost", "127.0.0.1"], false)),
            (Cert::WrongHost, ca.leaf(&["coder.internal"], false)),
            (Cert::Expired, ca.leaf(&["localhost", "127.0.0.1"], true)),
        ];
        World {
            proxy: Proxy::start(None),
            auth_proxy: Proxy::start(Some(("alice", "s3cr:t"))),
            dead_proxy: format!("http://127.0.0.1:{}", dead_port()),
            leaves,
            dir,
        }
    }

    fn ca_file(&self) -> String {
        self.dir.path().join("ca.pem").display().to_string()
    }

    fn leaf(&self, cert: Cert) -> &Leaf {
        &self.leaves.iter().find(|(c, _)| *c == cert).unwrap().1
    }
}

struct Situation {
    name: &'static str,
    https: bool,
    host: &'static str,
    cert: Cert,
    env: fn(&World) -> Env,
    /// Whether Codex reaches the deployment (FACTS.md; the real Codex has the last word).
    reaches: bool,
    /// Which proxy must have seen the request: `None` for a direct connection.
    via: Option<Via>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Via {
    Proxy,
    AuthProxy,
}

fn ca(w: &World) -> (&'static str, String) {
    ("CODEX_CA_CERTIFICATE", w.ca_file())
}

fn situations() -> Vec<Situation> {
    let s = |name, host, env, reaches, via| Situation {
        name,
        https: true,
        host,
        cert: Cert::Good,
        env,
        reaches,
        via,
    };
    vec![
        s("no CA given", "127.0.0.1", |_| vec![], false, None),
        s(
            "CODEX_CA_CERTIFICATE",
            "127.0.0.1",
            |w| vec![ca(w)],
            true,
            None,
        ),
        s(
            "SSL_CERT_FILE",
            "127.0.0.1",
            |w| vec![("SSL_CERT_FILE", w.ca_file())],
            true,
            None,
        ),
        s(
            "SSL_CERT_DIR (hash-named file)",
            "127.0.0.1",
            |w| {
                vec![(
                    "SSL_CERT_DIR",
                    w.dir.path().join("certs").display().to_string(),
                )]
            },
            // Only OpenSSL reads it; Codex uses the system's TLS on macOS and Windows.
            cfg!(all(unix, not(target_os = "macos"))),
            None,
        ),
        s(
            "SSL_CERT_DIR without hash names",
            "127.0.0.1",
            |w| {
                vec![(
                    "SSL_CERT_DIR",
                    w.dir.path().join("plain").display().to_string(),
                )]
            },
            false,
            None,
        ),
        s(
            "TRUSTED CERTIFICATE block",
            "127.0.0.1",
            |w| {
                vec![(
                    "CODEX_CA_CERTIFICATE",
                    w.dir.path().join("trusted.pem").display().to_string(),
                )]
            },
            true,
            None,
        ),
        s(
            "CODEX_CA_CERTIFICATE wins over a bad SSL_CERT_FILE",
            "127.0.0.1",
            |w| {
                vec![
                    ca(w),
                    (
                        "SSL_CERT_FILE",
                        w.dir.path().join("missing.pem").display().to_string(),
                    ),
                ]
            },
            true,
            None,
        ),
        s(
            "empty CODEX_CA_CERTIFICATE, SSL_CERT_FILE",
            "127.0.0.1",
            |w| {
                vec![
                    ("CODEX_CA_CERTIFICATE", String::new()),
                    ("SSL_CERT_FILE", w.ca_file()),
                ]
            },
            true,
            None,
        ),
        s(
            "CODEX_CA_CERTIFICATE unreadable",
            "127.0.0.1",
            |w| {
                vec![(
                    "CODEX_CA_CERTIFICATE",
                    w.dir.path().join("missing.pem").display().to_string(),
                )]
            },
            false,
            None,
        ),
        Situation {
            cert: Cert::WrongHost,
            ..s("wrong host name", "127.0.0.1", |w| vec![ca(w)], false, None)
        },
        Situation {
            cert: Cert::Expired,
            ..s(
                "expired certificate",
                "127.0.0.1",
                |w| vec![ca(w)],
                false,
                None,
            )
        },
        s(
            "HTTPS_PROXY tunnels (CONNECT)",
            "127.0.0.1",
            |w| vec![ca(w), ("HTTPS_PROXY", w.proxy.url())],
            true,
            Some(Via::Proxy),
        ),
        s(
            "HTTPS_PROXY beats ALL_PROXY",
            "127.0.0.1",
            |w| {
                vec![
                    ca(w),
                    ("HTTPS_PROXY", w.dead_proxy.clone()),
                    ("ALL_PROXY", w.proxy.url()),
                ]
            },
            false,
            None,
        ),
        s(
            "ALL_PROXY as the fallback",
            "127.0.0.1",
            |w| vec![ca(w), ("ALL_PROXY", w.proxy.url())],
            true,
            Some(Via::Proxy),
        ),
        s(
            "HTTP_PROXY does not apply to https",
            "127.0.0.1",
            |w| vec![ca(w), ("HTTP_PROXY", w.dead_proxy.clone())],
            true,
            None,
        ),
        s(
            "lower-case https_proxy down",
            "127.0.0.1",
            |w| vec![ca(w), ("https_proxy", w.dead_proxy.clone())],
            false,
            None,
        ),
        s(
            "empty HTTPS_PROXY hides https_proxy",
            "127.0.0.1",
            |w| {
                vec![
                    ca(w),
                    ("HTTPS_PROXY", String::new()),
                    ("https_proxy", w.dead_proxy.clone()),
                ]
            },
            true,
            None,
        ),
        s(
            "unusable HTTPS_PROXY falls back to ALL_PROXY",
            "127.0.0.1",
            |w| {
                vec![
                    ca(w),
                    ("HTTPS_PROXY", "ftp://127.0.0.1:9".into()),
                    ("ALL_PROXY", w.proxy.url()),
                ]
            },
            true,
            Some(Via::Proxy),
        ),
        s(
            "NO_PROXY domain",
            "localhost",
            |w| {
                vec![
                    ca(w),
                    ("HTTPS_PROXY", w.dead_proxy.clone()),
                    ("NO_PROXY", "example.com,LOCALHOST".into()),
                ]
            },
            true,
            None,
        ),
        s(
            "NO_PROXY CIDR",
            "127.0.0.1",
            |w| {
                vec![
                    ca(w),
                    ("HTTPS_PROXY", w.dead_proxy.clone()),
                    ("NO_PROXY", "10.0.0.0/8, 127.0.0.0/8".into()),
                ]
            },
            true,
            None,
        ),
        s(
            "NO_PROXY * and a host name",
            "localhost",
            |w| {
                vec![
                    ca(w),
                    ("HTTPS_PROXY", w.dead_proxy.clone()),
                    ("NO_PROXY", "*".into()),
                ]
            },
            true,
            None,
        ),
        s(
            "NO_PROXY * and an IP address",
            "127.0.0.1",
            |w| {
                vec![
                    ca(w),
                    ("HTTPS_PROXY", w.dead_proxy.clone()),
                    ("NO_PROXY", "*".into()),
                ]
            },
            false,
            None,
        ),
        s(
            "no loopback bypass",
            "localhost",
            |w| vec![ca(w), ("HTTPS_PROXY", w.dead_proxy.clone())],
            false,
            None,
        ),
        s(
            "proxy wants credentials (407)",
            "127.0.0.1",
            |w| vec![ca(w), ("HTTPS_PROXY", w.auth_proxy.url())],
            false,
            None,
        ),
        s(
            "proxy credentials in the URL",
            "127.0.0.1",
            |w| {
                let url = w
                    .auth_proxy
                    .url()
                    .replace("http://", "http://alice:s3cr%3At@");
                vec![ca(w), ("HTTPS_PROXY", url)]
            },
            true,
            Some(Via::AuthProxy),
        ),
        s(
            "CGI: no proxy under REQUEST_METHOD",
            "127.0.0.1",
            |w| {
                vec![
                    ca(w),
                    ("HTTPS_PROXY", w.dead_proxy.clone()),
                    ("REQUEST_METHOD", "GET".into()),
                ]
            },
            true,
            None,
        ),
        Situation {
            https: false,
            ..s(
                "http target via HTTP_PROXY (absolute-form)",
                "127.0.0.1",
                |w| vec![("HTTP_PROXY", w.proxy.url())],
                true,
                Some(Via::Proxy),
            )
        },
        Situation {
            https: false,
            ..s(
                "http target ignores HTTPS_PROXY",
                "127.0.0.1",
                |w| vec![("HTTPS_PROXY", w.dead_proxy.clone())],
                true,
                None,
            )
        },
    ]
}

/// A fresh deployment for one situation: the fake, and a TLS front when https.
struct Deployment {
    fake: FakeCoder,
    _front: Option<TlsFront>,
    url: String,
}

fn deploy(world: &World, situation: &Situation) -> Deployment {
    let fake = FakeCoder::start(Options::default());
    let (front, port) = if situation.https {
        let front = TlsFront::start(world.leaf(situation.cert), fake.port);
        let port = front.port;
        (Some(front), port)
    } else {
        (None, fake.port)
    };
    let scheme = if situation.https { "https" } else { "http" };
    Deployment {
        url: format!("{scheme}://{}:{port}", situation.host),
        fake,
        _front: front,
    }
}

fn config(url: &str) -> String {
    format!(
        r#"model_provider = "ai_gateway"

[model_providers.ai_gateway]
name = "AI Gateway"
base_url = "{url}/api/v2/aibridge/openai/v1"
env_key = "OPENAI_API_KEY"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0
"#
    )
}

fn doctor_deployment(home: &TestHome, env: &[(&'static str, String)]) -> Value {
    let output = home
        .codexgw()
        .args(["doctor", "--json", "--timeout", "5"])
        .env("CODER_API_TOKEN", VALID_TOKEN)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "doctor --json printed no JSON: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "net.deployment")
        .unwrap()
        .clone()
}

/// Runs one `codex exec` turn, bounded; true when its request reached the deployment.
fn codex_reaches(
    home: &TestHome,
    codex: &Path,
    env: &[(&'static str, String)],
    fake: &FakeCoder,
) -> (bool, String) {
    let log = home.dir.path().join("codex.log");
    let mut command = Command::new(codex);
    crate::support::own_process_group(&mut command);
    let mut child = command
        .args(["exec", "--skip-git-repo-check", "-m", "gpt-5", "say hi"])
        .env_clear()
        .envs(home.env())
        .env("OPENAI_API_KEY", VALID_TOKEN)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .current_dir(home.home())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(log.with_extension("err")).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let reached = |fake: &FakeCoder| !fake.requests_to("/responses").is_empty();
    let stderr = || std::fs::read_to_string(log.with_extension("err")).unwrap_or_default();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        // Its first attempt failed; the world does not change, so neither will the retries.
        let retrying = stderr().contains("Reconnecting...") && !reached(fake);
        if retrying || started.elapsed() > CODEX_LIMIT {
            crate::support::kill_group(&mut child);
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stderr = stderr();
    let tail: String = stderr.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
    let summary = match status {
        Some(status) => format!("exit {:?}: {tail}", status.code()),
        None => format!(
            "stopped after {:.1}s: {tail}",
            started.elapsed().as_secs_f64()
        ),
    };
    (
        reached(fake) && status.is_some_and(|s| s.success()),
        summary,
    )
}

/// What is wrong with the way `who` went through the open proxy since `before`: CONNECT for
/// https, absolute-form for http (as reqwest does).
fn wrong_road(world: &World, before: usize, situation: &Situation, who: &str) -> Option<String> {
    let seen = world.proxy.seen();
    let new = &seen[before..];
    let wanted_connect = situation.https;
    let wrong: Vec<_> = new
        .iter()
        .filter(|s| {
            (s.method == "CONNECT") != wanted_connect
                || (!wanted_connect && !s.target.starts_with("http://"))
        })
        .collect();
    (!wrong.is_empty()).then(|| {
        format!(
            "{}: {who} went through the proxy as {wrong:?}",
            situation.name
        )
    })
}

/// Kills the child and everything in its process group (it leads its own group).
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn doctor_reaches_the_deployment_exactly_when_codex_does() {
    let codexes = real_codex::versions();
    let world = World::new();
    let mut agreements = vec![0; codexes.len()];
    let mut report = Vec::new();
    let mut problems = Vec::new();
    let all = situations();
    for situation in &all {
        let deployment = deploy(&world, situation);
        let env = (situation.env)(&world);
        let home = TestHome::new();
        home.write_config(&config(&deployment.url));

        let before = (world.proxy.seen().len(), world.auth_proxy.seen().len());
        let check = doctor_deployment(&home, &env);
        problems.extend(wrong_road(&world, before.0, situation, "doctor"));
        let doctor_passes = check["status"] == "pass";
        let used = (
            world.proxy.seen().len() > before.0,
            world.auth_proxy.seen().len() > before.1,
        );
        let via = match used {
            (true, _) => Some(Via::Proxy),
            (_, true) => Some(Via::AuthProxy),
            _ => None,
        };
        if doctor_passes != situation.reaches {
            problems.push(format!(
                "{}: doctor says {} (expected {}): {} / fix: {}",
                situation.name, check["status"], situation.reaches, check["summary"], check["fix"]
            ));
        }
        if situation.reaches && via != situation.via {
            problems.push(format!(
                "{}: doctor went {via:?}, expected {:?}",
                situation.name, situation.via
            ));
        }
        let mut line = format!(
            "{:<44} doctor {:<4}",
            situation.name,
            check["status"].as_str().unwrap()
        );
        for (index, (version, codex)) in codexes.iter().enumerate() {
            let home = TestHome::new();
            home.write_config(&config(&deployment.url));
            let seen_before = world.proxy.seen().len();
            let (reached, summary) = codex_reaches(&home, codex, &env, &deployment.fake);
            problems.extend(wrong_road(
                &world,
                seen_before,
                situation,
                &format!("Codex {version}"),
            ));
            if reached == doctor_passes {
                agreements[index] += 1;
            } else {
                problems.push(format!(
                    "{}: Codex {version} reached={reached} but doctor {} ({summary}); doctor: {}",
                    situation.name, check["status"], check["summary"]
                ));
            }
            line.push_str(&format!(
                "  codex {version} {}",
                if reached { "reach" } else { "no" }
            ));
        }
        eprintln!("{line}");
        report.push(line);
    }
    for (index, (version, _)) in codexes.iter().enumerate() {
        report.push(format!(
            "Codex {version}: doctor agrees in {} of {} situations",
            agreements[index],
            all.len()
        ));
    }
    eprintln!("{}", report.join("\n"));
    assert!(
        problems.is_empty(),
        "{}\n\n{}",
        problems.join("\n"),
        report.join("\n")
    );
}

/// Each failure names its cause and the fix, without the proxy password.
#[test]
fn failures_name_the_variable_to_fix() {
    let world = World::new();
    let cases: Vec<(&str, Cert, Env, &[&str])> = vec![
        (
            "no CA",
            Cert::Good,
            vec![],
            &[
                "not trusted",
                "CODEX_CA_CERTIFICATE",
                "replaces the system roots",
            ],
        ),
        (
            "wrong host",
            Cert::WrongHost,
            vec![ca(&world)],
            &[
                "not valid for this host name",
                "host name the certificate was issued for",
            ],
        ),
        (
            "expired",
            Cert::Expired,
            vec![ca(&world)],
            &["expired", "renew"],
        ),
        (
            "unreadable bundle",
            Cert::Good,
            vec![("SSL_CERT_FILE", "/nonexistent/ca.pem".into())],
            &["$SSL_CERT_FILE", "/nonexistent/ca.pem", "readable PEM file"],
        ),
        (
            "407",
            Cert::Good,
            vec![ca(&world), ("HTTPS_PROXY", world.auth_proxy.url())],
            &["407", "USER:PASSWORD@", "HTTPS_PROXY"],
        ),
        (
            "wrong proxy password",
            Cert::Good,
            vec![
                ca(&world),
                (
                    "HTTPS_PROXY",
                    world
                        .auth_proxy
                        .url()
                        .replace("http://", "http://alice:wrong-pw@"),
                ),
            ],
            &[
                "rejected the credentials in $HTTPS_PROXY",
                "correct the user or password",
            ],
        ),
        (
            "proxy down",
            Cert::Good,
            vec![ca(&world), ("ALL_PROXY", world.dead_proxy.clone())],
            &["cannot reach the proxy", "$ALL_PROXY", "NO_PROXY"],
        ),
    ];
    for (name, cert, env, expected) in cases {
        let situation = Situation {
            name,
            https: true,
            host: "127.0.0.1",
            cert,
            env: |_| vec![],
            reaches: false,
            via: None,
        };
        let deployment = deploy(&world, &situation);
        let home = TestHome::new();
        home.write_config(&config(&deployment.url));
        let check = doctor_deployment(&home, &env);
        assert_eq!(check["status"], "fail", "{name}: {check}");
        let text = format!("{} {}", check["summary"], check["fix"]);
        for needle in expected {
            assert!(
                text.contains(needle),
                "{name}: `{needle}` missing from {text}"
            );
        }
        assert!(
            !text.contains("wrong-pw") && !text.contains("s3cr"),
            "{name}: {text}"
        );
        assert!(
            deployment.fake.requests().is_empty(),
            "{name}: the request got through"
        );
    }
}

/// `setup --route auto` and `token set --verify` use the same client as doctor.
#[test]
fn setup_and_token_verify_trust_the_private_ca_like_codex() {
    let world = World::new();
    let situation = Situation {
        name: "setup",
        https: true,
        host: "127.0.0.1",
        cert: Cert::Good,
        env: |_| vec![],
        reaches: true,
        via: None,
    };
    let deployment = deploy(&world, &situation);
    let home = TestHome::new();
    let setup = |env: &[(&str, String)]| {
        home.codexgw()
            .args([
                "setup",
                "--mode",
                "centralized",
                "--url",
                &deployment.url,
                "--yes",
                "--dry-run",
            ])
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap()
    };
    let untrusted = setup(&[]);
    let stderr = String::from_utf8_lossy(&untrusted.stderr);
    assert!(stderr.contains("not trusted"), "{stderr}");
    assert!(
        stderr.contains("point `CODEX_CA_CERTIFICATE` at"),
        "{stderr}"
    );
    let trusted = setup(&[ca(&world), ("HTTPS_PROXY", world.proxy.url())]);
    let stderr = String::from_utf8_lossy(&trusted.stderr);
    assert!(
        stderr.contains("the deployment runs Coder v2.36.1"),
        "{stderr}"
    );
    assert!(
        world.proxy.seen().iter().any(|s| s.method == "CONNECT"),
        "setup did not take HTTPS_PROXY"
    );

    let verify = |env: &[(&str, String)]| {
        home.codexgw()
            .args([
                "token",
                "set",
                "coder",
                "--url",
                &deployment.url,
                "--verify",
                "--stdin",
                "--insecure-file",
            ])
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .write_stdin(VALID_TOKEN)
            .output()
            .unwrap()
    };
    let refused = verify(&[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("CODEX_CA_CERTIFICATE"), "{stderr}");
    let accepted = verify(&[ca(&world)]);
    let stderr = String::from_utf8_lossy(&accepted.stderr);
    assert!(accepted.status.success(), "{stderr}");
    assert!(stderr.contains("signed in as alice"), "{stderr}");
}

#[test]
fn the_hash_name_is_the_one_openssl_computes() {
    let Ok(output) = Command::new("openssl")
        .args(["x509", "-noout", "-subject_hash"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(PrivateCa::new().pem.as_bytes())?;
            child.wait_with_output()
        })
    else {
        eprintln!("skipped: no openssl on PATH");
        return;
    };
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        crate::support::tls::subject_hash(crate::support::tls::CA_NAME)
    );
}
