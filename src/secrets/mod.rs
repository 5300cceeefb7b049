//! Secrets: a type that will not print itself, and the store they live in (the OS keyring in
//! real use, a file chosen by `CODEXGW_SECRET_STORE` in the integration tests, memory in unit
//! tests).

use std::fmt;
use std::path::PathBuf;

use crate::coder::deployment::Deployment;
use crate::environment::Environment;
use crate::error;

mod command;
mod file;
pub mod mask;
mod os_keyring;

pub use command::{parse_token_print_args, token_print_args};
pub use file::FileStore;
pub use os_keyring::{KeyringStore, SERVICE_VAR};

/// A token or key. `Debug` and `Display` redact it; only [`Secret::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// At most a 4-character prefix and the length: enough to tell two tokens apart.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

/// The redaction rule for any secret text: `abcd… (33 chars)`.
pub fn redact(value: &str) -> String {
    let count = value.chars().count();
    let shown: String = if count >= 12 {
        value.chars().take(4).collect()
    } else {
        String::new()
    };
    format!("{shown}… ({count} chars)")
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Which secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TokenKind {
    /// The Coder API token
    Coder,
    /// Your personal OpenAI API key (byok mode)
    Openai,
}

impl TokenKind {
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Coder => "coder",
            TokenKind::Openai => "openai",
        }
    }

    /// The variables that hold this secret, in the order [`find`] reads them. In centralized
    /// mode the `env_key` variable (`OPENAI_API_KEY`) carries the Coder token, but elsewhere it
    /// is a real OpenAI key, so only `launch::ConfiguredProvider::coder_token_vars` adds it.
    pub fn env_vars(self) -> &'static [&'static str] {
        match self {
            TokenKind::Coder => &[crate::codex::mode::CODER_TOKEN_VAR, CODER_SESSION_TOKEN_VAR],
            TokenKind::Openai => &["OPENAI_API_KEY"],
        }
    }

    /// What to call it in messages.
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Coder => "Coder API token",
            TokenKind::Openai => "OpenAI API key",
        }
    }
}

/// The variables the Coder token is read from, in order: `first` (a variable the config names,
/// such as centralized mode's `env_key`) before the usual ones, each once.
pub fn coder_token_vars(first: Option<&str>) -> Vec<&str> {
    first
        .into_iter()
        .chain(
            TokenKind::Coder
                .env_vars()
                .iter()
                .copied()
                .filter(|v| Some(*v) != first),
        )
        .collect()
}

/// An OpenAI API key (`sk-…`, `sk-proj-…`): never a Coder token.
pub fn looks_like_openai_key(value: &str) -> bool {
    value.trim().starts_with("sk-")
}

/// A Coder API token: `<10-char id>-<22-char secret>`, both alphanumeric.
pub fn looks_like_coder_token(value: &str) -> bool {
    let alnum = |part: &str, len: usize| {
        part.len() == len && part.chars().all(|c| c.is_ascii_alphanumeric())
    };
    value
        .trim()
        .split_once('-')
        .is_some_and(|(id, secret)| alnum(id, 10) && alnum(secret, 22))
}

/// `text` with every token-shaped word ([`looks_like_secret`], an `sk-` key) and every value in
/// `known` (what was sent) replaced by its [`redact`]ion: for text a server or a file wrote,
/// which may echo a credential.
pub fn redact_in_text(text: &str, known: &[&str]) -> String {
    let mut text = text.to_string();
    for secret in known.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, &redact(secret));
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find(is_word) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c| !is_word(c))
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        let secret = looks_like_secret(word) || (word.starts_with("sk-") && word.len() >= 20);
        out.push_str(&if secret {
            redact(word)
        } else {
            word.to_string()
        });
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    out
}

