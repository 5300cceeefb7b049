//! What `setup` does about credentials once the provider block is in place: store the Coder
//! token in the keyring (`--store-token`), log Codex in with the OpenAI key (byok), and say
//! what is missing.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::cli::SetupArgs;
use crate::codex::home::{API_KEY_VAR, CodexHome, CodexLogin};
use crate::codex::mode::{CODER_TOKEN_VAR, Mode, ProviderSpec, TokenSource};
use crate::commands::{Context, token};
use crate::error::{self, Help as _};
use crate::secrets::{self, Origin, Secret, SecretStore, SystemStore, TokenKind};
use crate::setup::next::Done;

/// `--store-token`: the token to store, from `$CODER_API_TOKEN` (or `$CODER_SESSION_TOKEN`),
/// else stdin or a hidden prompt. Read before setup writes anything, so a missing or empty
/// token leaves config.toml as it was.
pub fn token_to_store(ctx: &Context, args: &SetupArgs) -> anyhow::Result<Option<Secret>> {
    if !args.store_token {
        return Ok(None);
    }
    let from_env = secrets::coder_token_vars(None)
        .into_iter()
        .find_map(|var| ctx.env.var(var));
    if let Some(value) = from_env {
        return secrets::parse_token(TokenKind::Coder, value).map(Some);
    }
    if !ctx.ui.stdin_is_terminal() {
        // Over `ssh host codexgw setup …` stdin never ends: say what codexgw waits for.
        ctx.ui.status(format!(
            "reading the Coder API token for `--store-token` from stdin (or set `{CODER_TOKEN_VAR}`)"
        ));
    }
    token::read_token(ctx, TokenKind::Coder, false).map(Some)
}

/// Stores the `--store-token` token for the deployment. Setup calls it before it writes
/// config.toml: a keyring that fails or does not answer then leaves no half-done setup.
pub fn store_token(
    ctx: &Context,
    spec: &ProviderSpec,
    token: Option<Secret>,
) -> anyhow::Result<()> {
    let Some(token) = token else {
        return Ok(());
    };
    let key = secrets::store_key(&spec.deployment);
    let backend = secrets::system_store(&ctx.env)
        .set(TokenKind::Coder, &key, &token)
        .context("cannot store the Coder API token; config.toml was not changed")?;
    ctx.ui.status(format!(
        "stored the Coder API token for `{key}` in {backend}"
    ));
    Ok(())
}

/// After the provider block is in place: offer to store a token at a terminal, log Codex in
/// for byok, and tell what is still missing.
pub fn after_setup(
    ctx: &Context,
    args: &SetupArgs,
    spec: &ProviderSpec,
    home: &CodexHome,
) -> anyhow::Result<Done> {
    let store = secrets::system_store(&ctx.env);
    let key = secrets::store_key(&spec.deployment);
    let key = key.as_str();
    let find = || {
        secrets::find(
            TokenKind::Coder,
            &ctx.env,
            &secrets::coder_token_vars(None),
            Some(&store),
            key,
        )
    };
    let mut coder_token = find();
    // `--store-token` stored its token before config.toml was written; this is the offer at a
    // terminal when none is found anywhere.
    let offer = ctx.ui.interactive() && !args.yes && !args.store_token && coder_token.is_none();
    if offer && confirm_store(ctx, key)? {
        let token = token::read_token(ctx, TokenKind::Coder, false)?;
        let backend = store.set(TokenKind::Coder, key, &token)?;
        ctx.ui.status(format!(
            "stored the Coder API token for `{key}` in {backend}"
        ));
        coder_token = find();
    }
    if let (TokenSource::Command { .. }, Mode::Centralized, None) =
        (&spec.token_source, spec.mode, &coder_token)
    {
        ctx.ui.warn(format!(
            "Codex will run `codexgw token print coder`, which finds no Coder token for `{key}` yet: store one with `codexgw token set coder --url {}`",
            spec.deployment
        ));
    }
    let login = home.login(&ctx.env);
    let mut done = Done {
        codex_api_login: login == CodexLogin::ApiKey,
        codex_chatgpt_login: login == CodexLogin::Chatgpt,
        coder_token_available: coder_token.is_some(),
    };
    if spec.mode == Mode::Byok && !done.codex_api_login {
        done.codex_api_login = log_codex_in(ctx, args, home, &store, key)?;
    }
    Ok(done)
}

