//! `env.*`: the variables (and stored tokens) Codex needs for the judged table's mode, and
//! what Codex would send with them.

use serde_json::json;

use crate::codex::inspect::{AuthCommand, Block, redact_url};
use crate::codex::mode::{self, Mode};
use crate::doctor::auth_run::{self, Outcome};
use crate::doctor::facts::Facts;
use crate::doctor::judged;
use crate::doctor::net::Credential;
use crate::doctor::{Check, Entry, LocalCheck, shell};
use crate::environment::Environment;
use crate::secrets::{self, Found, Secret};

pub const OPENAI_API_KEY: Entry<LocalCheck> =
    Entry::new("env.openai_api_key", openai_api_key_check);
pub const CODER_API_TOKEN: Entry<LocalCheck> =
    Entry::new("env.coder_api_token", coder_api_token_check);

fn openai_api_key_check(facts: &Facts) -> Check {
    openai_api_key(facts).0
}

fn coder_api_token_check(facts: &Facts) -> Check {
    coder_api_token(facts).0
}

/// What Codex would send as its bearer (and how to give it the Coder token), as judged by
/// `env.openai_api_key`.
pub fn sent(facts: &Facts) -> Sent {
    openai_api_key(facts).1
}

/// The Coder token as `codexgw exec` would find it, as judged by `env.coder_api_token`.
pub fn coder_token(facts: &Facts) -> Option<Credential> {
    coder_api_token(facts).1
}

fn openai_api_key(facts: &Facts) -> (Check, Sent) {
    with_judged(facts, judge_openai_api_key)
}

fn coder_api_token(facts: &Facts) -> (Check, Option<Credential>) {
    with_judged(facts, judge_coder_api_token)
}

/// Runs `judge` on the judged table, its mode, and a token lookup for its deployment.
fn with_judged<T>(facts: &Facts, judge: fn(Option<&Block>, Option<Mode>, &Lookup) -> T) -> T {
    let block = judged::block(facts).map(|(b, _)| b);
    let host = judged::store_key(facts);
    let lookup = Lookup::new(facts, &host);
    judge(
        block.as_ref(),
        block.as_ref().and_then(Block::mode),
        &lookup,
    )
}

/// Where tokens are looked up: the gathered sources, for one deployment.
#[derive(Clone, Copy)]
struct Lookup<'a> {
    facts: &'a Facts,
    env: &'a Environment,
    /// The deployment's store key.
    host: &'a str,
}

impl<'a> Lookup<'a> {
    fn new(facts: &'a Facts, host: &'a str) -> Lookup<'a> {
        Lookup {
            facts,
            env: &facts.env,
            host,
        }
    }

    /// The Coder token as `codexgw exec` and `token print` find it, with `first` (the variable
    /// Codex itself reads) asked before the usual ones.
    fn coder_token(&self, first: Option<&str>) -> Option<Found> {
        self.facts.coder_token(first, self.host)
    }
}

/// What Codex would send as its bearer in centralized mode, as far as doctor may send it too.
pub struct Sent {
    pub bearer: Option<Credential>,
    /// Set when the bearer must not be sent (it is no Coder token).
    pub withheld: Option<String>,
    /// How to give Codex the Coder token.
    pub token_fix: String,
}

impl Sent {
    fn none(token_fix: String) -> Sent {
        Sent {
            bearer: None,
            withheld: None,
            token_fix,
        }
    }
}

/// `experimental_bearer_token`, which Codex sends when `env_key` is not set.
fn table_bearer(block: &Block) -> Option<Credential> {
    block.bearer_token.clone().map(|secret| Credential {
        secret,
        from: "`experimental_bearer_token` in the config file".to_string(),
        kind: "config",
        account_id: None,
    })
}

fn export_fix(var: &str) -> String {
    format!("export {var}=<your Coder API token>   # create one with `coder tokens create`")
}

