//! What `setup` and `remove` would do to the files, computed without touching them.

use std::path::{Path, PathBuf};

use crate::codex::document::ConfigDocument;
use crate::codex::inspect::Misplaced;
use crate::codex::mode::ProviderSpec;
use crate::setup::migrate::{self, Migration};
use crate::setup::undo::{self, Undoable};

/// A file as read from disk (`before: None`: it does not exist yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub path: PathBuf,
    pub before: Option<String>,
}

/// One file's old and new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: PathBuf,
    pub before: Option<String>,
    pub after: String,
}

impl FileChange {
    pub fn is_noop(&self) -> bool {
        self.before.as_deref() == Some(self.after.as_str())
    }

    pub fn file_name(&self) -> String {
        file_name(&self.path)
    }
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Problems in a file that setup does not own and so does not fix, but that still keep Codex
/// away from the gateway.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Unowned {
    pub warnings: Vec<String>,
    /// One of them makes Codex refuse to start.
    pub codex_refuses: bool,
}

/// The opening marker of the block the Coder registry's codex module owns.
const CODER_MODULE_MARKER: &str = "# >>> coder-managed";

/// [`Unowned`] problems of `change`, given what its file held out of place when it was read
/// ([`SetupPlan::misplaced_in`]). Lines are those of the file on disk now, which is what the
/// user opens to fix them.
pub fn unowned_problems(change: &FileChange, misplaced: Option<&Misplaced>) -> Unowned {
    let name = change.file_name();
    let mut found = Unowned::default();
    if change.after.contains(CODER_MODULE_MARKER) {
        found.warnings.push(format!(
            "{name} has a part managed by Coder's codex module, which rewrites it at every workspace start; make the same change in the template (`codexgw template --help`)"
        ));
    }
    // Setup fixes none of these, so the file as it is holds every one of them; the parse that
    // planned the edit found them.
    let Some(misplaced) = misplaced else {
        return found;
    };
    for stranded in &misplaced.stranded {
        let at = format!("{name}:{}", stranded.line);
        found
            .warnings
            .push(format!("{}; delete that line", stranded.message(&at)));
    }
    if let Some(profile) = &misplaced.legacy_profile {
        let at = format!("{name}:{}", profile.line);
        found.warnings.push(format!(
            "{}; delete that line (profiles are now files: `codex --profile NAME` reads NAME.config.toml)",
            crate::codex::inspect::legacy_profile_message(&profile.value, &at)
        ));
        found.codex_refuses = true;
    }
    found
}

/// The result of planning `setup`.
#[derive(Debug, Clone)]
pub struct SetupPlan {
    /// Only files whose text changes.
    pub changes: Vec<FileChange>,
    /// What setup changes in older Coder configs beyond its own block.
    pub migration: Migration,
    /// config.toml as migrated but before setup's own block, when a migration changed it:
    /// what `remove` gives back, since it must not put back a line Codex refuses.
    pub migrated_before: Option<String>,
    /// Each file as setup found it (config.toml as migrated), by path: what undoing setup
    /// starts from, without parsing the file again.
    pub found: Vec<(PathBuf, ConfigDocument)>,
    /// What each file read (by path) holds where Codex does not read it as meant; setup leaves
    /// it, and warns.
    pub misplaced: Vec<(PathBuf, Misplaced)>,
    /// The parsed files. Freeing the tree of a large file costs a noticeable share of a whole
    /// run, so a command that ends right after may leak them on purpose
    /// (`std::mem::forget`); dropped with the plan otherwise.
    pub documents: Vec<ConfigDocument>,
}

impl SetupPlan {
    pub fn misplaced_in(&self, path: &Path) -> Option<&Misplaced> {
        self.misplaced
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, m)| m)
    }
}

/// A file as read and parsed: parsed once for everything setup decides about it (whose table
/// it is, which legacy profile moves, the plan), since the parse is most of a run's work.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub state: FileState,
    pub doc: ConfigDocument,
}

impl ParsedFile {
    pub fn parse(state: FileState) -> anyhow::Result<ParsedFile> {
        let doc = parse(&state)?;
        Ok(ParsedFile { state, doc })
    }
}

fn parse(state: &FileState) -> anyhow::Result<ConfigDocument> {
    match &state.before {
        Some(text) => ConfigDocument::parse_file(text, &state.path),
        None => Ok(ConfigDocument::empty()),
    }
}

