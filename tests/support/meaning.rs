//! What a config means once the parts codexgw owns are taken out: for checking that setup and
//! remove change nothing else.

use codexgw::document::ConfigDocument;
use codexgw::mode::{OWNED_KEYS, OwnedHeader};
use serde_json::Value;

/// The document's data without the top-level `model_provider` and without the owned keys of
/// provider `id`. Tables left empty by that (`env_http_headers`, the provider,
/// `model_providers`) are dropped, so "absent" and "created empty" compare equal.
pub fn outside_owned(doc: &ConfigDocument, id: &str) -> Value {
    let mut data = doc.to_json();
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
                headers.remove(OwnedHeader::KEY);
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
    let mut data = doc.to_json();
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
