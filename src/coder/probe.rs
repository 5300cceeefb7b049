//! The look at a deployment before its URL is written anywhere: does it answer as Coder, where
//! is its root (a page of Coder's web UI pasted from the browser is not), and which version
//! does it run. `setup` and `show` both resolve their URL through [`probe`].

use std::time::Duration;

use crate::coder::deployment::{CoderVersion, Deployment};
use crate::coder::http::{self, Answer};
use crate::error;
use crate::net::Network;

/// How many folders above a pasted page are tried for the deployment root.
const MAX_PAGE_DEPTH: usize = 6;

/// What the deployment said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// `/api/v2/buildinfo` answered with a version: this is Coder, rooted at `deployment`.
    Coder {
        deployment: Deployment,
        version: CoderVersion,
        /// The pasted URL, when it was a page below the root.
        page: Option<String>,
    },
    /// No answer at all (`why`: refused, no such host, timeout, TLS …; `fix`: what to do).
    Unreachable { why: String, fix: String },
}

/// Asks `{root}/api/v2/buildinfo`, then the same under each folder above it, until one answers
/// as Coder. An address that answers but never as Coder is an error that says what it looked
/// like; one that does not answer at all is [`Finding::Unreachable`].
pub fn probe(
    network: &Network,
    deployment: &Deployment,
    timeout: Duration,
) -> anyhow::Result<Finding> {
    let candidates = deployment.with_ancestors(MAX_PAGE_DEPTH);
    let mut first_answer = None;
    for (i, candidate) in candidates.iter().enumerate() {
        let answer = match http::get(network, &candidate.join("api/v2/buildinfo"), &[], timeout) {
            Ok(answer) => answer,
            // The host is the same for every candidate: one that does not answer never will.
            Err(failure) if i == 0 => {
                return Ok(Finding::Unreachable {
                    why: failure.to_string(),
                    fix: failure.fix(),
                });
            }
            Err(_) => continue,
        };
        if let Ok(version) = http::buildinfo_version(&answer) {
            return Ok(Finding::Coder {
                deployment: candidate.clone(),
                version,
                page: (i > 0).then(|| deployment.to_string()),
            });
        }
        first_answer.get_or_insert(answer);
    }
    let answer = first_answer.expect("the first candidate answered");
    Err(error::failure(
        format!(
            "`{deployment}` answers, but not as a Coder deployment: `{}` {}",
            deployment.join("api/v2/buildinfo"),
            looked_like(&answer)
        ),
        "use the address you open Coder at in the browser, e.g. `https://coder.example.com`",
    ))
}

/// A few words on what an answer that is not Coder's buildinfo was.
fn looked_like(answer: &Answer) -> String {
    let kind = match answer.content_type.as_deref() {
        Some(t) if t.contains("html") => "a web page".to_string(),
        Some(t) if t.contains("json") => "JSON without a `version`".to_string(),
        Some(t) => format!("`{}`", t.split(';').next().unwrap_or(t).trim()),
        None => "no content type".to_string(),
    };
    match answer.location.as_deref() {
        Some(to) if (300..400).contains(&answer.status) => {
            format!("answered HTTP {} (a redirect to `{to}`)", answer.status)
        }
        _ => format!("answered HTTP {} with {kind}", answer.status),
    }
}