fn judge_openai_api_key(
    block: Option<&Block>,
    mode: Option<Mode>,
    lookup: &Lookup,
) -> (Check, Sent) {
    const ID: &str = OPENAI_API_KEY.id;
    const VAR: &str = mode::DEFAULT_ENV_KEY;
    let env = lookup.env;
    let Some(mode) = mode else {
        return (
            Check::skip(ID, "no gateway mode to judge by (see config.block)"),
            Sent::none(export_fix(mode::CODER_TOKEN_VAR)),
        );
    };
    let block = block.expect("a mode comes from a block");
    // In byok and chatgpt a set `env_key` wins over the login (see codex.login).
    let env_key_bearer = || {
        block.env_key.as_deref().and_then(|var| {
            env.var(var).map(|value| Credential {
                secret: Secret::new(value),
                from: format!("${var} (`env_key`)"),
                kind: "env",
                account_id: None,
            })
        })
    };
    let byok_sent = || Sent {
        bearer: env_key_bearer().or_else(|| table_bearer(block)),
        withheld: None,
        token_fix: export_fix(
            block
                .governance_var
                .as_deref()
                .unwrap_or(mode::CODER_TOKEN_VAR),
        ),
    };
    match mode {
        Mode::Centralized => centralized_credential(block, lookup),
        Mode::Byok if block.env_key.is_some() => {
            // `env_key` wins over the login, so here Codex does read the variable.
            let var = block.env_key.as_deref().unwrap_or(VAR);
            let set = env.var(var).is_some();
            let check = Check::pass(
                ID,
                format!(
                    "`env_key = \"{var}\"` in the table: Codex sends ${var} ({}) as your key, not your login (see config.block)",
                    env.var(var).map_or_else(|| "not set".to_string(), secrets::redact)
                ),
            )
            .evidence(json!({ "var": var, "set": set }));
            (check, byok_sent())
        }
        Mode::Byok => {
            let set = env.var(VAR).is_some();
            let check = Check::pass(
                ID,
                if set {
                    format!("${VAR} is set; in byok mode `codex exec` does not read it (your key must be in Codex's login, see codex.login)")
                } else {
                    format!("${VAR} is not set; byok mode does not need it (Codex reads your key from its login)")
                },
            )
            .evidence(json!({ "var": VAR, "set": set }));
            (check, byok_sent())
        }
        Mode::Chatgpt => {
            let Some(value) = env.var(VAR) else {
                let check = Check::pass(
                    ID,
                    format!("${VAR} is not set, so Codex uses your ChatGPT login"),
                )
                .evidence(json!({ "var": VAR, "set": false }));
                return (check, byok_sent());
            };
            let home = env.home_dir.as_deref();
            let exports = &lookup.facts.conflicting_exports;
            // Codex 0.169's `exec`, `login` and `login status` ignore the variable and keep the
            // ChatGPT login (verified); older builds and other OpenAI tools sign in with it.
            let summary = format!(
                "${VAR} is set ({}): Codex 0.169 keeps using your ChatGPT login, but older Codex builds and other OpenAI tools sign in with the key instead, which the chatgpt route rejects",
                secrets::redact(value)
            );
            let fix = match home {
                Some(home) if !exports.is_empty() => {
                    let places: Vec<String> = exports
                        .iter()
                        .map(|e| format!("`{}:{}`", shell::display(&e.path, home), e.line))
                        .collect();
                    format!(
                        "delete the line{} that export{} it at {}, then `unset {VAR}` (or start codex with `env -u {VAR} codex`)",
                        if places.len() == 1 { "" } else { "s" },
                        if places.len() == 1 { "s" } else { "" },
                        places.join(", ")
                    )
                }
                _ => format!(
                    "`unset {VAR}` and remove it from wherever it is exported (or start codex with `env -u {VAR} codex`)"
                ),
            };
            let check = Check::warn(ID, summary, fix).evidence(json!({
                "var": VAR,
                "set": true,
                "value": secrets::redact(value),
                "exported_at": exports.first().map(|e| format!("{}:{}", e.path.display(), e.line)),
                "exported_in": exports.iter().map(|e| format!("{}:{}", e.path.display(), e.line)).collect::<Vec<_>>(),
            }));
            (check, byok_sent())
        }
    }
}

