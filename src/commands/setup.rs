//! `codexgw setup`: flags, detection or the wizard → a spec; plan the edit; show it; ask; write
//! it; then credentials and the next steps.

use crate::cli::SetupArgs;
use crate::coder::api::{self, ChatgptProvider};
use crate::coder::deployment::Deployment;
use crate::coder::detect;
use std::time::Duration;

use crate::codex::home::{CodexHome, validate_profile_name};
use crate::codex::installed::{INSTALL_HINT, Refusal};
use crate::codex::launch::read_configured_provider;
use crate::codex::mode::{Mode, ProviderSpec};
use crate::commands::credentials;
use crate::commands::{
    ASK_TIMEOUT, Context, apply, choose_websockets, diff_of, find_coder_token, provider_spec,
    require_consent, resolve_target,
};
use crate::error;
use crate::files::State;
use crate::net::Network;
use crate::setup::apply::{read_state, remember_undo};
use crate::setup::codex_verdict::{self, CodexSays, Planned};
use crate::setup::migrate::legacy_profile_name;
use crate::setup::next::{Done, next_steps};
use crate::setup::plan::{
    FileChange, ParsedFile, file_name, plan_setup_migrating, unowned_problems,
};
use crate::setup::request::Target;
use crate::setup::undo;

pub fn run(
    ctx: &Context,
    args: &SetupArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let home = ctx.codex_home(codex_home)?;
    if ctx.ui.interactive() && !args.yes {
        ctx.ui.catch_interrupt();
    }
    if let Some(profile) = &args.profile {
        validate_profile_name(profile)?;
    }
    let (mode, url) = resolve_inputs(ctx, args, &home)?;
    let Target {
        deployment,
        route,
        reason,
        unreachable,
        ..
    } = resolve_target(ctx, &args.provider, &url)?;
    // A token to store is checked where the deployment answered.
    let verify_at = (!args.provider.offline && unreachable.is_none() && !args.no_verify)
        .then(|| deployment.clone());
    let verify_at = verify_at.as_ref();
    let mut spec = provider_spec(&args.provider, mode, deployment, route)?;
    let asked = !args.provider.offline && unreachable.is_none();
    if mode == Mode::Chatgpt && asked {
        warn_without_chatgpt_provider(ctx, &ctx.network(), &spec);
    }
    // Read (and checked) before anything is planned: a missing token must not leave a
    // half-done setup behind, and the WebSocket relay is asked with it.
    let token = if args.dry_run {
        None
    } else {
        credentials::token_to_store(ctx, args, verify_at)?
    };
    let websockets = choose_websockets(ctx, &args.provider, &mut spec, asked, token.as_ref());
    // Where Codex's requests go, for the status lines.
    let target = match &spec.gateway {
        Some(gateway) => format!("the standalone gateway at {gateway}"),
        None => reason.describe(route),
    };

    // Parallel runs take turns from the read to the write (a dry run writes nothing).
    let _lock = (!args.dry_run)
        .then(|| crate::files::lock(&home.backups_dir()))
        .transpose()?;
    let config = ParsedFile::parse(read_state(home.config_path())?)?;
    let profile = args
        .profile
        .as_ref()
        .map(|name| read_state(home.profile_path(name)))
        .transpose()?;
    let state = State::load(&home.backups_dir())?;
    let replaced = undo::check_ownership(&config, &spec.id, &state.undo, args.replace)?;
    // A legacy profile other than `--profile` moves into its own file, so setup reads that too.
    let legacy = legacy_profile_name(&config.doc, args.profile.as_deref())
        .filter(|name| Some(name) != args.profile.as_ref() && validate_profile_name(name).is_ok())
        .map(|name| read_state(home.profile_path(&name)))
        .transpose()?;
    let mut plan = plan_setup_migrating(&spec, config, profile, legacy)?;
    for note in &plan.migration.notes {
        ctx.ui.status(format!("migrating: {note}"));
    }
    for warning in &plan.migration.warnings {
        ctx.ui.warn(warning);
    }
    ctx.ui.status(websockets);
    // The process ends soon: leaving a large file's tree to the exit is cheaper than freeing it.
    std::mem::forget(std::mem::take(&mut plan.documents));
    // The installed Codex judges the files as setup would leave them, before anything is
    // written; a blocker setup does not own is named and fails the run after the write.
    let judge = || judge_with_codex(ctx, args, &home, &plan.changes);
    let print_next = |done: &Done, codex_refuses: bool| {
        let next = next_steps(
            &spec,
            args.profile.as_deref(),
            done,
            codex_refuses,
            &ctx.env,
        );
        for warning in &next.warnings {
            ctx.ui.warn(warning);
        }
        ctx.ui.status("next:");
        for step in &next.steps {
            ctx.ui.status(format!("  {step}"));
        }
    };

    if plan.changes.is_empty() {
        ctx.ui.status(format!(
            "already configured: `{}` sends Codex to {} ({} mode); nothing written",
            home.config_path().display(),
            spec.base_url(),
            spec.mode
        ));
        let blocker = judge()?;
        if args.dry_run {
            return blocker.map_or(Ok(()), Err);
        }
        credentials::store_token(ctx, &spec, token)?;
        let done = credentials::after_setup(ctx, args, &spec, &home, verify_at)?;
        print_next(&done, blocker.is_some());
        return blocker.map_or(Ok(()), Err);
    }
    let mut codex_refuses = false;
    for change in &plan.changes {
        let unowned = unowned_problems(change, plan.misplaced_in(&change.path));
        for warning in &unowned.warnings {
            ctx.ui.warn(warning);
        }
        codex_refuses |= unowned.codex_refuses;
    }
    if args.dry_run {
        let blocker = judge()?;
        ctx.ui.out(diff_of(&plan.changes))?;
        ctx.ui.status(format!(
            "dry run: {} ({target}); nothing written",
            spec.base_url(),
        ));
        return blocker.map_or(Ok(()), Err);
    }
    let blocker = judge()?;
    codex_refuses |= blocker.is_some();
    require_consent(
        ctx,
        &plan.changes,
        "Write these changes?",
        true,
        args.yes,
        ("codexgw setup", true),
    )?;
    // Stored first: a keyring that fails or hangs must not leave config.toml half set up.
    credentials::store_token(ctx, &spec, token)?;
    apply(ctx, &home, &plan.changes, !args.no_backup)?;
    remember_undo(
        &home,
        state,
        &spec.id,
        &plan.changes_to_undo(&home.config_path()),
        replaced,
    )?;
    if replaced {
        ctx.ui.status(format!(
            "took over the provider `{}`; `codexgw remove` gives the earlier table back",
            spec.id
        ));
    }
    ctx.ui.status(&target);
    // Every answer typed from here on is checked at its prompt and asked again, so what can
    // still fail is a failure (exit 1), never a usage error: scripts read 2 as "nothing
    // happened".
    let done = credentials::after_setup(ctx, args, &spec, &home, verify_at)?;
    print_next(&done, codex_refuses);
    blocker.map_or(Ok(()), Err)
}

