//! `codexgw setup`: flags, detection or the wizard → a spec; plan the edit; show it; ask; write
//! it; then credentials and the next steps.

use crate::cli::SetupArgs;
use crate::coder::deployment::Deployment;
use crate::coder::detect;
use crate::codex::home::{CodexHome, validate_profile_name};
use crate::codex::launch::read_configured_provider;
use crate::codex::mode::Mode;
use crate::commands::credentials;
use crate::commands::{Context, apply, diff_of, provider_spec, require_consent, resolve_target};
use crate::error;
use crate::files::State;
use crate::setup::apply::{read_state, remember_undo};
use crate::setup::next::{Done, next_steps};
use crate::setup::plan::{plan_setup, unowned_problems};
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
    let spec = provider_spec(&args.provider, mode, deployment, route)?;

    let config = read_state(home.config_path())?;
    let profile = args
        .profile
        .as_ref()
        .map(|name| read_state(home.profile_path(name)))
        .transpose()?;
    let state = State::load(&home.backups_dir())?;
    let replaced = undo::check_ownership(&config, &spec.id, &state.undo, args.replace)?;
    let plan = plan_setup(&spec, config, profile)?;
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
        if args.dry_run {
            return Ok(());
        }
        let token = credentials::token_to_store(ctx, args, verify_at)?;
        let done = credentials::after_setup(ctx, args, &spec, &home, token, verify_at)?;
        print_next(&done, false);
        return Ok(());
    }
    let mut codex_refuses = false;
    for change in &plan.changes {
        let unowned = unowned_problems(change);
        for warning in &unowned.warnings {
            ctx.ui.warn(warning);
        }
        codex_refuses |= unowned.codex_refuses;
    }
    if args.dry_run {
        ctx.ui.out(diff_of(&plan.changes))?;
        ctx.ui.status(format!(
            "dry run: {} ({}); nothing written",
            spec.base_url(),
            reason.describe(route)
        ));
        return Ok(());
    }
    // Before anything is written: a missing token must not leave a half-done setup behind.
    let token = credentials::token_to_store(ctx, args, verify_at)?;
    require_consent(
        ctx,
        &plan.changes,
        "Write these changes?",
        true,
        args.yes,
        ("codexgw setup", true),
    )?;
    apply(ctx, &home, &plan.changes, !args.no_backup)?;
    remember_undo(&home, state, &spec.id, &plan.changes, replaced)?;
    if replaced {
        ctx.ui.status(format!(
            "took over the provider `{}`; `codexgw remove` gives the earlier table back",
            spec.id
        ));
    }
    ctx.ui.status(reason.describe(route));
    // Every answer typed from here on is checked at its prompt and asked again, so what can
    // still fail is a failure (exit 1), never a usage error: scripts read 2 as "nothing
    // happened".
    let done = credentials::after_setup(ctx, args, &spec, &home, token, verify_at)?;
    print_next(&done, codex_refuses);
    Ok(())
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
        .then(|| read_configured_provider(&home.config_path(), &args.provider.provider_id))
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
