//! `codexgw setup`: resolve the inputs (flags, detection, or the wizard), plan the edit, show
//! it, and write it safely.

use anyhow::Context as _;
use dialoguer::theme::ColorfulTheme;

use crate::cli::SetupArgs;
use crate::coder::deployment::Deployment;
use crate::coder::detect;
use crate::codex::home::{CodexHome, validate_profile_name};
use crate::codex::mode::{CODER_TOKEN_VAR, Mode, ProviderSpec, TokenSource};
use crate::commands::confirm_changes;
use crate::commands::credentials::{self, Done};
use crate::commands::{Context, Target, answer, provider_spec, read_state, resolve_target};
use crate::error;
use crate::files::{self, State};
use crate::setup::plan::{FileChange, plan_setup};
use crate::setup::{diff, undo};

pub fn run(
    ctx: &Context,
    args: &SetupArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let home = ctx.codex_home(codex_home)?;
    // Only where a prompt may open: elsewhere SIGINT keeps its default.
    if ctx.interactive && !args.yes {
        crate::commands::catch_interrupt();
    }
    if let Some(profile) = &args.profile {
        validate_profile_name(profile)?;
    }
    let (mode, url) = resolve_inputs(ctx, args)?;
    let Target {
        deployment,
        route,
        reason,
    } = resolve_target(ctx, &args.provider, &url)?;
    let spec = provider_spec(&args.provider, mode, deployment, route)?;

    let config = read_state(home.config_path())?;
    let profile = args
        .profile
        .as_ref()
        .map(|name| read_state(home.profile_path(name)))
        .transpose()?;
    let mut state = State::load(&home.backups_dir())?;
    let replaced = undo::check_ownership(&config, &spec.id, &state.undo, args.replace)?;
    let plan = plan_setup(&spec, config, profile)?;
    let next = NextSteps {
        spec: &spec,
        profile: args.profile.as_deref(),
    };

    if plan.changes.is_empty() {
        ctx.status(format!(
            "already configured: `{}` sends Codex to {} ({} mode); nothing written",
            home.config_path().display(),
            spec.base_url(),
            spec.mode
        ));
        if args.dry_run {
            return Ok(());
        }
        let token = credentials::token_to_store(ctx, args)?;
        let done = credentials::after_setup(ctx, args, &spec, &home, token)?;
        next.print(ctx, &done, false);
        return Ok(());
    }
    let mut codex_refuses = false;
    for change in &plan.changes {
        codex_refuses |= warn_about_unowned_problems(ctx, change);
    }
    if args.dry_run {
        let diff: String = plan.changes.iter().map(diff::unified).collect();
        print!("{diff}");
        ctx.status(format!(
            "dry run: {} ({}); nothing written",
            spec.base_url(),
            reason.describe(route)
        ));
        return Ok(());
    }
    // Before anything is written: a missing token must not leave a half-done setup behind.
    let token = credentials::token_to_store(ctx, args)?;
    // An answer, not a failure: only a person at a terminal gets this question.
    if ctx.interactive
        && !args.yes
        && !confirm_changes(ctx, &plan.changes, "Write these changes?", true)?
    {
        ctx.status("nothing written");
        return Ok(());
    }
    apply_changes(&home, &plan.changes, !args.no_backup, ctx)?;
    undo::remember(&mut state.undo, &spec.id, &plan.changes, replaced)?;
    state.save(&home.backups_dir())?;
    if replaced {
        ctx.status(format!(
            "took over the provider `{}`; `codexgw remove` gives the earlier table back",
            spec.id
        ));
    }
    ctx.status(reason.describe(route));
    // The file is written: whatever fails now is not a misuse of the command line.
    let done = credentials::after_setup(ctx, args, &spec, &home, token).map_err(written_already)?;
    next.print(ctx, &done, codex_refuses);
    Ok(())
}

/// An error after config.toml was written exits 1, even one that would be a usage error
/// before: scripts read exit 2 as "nothing happened".
fn written_already(mut err: anyhow::Error) -> anyhow::Error {
    if let Some(user) = err.downcast_mut::<error::UserError>() {
        user.kind = error::ExitKind::Failure;
    }
    err
}