/// Centralized mode: the Coder token must reach Codex through `env_key`, `auth` or the file.
/// Returns the bearer Codex would send, in the order Codex picks it: `env_key`, then
/// `experimental_bearer_token`, then the `auth` command.
fn centralized_credential(block: &Block, lookup: &Lookup) -> (Check, Sent) {
    const ID: &str = OPENAI_API_KEY.id;
    let env = lookup.env;
    let table_bearer = table_bearer(block);
    if let (Some(auth), None) = (&block.auth, &block.env_key) {
        return auth_command(block, auth, lookup, table_bearer);
    }
    let Some(var) = block.env_key.as_deref() else {
        let fix = lookup_fix(block, None);
        return (
            Check::pass(
                ID,
                "no variable needed: the table carries `experimental_bearer_token` (see config.block)",
            ),
            Sent {
                bearer: table_bearer,
                withheld: None,
                token_fix: fix,
            },
        );
    };
    let token_fix = export_fix(var);
    match env.var(var) {
        None => {
            let stored = lookup.coder_token(None);
            let fix = match &stored {
                Some(found) => format!(
                    "a Coder token is in {}: start Codex as `codexgw exec -- codex` (or `eval \"$(codexgw env)\"` first), or let Codex ask codexgw: `codexgw setup --mode centralized --token-source command`",
                    found.origin
                ),
                None => token_fix.clone(),
            };
            let check = Check::fail(
                ID,
                format!(
                    "${var} is not set; Codex stops with `Missing environment variable: `{var}`.`"
                ),
                fix,
            )
            .evidence(
                json!({ "var": var, "set": false, "stored_in": stored.map(|f| f.origin.kind()) }),
            );
            (check, Sent::none(token_fix))
        }
        Some(value) if secrets::looks_like_openai_key(value) => {
            let check = Check::fail(
                ID,
                format!(
                    "${var} holds an OpenAI key ({}); centralized mode sends it to Coder, which wants your Coder API token",
                    secrets::redact(value)
                ),
                format!("{token_fix}; for your own key use `codexgw setup --mode byok`"),
            )
            .evidence(json!({ "var": var, "set": true, "value": secrets::redact(value), "looks_like_openai_key": true }));
            let sent = Sent {
                bearer: None,
                withheld: Some(format!(
                    "${var} holds an OpenAI key, which doctor does not send to the deployment (see env.openai_api_key)"
                )),
                token_fix,
            };
            (check, sent)
        }
        Some(value) => {
            let check = Check::pass(
                ID,
                format!(
                    "${var} is set ({}); Codex sends it as the Coder token",
                    secrets::redact(value)
                ),
            )
            .evidence(json!({ "var": var, "set": true, "value": secrets::redact(value), "looks_like_openai_key": false }));
            let sent = Sent {
                bearer: Some(Credential {
                    secret: Secret::new(value),
                    from: format!("${var}"),
                    kind: "env",
                    account_id: None,
                }),
                withheld: None,
                token_fix,
            };
            (check, sent)
        }
    }
}

/// How to get a Coder token where `codexgw token print coder` finds it.
fn lookup_fix(block: &Block, url: Option<&str>) -> String {
    let url = url
        .map(str::to_string)
        .or_else(|| block.gateway().map(|g| g.deployment.to_string()));
    match url {
        Some(url) => format!("codexgw token set coder --url {}", redact_url(&url)),
        None => "codexgw token set coder --url <deployment>".to_string(),
    }
}