/// A value that is probably a credential, for the places that expect something else (a
/// variable name, a header name): an `sk-` key, a Coder token, a JWT, a well-known token
/// prefix, or a long string that mixes lower case, upper case and digits the way generated
/// secrets do and names do not.
pub fn looks_like_secret(value: &str) -> bool {
    const PREFIXES: [&str; 7] = ["sk-", "ghp_", "gho_", "github_pat_", "glpat-", "xox", "eyJ"];
    let value = value.trim();
    let mixed = value.len() >= 24
        && value.chars().any(|c| c.is_ascii_lowercase())
        && value.chars().any(|c| c.is_ascii_uppercase())
        && value.chars().any(|c| c.is_ascii_digit());
    looks_like_coder_token(value)
        || mixed
        || PREFIXES
            .iter()
            .any(|p| value.starts_with(p) && value.len() >= p.len() + 12)
}

/// The key a deployment's secrets are stored under: the host, a non-default port and the path
/// prefix (`coder.example.com`, `127.0.0.1:8080`, `example.com/coder`), so two deployments on
/// one host keep two tokens. The rule:
/// - the host is lower-cased (DNS names are case-insensitive);
/// - the path keeps its case: Coder's router and the reverse proxies in front of it match
///   paths exactly, so `/Team` and `/team` are two deployments with two tokens;
/// - plain `http` deployments carry an `http://` prefix: a token stored for
///   `https://host` is never handed out for `http://host`, where it would travel unencrypted;
/// - an `https` deployment keeps the bare key, the key earlier versions used, so their entries
///   still count.
pub fn store_key(deployment: &Deployment) -> String {
    let url = url::Url::parse(deployment.as_str()).expect("a deployment root is a URL");
    let mut key = match url.scheme() {
        "https" => String::new(),
        scheme => format!("{scheme}://"),
    };
    key.push_str(&url.host_str().unwrap_or_default().to_ascii_lowercase());
    if let Some(port) = url.port() {
        key.push_str(&format!(":{port}"));
    }
    key.push_str(url.path().trim_end_matches('/'));
    key
}

/// The store key of a URL written by some other program (`CODER_URL`, the coder CLI's `url`
/// file); `None` when it is not a usable deployment URL.
fn store_key_of(url: &str) -> Option<String> {
    Deployment::parse(url, true)
        .ok()
        .map(|parsed| store_key(&parsed.deployment))
}

/// The longest token codexgw accepts, in bytes. Coder API tokens have 33 characters and OpenAI
/// keys about 170; anything far longer is a paste gone wrong (a whole file, a log), refused
/// rather than cut down to a prefix that looks like a token.
pub const MAX_TOKEN_LEN: usize = 4096;

/// What makes a value unusable as a token, whatever its source: it lands in HTTP headers, in
/// shell code (`codexgw env`) and on Codex's command line, where control characters, bidi
/// controls or whitespace would be dropped, reinterpreted or shown misleadingly. `Err` says
/// what is wrong without the value.
pub fn token_text_problem(value: &str) -> Option<String> {
    if value.len() > MAX_TOKEN_LEN {
        return Some(format!(
            "is {} bytes long; tokens are at most {MAX_TOKEN_LEN}",
            value.len()
        ));
    }
    let (at, bad) = value
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() || c.is_whitespace() || crate::error::is_bidi_control(*c))?;
    let what = if bad.is_whitespace() && !bad.is_control() {
        "whitespace"
    } else if bad.is_control() {
        "a control character"
    } else {
        "an invisible bidi control"
    };
    Some(format!(
        "contains {what} (U+{:04X} at character {}); tokens never do",
        u32::from(bad),
        at + 1
    ))
}