fn change(state: FileState, doc: &ConfigDocument, changed: bool) -> Option<FileChange> {
    let after = if changed || state.before.is_none() {
        doc.render()
    } else {
        state.before.clone().unwrap_or_default()
    };
    changed_to(state, after)
}

/// Writes the provider block into `config`, and points `model_provider` at it: at the top of
/// `config`, or only in the profile file when one is given.
pub fn plan_setup(
    spec: &ProviderSpec,
    config: FileState,
    profile: Option<FileState>,
) -> anyhow::Result<SetupPlan> {
    plan_setup_migrating(spec, ParsedFile::parse(config)?, profile, None)
}

/// [`plan_setup`], migrating older Coder configs on the way (see [`migrate`]). `legacy` is the
/// file of the legacy profile to move when it is not the `--profile` one
/// ([`migrate::legacy_profile_name`]).
pub fn plan_setup_migrating(
    spec: &ProviderSpec,
    config: ParsedFile,
    profile: Option<FileState>,
    legacy: Option<FileState>,
) -> anyhow::Result<SetupPlan> {
    let ParsedFile {
        state: config,
        mut doc,
    } = config;
    let mut misplaced = Vec::new();
    let requested = profile.as_ref().map(|p| profile_name(&p.path));
    let movable: Vec<String> = profile
        .iter()
        .chain(&legacy)
        .map(|f| profile_name(&f.path))
        .collect();
    let movable: Vec<&str> = movable.iter().map(String::as_str).collect();
    let (mut migration, moved) = migrate::migrate(
        &mut doc,
        config.before.as_deref().unwrap_or_default(),
        spec,
        requested.as_deref(),
        &movable,
    )?;
    misplaced.push((
        config.path.clone(),
        migrate::left_misplaced(doc.misplaced()),
    ));
    let mut changed = !moved.is_empty() || !migration.notes.is_empty();
    let migrated_before = changed.then(|| doc.render());
    let mut found = vec![(config.path.clone(), doc.clone())];
    changed |= doc.apply_provider(spec)?;
    let mut profile_changes = Vec::new();
    let mut documents = Vec::new();
    let mut merge_moved = |file: &FileState, target: &mut ConfigDocument| -> bool {
        let name = profile_name(&file.path);
        let mut merged = false;
        for (_, table) in moved.iter().filter(|(n, _)| *n == name) {
            for key in target.merge_top_level(table.clone()) {
                migration.warnings.push(format!(
                    "`{}` already sets `{key}`: kept its value, not the one from `[profiles.{name}]`",
                    file_name(&file.path)
                ));
            }
            merged = true;
        }
        merged
    };
    if let Some(legacy) = legacy {
        let mut legacy_doc = parse(&legacy)?;
        found.push((legacy.path.clone(), legacy_doc.clone()));
        let merged = merge_moved(&legacy, &mut legacy_doc);
        profile_changes.extend(change(legacy, &legacy_doc, merged));
        documents.push(legacy_doc);
    }
    match profile {
        None => changed |= doc.set_top_level_str("model_provider", &spec.id)?,
        Some(profile) => {
            let mut profile_doc = parse(&profile)?;
            found.push((profile.path.clone(), profile_doc.clone()));
            misplaced.push((profile.path.clone(), profile_doc.misplaced().clone()));
            let merged = merge_moved(&profile, &mut profile_doc);
            let profile_changed = profile_doc.set_top_level_str("model_provider", &spec.id)?;
            profile_changes.extend(change(profile, &profile_doc, profile_changed | merged));
            documents.push(profile_doc);
        }
    }
    // A moved profile lands in its file before config.toml loses it; otherwise the table is
    // written before a profile points at it.
    let config_change = change(config, &doc, changed);
    let changes = match moved.is_empty() {
        true => config_change.into_iter().chain(profile_changes).collect(),
        false => profile_changes.into_iter().chain(config_change).collect(),
    };
    documents.push(doc);
    Ok(SetupPlan {
        changes,
        migration,
        migrated_before,
        found,
        misplaced,
        documents,
    })
}

impl SetupPlan {
    /// The changes as `remove` should undo them: config.toml goes back to its migrated text,
    /// not to lines Codex refuses.
    pub fn changes_to_undo(&self, config: &Path) -> Vec<Undoable> {
        self.changes
            .iter()
            .map(|change| {
                let change = match &self.migrated_before {
                    Some(migrated) if change.path == config => FileChange {
                        before: Some(migrated.clone()),
                        ..change.clone()
                    },
                    _ => change.clone(),
                };
                let found = self
                    .found
                    .iter()
                    .find(|(path, _)| *path == change.path)
                    .map(|(_, doc)| doc.clone());
                Undoable { change, found }
            })
            .collect()
    }
}

