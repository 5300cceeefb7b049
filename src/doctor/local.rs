//! The checks that need no network: the config files, the environment, Codex's login.

use std::path::PathBuf;

use serde_json::json;

use std::time::Duration;

use super::live_check::Prepared;
use super::net::{Credential, Probe};
use super::{Check, Options, shell};
use crate::coder::deployment::Deployment;
use crate::codex::home::{CodexHome, Login};
use crate::codex::inspect::{
    AuthCommand, Block, Finding, GatewayUrl, Inspected, OLDER_GATEWAY_IDS, Severity, redact_url,
};
use crate::codex::launch::{self, EnvChange};
use crate::codex::live::LiveRun;
use crate::codex::mode::{self, Mode};
use crate::environment::Environment;
use crate::files;
use crate::programs;
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
    let refused = refused_providers(&files, block.as_ref().map(|(b, _)| b.id.as_str()));
    checks.push(match (&block, readable) {
        (Some((block, file)), _) => config_block(block, file, &refused),
        (None, false) => Check::skip("config.block", "no config file to read (see config.file)"),
        (None, true) => {
            let missing = Finding {
                severity: Severity::Error,
                message: format!(
                    "there is no `[model_providers.{}]` table",
                    options
                        .provider_id
                        .as_deref()
                        .unwrap_or(mode::DEFAULT_PROVIDER_ID)
                ),
                fix: "run `codexgw setup --mode centralized|byok|chatgpt --url <deployment>` to write it"
                    .to_string(),
            };
            let all: Vec<&Finding> = std::iter::once(&missing)
                .chain(&refused)
                .collect();
            joined("config.block", &all)
        }
    });

    let live = if options.live && !options.offline {
        prepare_live(options, env, store, block.as_ref())
    } else {
        Prepared::NotAsked
    };
    let block = block.map(|(b, _)| b);
    let mode = block.as_ref().and_then(Block::mode);
    let gateway = block.as_ref().and_then(Block::gateway);
    let (deployment, deployment_note) = match &gateway {
        Some(g) => (Some(g.deployment.clone()), None),
        None => detected_deployment(env),
    };
    // Secrets are stored per deployment (host, port, path), not per host.
    let host = deployment
        .as_ref()
        .map_or_else(String::new, secrets::store_key);
    let lookup = Lookup {
        env,
        store,
        host: &host,
    };

    let (openai_check, sent) = openai_api_key(block.as_ref(), mode, &lookup);
    checks.push(openai_check);
    let (coder_check, coder_token) = coder_api_token(block.as_ref(), mode, &lookup);
    checks.push(coder_check);
    let credentials_store = files
        .iter()
        .find_map(|f| f.doc.as_ref().and_then(Inspected::credentials_store));
    let (login_check, login) = login_as_used(
        block.as_ref(),
        mode,
        codex_login(mode, home, env, credentials_store),
    );
    checks.push(login_check);

    let Sent {
        bearer,
        withheld,
        token_fix,
    } = sent;
    let (coder_token, bearer) = match mode {
        // The bearer is the Coder token; when Codex would send none, a token found elsewhere
        // still lets net.auth tell whether the deployment knows it.
        Some(Mode::Centralized) => (bearer.clone().or(coder_token), bearer),
        Some(Mode::Byok | Mode::Chatgpt) => (coder_token, bearer.or(login)),
        None => (coder_token, None),
    };
    let supports_websockets = block.as_ref().and_then(|b| b.supports_websockets);
    Local {
        checks,
        probe: Probe {
            mode,
            route: gateway.as_ref().map(|g| g.route),
            base_url: gateway.and(block.and_then(|b| b.base_url)),
            deployment,
            coder_token,
            bearer,
            withheld: withheld.or(deployment_note),
            token_fix,
            supports_websockets,
            codex_version: None,
            live,
        },
    }
}