/// The wizard's question when no Coder token is found anywhere.
fn confirm_store(ctx: &Context, host: &str) -> anyhow::Result<bool> {
    ctx.ui.confirm(
        &format!("No Coder API token for `{host}` found. Store one in the OS keyring now?"),
        true,
    )
}

/// Byok: Codex never sends `$OPENAI_API_KEY`; it takes `$CODEX_API_KEY`, then its own login
/// (FACTS.md). Two ways to hand it the key: keep it in the OS keyring, from where `codexgw exec`
/// and `codexgw env` set `CODEX_API_KEY` (no plain text on disk), or `codex login
/// --with-api-key` (Codex's auth.json). A key already in the store is used as it is; otherwise
/// the user chooses at a terminal, and `--yes` logs Codex in. Says which it did; returns
/// whether Codex will get a key.
fn log_codex_in(
    ctx: &Context,
    args: &SetupArgs,
    home: &CodexHome,
    store: &SystemStore,
    store_key: &str,
) -> anyhow::Result<bool> {
    let asked = !args.yes && ctx.ui.interactive();
    let key = match secrets::find(
        TokenKind::Openai,
        &ctx.env,
        TokenKind::Openai.env_vars(),
        Some(store),
        store_key,
    ) {
        Some(found) if matches!(found.origin, Origin::Store(_)) => {
            ctx.ui.status(format!(
                "your OpenAI key is in {}: `codexgw exec -- codex` hands it to Codex as ${API_KEY_VAR}, which Codex sends before any login (no plain-text auth.json)",
                found.origin
            ));
            return Ok(true);
        }
        Some(found) => {
            ctx.ui.status(format!(
                "Codex has no API-key login; your OpenAI key is in {}",
                found.origin
            ));
            found.secret
        }
        None if asked => match ask_key(ctx)? {
            Some(key) => key,
            None => return Ok(false),
        },
        None => return Ok(false),
    };
    let choice = if asked {
        ctx.ui.select(
            "How should Codex get this key?",
            &[
                format!(
                    "keep it in {}; `codexgw exec -- codex` hands it over as ${API_KEY_VAR} (no plain text on disk)",
                    store.backend()
                ),
                "log Codex in with it (`codex login --with-api-key`; Codex keeps it in auth.json)"
                    .to_string(),
                "neither, for now".to_string(),
            ],
            0,
        )?
    } else {
        1
    };
    match choice {
        0 => {
            let backend = store.set(TokenKind::Openai, store_key, &key)?;
            ctx.ui.status(format!(
                "stored your OpenAI key for `{store_key}` in {backend}; Codex gets it as ${API_KEY_VAR} when started as `codexgw exec -- codex`"
            ));
            Ok(true)
        }
        1 => {
            let codex = codex_bin(ctx, args)?;
            crate::codex::login::login_with_api_key(&codex, home, &key)
                .help("check the path, or pass `--codex-bin PATH`")?;
            ctx.ui.status(format!(
                "logged Codex in with your OpenAI key ({}); Codex keeps it in `{}` (to keep it in the keyring instead: `codexgw token set openai`, then `codex logout`)",
                secrets::redact(key.expose()),
                home.auth_path().display()
            ));
            Ok(true)
        }
        _ => Ok(false),
    }
}

fn ask_key(ctx: &Context) -> anyhow::Result<Option<Secret>> {
    let text = ctx.ui.password(
        "Your OpenAI API key for Codex's login (empty to skip)",
        true,
        |text| {
            if text.trim().is_empty() {
                return Ok(());
            }
            secrets::parse_token(TokenKind::Openai, text)
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    )?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    secrets::parse_token(TokenKind::Openai, &text).map(Some)
}

/// `--codex-bin` / `$CODEXGW_CODEX_BIN`, else `codex` on PATH.
fn codex_bin(ctx: &Context, args: &SetupArgs) -> anyhow::Result<PathBuf> {
    if let Some(path) = &args.codex_bin {
        return Ok(path.clone());
    }
    crate::programs::find_program("codex", &ctx.env)
        .ok_or_else(|| {
            error::failure(
                "cannot find the `codex` program on PATH to log it in with your OpenAI key",
                "install Codex (`npm install -g @openai/codex`) or pass `--codex-bin PATH`, then run setup again",
            )
        })
}
