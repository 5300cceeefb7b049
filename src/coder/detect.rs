//! Where a Coder deployment URL can be found without asking: the environment, the `coder`
//! CLI's login, or the workspace agent.

use std::fmt;
use std::path::PathBuf;

use crate::environment::Environment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    CoderUrlVar,
    CoderCliLogin(PathBuf),
    WorkspaceAgent,
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::CoderUrlVar => f.write_str("$CODER_URL"),
            UrlSource::CoderCliLogin(path) => {
                write!(f, "the coder CLI's login (`{}`)", path.display())
            }
            UrlSource::WorkspaceAgent => f.write_str("$CODER_AGENT_URL (this workspace's agent)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectedUrl {
    pub url: String,
    pub source: UrlSource,
}

/// The `coder` CLI's config folder: `$CODER_CONFIG_DIR`, else `<config dir>/coderv2`.
pub fn coder_config_dir(env: &Environment) -> Option<PathBuf> {
    if let Some(dir) = env.var("CODER_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    let config = env
        .var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| env.config_dir.clone())?;
    Some(config.join("coderv2"))
}

/// Candidates in order of preference. Reading the login file is the only I/O.
pub fn deployment_urls(env: &Environment) -> Vec<DetectedUrl> {
    let mut found = Vec::new();
    if let Some(url) = env.var("CODER_URL") {
        found.push(DetectedUrl {
            url: url.trim().to_string(),
            source: UrlSource::CoderUrlVar,
        });
    }
    if let Some(path) = coder_config_dir(env).map(|dir| dir.join("url"))
        && let Ok(Some(text)) = crate::files::read_optional(&path)
    {
        let url = text.trim();
        if !url.is_empty() {
            found.push(DetectedUrl {
                url: url.to_string(),
                source: UrlSource::CoderCliLogin(path),
            });
        }
    }
    if env.var("CODER") == Some("true")
        && let Some(url) = env.var("CODER_AGENT_URL")
    {
        found.push(DetectedUrl {
            url: url.trim().to_string(),
            source: UrlSource::WorkspaceAgent,
        });
    }
    found
}