/// The Codex turn `--live` runs: Codex as the shell finds it, given the tokens `codexgw exec`
/// would add for the selected provider (without them when they cannot be found: Codex then
/// shows what a plain `codex` would meet).
fn prepare_live(
    options: &Options,
    env: &Environment,
    store: Option<&dyn SecretStore>,
    block: Option<&(Block, &File)>,
) -> Prepared {
    let Some(codex) = programs::find_program("codex", env) else {
        return Prepared::Unrunnable("`codex` is not on PATH".into());
    };
    let mut vars: Vec<(String, String)> = env
        .vars()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let provider = block.and_then(|(block, file)| {
        let doc = file.doc.as_ref()?;
        launch::configured_provider(doc, &block.id, &file.path).ok()
    });
    if let Some(changes) = provider
        .as_ref()
        .and_then(|p| launch::environment_for(p, env, store).ok())
    {
        for change in changes {
            let name = match &change {
                EnvChange::Set(name, _) | EnvChange::Unset(name) => name.clone(),
            };
            vars.retain(|(k, _)| *k != name);
            if let EnvChange::Set(name, value) = change {
                vars.push((name, value.expose().to_string()));
            }
        }
    }
    // Codex keeps its own home: the one doctor judged.
    vars.retain(|(k, _)| k != "CODEX_HOME");
    vars.push((
        "CODEX_HOME".into(),
        options.codex_home.dir().display().to_string(),
    ));
    Prepared::Ready(LiveRun {
        codex,
        profile: options.profile.clone(),
        provider_id: block.map(|(b, _)| b.id.clone()),
        env: vars,
        // Codex is stopped just before the doctor's deadline, so its words still arrive.
        timeout: options
            .timeout
            .saturating_sub(Duration::from_millis(250))
            .max(Duration::from_secs(1)),
    })
}

/// Where tokens are looked up: the environment, the store, for one deployment host.
#[derive(Clone, Copy)]
struct Lookup<'a> {
    env: &'a Environment,
    store: Option<&'a dyn SecretStore>,
    host: &'a str,
}

impl Lookup<'_> {
    /// The Coder token as `codexgw exec` and `token print` find it, with `first` (the variable
    /// Codex itself reads) asked before the usual ones.
    fn coder_token(&self, first: Option<&str>) -> Option<Found> {
        let mut vars: Vec<&str> = first.into_iter().collect();
        vars.extend(
            TokenKind::Coder
                .env_vars()
                .iter()
                .filter(|v| Some(**v) != first),
        );
        secrets::find(TokenKind::Coder, self.env, &vars, self.store, self.host)
    }
}

/// What Codex would send as its bearer in centralized mode, as far as doctor may send it too.
struct Sent {
    bearer: Option<Credential>,
    /// Set when the bearer must not be sent (it is no Coder token).
    withheld: Option<String>,
    /// How to give Codex the Coder token.
    token_fix: String,
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

/// OpenAI keys start with `sk-`; Coder tokens never do.
fn is_openai_key(value: &str) -> bool {
    value.trim().starts_with("sk-")
}

fn export_fix(var: &str) -> String {
    format!("export {var}=<your Coder API token>   # create one with `coder tokens create`")
}

/// One check from several findings: the worst decides the status, every fix is listed.
fn joined(id: &'static str, findings: &[&Finding]) -> Check {
    let summary = findings
        .iter()
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let fix = findings
        .iter()
        .map(|f| f.fix.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    if findings.iter().any(|f| f.severity == Severity::Error) {
        Check::fail(id, summary, fix)
    } else {
        Check::warn(id, summary, fix)
    }
}

/// Provider tables other than the judged one that make Codex refuse the whole file, as
/// findings that name the file, table and line.
fn refused_providers(files: &[&File], judged: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    for file in files {
        let Some(doc) = &file.doc else { continue };
        for (block, refusals) in doc.refused_providers(judged) {
            let id = &block.id;
            let convert = if OLDER_GATEWAY_IDS.contains(&id.as_str()) {
                format!(
                    ", or convert it in place with `codexgw setup --provider-id {id} --mode centralized|byok|chatgpt --url <deployment>`"
                )
            } else {
                String::new()
            };
            for refusal in refusals {
                out.push(Finding {
                        severity: Severity::Error,
                        message: format!(
                            "Codex refuses to load the file because of `[model_providers.{id}]` at {}: {}",
                            file.at(block.line),
                            refusal.message
                        ),
                        fix: format!(
                            "delete the `[model_providers.{id}]` table (line {} of {}){convert}; or {}",
                            block.line, file.name, refusal.fix
                        ),
                });
            }
        }
    }
    out
}

/// `$CODER_URL`, the coder CLI's login or the agent URL, when the config names no deployment,
/// and why no token may go there (plain http to a host that is not loopback).
fn detected_deployment(env: &Environment) -> (Option<Deployment>, Option<String>) {
    let Some(found) = crate::coder::detect::deployment_urls(env)
        .into_iter()
        .find(|d| Deployment::parse(&d.url, true).is_ok())
    else {
        return (None, None);
    };
    let deployment = Deployment::parse(&found.url, true)
        .ok()
        .map(|p| p.deployment);
    // Loopback http stays allowed, as everywhere else.
    let note = Deployment::parse(&found.url, false).is_err().then(|| {
        format!(
            "`{}` (from {}) is plain http to a host that is not loopback, and a token would travel unencrypted",
            redact_url(&found.url),
            found.source
        )
    });
    (deployment, note)
}

/// A file that cannot be used: what is wrong, and what to do about it.
type Unusable = (String, String);

fn read(path: PathBuf) -> (File, Result<Option<()>, Unusable>) {
    let name = crate::setup::plan::file_name(&path);
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
            Err(e) => Err((
                e.in_file(&file.path),
                "fix the file at that line (or put a backup back with `codexgw restore`)"
                    .to_string(),
            )),
        },
        Err(e) => Err(unusable(&e)),
    };
    (file, outcome)
}

