//! One thin file per subcommand: arguments → request → operation → [`Ui`]. What they share
//! lives here: the context, the confirmation rule as commands apply it, and the provider
//! flags turned into a spec (so `setup` and `show` render from the same one).

use crate::cli::{ProviderArgs, TokenSourceChoice};
use crate::coder::deployment::{Deployment, ParsedUrl, Route, StandaloneGateway};
use crate::codex::home::CodexHome;
use crate::codex::launch::ConfiguredProvider;
use crate::codex::mode::{self, Mode, ProviderSpec, TokenSource, Websockets};
use crate::environment::Environment;
use crate::error::{self, ExitKind, Help as _};
use crate::setup::apply::Step;
use crate::setup::plan::FileChange;
use crate::setup::request::{self, Target};
use crate::ui::{Consent, Ui};

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

/// What every command may know about the world it runs in, and the one way it talks to it.
pub struct Context {
    pub env: Environment,
    pub ui: Ui,
}

impl Context {
    pub fn from_process() -> Context {
        let env = Environment::from_process();
        Context {
            ui: Ui::from_process(&env),
            env,
        }
    }

    /// The HTTP client every command uses: trusts and routes like Codex in this environment.
    pub fn network(&self) -> crate::net::Network {
        crate::net::Network::from_env(&self.env)
    }

    pub fn codex_home(&self, flag: Option<&std::path::Path>) -> anyhow::Result<CodexHome> {
        CodexHome::resolve(
            flag,
            self.env.var("CODEX_HOME"),
            self.env.home_dir.as_deref(),
        )
        .help("or pass `--codex-home DIR` to use another existing folder")
    }
}

/// The diff of `changes`, for stdout (`--dry-run`) or the confirmation.
pub fn diff_of(changes: &[FileChange]) -> String {
    changes.iter().map(crate::setup::diff::unified).collect()
}

/// The one confirmation rule ([`Ui::consent`]) as every writing command applies it: without
/// `--yes` and without a terminal nothing is written and the command exits 2; declining
/// writes nothing and exits 1. `command` is how to run it again; `dry_run`: it has
/// `--dry-run`.
pub fn require_consent(
    ctx: &Context,
    changes: &[FileChange],
    prompt: &str,
    default: bool,
    yes: bool,
    (command, dry_run): (&str, bool),
) -> anyhow::Result<()> {
    match ctx.ui.consent(&diff_of(changes), prompt, default, yes)? {
        Consent::Given => Ok(()),
        Consent::NoTerminal => {
            let err = error::usage(
                format!(
                    "`{command}` changes your files and there is no terminal to confirm; nothing written"
                ),
                "pass `--yes` to write without asking",
            );
            Err(if dry_run {
                error::add_help(
                    err,
                    format!("see the change first with `{command} --dry-run`"),
                )
            } else {
                err
            })
        }
        Consent::Declined => Err(error::of_kind(ExitKind::Declined, "nothing written"))
            .help(format!("run `{command}` again when ready")),
    }
}

/// Tells what [`crate::setup::apply::apply_changes`] did, as it does it.
pub fn apply(
    ctx: &Context,
    home: &CodexHome,
    changes: &[FileChange],
    backup: bool,
) -> anyhow::Result<()> {
    crate::setup::apply::apply_changes(home, changes, backup, &mut |step| match step {
        Step::BackedUp(path) => ctx
            .ui
            .status(format!("backed up the old file to `{}`", path.display())),
        Step::Wrote(path) => ctx.ui.status(format!("wrote `{}`", path.display())),
    })
}

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
        gateway: args
            .gateway_url
            .as_deref()
            .map(|url| parse_gateway_flag(url, args.allow_http))
            .transpose()?,
        token_source,
        websockets: args.websockets.fixed().unwrap_or(Websockets::Leave),
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

/// `--url` as a deployment; `allow_http` is `--allow-http`. Adds the hint that names the flag
/// when plain http is all that is wrong.
pub fn parse_url_flag(url: &str, allow_http: bool) -> anyhow::Result<ParsedUrl> {
    Deployment::parse(url, allow_http).map_err(|err| {
        if !allow_http && Deployment::parse(url, true).is_ok() {
            error::add_help(err, "or pass `--allow-http` if this network is trusted")
        } else {
            err
        }
    })
}

