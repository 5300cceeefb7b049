//! `codexgw show`: the provider block as setup would write it into an empty file, for the
//! same deployment and route setup resolves.

use crate::cli::ShowArgs;
use crate::commands::{Context, choose_websockets, provider_spec, resolve_target};
use crate::error;
use crate::setup::plan::render_block;

pub fn run(ctx: &Context, args: &ShowArgs) -> anyhow::Result<()> {
    let missing: Vec<&str> = [
        args.provider.mode.is_none().then_some("--mode"),
        args.provider.url.is_none().then_some("--url"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        return Err(error::usage(
            format!("`show` needs {}", missing.join(" and ")),
            "e.g. `codexgw show --mode centralized --url https://coder.example.com`",
        ));
    }
    let (mode, url) = (
        args.provider.mode.unwrap(),
        args.provider.url.as_deref().unwrap(),
    );
    // The same resolution as setup's, so show prints what setup would write.
    let target = resolve_target(ctx, &args.provider, url)?;
    let asked = !args.provider.offline && target.unreachable.is_none();
    let mut spec = provider_spec(&args.provider, mode, target.deployment, target.route)?;
    let websockets = choose_websockets(ctx, &args.provider, &mut spec, asked, None);
    ctx.ui.out(render_block(&spec)?)?;
    ctx.ui.status(target.reason.describe(target.route));
    ctx.ui.status(websockets);
    Ok(())
}
