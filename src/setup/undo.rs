//! What setup changed, remembered so `remove` undoes exactly that and nothing more: the provider
//! table as it was before (comments and layout too), the earlier `model_provider`, and no table
//! codexgw did not write. A table under the same id that belongs to someone else is never taken
//! over silently.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::coder::deployment::Deployment;
use crate::codex::document::ConfigDocument;
use crate::error;
use crate::setup::plan::{FileChange, FileState};

/// One file's text before codexgw set up one provider in it, and as setup last wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undo {
    /// `None`: the file did not exist.
    pub before: Option<String>,
    pub after: String,
    /// Setup took over a table it had not written (`--replace`).
    #[serde(default)]
    pub replaced: bool,
}

/// File name → provider id → how to undo setup's edit.
pub type Records = BTreeMap<String, BTreeMap<String, Undo>>;

pub fn record<'a>(records: &'a Records, file: &Path, id: &str) -> Option<&'a Undo> {
    records.get(&crate::setup::plan::file_name(file))?.get(id)
}

/// `now` with setup's edit of provider `id` undone. A file that is still exactly what setup
/// wrote gets its earlier bytes back; otherwise the earlier provider table and `model_provider`
/// go back into the file as it is now, so the user's later edits stay.
pub fn undo_text(id: &str, path: &Path, now: &str, undo: &Undo) -> anyhow::Result<String> {
    if now == undo.after {
        return Ok(undo.before.clone().unwrap_or_default());
    }
    let earlier = match &undo.before {
        Some(text) => ConfigDocument::parse_file(text, path)?,
        None => ConfigDocument::empty(),
    };
    let mut doc = ConfigDocument::parse_file(now, path)?;
    let mut changed = doc.restore_provider_from(id, &earlier);
    if doc.top_level_str("model_provider") == Some(id) {
        changed |= match earlier.top_level_str("model_provider") {
            Some(value) => doc.set_top_level_str("model_provider", value)?,
            None => doc.remove_top_level("model_provider"),
        };
    }
    Ok(if changed {
        doc.render()
    } else {
        now.to_string()
    })
}

/// Remembers how to undo `changes` (setup's edits for provider `id`). A file recorded before
/// keeps its earliest state: its new `before` is the old record undone on the file as setup
/// found it, so a second setup never makes `remove` forget what came before the first.
pub fn remember(
    records: &mut Records,
    id: &str,
    changes: &[FileChange],
    replaced: bool,
) -> anyhow::Result<()> {
    for change in changes {
        let file = records.entry(change.file_name()).or_default();
        let old = file.get(id);
        let before = match (old, &change.before) {
            (Some(old), Some(now)) if *now == old.after => old.before.clone(),
            (Some(old), Some(now)) => Some(undo_text(id, &change.path, now, old)?),
            (_, before) => before.clone(),
        };
        let replaced = replaced || old.is_some_and(|old| old.replaced);
        file.insert(
            id.to_string(),
            Undo {
                before,
                after: change.after.clone(),
                replaced,
            },
        );
    }
    Ok(())
}

/// Forgets the records of provider `id` in the files `remove` just wrote.
pub fn forget(records: &mut Records, id: &str, changes: &[FileChange]) {
    for change in changes {
        let name = change.file_name();
        if let Some(file) = records.get_mut(&name) {
            file.remove(id);
            if file.is_empty() {
                records.remove(&name);
            }
        }
    }
}

/// Whether a provider table looks like the block Coder's docs, its registry module or codexgw
/// write: a `base_url` under a gateway route. Anything else under the id is someone else's.
pub fn is_gateway_block(doc: &ConfigDocument, id: &str) -> bool {
    doc.provider(id)
        .and_then(|table| table.get("base_url"))
        .and_then(|item| item.as_str())
        .and_then(|url| Deployment::parse(url, true).ok())
        .is_some_and(|parsed| parsed.route.is_some())
}

