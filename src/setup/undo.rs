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
use crate::setup::plan::{FileChange, ParsedFile};

/// How to undo setup's edit of one file for one provider, without keeping the file: a config
/// may be megabytes, and the record is read and written at every setup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undo {
    /// `model_provider` and the provider table as they were before setup, as a TOML text that
    /// holds only those: what goes back into a file edited since setup wrote it.
    #[serde(default)]
    pub earlier: String,
    /// The file as setup left it.
    #[serde(default)]
    pub written: Fingerprint,
    /// The edits that turn the file setup left back into the one it found, byte for byte.
    #[serde(default)]
    pub reverse: Vec<Splice>,
    /// Setup took over a table it had not written (`--replace`).
    #[serde(default)]
    pub replaced: bool,
    /// Records of earlier codexgw builds held both whole texts; [`upgrade`] turns them into
    /// the fields above when the state is read.
    #[serde(default, skip_serializing)]
    before: Option<String>,
    #[serde(default, skip_serializing)]
    after: Option<String>,
}

/// A text's length and SHA-256: whether a file is still exactly what setup wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub len: usize,
    pub sha256: String,
}

impl Fingerprint {
    pub fn of(text: &str) -> Fingerprint {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(text.as_bytes());
        Fingerprint {
            len: text.len(),
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        self.len == text.len() && *self == Fingerprint::of(text)
    }
}

/// Replace `len` bytes at byte `at` with `text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Splice {
    pub at: usize,
    pub len: usize,
    pub text: String,
}

impl Splice {
    /// The edits, line by line, that turn `from` into `to`: only the lines that differ.
    pub fn between(from: &str, to: &str) -> Vec<Splice> {
        let old: Vec<&str> = from.split_inclusive('\n').collect();
        let new: Vec<&str> = to.split_inclusive('\n').collect();
        let offsets = |lines: &[&str]| {
            let mut at = Vec::with_capacity(lines.len() + 1);
            let mut sum = 0;
            at.push(0);
            for line in lines {
                sum += line.len();
                at.push(sum);
            }
            at
        };
        let (old_at, new_at) = (offsets(&old), offsets(&new));
        crate::setup::diff::line_ops(&old, &new)
            .into_iter()
            .filter(|op| !matches!(op, similar::DiffOp::Equal { .. }))
            .map(|op| {
                let (o, n) = (op.old_range(), op.new_range());
                Splice {
                    at: old_at[o.start],
                    len: old_at[o.end] - old_at[o.start],
                    text: to[new_at[n.start]..new_at[n.end]].to_string(),
                }
            })
            .collect()
    }

    /// `text` with `splices` (in order, not overlapping) applied; `None` when they do not fit it.
    pub fn apply(text: &str, splices: &[Splice]) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for splice in splices {
            let end = splice.at.checked_add(splice.len)?;
            out.push_str(text.get(copied..splice.at)?);
            text.get(splice.at..end)?;
            out.push_str(&splice.text);
            copied = end;
        }
        out.push_str(text.get(copied..)?);
        Some(out)
    }
}

/// File name → provider id → how to undo setup's edit.
pub type Records = BTreeMap<String, BTreeMap<String, Undo>>;

pub fn record<'a>(records: &'a Records, file: &Path, id: &str) -> Option<&'a Undo> {
    records.get(&crate::setup::plan::file_name(file))?.get(id)
}

/// Turns records that hold whole texts (from earlier codexgw builds) into edits.
pub fn upgrade(records: &mut Records) {
    for by_id in records.values_mut() {
        for (id, undo) in by_id.iter_mut() {
            let (Some(after), before) = (undo.after.take(), undo.before.take()) else {
                continue;
            };
            let before = before.unwrap_or_default();
            undo.earlier = ConfigDocument::parse(&before)
                .map(|doc| doc.provider_fragment(id))
                .unwrap_or_default();
            undo.written = Fingerprint::of(&after);
            undo.reverse = Splice::between(&after, &before);
        }
    }
}

/// `now` with setup's edit of provider `id` undone. A file that is still exactly what setup
/// wrote gets its earlier bytes back; otherwise the earlier provider table and `model_provider`
/// go back into the file as it is now, so the user's later edits stay.
pub fn undo_text(id: &str, path: &Path, now: &str, undo: &Undo) -> anyhow::Result<String> {
    match exact_undo(now, undo) {
        Some(before) => Ok(before),
        None => undo_parsed(id, ConfigDocument::parse_file(now, path)?, now, undo),
    }
}

/// The bytes setup found, when `now` is still exactly what it wrote.
fn exact_undo(now: &str, undo: &Undo) -> Option<String> {
    undo.written
        .matches(now)
        .then(|| Splice::apply(now, &undo.reverse))
        .flatten()
}

