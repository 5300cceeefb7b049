//! `supports_websockets` chosen to match the gateway's Responses-WebSocket relay: setup (and
//! show) ask the relay once with the Coder token as Codex sends it; on → `true`, off (501) →
//! no key, unknown (offline, no token, refused, an older Coder) → the user's value stays.
//! `--websockets on|off` decides without asking.

use crate::cli_setup::{Run, assert_contains, run};
use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Gateway, Options, VALID_TOKEN};

const KEY_TRUE: &str = "supports_websockets = true";

fn relay(on: bool) -> FakeCoder {
    FakeCoder::start(Options {
        websocket_relay: on,
        ..Options::default()
    })
}

/// `codexgw setup --mode MODE --url <fake> --yes EXTRA…` with `CODER_API_TOKEN = token`.
fn setup(
    home: &TestHome,
    fake: &FakeCoder,
    mode: &str,
    token: Option<&str>,
    extra: &[&str],
) -> Run {
    let mut args = vec!["setup", "--mode", mode, "--url", &fake.url, "--yes"];
    args.extend_from_slice(extra);
    let env: Vec<(&str, &str)> = token.map(|t| ("CODER_API_TOKEN", t)).into_iter().collect();
    let out = run(home, &args, &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out
}

/// The handshakes the fake saw (GETs with `Upgrade`).
fn handshakes(fake: &FakeCoder) -> Vec<crate::support::fake_coder::Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.header("Upgrade").is_some())
        .collect()
}

/// A provider table that already says `supports_websockets = true` (written with
/// `--websockets on`, which asks the relay nothing).
fn home_with_true(fake: &FakeCoder, mode: &str) -> TestHome {
    let home = TestHome::new();
    let out = setup(
        &home,
        fake,
        mode,
        None,
        &["--offline", "--websockets", "on"],
    );
    assert_contains(
        &out.stderr,
        "WebSockets: `supports_websockets = true` (`--websockets on`)",
    );
    assert_contains(&home.read_config(), KEY_TRUE);
    home
}

#[test]
fn relay_on_writes_true_asked_with_the_token_codex_sends() {
    for (mode, header, value) in [
        (
            "centralized",
            "Authorization",
            format!("Bearer {VALID_TOKEN}"),
        ),
        (
            "byok",
            "X-Coder-AI-Governance-Token",
            VALID_TOKEN.to_string(),
        ),
    ] {
        let fake = relay(true);
        let home = TestHome::new();
        let out = setup(&home, &fake, mode, Some(VALID_TOKEN), &[]);
        assert_contains(
            &out.stderr,
            "WebSockets: the gateway relays them, so the provider gets `supports_websockets = true`",
        );
        assert_contains(
            &home.read_config(),
            &format!(
                "wire_api = \"responses\"\n{}{KEY_TRUE}\n",
                if mode == "byok" {
                    "requires_openai_auth = true\n"
                } else {
                    ""
                }
            ),
        );
        let probes = handshakes(&fake);
        assert_eq!(probes.len(), 1, "{mode}: {probes:?}");
        let probe = &probes[0];
        assert_eq!(probe.method, "GET");
        assert_eq!(
            probe.path(),
            "/api/v2/ai-gateway/openai/v1/responses",
            "{mode}"
        );
        assert_eq!(probe.header(header), Some(value.as_str()), "{mode}");
        assert_eq!(probe.header("Sec-WebSocket-Key"), None, "{mode}");
        assert!(!out.stderr.contains(VALID_TOKEN) && !out.stdout.contains(VALID_TOKEN));

        // show prints what setup wrote.
        let shown = run(
            &home,
            &["show", "--mode", mode, "--url", &fake.url],
            &[("CODER_API_TOKEN", VALID_TOKEN)],
        );
        assert_eq!(shown.code, 0, "{}", shown.stderr);
        assert_contains(&shown.stdout, KEY_TRUE);
    }
}

