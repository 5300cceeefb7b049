//! What setup is asked to do, once the flags, detection and the wizard have had their say:
//! the deployment and route resolved one way for `setup` and `show`.

use std::time::Duration;

use crate::coder::deployment::{Deployment, ParsedUrl, Route};
use crate::coder::probe::{self, Finding};
use crate::net::Network;

/// How long setup and show wait for `/api/v2/buildinfo`.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// How the route was chosen, for telling the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteReason {
    /// Named on the command line.
    Chosen,
    PastedUrl,
    Version(String),
    Offline,
    /// The deployment did not answer (why, in one level of parentheses at most).
    Unreachable(String),
}

/// Where Codex is pointed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub deployment: Deployment,
    pub route: Route,
    pub reason: RouteReason,
    /// The pasted URL was this page of Coder's web UI; `deployment` is the root it proved.
    pub page: Option<String>,
    /// The deployment did not answer: why, and what to do about it.
    pub unreachable: Option<(String, String)>,
}

/// Resolves a parsed URL. Unless offline (no `network`), the deployment is asked for its version: an
/// address that answers but not as Coder is an error, a page of Coder's web UI becomes the
/// root buildinfo proves, and one that does not answer is kept and reported. The route is the
/// one `chosen`, else the pasted URL's, else the one the version serves (aibridge, which every
/// version with the gateway serves, when there is no version).
pub fn resolve_target(
    parsed: ParsedUrl,
    chosen: Option<Route>,
    network: Option<&Network>,
) -> anyhow::Result<Target> {
    let picked = chosen
        .map(|route| (route, RouteReason::Chosen))
        .or_else(|| parsed.route.map(|route| (route, RouteReason::PastedUrl)));
    let finding = match network {
        None => None,
        Some(network) => Some(probe::probe(network, &parsed.deployment, PROBE_TIMEOUT)?),
    };
    let target = |deployment, (route, reason), page, unreachable| Target {
        deployment,
        route,
        reason,
        page,
        unreachable,
    };
    Ok(match finding {
        None => target(
            parsed.deployment,
            picked.unwrap_or((Route::Aibridge, RouteReason::Offline)),
            None,
            None,
        ),
        Some(Finding::Coder {
            deployment,
            version,
            page,
        }) => {
            let by_version = || {
                (
                    Route::for_version(&version),
                    RouteReason::Version(version.raw.clone()),
                )
            };
            target(deployment, picked.unwrap_or_else(by_version), page, None)
        }
        Some(Finding::Unreachable { why, fix }) => {
            let why = flat(&why);
            let fallback = (Route::Aibridge, RouteReason::Unreachable(why.clone()));
            target(
                parsed.deployment,
                picked.unwrap_or(fallback),
                None,
                Some((why, fix)),
            )
        }
    })
}

/// One level of parentheses: `cannot connect (refused (os error 111))` reads
/// `cannot connect: refused: os error 111`, so it can sit inside a sentence's own.
fn flat(text: &str) -> String {
    text.replace(" (", ": ").replace(['(', ')'], "")
}

impl RouteReason {
    pub fn describe(&self, route: Route) -> String {
        let route = route.name();
        let any_version =
            format!("route `{route}`, which every Coder version with the gateway serves");
        match self {
            // Callers put this in parentheses of their own: one level is enough.
            RouteReason::Chosen => format!("route `{route}`, from --route"),
            RouteReason::PastedUrl => format!("route `{route}`, from the pasted URL"),
            RouteReason::Version(v) => format!("route `{route}`: the deployment runs Coder {v}"),
            RouteReason::Offline => {
                format!("{any_version}; --offline: the deployment was not asked")
            }
            RouteReason::Unreachable(why) => {
                format!("{any_version}; the deployment did not answer: {why}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_reads_with_one_level_of_parentheses() {
        let why = flat("cannot connect (Connection refused (os error 111))");
        assert_eq!(why, "cannot connect: Connection refused: os error 111");
        assert_eq!(
            RouteReason::Unreachable(why).describe(Route::Aibridge),
            "route `aibridge`, which every Coder version with the gateway serves; the deployment did not answer: cannot connect: Connection refused: os error 111"
        );
    }

    #[test]
    fn offline_asks_nothing_and_keeps_a_chosen_or_pasted_route() {
        let parsed = Deployment::parse("https://c.example.com/api/v2/ai-gateway", false).unwrap();
        let target = resolve_target(parsed.clone(), None, None).unwrap();
        assert_eq!(
            (target.route, target.reason),
            (Route::AiGateway, RouteReason::PastedUrl)
        );
        let target = resolve_target(parsed, Some(Route::Aibridge), None).unwrap();
        assert_eq!(target.reason, RouteReason::Chosen);
        let bare = Deployment::parse("https://c.example.com", false).unwrap();
        let target = resolve_target(bare, None, None).unwrap();
        assert_eq!(
            (target.route, target.reason, target.unreachable),
            (Route::Aibridge, RouteReason::Offline, None)
        );
    }
}