/// Command-backed auth: Codex runs the command for its bearer; doctor ran it the same way
/// (see `auth_run`). A failure is silent in Codex: it retries, then sends no credentials.
fn auth_command(
    block: &Block,
    auth: &AuthCommand,
    lookup: &Lookup,
    table_bearer: Option<Credential>,
) -> (Check, Sent) {
    const ID: &str = OPENAI_API_KEY.id;
    let found = lookup.facts.programs.get(&auth.command).cloned().flatten();
    let run = lookup.facts.auth_run.as_ref();
    let mut evidence = json!({
        "auth_command": auth.command,
        "resolved": found.as_ref().map(|p| p.display().to_string()),
        "timeout_ms": auth_run::timeout(auth).as_millis() as u64,
    });
    let print_url = secrets::parse_token_print_args(&auth.args);
    let token_fix = match &print_url {
        Some(url) => lookup_fix(block, url.as_deref()),
        None => format!("make `{}` print your Coder API token", auth.command),
    };
    let (Some(path), Some(run)) = (found, run) else {
        let check = Check::fail(
            ID,
            format!(
                "`[model_providers.{}.auth] command = \"{}\"` is not an executable file or on PATH, so Codex gets no token",
                block.id, auth.command
            ),
            "install it, or set `command` to its full path",
        )
        .evidence(evidence);
        return (check, Sent::none(token_fix));
    };
    let shown_args: String = auth.args.iter().map(|a| format!(" {a}")).collect();
    let program = if path.as_os_str() == auth.command.as_str() {
        format!("`{}{shown_args}`", auth.command)
    } else {
        format!("`{}{shown_args}` (`{}`)", auth.command, path.display())
    };
    evidence["elapsed_ms"] = (run.elapsed.as_millis() as u64).into();
    let (check, bearer) = match &run.outcome {
        Outcome::Token(secret) => {
            evidence["outcome"] = "token".into();
            evidence["token"] = secret.redacted().into();
            let check = Check::pass(
                ID,
                format!(
                    "no variable needed: Codex runs {program}, which printed a token ({}) in {} ms",
                    secret.redacted(),
                    run.elapsed.as_millis()
                ),
            );
            let credential = Credential {
                secret: secret.clone(),
                from: format!("the output of {program}"),
                kind: "command",
                account_id: None,
            };
            (check, Some(credential))
        }
        outcome => {
            let problem = outcome.problem().unwrap_or_default();
            evidence["outcome"] = match outcome {
                Outcome::Empty => "empty",
                Outcome::Failed { .. } => "failed",
                Outcome::TimedOut(_) => "timed_out",
                _ => "cannot_start",
            }
            .into();
            let mut fix = token_fix.clone();
            if matches!(outcome, Outcome::TimedOut(_)) {
                fix = format!(
                    "make it answer within {} ms without prompting (or raise `timeout_ms` in `[model_providers.{}.auth]`); {fix}",
                    run.timeout.as_millis(),
                    block.id
                );
            }
            let check = Check::fail(
                ID,
                format!(
                    "Codex runs {program} for the bearer token, and it {problem}: Codex then retries about 9 times and sends its requests with no credentials (the gateway answers `no authentication key provided`)"
                ),
                fix,
            );
            (check, None)
        }
    };
    let sent = Sent {
        bearer: table_bearer.or(bearer),
        withheld: None,
        token_fix,
    };
    (check.evidence(evidence), sent)
}

