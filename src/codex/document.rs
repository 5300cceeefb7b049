//! Lossless edits of Codex's `config.toml`: codexgw changes the keys it owns and not one other
//! byte. Comments, order, quoting, blank lines, CRLF and a missing final newline all survive.

use std::fmt;
use std::path::Path;

use toml_edit::{Array, DocumentMut, InlineTable, Item, Key, Table, TableLike, Value};

use crate::codex::inspect::{Inspected, Misplaced};
use crate::codex::mode::{Desired, OwnedHeader, ProviderSpec, Setting};
use crate::error;
use crate::toml_parse::Unparsable;

mod chunked;
mod inline;
mod layout;
mod legacy;
mod skeleton;

use inline::InlineEnd;
use layout::{
    attached_to_previous, detach_leading_comments, header_positions, next_header_after, raw_text,
    reattach_leading_comments, split_closing_comments, with_header_at,
};
use skeleton::{Editable, Skeleton, blocks};

/// Where a TOML document is wrong, in the terms editors use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    /// The one wording of "this file is not TOML", for every command that reads one.
    pub fn in_file(&self, path: &std::path::Path) -> String {
        format!(
            "`{}:{}:{}` is not valid TOML: {}",
            path.display(),
            self.line,
            self.column,
            self.message
        )
    }

    /// The position of a parse error in `text`, the text that was parsed.
    pub fn new(text: &str, error: &Unparsable) -> ParseError {
        let (line, column) = line_col(text, error.span.as_ref().map_or(0, |s| s.start));
        ParseError {
            line,
            column,
            message: error.message.trim_end().replace('\n', "; "),
        }
    }
}

/// A parsed `config.toml` (or profile file) that remembers how it was written.
#[derive(Debug, Clone)]
pub struct ConfigDocument {
    /// The tables the editor may touch; the others stand in it as placeholders.
    doc: DocumentMut,
    skeleton: Skeleton,
    /// The text as parsed (line breaks normalized, no byte-order mark), which the skeleton's
    /// kept blocks are cut from.
    original: String,
    crlf: bool,
    final_newline: bool,
    /// The file opened with a UTF-8 byte order mark, which toml_edit drops.
    bom: bool,
    misplaced: Misplaced,
}

/// The top-level names whose tables the editor reads or changes (and the keys it sets, removes
/// or moves at the top, should a file make them tables): every table under them stays in the
/// editable document, as does any table with a `model_provider` key of its own (migration
/// removes stranded ones).
const EDITED_ROOTS: [&str; 5] = [
    "model_providers",
    "profiles",
    "model_provider",
    "profile",
    "preferred_auth_method",
];

/// How a file is read: the way every run reads it, or (in tests) whole as the reference, or
/// in stretches of single tables whatever its size, to stress the stretches' agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    BySize,
    #[cfg(test)]
    Whole,
    #[cfg(test)]
    EveryTable,
}

#[cfg(not(test))]
fn reading() -> Reading {
    Reading::BySize
}

#[cfg(test)]
thread_local! {
    static READING: std::cell::Cell<Reading> = const { std::cell::Cell::new(Reading::BySize) };
}

#[cfg(test)]
fn reading() -> Reading {
    READING.get()
}

#[cfg(test)]
fn read_as<T>(how: Reading, f: impl FnOnce() -> T) -> T {
    READING.set(how);
    let result = f();
    READING.set(Reading::BySize);
    result
}

/// Runs `f` with every document parsed whole (no placeholders, no stretches): the reference
/// the others must match byte for byte.
#[cfg(test)]
pub fn with_whole_documents<T>(f: impl FnOnce() -> T) -> T {
    read_as(Reading::Whole, f)
}

/// Runs `f` with every document read a table at a time, however small.
#[cfg(test)]
pub fn with_every_table_apart<T>(f: impl FnOnce() -> T) -> T {
    read_as(Reading::EveryTable, f)
}

