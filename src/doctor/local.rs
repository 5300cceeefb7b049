//! The checks that need no network: the config files, the environment, Codex's login.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::net::{Probe, UserCredential};
use super::{Check, Options, shell};
use crate::deployment::Deployment;
use crate::environment::Environment;
use crate::files;
use crate::inspect::{Block, GatewayUrl, Inspected, OLDER_GATEWAY_IDS, Severity};
use crate::mode::{self, Mode};
use crate::secrets::{self, Found, Secret, SecretStore, TokenKind};

pub(super) struct Local {
    pub checks: Vec<Check>,
    pub probe: Probe,
}

/// One config file as read.
struct File {
    path: PathBuf,
    /// The name shown in findings (`config.toml`, `gateway.config.toml`).
    name: String,
    doc: Option<Inspected>,
}

impl File {
    fn at(&self, line: usize) -> String {
        format!("{}:{line}", self.name)
    }
}

pub(super) fn check(
    options: &Options,
    env: &Environment,
    store: Option<&dyn SecretStore>,
) -> Local {
    let home = &options.codex_home;
    let (file_check, config, profile) = config_file(options);
    let mut checks = vec![file_check];
    // The profile file is layered over config.toml, so it is asked first.
    let files: Vec<&File> = profile.iter().chain(std::iter::once(&config)).collect();
    let readable = files.iter().any(|f| f.doc.is_some());

    let (provider_check, target) = if readable {
        config_provider(options, &files)
    } else {
        (
            Check::skip(
                "config.provider",
                "no config file to read (see config.file)",
            ),
            None,
        )
    };
    checks.push(provider_check);

    let block = target.and_then(|(id, file)| {
        files[file]
            .doc
            .as_ref()
            .and_then(|d| d.provider(&id))
            .map(|b| (b, files[file]))
    });
    checks.push(match (&block, readable) {
        (Some((block, file)), _) => config_block(block, file),
        (None, false) => Check::skip("config.block", "no config file to read (see config.file)"),
        (None, true) => Check::fail(
            "config.block",
            format!(
                "there is no `[model_providers.{}]` table",
                options
                    .provider_id
                    .as_deref()
                    .unwrap_or(mode::DEFAULT_PROVIDER_ID)
            ),
            "run `codexgw setup --mode centralized|byok|chatgpt --url <deployment>` to write it",
        ),
    });

    let block = block.map(|(b, _)| b);
    let mode = block.as_ref().and_then(Block::mode);
    let gateway = block.as_ref().and_then(Block::gateway);
    let deployment = gateway
        .as_ref()
        .map(|g| g.deployment.clone())
        .or_else(|| detected_deployment(env));
    // Secrets are stored per deployment (host, port, path), not per host.
    let host = deployment
        .as_ref()
        .map_or_else(String::new, secrets::store_key);

    checks.push(openai_api_key(block.as_ref(), mode, env, store, &host));
    let (coder_check, coder_token) = coder_api_token(block.as_ref(), mode, env, store, &host);
    checks.push(coder_check);
    let credentials_store = files
        .iter()
        .find_map(|f| f.doc.as_ref().and_then(Inspected::credentials_store));
    let (login_check, user) = codex_login(mode, &home.auth_path(), env, credentials_store);
    checks.push(login_check);

    Local {
        checks,
        probe: Probe {
            mode,
            route: gateway.as_ref().map(|g| g.route),
            base_url: gateway.and(block.and_then(|b| b.base_url)),
            deployment,
            coder_token,
            user,
        },
    }
}

fn detected_deployment(env: &Environment) -> Option<Deployment> {
    crate::detect::deployment_urls(env)
        .into_iter()
        .find_map(|d| Deployment::parse(&d.url, true).ok())
        .map(|p| p.deployment)
}

fn read(path: PathBuf) -> (File, Result<Option<()>, String>) {
    let name = crate::plan::file_name(&path);
    let mut file = File {
        path,
        name,
        doc: None,
    };
    let outcome = match files::read_optional(&file.path) {
        Ok(None) => Ok(None),
        Ok(Some(text)) => match Inspected::parse(&text) {
            Ok(doc) => {
                file.doc = Some(doc);
                Ok(Some(()))
            }
            Err(e) => Err(format!(
                "`{}:{}:{}` is not valid TOML: {}",
                file.path.display(),
                e.line,
                e.column,
                e.message
            )),
        },
        Err(e) => Err(format!("{e:#}")),
    };
    (file, outcome)
}

