//! `codexgw remove`: undo what setup did: the earlier provider table and `model_provider` come
//! back, and a table codexgw did not write stays.

use crate::cli::RemoveArgs;
use crate::codex::home::validate_profile_name;
use crate::commands::{Context, apply, diff_of, require_consent, validate_provider_id};
use crate::files::State;
use crate::setup::apply::{forget_undo, read_state};
use crate::setup::plan::plan_remove;

pub fn run(
    ctx: &Context,
    args: &RemoveArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let home = ctx.codex_home(codex_home)?;
    validate_provider_id(&args.provider_id)?;
    if let Some(profile) = &args.profile {
        validate_profile_name(profile)?;
    }
    let _lock = (!args.dry_run)
        .then(|| crate::files::lock(&home.backups_dir()))
        .transpose()?;
    let config = read_state(home.config_path())?;
    let profile = args
        .profile
        .as_ref()
        .map(|name| read_state(home.profile_path(name)))
        .transpose()?;
    let state = State::load(&home.backups_dir())?;
    let plan = plan_remove(
        &args.provider_id,
        config,
        profile,
        &state.previous_model_provider,
        &state.undo,
    )?;
    let changes = plan.changes;
    if plan.left_alone {
        ctx.ui.warn(format!(
            "the provider `{}` in `{}` was not written by codexgw and is not a Coder gateway block; it stays, and so does the `model_provider` naming it",
            args.provider_id,
            home.config_path().display()
        ));
    }
    if changes.is_empty() {
        ctx.ui.status(match plan.left_alone {
            true => "nothing removed".to_string(),
            false => format!(
                "nothing to remove: no provider `{}` in `{}`",
                args.provider_id,
                home.config_path().display()
            ),
        });
        return Ok(());
    }
    if args.dry_run {
        ctx.ui.out(diff_of(&changes))?;
        ctx.ui.status("dry run: nothing written");
        return Ok(());
    }
    require_consent(
        ctx,
        &changes,
        "Remove the gateway provider?",
        false,
        args.yes,
        ("codexgw remove", true),
    )?;
    apply(ctx, &home, &changes, true)?;
    forget_undo(&home, state, &args.provider_id, &changes)
}