fn judge_coder_api_token(
    block: Option<&Block>,
    mode: Option<Mode>,
    lookup: &Lookup,
) -> (Check, Option<Credential>) {
    const ID: &str = CODER_API_TOKEN.id;
    let host = lookup.host;
    let Some(mode) = mode else {
        let found = lookup.coder_token(None);
        return (
            Check::skip(ID, "no gateway mode to judge by (see config.block)"),
            found.map(Credential::from),
        );
    };
    let block = block.expect("a mode comes from a block");
    if mode == Mode::Centralized {
        // An OpenAI key in the `env_key` variable is no Coder token (see env.openai_api_key).
        let var = block.env_key.as_deref().filter(|var| {
            !lookup
                .env
                .var(var)
                .is_some_and(secrets::looks_like_openai_key)
        });
        let found = lookup.coder_token(var);
        let check = Check::skip(
            ID,
            "not needed: in centralized mode the Coder token is the key Codex sends",
        )
        .evidence(token_evidence(mode::CODER_TOKEN_VAR, found.as_ref()));
        return (check, found.map(Credential::from));
    }
    let var = block
        .governance_var
        .as_deref()
        .unwrap_or(mode::CODER_TOKEN_VAR);
    let found = lookup.coder_token(Some(var));
    let check = match &found {
        Some(Found {
            secret,
            origin: secrets::Origin::Env(from),
        }) if from == var => Check::pass(
            ID,
            format!(
                "${var} is set ({}); Codex sends it in `{}`",
                secret.redacted(),
                mode::GOVERNANCE_HEADER
            ),
        ),
        Some(Found {
            secret,
            origin: origin @ (secrets::Origin::Store(_) | secrets::Origin::Env(_)),
        }) => Check::pass(
            ID,
            format!(
                "a Coder token ({}) is in {origin}; Codex gets it as ${var} when started as `codexgw exec -- codex` (or after `eval \"$(codexgw env)\"`)",
                secret.redacted()
            ),
        ),
        Some(Found { secret, origin }) => Check::warn(
            ID,
            format!(
                "${var} is not set, so Codex silently drops the `{}` header; a Coder token ({}) is in {origin}",
                mode::GOVERNANCE_HEADER,
                secret.redacted()
            ),
            match origin {
                secrets::Origin::CoderCli(path) => format!(
                    "export {var}=\"$(cat {})\" before starting codex",
                    path.display()
                ),
                _ => format!(
                    "export {var}=<that token> before starting codex; Codex reads the header only from the variable"
                ),
            },
        ),
        None => Check::fail(
            ID,
            format!(
                "${var} is not set and no Coder token for `{host}` was found (keyring, coder CLI login), so Coder cannot tell who you are"
            ),
            export_fix(var),
        ),
    };
    let check = check.evidence(token_evidence(var, found.as_ref()));
    (check, found.map(Credential::from))
}