/// Checks the shape of a pasted token: surrounding whitespace (a trailing newline from `echo`)
/// is dropped; empty values, and values with a [`token_text_problem`], are refused.
pub fn parse_token(kind: TokenKind, text: &str) -> anyhow::Result<Secret> {
    let value = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if value.is_empty() {
        return Err(error::usage(
            format!("the {} is empty", kind.describe()),
            format!(
                "pipe it in, e.g. `printenv {} | codexgw token set {}`",
                kind.env_vars()[0],
                kind.name()
            ),
        ));
    }
    if let Some(problem) = token_text_problem(value) {
        return Err(error::usage(
            format!(
                "the {} ({}) {problem}; nothing was stored",
                kind.describe(),
                redact(value)
            ),
            "paste exactly one token, with nothing else on the line",
        ));
    }
    if kind == TokenKind::Coder && looks_like_openai_key(value) {
        return Err(error::usage(
            format!(
                "this is an OpenAI API key ({}), not a Coder API token; nothing was stored",
                redact(value)
            ),
            "store it as the OpenAI key with `codexgw token set openai`; a Coder token comes from `coder tokens create`",
        ));
    }
    Ok(Secret::new(value))
}

/// The one rule for a secret about to leave codexgw (`token print`, `env`, `exec`), wherever it
/// was found: a value a shell or an HTTP header cannot carry as it is is refused, and so is an
/// OpenAI key where the Coder token belongs — Codex would send it to the deployment.
pub fn usable(kind: TokenKind, found: Found, deployment: &Deployment) -> anyhow::Result<Secret> {
    let fix = match &found.origin {
        Origin::Env(var) => format!(
            "set `{var}` to your {} (`coder tokens create`), or `unset {var}` to use the stored one",
            kind.describe()
        ),
        Origin::Store(_) => format!(
            "store the right one with `codexgw token set {} --url {deployment}`",
            kind.name()
        ),
        Origin::CoderCli(_) => {
            format!("log the coder CLI in again: `coder login {deployment}`")
        }
    };
    let value = found.secret.expose();
    if let Some(problem) = token_text_problem(value) {
        return Err(error::failure(
            format!(
                "the {} from {} ({}) {problem}",
                kind.describe(),
                found.origin,
                found.secret.redacted()
            ),
            fix,
        ));
    }
    if kind == TokenKind::Coder && looks_like_openai_key(value) {
        return Err(error::failure(
            format!(
                "{} holds an OpenAI API key ({}), but Codex would send it to the gateway as the Coder token",
                found.origin.quoted(),
                found.secret.redacted()
            ),
            fix,
        ));
    }
    Ok(found.secret)
}

/// The store that holds secrets in real use: the OS keyring, and for reading also the
/// plain-text file that `--insecure-file` wrote (never written to unless asked for).
pub struct SystemStore {
    /// The OS keyring, unless [`STORE_VAR`] names another store.
    pub primary: Primary,
    pub file: Option<FileStore>,
}

/// Replaces the OS keyring: `file:<path>` keeps secrets in that plain-text file instead, so the
/// test suite never touches the user's keyring while the processes of one test share a store;
/// `keyring` (or unset) is the OS keyring.
pub const STORE_VAR: &str = "CODEXGW_SECRET_STORE";

/// Where [`SystemStore`] writes.
pub enum Primary {
    Keyring(KeyringStore),
    File(FileStore),
    /// A [`STORE_VAR`] value codexgw does not know: every use fails and says so, rather than
    /// fall back to the keyring the variable was set to avoid.
    Unknown(String),
}

impl Primary {
    fn for_env(env: &Environment) -> Primary {
        match env.var(STORE_VAR) {
            None | Some("keyring") => Primary::Keyring(KeyringStore::for_env(env)),
            Some(value) => match value.strip_prefix("file:") {
                Some(path) if !path.is_empty() => Primary::File(FileStore::at(path)),
                _ => Primary::Unknown(value.to_string()),
            },
        }
    }

    fn store(&self) -> anyhow::Result<&dyn SecretStore> {
        match self {
            Primary::Keyring(keyring) => Ok(keyring),
            Primary::File(file) => Ok(file),
            Primary::Unknown(value) => Err(error::usage(
                format!("`{STORE_VAR}` is `{value}`, which is no secret store"),
                format!("set `{STORE_VAR}=keyring` or `{STORE_VAR}=file:<path>`, or unset it"),
            )),
        }
    }

