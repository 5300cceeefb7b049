//! Handing credentials to Codex at launch: which variables the configured mode needs, where
//! their values come from, and how to write them for a shell (`codexgw env`) or a child
//! process (`codexgw exec`).

use std::fmt;

use crate::deployment::Deployment;
use crate::document::ConfigDocument;
use crate::environment::Environment;
use crate::error;
use crate::mode::{CODER_TOKEN_VAR, DEFAULT_ENV_KEY, Mode};
use crate::secrets::{self, Secret, SecretStore, TokenKind};

/// What config.toml says about the gateway provider, as far as launching Codex needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredProvider {
    pub id: String,
    pub deployment: Deployment,
    pub mode: Mode,
    /// Centralized mode's `env_key`; `None` with command-backed auth, where Codex asks
    /// `codexgw token print` itself.
    pub env_key: Option<String>,
}

/// Reads the provider `id` from a parsed config: the deployment from its `base_url`, the mode
/// from the gateway segment and `requires_openai_auth`.
pub fn configured_provider(doc: &ConfigDocument, id: &str) -> anyhow::Result<ConfiguredProvider> {
    let help = format!("run `codexgw setup --provider-id {id}`, or pass `--provider-id ID`");
    let table = doc.provider(id).ok_or_else(|| {
        error::failure(
            format!("config.toml has no provider `model_providers.{id}`"),
            help.clone(),
        )
    })?;
    let base_url = table
        .get("base_url")
        .and_then(|item| item.as_str())
        .ok_or_else(|| {
            error::failure(
                format!("`model_providers.{id}` has no `base_url`"),
                help.clone(),
            )
        })?;
    let deployment = Deployment::parse(base_url, true)?.deployment;
    let requires_openai_auth = table
        .get("requires_openai_auth")
        .and_then(|item| item.as_bool())
        .unwrap_or(false);
    let mode = if base_url.trim_end_matches('/').ends_with("/chatgpt/v1") {
        Mode::Chatgpt
    } else if requires_openai_auth {
        Mode::Byok
    } else {
        Mode::Centralized
    };
    let env_key = match (mode, table.get("env_key").and_then(|item| item.as_str())) {
        (Mode::Centralized, Some(var)) => Some(var.to_string()),
        (Mode::Centralized, None) if table.contains_key("auth") => None,
        (Mode::Centralized, None) => Some(DEFAULT_ENV_KEY.to_string()),
        _ => None,
    };
    Ok(ConfiguredProvider {
        id: id.to_string(),
        deployment,
        mode,
        env_key,
    })
}

/// One change to a process environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvChange {
    Set(String, Secret),
    Unset(String),
}

/// The environment Codex needs for the provider: centralized exports the `env_key` variable
/// holding the Coder token; byok and chatgpt export `CODER_API_TOKEN` for the governance
/// header; chatgpt also removes `OPENAI_API_KEY`, or Codex signs in with it instead of ChatGPT.
pub fn environment_for(
    provider: &ConfiguredProvider,
    env: &Environment,
    store: Option<&dyn SecretStore>,
) -> anyhow::Result<Vec<EnvChange>> {
    let host = provider.deployment.host();
    let coder_token = || {
        secrets::find(TokenKind::Coder, env, TokenKind::Coder.env_vars(), store, host)
            .map(|found| found.secret)
            .ok_or_else(|| {
                error::failure(
                    format!("no Coder API token for `{host}`"),
                    format!(
                        "store one with `codexgw token set coder --url {}` (create it with `coder tokens create`), or set `{CODER_TOKEN_VAR}`",
                        provider.deployment
                    ),
                )
            })
    };
    let mut changes = Vec::new();
    match (provider.mode, &provider.env_key) {
        (Mode::Centralized, Some(var)) => {
            validate_var_name(var)?;
            changes.push(EnvChange::Set(var.clone(), coder_token()?));
        }
        (Mode::Centralized, None) => {}
        (Mode::Byok, _) => changes.push(EnvChange::Set(CODER_TOKEN_VAR.into(), coder_token()?)),
        (Mode::Chatgpt, _) => {
            changes.push(EnvChange::Set(CODER_TOKEN_VAR.into(), coder_token()?));
            changes.push(EnvChange::Unset("OPENAI_API_KEY".into()));
        }
    }
    Ok(changes)
}