/// Turns a byte offset into 1-based line and column (in characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

impl ConfigDocument {
    pub fn empty() -> Self {
        ConfigDocument {
            doc: DocumentMut::new(),
            skeleton: Skeleton::default(),
            original: String::new(),
            crlf: false,
            final_newline: true,
            bom: false,
            misplaced: Misplaced::default(),
        }
    }

    /// Parses `text`; a syntax error or duplicate key comes back with its line and column.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let (bom, text) = super::strip_bom(text);
        // toml_edit would silently take a second mark too; Codex stops at it (verified with
        // 0.169 and 0.171: `invalid unquoted key`), so the file is broken, not ours to fix.
        if text.starts_with('\u{feff}') {
            return Err(ParseError {
                line: 1,
                column: 1,
                message: "the file starts with two byte-order marks (invisible U+FEFF characters), and Codex refuses to load it; delete them".to_string(),
            });
        }
        let crlf = uses_crlf(text);
        let normalized = match crlf {
            true => std::borrow::Cow::Owned(text.replace("\r\n", "\n")),
            false => std::borrow::Cow::Borrowed(text),
        };
        // A carriage return left after that stood alone (`\r\r\n` became `\r\n`): TOML
        // allows none, so the file as written is wrong, and its own parse says where.
        if crlf && normalized.contains('\r') {
            Inspected::parse_borrowed(text)?;
        }
        let editable: Editable = &|path, table| {
            EDITED_ROOTS.contains(&path[0].as_str()) || table.contains_key("model_provider")
        };
        // A large file is read a stretch at a time (see `chunked`); otherwise, or when the
        // stretches cannot vouch for it, the whole file is parsed once, for its errors and for
        // what setup warns about. Only the tables the editor may touch become the editable
        // document.
        let stretch = match reading() {
            Reading::BySize => (normalized.len() >= chunked::LARGE).then_some(chunked::STRETCH),
            #[cfg(test)]
            Reading::Whole => None,
            #[cfg(test)]
            Reading::EveryTable => Some(1),
        };
        let read = stretch.and_then(|stretch| chunked::read(&normalized, editable, stretch));
        let (misplaced, skeleton, whole) = match read {
            Some((misplaced, skeleton)) => (misplaced, skeleton, None),
            None => {
                let inspected = Inspected::parse_borrowed(&normalized)?;
                #[cfg(test)]
                let whole_documents = reading() == Reading::Whole;
                #[cfg(not(test))]
                let whole_documents = false;
                let skeleton = match whole_documents {
                    true => Skeleton::whole(&normalized),
                    false => Skeleton::from_blocks(
                        blocks(inspected.document(), &normalized, editable),
                        &normalized,
                    ),
                };
                (inspected.misplaced(), skeleton, Some(inspected))
            }
        };
        let doc = match (skeleton.kept.is_empty(), whole) {
            (true, Some(inspected)) => inspected.into_document_mut(),
            (_, whole) => {
                // The full parse is done with; leaving its tree to the exit costs nothing.
                std::mem::forget(whole);
                // The editable text is the file minus whole tables that parsed: it parses.
                skeleton
                    .text
                    .parse::<DocumentMut>()
                    .map_err(|e| ParseError::new(&skeleton.text, &e.into()))?
            }
        };
        Ok(ConfigDocument {
            doc,
            skeleton,
            original: normalized.into_owned(),
            crlf,
            final_newline: text.is_empty() || text.ends_with('\n'),
            bom,
            misplaced,
        })
    }

    /// Parses a file's text, naming the file and position on error.
    pub fn parse_file(text: &str, path: &Path) -> anyhow::Result<Self> {
        ConfigDocument::parse(text).map_err(|e| {
            error::failure(
                e.in_file(path),
                "fix the file at that line (or put a backup back with `codexgw restore`); nothing was written",
            )
        })
    }

    /// The text to write, in the file's own line endings.
    pub fn render(&self) -> String {
        let mut text = self.skeleton.expand(self.doc.to_string(), &self.original);
        if !self.final_newline && text.ends_with('\n') {
            text.pop();
        }
        if self.crlf {
            text = text.replace('\n', "\r\n");
        }
        if self.bom {
            text.insert(0, '\u{feff}');
        }
        text
    }

    /// Keys of the file as it was read that sit where Codex does not take them as meant.
    pub fn misplaced(&self) -> &Misplaced {
        &self.misplaced
    }

    pub fn top_level_str(&self, key: &str) -> Option<&str> {
        self.doc.get(key).and_then(Item::as_str)
    }

    /// Sets a top-level string key. A new key goes before the first table header, never at the
    /// end where it would silently belong to the last table.
    pub fn set_top_level_str(&mut self, key: &str, value: &str) -> anyhow::Result<bool> {
        let root = self.doc.as_table_mut();
        match root.get(key) {
            Some(Item::Value(_)) | None => {}
            Some(_) => anyhow::bail!("the top-level `{key}` is a table, not a string"),
        }
        if root.contains_key(key) {
            return Ok(set_setting(root, key, &Setting::Str(value.into())));
        }
        let detached = detach_leading_comments(&mut self.doc);
        let mut new_value = Value::from(value);
        new_value.decor_mut().set_prefix(" ");
        let mut key_repr = Key::new(key);
        if let Some(prefix) = detached {
            key_repr.leaf_decor_mut().set_prefix(prefix);
        }
        let root = self.doc.as_table_mut();
        root.insert_formatted(&key_repr, Item::Value(new_value));
        Ok(true)
    }

    /// Removes a top-level key; comments that stood above it move to what now comes first, so
    /// undoing an insertion gives the file's opening lines back.
    pub fn remove_top_level(&mut self, key: &str) -> bool {
        let root = self.doc.as_table_mut();
        let Some((old_key, _)) = root.remove_entry(key) else {
            return false;
        };
        let leading = old_key
            .leaf_decor()
            .prefix()
            .map(raw_text)
            .unwrap_or_default();
        reattach_leading_comments(&mut self.doc, leading);
        true
    }

    pub fn has_provider(&self, id: &str) -> bool {
        self.provider(id).is_some()
    }

    pub fn provider(&self, id: &str) -> Option<&dyn TableLike> {
        self.doc
            .get("model_providers")?
            .as_table_like()?
            .get(id)?
            .as_table_like()
    }

    /// Writes the provider block for `spec` where the provider already lives (table, dotted keys
    /// or inline table), or as a new `[model_providers.<id>]`. Returns whether anything changed.
    pub fn apply_provider(&mut self, spec: &ProviderSpec) -> anyhow::Result<bool> {
        let root = self.doc.as_item_mut();
        let (providers, created_parent) =
            ensure_child(root, "model_providers", ChildStyle::Nested, true)?;
        let providers_end = InlineEnd::capture(providers);
        let (provider, created) = ensure_child(providers, &spec.id, ChildStyle::Nested, false)
            .map_err(|e| e.context(format!("cannot edit `model_providers.{}`", spec.id)))?;
        let mut changed = created_parent || created;
        // A table that so far only held sub-tables (`[model_providers.x.auth]`) has no place
        // of its own; toml_edit would print it after whatever table it last walked past. It
        // takes the place of its first sub-table.
        if let Item::Table(table) = &mut *provider
            && table.position().is_none()
            && !table.is_dotted()
        {
            let mut below = Vec::new();
            header_positions(table, &mut below);
            table.set_position(below.into_iter().min());
        }
        let mut dropped = Vec::new();
        let provider_end = InlineEnd::capture(provider);
        for (key, desired) in spec.owned_entries() {
            changed |= apply_desired(provider, key, &desired, &mut dropped)?;
        }
        changed |= apply_governance_header(provider, spec.wants_governance_header(), &mut dropped)?;
        provider_end.restore(provider);
        let new_header = match (created, &*provider) {
            (true, Item::Table(table)) if !table.is_dotted() => table.position(),
            _ => None,
        };
        providers_end.restore(providers);
        self.keep_comments_of(dropped);
        if let Some(position) = new_header {
            self.claim_comments_after(position, &spec.id);
        }
        Ok(changed)
    }

    /// Gives provider `id` back exactly as `earlier` defines it (with its comments and
    /// layout), or deletes it when `earlier` has none: the undo of setup's edit of the table.
    /// Returns whether anything changed.
    /// Puts the provider table `id` of `earlier` (a [`Self::provider_fragment`]) back: where
    /// the table stands now, or at the end.
    pub fn restore_provider_from(&mut self, id: &str, earlier: &ConfigDocument) -> bool {
        let Some(old) = earlier.provider_item(id).cloned() else {
            return self.remove_provider(id);
        };
        let end = last_position(self.doc.as_table()).map_or(0, |p| p + 1);
        let parent = self
            .doc
            .get_mut("model_providers")
            .and_then(Item::as_table_like_mut);
        match parent {
            Some(parent) => match parent.get_mut(id) {
                Some(slot) => {
                    let at = slot.as_table().and_then(Table::position).unwrap_or(end);
                    *slot = placed_at(old, at);
                }
                None => {
                    parent.insert(id, placed_at(old, end));
                }
            },
            None => {
                let Some(providers) = earlier.doc.get("model_providers") else {
                    return false;
                };
                let providers = only_provider(providers, id);
                self.doc
                    .insert("model_providers", placed_at(providers, end));
            }
        }
        true
    }

    /// `model_provider` and the provider table `id` alone (in the style the file writes them),
    /// as a TOML text: what undoing setup puts back into a file edited since.
    pub fn provider_fragment(&self, id: &str) -> String {
        let mut fragment = DocumentMut::new();
        if let Some(value) = self
            .doc
            .get("model_provider")
            .filter(|item| item.is_value())
        {
            fragment.insert("model_provider", value.clone());
        }
        if let (Some(providers), Some(_)) =
            (self.doc.get("model_providers"), self.provider_item(id))
        {
            fragment.insert("model_providers", only_provider(providers, id));
        }
        fragment.to_string()
    }

    fn provider_item(&self, id: &str) -> Option<&Item> {
        self.doc
            .get("model_providers")?
            .as_table_like()?
            .get(id)
            .filter(|item| item.is_table_like())
    }

    /// Deletes the provider wherever it is defined, with its sub-tables.
    pub fn remove_provider(&mut self, id: &str) -> bool {
        let root = self.doc.as_table_mut();
        let Some(parent_item) = root.get_mut("model_providers") else {
            return false;
        };
        if !parent_item.is_table_like() {
            return false;
        }
        let end = InlineEnd::capture(parent_item);
        let parent = parent_item.as_table_like_mut().expect("checked above");
        let removed = parent.remove(id);
        end.restore(parent_item);
        let parent_is_empty_and_headerless =
            parent_item.as_table_like().is_some_and(TableLike::is_empty)
                && parent_item
                    .as_table()
                    .is_some_and(|t| t.is_implicit() || t.is_dotted());
        if parent_is_empty_and_headerless {
            root.remove("model_providers");
        }
        let Some(removed) = removed else {
            return false;
        };
        self.keep_comments_of(vec![removed]);
        true
    }

    /// Comments that closed the section before a dropped header (a `# <<< managed <<<` end
    /// marker, say) are not the dropped table's: they move to the next header, or the end.
    fn keep_comments_of(&mut self, dropped: Vec<Item>) {
        let mut orphans = Vec::new();
        for item in &dropped {
            attached_to_previous(item, &mut orphans);
        }
        // Last first, so comments that land on the same header keep their order.
        orphans.sort_by_key(|(position, _)| std::cmp::Reverse(*position));
        for (position, text) in orphans {
            let root = self.doc.as_table_mut();
            match next_header_after(root, position) {
                Some(next) => {
                    with_header_at(root, next, &mut |decor| {
                        let prefix = decor.prefix().map(raw_text).unwrap_or_default();
                        decor.set_prefix(text.clone() + &prefix);
                    });
                }
                None => {
                    let trailing = raw_text(self.doc.trailing());
                    self.doc.set_trailing(text + &trailing);
                }
            }
        }
    }

    /// The inverse of [`Self::keep_comments_of`] for a new table `[model_providers.<id>]` at
    /// `position`: comments that close the previous section stay above the new table, so a new
    /// block never lands inside someone else's managed markers.
    fn claim_comments_after(&mut self, position: isize, id: &str) {
        let root = self.doc.as_table_mut();
        let claimed = match next_header_after(root, position) {
            Some(next) => {
                let mut claimed = String::new();
                with_header_at(root, next, &mut |decor| {
                    let prefix = decor.prefix().map(raw_text).unwrap_or_default();
                    if let Some((head, tail)) = split_closing_comments(&prefix, true) {
                        claimed = head;
                        decor.set_prefix(tail);
                    }
                });
                claimed
            }
            None => {
                let trailing = raw_text(self.doc.trailing());
                match split_closing_comments(&trailing, false) {
                    Some((head, tail)) => {
                        self.doc.set_trailing(tail);
                        head
                    }
                    None => String::new(),
                }
            }
        };
        if claimed.is_empty() {
            return;
        }
        let table = self
            .doc
            .get_mut("model_providers")
            .and_then(Item::as_table_like_mut)
            .and_then(|t| t.get_mut(id))
            .and_then(Item::as_table_mut)
            .expect("the new provider table");
        table.decor_mut().set_prefix(claimed + "\n");
    }
}

