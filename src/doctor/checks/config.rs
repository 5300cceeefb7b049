//! `config.*`: the config files parse, select a gateway provider, and its table is one
//! Codex accepts.

use crate::coder::deployment::StandaloneGateway;
use serde_json::json;

use crate::codex::inspect::{
    Block, Finding, GatewayUrl, Inspected, OLDER_GATEWAY_IDS, Severity, redact_url,
};
use crate::codex::mode::{self, Mode};
use crate::doctor::facts::{Facts, File, Unusable};
use crate::doctor::judged::{self, table_file};
use crate::doctor::{Check, Entry, LocalCheck};
use crate::secrets::Secret;

pub const FILE: Entry<LocalCheck> = Entry::new("config.file", config_file);
pub const PROVIDER: Entry<LocalCheck> = Entry::new("config.provider", config_provider);
pub const BLOCK: Entry<LocalCheck> = Entry::new("config.block", config_block);

/// One check from several findings: the worst decides the status, every fix is listed.
fn joined(id: &'static str, findings: &[&Finding]) -> Check {
    let summary = findings
        .iter()
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let fix = findings
        .iter()
        .map(|f| f.fix.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    if findings.iter().any(|f| f.severity == Severity::Error) {
        Check::fail(id, summary, fix)
    } else {
        Check::warn(id, summary, fix)
    }
}

/// Provider tables other than the judged one that make Codex refuse the whole file, as
/// findings that name the file, table and line.
fn refused_providers(facts: &Facts, judged: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (file, doc) in facts.docs() {
        for (block, refusals) in doc.refused_providers(judged) {
            let id = &block.id;
            let convert = if OLDER_GATEWAY_IDS.contains(&id.as_str()) {
                format!(
                    ", or convert it in place with `codexgw setup --provider-id {id} --mode centralized|byok|chatgpt --url <deployment>`"
                )
            } else {
                String::new()
            };
            for refusal in refusals {
                out.push(Finding {
                        severity: Severity::Error,
                        message: format!(
                            "Codex refuses to load the file because of `[model_providers.{id}]` at {}: {}",
                            file.at(block.line),
                            refusal.message
                        ),
                        fix: format!(
                            "delete the `[model_providers.{id}]` table (line {} of {}){convert}; or {}",
                            block.line, file.name, refusal.fix
                        ),
                });
            }
        }
    }
    out
}
fn config_file(facts: &Facts) -> Check {
    const ID: &str = FILE.id;
    let config = &facts.config;
    let profile = facts.profile_file.as_ref();
    let mut evidence = json!({
        "path": config.path.display().to_string(),
        "exists": config.exists,
    });
    if let Some(file) = profile {
        evidence["profile_path"] = file.path.display().to_string().into();
        evidence["profile_exists"] = file.exists.into();
    }
    let shown = config.path.display().to_string();
    let errors: Vec<&Unusable> = std::iter::once(config)
        .chain(profile)
        .filter_map(|f| f.problem.as_ref())
        .collect();
    let check = match (config.doc.is_some(), profile.map(|f| f.doc.is_some())) {
        _ if !errors.is_empty() => {
            let (found, fixes): (Vec<&str>, Vec<&str>) = errors
                .iter()
                .map(|(why, fix)| (why.as_str(), fix.as_str()))
                .unzip();
            Check::fail(ID, found.join("; "), fixes.join("\n"))
        }
        (false, _) => Check::fail(
            ID,
            format!("`{shown}` does not exist, so Codex talks to OpenAI directly"),
            "run `codexgw setup --mode centralized|byok|chatgpt --url <deployment>`",
        ),
        (true, Some(false)) => {
            let name = facts.profile.as_deref().unwrap_or_default();
            Check::warn(
                ID,
                format!(
                    "`{shown}` parses, but `{}` does not exist: `codex --profile {name}` silently ignores a missing profile file",
                    profile.map(|f| f.name.as_str()).unwrap_or_default()
                ),
                format!("run `codexgw setup --profile {name} …` to write it"),
            )
        }
        (true, Some(true)) => Check::pass(
            ID,
            format!(
                "`{shown}` and `{}` parse",
                profile.map(|f| f.name.as_str()).unwrap_or_default()
            ),
        ),
        (true, None) => Check::pass(ID, format!("`{shown}` parses")),
    };
    check.evidence(evidence)
}

fn config_provider(facts: &Facts) -> Check {
    const ID: &str = PROVIDER.id;
    if facts.docs().next().is_none() {
        return Check::skip(ID, "no config file to read (see config.file)");
    }
    let files = facts.files();
    let docs = || facts.docs();
    let table_file = |id: &str| table_file(facts, id);
    let selected = judged::selected(facts);
    let stranded: Vec<(&File, crate::codex::inspect::Stranded)> = docs()
        .flat_map(|(f, d)| d.stranded().into_iter().map(move |s| (f, s)))
        .collect();
    let ids: Vec<String> = docs().flat_map(|(_, d)| d.provider_ids()).collect();
    let target_id = judged::target_id(facts);
    let mut evidence = json!({
        "model_provider": selected.as_ref().map(|(_, l)| l.value.clone()),
        "source": selected.as_ref().map(|(f, l)| f.at(l.line)),
        "provider_ids": ids,
        "stranded": stranded.iter().map(|(f, s)| json!({
            "key": s.key, "value": s.value, "table": s.table, "at": f.at(s.line),
            "codex_refuses": s.refusal().is_some(),
        })).collect::<Vec<_>>(),
    });

    if let Some(check) = profile_conflict(facts) {
        return check.evidence(evidence);
    }
    let mut legacy = docs().filter_map(|(f, d)| d.legacy_profile().map(|l| (f, l)));
    if let Some((file, legacy)) = legacy.next() {
        evidence["legacy_profile"] = legacy.value.clone().into();
        let name = &legacy.value;
        return Check::fail(
                ID,
                crate::codex::inspect::legacy_profile_message(name, &file.at(legacy.line)),
                format!(
                    "delete that line; to keep a separate setup use `codexgw setup --profile {name} …` and run `codex --profile {name}`"
                ),
            )
            .evidence(evidence);
    }

    let gateway_id = target_id.as_deref().unwrap_or(mode::DEFAULT_PROVIDER_ID);
    // Deleting is always right; moving is not (a stranded `model_provider = "openai"` would then
    // select OpenAI, and next to a top-level key it would be a duplicate).
    let stranded_findings = |skip: Option<usize>| -> Vec<(String, String)> {
        stranded
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != skip)
            .map(|(_, (f, s))| {
                (
                    s.message(&f.at(s.line)),
                    format!("delete line {} of {}", s.line, f.name),
                )
            })
            .collect()
    };
    let refused = stranded.iter().any(|(_, s)| s.refusal().is_some());
    let stranded_provider = stranded.iter().position(|(_, s)| s.key == "model_provider");
    let Some((file, selected)) = selected else {
        let (summary, fix) = match stranded_provider.map(|i| &stranded[i]) {
            Some((f, s)) if s.refusal().is_some() => (
                format!(
                    "`model_provider = \"{}\"` at {} sits under `[{}]`{}, which makes Codex refuse the whole file: `{}`",
                    s.value,
                    f.at(s.line),
                    s.table,
                    s.table_line
                        .map_or_else(String::new, |l| format!(" (line {l})")),
                    s.refusal().unwrap_or_default()
                ),
                format!(
                    "delete line {} of {} and put `model_provider = \"{gateway_id}\"` above its first `[table]` header (or run `codexgw setup`, which does both)",
                    s.line, f.name
                ),
            ),
            Some((f, s)) => (
                format!(
                    "`model_provider = \"{}\"` at {} sits under `[{}]`{}, so Codex reads it as `{}.model_provider`, ignores it, and talks to OpenAI",
                    s.value,
                    f.at(s.line),
                    s.table,
                    s.table_line
                        .map_or_else(String::new, |l| format!(" (line {l})")),
                    s.table
                ),
                format!(
                    "delete line {} of {} and put `model_provider = \"{gateway_id}\"` above its first `[table]` header (or run `codexgw setup`, which does both)",
                    s.line, f.name
                ),
            ),
            None => (
                "no `model_provider` is set, so Codex talks to OpenAI directly".to_string(),
                match &facts.profile {
                    Some(p) => format!("run `codexgw setup --profile {p} …`"),
                    None => {
                        "run `codexgw setup --mode centralized|byok|chatgpt --url <deployment>`"
                            .to_string()
                    }
                },
            ),
        };
        let (found, fixes): (Vec<String>, Vec<String>) = std::iter::once((summary, fix))
            .chain(stranded_findings(stranded_provider))
            .unzip();
        let check = Check::fail(ID, found.join("; "), fixes.join("\n"));
        return check.evidence(evidence);
    };

    let value = &selected.value;
    let at = file.at(selected.line);
    let over = match files[..] {
        [profile, config] if std::ptr::eq(profile, file) => config
            .doc
            .as_ref()
            .and_then(Inspected::model_provider)
            .map(|l| format!(", over `{}` in {}", l.value, config.at(l.line)))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let failure = if let Some(wanted) = facts.provider_id.as_ref().filter(|w| *w != value) {
        Some(match table_file(wanted) {
            Some(_) => (
                format!(
                    "`model_provider = \"{value}\"` at {at}{over} selects `{value}`, not `{wanted}`"
                ),
                format!("set `model_provider = \"{wanted}\"` at {at}"),
            ),
            // Most often a typo in `--provider-id`: pointing `model_provider` at it would break
            // Codex, so name the ids that exist instead.
            None => (
                format!(
                    "`--provider-id {wanted}`: the config has no `[model_providers.{wanted}]` table; `model_provider = \"{value}\"` at {at}{over}"
                ),
                missing_id_fix(facts, wanted),
            ),
        })
    } else if mode::is_reserved_provider_id(value) && table_file(value).is_none() {
        Some((
            format!(
                "`model_provider = \"{value}\"` at {at}{over} is Codex's built-in provider: requests go straight to OpenAI, not the gateway"
            ),
            format!(
                "set `model_provider = \"{}\"` (or run `codexgw setup`)",
                target_id.as_deref().unwrap_or(mode::DEFAULT_PROVIDER_ID)
            ),
        ))
    } else if table_file(value).is_none() {
        Some((
            format!(
                "`model_provider = \"{value}\"` at {at}{over}, but there is no `[model_providers.{value}]` table"
            ),
            "run `codexgw setup` to write the table, or point `model_provider` at an existing one"
                .to_string(),
        ))
    } else {
        None
    };
    if let Some((summary, fix)) = failure {
        return Check::fail(ID, summary, fix).evidence(evidence);
    }

    if refused {
        let (found, fixes): (Vec<String>, Vec<String>) =
            stranded_findings(None).into_iter().unzip();
        return Check::fail(
            ID,
            format!(
                "`model_provider = \"{value}\"` at {at}{over}; but {}",
                found.join("; ")
            ),
            fixes.join("\n"),
        )
        .evidence(evidence);
    }
    let mut warnings: Vec<(String, String)> = Vec::new();
    warnings.extend(stranded_findings(None));
    let block = |id: &str| facts.docs().find_map(|(_, d)| d.provider(id));
    let selected_block = block(value);
    let (aliases, older): (Vec<&str>, Vec<&str>) = std::iter::once(mode::DEFAULT_PROVIDER_ID)
        .chain(OLDER_GATEWAY_IDS)
        .filter(|id| *id != value && table_file(id).is_some())
        // The same gateway block under an older id is the alias a migrating setup keeps so
        // `codex resume` of that id's sessions works: expected, not a problem.
        .partition(|id| {
            block(id)
                .zip(selected_block.as_ref())
                .is_some_and(|(old, now)| old.same_gateway_as(now))
        });
    evidence["resume_aliases"] = aliases.clone().into();
    for old in &older {
        warnings.push((
            format!("`[model_providers.{old}]` is still defined next to `{value}`"),
            format!(
                "Codex files session history per provider id, so sessions started with `{old}` are listed only while `{old}` is selected; once you no longer need them, `codexgw remove --provider-id {old}`"
            ),
        ));
    }
    // `[profiles.X]` tables are harmless but do nothing any more: a note, not a warning.
    let inert: Vec<String> = docs()
        .flat_map(|(f, d)| {
            d.profile_tables()
                .into_iter()
                .map(move |name| format!("`[profiles.{name}]` in {}", f.name))
        })
        .collect();
    evidence["inert_profile_tables"] = inert.clone().into();
    let note = if inert.is_empty() {
        String::new()
    } else {
        format!(
            " (note: {} {} inert: Codex 0.169 reads a profile only from `NAME.config.toml`, via `codex --profile NAME`)",
            inert.join(", "),
            if inert.len() == 1 { "is" } else { "are" }
        )
    };
    let alias_note = match &aliases[..] {
        [] => String::new(),
        ids => format!(
            " (note: {} {} the same gateway block as `{value}`, kept so `codex resume` of sessions started with {} still finds its provider)",
            ids.iter()
                .map(|id| format!("`[model_providers.{id}]`"))
                .collect::<Vec<_>>()
                .join(" and "),
            if ids.len() == 1 { "is" } else { "are" },
            ids.iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    };
    let summary = format!("`model_provider = \"{value}\"` at {at}{over}{alias_note}{note}");
    let check = if warnings.is_empty() {
        Check::pass(ID, summary)
    } else {
        let (found, fixes): (Vec<String>, Vec<String>) = warnings.into_iter().unzip();
        Check::warn(
            ID,
            format!("{summary}; but {}", found.join("; ")),
            fixes.join("\n"),
        )
    };
    check.evidence(evidence)
}

/// `codex --profile NAME` is a hard error while config.toml still holds the legacy
/// `profile = "NAME"` or `[profiles.NAME]`: Codex asks for them to move to `NAME.config.toml`.
fn profile_conflict(facts: &Facts) -> Option<Check> {
    let name = facts.profile.as_deref()?;
    let doc = facts.config.doc.as_ref()?;
    let config = &facts.config;
    let mut found = Vec::new();
    let mut fixes = Vec::new();
    if let Some(line) = doc.legacy_profile().filter(|l| l.value == name) {
        found.push(format!(
            "`profile = \"{name}\"` at {}",
            config.at(line.line)
        ));
        fixes.push(format!("delete line {} of {}", line.line, config.name));
    }
    if let Some(line) = doc.profile_table_line(name) {
        found.push(format!("`[profiles.{name}]` at {}", config.at(line)));
        fixes.push(format!(
            "move the keys of `[profiles.{name}]` (line {line} of {}) into `{name}.config.toml` (top-level keys there), then delete the table",
            config.name
        ));
    }
    if found.is_empty() {
        return None;
    }
    let target = facts.profile_file.as_ref().map_or_else(
        || format!("{name}.config.toml"),
        |f| f.path.display().to_string(),
    );
    Some(Check::fail(
        ID_PROVIDER,
        format!(
            "{}: `codex --profile {name}` refuses to start (`--profile `{name}` cannot be used while {} contains legacy `profile = \"{name}\"` or `[profiles.{name}]` config; move those settings into {target}`)",
            found.join(" and "),
            config.path.display()
        ),
        fixes.join("\n"),
    ))
}

const ID_PROVIDER: &str = PROVIDER.id;

/// The fix for `--provider-id WANTED` naming no table: the ids that exist (a typo is likelier
/// than a missing table), then how to write that table.
fn missing_id_fix(facts: &Facts, wanted: &str) -> String {
    let ids: Vec<String> = facts
        .docs()
        .flat_map(|(_, d)| d.provider_ids())
        .map(|id| format!("`{id}`"))
        .collect();
    let check = if ids.is_empty() {
        "no provider table is defined".to_string()
    } else {
        format!(
            "check the id: the config defines {} (`--provider-id <one of them>`)",
            ids.join(", ")
        )
    };
    format!(
        "{check}; to write `{wanted}`, run `codexgw setup --provider-id {wanted} --mode centralized|byok|chatgpt --url <deployment>`"
    )
}

fn config_block(facts: &Facts) -> Check {
    const ID: &str = BLOCK.id;
    let judged = judged::block(facts);
    let mut refused = refused_providers(facts, judged.as_ref().map(|(b, _)| b.id.as_str()));
    if let (Some(expected), Some((block, _))) = (&facts.gateway, &judged) {
        refused.extend(elsewhere_than(expected, block));
    }
    match judged {
        Some((block, file)) => judged_block(&block, file, &refused),
        None if facts.docs().next().is_none() => {
            Check::skip(ID, "no config file to read (see config.file)")
        }
        None => {
            let missing = Finding {
                severity: Severity::Error,
                message: format!(
                    "there is no `[model_providers.{}]` table",
                    facts
                        .provider_id
                        .as_deref()
                        .unwrap_or(mode::DEFAULT_PROVIDER_ID)
                ),
                fix: match &facts.provider_id {
                    Some(wanted) => missing_id_fix(facts, wanted),
                    None => "run `codexgw setup --mode centralized|byok|chatgpt --url <deployment>` to write it"
                        .to_string(),
                },
            };
            let all: Vec<&Finding> = std::iter::once(&missing).chain(&refused).collect();
            joined(ID, &all)
        }
    }
}

/// With `--gateway-url`: the table must send Codex to that standalone gateway.
fn elsewhere_than(expected: &StandaloneGateway, block: &Block) -> Option<Finding> {
    if block
        .standalone()
        .is_some_and(|(gateway, _)| gateway == *expected)
    {
        return None;
    }
    let at = block
        .base_url
        .as_deref()
        .map_or("nowhere".to_string(), |u| format!("`{}`", redact_url(u)));
    Some(Finding {
        severity: Severity::Error,
        message: format!("`base_url` points at {at}, not at the standalone gateway {expected}"),
        fix: format!(
            "run `codexgw setup --gateway-url {expected} --url <deployment>` (with the same `--mode`)"
        ),
    })
}

fn judged_block(block: &Block, file: &File, refused: &[Finding]) -> Check {
    const ID: &str = BLOCK.id;
    let mode = block.mode();
    let gateway = block.gateway();
    let mut findings = block.findings();
    let table = format!(
        "`[model_providers.{}]` at {}",
        block.id,
        file.at(block.line)
    );
    if let Some(first) = findings.first_mut() {
        first.message = format!("{table}: {}", first.message);
    }
    // Another table Codex refuses breaks this one too: the whole file is refused.
    findings.splice(0..0, refused.iter().cloned());
    let evidence = json!({
        "provider_id": block.id,
        "at": file.at(block.line),
        "mode": mode,
        "base_url": block.base_url.as_deref().map(redact_url),
        "route": gateway.as_ref().map(|g| g.route.name()),
        "gateway_provider": gateway.as_ref().map(|g| g.provider.clone()),
        "wire_api": block.wire_api,
        "env_key": block.env_key,
        "requires_openai_auth": block.requires_openai_auth,
        "auth_command": block.auth.as_ref().map(|a| a.command.clone()),
        "experimental_bearer_token": block.bearer_token.as_ref().map(Secret::redacted),
        "governance_header_var": block.governance_var,
        "unknown_fields": block.unknown_fields,
        "findings": findings.iter().map(|f| &f.message).collect::<Vec<_>>(),
    });
    let check = if findings.is_empty() {
        Check::pass(
            ID,
            format!(
                "{table} is a {} block for {}",
                mode.map_or("gateway", Mode::name),
                match block.standalone() {
                    Some((standalone, _)) => format!("the standalone gateway at {standalone}"),
                    None => describe_gateway(gateway.as_ref()),
                }
            ),
        )
    } else {
        joined(ID, &findings.iter().collect::<Vec<_>>())
    };
    check.evidence(evidence)
}

fn describe_gateway(gateway: Option<&GatewayUrl>) -> String {
    gateway.map_or_else(
        || "an unknown gateway".to_string(),
        |g| format!("{} (route `{}`)", g.deployment, g.route.name()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;
    use crate::doctor::facts::build::facts;

    const TABLE: &str = "[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"https://coder.example.com/api/v2/aibridge/openai/v1\"\nenv_key = \"OPENAI_API_KEY\"\nwire_api = \"responses\"\n";

    fn selected(rest: &str) -> String {
        format!("model_provider = \"ai_gateway\"\n\n{rest}")
    }

    fn run(entry: Entry<LocalCheck>, facts: &Facts) -> Check {
        (entry.run)(facts)
    }

    fn fix(check: &Check) -> &str {
        check.fix.as_deref().unwrap_or_default()
    }

    #[test]
    fn config_file_passes_fails_and_warns() {
        let ok = run(FILE, &facts(Some(&selected(TABLE)), &[]));
        assert_eq!(ok.status, Status::Pass);
        assert_eq!(ok.summary, "`/h/.codex/config.toml` parses");
        assert_eq!(ok.evidence["exists"], true);

        let missing = run(FILE, &facts(None, &[]));
        assert_eq!(missing.status, Status::Fail);
        assert!(
            missing
                .summary
                .contains("does not exist, so Codex talks to OpenAI directly")
        );

        let broken = run(FILE, &facts(Some("model_provider = \"x\"\n[tui\n"), &[]));
        assert_eq!(broken.status, Status::Fail);
        assert!(
            broken.summary.contains("config.toml:2:5"),
            "{}",
            broken.summary
        );
        assert!(fix(&broken).contains("codexgw restore"));

        let no_profile = run(FILE, &facts(Some(TABLE), &[]).with_profile("work", None));
        assert_eq!(no_profile.status, Status::Warn);
        assert!(
            no_profile
                .summary
                .contains("`work.config.toml` does not exist")
        );
        assert_eq!(
            fix(&no_profile),
            "run `codexgw setup --profile work …` to write it"
        );
        assert_eq!(no_profile.evidence["profile_exists"], false);

        let both = run(
            FILE,
            &facts(Some(TABLE), &[]).with_profile("work", Some("")),
        );
        assert_eq!(both.status, Status::Pass);
        assert!(both.summary.ends_with("and `work.config.toml` parse"));

        let broken_profile = run(
            FILE,
            &facts(Some(TABLE), &[]).with_profile("work", Some("[")),
        );
        assert_eq!(broken_profile.status, Status::Fail);
        assert!(
            broken_profile.summary.contains("work.config.toml"),
            "{}",
            broken_profile.summary
        );
    }

    #[test]
    fn without_a_readable_file_provider_and_block_are_skipped() {
        for f in [facts(None, &[]), facts(Some("["), &[])] {
            assert_eq!(run(PROVIDER, &f).status, Status::Skip);
            assert_eq!(run(BLOCK, &f).status, Status::Skip);
        }
    }

    #[test]
    fn the_selected_gateway_passes() {
        let check = run(PROVIDER, &facts(Some(&selected(TABLE)), &[]));
        assert_eq!(check.status, Status::Pass);
        assert_eq!(
            check.summary,
            "`model_provider = \"ai_gateway\"` at config.toml:1"
        );
        assert_eq!(
            check.evidence["provider_ids"],
            serde_json::json!(["ai_gateway"])
        );
    }

    #[test]
    fn a_model_provider_stranded_under_a_table_fails_with_table_and_line() {
        let f = facts(
            Some(&format!(
                "[tui]\nnotifications = true\n\nmodel_provider = \"ai_gateway\"\n\n{TABLE}"
            )),
            &[],
        );
        let check = run(PROVIDER, &f);
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("config.toml:4"), "{}", check.summary);
        assert!(
            check.summary.contains("under `[tui]` (line 1)"),
            "{}",
            check.summary
        );
        assert_eq!(
            fix(&check),
            "delete line 4 of config.toml and put `model_provider = \"ai_gateway\"` above its first `[table]` header (or run `codexgw setup`, which does both)"
        );
        // The block itself is still judged.
        assert_eq!(run(BLOCK, &f).status, Status::Pass);
    }

    #[test]
    fn settings_of_other_tables_are_not_stranded_keys() {
        let text = selected(&format!(
            "[mcp_servers.aws]\ncommand = \"aws-mcp\"\nenv = {{ profile = \"dev\" }}\n\n[tui]\ntheme.profile = \"dark\"\n\n{TABLE}"
        ));
        let check = run(PROVIDER, &facts(Some(&text), &[]));
        assert_eq!(check.status, Status::Pass, "{}", check.summary);
        assert_eq!(check.evidence["stranded"], serde_json::json!([]));

        // A stranded `model_provider = "openai"` next to a top-level key: delete it, never move it.
        let text = selected(&format!("[tui]\nmodel_provider = \"openai\"\n\n{TABLE}"));
        let check = run(PROVIDER, &facts(Some(&text), &[]));
        assert_eq!(check.status, Status::Warn);
        assert!(
            check
                .summary
                .contains("sits under `[tui]`, where Codex ignores it")
        );
        assert_eq!(fix(&check), "delete line 4 of config.toml");
    }

    #[test]
    fn a_stranded_key_fails_where_codex_refuses_and_warns_where_it_ignores() {
        let features = selected(&format!(
            "[features]\nmodel_provider = \"ai_gateway\"\n\n{TABLE}"
        ));
        let check = run(PROVIDER, &facts(Some(&features), &[]));
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.summary.contains(
                "sits under `[features]`, which makes Codex refuse the whole file: `invalid type: string \"ai_gateway\", expected a boolean`"
            ),
            "{}",
            check.summary
        );
        assert_eq!(check.evidence["stranded"][0]["codex_refuses"], true);
        // Without a top-level line it still names the refusal, not "ignored".
        let only = format!("[features]\nmodel_provider = \"ai_gateway\"\n\n{TABLE}");
        let check = run(PROVIDER, &facts(Some(&only), &[]));
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.summary.contains("refuse the whole file"),
            "{}",
            check.summary
        );

        let tui = selected(&format!(
            "[tui]\nmodel_provider = \"ai_gateway\"\n\n{TABLE}"
        ));
        let check = run(PROVIDER, &facts(Some(&tui), &[]));
        assert_eq!(check.status, Status::Warn);
        assert!(
            check.summary.contains(
                "where Codex ignores it (`--strict-config` refuses it: `unknown configuration field `tui.model_provider``)"
            ),
            "{}",
            check.summary
        );

        // Where `model_provider` is a setting of the table, it is left alone.
        for table in ["[desktop]", "[profiles.work]"] {
            let text = selected(&format!(
                "{table}\nmodel_provider = \"ai_gateway\"\n\n{TABLE}"
            ));
            let check = run(PROVIDER, &facts(Some(&text), &[]));
            assert_eq!(check.status, Status::Pass, "{table}: {}", check.summary);
            assert_eq!(check.evidence["stranded"], serde_json::json!([]));
        }
    }

    #[test]
    fn profile_flag_with_a_legacy_profile_in_config_toml_fails_with_the_move() {
        let text = selected(&format!("[profiles.gw]\nmodel = \"gpt-5\"\n\n{TABLE}"));
        let f = facts(Some(&text), &[]).with_profile("gw", Some(""));
        let check = run(PROVIDER, &f);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.summary.starts_with("`[profiles.gw]` at config.toml:3: `codex --profile gw` refuses to start (`--profile `gw` cannot be used while /h/.codex/config.toml contains legacy"),
            "{}",
            check.summary
        );
        assert_eq!(
            fix(&check),
            "move the keys of `[profiles.gw]` (line 3 of config.toml) into `gw.config.toml` (top-level keys there), then delete the table"
        );
        // Another profile's table is inert, not a conflict.
        let f = facts(Some(&text), &[]).with_profile("other", Some(""));
        assert_eq!(run(PROVIDER, &f).status, Status::Pass);

        let text = format!("profile = \"gw\"\n{}", selected(TABLE));
        let f = facts(Some(&text), &[]).with_profile("gw", Some(""));
        let check = run(PROVIDER, &f);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check
                .summary
                .starts_with("`profile = \"gw\"` at config.toml:1: `codex --profile gw`")
        );
        assert_eq!(fix(&check), "delete line 1 of config.toml");
    }

    #[test]
    fn a_legacy_profile_key_fails() {
        let text = format!("model_provider = \"ai_gateway\"\nprofile = \"aibridge\"\n\n{TABLE}");
        let check = run(PROVIDER, &facts(Some(&text), &[]));
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("config.toml:2"));
        assert!(check.summary.contains("refuse to start"));
        assert_eq!(check.evidence["legacy_profile"], "aibridge");
    }

    #[test]
    fn an_older_provider_id_next_to_the_new_one_warns_about_history() {
        let older = TABLE
            .replace("ai_gateway", "aibridge")
            .replace("coder.example.com", "old-coder.example.com");
        let check = run(
            PROVIDER,
            &facts(Some(&selected(&format!("{TABLE}\n{older}"))), &[]),
        );
        assert_eq!(check.status, Status::Warn);
        assert!(
            check
                .summary
                .contains("`[model_providers.aibridge]` is still defined next to `ai_gateway`")
        );
        assert!(fix(&check).contains("session history per provider id"));
        assert!(fix(&check).contains("codexgw remove --provider-id aibridge"));
    }

    #[test]
    fn the_same_gateway_block_under_an_older_id_is_the_resume_alias() {
        // What a migrating setup leaves: the older id as the same block, under another name.
        let alias = TABLE
            .replace("ai_gateway", "aibridge")
            .replace("AI Gateway", "AI Bridge");
        let check = run(
            PROVIDER,
            &facts(Some(&selected(&format!("{alias}\n{TABLE}"))), &[]),
        );
        assert_eq!(check.status, Status::Pass, "{}", check.summary);
        assert!(check.summary.contains(
            "(note: `[model_providers.aibridge]` is the same gateway block as `ai_gateway`"
        ));
        assert_eq!(check.evidence["resume_aliases"], json!(["aibridge"]));
        // Another credential is another block.
        let other = alias.replace("OPENAI_API_KEY", "CODER_AIBRIDGE_SESSION_TOKEN");
        let check = run(
            PROVIDER,
            &facts(Some(&selected(&format!("{other}\n{TABLE}"))), &[]),
        );
        assert_eq!(check.status, Status::Warn);
    }

    #[test]
    fn inert_profile_tables_are_a_note() {
        let text = selected(&format!(
            "[profiles.aibridge]\nmodel_provider = \"aibridge\"\n\n{TABLE}"
        ));
        let check = run(PROVIDER, &facts(Some(&text), &[]));
        assert_eq!(check.status, Status::Pass);
        assert!(
            check
                .summary
                .contains("`[profiles.aibridge]` in config.toml is inert"),
            "{}",
            check.summary
        );
    }

    #[test]
    fn a_model_provider_pointing_elsewhere_fails() {
        let f = facts(
            Some(&format!("model_provider = \"openai\"\n\n{TABLE}")),
            &[],
        );
        let check = run(PROVIDER, &f);
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("built-in provider"));
        // The gateway table is still found and judged.
        assert_eq!(run(BLOCK, &f).status, Status::Pass);

        let f = facts(Some(&format!("model_provider = \"gw\"\n\n{TABLE}")), &[]);
        let check = run(PROVIDER, &f);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check
                .summary
                .contains("there is no `[model_providers.gw]` table")
        );

        // A typo in `--provider-id`: no suggestion to select it; the ids that exist instead.
        let pinned = facts(Some(&selected(TABLE)), &[]).with_provider_id("ai_gatway");
        let check = run(PROVIDER, &pinned);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.summary.starts_with(
                "`--provider-id ai_gatway`: the config has no `[model_providers.ai_gatway]` table"
            ),
            "{}",
            check.summary
        );
        let expected = "check the id: the config defines `ai_gateway` (`--provider-id <one of them>`); to write `ai_gatway`, run `codexgw setup --provider-id ai_gatway --mode centralized|byok|chatgpt --url <deployment>`";
        assert_eq!(fix(&check), expected);
        assert!(!fix(&check).contains("model_provider = \"ai_gatway\""));
        let block = run(BLOCK, &pinned);
        assert_eq!(block.status, Status::Fail);
        assert_eq!(
            block.summary,
            "there is no `[model_providers.ai_gatway]` table"
        );
        assert_eq!(fix(&block), expected);
        // An id that has a table but is not selected: select it.
        let two = selected(&format!("{TABLE}\n{}", TABLE.replace("ai_gateway", "gw2")));
        let check = run(PROVIDER, &facts(Some(&two), &[]).with_provider_id("gw2"));
        assert!(check.summary.contains("not `gw2`"));
        assert_eq!(
            fix(&check),
            "set `model_provider = \"gw2\"` at config.toml:1"
        );
    }

    #[test]
    fn no_model_provider_fails() {
        let check = run(PROVIDER, &facts(Some(TABLE), &[]));
        assert_eq!(check.status, Status::Fail);
        assert_eq!(
            check.summary,
            "no `model_provider` is set, so Codex talks to OpenAI directly"
        );
        let check = run(
            PROVIDER,
            &facts(Some(TABLE), &[]).with_profile("work", Some("")),
        );
        assert_eq!(fix(&check), "run `codexgw setup --profile work …`");
    }

    #[test]
    fn the_profile_file_wins_over_config_toml() {
        let f = facts(Some(&format!("model_provider = \"other\"\n{TABLE}")), &[])
            .with_profile("work", Some("model_provider = \"ai_gateway\"\n"));
        let check = run(PROVIDER, &f);
        assert_eq!(check.status, Status::Pass);
        assert_eq!(
            check.summary,
            "`model_provider = \"ai_gateway\"` at work.config.toml:1, over `other` in config.toml:1"
        );
    }

    #[test]
    fn block_findings_fail_or_warn() {
        let check = run(
            BLOCK,
            &facts(
                Some(&selected(&TABLE.replace("\"responses\"", "\"chat\""))),
                &[],
            ),
        );
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("no longer supported"));
        assert_eq!(check.evidence["mode"], "centralized");

        let check = run(
            BLOCK,
            &facts(
                Some(&selected(&TABLE.replace("base_url", "# base_url"))),
                &[],
            ),
        );
        assert_eq!(check.status, Status::Fail);
        assert!(check.summary.contains("api.openai.com"));

        let secret_in_file = TABLE.replace(
            "env_key = \"OPENAI_API_KEY\"",
            "experimental_bearer_token = \"abcdefghij-0123456789abcdefghijkl\"\nretries = 3",
        );
        let check = run(BLOCK, &facts(Some(&selected(&secret_in_file)), &[]));
        assert_eq!(check.status, Status::Warn);
        assert!(check.summary.contains("plain text"));
        assert!(check.summary.contains("unknown field `retries`"));
        assert_eq!(
            check.evidence["experimental_bearer_token"],
            "abcd… (33 chars)"
        );
    }

    #[test]
    fn another_table_codex_refuses_fails_the_block() {
        let text = selected(&format!(
            "{TABLE}\n[model_providers.openai]\nname = \"x\"\n"
        ));
        let check = run(BLOCK, &facts(Some(&text), &[]));
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.summary.starts_with("Codex refuses to load the file because of `[model_providers.openai]` at config.toml:9"),
            "{}",
            check.summary
        );
        assert!(
            fix(&check)
                .starts_with("delete the `[model_providers.openai]` table (line 9 of config.toml)")
        );
    }
}
