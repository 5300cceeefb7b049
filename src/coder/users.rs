//! `GET /api/v2/users/me`: whom a Coder token signs in as.

use std::time::Duration;

use crate::coder::deployment::Deployment;
use crate::error;
use crate::secrets::Secret;

/// The user name `token` signs in as at `deployment`, or why the deployment refused it (or
/// could not be asked). The token is sent only where `allow_http` permits: a loopback or
/// https deployment, or plain http when the caller allows it.
pub fn signed_in_as(
    network: &crate::net::Network,
    deployment: &Deployment,
    token: &Secret,
    allow_http: bool,
    timeout: Duration,
) -> anyhow::Result<String> {
    // The token must not travel in plain text to a host that is not loopback.
    Deployment::parse(deployment.as_str(), allow_http)?;
    let url = deployment.join("api/v2/users/me");
    let answer = crate::coder::http::get(
        network,
        &url,
        &[("Coder-Session-Token", token.expose())],
        timeout,
    )
    .map_err(|why| {
        error::failure(
            format!("cannot reach `{url}` to check the token: {why}"),
            why.fix(),
        )
    })?;
    match answer.status {
        // Only Coder's own answer counts: a login page or a proxy's 200 proves nothing. The
        // name is shown at a terminal: no escape sequences from the server get through.
        200 => serde_json::from_str::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("username")?.as_str().map(error::printable))
            .filter(|name| !name.trim().is_empty())
            .ok_or_else(|| {
                error::failure(
                    format!(
                        "`{url}` answered HTTP 200, but not with a Coder user (JSON with a `username`)"
                    ),
                    "check that the URL is your Coder deployment (not a proxy's login page)",
                )
            }),
        401 => Err(error::failure(
            format!(
                "{deployment} rejected the token: {}",
                answer.message_hiding(&[token.expose()])
            ),
            "create a new one with `coder tokens create` and try again",
        )),
        status => Err(error::failure(
            format!(
                "`{url}` answered HTTP {status}: {}",
                answer.message_hiding(&[token.expose()])
            ),
            "check that the URL is your Coder deployment",
        )),
    }
}
