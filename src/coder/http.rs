//! Small, bounded HTTP GETs against a Coder deployment: real sockets, rustls, no redirects
//! followed (a token must never ride to another origin), capped bodies.

use std::time::Duration;

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

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Timeout,
    Dns(String),
    Connect(String),
    Tls(String),
    Other(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Timeout => f.write_str("no answer in time"),
            Failure::Dns(e) => write!(f, "the host name does not resolve ({e})"),
            Failure::Connect(e) => write!(f, "cannot connect ({e})"),
            Failure::Tls(e) => write!(f, "TLS failed ({e})"),
            Failure::Other(e) => f.write_str(e),
        }
    }
}

/// `GET url` with the given headers, bounded by `timeout` end to end.
pub fn get(url: &str, headers: &[(&str, &str)], timeout: Duration) -> Result<Answer, Failure> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("codexgw/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call().map_err(classify)?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header("content-type");
    let location = header("location");
    let status = response.status().as_u16();
    let bytes = response
        .body_mut()
        .with_config()
        .limit(BODY_LIMIT)
        .read_to_vec();
    let body = match bytes {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        // An over-long or broken body still has a status worth reporting.
        Err(ureq::Error::Timeout(_)) => return Err(Failure::Timeout),
        Err(_) => String::new(),
    };
    Ok(Answer {
        status,
        content_type,
        location,
        body,
    })
}

fn classify(error: ureq::Error) -> Failure {
    match error {
        ureq::Error::Timeout(_) => Failure::Timeout,
        ureq::Error::HostNotFound => Failure::Dns("host not found".into()),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => Failure::Timeout,
        // std's resolver reports a failed lookup as a plain I/O error.
        ureq::Error::Io(e) if e.to_string().contains("lookup address") => {
            Failure::Dns(e.to_string())
        }
        ureq::Error::Io(e) => Failure::Connect(e.to_string()),
        ureq::Error::ConnectionFailed => Failure::Connect("connection failed".into()),
        ureq::Error::Rustls(e) => Failure::Tls(e.to_string()),
        other => {
            let text = other.to_string();
            if text.to_ascii_lowercase().contains("tls") || text.contains("certificate") {
                Failure::Tls(text)
            } else {
                Failure::Other(text)
            }
        }
    }
}

/// `GET /api/v2/buildinfo`: the deployment's version, or why it could not be read.
pub fn coder_version(
    deployment: &crate::coder::deployment::Deployment,
    timeout: Duration,
) -> Result<crate::coder::deployment::CoderVersion, String> {
    let answer =
        get(&deployment.join("api/v2/buildinfo"), &[], timeout).map_err(|e| e.to_string())?;
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
