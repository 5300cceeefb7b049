//! Edits that migrating older Coder configs needs beyond setup's own keys: finding and taking
//! tables, removing stranded and obsolete keys, merging a moved legacy profile.

use toml_edit::{Item, Table, TableLike};

use super::ConfigDocument;
use super::inline::InlineEnd;

impl ConfigDocument {
    /// Whether `parent.child` is a table (of any style).
    pub fn has_table(&self, parent: &str, child: &str) -> bool {
        self.doc
            .get(parent)
            .and_then(Item::as_table_like)
            .and_then(|t| t.get(child))
            .is_some_and(Item::is_table_like)
    }

    pub fn provider_ids(&self) -> Vec<String> {
        self.doc
            .get("model_providers")
            .and_then(Item::as_table_like)
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    }

    /// Removes `key` from the provider table `id`; whether it was there.
    pub fn remove_provider_key(&mut self, id: &str, key: &str) -> bool {
        let Some(provider) = self
            .doc
            .get_mut("model_providers")
            .and_then(Item::as_table_like_mut)
            .and_then(|t| t.get_mut(id))
        else {
            return false;
        };
        let end = InlineEnd::capture(provider);
        let removed = provider
            .as_table_like_mut()
            .and_then(|t| t.remove(key))
            .is_some();
        end.restore(provider);
        removed
    }

    /// Removes a plain `key = value` line written in the body of a `[header]` table (where a
    /// top-level key lands when written below a header), in every table whose dotted name
    /// `keep` does not accept. Returns the dotted names of the tables it was removed from.
    pub fn remove_stranded(&mut self, key: &str, keep: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut removed = Vec::new();
        for (name, item) in self.doc.as_table_mut().iter_mut() {
            if let Item::Table(table) = item {
                remove_stranded_in(table, name.get().to_string(), key, keep, &mut removed);
            }
        }
        removed
    }

    /// Takes the table `parent.child` out of the document (its parent goes too when nothing
    /// else is left in it and it has no header of its own).
    pub fn take_table(&mut self, parent: &str, child: &str) -> Option<Item> {
        let root = self.doc.as_table_mut();
        let parent_item = root.get_mut(parent)?;
        let taken = parent_item.as_table_like_mut()?.remove(child)?;
        let headerless_and_empty = parent_item.as_table_like().is_some_and(TableLike::is_empty)
            && parent_item
                .as_table()
                .is_none_or(|t| t.is_implicit() || t.is_dotted());
        if headerless_and_empty {
            root.remove(parent);
        }
        Some(taken)
    }

    /// Adds the entries of `table` as top-level entries, keeping the ones the document already
    /// has. Returns the keys it kept instead of the moved value.
    pub fn merge_top_level(&mut self, table: Item) -> Vec<String> {
        let mut kept = Vec::new();
        let Ok(table) = table.into_table() else {
            return kept;
        };
        let hidden = &self.skeleton.hidden_roots;
        let root = self.doc.as_table_mut();
        for (key, mut item) in table {
            if root.contains_key(&key) || hidden.iter().any(|h| h == key.as_str()) {
                kept.push(key.to_string());
                continue;
            }
            if let Item::Table(sub) = &mut item {
                sub.set_position(Some(isize::MAX));
            }
            root.insert(&key, item);
        }
        kept
    }
}

fn remove_stranded_in(
    table: &mut Table,
    path: String,
    key: &str,
    keep: &dyn Fn(&str) -> bool,
    removed: &mut Vec<String>,
) {
    if table.is_dotted() {
        return;
    }
    let plain_value = table
        .get(key)
        .and_then(Item::as_value)
        .is_some_and(|v| !v.is_inline_table());
    if !table.is_implicit() && plain_value && !keep(&path) {
        table.remove(key);
        removed.push(path.clone());
    }
    for (name, item) in table.iter_mut() {
        if let Item::Table(child) = item {
            remove_stranded_in(child, format!("{path}.{}", name.get()), key, keep, removed);
        }
    }
}
