//! Small, bounded HTTP GETs against a Coder deployment and what their answers say. The
//! transport (trust, proxies, failures and their fixes) is [`crate::net`]: no redirects followed
//! (a token must never ride to another origin), capped bodies.

use std::time::Duration;

use crate::net::Network;

/// Responses larger than this are cut: a probe only needs the first words.
pub const BODY_LIMIT: u64 = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: String,
}

impl Answer {
    pub fn is_json(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|c| c.contains("json"))
    }

    /// Coder's JSON errors carry `{"message": …}`; gateway errors are plain text.
    pub fn message(&self) -> String {
        self.message_hiding(&[])
    }

    /// [`Answer::message`] with the credentials that were `sent`, and anything shaped like a
    /// token, redacted — before the text is cut to length, so that a server echoing a token
    /// cannot show its first part.
    pub fn message_hiding(&self, sent: &[&str]) -> String {
        if self.is_json()
            && let Ok(value) = serde_json::from_str::<serde_json::Value>(&self.body)
            && let Some(message) = value.get("message").and_then(|m| m.as_str())
        {
            return crate::secrets::redact_in_text(message, sent);
        }
        crate::secrets::redact_in_text(self.body.trim(), sent)
            .chars()
            .take(300)
            .collect()
    }
}

pub use crate::net::Failure;

/// `GET url` with the given headers through the program's one client, bounded by `timeout`.
pub fn get(
    network: &Network,
    url: &str,
    headers: &[(&str, &str)],
    timeout: Duration,
) -> Result<Answer, Failure> {
    network.get(url, headers, timeout)
}

/// `GET /api/v2/buildinfo`: the deployment's version, or why it could not be read.
pub fn coder_version(
    network: &Network,
    deployment: &crate::coder::deployment::Deployment,
    timeout: Duration,
) -> Result<crate::coder::deployment::CoderVersion, String> {
    // The fix rides along: setup shows this when it falls back to a default route.
    let answer = get(network, &deployment.join("api/v2/buildinfo"), &[], timeout)
        .map_err(|e| format!("{e}; {}", e.fix()))?;
    buildinfo_version(&answer)
}

/// The version in an answer to `GET /api/v2/buildinfo`, or what is wrong with the answer.
pub fn buildinfo_version(
    answer: &Answer,
) -> Result<crate::coder::deployment::CoderVersion, String> {
    if answer.status != 200 {
        return Err(format!(
            "`/api/v2/buildinfo` answered HTTP {}",
            answer.status
        ));
    }
    let value: serde_json::Value = serde_json::from_str(&answer.body).map_err(|_| {
        "`/api/v2/buildinfo` did not answer JSON; is this a Coder deployment?".to_string()
    })?;
    let raw = value
        .get("version")
        .and_then(|v| v.as_str())
        .ok_or("`/api/v2/buildinfo` has no `version`")?;
    crate::coder::deployment::CoderVersion::parse(raw)
        .ok_or_else(|| format!("cannot read the version `{raw}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The review's leak: a server that echoes the token after 290 characters showed its first
    /// part, because the body was cut before the token was redacted.
    #[test]
    fn an_echoed_token_is_redacted_before_the_body_is_cut() {
        let token = "abcdefghij-0123456789abcdefghijkl";
        let answer = Answer {
            status: 500,
            content_type: Some("text/plain".into()),
            location: None,
            body: format!("{} {token} and more", "x".repeat(290)),
        };
        let message = answer.message();
        assert!(!message.contains("abcdefghij-0"), "{message}");
        assert!(message.ends_with(" abcd… (33"), "{message}");
        let odd = Answer {
            body: format!("{}my-odd-secret", "y".repeat(295)),
            ..answer
        };
        assert!(!odd.message_hiding(&["my-odd-secret"]).contains("my-odd"));
    }
}
