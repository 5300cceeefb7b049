//! Older Coder configs brought to what today's Codex loads, as part of setup's plan: the blocks
//! Coder's docs and registry module wrote (ids `aibridge` / `aigateway`, their token variables,
//! `wire_api = "chat"`, `preferred_auth_method`), legacy profiles, and `model_provider` lines
//! stranded under another table. Every change lands in the diff setup shows before it asks.

use toml_edit::Item;

use crate::codex::document::ConfigDocument;
use crate::codex::inspect::{Misplaced, OLDER_GATEWAY_IDS};
use crate::codex::mode::ProviderSpec;

/// The variables Coder's codex module (4.x to 5.2.0, then 5.2.1+) put the Coder token in.
pub const LEGACY_ENV_KEYS: [&str; 2] = [
    "CODER_AIBRIDGE_SESSION_TOKEN",
    "OPENAI_CODER_AIGATEWAY_SESSION_TOKEN",
];

/// A setting older Codex read and the module still writes; today's Codex ignores it, and
/// refuses it under `--strict-config` (verified with 0.169 and 0.171).
const OBSOLETE_AUTH_KEY: &str = "preferred_auth_method";

const MANAGED_OPEN: &str = "# >>> coder-managed";
const MANAGED_CLOSE: &str = "# <<< coder-managed";

/// What migrating the config changed beyond setup's own block, and what it could not fix.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Migration {
    /// One line per change, shown before setup asks to write.
    pub notes: Vec<String>,
    /// What outlives the write, each with its fix.
    pub warnings: Vec<String>,
}

/// The legacy profile setup has to move for this config: a top-level `profile = "NAME"`, or
/// `[profiles.NAME]` when setup was asked for `--profile NAME` (Codex then refuses `-p NAME`).
pub fn legacy_profile_name(doc: &ConfigDocument, requested: Option<&str>) -> Option<String> {
    if let Some(name) = doc.top_level_str("profile") {
        return Some(name.to_string());
    }
    let requested = requested?;
    doc.has_table("profiles", requested)
        .then(|| requested.to_string())
}

/// Migrates `doc` (whose text on disk is `text`) for `spec`. Legacy profile tables whose name is
/// in `movable` are taken out and returned with their name, for the caller to merge into
/// `NAME.config.toml`; `requested` is `--profile`.
pub fn migrate(
    doc: &mut ConfigDocument,
    text: &str,
    spec: &ProviderSpec,
    requested: Option<&str>,
    movable: &[&str],
) -> anyhow::Result<(Migration, Vec<(String, Item)>)> {
    let mut migration = Migration::default();
    let managed = managed_block(text);
    if managed.is_none() && written_by_rewriting_module(doc) {
        migration.warnings.push(format!(
            "this config.toml looks written by Coder's codex module 5.0–5.1.x (`[model_providers.aigateway]` with `CODER_AIBRIDGE_SESSION_TOKEN` and no `{MANAGED_OPEN}` markers), which rewrites the whole file at every workspace start: this setup lasts until the next start; upgrade the module in the template to 5.2 or later, or use `codexgw template --mode {}`",
            spec.mode
        ));
    }
    if doc.remove_top_level(OBSOLETE_AUTH_KEY) {
        migration.notes.push(format!(
            "removes the top-level `{OBSOLETE_AUTH_KEY}`: Codex no longer reads it (and refuses it under --strict-config)"
        ));
    }
    let keep =
        |table: &str| table == "desktop" || table == "profiles" || table.starts_with("profiles.");
    for table in doc.remove_stranded("model_provider", &keep) {
        migration.notes.push(format!(
            "removes the `model_provider` line under `[{table}]`: it belongs at the top, where setup sets it (Codex ignores it there, or refuses the file under [features])"
        ));
    }
    let mut moved = Vec::new();
    let selector = doc.top_level_str("profile").map(str::to_string);
    if let Some(name) = &selector {
        doc.remove_top_level("profile");
        migration.notes.push(format!(
            "removes `profile = \"{name}\"`, which Codex refuses (\"legacy `profile = \\\"{name}\\\"` config is no longer supported\"); use `codex --profile {name}`"
        ));
    }
    for name in selector.iter().map(String::as_str).chain(requested) {
        if moved.iter().any(|(n, _)| n == name) {
            continue;
        }
        if !movable.contains(&name) {
            if doc.has_table("profiles", name) {
                migration.warnings.push(format!(
                    "`[profiles.{name}]` stays in config.toml, where Codex ignores it; move its keys into `{name}.config.toml` to use them with `codex --profile {name}`"
                ));
            }
            continue;
        }
        if let Some(table) = doc.take_table("profiles", name) {
            migration.notes.push(format!(
                "moves `[profiles.{name}]` into `{name}.config.toml`, as Codex asks (`codex --profile {name}` reads that file and refuses while the table is in config.toml)"
            ));
            moved.push((name.to_string(), table));
        }
    }
    for id in doc.provider_ids() {
        let removed = doc.remove_provider_key(&id, OBSOLETE_AUTH_KEY);
        if id == spec.id || !is_legacy_gateway(doc, &id) {
            if removed {
                migration.notes.push(format!(
                    "removes `{OBSOLETE_AUTH_KEY}` from `[model_providers.{id}]` (unknown to Codex)"
                ));
            }
            continue;
        }
        let alias = ProviderSpec {
            id: id.clone(),
            ..spec.clone()
        };
        doc.apply_provider(&alias)?;
        migration.notes.push(format!(
            "converts the older Coder block `[model_providers.{id}]` into the same gateway block as `{}`, kept as an alias so `codex resume` of sessions started with `{id}` still finds its provider",
            spec.id
        ));
        if managed
            .as_deref()
            .is_some_and(|block| defines_provider(block, &id))
        {
            migration.warnings.push(format!(
                "`[model_providers.{id}]` sits inside the block Coder's codex module manages: setup edited its keys in place, and the module writes them back at the next workspace start; change the template: `codexgw template --mode {}` prints the module block to use",
                spec.mode
            ));
        }
    }
    Ok((migration, moved))
}

