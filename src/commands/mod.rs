//! One file per subcommand: turn arguments into a plan, run it, print. Shared resolution of the
//! provider options lives here so `setup` and `show` render from the same spec.

use std::io::IsTerminal;
use std::time::Duration;

use crate::cli::{ProviderArgs, TokenSourceChoice};
use crate::coder::deployment::{Deployment, Route};
use crate::coder::probe::{self, Finding};
use crate::codex::home::CodexHome;
use crate::codex::launch::ConfiguredProvider;
use crate::codex::mode::{self, Mode, ProviderSpec, TokenSource};
use crate::environment::Environment;
use crate::error;

pub mod completions;
pub mod credentials;
pub mod doctor;
pub mod env;
pub mod exec;
pub mod man;
pub mod remove;
pub mod restore;
pub mod setup;
pub mod show;
pub mod template;
pub mod token;

/// What every command may know about the world it runs in.
pub struct Context {
    pub env: Environment,
    /// A person can answer prompts.
    pub interactive: bool,
    /// Colour on stderr.
    pub color: bool,
}

impl Context {
    pub fn from_process() -> Context {
        let env = Environment::from_process();
        let stderr_tty = std::io::stderr().is_terminal();
        Context {
            interactive: std::io::stdin().is_terminal() && stderr_tty,
            color: stderr_tty && !env.is_set("NO_COLOR"),
            env,
        }
    }

    pub fn codex_home(&self, flag: Option<&std::path::Path>) -> anyhow::Result<CodexHome> {
        CodexHome::resolve(
            flag,
            self.env.var("CODEX_HOME"),
            self.env.home_dir.as_deref(),
        )
    }

    /// Status lines go to stderr, so stdout stays data.
    pub fn status(&self, line: impl AsRef<str>) {
        eprintln!("{}", line.as_ref());
    }

    pub fn warn(&self, line: impl AsRef<str>) {
        let label = if self.color {
            "\x1b[33mwarning:\x1b[0m"
        } else {
            "warning:"
        };
        eprintln!("{label} {}", line.as_ref());
    }
}

/// A prompt's answer, or `what` went wrong. Ctrl-C at a prompt ends codexgw the way SIGINT
/// does, with the cursor shown again.
pub fn answer<T>(result: dialoguer::Result<T>, what: &'static str) -> anyhow::Result<T> {
    match result {
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            interrupted()
        }
        other => anyhow::Context::context(other, what),
    }
}

/// dialoguer hides the cursor while a menu is open and shows it again only when the prompt
/// returns; Ctrl-C ends the process in between, so without this the user's terminal is left
/// without a cursor. Exits with 130, as a shell expects after SIGINT.
pub fn interrupted() -> ! {
    eprintln!("\x1b[?25h");
    std::process::exit(130)
}

/// At a prompt that reads keys one by one, console sends itself SIGINT on Ctrl-C; this catches
/// it (and a SIGINT from elsewhere while a prompt is open) to give the cursor back.
pub fn catch_interrupt() {
    // Fails only when a handler is already set, which then owns the cleanup.
    let _ = ctrlc::set_handler(|| interrupted());
}

/// Shows the planned changes on stderr (coloured at a terminal) and asks whether to write them:
/// the one confirmation `setup`, `remove` and `restore` share.
pub fn confirm_changes(
    ctx: &Context,
    changes: &[crate::setup::plan::FileChange],
    prompt: &str,
    default: bool,
) -> anyhow::Result<bool> {
    let diff: String = changes.iter().map(crate::setup::diff::unified).collect();
    eprint!(
        "{}",
        if ctx.color {
            crate::setup::diff::colorize(&diff)
        } else {
            diff
        }
    );
    let reply = dialoguer::Confirm::with_theme(&dialoguer::theme::ColorfulTheme::default())
        .with_prompt(prompt)
        .default(default)
        .interact();
    answer(reply, "cannot read your answer")
}

/// A file as it is on disk now, for planning an edit of it.
pub fn read_state(path: std::path::PathBuf) -> anyhow::Result<crate::setup::plan::FileState> {
    let before = crate::files::read_optional(&path)?;
    Ok(crate::setup::plan::FileState { path, before })
}

