//! Handing credentials to Codex at launch: which variables the configured mode needs, where
//! their values come from, and how to write them for a shell (`codexgw env`) or a child
//! process (`codexgw exec`).

use std::fmt;
use std::path::Path;

use crate::coder::deployment::Deployment;
use crate::codex::home::{API_KEY_VAR, api_key_from_env};
use crate::codex::inspect::Inspected;
use crate::codex::mode::{CODER_TOKEN_VAR, Mode};
use crate::environment::Environment;
use crate::error;
use crate::secrets::{self, Secret, SecretStore, TokenKind};

/// What config.toml says about the gateway provider, as far as launching Codex needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredProvider {
    pub id: String,
    pub deployment: Deployment,
    pub mode: Mode,
    /// Centralized mode's `env_key`; `None` with command-backed auth (Codex asks `codexgw token
    /// print` itself) or a bearer token in the file.
    pub env_key: Option<String>,
}

impl ConfiguredProvider {
    /// Where the Coder token comes from, in order. In centralized mode the `env_key` variable
    /// comes first: it is the key Codex sends, and the README has users export the token there.
    pub fn coder_token_vars(&self) -> Vec<&str> {
        secrets::coder_token_vars(self.env_key.as_deref())
    }
}

/// The provider `id` as the config file at `path` defines it; `None` when there is no file.
pub fn read_configured_provider(
    path: &Path,
    id: &str,
    elsewhere: Option<&Deployment>,
) -> anyhow::Result<Option<ConfiguredProvider>> {
    let Some(text) = crate::files::read_optional(path)? else {
        return Ok(None);
    };
    let (_, text) = crate::codex::strip_bom(&text);
    let config = Inspected::parse(text).map_err(|e| {
        // The same TOML parser: this words the error as every command that reads the file does.
        crate::codex::document::ConfigDocument::parse_file(text, path)
            .err()
            .unwrap_or_else(|| anyhow::Error::new(e))
    })?;
    configured_provider(&config, id, path, elsewhere).map(Some)
}

