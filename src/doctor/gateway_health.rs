//! `net.gateway_health`: a standalone AI Gateway (`coder ai-gateway start`) reports on itself at
//! `/healthz` (the process is up) and `/readyz` (it can serve requests, which needs its Coder
//! deployment). Both are asked at once, without credentials; the judgement is a pure function.

use std::time::Duration;

use serde_json::json;

use super::net::{Probe, fetch};
use super::{Check, Entry, NetCheck};
use crate::coder::deployment::StandaloneGateway;
use crate::coder::http::Answer;
use crate::net::Network;

pub const GATEWAY_HEALTH: Entry<NetCheck> = Entry::new("net.gateway_health", gateway_health);

fn gateway_health(probe: &Probe, network: &Network, timeout: Duration) -> Check {
    let Some(gateway) = &probe.standalone else {
        return Check::skip(
            GATEWAY_HEALTH.id,
            "the provider does not point at a standalone gateway",
        );
    };
    let ask = |url: String| fetch(network, GATEWAY_HEALTH.id, &url, &[], timeout);
    // Concurrently, so the check ends within one `--timeout` like the others.
    let (health, ready) = std::thread::scope(|scope| {
        let health = scope.spawn(|| ask(gateway.health_url()));
        let ready = ask(gateway.ready_url());
        (health.join(), ready)
    });
    let health = health.unwrap_or_else(|_| {
        Err(Check::fail(
            GATEWAY_HEALTH.id,
            "doctor could not ask `/healthz`",
            "run `codexgw doctor` again",
        ))
    });
    judge(gateway, health, ready)
}

/// What `/healthz` and `/readyz` say (a transport failure is already a failed check).
pub(super) fn judge(
    gateway: &StandaloneGateway,
    health: Result<Answer, Check>,
    ready: Result<Answer, Check>,
) -> Check {
    const ID: &str = GATEWAY_HEALTH.id;
    let health = match health {
        Ok(answer) => answer,
        Err(check) => return check,
    };
    let evidence = |ready: Option<&Answer>| {
        json!({
            "gateway": gateway.as_str(),
            "healthz": { "url": gateway.health_url(), "status": health.status, "message": health.message() },
            "readyz": ready.map(|r| json!({ "url": gateway.ready_url(), "status": r.status, "message": r.message() })),
        })
    };
    if !(200..300).contains(&health.status) {
        return Check::fail(
            ID,
            format!(
                "the standalone gateway at {gateway} is not healthy: `/healthz` answers HTTP {}: {}",
                health.status,
                health.message()
            ),
            format!("ask your Coder admin to check the gateway process (`coder ai-gateway start`) at {gateway}"),
        )
        .evidence(evidence(None));
    }
    let ready = match ready {
        Ok(answer) => answer,
        Err(check) => return check,
    };
    if !(200..300).contains(&ready.status) {
        return Check::fail(
            ID,
            format!(
                "the standalone gateway at {gateway} is up but not ready: `/readyz` answers HTTP {}: {}",
                ready.status,
                ready.message()
            ),
            "it cannot serve Codex yet, most often because it cannot reach its Coder deployment; ask your Coder admin to check the gateway's connection to coderd",
        )
        .evidence(evidence(Some(&ready)));
    }
    Check::pass(
        ID,
        format!("the standalone gateway at {gateway} is up and ready (`/healthz`, `/readyz`)"),
    )
    .evidence(evidence(Some(&ready)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;

    fn answer(status: u16, body: &str) -> Result<Answer, Check> {
        Ok(Answer {
            status,
            content_type: Some("text/plain".into()),
            location: None,
            body: body.into(),
        })
    }

    #[test]
    fn healthy_and_ready_unhealthy_or_not_ready() {
        let gateway = StandaloneGateway::parse("https://gw.example.com", false).unwrap();
        let check = judge(&gateway, answer(200, "ok"), answer(200, "ok"));
        assert_eq!(check.status, Status::Pass);
        assert_eq!(
            check.evidence["readyz"]["url"],
            "https://gw.example.com/readyz"
        );
        let check = judge(&gateway, answer(200, "ok"), answer(503, "not ready"));
        assert_eq!(check.status, Status::Fail);
        assert_eq!(
            check.summary,
            "the standalone gateway at https://gw.example.com is up but not ready: `/readyz` answers HTTP 503: not ready"
        );
        let check = judge(&gateway, answer(502, "bad gateway"), answer(200, "ok"));
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.summary.contains("`/healthz` answers HTTP 502"),
            "{}",
            check.summary
        );
        let refused = Check::fail(GATEWAY_HEALTH.id, "refused", "fix");
        let check = judge(&gateway, Err(refused), answer(200, "ok"));
        assert_eq!(
            (check.status, check.summary.as_str()),
            (Status::Fail, "refused")
        );
    }
}