fn config_file(options: &Options) -> (Check, File, Option<File>) {
    const ID: &str = "config.file";
    let home = &options.codex_home;
    let (config, config_outcome) = read(home.config_path());
    let profile = options
        .profile
        .as_ref()
        .map(|name| read(home.profile_path(name)));
    let mut evidence = json!({
        "path": config.path.display().to_string(),
        "exists": config.path.exists(),
    });
    if let Some((file, _)) = &profile {
        evidence["profile_path"] = file.path.display().to_string().into();
        evidence["profile_exists"] = file.path.exists().into();
    }
    let shown = config.path.display().to_string();
    let check = match (&config_outcome, profile.as_ref().map(|(_, o)| o)) {
        (Err(why), _) | (_, Some(Err(why))) => Check::fail(
            ID,
            why.clone(),
            "fix the file at that place (or put a backup back with `codexgw restore`)",
        ),
        (Ok(None), _) => Check::fail(
            ID,
            format!("`{shown}` does not exist, so Codex talks to OpenAI directly"),
            "run `codexgw setup --mode centralized|byok|chatgpt --url <deployment>`",
        ),
        (Ok(Some(())), Some(Ok(None))) => {
            let name = options.profile.as_deref().unwrap_or_default();
            Check::warn(
                ID,
                format!(
                    "`{shown}` parses, but `{}` does not exist: `codex --profile {name}` silently ignores a missing profile file",
                    profile
                        .as_ref()
                        .map(|(f, _)| f.name.as_str())
                        .unwrap_or_default()
                ),
                format!("run `codexgw setup --profile {name} …` to write it"),
            )
        }
        (Ok(Some(())), Some(Ok(Some(())))) => Check::pass(
            ID,
            format!(
                "`{shown}` and `{}` parse",
                profile
                    .as_ref()
                    .map(|(f, _)| f.name.as_str())
                    .unwrap_or_default()
            ),
        ),
        (Ok(Some(())), None) => Check::pass(ID, format!("`{shown}` parses")),
    };
    (check.evidence(evidence), config, profile.map(|(f, _)| f))
}

