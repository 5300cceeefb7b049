//! `coder::api` against the loopback fake: each probe reads what the fake deployment (and a
//! standalone gateway) answers, through the same HTTP client doctor uses.

use std::time::Duration;

use codexgw::coder::api::{self, Budget, ChatgptProvider, Endpoint, GatewayAnswer, License, Relay};
use codexgw::coder::deployment::{Deployment, Route, StandaloneGateway};
use codexgw::coder::http;
use codexgw::environment::Environment;
use codexgw::net::Network;

use crate::support::fake_coder::{FakeCoder, Gateway, Options, VALID_TOKEN};

const TIMEOUT: Duration = Duration::from_secs(5);

/// The client as in a clean environment: no proxy, the system's roots.
fn net() -> Network {
    Network::from_env(&Environment::default())
}

fn deployment(fake: &FakeCoder) -> Deployment {
    Deployment::parse(&fake.url, false).unwrap().deployment
}

fn ask(fake: &FakeCoder, endpoint: Endpoint) -> http::Answer {
    api::get(
        &net(),
        &deployment(fake),
        endpoint,
        Some(VALID_TOKEN),
        TIMEOUT,
    )
    .unwrap()
}

#[test]
fn provider_keys_tell_the_chatgpt_provider_and_byok() {
    for (options, want) in [
        (Options::default(), ChatgptProvider::Ready),
        (
            Options {
                chatgpt_byok: false,
                ..Options::default()
            },
            ChatgptProvider::ByokOff,
        ),
        (
            Options {
                chatgpt_provider: false,
                ..Options::default()
            },
            ChatgptProvider::Missing,
        ),
    ] {
        let fake = FakeCoder::start(options);
        let providers = api::provider_keys(&ask(&fake, Endpoint::ProviderKeys)).unwrap();
        assert_eq!(api::chatgpt_provider(&providers), want);
        let sent = fake.requests_to("/ai-provider-keys");
        assert_eq!(sent[0].header("Coder-Session-Token"), Some(VALID_TOKEN));
    }
    let none = FakeCoder::start(Options {
        chatgpt_provider: false,
        ..Options::default()
    });
    assert_eq!(
        api::chatgpt_provider_at(&net(), &deployment(&none), VALID_TOKEN, TIMEOUT),
        Some(ChatgptProvider::Missing)
    );
    assert_eq!(
        api::chatgpt_provider_at(&net(), &deployment(&none), "wrong", TIMEOUT),
        None
    );
    let old = FakeCoder::start(Options {
        version: "v2.33.0".into(),
        ..Options::default()
    });
    assert_eq!(
        api::provider_keys(&ask(&old, Endpoint::ProviderKeys)),
        Err(api::Unanswered::Absent)
    );
}

#[test]
fn spend_budget_and_licence() {
    let fake = FakeCoder::start(Options::default());
    let spend = api::spend(&ask(&fake, Endpoint::Spend)).unwrap();
    assert_eq!(
        (spend.spent_micros, spend.budget()),
        (1_200_000, Budget::Within)
    );
    assert_eq!(
        api::license(&ask(&fake, Endpoint::Entitlements)),
        Ok(License::Entitled)
    );

    let over = FakeCoder::start(Options {
        budget_exceeded: true,
        gateway: Gateway::NotLicensed,
        ..Options::default()
    });
    assert_eq!(
        api::spend(&ask(&over, Endpoint::Spend)).unwrap().budget(),
        Budget::Exceeded
    );
    assert_eq!(
        api::license(&ask(&over, Endpoint::Entitlements)),
        Ok(License::NotEntitled)
    );

    let before_spend = FakeCoder::start(Options {
        version: "v2.35.2".into(),
        ..Options::default()
    });
    assert_eq!(
        api::spend(&ask(&before_spend, Endpoint::Spend)),
        Err(api::Unanswered::Absent)
    );
}

/// The relay probe is one GET with a keyless WebSocket handshake: 501 when the experiment is
/// off, the relay's refusal of the handshake when it is on; it never hangs on an upgrade.
#[test]
fn the_websocket_relay_state_from_one_handshake() {
    for (relay_on, want) in [(false, Relay::Off), (true, Relay::On)] {
        let fake = FakeCoder::start(Options {
            websocket_relay: relay_on,
            ..Options::default()
        });
        let base = deployment(&fake).gateway_url(Route::AiGateway, "openai");
        let bearer = format!("Bearer {VALID_TOKEN}");
        let mut headers = api::WEBSOCKET_PROBE.to_vec();
        headers.push(("Authorization", &bearer));
        let answer = http::get(&net(), &api::responses_url(&base), &headers, TIMEOUT)
            .unwrap_or_else(|e| panic!("relay {relay_on}: {e:?} {:?}", fake.requests()));
        assert_eq!(api::relay(&answer), want);
    }
}

#[test]
fn gateway_errors_reach_the_classifier_as_sent() {
    let models = |url: &str| {
        let bearer = format!("Bearer {VALID_TOKEN}");
        let answer = http::get(
            &net(),
            &format!("{url}/models"),
            &[("Authorization", bearer.as_str())],
            TIMEOUT,
        )
        .unwrap();
        GatewayAnswer::from(&answer)
    };
    let base = |fake: &FakeCoder| deployment(fake).gateway_url(Route::Aibridge, "openai");
    let disabled = FakeCoder::start(Options {
        provider_disabled: true,
        ..Options::default()
    });
    assert!(matches!(
        models(&base(&disabled)),
        GatewayAnswer::ProviderDisabled(_)
    ));
    let over = FakeCoder::start(Options {
        budget_exceeded: true,
        ..Options::default()
    });
    assert!(matches!(
        models(&base(&over)),
        GatewayAnswer::BudgetExceeded(m) if m.starts_with("AI budget of US$50.00 exceeded")
    ));
    let off = FakeCoder::start(Options {
        gateway: Gateway::FeatureOff,
        ..Options::default()
    });
    assert_eq!(models(&base(&off)), GatewayAnswer::NotMounted);

    // A standalone gateway: the short route at its root, and its own failure.
    let standalone = FakeCoder::start(Options {
        standalone: true,
        ..Options::default()
    });
    let gateway = StandaloneGateway::parse(&standalone.url, false).unwrap();
    assert_eq!(
        models(&gateway.gateway_url("openai")),
        GatewayAnswer::Served
    );
    let health = http::get(&net(), &gateway.health_url(), &[], TIMEOUT).unwrap();
    assert_eq!(health.status, 200);
    let cut_off = FakeCoder::start(Options {
        standalone: true,
        coderd_unreachable: true,
        ..Options::default()
    });
    let gateway = StandaloneGateway::parse(&cut_off.url, false).unwrap();
    assert_eq!(
        models(&gateway.gateway_url("openai")),
        GatewayAnswer::CoderdUnreachable
    );
}