/// Centralized mode's own variable (`env_key`, `OPENAI_API_KEY` by default) carries the token
/// Codex sends, so the relay is asked with it; an OpenAI key there is not a Coder token.
#[test]
fn centralized_asks_with_the_env_key_token_never_an_openai_key() {
    let ask = |value: &str| {
        let fake = relay(true);
        let home = TestHome::new();
        let out = run(
            &home,
            &[
                "setup",
                "--mode",
                "centralized",
                "--url",
                &fake.url,
                "--yes",
            ],
            &[("OPENAI_API_KEY", value)],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        (fake, home, out)
    };
    let (fake, home, _) = ask(VALID_TOKEN);
    assert_contains(&home.read_config(), KEY_TRUE);
    assert_eq!(
        handshakes(&fake)[0].header("Authorization"),
        Some(format!("Bearer {VALID_TOKEN}").as_str())
    );
    let (fake, home, out) = ask("sk-proj-0123456789abcdefghijklmnop");
    assert!(handshakes(&fake).is_empty(), "{:?}", fake.requests());
    assert!(!home.read_config().contains("supports_websockets"));
    assert_contains(&out.stderr, "(no Coder token to ask with");
}

#[test]
fn relay_off_takes_a_true_out() {
    let fake = relay(false);
    let home = home_with_true(&fake, "chatgpt");
    let out = setup(&home, &fake, "chatgpt", Some(VALID_TOKEN), &[]);
    assert_contains(
        &out.stderr,
        "WebSockets: the gateway has no WebSocket relay (HTTP 501), so the provider gets no `supports_websockets` and Codex uses HTTP",
    );
    let config = home.read_config();
    assert!(!config.contains("supports_websockets"), "{config}");
    assert_eq!(handshakes(&fake).len(), 1);
    let shown = run(
        &home,
        &["show", "--mode", "chatgpt", "--url", &fake.url],
        &[("CODER_API_TOKEN", VALID_TOKEN)],
    );
    assert!(
        !shown.stdout.contains("supports_websockets"),
        "{}",
        shown.stdout
    );
}

/// What cannot be told leaves the table's `true` alone, and says why.
#[test]
fn an_unknown_relay_keeps_the_users_value() {
    let wrong = "wrongtoken-0123456789abcdefghijkl";
    let older = || {
        FakeCoder::start(Options {
            gateway: Gateway::Absent,
            websocket_relay: true,
            ..Options::default()
        })
    };
    type Case = (
        FakeCoder,
        Option<&'static str>,
        &'static [&'static str],
        &'static str,
    );
    let cases: [Case; 4] = [
        (
            relay(true),
            None,
            &[],
            "(no Coder token to ask with: set `CODER_API_TOKEN`",
        ),
        (
            relay(true),
            Some(VALID_TOKEN),
            &["--offline"],
            "(`--offline`)",
        ),
        (
            relay(true),
            Some(wrong),
            &["--no-verify"],
            "(HTTP 403: unauthorized)",
        ),
        (
            older(),
            Some(VALID_TOKEN),
            &[],
            "(HTTP 404: Route not found.)",
        ),
    ];
    for (fake, token, extra, why) in cases {
        let home = home_with_true(&fake, "byok");
        let before = home.read_config();
        // The route pinned as the offline first run chose it, so only the relay could differ.
        let extra = [extra, &["--route", "aibridge"]].concat();
        let out = setup(&home, &fake, "byok", token, &extra);
        assert_contains(
            &out.stderr,
            &format!("WebSockets: cannot tell whether the gateway relays them {why}"),
        );
        assert_contains(&out.stderr, "so `supports_websockets` stays as it is");
        let after = home.read_config();
        assert_contains(&after, KEY_TRUE);
        // Setup changed nothing else either: the table is as the first run left it.
        assert_eq!(after, before, "{why}");
        if extra.contains(&"--offline") || token.is_none() {
            assert!(handshakes(&fake).is_empty(), "{why}: {:?}", fake.requests());
        }
    }
}

