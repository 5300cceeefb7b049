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
        cwd: std::env::current_dir().unwrap_or_default(),
        strict_config: args.strict_config,
        codex_bin: args.codex_bin.clone(),
    };
    // Half the budget at most for the keyring, so a locked one leaves time for the network.
    let keyring_budget = (options.timeout / 2).max(Duration::from_millis(100));
    let store = crate::secrets::system_store(&ctx.env).with_deadline(keyring_budget);
    let report = doctor::run(&options, &ctx.env, Some(&store));
    let text = if args.json {
        report::json(&report)
    } else {
        report::human(&report, ctx.ui.color_stdout())
    };
    // The last net under every finding, fix line and piece of evidence: nothing shaped like a
    // token leaves doctor whole, wherever a check quoted it from (a variable name, a server).
    ctx.ui.out(crate::secrets::redact_in_text(&text, &[]))?;
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