/// The deployment and route for `setup` and `show`, resolved one way for both, with what the
/// user must hear about it: the root found below a pasted page, or a deployment that did not
/// answer (an error with `--strict`).
pub fn resolve_target(ctx: &Context, args: &ProviderArgs, url: &str) -> anyhow::Result<Target> {
    let parsed = parse_url_flag(url, args.allow_http)?;
    let shown = parsed.deployment.to_string();
    let network = ctx.network();
    let network = (!args.offline).then_some(&network);
    let target = request::resolve_target(parsed, args.route.fixed(), network)
        .map_err(|err| error::add_help(err, "or pass `--offline` to use it without asking"))?;
    if let Some(page) = &target.page {
        ctx.ui.status(format!(
            "`{page}` is a page of Coder's web UI; using the deployment root `{}`",
            target.deployment
        ));
    }
    if let Some((why, fix)) = &target.unreachable {
        if args.strict {
            return Err(error::add_help(
                error::failure(format!("`{shown}` does not answer: {why}"), fix),
                "or leave out `--strict` to use it unchecked",
            ));
        }
        ctx.ui.warn(format!(
            "`{shown}` does not answer ({why}); using it unchecked: {fix}, and run `codexgw doctor` once it is reachable"
        ));
    }
    Ok(target)
}

/// How long setup and show wait for each question they ask the deployment or the gateway
/// before writing (the provider list, the WebSocket relay).
pub const ASK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// The user's Coder token for the spec's deployment, found the way `codexgw exec` will find it
/// (variables, the centralized `env_key` first, then the keyring, then the `coder` CLI's
/// login), for the questions setup asks first. An OpenAI key in a variable is not one.
pub fn find_coder_token(ctx: &Context, spec: &ProviderSpec) -> Option<crate::secrets::Secret> {
    use crate::secrets;
    let env_key = match (spec.mode, &spec.token_source) {
        (Mode::Centralized, TokenSource::Env(var)) => Some(var.as_str()),
        _ => None,
    };
    let store = secrets::system_store(&ctx.env);
    secrets::find(
        secrets::TokenKind::Coder,
        &ctx.env,
        &secrets::coder_token_vars(env_key),
        Some(&store),
        &secrets::store_key(&spec.deployment),
    )
    .map(|found| found.secret)
    .filter(|token| !secrets::looks_like_openai_key(token.expose()))
}

/// Sets `spec.websockets` for `setup` and `show` and returns the status line that says what and
/// why (printed once the files are read, so a file error comes first): `--websockets on|off` as given;
/// `auto` asks the gateway's relay with the Coder token as Codex will send it (`token`, else
/// [`find_coder_token`]), and leaves the key alone when it cannot tell. `asked`: the deployment
/// answered setup's check (not `--offline`, not unreachable).
pub fn choose_websockets(
    ctx: &Context,
    args: &ProviderArgs,
    spec: &mut ProviderSpec,
    asked: bool,
    token: Option<&crate::secrets::Secret>,
) -> String {
    use crate::coder::api::{self, Relay};
    use crate::setup::websockets;
    let (choice, line) = match args.websockets.fixed() {
        Some(fixed) => (fixed, websockets::chosen(fixed)),
        None if args.offline => websockets::matching(&Relay::Unknown("`--offline`".into())),
        None if !asked => {
            websockets::matching(&Relay::Unknown("the deployment did not answer".into()))
        }
        None => {
            let found = token.is_none().then(|| find_coder_token(ctx, spec));
            let relay = match token.or(found.flatten().as_ref()) {
                None => Relay::Unknown(format!(
                    "no Coder token to ask with: set `{}` or run `codexgw token set coder`",
                    mode::CODER_TOKEN_VAR
                )),
                Some(token) => {
                    let token = token.expose();
                    let bearer = (spec.mode == Mode::Centralized).then_some(token);
                    let credentials = spec.mode.gateway_headers(Some(token), bearer);
                    api::relay_at(&ctx.network(), &spec.base_url(), &credentials, ASK_TIMEOUT)
                }
            };
            websockets::matching(&relay)
        }
    };
    spec.websockets = choice;
    line
}

/// `--gateway-url` read as a standalone gateway, with the flag's hint for plain http.
pub fn parse_gateway_flag(url: &str, allow_http: bool) -> anyhow::Result<StandaloneGateway> {
    StandaloneGateway::parse(url, allow_http).map_err(|err| {
        if !allow_http && StandaloneGateway::parse(url, true).is_ok() {
            error::add_help(err, "or pass `--allow-http` if this network is trusted")
        } else {
            err
        }
    })
}