/// How long setup and show wait for `/api/v2/buildinfo`.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub fn validate_provider_id(id: &str) -> anyhow::Result<()> {
    if id.trim().is_empty() {
        return Err(error::usage(
            "the provider id is empty",
            format!("pass `--provider-id {}`", mode::DEFAULT_PROVIDER_ID),
        ));
    }
    if mode::is_reserved_provider_id(id) {
        return Err(error::usage(
            format!(
                "`{id}` is one of Codex's built-in provider ids; Codex refuses to start when config.toml redefines it"
            ),
            format!(
                "pick another id, e.g. `--provider-id {}`",
                mode::DEFAULT_PROVIDER_ID
            ),
        ));
    }
    Ok(())
}

/// How the route was chosen, for telling the user.
pub enum RouteReason {
    Flag,
    PastedUrl,
    Version(String),
    Offline,
    Unreachable(String),
}

/// Where `setup` and `show` point Codex, resolved one way for both.
pub struct Target {
    pub deployment: Deployment,
    pub route: Route,
    pub reason: RouteReason,
}

/// Resolves the URL: unless `--offline`, the deployment is asked for its version. An address
/// that answers but not as Coder is refused; a page of Coder's web UI becomes the deployment
/// root it proves; one that does not answer is used with a warning, or refused with `--strict`.
/// The route is `--route`, else the pasted URL's, else the one the version serves.
pub fn resolve_target(ctx: &Context, args: &ProviderArgs, url: &str) -> anyhow::Result<Target> {
    let parsed = Deployment::parse(url, args.allow_http)?;
    let chosen = args
        .route
        .fixed()
        .map(|route| (route, RouteReason::Flag))
        .or_else(|| parsed.route.map(|route| (route, RouteReason::PastedUrl)));
    if args.offline {
        let (route, reason) = chosen.unwrap_or((Route::Aibridge, RouteReason::Offline));
        return Ok(Target {
            deployment: parsed.deployment,
            route,
            reason,
        });
    }
    match probe::probe(&parsed.deployment, PROBE_TIMEOUT)? {
        Finding::Coder {
            deployment,
            version,
            page,
        } => {
            if let Some(page) = page {
                ctx.status(format!(
                    "`{page}` is a page of Coder's web UI; using the deployment root `{deployment}`"
                ));
            }
            let (route, reason) = chosen.unwrap_or_else(|| {
                (
                    Route::for_version(&version),
                    RouteReason::Version(version.raw),
                )
            });
            Ok(Target {
                deployment,
                route,
                reason,
            })
        }
        Finding::Unreachable { why } => {
            let why = flat(&why);
            if args.strict {
                return Err(error::failure(
                    format!("`{}` does not answer: {why}", parsed.deployment),
                    "check the address and the network (VPN, proxy), or leave out `--strict` to write it unchecked",
                ));
            }
            ctx.warn(format!(
                "`{}` does not answer ({why}); using it unchecked: run `codexgw doctor` once it is reachable",
                parsed.deployment
            ));
            let (route, reason) =
                chosen.unwrap_or((Route::Aibridge, RouteReason::Unreachable(why)));
            Ok(Target {
                deployment: parsed.deployment,
                route,
                reason,
            })
        }
    }
}

/// One level of parentheses: `cannot connect (refused (os error 111))` reads
/// `cannot connect: refused: os error 111`, so it can sit inside a sentence's own.
fn flat(text: &str) -> String {
    text.replace(" (", ": ").replace(['(', ')'], "")
}

impl RouteReason {
    pub fn describe(&self, route: Route) -> String {
        let route = route.name();
        let any_version =
            format!("route `{route}`, which every Coder version with the gateway serves");
        match self {
            RouteReason::Flag => format!("route `{route}` (from --route)"),
            RouteReason::PastedUrl => format!("route `{route}` (from the pasted URL)"),
            RouteReason::Version(v) => format!("route `{route}` (the deployment runs Coder {v})"),
            RouteReason::Offline => {
                format!("{any_version} (--offline: the deployment was not asked)")
            }
            RouteReason::Unreachable(why) => {
                format!("{any_version} (the deployment did not answer: {why})")
            }
        }
    }
}

