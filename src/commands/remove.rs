//! `codexgw remove`: take the provider out again and put back the earlier `model_provider`.

use crate::cli::RemoveArgs;
use crate::codex::home::validate_profile_name;
use crate::commands::{Context, apply, diff_of, require_consent, validate_provider_id};
use crate::files::State;
use crate::setup::apply::{forget_replaced_model_provider, read_state};
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
    let changes = plan_remove(
        &args.provider_id,
        config,
        profile,
        &state.previous_model_provider,
    )?;

    if changes.is_empty() {
        ctx.ui.status(format!(
            "nothing to remove: no provider `{}` in `{}`",
            args.provider_id,
            home.config_path().display()
        ));
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
    forget_replaced_model_provider(&home, state, &changes)
}