/// `providers` (the `model_providers` item) without its tables other than `id`.
fn only_provider(providers: &Item, id: &str) -> Item {
    let mut providers = providers.clone();
    if let Some(table) = providers.as_table_like_mut() {
        let others: Vec<String> = table
            .iter()
            .map(|(key, _)| key.to_string())
            .filter(|key| key != id)
            .collect();
        for key in others {
            table.remove(&key);
        }
    }
    providers
}

/// `item` with every table header in it at `position`: a table moved in from another document
/// renders where it is put, not where it stood there.
fn placed_at(mut item: Item, position: isize) -> Item {
    fn place(table: &mut Table, position: isize) {
        if table.position().is_some() {
            table.set_position(Some(position));
        }
        for (_, child) in table.iter_mut() {
            match child {
                Item::Table(child) => place(child, position),
                Item::ArrayOfTables(array) => array.iter_mut().for_each(|t| place(t, position)),
                _ => {}
            }
        }
    }
    if let Item::Table(table) = &mut item {
        place(table, position);
    }
    item
}

fn uses_crlf(text: &str) -> bool {
    let crlf = text.matches("\r\n").count();
    crlf > 0 && crlf * 2 >= text.matches('\n').count()
}

/// How a missing child table is written.
#[derive(Clone, Copy)]
enum ChildStyle {
    /// Like its parent: a `[header]` under a header table, dotted keys under dotted keys, an
    /// inline table inside an inline table.
    Nested,
    /// Always `key = { … }`.
    Inline,
}