/// The provider `id` as config.toml defines it (for `token`, `env` and `exec`). `url`: the
/// command's `--url`, the deployment whose tokens to use instead of the one config.toml names.
/// A standalone gateway's table that names none takes `$CODER_URL` or the `coder` CLI's
/// login, as doctor does.
pub fn configured_provider(
    ctx: &Context,
    codex_home: Option<&std::path::Path>,
    id: &str,
    url: Option<&str>,
) -> anyhow::Result<ConfiguredProvider> {
    let path = ctx.codex_home(codex_home)?.config_path();
    // Only the store key (host, port, path) comes from it, so plain http is no risk here.
    let given = url
        .map(|url| Deployment::parse(url, true).map(|p| p.deployment))
        .transpose()?;
    let elsewhere = given.clone().or_else(|| {
        crate::coder::detect::deployment_urls(&ctx.env)
            .iter()
            .find_map(|found| Deployment::parse(&found.url, true).ok())
            .map(|p| p.deployment)
    });
    let mut provider =
        crate::codex::launch::read_configured_provider(&path, id, elsewhere.as_ref())?.ok_or_else(
            || {
                error::failure(
                    format!("`{}` does not exist", path.display()),
                    "run `codexgw setup` first (or pass `--codex-home DIR`)",
                )
            },
        )?;
    if let Some(given) = given {
        provider.deployment = given;
    }
    Ok(provider)
}