/// `config.provider`, and which provider table (id, index into `files`) the next checks judge.
fn config_provider(options: &Options, files: &[&File]) -> (Check, Option<(String, usize)>) {
    const ID: &str = "config.provider";
    let docs = || files.iter().filter_map(|f| f.doc.as_ref().map(|d| (*f, d)));
    let table_file = |id: &str| {
        files
            .iter()
            .position(|f| f.doc.as_ref().is_some_and(|d| d.provider(id).is_some()))
    };
    let selected = docs().find_map(|(f, d)| d.model_provider().map(|l| (f, l)));
    let stranded: Vec<(&File, crate::inspect::Stranded)> = docs()
        .flat_map(|(f, d)| d.stranded().into_iter().map(move |s| (f, s)))
        .collect();
    let ids: Vec<String> = docs().flat_map(|(_, d)| d.provider_ids()).collect();
    let target_id = options
        .provider_id
        .clone()
        .or_else(|| {
            selected
                .as_ref()
                .map(|(_, l)| l.value.clone())
                .filter(|id| table_file(id).is_some())
        })
        .or_else(|| {
            std::iter::once(mode::DEFAULT_PROVIDER_ID)
                .chain(OLDER_GATEWAY_IDS)
                .find(|id| table_file(id).is_some())
                .map(str::to_string)
        });
    let target = target_id
        .as_ref()
        .and_then(|id| table_file(id).map(|i| (id.clone(), i)));
    let mut evidence = json!({
        "model_provider": selected.as_ref().map(|(_, l)| l.value.clone()),
        "source": selected.as_ref().map(|(f, l)| f.at(l.line)),
        "provider_ids": ids,
        "stranded": stranded.iter().map(|(f, s)| json!({
            "key": s.key, "value": s.value, "table": s.table, "at": f.at(s.line),
        })).collect::<Vec<_>>(),
    });

    let mut legacy = docs().filter_map(|(f, d)| d.legacy_profile().map(|l| (f, l)));
    if let Some((file, legacy)) = legacy.next() {
        evidence["legacy_profile"] = legacy.value.clone().into();
        let name = &legacy.value;
        return (
            Check::fail(
                ID,
                format!(
                    "`profile = \"{name}\"` at {} makes Codex refuse to start: legacy `profile = \"{name}\"` config is no longer supported",
                    file.at(legacy.line)
                ),
                format!(
                    "delete that line; to keep a separate setup use `codexgw setup --profile {name} …` and run `codex --profile {name}`"
                ),
            )
            .evidence(evidence),
            target,
        );
    }

    let stranded_provider = stranded.iter().find(|(_, s)| s.key == "model_provider");
    let Some((file, selected)) = selected else {
        let check = match stranded_provider {
            Some((f, s)) => Check::fail(
                ID,
                format!(
                    "`model_provider = \"{}\"` at {} sits under `[{}]`{}, so Codex reads it as `{}.model_provider`, ignores it, and talks to OpenAI",
                    s.value,
                    f.at(s.line),
                    s.table,
                    s.table_line
                        .map_or_else(String::new, |l| format!(" (line {l})")),
                    s.table
                ),
                format!(
                    "move `model_provider = \"{}\"` above the first `[table]` header of {} (or run `codexgw setup`, which puts it there)",
                    s.value, f.name
                ),
            ),
            None => Check::fail(
                ID,
                "no `model_provider` is set, so Codex talks to OpenAI directly",
                match &options.profile {
                    Some(p) => format!("run `codexgw setup --profile {p} …`"),
                    None => {
                        "run `codexgw setup --mode centralized|byok|chatgpt --url <deployment>`"
                            .to_string()
                    }
                },
            ),
        };
        return (check.evidence(evidence), target);
    };

    let value = &selected.value;
    let at = file.at(selected.line);
    let over = match files {
        [profile, config] if std::ptr::eq(*profile, file) => config
            .doc
            .as_ref()
            .and_then(Inspected::model_provider)
            .map(|l| format!(", over `{}` in {}", l.value, config.at(l.line)))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let failure = if let Some(wanted) = options.provider_id.as_ref().filter(|w| *w != value) {
        Some((
            format!(
                "`model_provider = \"{value}\"` at {at}{over} selects `{value}`, not `{wanted}`"
            ),
            format!("set `model_provider = \"{wanted}\"` at {at}"),
        ))
    } else if mode::is_reserved_provider_id(value) && table_file(value).is_none() {
        Some((
            format!(
                "`model_provider = \"{value}\"` at {at}{over} is Codex's built-in provider: requests go straight to OpenAI, not the gateway"
            ),
            format!(
                "set `model_provider = \"{}\"` (or run `codexgw setup`)",
                target_id.as_deref().unwrap_or(mode::DEFAULT_PROVIDER_ID)
            ),
        ))
    } else if table_file(value).is_none() {
        Some((
            format!(
                "`model_provider = \"{value}\"` at {at}{over}, but there is no `[model_providers.{value}]` table"
            ),
            "run `codexgw setup` to write the table, or point `model_provider` at an existing one"
                .to_string(),
        ))
    } else {
        None
    };
    if let Some((summary, fix)) = failure {
        return (Check::fail(ID, summary, fix).evidence(evidence), target);
    }

    let mut warnings: Vec<(String, String)> = Vec::new();
    for (f, s) in &stranded {
        warnings.push((
            format!(
                "`{} = \"{}\"` at {} sits under `[{}]`, where Codex ignores it",
                s.key,
                s.value,
                f.at(s.line),
                s.table
            ),
            format!(
                "delete line {} of {} (or move it above the first `[table]`)",
                s.line, f.name
            ),
        ));
    }
    let older: Vec<&str> = std::iter::once(mode::DEFAULT_PROVIDER_ID)
        .chain(OLDER_GATEWAY_IDS)
        .filter(|id| *id != value && table_file(id).is_some())
        .collect();
    for old in &older {
        warnings.push((
            format!("`[model_providers.{old}]` is still defined next to `{value}`"),
            format!(
                "Codex files session history per provider id, so sessions started with `{old}` are listed only while `{old}` is selected; once you no longer need them, `codexgw remove --provider-id {old}`"
            ),
        ));
    }
    let summary = format!("`model_provider = \"{value}\"` at {at}{over}");
    let check = if warnings.is_empty() {
        Check::pass(ID, summary)
    } else {
        let (found, fixes): (Vec<String>, Vec<String>) = warnings.into_iter().unzip();
        Check::warn(
            ID,
            format!("{summary}; but {}", found.join("; ")),
            fixes.join("\n"),
        )
    };
    (check.evidence(evidence), target)
}

fn config_block(block: &Block, file: &File) -> Check {
    const ID: &str = "config.block";
    let mode = block.mode();
    let gateway = block.gateway();
    let findings = block.findings();
    let evidence = json!({
        "provider_id": block.id,
        "at": file.at(block.line),
        "mode": mode,
        "base_url": block.base_url,
        "route": gateway.as_ref().map(|g| g.route.name()),
        "gateway_provider": gateway.as_ref().map(|g| g.provider.clone()),
        "wire_api": block.wire_api,
        "env_key": block.env_key,
        "requires_openai_auth": block.requires_openai_auth,
        "auth_command": block.auth.as_ref().map(|a| a.command.clone()),
        "experimental_bearer_token": block.bearer_token,
        "governance_header_var": block.governance_var,
        "unknown_fields": block.unknown_fields,
        "findings": findings.iter().map(|f| &f.message).collect::<Vec<_>>(),
    });
    let table = format!(
        "`[model_providers.{}]` at {}",
        block.id,
        file.at(block.line)
    );
    let check = match findings.first() {
        None => Check::pass(
            ID,
            format!(
                "{table} is a {} block for {}",
                mode.map_or("gateway", Mode::name),
                describe_gateway(gateway.as_ref())
            ),
        ),
        Some(first) => {
            let summary = std::iter::once(format!("{table}: {}", first.message))
                .chain(findings[1..].iter().map(|f| f.message.clone()))
                .collect::<Vec<_>>()
                .join("; ");
            let fix = findings
                .iter()
                .map(|f| f.fix.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            match first.severity {
                Severity::Error => Check::fail(ID, summary, fix),
                Severity::Warning => Check::warn(ID, summary, fix),
            }
        }
    };
    check.evidence(evidence)
}

fn describe_gateway(gateway: Option<&GatewayUrl>) -> String {
    gateway.map_or_else(
        || "an unknown gateway".to_string(),
        |g| format!("{} (route `{}`)", g.deployment, g.route.name()),
    )
}

fn openai_api_key(
    block: Option<&Block>,
    mode: Option<Mode>,
    env: &Environment,
    store: Option<&dyn SecretStore>,
    host: &str,
) -> Check {
    const ID: &str = "env.openai_api_key";
    const VAR: &str = mode::DEFAULT_ENV_KEY;
    let Some(mode) = mode else {
        return Check::skip(ID, "no gateway mode to judge by (see config.block)");
    };
    let block = block.expect("a mode comes from a block");
    match mode {
        Mode::Centralized => centralized_credential(block, env, store, host),
        Mode::Byok => {
            let set = env.var(VAR).is_some();
            Check::pass(
                ID,
                if set {
                    format!("${VAR} is set; in byok mode `codex exec` does not read it (your key must be in Codex's login, see codex.login)")
                } else {
                    format!("${VAR} is not set; byok mode does not need it (Codex reads your key from its login)")
                },
            )
            .evidence(json!({ "var": VAR, "set": set }))
        }
        Mode::Chatgpt => {
            let Some(value) = env.var(VAR) else {
                return Check::pass(
                    ID,
                    format!("${VAR} is not set, so Codex uses your ChatGPT login"),
                )
                .evidence(json!({ "var": VAR, "set": false }));
            };
            let home = env.home_dir.as_deref();
            let export = home.and_then(|h| shell::find_export(h, VAR));
            // Codex 0.169's `exec`, `login` and `login status` ignore the variable and keep the
            // ChatGPT login (verified); older builds and other OpenAI tools sign in with it.
            let summary = format!(
                "${VAR} is set ({}): Codex 0.169 keeps using your ChatGPT login, but older Codex builds and other OpenAI tools sign in with the key instead, which the chatgpt route rejects",
                secrets::redact(value)
            );
            let fix = match (&export, home) {
                (Some(found), Some(home)) => format!(
                    "delete the line that exports it at `{}:{}`, then `unset {VAR}` (or start codex with `env -u {VAR} codex`)",
                    shell::display(&found.path, home),
                    found.line
                ),
                _ => format!(
                    "`unset {VAR}` and remove it from wherever it is exported (or start codex with `env -u {VAR} codex`)"
                ),
            };
            Check::warn(ID, summary, fix).evidence(json!({
                "var": VAR,
                "set": true,
                "value": secrets::redact(value),
                "exported_at": export.map(|e| format!("{}:{}", e.path.display(), e.line)),
            }))
        }
    }
}

/// Centralized mode: the Coder token must reach Codex through `env_key`, `auth` or the file.
fn centralized_credential(
    block: &Block,
    env: &Environment,
    store: Option<&dyn SecretStore>,
    host: &str,
) -> Check {
    const ID: &str = "env.openai_api_key";
    if let Some(auth) = &block.auth {
        let found = find_program(&auth.command, env);
        let evidence = json!({ "auth_command": auth.command, "resolved": found.as_ref().map(|p| p.display().to_string()) });
        return match found {
            Some(path) => Check::pass(
                ID,
                format!(
                    "no variable needed: Codex runs `{}` (`{}`) for the Coder token",
                    auth.command,
                    path.display()
                ),
            ),
            None => Check::fail(
                ID,
                format!(
                    "`[model_providers.{}.auth] command = \"{}\"` is not an executable file or on PATH, so Codex gets no token",
                    block.id, auth.command
                ),
                "install it, or set `command` to its full path",
            ),
        }
        .evidence(evidence);
    }
    let Some(var) = block.env_key.as_deref() else {
        return Check::pass(
            ID,
            "no variable needed: the table carries `experimental_bearer_token` (see config.block)",
        );
    };
    match env.var(var) {
        None => {
            let stored = secrets::find(TokenKind::Coder, env, &[], store, host);
            let fix = match &stored {
                Some(found) => format!(
                    "a Coder token is in {}: start Codex as `codexgw exec -- codex` (or `eval \"$(codexgw env)\"` first), or let Codex ask codexgw: `codexgw setup --mode centralized --token-source command`",
                    found.origin
                ),
                None => format!(
                    "export {var}=<your Coder API token>   # create one with `coder tokens create`"
                ),
            };
            Check::fail(
                ID,
                format!(
                    "${var} is not set; Codex stops with `Missing environment variable: `{var}`.`"
                ),
                fix,
            )
            .evidence(json!({ "var": var, "set": false, "stored_in": stored.map(|f| f.origin.kind()) }))
        }
        Some(value) if value.trim().starts_with("sk-") => Check::fail(
            ID,
            format!(
                "${var} holds an OpenAI key ({}); centralized mode sends it to Coder, which wants your Coder API token",
                secrets::redact(value)
            ),
            format!(
                "export {var}=<your Coder API token>   # create one with `coder tokens create`; for your own key use `codexgw setup --mode byok`"
            ),
        )
        .evidence(json!({ "var": var, "set": true, "value": secrets::redact(value), "looks_like_openai_key": true })),
        Some(value) => Check::pass(
            ID,
            format!(
                "${var} is set ({}); Codex sends it as the Coder token",
                secrets::redact(value)
            ),
        )
        .evidence(json!({ "var": var, "set": true, "value": secrets::redact(value), "looks_like_openai_key": false })),
    }
}

/// The executable Codex would run for `command`: a path, or the first match on `$PATH`.
fn find_program(command: &str, env: &Environment) -> Option<PathBuf> {
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| {
        std::fs::metadata(p).is_ok_and(|m| {
            #[cfg(unix)]
            let runnable = m.permissions().mode() & 0o111 != 0;
            #[cfg(not(unix))]
            let runnable = true;
            m.is_file() && runnable
        })
    };
    if command.is_empty() {
        return None;
    }
    if command.contains('/') {
        let path = PathBuf::from(command);
        return executable(&path).then_some(path);
    }
    std::env::split_paths(env.var("PATH")?)
        .map(|dir| dir.join(command))
        .find(|p| executable(p))
}

fn coder_api_token(
    block: Option<&Block>,
    mode: Option<Mode>,
    env: &Environment,
    store: Option<&dyn SecretStore>,
    host: &str,
) -> (Check, Option<Found>) {
    const ID: &str = "env.coder_api_token";
    let Some(mode) = mode else {
        let found = secrets::find(TokenKind::Coder, env, &[mode::CODER_TOKEN_VAR], store, host);
        return (
            Check::skip(ID, "no gateway mode to judge by (see config.block)"),
            found,
        );
    };
    let block = block.expect("a mode comes from a block");
    if mode == Mode::Centralized {
        let vars: Vec<&str> = block
            .env_key
            .iter()
            .map(String::as_str)
            .chain([mode::CODER_TOKEN_VAR])
            .collect();
        let found = secrets::find(TokenKind::Coder, env, &vars, store, host);
        let check = Check::skip(
            ID,
            "not needed: in centralized mode the Coder token is the key Codex sends",
        )
        .evidence(token_evidence(mode::CODER_TOKEN_VAR, found.as_ref()));
        return (check, found);
    }
    let var = block
        .governance_var
        .as_deref()
        .unwrap_or(mode::CODER_TOKEN_VAR);
    let found = secrets::find(TokenKind::Coder, env, &[var], store, host);
    let check = match &found {
        Some(Found {
            secret,
            origin: secrets::Origin::Env(_),
        }) => Check::pass(
            ID,
            format!(
                "${var} is set ({}); Codex sends it in `{}`",
                secret.redacted(),
                mode::GOVERNANCE_HEADER
            ),
        ),
        Some(Found {
            secret,
            origin: origin @ secrets::Origin::Store(_),
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
            format!(
                "export {var}=<your Coder API token>   # create one with `coder tokens create`"
            ),
        ),
    };
    let check = check.evidence(token_evidence(var, found.as_ref()));
    (check, found)
}

fn token_evidence(var: &str, found: Option<&Found>) -> serde_json::Value {
    json!({
        "var": var,
        "origin": found.map(|f| f.origin.kind()),
        "source": found.map(|f| f.origin.to_string()),
        "token": found.map(|f| f.secret.redacted()),
    })
}

/// What `$CODEX_HOME/auth.json` holds.
enum Login {
    Missing,
    Unreadable(String),
    ApiKey(Secret),
    Chatgpt {
        access_token: Secret,
        account_id: Option<String>,
    },
    Other(String),
}

fn read_login(path: &Path) -> Login {
    let text = match files::read_optional(path) {
        Ok(None) => return Login::Missing,
        Ok(Some(text)) => text,
        Err(e) => return Login::Unreadable(format!("{e:#}")),
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
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

fn codex_login(
    mode: Option<Mode>,
    auth_path: &Path,
    env: &Environment,
    credentials_store: Option<String>,
) -> (Check, UserCredential) {
    const ID: &str = "codex.login";
    let (wanted, login_cmd) = match mode {
        None => {
            return (
                Check::skip(ID, "no gateway mode to judge by (see config.block)"),
                UserCredential::None,
            );
        }
        Some(Mode::Centralized) => {
            return (
                Check::skip(
                    ID,
                    "not needed: in centralized mode Codex sends the Coder token, not a login",
                ),
                UserCredential::None,
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
    if let (Some(Mode::Byok), Some(key)) = (mode, env.var("CODEX_API_KEY")) {
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
            UserCredential::ApiKey(Secret::new(key)),
        );
    }
    let login = read_login(auth_path);
    let (check, user) = match (mode, login) {
        (_, Login::Unreadable(why)) => (
            Check::fail(
                ID,
                format!("cannot read Codex's login: {why}"),
                format!("`codex logout`, then `{login_cmd}`"),
            ),
            UserCredential::None,
        ),
        (Some(Mode::Byok), Login::ApiKey(key)) => {
            evidence["source"] = "auth.json".into();
            evidence["key"] = key.redacted().into();
            (
                Check::pass(
                    ID,
                    format!("API-key login in `{shown}` ({})", key.redacted()),
                ),
                UserCredential::ApiKey(key),
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
                UserCredential::Chatgpt {
                    access_token,
                    account_id,
                },
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
            UserCredential::None,
        ),
        (Some(Mode::Byok), Login::Missing) => (
            Check::fail(
                ID,
                format!(
                    "no API-key login in `{shown}` and $CODEX_API_KEY is not set: in byok mode `codex exec` ignores $OPENAI_API_KEY and sends no key"
                ),
                format!("`{login_cmd}` (or export CODEX_API_KEY)"),
            ),
            UserCredential::None,
        ),
        (_, Login::Missing) => (
            Check::fail(
                ID,
                format!("no login in `{shown}`; chatgpt mode needs {wanted}"),
                format!("`{login_cmd}`"),
            ),
            UserCredential::None,
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
                UserCredential::None,
            )
        }
    };
    (check.evidence(evidence), user)
}