/// An I/O error as one line (each cause once) and the next step it carries.
fn unusable(err: &anyhow::Error) -> Unusable {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
    }
    let fix = crate::error::find_user_error(err)
        .and_then(|u| u.help.clone())
        .unwrap_or_else(|| "check the file and its permissions".to_string());
    (parts.join(": "), fix)
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
    let errors: Vec<&Unusable> = std::iter::once(&config_outcome)
        .chain(profile.as_ref().map(|(_, o)| o))
        .filter_map(|o| o.as_ref().err())
        .collect();
    let check = match (&config_outcome, profile.as_ref().map(|(_, o)| o)) {
        (Err(_), _) | (_, Some(Err(_))) => {
            let (found, fixes): (Vec<&str>, Vec<&str>) = errors
                .iter()
                .map(|(why, fix)| (why.as_str(), fix.as_str()))
                .unzip();
            Check::fail(ID, found.join("; "), fixes.join("\n"))
        }
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
    let stranded: Vec<(&File, crate::codex::inspect::Stranded)> = docs()
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

    let gateway_id = target_id.as_deref().unwrap_or(mode::DEFAULT_PROVIDER_ID);
    // Deleting is always right; moving is not (a stranded `model_provider = "openai"` would then
    // select OpenAI, and next to a top-level key it would be a duplicate).
    let stranded_findings = |skip: Option<usize>| -> Vec<(String, String)> {
        stranded
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != skip)
            .map(|(_, (f, s))| {
                (
                    format!(
                        "`{} = \"{}\"` at {} sits under `[{}]`, where Codex ignores it",
                        s.key,
                        s.value,
                        f.at(s.line),
                        s.table
                    ),
                    format!("delete line {} of {}", s.line, f.name),
                )
            })
            .collect()
    };
    let stranded_provider = stranded.iter().position(|(_, s)| s.key == "model_provider");
    let Some((file, selected)) = selected else {
        let (summary, fix) = match stranded_provider.map(|i| &stranded[i]) {
            Some((f, s)) => (
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
                    "delete line {} of {} and put `model_provider = \"{gateway_id}\"` above its first `[table]` header (or run `codexgw setup`, which does both)",
                    s.line, f.name
                ),
            ),
            None => (
                "no `model_provider` is set, so Codex talks to OpenAI directly".to_string(),
                match &options.profile {
                    Some(p) => format!("run `codexgw setup --profile {p} …`"),
                    None => {
                        "run `codexgw setup --mode centralized|byok|chatgpt --url <deployment>`"
                            .to_string()
                    }
                },
            ),
        };
        let (found, fixes): (Vec<String>, Vec<String>) = std::iter::once((summary, fix))
            .chain(stranded_findings(stranded_provider))
            .unzip();
        let check = Check::fail(ID, found.join("; "), fixes.join("\n"));
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
    warnings.extend(stranded_findings(None));
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
    // `[profiles.X]` tables are harmless but do nothing any more: a note, not a warning.
    let inert: Vec<String> = docs()
        .flat_map(|(f, d)| {
            d.profile_tables()
                .into_iter()
                .map(move |name| format!("`[profiles.{name}]` in {}", f.name))
        })
        .collect();
    evidence["inert_profile_tables"] = inert.clone().into();
    let note = if inert.is_empty() {
        String::new()
    } else {
        format!(
            " (note: {} {} inert: Codex 0.169 reads a profile only from `NAME.config.toml`, via `codex --profile NAME`)",
            inert.join(", "),
            if inert.len() == 1 { "is" } else { "are" }
        )
    };
    let summary = format!("`model_provider = \"{value}\"` at {at}{over}{note}");
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