/// The commands run through a scripted Ui: the confirmation rule, the same for the three
/// commands that write, with a terminal (answers yes / no) and without one; the wizard; hints.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use crate::error::{ExitKind, exit_kind};
    use crate::ui::{Answer, Captured};
    use clap::Parser as _;

    const URL: &str = "https://coder.example.com";
    const ORIGINAL: &str = "model = \"o3\"\n";

    fn context(interactive: bool, answers: Vec<Answer>) -> (Context, Captured) {
        let (ui, captured) = Ui::scripted(interactive, answers);
        // A token in the environment: setup finds it there and offers no keyring prompt.
        let env = Environment::new([(
            "CODER_API_TOKEN".to_string(),
            "coder-token-0123456789".to_string(),
        )]);
        (Context { env, ui }, captured)
    }

    /// Runs `codexgw ARGS` against `dir` as CODEX_HOME.
    fn run(ctx: &Context, dir: &std::path::Path, args: &[&str]) -> anyhow::Result<()> {
        let cli =
            Cli::try_parse_from(std::iter::once("codexgw").chain(args.iter().copied())).unwrap();
        match &cli.command {
            Command::Setup(a) => setup::run(ctx, a, Some(dir)),
            Command::Remove(a) => remove::run(ctx, a, Some(dir)),
            Command::Restore(a) => restore::run(ctx, a, Some(dir)),
            _ => unreachable!(),
        }
    }

    const SETUP: [&str; 7] = [
        "setup",
        "--offline",
        "--mode",
        "centralized",
        "--url",
        URL,
        "--no-backup",
    ];

    /// Puts the home in the state each command changes: configured (with a backup of the
    /// original) for `remove` and `restore`, the original for `setup`.
    fn home_for(command: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, ORIGINAL).unwrap();
        if command != "setup" {
            let (ctx, _) = context(false, vec![]);
            // With the backup `restore latest` puts back.
            let setup: Vec<&str> = SETUP[..6].iter().copied().chain(["--yes"]).collect();
            run(&ctx, dir.path(), &setup).unwrap();
        }
        (dir, config)
    }

    fn args(command: &str) -> Vec<&'static str> {
        match command {
            "setup" => SETUP.to_vec(),
            "remove" => vec!["remove"],
            _ => vec!["restore", "latest"],
        }
    }

    #[test]
    fn without_a_terminal_nothing_is_written_without_yes_and_everything_with_it() {
        for command in ["setup", "remove", "restore"] {
            let (dir, config) = home_for(command);
            let before = std::fs::read_to_string(&config).unwrap();
            let (ctx, captured) = context(false, vec![]);
            let err = run(&ctx, dir.path(), &args(command)).unwrap_err();
            assert_eq!(exit_kind(&err), ExitKind::Usage, "{command}");
            let text = error::render(&err);
            assert!(
                text.contains("there is no terminal to confirm"),
                "{command}: {text}"
            );
            assert!(text.contains("help: pass `--yes`"), "{command}: {text}");
            assert_eq!(
                std::fs::read_to_string(&config).unwrap(),
                before,
                "{command}"
            );
            assert!(
                !captured.stderr().contains("? "),
                "{command}: nobody is asked"
            );

            let (ctx, _) = context(false, vec![]);
            let mut yes = args(command);
            yes.push("--yes");
            run(&ctx, dir.path(), &yes).unwrap();
            assert_ne!(
                std::fs::read_to_string(&config).unwrap(),
                before,
                "{command}"
            );
        }
    }

    #[test]
    fn at_a_terminal_the_diff_is_shown_and_no_declines_with_exit_1() {
        for command in ["setup", "remove", "restore"] {
            let (dir, config) = home_for(command);
            let before = std::fs::read_to_string(&config).unwrap();
            let (ctx, captured) = context(true, vec![Answer::No]);
            let err = run(&ctx, dir.path(), &args(command)).unwrap_err();
            assert_eq!(exit_kind(&err), ExitKind::Declined, "{command}");
            assert_eq!(exit_kind(&err).code(), 1);
            assert!(
                error::render(&err).starts_with("nothing written\n"),
                "{command}"
            );
            assert_eq!(
                std::fs::read_to_string(&config).unwrap(),
                before,
                "{command}"
            );
            let shown = captured.stderr();
            assert!(
                shown.contains("--- ") && shown.contains("+++ "),
                "{command}: {shown}"
            );

            let (ctx, _) = context(true, vec![Answer::Yes]);
            run(&ctx, dir.path(), &args(command)).unwrap();
            assert_ne!(
                std::fs::read_to_string(&config).unwrap(),
                before,
                "{command}"
            );
        }
    }

    #[test]
    fn a_dry_run_prints_the_diff_on_stdout_and_asks_nothing() {
        let (dir, config) = home_for("setup");
        let (ctx, captured) = context(true, vec![]);
        let mut dry = SETUP.to_vec();
        dry.push("--dry-run");
        run(&ctx, dir.path(), &dry).unwrap();
        assert!(
            captured
                .stdout()
                .contains("+model_provider = \"ai_gateway\"")
        );
        assert_eq!(std::fs::read_to_string(config).unwrap(), ORIGINAL);
    }

    #[test]
    fn only_a_url_refused_for_plain_http_alone_gets_the_allow_http_hint() {
        let hints = |url: &str| {
            let err = parse_url_flag(url, false).unwrap_err();
            error::find_user_error(&err).unwrap().hints.clone()
        };
        assert_eq!(
            hints("http://coder.internal"),
            [
                "use the https address",
                "or pass `--allow-http` if this network is trusted"
            ]
        );
        assert_eq!(hints("ftp://coder.internal").len(), 1);
        assert!(parse_url_flag("http://coder.internal", true).is_ok());
    }

    /// The wizard, without a pseudo-terminal: the mode menu, the URL prompt (refusing plain
    /// http as setup would), then the confirmation.
    #[test]
    fn the_wizard_asks_mode_url_and_confirmation_in_order() {
        let (dir, config) = home_for("setup");
        let answers = vec![
            Answer::Choice(0),
            Answer::Text("http://typed.example.com".into()),
        ];
        let (ctx, _) = context(true, answers);
        let err = run(&ctx, dir.path(), &["setup", "--offline"]).unwrap_err();
        assert!(err.to_string().contains("plain http"), "{err}");

        let answers = vec![
            Answer::Choice(0),
            Answer::Text("https://typed.example.com".into()),
            Answer::Yes,
        ];
        let (ctx, captured) = context(true, answers);
        run(&ctx, dir.path(), &["setup", "--offline"]).unwrap();
        let stderr = captured.stderr();
        let asked: Vec<&str> = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("? "))
            .collect();
        assert_eq!(
            asked,
            [
                "How should Codex pay for the model?",
                "Coder deployment URL",
                "Write these changes?"
            ]
        );
        let written = std::fs::read_to_string(config).unwrap();
        assert!(
            written.contains("https://typed.example.com/api/v2/aibridge/openai/v1"),
            "{written}"
        );
        // The first menu item is centralized mode: the Coder token travels as `env_key`.
        assert_eq!(Mode::ALL[0], Mode::Centralized);
        assert!(
            written.contains("env_key = \"OPENAI_API_KEY\""),
            "{written}"
        );
    }
}