/// How long Codex may take to load the planned files.
const CODEX_TIMEOUT: Duration = Duration::from_secs(10);

/// Asks the installed Codex about config.toml (and the profile file) as setup would leave them,
/// next to the files as they are, and says what it found. `Err`: setup's own change would make
/// Codex refuse them, so nothing may be written. `Ok(Some(blocker))`: Codex refuses them before
/// and after, for a reason in a part setup does not own; the run fails after writing.
fn judge_with_codex(
    ctx: &Context,
    args: &SetupArgs,
    home: &CodexHome,
    changes: &[FileChange],
) -> anyhow::Result<Option<anyhow::Error>> {
    let paths = std::iter::once(home.config_path())
        .chain(args.profile.iter().map(|name| home.profile_path(name)));
    let mut texts = Vec::new();
    for path in paths {
        let (now, after) = match changes.iter().find(|c| c.path == path) {
            Some(change) => (change.before.clone(), Some(change.after.clone())),
            None => {
                let text = crate::files::read_optional(&path)?;
                (text.clone(), text)
            }
        };
        texts.push((file_name(&path), now, after));
    }
    let planned: Vec<Planned> = texts
        .iter()
        .map(|(name, now, after)| Planned {
            name: name.clone(),
            now: now.as_deref(),
            after: after.as_deref(),
        })
        .collect();
    let says = codex_verdict::ask(
        args.codex_bin.as_deref(),
        home.dir(),
        args.profile.as_deref(),
        &planned,
        &ctx.env,
        CODEX_TIMEOUT,
    );
    let name = |version: &Option<String>| match version {
        Some(version) => format!("Codex {version}"),
        None => "Codex".to_string(),
    };
    let place = |refusal: &Refusal| match (&refusal.file, refusal.line, refusal.column) {
        (Some(file), Some(line), Some(column)) => {
            format!("`{file}` at line {line}, column {column}")
        }
        _ => "the setting it names".to_string(),
    };
    match says {
        CodexSays::NotInstalled => {
            ctx.ui.status(format!(
                "Codex is not installed, so it could not check the result (`{INSTALL_HINT}`)"
            ));
            Ok(None)
        }
        CodexSays::NotRunnable(path) => Err(error::usage(
            format!(
                "`{}` (from --codex-bin) is not a program you can run",
                path.display()
            ),
            "pass the path of the `codex` program (`command -v codex` prints it)",
        )),
        CodexSays::Accepts { version } => {
            ctx.ui
                .status(format!("{} loads the result", name(&version)));
            Ok(None)
        }
        CodexSays::Unknown { version, why } => {
            ctx.ui.warn(format!(
                "could not ask {} whether it loads the result: {why}",
                name(&version)
            ));
            Ok(None)
        }
        CodexSays::WouldBreak { version, refusal } => Err(error::failure(
            format!(
                "{} would refuse the file setup is about to write, so nothing was written: {}",
                name(&version),
                refusal.message.replace('\n', " ")
            ),
            "run `codexgw setup --dry-run` to see the change, and report it: this is codexgw's fault, not your file's",
        )),
        CodexSays::StillRefuses { version, refusal } => Ok(Some(error::failure(
            format!(
                "{} still refuses to start with the file as setup leaves it: {}",
                name(&version),
                refusal.message.replace('\n', " ")
            ),
            format!(
                "edit {} as Codex says (setup does not change that part of your file), then run `codexgw doctor`",
                place(&refusal)
            ),
        ))),
    }
}