    /// For `token status`: the backend, and the service name or the variable that chose it.
    pub fn describe(&self) -> String {
        match self {
            Primary::Keyring(keyring) => {
                format!("{} (service `{}`)", keyring.backend(), keyring.service())
            }
            Primary::File(file) => format!("{} (from ${STORE_VAR})", file.backend()),
            Primary::Unknown(value) => format!("none (${STORE_VAR} is `{value}`)"),
        }
    }
}

/// The store for this machine and user; building it does no I/O, so `token print` pays only
/// for the lookups it makes.
pub fn system_store(env: &Environment) -> SystemStore {
    SystemStore {
        primary: Primary::for_env(env),
        file: FileStore::for_env(env),
    }
}

impl SystemStore {
    /// Each keyring operation ends within `deadline` (at most the default 3 s).
    pub fn with_deadline(self, deadline: std::time::Duration) -> SystemStore {
        let primary = match self.primary {
            Primary::Keyring(keyring) => Primary::Keyring(keyring.with_deadline(deadline)),
            other => other,
        };
        SystemStore { primary, ..self }
    }
}

impl SecretStore for SystemStore {
    fn backend(&self) -> String {
        match self.primary.store() {
            Ok(store) => store.backend(),
            Err(_) => "no secret store".to_string(),
        }
    }

    fn locate(&self, kind: TokenKind, key: &str) -> anyhow::Result<Option<Stored>> {
        let from_primary = self.primary.store().and_then(|s| s.locate(kind, key));
        if let Ok(Some(stored)) = from_primary {
            return Ok(Some(stored));
        }
        if let Some(stored) = self
            .file
            .as_ref()
            .and_then(|f| f.locate(kind, key).transpose())
        {
            return stored.map(Some);
        }
        from_primary
    }

    /// Only the primary store: a plain-text file is written only when the user asks for it.
    fn set(&self, kind: TokenKind, key: &str, secret: &Secret) -> anyhow::Result<String> {
        self.primary.store()?.set(kind, key, secret)
    }

    fn delete(&self, kind: TokenKind, key: &str) -> anyhow::Result<bool> {
        let from_primary = self.primary.store().and_then(|s| s.delete(kind, key));
        let from_file = match &self.file {
            Some(file) => file.delete(kind, key)?,
            None => false,
        };
        match from_primary {
            Ok(deleted) => Ok(deleted || from_file),
            Err(_) if from_file => Ok(true),
            Err(err) => Err(err),
        }
    }
}

/// Where secrets are kept, keyed by kind and the deployment's [`store_key`].
pub trait SecretStore {
    /// Where [`SecretStore::set`] writes, for messages: `the Linux kernel keyring (keyutils)`.
    fn backend(&self) -> String;
    fn get(&self, kind: TokenKind, key: &str) -> anyhow::Result<Option<Secret>> {
        Ok(self.locate(kind, key)?.map(|stored| stored.secret))
    }
    /// The secret and the backend that holds it (a store may read from more than one).
    fn locate(&self, kind: TokenKind, key: &str) -> anyhow::Result<Option<Stored>>;
    /// Stores the secret; returns the name of the backend that now holds it.
    fn set(&self, kind: TokenKind, key: &str, secret: &Secret) -> anyhow::Result<String>;
    /// Whether something was deleted.
    fn delete(&self, kind: TokenKind, key: &str) -> anyhow::Result<bool>;
}

/// A secret read from a store, with the backend that held it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub secret: Secret,
    pub backend: String,
}

/// Where a secret was found, for `token status` and doctor's evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An environment variable.
    Env(String),
    /// The secret store, with its backend name.
    Store(String),
    /// The `coder` CLI's login (its `session` file).
    CoderCli(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Env(var) => write!(f, "${var}"),
            Origin::Store(backend) => f.write_str(backend),
            Origin::CoderCli(path) => write!(f, "the coder CLI login (`{}`)", path.display()),
        }
    }
}