/// `NAME` of `NAME.config.toml`.
fn profile_name(path: &Path) -> String {
    let name = file_name(path);
    name.strip_suffix(".config.toml")
        .unwrap_or(&name)
        .to_string()
}

/// What codexgw remembers of `model_provider` before its first setup, by file name
/// (`None`: the key was absent).
pub type PreviousPointers = std::collections::BTreeMap<String, Option<String>>;

/// The result of planning `remove`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovePlan {
    /// Only files whose text changes.
    pub changes: Vec<FileChange>,
    /// `config.toml` has a table under the id that codexgw has no record of writing and that
    /// is not a gateway block: it stays, and so does every `model_provider` naming it.
    pub left_alone: bool,
}

/// Undoes setup's edits for provider `id` in `config.toml` and in the profile file when one is
/// given. A file setup recorded gets back its earlier table and `model_provider` (see
/// [`undo`]); without a record (a file from before codexgw kept them), a gateway block is
/// deleted and `model_provider` set to the value remembered in `previous`. The profile's change
/// comes first: written in this order, no file ever points at a table that is already gone.
pub fn plan_remove(
    id: &str,
    config: FileState,
    profile: Option<FileState>,
    previous: &PreviousPointers,
    records: &undo::Records,
) -> anyhow::Result<RemovePlan> {
    let left_alone =
        config.before.is_some() && undo::record(records, &config.path, id).is_none() && {
            let doc = parse(&config)?;
            doc.has_provider(id) && !undo::is_gateway_block(&doc, id)
        };
    let unpoint = |doc: &mut ConfigDocument, path: &Path| -> anyhow::Result<bool> {
        if left_alone || doc.top_level_str("model_provider") != Some(id) {
            return Ok(false);
        }
        match previous.get(&file_name(path)).cloned().flatten() {
            Some(value) => doc.set_top_level_str("model_provider", &value),
            None => Ok(doc.remove_top_level("model_provider")),
        }
    };
    type Legacy<'a> = &'a dyn Fn(&mut ConfigDocument, &Path) -> anyhow::Result<bool>;
    let undone = |state: FileState, legacy: Legacy| -> anyhow::Result<Option<FileChange>> {
        let now = state.before.as_deref().unwrap_or_default();
        let after = match undo::record(records, &state.path, id) {
            Some(record) => undo::undo_text(id, &state.path, now, record)?,
            None => {
                let mut doc = parse(&state)?;
                match legacy(&mut doc, &state.path)? {
                    true => doc.render(),
                    false => now.to_string(),
                }
            }
        };
        Ok(changed_to(state, after))
    };
    let mut changes = Vec::new();
    if let Some(profile) = profile.filter(|p| p.before.is_some()) {
        changes.extend(undone(profile, &unpoint)?);
    }
    if config.before.is_some() {
        let drop_table = |doc: &mut ConfigDocument, path: &Path| -> anyhow::Result<bool> {
            let removed = !left_alone && doc.remove_provider(id);
            Ok(unpoint(doc, path)? | removed)
        };
        changes.extend(undone(config, &drop_table)?);
    }
    Ok(RemovePlan {
        changes,
        left_alone,
    })
}

fn changed_to(state: FileState, after: String) -> Option<FileChange> {
    let change = FileChange {
        path: state.path,
        before: state.before,
        after,
    };
    (!change.is_noop()).then_some(change)
}