/// chatgpt mode needs the deployment's `chatgpt` provider; without it every request gets
/// `404 route not supported`. Asked before anything is written, with the Coder token found the
/// way `codexgw exec` finds it; silent when that cannot be told (no token, older Coder, offline).
fn warn_without_chatgpt_provider(ctx: &Context, network: &Network, spec: &ProviderSpec) {
    let deployment = &spec.deployment;
    let Some(token) = find_coder_token(ctx, spec) else {
        return;
    };
    let warning = match api::chatgpt_provider_at(network, deployment, token.expose(), ASK_TIMEOUT) {
        Some(ChatgptProvider::Missing) => format!(
            "{deployment} has no `chatgpt` provider, so Codex will get `404 route not supported`; ask your Coder admin to add an `openai`-type provider named `chatgpt` with BYOK enabled (Coder v2.34+), or use `--mode byok`"
        ),
        Some(ChatgptProvider::ByokOff) => format!(
            "the `chatgpt` provider of {deployment} does not take users' own credentials (BYOK is off), so the gateway will refuse your ChatGPT login; ask your Coder admin to enable BYOK on it"
        ),
        Some(ChatgptProvider::Ready) | None => return,
    };
    ctx.ui.warn(warning);
}

/// Mode and URL from the flags; what is missing comes from the wizard at a terminal (which
/// proposes what config.toml holds now, on a re-run), from detection with `--yes`, or is an
/// error naming the flags.
fn resolve_inputs(
    ctx: &Context,
    args: &SetupArgs,
    home: &CodexHome,
) -> anyhow::Result<(Mode, String)> {
    let detected = detect::deployment_urls(&ctx.env);
    let wizard = ctx.ui.interactive() && !args.yes;
    // A file the wizard cannot read proposes nothing; planning reports why.
    let configured = wizard
        .then(|| read_configured_provider(&home.config_path(), &args.provider.provider_id, None))
        .and_then(|found| found.ok().flatten());
    let mode = match args.provider.mode {
        Some(mode) => mode,
        None if wizard => ask_mode(ctx, configured.as_ref().map(|c| c.mode))?,
        None => return Err(missing_flags(args, &detected)),
    };
    let url = match (&args.provider.url, detected.first()) {
        (Some(url), _) => url.clone(),
        (None, found) if wizard => {
            let proposed = match &configured {
                Some(now) => {
                    let url = now.deployment.to_string();
                    ctx.ui
                        .status(format!("(config.toml points Codex at {url} now)"));
                    Some(url)
                }
                None => found.map(|found| {
                    ctx.ui
                        .status(format!("(found {} in {})", found.url, found.source));
                    found.url.clone()
                }),
            };
            ask_url(ctx, proposed, args.provider.allow_http)?
        }
        (None, Some(found)) if args.yes => {
            ctx.ui
                .status(format!("using {} from {}", found.url, found.source));
            found.url.clone()
        }
        (None, _) => return Err(missing_flags(args, &detected)),
    };
    Ok((mode, url))
}

fn missing_flags(args: &SetupArgs, detected: &[detect::DetectedUrl]) -> anyhow::Error {
    let mut missing = Vec::new();
    if args.provider.mode.is_none() {
        missing.push("--mode centralized|byok|chatgpt");
    }
    let detected_url_accepted = args.yes && !detected.is_empty();
    if args.provider.url.is_none() && !detected_url_accepted {
        missing.push("--url URL");
    }
    let mut help = format!(
        "pass {}, or run `codexgw setup` in a terminal for the wizard",
        missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(" and ")
    );
    if let (None, Some(found)) = (&args.provider.url, detected.first()) {
        help.push_str(&format!(
            "\n(found {} in {}: `--yes` would use it)",
            found.url, found.source
        ));
    }
    error::usage(
        format!(
            "setup needs {} and there is no terminal to ask",
            missing.join(" and ")
        ),
        help,
    )
}

/// `configured`: the mode config.toml is set up for now, offered first.
fn ask_mode(ctx: &Context, configured: Option<Mode>) -> anyhow::Result<Mode> {
    let items: Vec<String> = Mode::ALL
        .iter()
        .map(|m| format!("{:<12} {}", m.name(), m.explanation()))
        .collect();
    let default = configured
        .and_then(|mode| Mode::ALL.iter().position(|m| *m == mode))
        .unwrap_or(0);
    let choice = ctx
        .ui
        .select("How should Codex pay for the model?", &items, default)?;
    Ok(Mode::ALL[choice])
}

/// `proposed`: the URL offered (configured now, or detected); `allow_http`: the
/// `--allow-http` flag, so the wizard accepts exactly what setup will.
fn ask_url(ctx: &Context, proposed: Option<String>, allow_http: bool) -> anyhow::Result<String> {
    ctx.ui.input("Coder deployment URL", proposed, |text| {
        Deployment::parse(text, allow_http)
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
}
