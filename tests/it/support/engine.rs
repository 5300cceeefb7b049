//! Driving the config engine from tests (setup and remove on a text), and what a config means
//! once the parts codexgw owns are taken out: for checking that they change nothing else.

use std::path::PathBuf;

use codexgw::coder::deployment::{Deployment, Route};
use codexgw::codex::document::ConfigDocument;
use codexgw::codex::mode::{Mode, OWNED_KEYS, OwnedHeader, ProviderSpec, TokenSource, Websockets};
use codexgw::setup::plan::{FileState, PreviousPointers, plan_remove, plan_setup};
use codexgw::setup::undo::{self, Records};
use serde_json::Value;
use toml_edit::{Item, TableLike};

pub const ID: &str = "ai_gateway";

/// Every way codexgw writes the block, named as the fixture files are: the three modes with
/// `env_key = env_var`, and centralized mode with a token command.
pub fn variants(url: &str, route: Route, env_var: &str) -> Vec<(&'static str, ProviderSpec)> {
    let deployment = Deployment::parse(url, false).unwrap().deployment;
    let spec = |mode, token_source| ProviderSpec {
        id: ID.into(),
        mode,
        deployment: deployment.clone(),
        route,
        gateway: None,
        token_source,
        websockets: Websockets::Leave,
    };
    let env = || TokenSource::Env(env_var.into());
    vec![
        ("centralized", spec(Mode::Centralized, env())),
        (
            "centralized-command",
            spec(
                Mode::Centralized,
                TokenSource::Command {
                    program: "/usr/local/bin/codexgw".into(),
                    args: vec!["token".into(), "print".into(), "coder".into()],
                },
            ),
        ),
        ("byok", spec(Mode::Byok, env())),
        ("chatgpt", spec(Mode::Chatgpt, env())),
    ]
}

fn state(text: &str) -> FileState {
    FileState {
        path: PathBuf::from("config.toml"),
        before: Some(text.to_string()),
    }
}

/// The text after setup (the input itself when setup changes nothing), and what setup
/// records for `remove`. Setup here takes over whatever table is under the id, as `--replace`.
pub fn setup(spec: &ProviderSpec, text: &str) -> (String, Records) {
    let plan = plan_setup(spec, state(text), None).unwrap();
    let mut records = Records::new();
    let undo = plan.changes_to_undo(&state(text).path);
    undo::remember(&mut records, &spec.id, &undo, true).unwrap();
    let after = plan.changes.into_iter().next().map(|c| c.after);
    (after.unwrap_or_else(|| text.to_string()), records)
}

/// The text after `remove`, given what setup recorded.
pub fn remove(text: &str, records: &Records) -> String {
    let plan = plan_remove(ID, state(text), None, &PreviousPointers::new(), records).unwrap();
    let after = plan.changes.into_iter().next().map(|c| c.after);
    after.unwrap_or_else(|| text.to_string())
}

/// The document's data without the top-level `model_provider` and without the owned keys of
/// provider `id`. Tables left empty by that (`env_http_headers`, the provider,
/// `model_providers`) are dropped, so "absent" and "created empty" compare equal.
pub fn outside_owned(doc: &ConfigDocument, id: &str) -> Value {
    let mut data = to_json(doc);
    let root = data.as_object_mut().expect("a document is a table");
    root.remove("model_provider");
    if let Some(providers) = root
        .get_mut("model_providers")
        .and_then(Value::as_object_mut)
    {
        if let Some(provider) = providers.get_mut(id).and_then(Value::as_object_mut) {
            for key in OWNED_KEYS {
                provider.remove(key);
            }
            if let Some(headers) = provider
                .get_mut(OwnedHeader::TABLE)
                .and_then(Value::as_object_mut)
            {
                // Header names ignore case: every spelling of the governance header is owned.
                headers.retain(|key, _| !key.eq_ignore_ascii_case(OwnedHeader::KEY));
                if headers.is_empty() {
                    provider.remove(OwnedHeader::TABLE);
                }
            }
            if provider.is_empty() {
                providers.remove(id);
            }
        }
        if providers.is_empty() {
            root.remove("model_providers");
        }
    }
    data
}

/// The data with provider `id` gone, and `model_provider` too when it pointed there: what
/// `remove` leaves when it does not know an earlier `model_provider`. An empty
/// `model_providers` is dropped so a leftover `[model_providers]` header does not count.
pub fn without_provider(doc: &ConfigDocument, id: &str) -> Value {
    let mut data = to_json(doc);
    let root = data.as_object_mut().expect("a document is a table");
    if root.get("model_provider").and_then(Value::as_str) == Some(id) {
        root.remove("model_provider");
    }
    if let Some(providers) = root
        .get_mut("model_providers")
        .and_then(Value::as_object_mut)
    {
        providers.remove(id);
        if providers.is_empty() {
            root.remove("model_providers");
        }
    }
    data
}

/// The whole document as plain data, for comparing meaning rather than bytes: parsed again from
/// its text, since the editable document holds only the tables the editor may touch.
pub fn to_json(doc: &ConfigDocument) -> Value {
    let whole: toml_edit::DocumentMut = doc.render().parse().expect("a rendered document parses");
    item_to_json(whole.as_item())
}

fn item_to_json(item: &Item) -> Value {
    match item {
        Item::None => Value::Null,
        Item::Value(value) => value_to_json(value),
        Item::Table(table) => table_like_to_json(table),
        Item::ArrayOfTables(array) => array.iter().map(|t| table_like_to_json(t)).collect(),
    }
}

fn table_like_to_json(table: &dyn TableLike) -> Value {
    table
        .iter()
        .map(|(k, v)| (k.to_string(), item_to_json(v)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn value_to_json(value: &toml_edit::Value) -> Value {
    use toml_edit::Value as V;
    match value {
        V::String(s) => s.value().as_str().into(),
        V::Integer(i) => (*i.value()).into(),
        V::Float(f) => serde_json::json!({ "float": f.value().to_string() }),
        V::Boolean(b) => (*b.value()).into(),
        V::Datetime(d) => serde_json::json!({ "datetime": d.value().to_string() }),
        V::Array(array) => array.iter().map(value_to_json).collect(),
        V::InlineTable(table) => table_like_to_json(table),
    }
}