fn config_block(block: &Block, file: &File, refused: &[Finding]) -> Check {
    const ID: &str = "config.block";
    let mode = block.mode();
    let gateway = block.gateway();
    let mut findings = block.findings();
    let table = format!(
        "`[model_providers.{}]` at {}",
        block.id,
        file.at(block.line)
    );
    if let Some(first) = findings.first_mut() {
        first.message = format!("{table}: {}", first.message);
    }
    // Another table Codex refuses breaks this one too: the whole file is refused.
    findings.splice(0..0, refused.iter().cloned());
    let evidence = json!({
        "provider_id": block.id,
        "at": file.at(block.line),
        "mode": mode,
        "base_url": block.base_url.as_deref().map(redact_url),
        "route": gateway.as_ref().map(|g| g.route.name()),
        "gateway_provider": gateway.as_ref().map(|g| g.provider.clone()),
        "wire_api": block.wire_api,
        "env_key": block.env_key,
        "requires_openai_auth": block.requires_openai_auth,
        "auth_command": block.auth.as_ref().map(|a| a.command.clone()),
        "experimental_bearer_token": block.bearer_token.as_ref().map(Secret::redacted),
        "governance_header_var": block.governance_var,
        "unknown_fields": block.unknown_fields,
        "findings": findings.iter().map(|f| &f.message).collect::<Vec<_>>(),
    });
    let check = if findings.is_empty() {
        Check::pass(
            ID,
            format!(
                "{table} is a {} block for {}",
                mode.map_or("gateway", Mode::name),
                describe_gateway(gateway.as_ref())
            ),
        )
    } else {
        joined(ID, &findings.iter().collect::<Vec<_>>())
    };
    check.evidence(evidence)
}

fn describe_gateway(gateway: Option<&GatewayUrl>) -> String {
    gateway.map_or_else(
        || "an unknown gateway".to_string(),
        |g| format!("{} (route `{}`)", g.deployment, g.route.name()),
    )
}