impl Origin {
    /// For the start of a sentence: `` `CODER_API_TOKEN` ``, `the coder CLI login (…)`.
    pub fn quoted(&self) -> String {
        match self {
            Origin::Env(var) => format!("`{var}`"),
            Origin::Store(backend) => format!("the entry in {backend}"),
            Origin::CoderCli(_) => self.to_string(),
        }
    }

    /// A short machine-readable kind: `env`, `keyring`, `coder_cli`.
    pub fn kind(&self) -> &'static str {
        match self {
            Origin::Env(_) => "env",
            Origin::Store(_) => "keyring",
            Origin::CoderCli(_) => "coder_cli",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub secret: Secret,
    pub origin: Origin,
}

/// Looks a secret up: the named environment variables in order, then the store under `key`
/// (the deployment's [`store_key`]), then — for the Coder token — the `coder` CLI's login for
/// the same deployment. `CODER_SESSION_TOKEN` counts only when `CODER_URL` is unset or names
/// this deployment.
/// A store that fails (no keyring backend) is skipped: the other sources still count. Stops at
/// the first source that has it, so `token print` with a set variable never asks the keyring.
pub fn find(
    kind: TokenKind,
    env: &Environment,
    vars: &[&str],
    store: Option<&dyn SecretStore>,
    key: &str,
) -> Option<Found> {
    sources(kind, env, vars, store, key).next()
}

/// Every source that has the secret, in [`find`]'s order (the first one is the one used).
pub fn find_all(
    kind: TokenKind,
    env: &Environment,
    vars: &[&str],
    store: Option<&dyn SecretStore>,
    key: &str,
) -> Vec<Found> {
    sources(kind, env, vars, store, key).collect()
}

/// The first of `vars` that holds the secret for the deployment `key`: [`find`]'s first step,
/// for callers that read the other sources once, up front (doctor).
pub fn find_in_env(env: &Environment, vars: &[&str], key: &str) -> Option<Found> {
    env_sources(env, vars, key).next()
}

/// The sources after the environment (the store, the coder CLI login), in [`find`]'s order.
pub fn find_all_stored(
    kind: TokenKind,
    env: &Environment,
    store: Option<&dyn SecretStore>,
    key: &str,
) -> Vec<Found> {
    sources(kind, env, &[], store, key).collect()
}

fn env_sources<'a>(
    env: &'a Environment,
    vars: &'a [&'a str],
    key: &'a str,
) -> impl Iterator<Item = Found> + 'a {
    vars.iter().filter_map(move |var| {
        if *var == CODER_SESSION_TOKEN_VAR && !coder_url_matches(env, key) {
            return None;
        }
        env.var(var).map(|value| Found {
            secret: Secret::new(value.trim()),
            origin: Origin::Env((*var).to_string()),
        })
    })
}

/// The sources in order, each consulted only when the iterator gets to it.
fn sources<'a>(
    kind: TokenKind,
    env: &'a Environment,
    vars: &'a [&'a str],
    store: Option<&'a dyn SecretStore>,
    key: &'a str,
) -> impl Iterator<Item = Found> + 'a {
    let from_env = env_sources(env, vars, key);
    let from_store = std::iter::once(()).filter_map(move |()| {
        let stored = store?.locate(kind, key).ok()??;
        Some(Found {
            secret: stored.secret,
            origin: Origin::Store(stored.backend),
        })
    });
    let from_cli = std::iter::once(()).filter_map(move |()| match kind {
        TokenKind::Coder => coder_cli_session(env, key),
        TokenKind::Openai => None,
    });
    from_env.chain(from_store).chain(from_cli)
}

/// The coder CLI's session token variable; the CLI pairs it with `CODER_URL`.
pub const CODER_SESSION_TOKEN_VAR: &str = "CODER_SESSION_TOKEN";

/// `CODER_SESSION_TOKEN` belongs to the deployment in `CODER_URL` (when that is set): a
/// session for another deployment must not be sent to this one.
fn coder_url_matches(env: &Environment, key: &str) -> bool {
    env.var("CODER_URL")
        .is_none_or(|url| store_key_of(url).as_deref() == Some(key))
}