/// [`undo_text`] of a file edited since, `doc` being `now` parsed.
fn undo_parsed(
    id: &str,
    mut doc: ConfigDocument,
    now: &str,
    undo: &Undo,
) -> anyhow::Result<String> {
    let earlier = ConfigDocument::parse(&undo.earlier).unwrap_or_else(|_| ConfigDocument::empty());
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

/// A change setup is about to write, with the file as setup found it parsed (when the plan
/// has it): what undoing starts from.
#[derive(Debug, Clone)]
pub struct Undoable {
    pub change: FileChange,
    pub found: Option<ConfigDocument>,
}

/// Remembers how to undo `changes` (setup's edits for provider `id`). A file recorded before
/// keeps its earliest state: the old record undone on the file as setup found it, so a second
/// setup never makes `remove` forget what came before the first.
pub fn remember(
    records: &mut Records,
    id: &str,
    changes: &[Undoable],
    replaced: bool,
) -> anyhow::Result<()> {
    for Undoable { change, found } in changes {
        let parsed = |text: &str| match found {
            Some(doc) => Ok(doc.clone()),
            None => ConfigDocument::parse_file(text, &change.path),
        };
        let file = records.entry(change.file_name()).or_default();
        let old = file.get(id);
        let (before, earlier) = match (old, change.before.as_deref()) {
            (Some(old), Some(now)) => {
                let before = match exact_undo(now, old) {
                    Some(before) => before,
                    None => undo_parsed(id, parsed(now)?, now, old)?,
                };
                (before, old.earlier.clone())
            }
            (Some(old), None) => (String::new(), old.earlier.clone()),
            (None, Some(now)) => (now.to_string(), parsed(now)?.provider_fragment(id)),
            (None, None) => (String::new(), String::new()),
        };
        let replaced = replaced || old.is_some_and(|old| old.replaced);
        file.insert(
            id.to_string(),
            Undo {
                earlier,
                written: Fingerprint::of(&change.after),
                reverse: Splice::between(&change.after, &before),
                replaced,
                before: None,
                after: None,
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
    config: &ParsedFile,
    id: &str,
    records: &Records,
    replace: bool,
) -> anyhow::Result<bool> {
    let doc = &config.doc;
    if config.state.before.is_none() || record(records, &config.state.path, id).is_some() {
        return Ok(false);
    }
    if !doc.has_provider(id) || is_gateway_block(doc, id) {
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
            config.state.path.display()
        ),
        format!(
            "use a free id: `--provider-id {}`, or take the table over with `--replace` (`codexgw remove` gives it back as it is now)",
            free_id(doc, id)
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

    fn state(text: &str) -> ParsedFile {
        ParsedFile::parse(crate::setup::plan::FileState {
            path: PathBuf::from("config.toml"),
            before: Some(text.into()),
        })
        .unwrap()
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
        let written = Undoable {
            change: FileChange {
                path: PathBuf::from("config.toml"),
                before: None,
                after: String::new(),
            },
            found: None,
        };
        remember(&mut records, "ai_gateway", &[written], false).unwrap();
        assert!(!check_ownership(&state(FOREIGN), "ai_gateway", &records, false).unwrap());
    }

    #[test]
    fn undo_keeps_later_edits_and_gives_back_the_earlier_table() {
        let after = "model_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"https://c.example.com/api/v2/aibridge/openai/v1\"\n";
        let path = Path::new("config.toml");
        let mut records = Records::new();
        let setup = Undoable {
            change: FileChange {
                path: path.to_path_buf(),
                before: Some(FOREIGN.into()),
                after: after.into(),
            },
            found: None,
        };
        remember(&mut records, "ai_gateway", &[setup], true).unwrap();
        let undo = record(&records, path, "ai_gateway").unwrap();
        assert_eq!(undo_text("ai_gateway", path, after, undo).unwrap(), FOREIGN);
        let edited = format!("{after}\n[tui]\nnotifications = true\n");
        let undone = undo_text("ai_gateway", path, &edited, undo).unwrap();
        assert_eq!(
            undone,
            "model_provider = \"ai_gateway\"\n\n[model_providers.ai_gateway]\nname = \"Other\" # keep\nbase_url = \"https://llm.example.net/v1\"\n\n[tui]\nnotifications = true\n"
        );
        // The record holds edits and a fingerprint, not the files.
        let stored = serde_json::to_string(&records).unwrap();
        assert!(!stored.contains("AI Gateway"), "{stored}");
    }

    #[test]
    fn records_of_earlier_builds_are_read_as_edits() {
        let after = "model_provider = \"ai_gateway\"\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\n";
        let legacy = serde_json::json!({ "config.toml": { "ai_gateway": {
            "before": FOREIGN, "after": after, "replaced": true,
        } } });
        let mut records: Records = serde_json::from_value(legacy).unwrap();
        upgrade(&mut records);
        let path = Path::new("config.toml");
        let undo = record(&records, path, "ai_gateway").unwrap();
        assert!(undo.replaced);
        assert_eq!(undo_text("ai_gateway", path, after, undo).unwrap(), FOREIGN);
        let edited = format!("# mine\n{after}");
        assert!(
            undo_text("ai_gateway", path, &edited, undo)
                .unwrap()
                .contains("name = \"Other\" # keep")
        );
    }

    #[test]
    fn splices_give_back_the_text_they_were_taken_from() {
        let from = "a = 1\nb = 2\nc = 3\n[t]\nd = 4";
        for to in [
            "",
            "a = 1\n",
            "x = 0\na = 1\nb = 2\nc = 3\n[t]\nd = 4\n",
            "b = 2\n[t]\nd = 5",
        ] {
            let splices = Splice::between(to, from);
            assert_eq!(Splice::apply(to, &splices).as_deref(), Some(from), "{to:?}");
        }
        let out_of_range = [Splice {
            at: 9,
            len: 1,
            text: String::new(),
        }];
        assert_eq!(Splice::apply("short", &out_of_range), None);
    }
}