fn openai_api_key(block: Option<&Block>, mode: Option<Mode>, lookup: &Lookup) -> (Check, Sent) {
    const ID: &str = "env.openai_api_key";
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
            let exports =
                home.map_or_else(Vec::new, |h| shell::find_exports(h, VAR, env.var("SHELL")));
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

/// `codexgw token print coder [--url U]`, the command `setup --token-source command` writes:
/// `Some(U)` (or `Some(None)` without `--url`) when `auth` runs it.
fn token_print_url(args: &[String]) -> Option<Option<String>> {
    if args.len() < 3 || args[..3] != ["token", "print", "coder"] {
        return None;
    }
    let rest = &args[3..];
    let url = rest.iter().enumerate().find_map(|(i, arg)| {
        arg.strip_prefix("--url=")
            .map(str::to_string)
            .or_else(|| (arg == "--url").then(|| rest.get(i + 1).cloned()).flatten())
    });
    Some(url)
}

/// Centralized mode: the Coder token must reach Codex through `env_key`, `auth` or the file.
/// Returns the bearer Codex would send, in the order Codex picks it: `env_key`, then
/// `experimental_bearer_token`, then the `auth` command.
fn centralized_credential(block: &Block, lookup: &Lookup) -> (Check, Sent) {
    const ID: &str = "env.openai_api_key";
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
        Some(value) if is_openai_key(value) => {
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

/// Command-backed auth: the program must exist, and when it is codexgw's own `token print
/// coder`, it must find a token (the same lookup, so doctor does not pass while Codex fails).
fn auth_command(
    block: &Block,
    auth: &AuthCommand,
    lookup: &Lookup,
    table_bearer: Option<Credential>,
) -> (Check, Sent) {
    const ID: &str = "env.openai_api_key";
    let found = programs::find_program(&auth.command, lookup.env);
    let mut evidence = json!({ "auth_command": auth.command, "resolved": found.as_ref().map(|p| p.display().to_string()) });
    let print_url = token_print_url(&auth.args);
    let token_fix = match &print_url {
        Some(url) => lookup_fix(block, url.as_deref()),
        None => format!("make `{}` print your Coder API token", auth.command),
    };
    let Some(path) = found else {
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
    let program = if path.as_os_str() == auth.command.as_str() {
        format!("`{}`", auth.command)
    } else {
        format!("`{}` (`{}`)", auth.command, path.display())
    };
    let Some(url) = print_url else {
        let check = Check::pass(
            ID,
            format!("no variable needed: Codex runs {program} for the Coder token"),
        )
        .evidence(evidence);
        // Doctor does not run a foreign command: the token it prints stays unknown.
        let sent = Sent {
            withheld: table_bearer
                .is_none()
                .then(|| format!("Codex gets its token from {program}, which doctor does not run")),
            bearer: table_bearer,
            token_fix,
        };
        return (check, sent);
    };
    let host = url
        .as_deref()
        .and_then(|u| Deployment::parse(u, true).ok())
        .map_or_else(
            || lookup.host.to_string(),
            |p| secrets::store_key(&p.deployment),
        );
    // What `token print` does: its own `--url` names the host.
    let token = Lookup {
        host: &host,
        ..*lookup
    }
    .coder_token(None);
    evidence["token"] = token_evidence(TokenKind::Coder.env_vars()[0], token.as_ref());
    let check = match &token {
        Some(found) => Check::pass(
            ID,
            format!(
                "no variable needed: Codex runs {program} `token print coder`, which finds the Coder token for `{host}` ({}) in {}",
                found.secret.redacted(),
                found.origin
            ),
        ),
        None => Check::fail(
            ID,
            format!(
                "Codex runs {program} `token print coder`, which finds no Coder token for `{host}` (environment, keyring, coder CLI login), so Codex gets none"
            ),
            token_fix.clone(),
        ),
    }
    .evidence(evidence);
    let sent = Sent {
        bearer: table_bearer.or_else(|| token.map(Credential::from)),
        withheld: None,
        token_fix,
    };
    (check, sent)
}

fn coder_api_token(
    block: Option<&Block>,
    mode: Option<Mode>,
    lookup: &Lookup,
) -> (Check, Option<Credential>) {
    const ID: &str = "env.coder_api_token";
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
        let var = block
            .env_key
            .as_deref()
            .filter(|var| !lookup.env.var(var).is_some_and(is_openai_key));
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

/// codex.login as Codex will use it: a key in the table overrides the login it judged.
fn login_as_used(
    block: Option<&Block>,
    mode: Option<Mode>,
    (check, login): (Check, Option<Credential>),
) -> (Check, Option<Credential>) {
    const ID: &str = "codex.login";
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
            if let (super::Status::Fail | super::Status::Warn, Some(login_fix)) =
                (check.status, &check.fix)
            {
                fix = format!("{fix}\n{login_fix}");
            }
            let status = check.status;
            let evidence = check.evidence;
            let judged = if status == super::Status::Fail {
                Check::fail(ID, summary, fix)
            } else {
                Check::warn(ID, summary, fix)
            };
            (judged.evidence(evidence), None)
        }
        _ => (check, login),
    }
}

fn codex_login(
    mode: Option<Mode>,
    home: &CodexHome,
    env: &Environment,
    credentials_store: Option<String>,
) -> (Check, Option<Credential>) {
    const ID: &str = "codex.login";
    let auth_path = home.auth_path();
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
            Some(Credential {
                secret: Secret::new(key),
                from: "$CODEX_API_KEY".to_string(),
                kind: "login",
                account_id: None,
            }),
        );
    }
    let login = home.read_login();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        Environment::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn a_plain_http_deployment_from_the_environment_gets_no_token() {
        let (deployment, note) =
            detected_deployment(&env(&[("CODER_URL", "http://coder.internal:3000")]));
        assert_eq!(deployment.unwrap().as_str(), "http://coder.internal:3000");
        assert!(note.unwrap().contains("plain http"));
        let (deployment, note) =
            detected_deployment(&env(&[("CODER_URL", "http://127.0.0.1:3000")]));
        assert!(deployment.is_some());
        assert_eq!(note, None);
        let (_, note) = detected_deployment(&env(&[("CODER_URL", "https://coder.example.com")]));
        assert_eq!(note, None);
    }

    #[test]
    fn recognises_codexgw_token_print() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            token_print_url(&args(&[
                "token",
                "print",
                "coder",
                "--url",
                "https://c.example.com"
            ])),
            Some(Some("https://c.example.com".to_string()))
        );
        assert_eq!(
            token_print_url(&args(&["token", "print", "coder", "--url=https://c"])),
            Some(Some("https://c".to_string()))
        );
        assert_eq!(
            token_print_url(&args(&["token", "print", "coder"])),
            Some(None)
        );
        assert_eq!(token_print_url(&args(&["token", "print", "openai"])), None);
        assert_eq!(token_print_url(&args(&["print"])), None);
    }
}