/// The `coder` CLI keeps `url` and `session` files side by side (on Linux; macOS and Windows
/// keep the session in their keychain, which codexgw does not read). The session counts only
/// when its `url` is the same deployment (the same [`store_key`]).
fn coder_cli_session(env: &Environment, key: &str) -> Option<Found> {
    let dir = crate::coder::detect::coder_config_dir(env)?;
    // Unreadable (a FIFO, too big, not text) counts as no login: `token print` must not hang.
    let url = crate::files::read_optional(&dir.join("url")).ok()??;
    if store_key_of(url.trim())? != key {
        return None;
    }
    let path = dir.join("session");
    let token = crate::files::read_optional(&path).ok()??;
    let token = token.trim();
    (!token.is_empty()).then(|| Found {
        secret: Secret::new(token),
        origin: Origin::CoderCli(path),
    })
}

/// For unit tests.
#[derive(Default)]
pub struct MemoryStore {
    entries: std::sync::Mutex<std::collections::BTreeMap<(String, String), Secret>>,
}

impl SecretStore for MemoryStore {
    fn backend(&self) -> String {
        "memory".into()
    }

    fn locate(&self, kind: TokenKind, key: &str) -> anyhow::Result<Option<Stored>> {
        let entries = self.entries.lock().expect("not poisoned");
        Ok(entries
            .get(&(kind.name().into(), key.into()))
            .map(|secret| Stored {
                secret: secret.clone(),
                backend: self.backend(),
            }))
    }

    fn set(&self, kind: TokenKind, key: &str, secret: &Secret) -> anyhow::Result<String> {
        let mut entries = self.entries.lock().expect("not poisoned");
        entries.insert((kind.name().into(), key.into()), secret.clone());
        Ok(self.backend())
    }

