//! `codex.login`: the login Codex sends in byok and chatgpt mode, as Codex will use it.

use serde_json::json;

use crate::codex::home::{API_KEY_VAR, Login, api_key_from_env};
use crate::codex::inspect::{Block, Inspected};
use crate::codex::mode::Mode;
use crate::doctor::facts::Facts;
use crate::doctor::judged;
use crate::doctor::net::Credential;
use crate::doctor::{Check, Entry, LocalCheck, Status};
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
    // Codex's order: $CODEX_API_KEY before any login it has (FACTS, verified).
    if let (Some(mode), Some(key)) = (mode, api_key_from_env(&facts.env)) {
        evidence["source"] = API_KEY_VAR.into();
        evidence["key"] = secrets::redact(key).into();
        let sent = Some(Credential {
            secret: Secret::new(key),
            from: format!("${API_KEY_VAR}"),
            kind: "login",
            account_id: None,
        });
        let over = match &facts.login {
            Login::ApiKey(_) | Login::Chatgpt { .. } => {
                format!(", over the login in `{shown}`")
            }
            _ => String::new(),
        };
        let check = if mode == Mode::Chatgpt {
            Check::fail(
                ID,
                format!(
                    "$CODEX_API_KEY is set ({}): Codex sends it as the bearer instead of your ChatGPT login{over} (no `ChatGPT-Account-Id`), so the chatgpt route gets an API key",
                    secrets::redact(key)
                ),
                format!(
                    "`unset {API_KEY_VAR}` and remove it from wherever it is exported (or start codex with `env -u {API_KEY_VAR} codex`)"
                ),
            )
        } else {
            Check::pass(
                ID,
                format!(
                    "$CODEX_API_KEY is set ({}); Codex sends it as your key{over}",
                    secrets::redact(key)
                ),
            )
        };
        return (check.evidence(evidence), sent);
    }
    let stored = facts.stored_openai_keys.get(&judged::store_key(facts));
    if let (Some(Mode::Byok), Some(found)) = (mode, stored) {
        evidence["source"] = "keyring".into();
        evidence["key"] = found.secret.redacted().into();
        let over = match &facts.login {
            Login::ApiKey(_) | Login::Chatgpt { .. } => {
                format!(", which Codex sends over the login in `{shown}`")
            }
            _ => String::new(),
        };
        let check = Check::pass(
            ID,
            format!(
                "an OpenAI key ({}) is in {}; Codex gets it as ${API_KEY_VAR} when started as `codexgw exec -- codex` (or after `eval \"$(codexgw env)\"`){over}",
                found.secret.redacted(),
                found.origin
            ),
        );
        return (
            check.evidence(evidence),
            Some(Credential {
                secret: found.secret.clone(),
                from: format!("the OpenAI key in {} (as ${API_KEY_VAR})", found.origin),
                kind: found.origin.kind(),
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
                format!(
                    "keep the key out of plain text: `printenv OPENAI_API_KEY | codexgw token set openai`, then start Codex as `codexgw exec -- codex` (it sets ${API_KEY_VAR}); or store it in Codex's auth.json: `{login_cmd}`"
                ),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::facts::build::facts;

    const KEY: &str = "sk-live-0123456789abcdef";

    fn governed(route: &str, extra: &str) -> String {
        format!(
            "{extra}model_provider = \"ai_gateway\"\n[model_providers.ai_gateway]\nbase_url = \"https://coder.example.com/api/v2/aibridge/{route}/v1\"\nwire_api = \"responses\"\nrequires_openai_auth = true\nenv_http_headers = {{ \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\" }}\n"
        )
    }

    fn check(f: &Facts) -> Check {
        (CODEX_LOGIN.run)(f)
    }

    const API_KEY_LOGIN: &str =
        r#"{"auth_mode":"apikey","OPENAI_API_KEY":"sk-live-0123456789abcdef"}"#;
    const CHATGPT_LOGIN: &str =
        r#"{"auth_mode":"chatgpt","tokens":{"access_token":"eyJ.a.b","account_id":"acct-1"}}"#;

    #[test]
    fn centralized_and_no_mode_need_no_login() {
        let centralized = "model_provider = \"gw\"\n[model_providers.gw]\nbase_url = \"https://c.example.com/api/v2/aibridge/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\n";
        assert_eq!(check(&facts(Some(centralized), &[])).status, Status::Skip);
        assert_eq!(check(&facts(None, &[])).status, Status::Skip);
    }

    #[test]
    fn byok_passes_with_an_api_key_login_or_codex_api_key() {
        let f = facts(Some(&governed("openai", "")), &[]).with_auth_json(API_KEY_LOGIN);
        let c = check(&f);
        assert_eq!(c.status, Status::Pass);
        assert!(
            c.summary
                .starts_with("API-key login in `/h/.codex/auth.json`")
        );
        assert_eq!(login(&f).unwrap().secret.expose(), KEY);

        // $CODEX_API_KEY wins over the login, whatever auth.json holds.
        let f = facts(
            Some(&governed("openai", "")),
            &[("CODEX_API_KEY", "sk-env-123456")],
        )
        .with_auth_json(CHATGPT_LOGIN);
        let c = check(&f);
        assert_eq!(c.status, Status::Pass);
        assert_eq!(c.evidence["source"], "CODEX_API_KEY");
        assert_eq!(login(&f).unwrap().from, "$CODEX_API_KEY");
    }

    #[test]
    fn byok_without_a_login_fails() {
        let c = check(&facts(
            Some(&governed("openai", "")),
            &[("OPENAI_API_KEY", KEY)],
        ));
        assert_eq!(c.status, Status::Fail);
        assert!(c.summary.contains("`codex exec` ignores $OPENAI_API_KEY"));
        assert_eq!(
            c.fix.as_deref(),
            Some(
                "keep the key out of plain text: `printenv OPENAI_API_KEY | codexgw token set openai`, then start Codex as `codexgw exec -- codex` (it sets $CODEX_API_KEY); or store it in Codex's auth.json: `printenv OPENAI_API_KEY | codex login --with-api-key`"
            )
        );
    }

    #[test]
    fn byok_names_the_source_in_codex_order() {
        let byok = governed("openai", "");
        // A stored key reaches Codex as $CODEX_API_KEY, which wins over auth.json.
        let f = facts(Some(&byok), &[])
            .with_auth_json(API_KEY_LOGIN)
            .with_stored_openai_key("coder.example.com", "sk-stored-0123456789");
        let c = check(&f);
        assert_eq!(c.status, Status::Pass);
        assert_eq!(c.evidence["source"], "keyring");
        assert!(
            c.summary.contains("Codex gets it as $CODEX_API_KEY")
                && c.summary
                    .contains("over the login in `/h/.codex/auth.json`"),
            "{}",
            c.summary
        );
        assert_eq!(login(&f).unwrap().secret.expose(), "sk-stored-0123456789");
        // The variable itself wins over the stored key.
        let f = facts(Some(&byok), &[("CODEX_API_KEY", "sk-env-0123456789")])
            .with_stored_openai_key("coder.example.com", "sk-stored-0123456789");
        assert_eq!(check(&f).evidence["source"], "CODEX_API_KEY");
        assert_eq!(login(&f).unwrap().secret.expose(), "sk-env-0123456789");
        // A key stored for another deployment does not count.
        let f = facts(Some(&byok), &[]).with_stored_openai_key("other.example.com", "sk-x");
        assert_eq!(check(&f).status, Status::Fail);
    }

    #[test]
    fn codex_api_key_in_chatgpt_mode_fails() {
        let f = facts(
            Some(&governed("chatgpt", "")),
            &[("CODEX_API_KEY", "sk-env-0123456789")],
        )
        .with_auth_json(CHATGPT_LOGIN);
        let c = check(&f);
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.summary
                .contains("instead of your ChatGPT login, over the login in"),
            "{}",
            c.summary
        );
        assert!(
            c.fix
                .as_deref()
                .unwrap()
                .starts_with("`unset CODEX_API_KEY`")
        );
        // What Codex sends, doctor sends: the key, with no account id.
        let sent = login(&f).unwrap();
        assert_eq!(sent.secret.expose(), "sk-env-0123456789");
        assert_eq!(sent.account_id, None);
    }

    #[test]
    fn chatgpt_passes_with_a_chatgpt_login_and_sends_its_account() {
        let f = facts(Some(&governed("chatgpt", "")), &[]).with_auth_json(CHATGPT_LOGIN);
        assert_eq!(check(&f).status, Status::Pass);
        assert_eq!(login(&f).unwrap().account_id.as_deref(), Some("acct-1"));
    }

    #[test]
    fn a_keyring_login_store_is_a_warning_and_a_wrong_login_a_failure() {
        let store = "cli_auth_credentials_store = \"keyring\"\n";
        let c = check(&facts(Some(&governed("chatgpt", store)), &[]));
        assert_eq!(c.status, Status::Warn);
        assert!(c.summary.contains("cannot inspect"));

        let c = check(&facts(Some(&governed("chatgpt", "")), &[]).with_auth_json(API_KEY_LOGIN));
        assert_eq!(c.status, Status::Fail);
        assert!(c.summary.contains("holds an API-key login"));
        assert_eq!(
            c.fix.as_deref(),
            Some("`env -u OPENAI_API_KEY codex login`")
        );

        let c = check(
            &facts(Some(&governed("chatgpt", "")), &[]).with_auth_json("{\"auth_mode\": chatgpt"),
        );
        assert_eq!(c.status, Status::Fail);
        assert!(c.summary.contains("is not JSON"));

        let c = check(&facts(Some(&governed("chatgpt", "")), &[]));
        assert_eq!(c.status, Status::Fail);
        assert!(c.summary.contains("chatgpt mode needs a ChatGPT login"));
    }

    #[test]
    fn a_key_in_the_table_replaces_the_login() {
        let text = governed("chatgpt", "").replace(
            "wire_api",
            "experimental_bearer_token = \"abcdefghij-0123456789abcdefghijkl\"\nwire_api",
        );
        let f = facts(Some(&text), &[]).with_auth_json(CHATGPT_LOGIN);
        let c = check(&f);
        assert_eq!(c.status, Status::Warn);
        assert!(
            c.summary
                .starts_with("`experimental_bearer_token` in the table wins over the login")
        );
        assert!(
            c.fix
                .unwrap()
                .starts_with("delete `experimental_bearer_token` (line 4)")
        );
        assert!(login(&f).is_none());
    }
}
