//! Where Codex keeps its files, found exactly as Codex finds them.

use std::path::{Path, PathBuf};

use crate::environment::Environment;
use crate::error;
use crate::secrets::Secret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodexHome {
    dir: PathBuf,
}

impl CodexHome {
    /// Codex's rule (`codex-rs/utils/home-dir`): a set, non-empty `CODEX_HOME` must name an
    /// existing folder, and nothing is created for it (a folder codexgw made would hold a
    /// config Codex never reads); unset or empty, `~/.codex`, which setup may create (0700).
    /// A folder given on the command line (`flag`) is held to the `CODEX_HOME` rule and wins.
    pub fn resolve(
        flag: Option<&Path>,
        codex_home_var: Option<&str>,
        home_dir: Option<&Path>,
    ) -> anyhow::Result<CodexHome> {
        if let Some(dir) = flag {
            return CodexHome::existing(dir, "the folder given on the command line");
        }
        if let Some(dir) = codex_home_var.filter(|v| !v.is_empty()) {
            return CodexHome::existing(Path::new(dir), "`CODEX_HOME`");
        }
        let home = home_dir.ok_or_else(|| {
            error::failure(
                "cannot find your home folder to locate `~/.codex`",
                "set `CODEX_HOME` to the folder Codex should use",
            )
        })?;
        Ok(CodexHome::at(home.join(".codex")))
    }

    /// `dir` if it is a folder; `named` says where it came from, in the error.
    fn existing(dir: &Path, named: &str) -> anyhow::Result<CodexHome> {
        let shown = dir.display();
        match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => Ok(CodexHome::at(dir)),
            Ok(_) => Err(error::failure(
                format!(
                    "{named} points to `{shown}`, but that path is not a directory; Codex refuses it too"
                ),
                "point it at the folder that holds Codex's config.toml",
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(error::failure(
                format!(
                    "{named} points to `{shown}`, but that path does not exist; Codex refuses it too, so codexgw creates nothing there"
                ),
                format!(
                    "create it first (`mkdir -p {shown}`), or unset `CODEX_HOME` to use `~/.codex`"
                ),
            )),
            Err(e) => Err(anyhow::Error::new(e).context(format!("cannot read {named} `{shown}`"))),
        }
    }

    pub fn at(dir: impl Into<PathBuf>) -> CodexHome {
        CodexHome { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.join("config.toml")
    }

    /// Codex's profile file: `codex --profile NAME` layers it over `config.toml`.
    pub fn profile_path(&self, profile: &str) -> PathBuf {
        self.dir.join(format!("{profile}.config.toml"))
    }

    /// The file a backup named after `original` may be put back into: only the files codexgw
    /// backs up (`config.toml` and profile files), never another name found in the backups
    /// folder (`auth.json`, `../x`).
    pub fn restorable(&self, original: &str) -> Option<PathBuf> {
        if original == "config.toml" {
            return Some(self.config_path());
        }
        let profile = original.strip_suffix(".config.toml")?;
        validate_profile_name(profile)
            .ok()
            .map(|()| self.profile_path(profile))
    }

    pub fn auth_path(&self) -> PathBuf {
        self.dir.join("auth.json")
    }

    pub fn backups_dir(&self) -> PathBuf {
        self.dir.join("backups").join("codexgw")
    }
}

/// How Codex is signed in, as far as its files and environment tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodexLogin {
    /// `codex login --with-api-key` (auth.json `auth_mode = "apikey"`) or `$CODEX_API_KEY`.
    ApiKey,
    /// `codex login` with a ChatGPT account.
    Chatgpt,
    /// No auth.json with a login in it (Codex may still keep one in the OS keyring).
    None,
}

/// What `$CODEX_HOME/auth.json` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Missing,
    /// Why it cannot be read (a read error, or not JSON).
    Unreadable(String),
    ApiKey(Secret),
    Chatgpt {
        access_token: Secret,
        account_id: Option<String>,
    },
    /// A login of a kind codexgw does not know, by its `auth_mode`.
    Other(String),
}

impl CodexHome {
    /// Reads `auth.json`. Files written before Codex recorded `auth_mode` count by what they
    /// hold: ChatGPT tokens, else an API key.
    pub fn read_login(&self) -> Login {
        let path = self.auth_path();
        match crate::files::read_optional(&path) {
            Ok(None) => Login::Missing,
            Ok(Some(text)) => Login::parse(&text, &path),
            Err(e) => Login::Unreadable(format!("{e:#}")),
        }
    }

    /// The kind of login Codex will use: [`api_key_from_env`] first, then `auth.json`; an
    /// unreadable or foreign file counts as no login.
    pub fn login(&self, env: &Environment) -> CodexLogin {
        if api_key_from_env(env).is_some() {
            return CodexLogin::ApiKey;
        }
        match self.read_login() {
            Login::ApiKey(_) => CodexLogin::ApiKey,
            Login::Chatgpt { .. } => CodexLogin::Chatgpt,
            Login::Missing | Login::Unreadable(_) | Login::Other(_) => CodexLogin::None,
        }
    }
}

/// The variable Codex takes an API key from before its login.
pub const API_KEY_VAR: &str = "CODEX_API_KEY";