/// Variable names go into shell code unquoted, so only portable names pass.
fn validate_var_name(name: &str) -> anyhow::Result<()> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(error::failure(
            format!("`env_key = \"{name}\"` is not a variable name a shell can export"),
            "use letters, digits and `_`, e.g. `codexgw setup --env-key OPENAI_API_KEY`",
        ))
    }
}

/// The shells `codexgw env` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Sh,
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl Shell {
    /// The shell named by `$SHELL` (its file name), else POSIX sh; PowerShell on Windows.
    pub fn from_env(env: &Environment) -> Shell {
        let name = env
            .var("SHELL")
            .and_then(|path| std::path::Path::new(path).file_name())
            .and_then(|name| name.to_str());
        match name {
            Some("bash") => Shell::Bash,
            Some("zsh") => Shell::Zsh,
            Some("fish") => Shell::Fish,
            Some("pwsh" | "powershell" | "pwsh.exe" | "powershell.exe") => Shell::Powershell,
            None if cfg!(windows) => Shell::Powershell,
            _ => Shell::Sh,
        }
    }

    /// One line per change, quoted so that any value is taken literally.
    pub fn render(self, changes: &[EnvChange]) -> String {
        changes.iter().map(|change| self.line(change)).collect()
    }

    fn line(self, change: &EnvChange) -> String {
        match (self, change) {
            (Shell::Sh | Shell::Bash | Shell::Zsh, EnvChange::Set(name, value)) => {
                format!(
                    "export {name}='{}'\n",
                    value.expose().replace('\'', r"'\''")
                )
            }
            (Shell::Sh | Shell::Bash | Shell::Zsh, EnvChange::Unset(name)) => {
                format!("unset {name}\n")
            }
            (Shell::Fish, EnvChange::Set(name, value)) => format!(
                "set -gx {name} '{}'\n",
                value.expose().replace('\\', r"\\").replace('\'', r"\'")
            ),
            (Shell::Fish, EnvChange::Unset(name)) => format!("set -e {name}\n"),
            (Shell::Powershell, EnvChange::Set(name, value)) => {
                format!("$env:{name} = '{}'\n", value.expose().replace('\'', "''"))
            }
            (Shell::Powershell, EnvChange::Unset(name)) => {
                format!("Remove-Item Env:{name} -ErrorAction SilentlyContinue\n")
            }
        }
    }
}