    fn delete(&self, kind: TokenKind, key: &str) -> anyhow::Result<bool> {
        let mut entries = self.entries.lock().expect("not poisoned");
        Ok(entries.remove(&(kind.name().into(), key.into())).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print_their_value() {
        let token = Secret::new("abcdefghij-0123456789abcdefghijkl");
        assert_eq!(token.to_string(), "abcd… (33 chars)");
        assert_eq!(format!("{token:?}"), "Secret(abcd… (33 chars))");
        assert_eq!(redact("short"), "… (5 chars)");
    }

    #[test]
    fn env_beats_store_beats_coder_cli() {
        let dir = tempfile::tempdir().unwrap();
        let cli = dir.path().join("coderv2");
        std::fs::create_dir_all(&cli).unwrap();
        std::fs::write(cli.join("url"), "https://coder.example.com\n").unwrap();
        std::fs::write(cli.join("session"), "cli-session-token\n").unwrap();
        let mut env =
            Environment::new([("CODER_CONFIG_DIR".to_string(), cli.display().to_string())]);
        let store = MemoryStore::default();
        let host = "coder.example.com";

        let found = find(
            TokenKind::Coder,
            &env,
            &["CODER_API_TOKEN"],
            Some(&store),
            host,
        )
        .unwrap();
        assert_eq!(found.secret.expose(), "cli-session-token");
        assert_eq!(found.origin, Origin::CoderCli(cli.join("session")));
        assert_eq!(
            find(
                TokenKind::Coder,
                &env,
                &[],
                Some(&store),
                "other.example.com"
            ),
            None
        );

        store
            .set(TokenKind::Coder, host, &Secret::new("from-store"))
            .unwrap();
        let found = find(
            TokenKind::Coder,
            &env,
            &["CODER_API_TOKEN"],
            Some(&store),
            host,
        )
        .unwrap();
        assert_eq!(
            (found.secret.expose(), found.origin.kind()),
            ("from-store", "keyring")
        );

        env = Environment::new([("CODER_API_TOKEN".to_string(), "from-env".to_string())]);
        let found = find(
            TokenKind::Coder,
            &env,
            &["CODER_API_TOKEN"],
            Some(&store),
            host,
        )
        .unwrap();
        assert_eq!(found.origin, Origin::Env("CODER_API_TOKEN".into()));
        assert_eq!(find(TokenKind::Openai, &env, &[], None, host), None);
    }

    #[test]
    fn token_shaped_words_and_sent_values_are_redacted_in_text() {
        assert_eq!(
            redact_in_text(
                "bad token abcdefghij-0123456789abcdefghijkl; key=sk-proj-0123456789abcdef, my-secret!",
                &["my-secret"]
            ),
            "bad token abcd… (33 chars); key=sk-p… (24 chars), … (9 chars)!"
        );
        assert_eq!(
            redact_in_text("no secrets – ü here", &[]),
            "no secrets – ü here"
        );
    }

    #[test]
    fn token_shape() {
        assert_eq!(
            parse_token(TokenKind::Coder, "  abc-123\n")
                .unwrap()
                .expose(),
            "abc-123"
        );
        let empty = parse_token(TokenKind::Openai, " \n").unwrap_err();
        assert_eq!(empty.to_string(), "the OpenAI API key is empty");
        let inner = parse_token(TokenKind::Coder, "abc def-ghijklmnop").unwrap_err();
        assert_eq!(
            inner.to_string(),
            "the Coder API token (abc … (18 chars)) contains whitespace (U+0020 at character 4); tokens never do; nothing was stored"
        );
        // The review's values: NUL, ESC, BEL, DEL, a bidi override, and 70,000 bytes (once cut
        // to 65,536 and stored).
        for (value, what) in [
            (
                "abcdefghij\u{0}-tokentoken",
                "a control character (U+0000 at character 11)",
            ),
            (
                "abcdefghij-\u{1b}[31mtoken",
                "a control character (U+001B at character 12)",
            ),
            (
                "abcdefghij-token\u{7}",
                "a control character (U+0007 at character 17)",
            ),
            (
                "abcdefghij-token\u{7f}x",
                "a control character (U+007F at character 17)",
            ),
            (
                "abcdefghij-\u{202e}nekot",
                "an invisible bidi control (U+202E at character 12)",
            ),
            (
                "abcdefghij-tok\u{a0}en",
                "whitespace (U+00A0 at character 15)",
            ),
        ] {
            let err = parse_token(TokenKind::Coder, value)
                .unwrap_err()
                .to_string();
            assert!(err.contains(&format!("contains {what}")), "{err}");
            assert!(!err.contains(value), "the value was echoed: {err}");
        }
        let long = "a".repeat(70_000);
        assert_eq!(
            parse_token(TokenKind::Openai, &long)
                .unwrap_err()
                .to_string(),
            "the OpenAI API key (aaaa… (70000 chars)) is 70000 bytes long; tokens are at most 4096; nothing was stored"
        );
        assert!(parse_token(TokenKind::Openai, &"a".repeat(MAX_TOKEN_LEN)).is_ok());
    }

    #[test]
    fn find_all_lists_every_source_in_order() {
        let store = MemoryStore::default();
        store
            .set(TokenKind::Openai, "h", &Secret::new("stored"))
            .unwrap();
        let env = Environment::new([("OPENAI_API_KEY".to_string(), "from-env".to_string())]);
        let all = find_all(
            TokenKind::Openai,
            &env,
            &["OPENAI_API_KEY"],
            Some(&store),
            "h",
        );
        let origins: Vec<_> = all.iter().map(|f| f.origin.kind()).collect();
        assert_eq!(origins, ["env", "keyring"]);
        assert_eq!(all[1].origin.to_string(), "memory");
    }

    #[test]
    fn store_keys_tell_ports_and_paths_apart() {
        let key = |url: &str| store_key(&Deployment::parse(url, true).unwrap().deployment);
        assert_eq!(key("https://Coder.Example.com/"), "coder.example.com");
        assert_eq!(key("https://coder.example.com:443"), "coder.example.com");
        assert_eq!(key("http://127.0.0.1:18080"), "http://127.0.0.1:18080");
        assert_eq!(key("http://127.0.0.1:18083"), "http://127.0.0.1:18083");
        // The review's cases: the scheme and the path's case make different deployments.
        assert_eq!(key("http://coder.example.com"), "http://coder.example.com");
        assert_ne!(
            key("http://coder.example.com"),
            key("https://coder.example.com")
        );
        assert_eq!(key("https://h.example.com/Team"), "h.example.com/Team");
        assert_ne!(
            key("https://h.example.com/Team"),
            key("https://h.example.com/team")
        );
        assert_eq!(key("https://h.example.com/other/"), "h.example.com/other");
        assert_eq!(
            key("https://h.example.com/other/api/v2/aibridge/openai/v1"),
            "h.example.com/other"
        );
        assert_ne!(
            key("https://h.example.com"),
            key("https://h.example.com/other")
        );
    }

    #[test]
    fn a_session_token_counts_only_for_its_coder_url() {
        let vars = TokenKind::Coder.env_vars();
        let env = |url: Option<&str>| {
            let mut vars = vec![("CODER_SESSION_TOKEN".to_string(), "session".to_string())];
            vars.extend(url.map(|u| ("CODER_URL".to_string(), u.to_string())));
            Environment::new(vars)
        };
        let host = "coder.example.com";
        let found = |env: &Environment| find(TokenKind::Coder, env, vars, None, host);
        assert!(found(&env(None)).is_some());
        assert!(found(&env(Some("https://coder.example.com/"))).is_some());
        assert_eq!(found(&env(Some("https://other.example.com"))), None);
        assert_eq!(found(&env(Some("https://coder.example.com:8443"))), None);
    }

    #[test]
    fn an_openai_key_is_no_coder_token() {
        let err = parse_token(TokenKind::Coder, "sk-proj-abcdefghijkl\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "this is an OpenAI API key (sk-p… (20 chars)), not a Coder API token; nothing was stored"
        );
        assert!(parse_token(TokenKind::Openai, "sk-proj-abcdefghijkl").is_ok());
        assert!(looks_like_coder_token("abcdefghij-0123456789abcdefghijkl"));
        assert!(!looks_like_coder_token("abcdefghij-short"));
    }

    #[test]
    fn the_store_variable_picks_a_file_and_refuses_what_it_does_not_know() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.toml");
        let env = |value: &str| Environment::new([(STORE_VAR.to_string(), value.to_string())]);
        let chosen = env(&format!("file:{}", path.display()));
        system_store(&chosen)
            .set(TokenKind::Coder, "h", &Secret::new("one"))
            .unwrap();
        // Another process builds its own store from the same variable and sees the secret.
        let found = system_store(&chosen)
            .locate(TokenKind::Coder, "h")
            .unwrap()
            .unwrap();
        assert_eq!(found.secret.expose(), "one");
        assert_eq!(
            found.backend,
            format!("the plain-text file `{}`", path.display())
        );
        assert!(matches!(
            system_store(&env("keyring")).primary,
            Primary::Keyring(_)
        ));

        for value in ["file:", "memory"] {
            let store = system_store(&env(value));
            let err = store
                .set(TokenKind::Coder, "h", &Secret::new("x"))
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("`CODEXGW_SECRET_STORE` is `{value}`, which is no secret store")
            );
            assert!(store.locate(TokenKind::Coder, "h").is_err());
        }
    }

    #[test]
    fn memory_store_keys_by_kind_and_host() {
        let store = MemoryStore::default();
        store
            .set(TokenKind::Coder, "a.example.com", &Secret::new("one"))
            .unwrap();
        assert_eq!(store.get(TokenKind::Coder, "b.example.com").unwrap(), None);
        assert_eq!(store.get(TokenKind::Openai, "a.example.com").unwrap(), None);
        assert!(store.delete(TokenKind::Coder, "a.example.com").unwrap());
        assert_eq!(store.get(TokenKind::Coder, "a.example.com").unwrap(), None);
    }
}
