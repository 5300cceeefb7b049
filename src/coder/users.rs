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
        200 => Ok(serde_json::from_str::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("username")?.as_str().map(str::to_string))
            .unwrap_or_else(|| "an unnamed user".into())),
        401 => Err(error::failure(
            format!("{deployment} rejected the token: {}", answer.message()),
            "create a new one with `coder tokens create` and try again",
        )),
        status => Err(error::failure(
            format!("`{url}` answered HTTP {status}: {}", answer.message()),
            "check that the URL is your Coder deployment",
        )),
    }
}
