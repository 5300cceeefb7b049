//! `doctor --live`: one real turn through the real Codex (both pinned versions) and the loopback
//! fake gateway, with each answer the gateway can give, read back as the gateway's own words.

use std::path::Path;
use std::time::Duration;

use codexgw::coder::api::GatewayAnswer;
use codexgw::codex::live::{self, LiveRun, Outcome};

use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Gateway, Options, VALID_TOKEN};
use crate::support::real_codex::{each_codex, versions};

fn centralized(home: &TestHome, fake: &FakeCoder) {
    home.write_config(&format!(
        "model_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"{}/api/v2/aibridge/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\nwire_api = \"responses\"\n",
        fake.url
    ));
}

fn turn(home: &TestHome, codex: &Path, token: &str) -> Outcome {
    let mut env = home.env();
    env.push(("OPENAI_API_KEY".into(), token.into()));
    live::run(
        &LiveRun {
            codex: codex.to_path_buf(),
            profile: None,
            provider_id: Some("ai_gateway".into()),
            env,
            timeout: Duration::from_secs(30),
        },
        &[token],
    )
}

/// Fake options, the token Codex sends, and what the outcome must be.
type Case = (Options, &'static str, fn(&Outcome) -> bool);

/// Every gateway answer reaches the outcome as the gateway worded it, on both Codex versions;
/// and the real Codex sends the `namespace` tool that Coder v2.35.6 refuses (FACTS).
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn each_gateway_answer_through_the_real_codex() {
    each_codex(|codex| {
        let cases: [Case; 6] = [
            (Options::default(), VALID_TOKEN, |o| {
                o == &Outcome::Answered("hi from the fake gateway".into())
            }),
            (
                Options {
                    namespace_bug: true,
                    ..Options::default()
                },
                VALID_TOKEN,
                |o| {
                    matches!(o, Outcome::Refused { answer: GatewayAnswer::MalformedRequest(m), .. }
                        if m.contains("unknown tool type \"namespace\""))
                },
            ),
            (
                Options {
                    budget_exceeded: true,
                    ..Options::default()
                },
                VALID_TOKEN,
                |o| {
                    matches!(o, Outcome::Refused { answer: GatewayAnswer::BudgetExceeded(m), .. }
                        if m.starts_with("AI budget of US$50.00 exceeded"))
                },
            ),
            (
                Options {
                    provider_disabled: true,
                    ..Options::default()
                },
                VALID_TOKEN,
                |o| {
                    matches!(
                        o,
                        Outcome::Refused {
                            answer: GatewayAnswer::ProviderDisabled(_),
                            ..
                        }
                    )
                },
            ),
            (
                Options::default(),
                "wrongtoken-0123456789abcdefghijkl",
                |o| {
                    matches!(
                        o,
                        Outcome::Refused {
                            answer: GatewayAnswer::Unauthorized,
                            ..
                        }
                    )
                },
            ),
            (
                Options {
                    gateway: Gateway::NotLicensed,
                    ..Options::default()
                },
                VALID_TOKEN,
                |o| {
                    matches!(
                        o,
                        Outcome::Refused {
                            answer: GatewayAnswer::Unlicensed(_),
                            ..
                        }
                    )
                },
            ),
        ];
        for (options, token, want) in cases {
            let what = format!("{options:?}");
            let fake = FakeCoder::start(options);
            let home = TestHome::new();
            centralized(&home, &fake);
            let started = std::time::Instant::now();
            let outcome = turn(&home, codex, token);
            assert!(want(&outcome), "{what}: {outcome:?}");
            // Retries are off: an error costs one request, not ~7 s of backoff.
            assert!(
                fake.requests_to("/responses").len() == 1,
                "{:?}",
                fake.requests()
            );
            assert!(started.elapsed() < Duration::from_secs(15), "{what}");
            assert!(!format!("{outcome:?}").contains(token), "{outcome:?}");
        }
    });
}

/// A gateway that never answers is cut off at the timeout.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn a_hanging_gateway_is_cut_off_at_the_timeout() {
    let (_, codex) = versions().remove(0);
    let fake = FakeCoder::start(Options {
        hang: true,
        ..Options::default()
    });
    let home = TestHome::new();
    centralized(&home, &fake);
    let mut env = home.env();
    env.push(("OPENAI_API_KEY".into(), VALID_TOKEN.into()));
    let started = std::time::Instant::now();
    let outcome = live::run(
        &LiveRun {
            codex,
            profile: None,
            provider_id: Some("ai_gateway".into()),
            env,
            timeout: Duration::from_secs(3),
        },
        &[VALID_TOKEN],
    );
    assert!(matches!(outcome, Outcome::TimedOut(_)), "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(6));
}

/// `codexgw doctor --live --json` in `home` with `codex` first on PATH.
fn doctor_live(home: &TestHome, codex: &Path, env: &[(&str, &str)]) -> serde_json::Value {
    let path = format!(
        "{}:{}",
        codex.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = home
        .codexgw()
        .args(["doctor", "--live", "--json", "--timeout", "20"])
        .env("PATH", path)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    for secret in [
        VALID_TOKEN,
        crate::support::real_codex::CHATGPT_ACCESS_TOKEN,
    ] {
        assert!(!stdout.contains(secret), "{stdout}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains(secret));
    }
    serde_json::from_str(&stdout).unwrap()
}

/// The model requests the fake got (the WebSocket probe is a GET to the same path).
fn turns(fake: &FakeCoder) -> Vec<crate::support::fake_coder::Recorded> {
    fake.requests_to("/responses")
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

fn setup(home: &TestHome, fake: &FakeCoder, mode: &str) {
    home.codexgw()
        .args(["setup", "--yes", "--mode", mode, "--url", &fake.url])
        .assert()
        .success();
}

/// Through the binary: `net.live` passes on a healthy gateway and names the cause of each
/// refusal, the credential included, with the tokens `codexgw exec` would give Codex.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn doctor_live_reports_net_live() {
    let (_, codex) = versions().pop().expect("a pinned Codex");
    let coder = ("CODER_API_TOKEN", VALID_TOKEN);

    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "centralized");
    let report = doctor_live(&home, &codex, &[("OPENAI_API_KEY", VALID_TOKEN)]);
    let live = check(&report, "net.live");
    assert_eq!(live["status"], "pass", "{live}");
    assert_eq!(
        live["summary"],
        "Codex got an answer through the gateway: `hi from the fake gateway`"
    );
    assert_eq!(turns(&fake).len(), 1);
    // Nothing of the turn stays behind in CODEX_HOME: no session file.
    assert!(!home.codex_home().join("sessions").exists());

    let broken = FakeCoder::start(Options {
        version: "v2.35.6+abc1234".into(),
        namespace_bug: true,
        ..Options::default()
    });
    let home = TestHome::new();
    setup(&home, &broken, "centralized");
    let report = doctor_live(&home, &codex, &[("OPENAI_API_KEY", VALID_TOKEN)]);
    let live = check(&report, "net.live");
    assert_eq!(live["status"], "fail", "{live}");
    assert!(
        live["summary"]
            .as_str()
            .unwrap()
            .contains("malformed request: unmarshal request body: unknown tool type \"namespace\""),
        "{live}"
    );
    assert!(
        live["fix"]
            .as_str()
            .unwrap()
            .contains("upgrade Coder past v2.35.6")
    );
    // GET /models passes on that version: only the live turn sees the breakage.
    assert_eq!(check(&report, "net.gateway")["status"], "pass");

    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "chatgpt");
    crate::support::real_codex::write_chatgpt_login(&home);
    let report = doctor_live(&home, &codex, &[coder]);
    assert_eq!(check(&report, "net.live")["status"], "pass", "{report}");
    let sent = &turns(&fake)[0];
    assert_eq!(
        sent.header("X-Coder-AI-Governance-Token"),
        Some(VALID_TOKEN)
    );

    let report = doctor_live(
        &home,
        &codex,
        &[("CODER_API_TOKEN", "wrongtoken-0123456789abcdefghijkl")],
    );
    let live = check(&report, "net.live");
    assert!(
        live["summary"]
            .as_str()
            .unwrap()
            .contains("the Coder token (sent in `X-Coder-AI-Governance-Token`) was rejected"),
        "{live}"
    );

    for (options, says) in [
        (
            Options {
                budget_exceeded: true,
                ..Options::default()
            },
            "your AI budget is used up",
        ),
        (
            Options {
                provider_disabled: true,
                ..Options::default()
            },
            "provider is disabled",
        ),
    ] {
        let fake = FakeCoder::start(options);
        let home = TestHome::new();
        setup(&home, &fake, "chatgpt");
        crate::support::real_codex::write_chatgpt_login(&home);
        let report = doctor_live(&home, &codex, &[coder]);
        let live = check(&report, "net.live");
        assert_eq!(live["status"], "fail");
        assert!(live["summary"].as_str().unwrap().contains(says), "{live}");
    }
}

#[test]
fn without_live_no_turn_is_sent() {
    let fake = FakeCoder::start(Options::default());
    let home = TestHome::new();
    setup(&home, &fake, "centralized");
    let out = home
        .codexgw()
        .args(["doctor", "--json"])
        .env("OPENAI_API_KEY", VALID_TOKEN)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check(&report, "net.live")["status"], "skip");
    assert!(turns(&fake).is_empty());
    home.codexgw()
        .args(["doctor", "--live", "--offline"])
        .assert()
        .code(2);
}