/// Finds or creates the table `key` under `parent`. An error when `key` holds a non-table.
fn ensure_child<'a>(
    parent: &'a mut Item,
    key: &str,
    style: ChildStyle,
    implicit: bool,
) -> anyhow::Result<(&'a mut Item, bool)> {
    let new_child = match (&*parent, style) {
        (Item::Table(table), ChildStyle::Nested) if table.is_dotted() => {
            let mut child = Table::new();
            child.set_dotted(true);
            Item::Table(child)
        }
        (Item::Table(table), ChildStyle::Nested) => {
            let mut child = Table::new();
            child.set_implicit(implicit);
            if let Some(position) = last_position(table) {
                child.set_position(Some(position));
            }
            Item::Table(child)
        }
        _ => Item::Value(Value::InlineTable(InlineTable::new())),
    };
    let table = parent
        .as_table_like_mut()
        .ok_or_else(|| anyhow::anyhow!("the parent of `{key}` is not a table"))?;
    let created = !table.contains_key(key);
    if created {
        table.insert(key, new_child);
    }
    let child = table.get_mut(key).expect("just ensured");
    if !child.is_table_like() {
        anyhow::bail!(
            "`{key}` is a {}, not a table; fix or remove it, then run codexgw again",
            child.type_name()
        );
    }
    Ok((child, created))
}