/// `$CODEX_API_KEY`, which Codex sends as the key in preference to any login it has (FACTS).
pub fn api_key_from_env(env: &Environment) -> Option<&str> {
    env.var(API_KEY_VAR)
}

impl Login {
    /// The text of `auth.json` (at `path`, for messages).
    pub fn parse(text: &str, path: &Path) -> Login {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            return Login::Unreadable(format!("`{}` is not JSON", path.display()));
        };
        let field = |v: &serde_json::Value, k: &str| {
            v.get(k)
                .and_then(|x| x.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let auth_mode = field(&value, "auth_mode");
        let tokens = value.get("tokens").cloned().unwrap_or_default();
        match (
            auth_mode.as_deref(),
            field(&value, "OPENAI_API_KEY"),
            field(&tokens, "access_token"),
        ) {
            (Some("chatgpt") | None, _, Some(access)) => Login::Chatgpt {
                access_token: Secret::new(access),
                account_id: field(&tokens, "account_id"),
            },
            (Some("apikey") | None, Some(key), _) => Login::ApiKey(Secret::new(key)),
            (mode, _, _) => Login::Other(mode.unwrap_or("none").to_string()),
        }
    }
}

/// Codex accepts profile names of letters, digits, `_` and `-`.
pub fn validate_profile_name(name: &str) -> anyhow::Result<()> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if valid {
        Ok(())
    } else {
        Err(error::usage(
            format!("`{name}` is not a profile name Codex accepts"),
            "use letters, digits, `_` and `-` only, e.g. `gateway`",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_beats_default() {
        let dir = tempfile::tempdir().unwrap();
        let (f, e) = (dir.path().join("f"), dir.path().join("e"));
        std::fs::create_dir(&f).unwrap();
        std::fs::create_dir(&e).unwrap();
        let e_var = e.to_str().unwrap();
        let home = Path::new("/home/u");
        let flag = CodexHome::resolve(Some(&f), Some(e_var), Some(home)).unwrap();
        assert_eq!(flag.dir(), f);
        let env = CodexHome::resolve(None, Some(e_var), Some(home)).unwrap();
        assert_eq!(env.config_path(), e.join("config.toml"));
        // The default need not exist: setup may create it.
        let empty_env = CodexHome::resolve(None, Some(""), Some(home)).unwrap();
        assert_eq!(empty_env.dir(), Path::new("/home/u/.codex"));
        assert!(CodexHome::resolve(None, None, None).is_err());
    }

    #[test]
    fn a_codex_home_that_is_missing_or_no_folder_is_refused_as_codex_refuses_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let err = CodexHome::resolve(None, Some(missing.to_str().unwrap()), None).unwrap_err();
        let text = error::render(&err);
        assert!(
            text.starts_with(&format!(
                "error: `CODEX_HOME` points to `{}`, but that path does not exist",
                missing.display()
            )),
            "{text}"
        );
        assert!(text.contains("help: create it first (`mkdir -p"), "{text}");
        assert!(!missing.exists(), "nothing is created");

        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let err = CodexHome::resolve(Some(&file), None, None).unwrap_err();
        assert!(err.to_string().contains("is not a directory"), "{err}");
        assert_eq!(error::exit_kind(&err), error::ExitKind::Failure);
    }

    #[test]
    fn login_kind_from_auth_json() {
        let dir = tempfile::tempdir().unwrap();
        let home = CodexHome::at(dir.path());
        let env = crate::environment::Environment::default();
        assert_eq!(home.login(&env), CodexLogin::None);
        std::fs::write(
            home.auth_path(),
            r#"{"auth_mode":"apikey","OPENAI_API_KEY":"sk-1"}"#,
        )
        .unwrap();
        assert_eq!(home.login(&env), CodexLogin::ApiKey);
        std::fs::write(
            home.auth_path(),
            r#"{"auth_mode":"chatgpt","OPENAI_API_KEY":null,"tokens":{"access_token":"a"}}"#,
        )
        .unwrap();
        assert_eq!(home.login(&env), CodexLogin::Chatgpt);
        // Older files have no `auth_mode`: what they hold decides.
        std::fs::write(home.auth_path(), r#"{"OPENAI_API_KEY":"sk-3"}"#).unwrap();
        assert_eq!(home.login(&env), CodexLogin::ApiKey);
        assert_eq!(home.read_login(), Login::ApiKey(Secret::new("sk-3")));
        std::fs::write(home.auth_path(), "{").unwrap();
        assert!(matches!(home.read_login(), Login::Unreadable(why) if why.contains("not JSON")));
        assert_eq!(home.login(&env), CodexLogin::None);
        let with_var = crate::environment::Environment::new([(
            "CODEX_API_KEY".to_string(),
            "sk-2".to_string(),
        )]);
        assert_eq!(home.login(&with_var), CodexLogin::ApiKey);
    }

    #[test]
    fn profile_names() {
        assert!(validate_profile_name("gate-way_2").is_ok());
        assert!(validate_profile_name("a.b").is_err());
        assert!(validate_profile_name("").is_err());
        assert_eq!(
            CodexHome::at("/c").profile_path("gw"),
            Path::new("/c/gw.config.toml")
        );
    }
}
