//! `codexgw doctor`: run the checks, print them, exit 1 when one fails.

use std::time::Duration;

use crate::cli::DoctorArgs;
use crate::codex::home::validate_profile_name;
use crate::commands::{Context, validate_provider_id};
use crate::doctor::{self, Status, report};
use crate::error;

pub fn run(
    ctx: &Context,
    args: &DoctorArgs,
    codex_home: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    if let Some(profile) = &args.profile {
        validate_profile_name(profile)?;
    }
    if let Some(id) = &args.provider_id {
        validate_provider_id(id)?;
    }
    let options = doctor::Options {
        codex_home: ctx.codex_home(codex_home)?,
        profile: args.profile.clone(),
        provider_id: args.provider_id.clone(),
        offline: args.offline,
        timeout: Duration::from_secs(args.timeout),
        live: args.live,
        // Only compared with the config, never sent to: plain http is the config's business.
        gateway: args
            .gateway_url
            .as_deref()
            .map(|url| crate::coder::deployment::StandaloneGateway::parse(url, true))
            .transpose()?,
        strict_config: args.strict_config,
        codex_bin: args.codex_bin.clone(),
    };
    let store = crate::secrets::system_store(&ctx.env);
    let report = doctor::run(&options, &ctx.env, Some(&store));
    if args.json {
        ctx.ui.out(report::json(&report))?;
    } else {
        ctx.ui.out(report::human(&report, ctx.ui.color_stdout()))?;
    }
    if report.ok {
        return Ok(());
    }
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id)
        .collect();
    Err(error::failure(
        format!(
            "doctor found {} failing check{}: {}",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" },
            failed.join(", ")
        ),
        "apply the `fix:` under each FAIL line, then run `codexgw doctor` again",
    ))
}
