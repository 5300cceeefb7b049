//! `codexgw show`: the provider block as setup would write it into an empty file.

use crate::cli::ShowArgs;
use crate::commands::{Context, parse_url_flag, provider_spec};
use crate::error;
use crate::setup::plan::render_block;
use crate::setup::request::resolve_route;

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
    let parsed = parse_url_flag(url, args.provider.allow_http)?;
    // `show` feeds templates and docs, so it never asks the network: `auto` means aibridge.
    let (route, _) = resolve_route(
        args.provider.route.fixed(),
        parsed.route,
        &parsed.deployment,
        None,
    );
    let spec = provider_spec(&args.provider, mode, parsed.deployment, route)?;
    ctx.ui.out(render_block(&spec)?)
}
