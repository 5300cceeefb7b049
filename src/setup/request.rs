//! What setup is asked to do, once the flags, detection and the wizard have had their say:
//! the route picked for the deployment, and the provider spec built from the choices.

use std::time::Duration;

use crate::coder::deployment::{Deployment, Route};

/// How long `--route auto` waits for `/api/v2/buildinfo`.
const ROUTE_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// How the route was chosen, for telling the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteReason {
    /// Named on the command line.
    Chosen,
    PastedUrl,
    Version(String),
    Fallback(String),
}

/// Picks the route: the one `chosen`, else the pasted URL's, else by the deployment's version
/// (asked through `network`; `None` is offline).
pub fn resolve_route(
    chosen: Option<Route>,
    pasted: Option<Route>,
    deployment: &Deployment,
    network: Option<&crate::net::Network>,
) -> (Route, RouteReason) {
    if let Some(route) = chosen {
        return (route, RouteReason::Chosen);
    }
    if let Some(route) = pasted {
        return (route, RouteReason::PastedUrl);
    }
    let Some(network) = network else {
        return (Route::Aibridge, RouteReason::Fallback("offline".into()));
    };
    match crate::coder::http::coder_version(network, deployment, ROUTE_PROBE_TIMEOUT) {
        Ok(version) => (
            Route::for_version(&version),
            RouteReason::Version(version.raw),
        ),
        Err(why) => (Route::Aibridge, RouteReason::Fallback(why)),
    }
}

impl RouteReason {
    pub fn describe(&self, route: Route) -> String {
        let route = route.name();
        match self {
            RouteReason::Chosen => format!("route `{route}` (from --route)"),
            RouteReason::PastedUrl => format!("route `{route}` (from the pasted URL)"),
            RouteReason::Version(v) => format!("route `{route}` (the deployment runs Coder {v})"),
            RouteReason::Fallback(why) => {
                format!(
                    "route `{route}`, which every Coder version with the gateway serves ({why})"
                )
            }
        }
    }
}