/// The highest header position within a table family, so a new sibling lands right after it.
fn last_position(table: &Table) -> Option<isize> {
    let mut last = table.position();
    for (_, item) in table.iter() {
        let nested = match item {
            Item::Table(child) => last_position(child),
            Item::ArrayOfTables(array) => array.iter().filter_map(last_position).max(),
            _ => None,
        };
        last = last.max(nested);
    }
    last
}

/// Brings one owned key to its desired state. Removed tables go to `dropped`, so comments that
/// were not theirs can be kept.
fn apply_desired(
    provider: &mut Item,
    key: &str,
    desired: &Desired,
    dropped: &mut Vec<Item>,
) -> anyhow::Result<bool> {
    let table = provider.as_table_like_mut().expect("provider is a table");
    match desired {
        Desired::Absent => match table.remove(key) {
            Some(item) => {
                dropped.push(item);
                Ok(true)
            }
            None => Ok(false),
        },
        Desired::Set(setting) => Ok(set_setting(table, key, setting)),
        Desired::Table(entries) => {
            if table.get(key).is_some_and(|item| !item.is_table_like()) {
                table.remove(key);
            }
            let (child, created) = ensure_child(provider, key, ChildStyle::Nested, false)?;
            let end = InlineEnd::capture(child);
            let table = child.as_table_like_mut().expect("ensured a table");
            let mut changed = created;
            for (child_key, setting) in entries {
                changed |= set_setting(table, child_key, setting);
            }
            end.restore(child);
            Ok(changed)
        }
    }
}