/// Problems in the file that codexgw does not own and so does not fix, but that would still
/// keep Codex away from the gateway. Lines are those of the file on disk now, which is what
/// the user opens to fix them. Returns whether Codex will refuse to start.
fn warn_about_unowned_problems(ctx: &Context, change: &FileChange) -> bool {
    let name = change.file_name();
    if change.after.contains(CODER_MODULE_MARKER) {
        ctx.warn(format!(
            "{name} has a part managed by Coder's codex module, which rewrites it at every workspace start; make the same change in the template (`codexgw template --help`)"
        ));
    }
    // Setup fixes none of these, so the file as it is holds every one of them.
    let Some(before) = change.before.as_deref() else {
        return false;
    };
    // A second parse (with positions) costs as much as the edit on a large file: pay it only
    // when a line could hold one of the keys in question — a `profile` key anywhere, or a
    // `model_provider` below the first table header (the top-level one is fine).
    let mut below_a_header = false;
    let candidate = before.lines().map(str::trim_start).any(|line| {
        below_a_header |= line.starts_with('[');
        line.starts_with("profile") || (below_a_header && line.starts_with("model_provider"))
    });
    if !candidate {
        return false;
    }
    let Ok(inspected) = crate::codex::inspect::Inspected::parse(before) else {
        return false;
    };
    for stranded in inspected.stranded() {
        ctx.warn(format!(
            "{name}:{}: `{}` sits under `[{}]`, where Codex ignores it; delete that line",
            stranded.line, stranded.key, stranded.table
        ));
    }
    match inspected.legacy_profile() {
        Some(profile) => {
            ctx.warn(format!(
                "{name}:{}: Codex refuses to start with a top-level `profile = \"{}\"`; delete that line (profiles are now files: `codex --profile NAME` reads NAME.config.toml)",
                profile.line, profile.value
            ));
            true
        }
        None => false,
    }
}

/// The opening marker of the block the Coder registry's codex module owns.
const CODER_MODULE_MARKER: &str = "# >>> coder-managed";

/// Backs up and writes each change; used by `setup`, `remove` and `restore`.
pub fn apply_changes(
    home: &CodexHome,
    changes: &[FileChange],
    backup: bool,
    ctx: &Context,
) -> anyhow::Result<()> {
    files::create_private_dir(home.dir())?;
    for change in changes {
        // A file someone else changed since it was read gets neither a backup nor a write.
        files::ensure_unchanged(&change.path, change.before.as_deref())?;
        if let (true, Some(before)) = (backup, &change.before) {
            let saved = files::save_backup(&home.backups_dir(), &change.path, before)?;
            ctx.status(format!(
                "backed up the old file to `{}`",
                saved.path.display()
            ));
        }
        files::write_atomic(&change.path, &change.after, change.before.as_deref())
            .with_context(|| format!("cannot update `{}`", change.path.display()))?;
        ctx.status(format!("wrote `{}`", change.path.display()));
    }
    Ok(())
}

