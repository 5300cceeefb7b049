//! `codexgw token set|print|status|delete`: the Coder token and the OpenAI key in the OS
//! keyring, keyed by deployment (`secrets::store_key`). `print` is on Codex's request path
//! (command-backed auth): no prompt, no network, and no work beyond finding the deployment and
//! one lookup.

use std::io::{IsTerminal, Read, Write};
use std::time::Duration;

use anyhow::Context as _;

use crate::cli::{TargetArgs, TokenArgs, TokenCommand, TokenPrintArgs, TokenSetArgs};
use crate::coder::deployment::Deployment;
use crate::commands::{Context, answer, configured_provider};
use crate::error;
use crate::secrets::{self, FileStore, Secret, SecretStore, SystemStore, TokenKind};

/// How long `--verify` waits for the deployment.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(10);

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
        None => configured_provider(ctx, codex_home, &target.provider_id)
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
    if args.verify {
        let user = verify_coder_token(&deployment, &secret, args.allow_http)?;
        ctx.status(format!(
            "{deployment} accepts the token (signed in as {user})"
        ));
    }
    let key = secrets::store_key(&deployment);
    let store: Box<dyn SecretStore> = if args.insecure_file {
        let file = FileStore::for_env(&ctx.env).ok_or_else(|| {
            error::failure(
                "cannot find a config folder for the credentials file",
                "set `XDG_CONFIG_HOME` or `HOME`",
            )
        })?;
        ctx.warn(format!(
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
    ctx.status(format!(
        "{verb} {} for `{key}` in {backend}",
        args.kind.describe()
    ));
    if let Some(var) = shadowing_var(ctx, args.kind) {
        ctx.warn(format!(
            "`{var}` is set in this environment and wins over the stored {}; unset it to use the stored one",
            args.kind.describe()
        ));
    }
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
    let text = if force_stdin || !std::io::stdin().is_terminal() {
        let mut text = String::new();
        std::io::stdin()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .context("cannot read the token from stdin")?;
        text
    } else if ctx.interactive {
        answer(
            dialoguer::Password::new()
                .with_prompt(format!("{} (input is hidden)", kind.describe()))
                .interact(),
            "cannot read the token",
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

/// `GET /api/v2/users/me` with the token: the user name, or why the deployment refused it.
pub fn verify_coder_token(
    deployment: &Deployment,
    token: &Secret,
    allow_http: bool,
) -> anyhow::Result<String> {
    // The token must not travel in plain text to a host that is not loopback.
    Deployment::parse(deployment.as_str(), allow_http)?;
    let url = deployment.join("api/v2/users/me");
    let answer = crate::coder::http::get(
        &url,
        &[("Coder-Session-Token", token.expose())],
        VERIFY_TIMEOUT,
    )
    .map_err(|why| {
        error::failure(
            format!("cannot reach `{url}` to check the token: {why}"),
            "check the URL and your network, or store the token without `--verify`",
        )
    })?;
    match answer.status {
        200 => Ok(serde_json::from_str::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("username")?.as_str().map(str::to_string))
            .unwrap_or_else(|| "an unnamed user".into())),
        401 => Err(error::failure(
            format!("{deployment} rejected the token: {}", answer.message()),
            "create a new one with `coder tokens create` and try again; nothing was stored",
        )),
        status => Err(error::failure(
            format!("`{url}` answered HTTP {status}: {}", answer.message()),
            "check that the URL is your Coder deployment; nothing was stored",
        )),
    }
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
    let mut stdout = std::io::stdout().lock();
    // A newline only for a person: programs that read the token take stdout as it is.
    let newline = if stdout.is_terminal() { "\n" } else { "" };
    write!(stdout, "{}{newline}", found.secret.expose())
        .and_then(|()| stdout.flush())
        .context("cannot write the token to stdout")
}

fn status(
    ctx: &Context,
    args: &TargetArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let (deployment, store) = target(ctx, args, codex_home)?;
    let key = secrets::store_key(&deployment);
    // In centralized mode the `env_key` variable carries the Coder token, not an OpenAI key.
    let provider = configured_provider(ctx, codex_home, &args.provider_id)
        .ok()
        .filter(|p| secrets::store_key(&p.deployment) == key);
    let coder_vars = provider.as_ref().map_or_else(
        || TokenKind::Coder.env_vars().to_vec(),
        |p| p.coder_token_vars(),
    );
    println!("deployment: {deployment}");
    println!("keyring: {}", store.primary.describe());
    for kind in [TokenKind::Coder, TokenKind::Openai] {
        println!("{}:", kind.describe());
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
            println!(
                "  {role}: {} from {}",
                source.secret.redacted(),
                source.origin
            );
        }
        if let Err(err) = store.locate(kind, &key) {
            println!("  keyring unavailable: {err:#}");
        }
        if found.is_empty() {
            println!(
                "  none (store one with `codexgw token set {} --url {deployment}`)",
                kind.name()
            );
        }
    }
    Ok(())
}

fn delete(
    ctx: &Context,
    args: &TokenPrintArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let (deployment, store) = target(ctx, &args.target, codex_home)?;
    let key = secrets::store_key(&deployment);
    if store.delete(args.kind, &key)? {
        ctx.status(format!("deleted the {} for `{key}`", args.kind.describe()));
    } else {
        ctx.status(format!(
            "no {} was stored for `{key}`; nothing deleted",
            args.kind.describe()
        ));
    }
    if let Some(var) = shadowing_var(ctx, args.kind) {
        ctx.warn(format!("`{var}` is still set in this environment"));
    }
    Ok(())
}
