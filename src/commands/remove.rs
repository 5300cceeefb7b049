//! `codexgw remove`: take the provider out again and put back the earlier `model_provider`.

use crate::cli::RemoveArgs;
use crate::codex::home::validate_profile_name;
use crate::commands::confirm_changes;
use crate::commands::setup::apply_changes;
use crate::commands::{Context, read_state, validate_provider_id};
use crate::error;
use crate::files::State;
use crate::setup::plan::plan_remove;
use crate::setup::{diff, undo};

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
    let config = read_state(home.config_path())?;
    let profile = args
        .profile
        .as_ref()
        .map(|name| read_state(home.profile_path(name)))
        .transpose()?;
    let mut state = State::load(&home.backups_dir())?;
    let plan = plan_remove(
        &args.provider_id,
        config,
        profile,
        &state.previous_model_provider,
        &state.undo,
    )?;
    let changes = plan.changes;
    if plan.left_alone {
        ctx.warn(format!(
            "the provider `{}` in `{}` was not written by codexgw and is not a Coder gateway block; it stays, and so does the `model_provider` naming it",
            args.provider_id,
            home.config_path().display()
        ));
    }
    if changes.is_empty() && plan.left_alone {
        ctx.status("nothing removed");
        return Ok(());
    }
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
    // A record is spent once its file is back to what it was.
    for change in &changes {
        state.previous_model_provider.remove(&change.file_name());
    }
    undo::forget(&mut state.undo, &args.provider_id, &changes);
    state.save(&home.backups_dir())?;
    Ok(())
}