/// Mode and URL from the flags; what is missing comes from the wizard at a terminal, from
/// detection with `--yes`, or is an error naming the flags.
fn resolve_inputs(ctx: &Context, args: &SetupArgs) -> anyhow::Result<(Mode, String)> {
    let detected = detect::deployment_urls(&ctx.env);
    let mode = match args.provider.mode {
        Some(mode) => mode,
        None if ctx.interactive && !args.yes => ask_mode()?,
        None => return Err(missing_flags(args, &detected)),
    };
    let url = match (&args.provider.url, detected.first()) {
        (Some(url), _) => url.clone(),
        (None, found) if ctx.interactive && !args.yes => ask_url(found, args.provider.allow_http)?,
        (None, Some(found)) if args.yes => {
            ctx.status(format!("using {} from {}", found.url, found.source));
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

fn ask_mode() -> anyhow::Result<Mode> {
    let items: Vec<String> = Mode::ALL
        .iter()
        .map(|m| format!("{:<12} {}", m.name(), m.explanation()))
        .collect();
    let choice = dialoguer::Select::with_theme(&ColorfulTheme::default())
        .with_prompt("How should Codex pay for the model?")
        .items(&items)
        .default(0)
        .interact();
    let choice = answer(choice, "cannot read your choice")?;
    Ok(Mode::ALL[choice])
}

/// `allow_http`: the `--allow-http` flag, so the wizard accepts exactly what setup will.
fn ask_url(found: Option<&detect::DetectedUrl>, allow_http: bool) -> anyhow::Result<String> {
    let theme = ColorfulTheme::default();
    let mut input = dialoguer::Input::<String>::with_theme(&theme)
        .with_prompt("Coder deployment URL")
        .validate_with(|text: &String| -> Result<(), String> {
            Deployment::parse(text, allow_http)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
    if let Some(found) = found {
        eprintln!("(found {} in {})", found.url, found.source);
        input = input.default(found.url.clone());
    }
    answer(input.interact_text(), "cannot read the URL")
}

/// What to print after setup: the one or two things left to do, for the mode.
struct NextSteps<'a> {
    spec: &'a ProviderSpec,
    profile: Option<&'a str>,
}

impl NextSteps<'_> {
    /// `codex_refuses`: a problem setup warned about stops Codex from starting, so its fix
    /// comes first and starting Codex is left out.
    fn print(&self, ctx: &Context, done: &Done, codex_refuses: bool) {
        let (codex, doctor) = match self.profile {
            Some(name) => (
                format!("codex --profile {name}"),
                format!("codexgw doctor --profile {name}"),
            ),
            None => ("codex".to_string(), "codexgw doctor".to_string()),
        };
        let export = |var: &str| {
            if ctx.env.var(var).is_some() {
                None
            } else if done.coder_token_available {
                Some(format!(
                    "  eval \"$(codexgw env)\"   # or start Codex as `codexgw exec -- {codex}`"
                ))
            } else {
                Some(format!(
                    "  export {var}=<your Coder API token>   # create one with `coder tokens create`"
                ))
            }
        };
        let mut steps = Vec::new();
        if codex_refuses {
            steps.push(
                "  delete the line the warning above names; until then Codex refuses to start"
                    .to_string(),
            );
        }
        match (&self.spec.mode, &self.spec.token_source) {
            (Mode::Centralized, TokenSource::Env(var)) => steps.extend(export(var)),
            (Mode::Centralized, TokenSource::Command { .. }) => {}
            (Mode::Byok, _) => {
                steps.extend(export(CODER_TOKEN_VAR));
                steps.extend((!done.codex_api_login).then(|| {
                    "  printenv OPENAI_API_KEY | codex login --with-api-key   # Codex reads your key only from its login"
                        .to_string()
                }));
            }
            (Mode::Chatgpt, _) => {
                steps.extend(export(CODER_TOKEN_VAR));
                steps.extend((!done.codex_chatgpt_login).then(|| {
                    "  env -u OPENAI_API_KEY codex login   # sign in with ChatGPT (or `codexgw exec -- codex login`)"
                        .to_string()
                }));
                if Mode::Chatgpt
                    .conflicting_var()
                    .is_some_and(|var| ctx.env.is_set(var))
                {
                    ctx.warn("OPENAI_API_KEY is set: Coder requires it unset in chatgpt mode (older Codex builds and other OpenAI tools sign in with the key instead of ChatGPT); `unset OPENAI_API_KEY` and remove it from your shell start-up files (`codexgw doctor` names the line)");
                }
            }
        }
        steps.push(format!("  {doctor}"));
        if !codex_refuses {
            steps.push(format!("  {codex}"));
        }
        ctx.status("next:");
        for step in steps {
            ctx.status(step);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_it_was_read_gets_no_backup_and_no_write() {
        let dir = tempfile::tempdir().unwrap();
        let home = CodexHome::at(dir.path());
        std::fs::write(home.config_path(), "model = \"from codex\"\n").unwrap();
        let ctx = Context {
            env: crate::environment::Environment::default(),
            interactive: false,
            color: false,
        };
        let change = FileChange {
            path: home.config_path(),
            before: Some("model = \"old\"\n".into()),
            after: "model_provider = \"x\"\n".into(),
        };
        let err = apply_changes(&home, &[change], true, &ctx).unwrap_err();
        assert!(err.to_string().contains("changed on disk"), "{err}");
        assert!(files::list_backups(&home.backups_dir()).unwrap().is_empty());
        assert_eq!(
            std::fs::read_to_string(home.config_path()).unwrap(),
            "model = \"from codex\"\n"
        );
    }
}