/// Reads the provider `id` from config.toml (at `path`, for messages): the deployment as the
/// table records it ([`crate::codex::inspect::Block::deployment`]), else its `base_url`; the
/// mode by the rule doctor uses ([`crate::codex::inspect::Block::mode`]). `elsewhere`: the
/// deployment named outside the file (`--url`, `$CODER_URL`, the `coder` CLI's login), used
/// only when the table points at a standalone gateway and does not say whose tokens it needs.
pub fn configured_provider(
    config: &Inspected,
    id: &str,
    path: &Path,
    elsewhere: Option<&Deployment>,
) -> anyhow::Result<ConfiguredProvider> {
    let file = path.display();
    let block = config.provider(id).ok_or_else(|| {
        error::failure(
            format!("`{file}` has no provider `model_providers.{id}`"),
            format!("run `codexgw setup --provider-id {id}` to add it"),
        )
    })?;
    let setup = "run `codexgw setup --url https://coder.example.com` to rewrite the table";
    let base_url = block.base_url.as_deref().ok_or_else(|| {
        error::failure(
            format!("`model_providers.{id}` in `{file}` has no `base_url`"),
            setup,
        )
    })?;
    let deployment = match (block.deployment(), block.standalone()) {
        (Some(deployment), _) => deployment,
        // The gateway's host holds no tokens: they belong to the Coder deployment behind it.
        (None, Some((gateway, _))) => elsewhere.cloned().ok_or_else(|| {
            error::failure(
                format!(
                    "`model_providers.{id}` in `{file}` points at the standalone gateway `{gateway}`, and nothing says which Coder deployment its tokens belong to"
                ),
                "pass `--url https://coder.example.com` (the deployment you gave setup), or set `CODER_URL` to it",
            )
        })?,
        (None, None) => {
            Deployment::parse(base_url, true)
                .map_err(|err| {
                    error::failure(
                        format!(
                            "`model_providers.{id}.base_url` in `{file}` is not usable: {err}"
                        ),
                        setup,
                    )
                })?
                .deployment
        }
    };
    let mode = block.mode().ok_or_else(|| {
        error::failure(
            format!(
                "cannot tell which gateway mode `model_providers.{id}` in `{file}` is written for"
            ),
            "run `codexgw doctor`",
        )
    })?;
    let env_key = match mode {
        Mode::Centralized => block.env_key,
        Mode::Byok | Mode::Chatgpt => None,
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
/// header; byok also hands a stored OpenAI key over as `CODEX_API_KEY`, which Codex sends in
/// preference to its login, so the key needs no plain-text auth.json (a `CODEX_API_KEY`
/// already set is the user's choice and stays); chatgpt also removes `OPENAI_API_KEY`.
pub fn environment_for(
    provider: &ConfiguredProvider,
    env: &Environment,
    store: Option<&dyn SecretStore>,
) -> anyhow::Result<Vec<EnvChange>> {
    if let Some(var) = &provider.env_key {
        validate_var_name(var).map_err(|why| {
            error::failure(
                format!("`env_key` of `model_providers.{}` {why}", provider.id),
                "use letters, digits and `_`: `codexgw setup --env-key OPENAI_API_KEY`",
            )
        })?;
    }
    let coder_token = || coder_token(provider, env, store);
    let mut changes = Vec::new();
    match (provider.mode, &provider.env_key) {
        (Mode::Centralized, Some(var)) => changes.push(EnvChange::Set(var.clone(), coder_token()?)),
        (Mode::Centralized, None) => {}
        (Mode::Byok | Mode::Chatgpt, _) => {
            changes.push(EnvChange::Set(CODER_TOKEN_VAR.into(), coder_token()?));
        }
    }
    if provider.mode == Mode::Byok
        && api_key_from_env(env).is_none()
        && let Some(key) = stored_openai_key(provider, store)
    {
        changes.push(EnvChange::Set(API_KEY_VAR.into(), key));
    }
    changes.extend(
        provider
            .mode
            .conflicting_var()
            .map(|var| EnvChange::Unset(var.into())),
    );
    Ok(changes)
}

/// The OpenAI key `codexgw token set openai` stored for the provider's deployment. An
/// unreadable store counts as empty: Codex then uses its own login.
pub fn stored_openai_key(
    provider: &ConfiguredProvider,
    store: Option<&dyn SecretStore>,
) -> Option<Secret> {
    let key = secrets::store_key(&provider.deployment);
    store?.get(TokenKind::Openai, &key).ok().flatten()
}

/// The Coder token from [`ConfiguredProvider::coder_token_vars`], the store or the coder CLI.
/// An exported OpenAI key in one of those variables is refused rather than sent as the token.
fn coder_token(
    provider: &ConfiguredProvider,
    env: &Environment,
    store: Option<&dyn SecretStore>,
) -> anyhow::Result<Secret> {
    let key = secrets::store_key(&provider.deployment);
    let vars = provider.coder_token_vars();
    let found = secrets::find(TokenKind::Coder, env, &vars, store, &key).ok_or_else(|| {
        error::failure(
            format!("no Coder API token for `{key}`"),
            format!(
                "store one with `codexgw token set coder --url {}` (create it with `coder tokens create`), or set `{}`",
                provider.deployment, vars[0]
            ),
        )
    })?;
    secrets::usable(TokenKind::Coder, found, &provider.deployment)
}

/// `Some(why)` when `name`, found where a variable name belongs, is a token instead; `why`
/// shows it only redacted. The one rule, used by [`validate_var_name`] and doctor.
pub fn pasted_token(name: &str) -> Option<String> {
    (secrets::looks_like_openai_key(name) || secrets::looks_like_secret(name)).then(|| {
        format!(
            "looks like a token, not a variable name ({})",
            secrets::redact(name)
        )
    })
}

/// Variable names go into shell code unquoted, so only portable names pass; a pasted token in
/// their place would land in config.toml. `Err` says what is wrong, showing a value that looks
/// like a secret only redacted. The one rule for every place a variable name belongs
/// (`--env-key`, `env_key`, the variables of `env_http_headers`).
pub fn validate_var_name(name: &str) -> Result<(), String> {
    if let Some(why) = pasted_token(name) {
        return Err(why);
    }
    if name.is_empty() {
        return Err("is empty".into());
    }
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "is not a variable name a shell can export (`{name}`)"
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
    /// The shell named by `$SHELL` (its file name); POSIX sh without one (PowerShell on
    /// Windows). A shell that takes neither syntax (tcsh, nu) is an error: lines it cannot run
    /// would fail at `eval`, or worse, half-apply.
    pub fn from_env(env: &Environment) -> anyhow::Result<Shell> {
        let Some(path) = env.var("SHELL") else {
            return Ok(if cfg!(windows) {
                Shell::Powershell
            } else {
                Shell::Sh
            });
        };
        let name = std::path::Path::new(path)
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        match name {
            "bash" => Ok(Shell::Bash),
            "zsh" => Ok(Shell::Zsh),
            "fish" => Ok(Shell::Fish),
            "pwsh" | "powershell" | "pwsh.exe" | "powershell.exe" => Ok(Shell::Powershell),
            "sh" | "dash" | "ash" | "ksh" | "mksh" | "yash" => Ok(Shell::Sh),
            _ => Err(error::of_kind(
                error::ExitKind::Usage,
                format!("cannot write lines for the shell `{path}` ($SHELL)"),
            )),
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
                format!("$env:{name} = '{}'\n", powershell_quoted(value.expose()))
            }
            (Shell::Powershell, EnvChange::Unset(name)) => {
                format!("Remove-Item Env:{name} -ErrorAction SilentlyContinue\n")
            }
        }
    }
}

/// The inside of a PowerShell single-quoted string. PowerShell ends such a string at any of
/// its single quotes — ASCII `'` and the typographic U+2018–U+201B — and takes each of them
/// doubled as one literal quote; doubling only `'` would let a value run code under
/// `Invoke-Expression`.
fn powershell_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}'..='\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out
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
        configured_provider(
            &Inspected::parse(text).unwrap(),
            "ai_gateway",
            Path::new("/h/.codex/config.toml"),
            None,
        )
    }

    const BASE: &str =
        "[model_providers.ai_gateway]\nbase_url = \"https://c.example.com/api/v2/aibridge";

    fn render(changes: &[EnvChange]) -> Vec<String> {
        changes
            .iter()
            .map(|c| match c {
                EnvChange::Set(n, v) => format!("{n}={}", v.expose()),
                EnvChange::Unset(n) => format!("-{n}"),
            })
            .collect()
    }

    #[test]
    fn the_mode_comes_from_the_provider_block() {
        let centralized = provider(&format!("{BASE}/openai/v1\"\nenv_key = \"MY_KEY\"\n")).unwrap();
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
        let chatgpt = provider(&format!(
            "{BASE}/chatgpt/v1\"\nrequires_openai_auth = true\n"
        ))
        .unwrap();
        assert_eq!(chatgpt.mode, Mode::Chatgpt);
        let missing = provider("model = \"gpt-5\"\n").unwrap_err();
        assert_eq!(
            missing.to_string(),
            "`/h/.codex/config.toml` has no provider `model_providers.ai_gateway`"
        );
    }

    /// A standalone gateway's host holds no tokens: the deployment comes from the token
    /// command's `--url`, else from outside the file, else an error naming `--url`.
    #[test]
    fn a_standalone_gateway_takes_the_deployment_it_belongs_to() {
        let path = Path::new("/h/.codex/config.toml");
        let read = |text: &str, elsewhere: Option<&Deployment>| {
            configured_provider(
                &Inspected::parse(text).unwrap(),
                "ai_gateway",
                path,
                elsewhere,
            )
        };
        let command = "[model_providers.ai_gateway]\nbase_url = \"https://gw.example.com/openai/v1\"\n[model_providers.ai_gateway.auth]\ncommand = \"/bin/codexgw\"\nargs = [\"token\", \"print\", \"coder\", \"--url\", \"https://c.example.com/coder\"]\n";
        let found = read(command, None).unwrap();
        assert_eq!(found.deployment.as_str(), "https://c.example.com/coder");
        let byok = "[model_providers.ai_gateway]\nbase_url = \"https://gw.example.com/openai/v1\"\nrequires_openai_auth = true\n";
        let err = read(byok, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`model_providers.ai_gateway` in `/h/.codex/config.toml` points at the standalone gateway `https://gw.example.com`, and nothing says which Coder deployment its tokens belong to"
        );
        let help = err
            .downcast_ref::<crate::error::UserError>()
            .and_then(|e| e.help());
        assert!(help.is_some_and(|h| h.contains("--url")));
        let elsewhere = Deployment::parse("https://c.example.com", false)
            .unwrap()
            .deployment;
        let found = read(byok, Some(&elsewhere)).unwrap();
        assert_eq!((found.deployment, found.mode), (elsewhere, Mode::Byok));
    }

    /// The reviewers' case: doctor reads this block as byok (the governance header), so `env`
    /// must not export the Coder token as `OPENAI_API_KEY`.
    #[test]
    fn launch_and_doctor_read_the_mode_by_one_rule() {
        let text = format!(
            "{BASE}/openai/v1\"\nenv_http_headers = {{ \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\" }}\n"
        );
        let doctor = Inspected::parse(&text)
            .unwrap()
            .provider("ai_gateway")
            .unwrap()
            .mode();
        let launched = provider(&text).unwrap();
        assert_eq!((doctor, launched.mode), (Some(Mode::Byok), Mode::Byok));
        let env = Environment::new([("CODER_API_TOKEN".into(), "coder-token".into())]);
        assert_eq!(
            render(&environment_for(&launched, &env, None).unwrap()),
            ["CODER_API_TOKEN=coder-token"]
        );
        // No credential, no header, an openai route: no mode to launch for.
        let unknown = provider(&format!("{BASE}/openai/v1\"\n")).unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "cannot tell which gateway mode `model_providers.ai_gateway` in `/h/.codex/config.toml` is written for"
        );
        assert_eq!(
            crate::error::render(&unknown).lines().last(),
            Some("help: run `codexgw doctor`")
        );
    }

    #[test]
    fn a_bad_base_url_is_a_failure_that_names_the_file() {
        let err = provider(
            "[model_providers.ai_gateway]\nbase_url = \"ftp://c.example.com/x\"\nenv_key = \"K\"\n",
        )
        .unwrap_err();
        assert_eq!(
            crate::error::exit_kind(&err),
            crate::error::ExitKind::Failure
        );
        let rendered = crate::error::render(&err);
        assert!(
            rendered.starts_with(
                "error: `model_providers.ai_gateway.base_url` in `/h/.codex/config.toml` is not usable: "
            ),
            "{rendered}"
        );
        assert!(
            rendered.ends_with(
                "help: run `codexgw setup --url https://coder.example.com` to rewrite the table\n"
            ),
            "{rendered}"
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
        let changes = |text: &str, env: &Environment| {
            render(&environment_for(&provider(text).unwrap(), env, Some(&store)).unwrap())
        };
        let none = Environment::default();
        assert_eq!(
            changes(
                &format!("{BASE}/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\n"),
                &none
            ),
            ["OPENAI_API_KEY=from-keyring"]
        );
        let byok = format!("{BASE}/openai/v1\"\nrequires_openai_auth = true\n");
        // An OpenAI key in the environment is no Coder token outside centralized mode.
        let with_key = Environment::new([("OPENAI_API_KEY".into(), "sk-real".into())]);
        assert_eq!(changes(&byok, &with_key), ["CODER_API_TOKEN=from-keyring"]);
        assert_eq!(
            changes(
                &format!("{BASE}/chatgpt/v1\"\nrequires_openai_auth = true\n"),
                &with_key
            ),
            ["CODER_API_TOKEN=from-keyring", "-OPENAI_API_KEY"]
        );
        let env = Environment::new([("CODER_API_TOKEN".into(), "from-env".into())]);
        assert_eq!(changes(&byok, &env), ["CODER_API_TOKEN=from-env"]);
        let err = environment_for(&provider(&byok).unwrap(), &none, None).unwrap_err();
        assert_eq!(err.to_string(), "no Coder API token for `c.example.com`");
        let bad_name = provider(&format!("{BASE}/openai/v1\"\nenv_key = \"A;rm -rf\"\n")).unwrap();
        assert_eq!(
            environment_for(&bad_name, &env, None)
                .unwrap_err()
                .to_string(),
            "`env_key` of `model_providers.ai_gateway` is not a variable name a shell can export (`A;rm -rf`)"
        );
    }

    #[test]
    fn byok_hands_a_stored_openai_key_over_as_codex_api_key() {
        let store = MemoryStore::default();
        for (kind, value) in [
            (TokenKind::Coder, "coder"),
            (TokenKind::Openai, "sk-stored"),
        ] {
            store
                .set(kind, "c.example.com", &Secret::new(value))
                .unwrap();
        }
        let changes = |route: &str, env: &Environment| {
            let text = format!("{BASE}/{route}/v1\"\nrequires_openai_auth = true\n");
            render(&environment_for(&provider(&text).unwrap(), env, Some(&store)).unwrap())
        };
        let none = Environment::default();
        assert_eq!(
            changes("openai", &none),
            ["CODER_API_TOKEN=coder", "CODEX_API_KEY=sk-stored"]
        );
        // A set `CODEX_API_KEY` is the user's choice; chatgpt mode never gets a key.
        let set = Environment::new([("CODEX_API_KEY".into(), "sk-env".into())]);
        assert_eq!(changes("openai", &set), ["CODER_API_TOKEN=coder"]);
        assert_eq!(
            changes("chatgpt", &none),
            ["CODER_API_TOKEN=coder", "-OPENAI_API_KEY"]
        );
    }

    /// The README has users `export OPENAI_API_KEY=<Coder token>` for centralized mode: that
    /// variable is the first source, and its value passes through unchanged.
    #[test]
    fn centralized_mode_takes_the_env_key_variable_first() {
        let store = MemoryStore::default();
        store
            .set(TokenKind::Coder, "c.example.com", &Secret::new("stored"))
            .unwrap();
        let centralized = provider(&format!(
            "{BASE}/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\n"
        ))
        .unwrap();
        let exported = Environment::new([("OPENAI_API_KEY".into(), "exported-token".into())]);
        for store in [None, Some(&store as &dyn SecretStore)] {
            assert_eq!(
                render(&environment_for(&centralized, &exported, store).unwrap()),
                ["OPENAI_API_KEY=exported-token"]
            );
        }
        let openai_key = Environment::new([("OPENAI_API_KEY".into(), "sk-proj-abcdefgh".into())]);
        let err = environment_for(&centralized, &openai_key, Some(&store)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`OPENAI_API_KEY` holds an OpenAI API key (sk-p… (16 chars)), but Codex would send it to the gateway as the Coder token"
        );
    }

    #[test]
    fn variable_names_and_tokens_in_their_place() {
        assert_eq!(validate_var_name("CODER_TOKEN_2"), Ok(()));
        assert_eq!(validate_var_name(""), Err("is empty".to_string()));
        assert_eq!(
            validate_var_name("sk-abc def"),
            Err("looks like a token, not a variable name (… (10 chars))".to_string())
        );
        assert_eq!(
            validate_var_name("abcdefghij-0123456789abcdefghijkl"),
            Err("looks like a token, not a variable name (abcd… (33 chars))".to_string())
        );
        for token in [
            "ghp_0123456789abcdefghijABCDEFGHIJ",
            "eyJhbGciOiJIUzI1NiJ9.e30.abc",
            "AbCdEfGhIjKlMnOpQrStUv0123",
        ] {
            let err = validate_var_name(token).unwrap_err();
            assert!(
                err.starts_with("looks like a token, not a variable name ("),
                "{err}"
            );
            assert!(!err.contains(token), "{err}");
        }
        assert_eq!(
            validate_var_name("OPENAI_CODER_AIGATEWAY_SESSION_TOKEN"),
            Ok(())
        );
        assert_eq!(
            validate_var_name("9LIVES"),
            Err("is not a variable name a shell can export (`9LIVES`)".to_string())
        );
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

    /// The review's injection: `’;calc;’` in a token ended the string in PowerShell.
    #[test]
    fn powershell_doubles_every_quote_it_accepts() {
        let changes = [EnvChange::Set(
            "T".into(),
            Secret::new("a\u{2019};calc;\u{2018}b\u{201A}c\u{201B}d'e\u{201C}"),
        )];
        assert_eq!(
            Shell::Powershell.render(&changes),
            "$env:T = 'a\u{2019}\u{2019};calc;\u{2018}\u{2018}b\u{201A}\u{201A}c\u{201B}\u{201B}d''e\u{201C}'\n"
        );
    }

    #[test]
    fn the_default_shell_is_the_login_shell() {
        let shell = |value: &str| {
            Shell::from_env(&Environment::new([("SHELL".into(), value.into())]))
                .map_err(|e| crate::error::render(&e))
        };
        assert_eq!(shell("/usr/bin/fish").unwrap(), Shell::Fish);
        assert_eq!(shell("/bin/zsh").unwrap(), Shell::Zsh);
        assert_eq!(shell("/bin/dash").unwrap(), Shell::Sh);
        assert_eq!(
            shell("/bin/tcsh").unwrap_err(),
            "error: cannot write lines for the shell `/bin/tcsh` ($SHELL)\n"
        );
    }
}