fn token_evidence(var: &str, found: Option<&Found>) -> serde_json::Value {
    json!({
        "var": var,
        "origin": found.map(|f| f.origin.kind()),
        "source": found.map(|f| f.origin.to_string()),
        "token": found.map(|f| f.secret.redacted()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;
    use crate::doctor::facts::build::facts;

    const TOKEN: &str = "abcdefghij-0123456789abcdefghijkl";
    const HOST: &str = "coder.example.com";
    const CENTRALIZED: &str = "model_provider = \"ai_gateway\"\n[model_providers.ai_gateway]\nbase_url = \"https://coder.example.com/api/v2/aibridge/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\nwire_api = \"responses\"\n";

    fn governed(route: &str) -> String {
        format!(
            "model_provider = \"ai_gateway\"\n[model_providers.ai_gateway]\nbase_url = \"https://coder.example.com/api/v2/aibridge/{route}/v1\"\nwire_api = \"responses\"\nrequires_openai_auth = true\nenv_http_headers = {{ \"X-Coder-AI-Governance-Token\" = \"CODER_API_TOKEN\" }}\n"
        )
    }

    fn command(args: &str) -> String {
        format!(
            "{}[model_providers.ai_gateway.auth]\ncommand = \"codexgw\"\nargs = [{args}]\n",
            CENTRALIZED.replace("env_key = \"OPENAI_API_KEY\"\n", "")
        )
    }

    fn key(f: &Facts) -> Check {
        (OPENAI_API_KEY.run)(f)
    }

    fn token(f: &Facts) -> Check {
        (CODER_API_TOKEN.run)(f)
    }

    #[test]
    fn without_a_mode_both_are_skipped() {
        let f = facts(
            Some("model_provider = \"x\"\n"),
            &[("OPENAI_API_KEY", TOKEN)],
        );
        assert_eq!(key(&f).status, Status::Skip);
        assert_eq!(token(&f).status, Status::Skip);
    }

    #[test]
    fn centralized_sends_the_env_key_variable_as_the_coder_token() {
        let f = facts(Some(CENTRALIZED), &[("OPENAI_API_KEY", TOKEN)]);
        let check = key(&f);
        assert_eq!(check.status, Status::Pass);
        assert_eq!(
            check.summary,
            "$OPENAI_API_KEY is set (abcd… (33 chars)); Codex sends it as the Coder token"
        );
        let sent = sent(&f);
        assert_eq!(sent.bearer.unwrap().secret.expose(), TOKEN);
        assert_eq!(sent.withheld, None);
        let check = token(&f);
        assert_eq!(check.status, Status::Skip);
        assert_eq!(check.evidence["origin"], "env");
    }

    #[test]
    fn centralized_without_the_variable_fails_and_names_a_stored_token() {
        let check = key(&facts(Some(CENTRALIZED), &[]));
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("Missing environment variable"));
        assert!(check.fix.unwrap().starts_with("export OPENAI_API_KEY="));

        let f = facts(Some(CENTRALIZED), &[]).with_stored(HOST, TOKEN);
        let check = key(&f);
        assert_eq!(check.status, Status::Fail);
        assert!(check.fix.unwrap().contains("a Coder token is in keyring"));
        assert_eq!(check.evidence["stored_in"], "keyring");
        // net.auth still tests the stored token.
        assert_eq!(coder_token(&f).unwrap().kind, "keyring");
    }

    #[test]
    fn centralized_with_an_openai_key_fails_and_withholds_it() {
        let f = facts(
            Some(CENTRALIZED),
            &[("OPENAI_API_KEY", "sk-proj-0123456789")],
        );
        let check = key(&f);
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("holds an OpenAI key (sk-p…"));
        let sent = sent(&f);
        assert!(sent.bearer.is_none());
        assert!(sent.withheld.unwrap().contains("doctor does not send"));
        // Not a Coder token either.
        assert!(coder_token(&f).is_none());
    }

    #[test]
    fn command_backed_auth_is_judged_by_what_the_command_did() {
        let other = command("\"token\", \"print\"");
        let check = key(&facts(Some(&other), &[]).with_program("codexgw", None));
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("not an executable"));

        let ran = |outcome: Outcome| {
            let f = facts(Some(&other), &[])
                .with_program("codexgw", Some("/bin/codexgw"))
                .with_auth_run(outcome);
            (key(&f), sent(&f))
        };
        let (check, sent) = ran(Outcome::Token(Secret::new(TOKEN)));
        assert_eq!(check.status, Status::Pass);
        assert_eq!(
            check.summary,
            "no variable needed: Codex runs `codexgw token print` (`/bin/codexgw`), which printed a token (abcd… (33 chars)) in 3 ms"
        );
        assert_eq!(sent.bearer.unwrap().secret.expose(), TOKEN);

        for (outcome, says) in [
            (Outcome::Empty, "exits 0 but prints nothing"),
            (
                Outcome::Failed {
                    code: Some(1),
                    stderr: "no token".into(),
                },
                "exits with status 1 (`no token`)",
            ),
            (
                Outcome::TimedOut(std::time::Duration::from_millis(5000)),
                "does not finish within Codex's timeout of 5000 ms",
            ),
        ] {
            let (check, sent) = ran(outcome);
            assert_eq!(check.status, Status::Fail);
            assert!(check.summary.contains(says), "{}", check.summary);
            assert!(
                check
                    .summary
                    .contains("sends its requests with no credentials"),
                "{}",
                check.summary
            );
            // doctor then sends what Codex sends: no bearer.
            assert!(sent.bearer.is_none() && sent.withheld.is_none());
        }
        let (check, _) = ran(Outcome::TimedOut(std::time::Duration::from_millis(5000)));
        assert!(
            check
                .fix
                .unwrap()
                .starts_with("make it answer within 5000 ms without prompting")
        );
        let ours =
            command("\"token\", \"print\", \"coder\", \"--url\", \"https://coder.example.com\"");
        let check = key(&facts(Some(&ours), &[])
            .with_program("codexgw", Some("/bin/codexgw"))
            .with_auth_run(Outcome::Empty));
        assert_eq!(
            check.fix.as_deref(),
            Some("codexgw token set coder --url https://coder.example.com")
        );
    }

    #[test]
    fn byok_and_chatgpt_need_no_openai_variable() {
        for route in ["openai", "chatgpt"] {
            let check = key(&facts(Some(&governed(route)), &[]));
            assert_eq!(check.status, Status::Pass, "{route}");
            assert!(check.summary.contains("is not set"), "{}", check.summary);
        }
        let check = key(&facts(
            Some(&governed("openai")),
            &[("OPENAI_API_KEY", "sk-1")],
        ));
        assert_eq!(check.status, Status::Pass);
        assert!(check.summary.contains("`codex exec` does not read it"));
    }

    #[test]
    fn chatgpt_warns_about_a_set_openai_key_and_names_the_line() {
        let mut f = facts(
            Some(&governed("chatgpt")),
            &[("OPENAI_API_KEY", "sk-1234567890")],
        );
        f.conflicting_exports = vec![shell::Export {
            path: "/h/.zshrc".into(),
            line: 3,
        }];
        let check = key(&f);
        assert_eq!(check.status, Status::Warn);
        assert!(check.summary.contains("keeps using your ChatGPT login"));
        assert_eq!(
            check.fix.as_deref(),
            Some(
                "delete the line that exports it at `~/.zshrc:3`, then `unset OPENAI_API_KEY` (or start codex with `env -u OPENAI_API_KEY codex`)"
            )
        );
        assert_eq!(check.evidence["exported_at"], "/h/.zshrc:3");
    }

    #[test]
    fn the_governance_token_passes_from_env_or_store_warns_from_the_cli_and_fails_when_missing() {
        let byok = governed("openai");
        let check = token(&facts(Some(&byok), &[("CODER_API_TOKEN", TOKEN)]));
        assert_eq!(check.status, Status::Pass);
        assert!(
            check
                .summary
                .contains("Codex sends it in `X-Coder-AI-Governance-Token`")
        );

        let check = token(&facts(Some(&byok), &[]).with_stored(HOST, TOKEN));
        assert_eq!(check.status, Status::Pass);
        assert!(check.summary.contains("codexgw exec -- codex"));
        assert_eq!(check.evidence["origin"], "keyring");

        let mut f = facts(Some(&byok), &[]);
        f.stored_coder_tokens.insert(
            HOST.into(),
            vec![Found {
                secret: Secret::new(TOKEN),
                origin: secrets::Origin::CoderCli("/h/.config/coderv2/session".into()),
            }],
        );
        let check = token(&f);
        assert_eq!(check.status, Status::Warn);
        assert!(check.summary.contains("silently drops"));
        assert_eq!(
            check.fix.as_deref(),
            Some(
                "export CODER_API_TOKEN=\"$(cat /h/.config/coderv2/session)\" before starting codex"
            )
        );

        // A token for another deployment does not count.
        let check = token(&facts(Some(&byok), &[]).with_stored("other.example.com", TOKEN));
        assert_eq!(check.status, Status::Fail);
        assert!(check.fix.unwrap().contains("coder tokens create"));
    }
}