/// Builds the spec from already-resolved values.
pub fn provider_spec(
    args: &ProviderArgs,
    mode: Mode,
    deployment: Deployment,
    route: Route,
) -> anyhow::Result<ProviderSpec> {
    validate_provider_id(&args.provider_id)?;
    if let Some(var) = &args.env_key {
        if mode != Mode::Centralized || args.token_source == TokenSourceChoice::Command {
            return Err(error::usage(
                format!(
                    "`--env-key` works with `--mode centralized --token-source env` only, not {mode}{}",
                    if mode == Mode::Centralized {
                        " with `--token-source command`"
                    } else {
                        " mode"
                    }
                ),
                "drop `--env-key`: in this mode Codex does not read the Coder token from a variable named in config.toml",
            ));
        }
        crate::codex::launch::validate_var_name(var).map_err(|why| {
            error::usage(
                format!("`--env-key` {why}"),
                format!(
                    "pass the name of the variable that holds the token, e.g. `--env-key {}`",
                    mode::DEFAULT_ENV_KEY
                ),
            )
        })?;
    }
    let token_source = match (args.token_source, mode) {
        (TokenSourceChoice::Env, _) => TokenSource::Env(
            args.env_key
                .clone()
                .unwrap_or_else(|| mode::DEFAULT_ENV_KEY.to_string()),
        ),
        (TokenSourceChoice::Command, Mode::Centralized) => token_print_command(&deployment)?,
        (TokenSourceChoice::Command, _) => {
            return Err(error::usage(
                format!("`--token-source command` works in centralized mode only, not {mode}"),
                "drop `--token-source`: in this mode Codex reads the Coder token from `CODER_API_TOKEN` (`codexgw exec -- codex` sets it from the keyring)",
            ));
        }
    };
    Ok(ProviderSpec {
        id: args.provider_id.clone(),
        mode,
        deployment,
        route,
        token_source,
    })
}

/// Command-backed auth: Codex runs this very binary, by absolute path (Codex's PATH may not
/// have it). The deployment is passed along so the lookup needs no config file: it works the
/// same from a profile file, under any provider id, and costs no parsing on each request.
fn token_print_command(deployment: &Deployment) -> anyhow::Result<TokenSource> {
    let exe = std::env::current_exe().map_err(|e| {
        error::failure(
            format!("cannot tell where the codexgw program is: {e}"),
            "use `--token-source env` instead",
        )
    })?;
    let program = exe.to_str().ok_or_else(|| {
        error::failure(
            format!(
                "the path `{}` is not UTF-8, so config.toml cannot hold it",
                exe.display()
            ),
            "install codexgw under a UTF-8 path, or use `--token-source env`",
        )
    })?;
    Ok(TokenSource::Command {
        program: program.to_string(),
        args: crate::secrets::token_print_args(deployment),
    })
}

/// The provider `id` as config.toml defines it (for `token`, `env` and `exec`).
pub fn configured_provider(
    ctx: &Context,
    codex_home: Option<&std::path::Path>,
    id: &str,
) -> anyhow::Result<ConfiguredProvider> {
    let path = ctx.codex_home(codex_home)?.config_path();
    let text = crate::files::read_optional(&path)?.ok_or_else(|| {
        error::failure(
            format!("`{}` does not exist", path.display()),
            "run `codexgw setup` first (or pass `--codex-home DIR`)",
        )
    })?;
    // Codex reads a file with a byte-order mark; so does setup's editor.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let config = crate::codex::inspect::Inspected::parse(text).map_err(|e| {
        // The same TOML parser: this words the error as every command that reads the file does.
        crate::codex::document::ConfigDocument::parse_file(text, &path)
            .err()
            .unwrap_or_else(|| anyhow::Error::new(e))
    })?;
    crate::codex::launch::configured_provider(&config, id, &path)
}