/// Sets or removes the governance entry of `env_http_headers`. HTTP header names ignore case,
/// so an entry spelled `x-coder-ai-governance-token` is the same header: it is edited in place,
/// and further spellings are removed so Codex never sends two competing tokens.
fn apply_governance_header(
    provider: &mut Item,
    wanted: bool,
    dropped: &mut Vec<Item>,
) -> anyhow::Result<bool> {
    let table = provider.as_table_like_mut().expect("provider is a table");
    if !wanted {
        let Some(headers) = table.get_mut(OwnedHeader::TABLE) else {
            return Ok(false);
        };
        let end = InlineEnd::capture(headers);
        let Some(entries) = headers.as_table_like_mut() else {
            return Ok(false);
        };
        let spellings = governance_keys(entries);
        for key in &spellings {
            entries.remove(key);
        }
        let now_empty = entries.is_empty();
        end.restore(headers);
        if !spellings.is_empty() && now_empty {
            dropped.extend(table.remove(OwnedHeader::TABLE));
        }
        return Ok(!spellings.is_empty());
    }
    let (headers, created) = ensure_child(provider, OwnedHeader::TABLE, ChildStyle::Inline, false)?;
    let end = InlineEnd::capture(headers);
    let changed = set_governance_entry(headers)?;
    end.restore(headers);
    Ok(changed || created)
}

fn governance_keys(headers: &dyn TableLike) -> Vec<String> {
    headers
        .iter()
        .map(|(key, _)| key)
        .filter(|key| key.eq_ignore_ascii_case(OwnedHeader::KEY))
        .map(str::to_string)
        .collect()
}