/// The block for `spec` exactly as `setup` writes it into an empty `config.toml`: what `show`
/// prints and what templates embed.
pub fn render_block(spec: &ProviderSpec) -> anyhow::Result<String> {
    let empty = FileState {
        path: PathBuf::from("config.toml"),
        before: None,
    };
    let plan = plan_setup(spec, empty, None)?;
    Ok(plan.changes.into_iter().map(|c| c.after).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coder::deployment::{Deployment, Route};
    use crate::codex::inspect::Inspected;
    use crate::codex::mode::{Mode, TokenSource, Websockets};

    /// What setup renders, inspect (the reader doctor and `env` use) reads back as the same
    /// mode, deployment and route, with nothing to report: for every mode, route, deployment
    /// shape, provider id and token source the renderer supports.
    #[test]
    fn every_rendered_block_reads_back_as_its_mode_with_no_findings() {
        let sources = [
            TokenSource::Env("OPENAI_API_KEY".into()),
            TokenSource::Env("CODER_API_TOKEN".into()),
            TokenSource::Command {
                program: "/usr/bin/codexgw".into(),
                args: ["token", "print", "coder", "--url", "https://c.example.com"]
                    .map(str::to_string)
                    .to_vec(),
            },
        ];
        for mode in Mode::ALL {
            for route in [Route::Aibridge, Route::AiGateway] {
                for url in ["https://c.example.com", "http://127.0.0.1:8080/coder"] {
                    for id in ["ai_gateway", "coder-gw"] {
                        for source in &sources {
                            let spec = ProviderSpec {
                                id: id.into(),
                                mode,
                                deployment: Deployment::parse(url, false).unwrap().deployment,
                                route,
                                gateway: None,
                                token_source: source.clone(),
                                websockets: Websockets::Leave,
                            };
                            let text = render_block(&spec).unwrap();
                            let read = Inspected::parse(&text).unwrap();
                            let case = format!("{mode} {route:?} {url} {id} {source:?}\n{text}");
                            assert_eq!(
                                read.model_provider().map(|l| l.value).as_deref(),
                                Some(id),
                                "{case}"
                            );
                            let block = read.provider(id).expect(&case);
                            assert_eq!(block.mode(), Some(mode), "{case}");
                            let gateway = block.gateway().expect(&case);
                            assert_eq!(gateway.deployment, spec.deployment, "{case}");
                            assert_eq!(gateway.route, route, "{case}");
                            assert_eq!(block.findings(), [], "{case}");
                            assert_eq!(block.load_errors(), [], "{case}");
                            assert!(read.stranded().is_empty(), "{case}");
                        }
                    }
                }
            }
        }
    }

    fn file(name: &str, text: &str) -> FileState {
        FileState {
            path: PathBuf::from(name),
            before: Some(text.to_string()),
        }
    }

    #[test]
    fn a_legacy_profile_moves_into_its_file_first_keeping_what_the_file_sets() {
        let spec = ProviderSpec {
            id: "ai_gateway".into(),
            mode: Mode::Centralized,
            deployment: Deployment::parse("https://c.example.com", false)
                .unwrap()
                .deployment,
            route: Route::Aibridge,
            gateway: None,
            token_source: TokenSource::Env("OPENAI_API_KEY".into()),
            websockets: Websockets::Leave,
        };
        let config = file(
            "config.toml",
            "profile = \"old\"\n\n[profiles.old]\nmodel = \"o3\"\nmodel_reasoning_effort = \"high\"\n",
        );
        let legacy = file("old.config.toml", "model = \"gpt-5\"\n");
        let config = ParsedFile::parse(config).unwrap();
        let plan = plan_setup_migrating(&spec, config, None, Some(legacy)).unwrap();
        let order: Vec<String> = plan.changes.iter().map(FileChange::file_name).collect();
        assert_eq!(order, ["old.config.toml", "config.toml"]);
        assert_eq!(
            plan.changes[0].after,
            "model = \"gpt-5\"\nmodel_reasoning_effort = \"high\"\n"
        );
        assert!(!plan.changes[1].after.contains("profile"));
        assert_eq!(
            plan.migration.warnings,
            [
                "`old.config.toml` already sets `model`: kept its value, not the one from `[profiles.old]`"
            ]
        );
    }

    #[test]
    fn remove_unpoints_the_profile_first_then_drops_the_table() {
        let config = file(
            "config.toml",
            "model_provider = \"gw\"\n[model_providers.gw]\nbase_url = \"https://c.example.com/api/v2/aibridge/openai/v1\"\n",
        );
        let profile = file("work.config.toml", "model_provider = \"gw\"\n");
        let previous = PreviousPointers::from([("config.toml".to_string(), Some("openai".into()))]);
        let changes = plan_remove(
            "gw",
            config,
            Some(profile),
            &previous,
            &undo::Records::new(),
        )
        .unwrap()
        .changes;
        let order: Vec<String> = changes.iter().map(FileChange::file_name).collect();
        assert_eq!(order, ["work.config.toml", "config.toml"]);
        assert_eq!(changes[0].after, "");
        assert_eq!(changes[1].after, "model_provider = \"openai\"\n");
    }

    #[test]
    fn without_a_record_a_table_that_is_not_a_gateway_block_stays() {
        let text = "model_provider = \"gw\"\n[model_providers.gw]\nbase_url = \"https://llm.example.net/v1\"\n";
        let previous = PreviousPointers::from([("config.toml".to_string(), Some("openai".into()))]);
        let plan = plan_remove(
            "gw",
            file("config.toml", text),
            None,
            &previous,
            &undo::Records::new(),
        )
        .unwrap();
        assert!(plan.left_alone);
        assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    }

    fn fixture_inputs() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/setup");
        let mut inputs: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| std::fs::read_to_string(entry.unwrap().path().join("in.toml")).unwrap())
            .collect();
        inputs.sort();
        inputs
    }

    /// Whether setup and remove write the same bytes for `text` with the editable document cut
    /// down to the tables the editor may touch, and with the file read a table at a time, as
    /// with the whole document, in every mode.
    /// `None`: `text` is not a case: not TOML, or a file the whole document does not print
    /// back unchanged (toml_edit ends every line it prints with LF, and groups dotted keys),
    /// where a kept table keeps its own bytes and so differs on purpose.
    fn same_with_placeholders(text: &str) -> Option<Result<(), String>> {
        use crate::codex::document::{with_every_table_apart, with_whole_documents};
        let reprinted = with_whole_documents(|| ConfigDocument::parse(text).map(|d| d.render()));
        if reprinted.ok().as_deref() != Some(text) {
            return None;
        }
        let deployment = Deployment::parse("https://c.example.com", false)
            .unwrap()
            .deployment;
        let websockets = [Websockets::Leave, Websockets::On, Websockets::Off];
        for (mode, websockets) in Mode::ALL.into_iter().zip(websockets.into_iter().cycle()) {
            let spec = ProviderSpec {
                id: "ai_gateway".into(),
                mode,
                deployment: deployment.clone(),
                route: Route::AiGateway,
                gateway: None,
                token_source: TokenSource::Env("CODER_API_TOKEN".into()),
                websockets,
            };
            let afters = |changes: Vec<FileChange>| -> Vec<String> {
                changes.into_iter().map(|c| c.after).collect()
            };
            let run = || {
                let setup = plan_setup(&spec, file("config.toml", text), None)
                    .map(|plan| afters(plan.changes))
                    .map_err(|e| e.to_string());
                let (previous, records) = (PreviousPointers::new(), undo::Records::new());
                let remove = plan_remove(
                    "ai_gateway",
                    file("config.toml", text),
                    None,
                    &previous,
                    &records,
                )
                .map(|plan| afters(plan.changes))
                .map_err(|e| e.to_string());
                (setup, remove)
            };
            let whole = with_whole_documents(run);
            for (how, cut) in [("cut", run()), ("apart", with_every_table_apart(run))] {
                if cut != whole {
                    return Some(Err(format!(
                        "{mode}:\n{text}\n{how}: {cut:?}\nwhole: {whole:?}"
                    )));
                }
            }
        }
        Some(Ok(()))
    }

    /// Every fixture input, alone and followed by each other one (when that is still TOML).
    #[test]
    fn placeholders_never_change_what_setup_or_remove_write() {
        let inputs = fixture_inputs();
        let mut cases = inputs.clone();
        for a in &inputs {
            for b in &inputs {
                cases.push(format!("{a}\n{b}"));
            }
        }
        let mut compared = 0;
        for text in &cases {
            if let Some(result) = same_with_placeholders(text) {
                result.unwrap_or_else(|e| panic!("{e}"));
                compared += 1;
            }
        }
        assert!(compared > 250, "only {compared} cases are TOML");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Any lines of the fixtures in any order, as long as they are TOML.
        #[test]
        fn placeholders_never_change_what_setup_or_remove_write_on_shuffled_lines(
            picks in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..40)
        ) {
            let lines: Vec<String> = fixture_inputs()
                .iter()
                .flat_map(|text| text.lines().map(str::to_string).collect::<Vec<_>>())
                .collect();
            let text: String = picks.iter().map(|i| format!("{}\n", i.get(&lines))).collect();
            if let Some(result) = same_with_placeholders(&text) {
                proptest::prop_assert!(result.is_ok(), "{}", result.unwrap_err());
            }
        }
    }
}
