//! `doctor --live`: one real turn through the real Codex (both pinned versions) and the loopback
//! fake gateway, with each answer the gateway can give, read back as the gateway's own words.

use std::path::{Path, PathBuf};
use std::time::Duration;

use codexgw::coder::api::GatewayAnswer;
use codexgw::codex::live::{self, LiveRun, Outcome};

use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Gateway, Options, VALID_TOKEN};

/// Each pinned Codex that is installed (see `support::pinned_codexes`).
fn codexes() -> Vec<(&'static str, PathBuf)> {
    crate::support::pinned_codexes()
}

fn centralized(home: &TestHome, fake: &FakeCoder) {
    home.write_config(&format!(
        "model_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"{}/api/v2/aibridge/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\nwire_api = \"responses\"\n",
        fake.url
    ));
}

fn turn(home: &TestHome, codex: &Path, token: &str) -> Outcome {
    let scratch = live::scratch_dir().unwrap();
    let mut env = home.env();
    env.push(("OPENAI_API_KEY".into(), token.into()));
    live::run(
        &LiveRun {
            codex: codex.to_path_buf(),
            profile: None,
            provider_id: Some("ai_gateway".into()),
            env,
            cwd: scratch.path().to_path_buf(),
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
fn each_gateway_answer_through_the_real_codex() {
    for (version, codex) in codexes() {
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
            let outcome = turn(&home, &codex, token);
            assert!(want(&outcome), "Codex {version}, {what}: {outcome:?}");
            // Retries are off: an error costs one request, not ~7 s of backoff.
            assert!(
                fake.requests_to("/responses").len() == 1,
                "Codex {version}: {:?}",
                fake.requests()
            );
            assert!(started.elapsed() < Duration::from_secs(15), "{what}");
            assert!(!format!("{outcome:?}").contains(token), "{outcome:?}");
        }
    }
}

/// A gateway that never answers is cut off at the timeout.
#[test]
fn a_hanging_gateway_is_cut_off_at_the_timeout() {
    let Some((_, codex)) = codexes().into_iter().next() else {
        return;
    };
    let fake = FakeCoder::start(Options {
        hang: true,
        ..Options::default()
    });
    let home = TestHome::new();
    centralized(&home, &fake);
    let scratch = live::scratch_dir().unwrap();
    let mut env = home.env();
    env.push(("OPENAI_API_KEY".into(), VALID_TOKEN.into()));
    let started = std::time::Instant::now();
    let outcome = live::run(
        &LiveRun {
            codex,
            profile: None,
            provider_id: Some("ai_gateway".into()),
            env,
            cwd: scratch.path().to_path_buf(),
            timeout: Duration::from_secs(3),
        },
        &[VALID_TOKEN],
    );
    assert!(matches!(outcome, Outcome::TimedOut(_)), "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(6));
}