/// A gateway that accepts the handshake and never answers costs setup at most its 2 s
/// question, and leaves the key alone.
#[test]
fn a_hanging_gateway_is_not_waited_for() {
    let deployment = relay(true);
    let gateway = FakeCoder::start(Options {
        standalone: true,
        hang: true,
        ..Options::default()
    });
    let home = TestHome::new();
    let started = std::time::Instant::now();
    let out = setup(
        &home,
        &deployment,
        "centralized",
        Some(VALID_TOKEN),
        &["--gateway-url", &gateway.url],
    );
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(8), "{took:?}");
    assert_contains(
        &out.stderr,
        "WebSockets: cannot tell whether the gateway relays them (",
    );
    assert_eq!(handshakes(&gateway).len(), 1);
    assert!(!home.read_config().contains("supports_websockets"));
}

#[test]
fn the_flag_decides_without_asking() {
    let fake = relay(true);
    let home = home_with_true(&fake, "centralized");
    let out = setup(
        &home,
        &fake,
        "centralized",
        Some(VALID_TOKEN),
        &["--websockets", "off"],
    );
    assert_contains(
        &out.stderr,
        "WebSockets: no `supports_websockets`, so Codex uses HTTP (`--websockets off`)",
    );
    assert!(!home.read_config().contains("supports_websockets"));
    assert!(handshakes(&fake).is_empty(), "{:?}", fake.requests());
    let shown = run(
        &home,
        &[
            "show",
            "--mode",
            "byok",
            "--url",
            &fake.url,
            "--offline",
            "--websockets",
            "on",
        ],
        &[],
    );
    assert_contains(&shown.stdout, KEY_TRUE);
}

/// The real Codex (both pinned versions) is the authority on what the key does: with the table
/// setup wrote against a relay, Codex opens a WebSocket on `<base_url>/responses`; with the
/// table setup wrote against a gateway without one, it only POSTs. Codex is stopped as soon as
/// the fake has seen the upgrade (it would retry for about 7 s), and every wait is bounded.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn the_real_codex_upgrades_only_when_setup_wrote_the_key() {
    use crate::support::real_codex::{each_codex, exec_command, run_codex};
    use crate::support::{kill_group, own_process_group};
    use std::time::{Duration, Instant};

    const RESPONSES: &str = "/api/v2/ai-gateway/openai/v1/responses";
    each_codex(|codex| {
        // The relay is on: setup writes the key, and Codex asks for the upgrade.
        let fake = relay(true);
        let home = TestHome::new();
        setup(&home, &fake, "centralized", Some(VALID_TOKEN), &[]);
        assert_contains(&home.read_config(), KEY_TRUE);
        let setup_probes = handshakes(&fake).len();
        let mut command = exec_command(&home, codex, &[]);
        command
            .env("OPENAI_API_KEY", VALID_TOKEN)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        own_process_group(&mut command);
        let mut child = command.spawn().expect("start codex");
        let deadline = Instant::now() + Duration::from_secs(20);
        let upgrade = loop {
            let seen = handshakes(&fake)
                .into_iter()
                .find(|r| r.header("Sec-WebSocket-Key").is_some());
            if seen.is_some() || Instant::now() > deadline {
                break seen;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        kill_group(&mut child);
        let upgrade = upgrade
            .unwrap_or_else(|| panic!("no WebSocket upgrade within 20 s: {:?}", fake.requests()));
        assert_eq!(upgrade.method, "GET");
        assert_eq!(upgrade.path(), RESPONSES);
        assert_eq!(
            upgrade.header("Authorization"),
            Some(format!("Bearer {VALID_TOKEN}").as_str())
        );
        assert!(handshakes(&fake).len() > setup_probes);

        // No relay: setup leaves the key out, and Codex never asks for an upgrade.
        let fake = relay(false);
        let home = TestHome::new();
        setup(&home, &fake, "centralized", Some(VALID_TOKEN), &[]);
        assert!(!home.read_config().contains("supports_websockets"));
        let probes = handshakes(&fake).len();
        let out = run_codex(&home, codex, &[("OPENAI_API_KEY", VALID_TOKEN)]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(handshakes(&fake).len(), probes, "{:?}", fake.requests());
        let posts = fake.requests_to("/responses");
        assert!(
            posts
                .iter()
                .any(|r| r.method == "POST" && r.path() == RESPONSES),
            "{posts:?}"
        );
    });
}