/// Tables where `model_provider` is a setting of their own, not a misplaced top-level key.
fn keeps_model_provider(table: &str) -> bool {
    table == "desktop" || table == "profiles" || table.starts_with("profiles.")
}

/// What [`migrate`] leaves of `found` (the misplaced keys of the file as read): it removes
/// every legacy `profile` selector and each `model_provider` outside the tables that keep theirs.
pub fn left_misplaced(found: &Misplaced) -> Misplaced {
    Misplaced {
        stranded: found
            .stranded
            .iter()
            .filter(|s| s.key != "model_provider" || keeps_model_provider(&s.table))
            .cloned()
            .collect(),
        legacy_profile: None,
    }
}

/// A provider table Coder's docs or registry module wrote: their id or token variable, pointed
/// at a Coder gateway route.
fn is_legacy_gateway(doc: &ConfigDocument, id: &str) -> bool {
    let Some(table) = doc.provider(id) else {
        return false;
    };
    let text = |key: &str| table.get(key).and_then(Item::as_str);
    let coder_route = text("base_url").is_some_and(|url| {
        url.contains("/api/v2/aibridge/") || url.contains("/api/v2/ai-gateway/")
    });
    let legacy_env = text("env_key").is_some_and(|key| LEGACY_ENV_KEYS.contains(&key));
    coder_route && (OLDER_GATEWAY_IDS.contains(&id) || legacy_env)
}

/// Module 5.0–5.1.x: its provider and token variable, no markers (those came with 5.2.0).
fn written_by_rewriting_module(doc: &ConfigDocument) -> bool {
    doc.provider("aigateway")
        .and_then(|t| t.get("env_key"))
        .and_then(Item::as_str)
        == Some(LEGACY_ENV_KEYS[0])
}

/// The text between the module's markers.
fn managed_block(text: &str) -> Option<String> {
    let start = text.find(MANAGED_OPEN)?;
    let end = text[start..]
        .find(MANAGED_CLOSE)
        .map_or(text.len(), |i| start + i);
    Some(text[start..end].to_string())
}

fn defines_provider(block: &str, id: &str) -> bool {
    block.lines().map(str::trim).any(|line| {
        line.starts_with(&format!("[model_providers.{id}]"))
            || line.starts_with(&format!("model_providers.{id}."))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_to_move_is_the_selector_or_the_requested_table() {
        let doc = |text: &str| ConfigDocument::parse(text).unwrap();
        let text = doc("profile = \"aibridge\"\n[profiles.aibridge]\nmodel = \"o3\"\n");
        assert_eq!(
            legacy_profile_name(&text, None).as_deref(),
            Some("aibridge")
        );
        let text = &doc("[profiles.work]\nmodel = \"o3\"\n");
        assert_eq!(
            legacy_profile_name(text, Some("work")).as_deref(),
            Some("work")
        );
        assert_eq!(legacy_profile_name(text, Some("home")), None);
        assert_eq!(legacy_profile_name(text, None), None);
    }

    #[test]
    fn the_managed_block_ends_at_its_closing_marker() {
        let text = "a = 1\n# >>> coder-managed: codex module >>>\n[model_providers.aigateway]\n# <<< coder-managed: codex module <<<\n[model_providers.aibridge]\n";
        let block = managed_block(text).unwrap();
        assert!(defines_provider(&block, "aigateway"));
        assert!(!defines_provider(&block, "aibridge"));
    }
}
