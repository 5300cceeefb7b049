//! `codexgw token set|print|status|delete`: the Coder token and the OpenAI key in the OS
//! keyring, keyed by deployment (`secrets::store_key`). `print` is on Codex's request path
//! (command-backed auth): no prompt, no network, and no work beyond finding the deployment and
//! one lookup.

use std::time::Duration;

use anyhow::Context as _;

use crate::cli::{TargetArgs, TokenArgs, TokenCommand, TokenPrintArgs, TokenSetArgs};
use crate::coder::deployment::Deployment;
use crate::coder::probe::{self, Finding};
use crate::commands::{Context, configured_provider};
use crate::error::{self, Help as _};
use crate::secrets::{self, FileStore, Secret, SecretStore, SystemStore, TokenKind};

/// How long `--verify` waits for the deployment.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long `token set` waits to learn whether the deployment answers at all.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub fn run(
    ctx: &Context,
    args: &TokenArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    match &args.command {
        TokenCommand::Set(args) => set(ctx, args, codex_home),
        TokenCommand::Print(args) => print(ctx, args, codex_home),
        TokenCommand::Status(args) => status(ctx, args, codex_home),
        TokenCommand::Delete(args) => delete(ctx, args, codex_home),
    }
}

/// The deployment the command is about, and the store to look in.
fn target(
    ctx: &Context,
    target: &TargetArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<(Deployment, SystemStore)> {
    Ok((
        deployment(ctx, target, codex_home)?,
        secrets::system_store(&ctx.env),
    ))
}

/// `--url`, else the deployment of the provider in config.toml.
fn deployment(
    ctx: &Context,
    target: &TargetArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<Deployment> {
    match &target.url {
        // Only the store key (host, port, path) comes from it, so plain http is no risk here;
        // `--verify`, which sends the token, checks the scheme itself.
        Some(url) => Ok(Deployment::parse(url, true)?.deployment),
        None => configured_provider(ctx, codex_home, &target.provider_id, None)
            .map(|provider| provider.deployment)
            .map_err(|err| {
                let help = "pass `--url https://coder.example.com`, or run `codexgw setup` first";
                error::failure(
                    format!("cannot tell which deployment the token is for: {err}"),
                    help,
                )
            }),
    }
}

fn set(
    ctx: &Context,
    args: &TokenSetArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let deployment = deployment(ctx, &args.target, codex_home)?;
    if args.verify && args.kind != TokenKind::Coder {
        return Err(error::usage(
            "`--verify` checks Coder tokens only",
            "drop `--verify`; Codex reports a bad OpenAI key on its first request",
        ));
    }
    let secret = read_token(ctx, args.kind, args.stdin)?;
    if args.kind == TokenKind::Coder && !args.no_verify {
        let checked = match args.verify {
            true => Some(deployment.clone()),
            false => reachable(ctx, &deployment, args.allow_http)?,
        };
        if let Some(at) = checked {
            // Plain http is refused before the token is sent, with the flag that allows it.
            crate::commands::parse_url_flag(at.as_str(), args.allow_http)?;
            verify_coder_token(ctx, &at, &secret, args.allow_http)
                .help("nothing was stored; pass `--no-verify` to store the token unchecked")?;
        }
    }
    let key = secrets::store_key(&deployment);
    let store: Box<dyn SecretStore> = if args.insecure_file {
        let file = FileStore::for_env(&ctx.env).ok_or_else(|| {
            error::failure(
                "cannot find a config folder for the credentials file",
                "set `XDG_CONFIG_HOME` or `HOME`",
            )
        })?;
        ctx.ui.warn(format!(
            "storing the {} in plain text in `{}`: anyone who can read that file can use it",
            args.kind.describe(),
            file.path().display()
        ));
        Box::new(file)
    } else {
        Box::new(secrets::system_store(&ctx.env))
    };
    // An unreadable store counts as empty here: `set` reports its own failure.
    let replaced = matches!(store.locate(args.kind, &key), Ok(Some(_)));
    let backend = store.set(args.kind, &key, &secret)?;
    let verb = if replaced {
        "replaced the stored"
    } else {
        "stored the"
    };
    ctx.ui.status(format!(
        "{verb} {} for `{key}` in {backend}",
        args.kind.describe()
    ));
    if let Some(var) = shadowing_var(ctx, args.kind) {
        ctx.ui.warn(format!(
            "`{var}` is set in this environment and wins over the stored {}; unset it to use the stored one",
            args.kind.describe()
        ));
    }
    Ok(())
}

/// Where to check a token without `--verify`: the deployment when it answers as Coder. One
/// that does not answer, or that only plain http would reach, is reported and skipped: the
/// token is stored unchecked.
fn reachable(
    ctx: &Context,
    deployment: &Deployment,
    allow_http: bool,
) -> anyhow::Result<Option<Deployment>> {
    if Deployment::parse(deployment.as_str(), allow_http).is_err() {
        ctx.ui.status(format!(
            "not checking the token: `{deployment}` is plain http (pass `--allow-http` to check it anyway)"
        ));
        return Ok(None);
    }
    let finding = probe::probe(&ctx.network(), deployment, PROBE_TIMEOUT)
        .help("nothing was stored; pass `--no-verify` to store the token unchecked")?;
    match finding {
        Finding::Coder { deployment, .. } => Ok(Some(deployment)),
        Finding::Unreachable { why, .. } => {
            ctx.ui.warn(format!(
                "`{deployment}` does not answer ({why}); storing the token unchecked (`--verify` refuses that)"
            ));
            Ok(None)
        }
    }
}

/// Asks the deployment whom `token` signs in as; an error when it refuses the token or cannot
/// be asked. Shared by `token set` and setup's `--store-token` and wizard.
pub fn verify_coder_token(
    ctx: &Context,
    deployment: &Deployment,
    token: &Secret,
    allow_http: bool,
) -> anyhow::Result<()> {
    let user = crate::coder::users::signed_in_as(
        &ctx.network(),
        deployment,
        token,
        allow_http,
        VERIFY_TIMEOUT,
    )?;
    ctx.ui.status(format!(
        "{deployment} accepts the token (signed in as {user})"
    ));
    Ok(())
}

/// The first variable that [`secrets::find`] would read before the store.
fn shadowing_var(ctx: &Context, kind: TokenKind) -> Option<&'static str> {
    kind.env_vars()
        .iter()
        .copied()
        .find(|var| ctx.env.var(var).is_some())
}

/// The token from stdin (when it is not a terminal, or with `force_stdin`), else from a hidden
/// prompt; checked for shape either way.
pub fn read_token(ctx: &Context, kind: TokenKind, force_stdin: bool) -> anyhow::Result<Secret> {
    let text = if force_stdin || !ctx.ui.stdin_is_terminal() {
        // A little more than the longest token with its surrounding whitespace: enough to tell
        // "too long" from "just right" without reading an endless stream.
        let limit = 2 * secrets::MAX_TOKEN_LEN as u64;
        let text = ctx
            .ui
            .read_stdin(limit + 1)
            .context("cannot read the token from stdin")?;
        if text.len() as u64 > limit {
            return Err(error::usage(
                format!(
                    "stdin holds more than {limit} bytes; a {} is at most {} bytes; nothing was stored",
                    kind.describe(),
                    secrets::MAX_TOKEN_LEN
                ),
                "pipe in exactly one token",
            ));
        }
        text
    } else if ctx.ui.interactive() {
        ctx.ui.password(
            &format!("{} (input is hidden)", kind.describe()),
            false,
            |text| {
                secrets::parse_token(kind, text)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            },
        )?
    } else {
        return Err(error::usage(
            format!("no {} on stdin and no terminal to ask", kind.describe()),
            format!(
                "pipe it in: `printenv {} | codexgw token set {}`",
                kind.env_vars()[0],
                kind.name()
            ),
        ));
    };
    secrets::parse_token(kind, &text)
}

fn print(
    ctx: &Context,
    args: &TokenPrintArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let (deployment, store) = target(ctx, &args.target, codex_home)?;
    let key = secrets::store_key(&deployment);
    let found = secrets::find(
        args.kind,
        &ctx.env,
        args.kind.env_vars(),
        Some(&store),
        &key,
    )
    .ok_or_else(|| {
        let set = format!("codexgw token set {} --url {deployment}", args.kind.name());
        // "Not stored" and "the keyring would not answer" need different fixes.
        match store.locate(args.kind, &key) {
            Err(cause) => error::failure(
                format!("no {} found for `{key}`: {cause:#}", args.kind.describe()),
                format!(
                    "store it in a plain-text file with `{set} --insecure-file`, or set `{}`",
                    args.kind.env_vars()[0]
                ),
            ),
            Ok(_) => error::failure(
                format!("no {} stored for `{key}`", args.kind.describe()),
                format!("store one with `{set}`"),
            ),
        }
    })?;
    // A newline only for a person: programs that read the token take stdout as it is.
    let newline = if ctx.ui.stdout_is_terminal() {
        "\n"
    } else {
        ""
    };
    let secret = secrets::usable(args.kind, found, &deployment)?;
    ctx.ui.out(format!("{}{newline}", secret.expose()))
}

fn status(
    ctx: &Context,
    args: &TargetArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let (deployment, store) = target(ctx, args, codex_home)?;
    let key = secrets::store_key(&deployment);
    // In centralized mode the `env_key` variable carries the Coder token, not an OpenAI key.
    let provider = configured_provider(ctx, codex_home, &args.provider_id, None)
        .ok()
        .filter(|p| secrets::store_key(&p.deployment) == key);
    let coder_vars = provider.as_ref().map_or_else(
        || TokenKind::Coder.env_vars().to_vec(),
        |p| p.coder_token_vars(),
    );
    let mut out = format!(
        "deployment: {deployment}\nkeyring: {}\n",
        store.primary.describe()
    );
    for kind in [TokenKind::Coder, TokenKind::Openai] {
        out.push_str(&format!("{}:\n", kind.describe()));
        let vars: Vec<&str> = match kind {
            TokenKind::Coder => coder_vars.clone(),
            TokenKind::Openai => kind
                .env_vars()
                .iter()
                .copied()
                .filter(|var| !coder_vars.contains(var))
                .collect(),
        };
        let found = secrets::find_all(kind, &ctx.env, &vars, Some(&store), &key);
        for (i, source) in found.iter().enumerate() {
            let role = if i == 0 { "used" } else { "also" };
            out.push_str(&format!(
                "  {role}: {} from {}\n",
                source.secret.redacted(),
                source.origin
            ));
        }
        if let Err(err) = store.locate(kind, &key) {
            out.push_str(&format!("  keyring unavailable: {err:#}\n"));
        }
        if found.is_empty() {
            out.push_str(&format!(
                "  none (store one with `codexgw token set {} --url {deployment}`)\n",
                kind.name()
            ));
        }
    }
    ctx.ui.out(out)
}

fn delete(
    ctx: &Context,
    args: &TokenPrintArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let (deployment, store) = target(ctx, &args.target, codex_home)?;
    let key = secrets::store_key(&deployment);
    if store.delete(args.kind, &key)? {
        ctx.ui
            .status(format!("deleted the {} for `{key}`", args.kind.describe()));
    } else {
        ctx.ui.status(format!(
            "no {} was stored for `{key}`; nothing deleted",
            args.kind.describe()
        ));
    }
    if let Some(var) = shadowing_var(ctx, args.kind) {
        ctx.ui
            .warn(format!("`{var}` is still set in this environment"));
    }
    Ok(())
}
