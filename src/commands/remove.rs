//! `codexgw remove`: take the provider out again and put back the earlier `model_provider`.

use crate::cli::RemoveArgs;
use crate::codex::home::validate_profile_name;
use crate::commands::confirm_changes;
use crate::commands::setup::apply_changes;
use crate::commands::{Context, read_state, validate_provider_id};
use crate::error;
use crate::files::State;
use crate::setup::diff;
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
    let mut state = State::load(&home.backups_dir())?;
    let changes = plan_remove(
        &args.provider_id,
        config,
        profile,
        &state.previous_model_provider,
    )?;

    if changes.is_empty() {
        ctx.status(format!(
            "nothing to remove: no provider `{}` in `{}`",
            args.provider_id,
            home.config_path().display()
        ));
        return Ok(());
    }
    if args.dry_run {
        let diff: String = changes.iter().map(diff::unified).collect();
        print!("{diff}");
        ctx.status("dry run: nothing written");
        return Ok(());
    }
    if !args.yes {
        if !ctx.interactive {
            return Err(error::usage(
                "remove changes your config and there is no terminal to confirm",
                "pass `--yes` (see the change first with `--dry-run`)",
            ));
        }
        let ok = confirm_changes(ctx, &changes, "Remove the gateway provider?", false)?;
        if !ok {
            return Err(error::failure(
                "nothing written",
                "run `codexgw remove` again when ready",
            ));
        }
    }
    apply_changes(&home, &changes, true, ctx)?;
    // A remembered value is spent once its file no longer points at the gateway.
    let before = state.previous_model_provider.len();
    for change in &changes {
        state.previous_model_provider.remove(&change.file_name());
    }
    if state.previous_model_provider.len() != before {
        state.save(&home.backups_dir())?;
    }
    Ok(())
}