impl fmt::Display for EnvChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvChange::Set(name, value) => write!(f, "{name}={value}"),
            EnvChange::Unset(name) => write!(f, "unset {name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    fn provider(text: &str) -> anyhow::Result<ConfiguredProvider> {
        configured_provider(&ConfigDocument::parse(text).unwrap(), "ai_gateway")
    }

    #[test]
    fn the_mode_comes_from_the_provider_block() {
        let centralized = provider(
            "[model_providers.ai_gateway]\nbase_url = \"https://c.example.com/api/v2/aibridge/openai/v1\"\nenv_key = \"MY_KEY\"\n",
        )
        .unwrap();
        assert_eq!(
            (centralized.mode, centralized.env_key.as_deref()),
            (Mode::Centralized, Some("MY_KEY"))
        );
        assert_eq!(centralized.deployment.host(), "c.example.com");
        let command = provider(
            "[model_providers.ai_gateway]\nbase_url = \"https://c.example.com/coder/api/v2/ai-gateway/openai/v1\"\n[model_providers.ai_gateway.auth]\ncommand = \"/bin/codexgw\"\n",
        )
        .unwrap();
        assert_eq!((command.mode, command.env_key), (Mode::Centralized, None));
        assert_eq!(command.deployment.as_str(), "https://c.example.com/coder");
        let byok = provider(
            "model_providers.ai_gateway = { base_url = \"https://c.example.com/api/v2/aibridge/openai/v1\", requires_openai_auth = true }\n",
        )
        .unwrap();
        assert_eq!(byok.mode, Mode::Byok);
        let chatgpt = provider(
            "[model_providers.ai_gateway]\nbase_url = \"https://c.example.com/api/v2/aibridge/chatgpt/v1\"\nrequires_openai_auth = true\n",
        )
        .unwrap();
        assert_eq!(chatgpt.mode, Mode::Chatgpt);
        let missing = provider("model = \"gpt-5\"\n").unwrap_err();
        assert_eq!(
            missing.to_string(),
            "config.toml has no provider `model_providers.ai_gateway`"
        );
    }

    #[test]
    fn each_mode_gets_its_variables() {
        let store = MemoryStore::default();
        store
            .set(
                TokenKind::Coder,
                "c.example.com",
                &Secret::new("from-keyring"),
            )
            .unwrap();
        let env = Environment::new([("OPENAI_API_KEY".into(), "sk-real".into())]);
        let base =
            "[model_providers.ai_gateway]\nbase_url = \"https://c.example.com/api/v2/aibridge";
        let changes = |text: &str| {
            environment_for(&provider(text).unwrap(), &env, Some(&store))
                .unwrap()
                .iter()
                .map(|c| match c {
                    EnvChange::Set(n, v) => format!("{n}={}", v.expose()),
                    EnvChange::Unset(n) => format!("-{n}"),
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            changes(&format!("{base}/openai/v1\"\n")),
            ["OPENAI_API_KEY=from-keyring"]
        );
        assert_eq!(
            changes(&format!(
                "{base}/openai/v1\"\nrequires_openai_auth = true\n"
            )),
            ["CODER_API_TOKEN=from-keyring"]
        );
        assert_eq!(
            changes(&format!(
                "{base}/chatgpt/v1\"\nrequires_openai_auth = true\n"
            )),
            ["CODER_API_TOKEN=from-keyring", "-OPENAI_API_KEY"]
        );
        let env = Environment::new([("CODER_API_TOKEN".into(), "from-env".into())]);
        let byok = provider(&format!(
            "{base}/openai/v1\"\nrequires_openai_auth = true\n"
        ))
        .unwrap();
        assert_eq!(
            environment_for(&byok, &env, Some(&store)).unwrap(),
            [EnvChange::Set(
                "CODER_API_TOKEN".into(),
                Secret::new("from-env")
            )]
        );
        let err = environment_for(&byok, &Environment::default(), None).unwrap_err();
        assert_eq!(err.to_string(), "no Coder API token for `c.example.com`");
        let bad_name = provider(&format!("{base}/openai/v1\"\nenv_key = \"A;rm -rf\"\n")).unwrap();
        assert!(environment_for(&bad_name, &env, None).is_err());
    }

    #[test]
    fn every_shell_quotes_values_literally() {
        let changes = [
            EnvChange::Set("T".into(), Secret::new(r"a'b\c$d")),
            EnvChange::Unset("OPENAI_API_KEY".into()),
        ];
        assert_eq!(
            Shell::Bash.render(&changes),
            "export T='a'\\''b\\c$d'\nunset OPENAI_API_KEY\n"
        );
        assert_eq!(
            Shell::Fish.render(&changes),
            "set -gx T 'a\\'b\\\\c$d'\nset -e OPENAI_API_KEY\n"
        );
        assert_eq!(
            Shell::Powershell.render(&changes),
            "$env:T = 'a''b\\c$d'\nRemove-Item Env:OPENAI_API_KEY -ErrorAction SilentlyContinue\n"
        );
    }

    #[test]
    fn the_default_shell_is_the_login_shell() {
        let shell =
            |value: &str| Shell::from_env(&Environment::new([("SHELL".into(), value.into())]));
        assert_eq!(shell("/usr/bin/fish"), Shell::Fish);
        assert_eq!(shell("/bin/zsh"), Shell::Zsh);
        assert_eq!(shell("/bin/dash"), Shell::Sh);
    }
}