/// Whether setup may write provider `id` into `config`. A table codexgw has no record of
/// writing and that is not a gateway block is refused, naming a free id, unless `replace`
/// takes it over. Returns whether setup takes over such a table.
pub fn check_ownership(
    config: &FileState,
    id: &str,
    records: &Records,
    replace: bool,
) -> anyhow::Result<bool> {
    let Some(text) = config.before.as_deref() else {
        return Ok(false);
    };
    // Most files have no table under the id: skip the parse for them.
    if !text.contains(id) || record(records, &config.path, id).is_some() {
        return Ok(false);
    }
    let doc = ConfigDocument::parse_file(text, &config.path)?;
    if !doc.has_provider(id) || is_gateway_block(&doc, id) {
        return Ok(false);
    }
    if replace {
        return Ok(true);
    }
    let points_at = doc
        .provider(id)
        .and_then(|table| table.get("base_url"))
        .and_then(|item| item.as_str())
        .map_or_else(
            || "it has no `base_url`".to_string(),
            |url| format!("it points at `{url}`"),
        );
    Err(error::usage(
        format!(
            "`{}` already has a provider `{id}` that is not a Coder gateway block ({points_at}); setup does not take it over",
            config.path.display()
        ),
        format!(
            "use a free id: `--provider-id {}`, or take the table over with `--replace` (`codexgw remove` gives it back as it is now)",
            free_id(&doc, id)
        ),
    ))
}

/// An id next to `id` that `doc` does not define yet.
fn free_id(doc: &ConfigDocument, id: &str) -> String {
    let base = format!("coder_{id}");
    std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}_{n}")))
        .find(|candidate| !doc.has_provider(candidate))
        .expect("an endless list has a free id")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const FOREIGN: &str = "# my own proxy\nmodel_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"Other\" # keep\nbase_url = \"https://llm.example.net/v1\"\n";

    fn state(text: &str) -> FileState {
        FileState {
            path: PathBuf::from("config.toml"),
            before: Some(text.into()),
        }
    }

    #[test]
    fn a_foreign_table_is_refused_with_a_free_id_unless_replaced() {
        let records = Records::new();
        let err = check_ownership(&state(FOREIGN), "ai_gateway", &records, false).unwrap_err();
        let text = error::render(&err);
        assert!(text.contains("https://llm.example.net/v1"), "{text}");
        assert!(text.contains("--provider-id coder_ai_gateway`"), "{text}");
        assert!(text.contains("--replace"), "{text}");
        assert_eq!(error::exit_kind(&err), error::ExitKind::Usage);
        assert!(check_ownership(&state(FOREIGN), "ai_gateway", &records, true).unwrap());

        let taken = format!("{FOREIGN}[model_providers.coder_ai_gateway]\nname = \"x\"\n");
        let err = check_ownership(&state(&taken), "ai_gateway", &records, false).unwrap_err();
        assert!(error::render(&err).contains("--provider-id coder_ai_gateway_2`"));
    }

    #[test]
    fn gateway_blocks_and_recorded_tables_are_ours() {
        let gateway = "[model_providers.ai_gateway]\nbase_url = \"https://c.example.com/api/v2/aibridge/openai/v1\"\n";
        assert!(!check_ownership(&state(gateway), "ai_gateway", &Records::new(), false).unwrap());
        let mut records = Records::new();
        records.entry("config.toml".into()).or_default().insert(
            "ai_gateway".into(),
            Undo {
                before: None,
                after: String::new(),
                replaced: false,
            },
        );
        assert!(!check_ownership(&state(FOREIGN), "ai_gateway", &records, false).unwrap());
    }

    #[test]
    fn undo_keeps_later_edits_and_gives_back_the_earlier_table() {
        let undo = Undo {
            before: Some(FOREIGN.into()),
            after: "model_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"https://c.example.com/api/v2/aibridge/openai/v1\"\n".into(),
            replaced: true,
        };
        let path = Path::new("config.toml");
        assert_eq!(
            undo_text("ai_gateway", path, &undo.after.clone(), &undo).unwrap(),
            FOREIGN
        );
        let edited = format!("{}\n[tui]\nnotifications = true\n", undo.after);
        let undone = undo_text("ai_gateway", path, &edited, &undo).unwrap();
        assert_eq!(
            undone,
            "model_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"Other\" # keep\nbase_url = \"https://llm.example.net/v1\"\n\n[tui]\nnotifications = true\n"
        );
    }
}
