//! `codex.login`: the login Codex sends in byok and chatgpt mode, as Codex will use it.

use serde_json::json;

use super::super::facts::Facts;
use super::super::judged;
use super::super::net::Credential;
use super::super::{Check, Entry, LocalCheck, Status};
use crate::codex::home::{Login, api_key_from_env};
use crate::codex::inspect::{Block, Inspected};
use crate::codex::mode::Mode;
use crate::secrets::{self, Secret};

pub const CODEX_LOGIN: Entry<LocalCheck> = Entry::new("codex.login", codex_login_check);

fn codex_login_check(facts: &Facts) -> Check {
    codex_login(facts).0
}

/// The login Codex would send (`None` when a key in the table replaces it).
pub fn login(facts: &Facts) -> Option<Credential> {
    codex_login(facts).1
}

fn codex_login(facts: &Facts) -> (Check, Option<Credential>) {
    let block = judged::block(facts).map(|(b, _)| b);
    let mode = block.as_ref().and_then(Block::mode);
    let credentials_store = facts
        .docs()
        .find_map(|(_, d)| Inspected::credentials_store(d));
    login_as_used(
        block.as_ref(),
        mode,
        judge_login(mode, facts, credentials_store),
    )
}

/// codex.login as Codex will use it: a key in the table overrides the login it judged.
fn login_as_used(
    block: Option<&Block>,
    mode: Option<Mode>,
    (check, login): (Check, Option<Credential>),
) -> (Check, Option<Credential>) {
    const ID: &str = CODEX_LOGIN.id;
    // FACTS: `env_key` > `experimental_bearer_token` > the login. Either key in the table means
    // Codex never sends the login, whatever it is.
    let overridden = block.and_then(|b| match (&b.env_key, &b.bearer_token) {
        (Some(var), _) => Some((
            format!("`env_key = \"{var}\"`"),
            format!("${var}"),
            "env_key",
        )),
        (None, Some(_)) => Some((
            "`experimental_bearer_token`".to_string(),
            "that token".to_string(),
            "experimental_bearer_token",
        )),
        (None, None) => None,
    });
    match (mode, overridden) {
        (Some(Mode::Byok | Mode::Chatgpt), Some((key, sends, field))) => {
            let line = block
                .and_then(|b| b.lines.get(field))
                .map_or_else(String::new, |l| format!(" (line {l})"));
            let summary = format!(
                "{key} in the table wins over the login: Codex sends {sends}, not your login ({})",
                check.summary
            );
            let mut fix =
                format!("delete {key}{line} so Codex sends your login (see config.block)");
            if let (Status::Fail | Status::Warn, Some(login_fix)) = (check.status, &check.fix) {
                fix = format!("{fix}\n{login_fix}");
            }
            let status = check.status;
            let evidence = check.evidence;
            let judged = if status == Status::Fail {
                Check::fail(ID, summary, fix)
            } else {
                Check::warn(ID, summary, fix)
            };
            (judged.evidence(evidence), None)
        }
        _ => (check, login),
    }
}

fn judge_login(
    mode: Option<Mode>,
    facts: &Facts,
    credentials_store: Option<String>,
) -> (Check, Option<Credential>) {
    const ID: &str = CODEX_LOGIN.id;
    let auth_path = &facts.auth_path;
    let (wanted, login_cmd) = match mode {
        None => {
            return (
                Check::skip(ID, "no gateway mode to judge by (see config.block)"),
                None,
            );
        }
        Some(Mode::Centralized) => {
            return (
                Check::skip(
                    ID,
                    "not needed: in centralized mode Codex sends the Coder token, not a login",
                ),
                None,
            );
        }
        Some(Mode::Byok) => (
            "an API-key login",
            "printenv OPENAI_API_KEY | codex login --with-api-key",
        ),
        Some(Mode::Chatgpt) => ("a ChatGPT login", "env -u OPENAI_API_KEY codex login"),
    };
    let shown = auth_path.display();
    let keyring_store = credentials_store
        .as_deref()
        .filter(|s| matches!(*s, "keyring" | "auto"));
    let mut evidence =
        json!({ "auth_path": shown.to_string(), "credentials_store": credentials_store });
    if let (Some(Mode::Byok), Some(key)) = (mode, api_key_from_env(&facts.env)) {
        evidence["source"] = "CODEX_API_KEY".into();
        evidence["key"] = secrets::redact(key).into();
        return (
            Check::pass(
                ID,
                format!(
                    "$CODEX_API_KEY is set ({}); Codex sends it as your key",
                    secrets::redact(key)
                ),
            )
            .evidence(evidence),
            Some(Credential {
                secret: Secret::new(key),
                from: "$CODEX_API_KEY".to_string(),
                kind: "login",
                account_id: None,
            }),
        );
    }
    let login = facts.login.clone();
    let (check, user) = match (mode, login) {
        (_, Login::Unreadable(why)) => (
            Check::fail(
                ID,
                format!("cannot read Codex's login: {why}"),
                format!("`codex logout`, then `{login_cmd}`"),
            ),
            None,
        ),
        (Some(Mode::Byok), Login::ApiKey(key)) => {
            evidence["source"] = "auth.json".into();
            evidence["key"] = key.redacted().into();
            (
                Check::pass(
                    ID,
                    format!("API-key login in `{shown}` ({})", key.redacted()),
                ),
                Some(Credential {
                    secret: key,
                    from: "Codex's API-key login".to_string(),
                    kind: "login",
                    account_id: None,
                }),
            )
        }
        (
            Some(Mode::Chatgpt),
            Login::Chatgpt {
                access_token,
                account_id,
            },
        ) => {
            evidence["source"] = "auth.json".into();
            evidence["access_token"] = access_token.redacted().into();
            (
                Check::pass(ID, format!("ChatGPT login in `{shown}`")),
                Some(Credential {
                    secret: access_token,
                    from: "your ChatGPT login".to_string(),
                    kind: "login",
                    account_id,
                }),
            )
        }
        (_, Login::Missing) if keyring_store.is_some() => (
            Check::warn(
                ID,
                format!(
                    "`cli_auth_credentials_store = \"{}\"`: Codex may keep its login in the OS keyring, which codexgw cannot inspect",
                    keyring_store.unwrap_or_default()
                ),
                format!(
                    "`codex login status` shows the login; if it is not {wanted}, run `{login_cmd}`"
                ),
            ),
            None,
        ),
        (Some(Mode::Byok), Login::Missing) => (
            Check::fail(
                ID,
                format!(
                    "no API-key login in `{shown}` and $CODEX_API_KEY is not set: in byok mode `codex exec` ignores $OPENAI_API_KEY and sends no key"
                ),
                format!("`{login_cmd}` (or export CODEX_API_KEY)"),
            ),
            None,
        ),
        (_, Login::Missing) => (
            Check::fail(
                ID,
                format!("no login in `{shown}`; chatgpt mode needs {wanted}"),
                format!("`{login_cmd}`"),
            ),
            None,
        ),
        (_, other) => {
            let has = match other {
                Login::ApiKey(_) => "an API-key login".to_string(),
                Login::Chatgpt { .. } => "a ChatGPT login".to_string(),
                Login::Other(mode) => format!("a login with `auth_mode = \"{mode}\"`"),
                Login::Missing | Login::Unreadable(_) => unreachable!("handled above"),
            };
            (
                Check::fail(
                    ID,
                    format!(
                        "`{shown}` holds {has}, but {} mode needs {wanted}",
                        mode.map_or("this", Mode::name)
                    ),
                    format!("`{login_cmd}`"),
                ),
                None,
            )
        }
    };
    (check.evidence(evidence), user)
}