fn set_governance_entry(headers: &mut Item) -> anyhow::Result<bool> {
    let value = Value::from(crate::codex::mode::CODER_TOKEN_VAR);
    let entries = headers.as_table_like_mut().expect("ensured a table");
    let spellings = governance_keys(entries);
    if let Some((first, others)) = spellings.split_first() {
        let mut changed = replace_value(entries.get_mut(first).expect("listed"), value);
        for other in others {
            changed |= entries.remove(other).is_some();
        }
        return Ok(changed);
    }
    // Quoted like Coder's docs, although the dashes would allow a bare key.
    let key: Key = format!("\"{}\"", OwnedHeader::KEY)
        .parse()
        .expect("a quoted key parses");
    match headers {
        Item::Table(table) => {
            table.insert_formatted(&key, Item::Value(value));
        }
        Item::Value(Value::InlineTable(table)) => {
            table.insert_formatted(&key, value);
        }
        _ => unreachable!("ensure_child returns a table"),
    }
    Ok(true)
}

fn setting_value(setting: &Setting) -> Value {
    match setting {
        Setting::Str(s) => Value::from(s.as_str()),
        Setting::Bool(b) => Value::from(*b),
        Setting::StrArray(items) => {
            Value::Array(items.iter().map(String::as_str).collect::<Array>())
        }
    }
}

/// Sets `key` to `setting`, leaving an already-equal value untouched (quoting and all).
fn set_setting(table: &mut dyn TableLike, key: &str, setting: &Setting) -> bool {
    let value = setting_value(setting);
    match table.get_mut(key) {
        Some(item) => replace_value(item, value),
        None => {
            table.insert(key, Item::Value(value));
            true
        }
    }
}

/// Replaces an item's value, carrying the old value's whitespace and trailing comment over.
fn replace_value(item: &mut Item, mut value: Value) -> bool {
    if let Item::Value(old) = item {
        if values_equal(old, &value) {
            return false;
        }
        *value.decor_mut() = old.decor().clone();
    }
    *item = Item::Value(value);
    true
}

/// Equality of meaning: `'x'` equals `"x"`, comments and layout do not count.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => x.value().to_bits() == y.value().to_bits(),
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Datetime(x), Value::Datetime(y)) => x.value() == y.value(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| values_equal(a, b))
        }
        (Value::InlineTable(x), Value::InlineTable(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_byte_order_mark_survives_and_two_are_refused() {
        let once = "\u{feff}model = \"x\"\r\n";
        assert_eq!(ConfigDocument::parse(once).unwrap().render(), once);
        let err = ConfigDocument::parse("\u{feff}\u{feff}model = \"x\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 1));
        assert!(err.message.contains("two byte-order marks"), "{err}");
    }

    #[test]
    fn a_lone_carriage_return_in_a_crlf_file_is_refused_where_it_stands() {
        let err = ConfigDocument::parse("[tui]\r\n\r\r\n[[skills]]").unwrap_err();
        // Where Codex 0.171 says it is: `config.toml:2:2: carriage return must be followed by
        // newline` (tests/it/agrees_with_codex.rs runs it).
        assert_eq!((err.line, err.column), (2, 2), "{err}");
        assert!(err.message.contains("carriage return"), "{err}");
    }

    #[test]
    fn toml_1_1_inline_tables_parse_and_print_unchanged() {
        let text = "set = {\n  FOO = \"bar\", # why\n  BAZ = \"qux\",\n}\nt = { a = 1, }\n";
        let doc = ConfigDocument::parse(text).unwrap();
        assert_eq!(doc.render(), text);
        let set = doc.doc.get("set").and_then(Item::as_inline_table).unwrap();
        assert_eq!(set.get("BAZ").and_then(Value::as_str), Some("qux"));
    }
}
