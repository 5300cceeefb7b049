//! Inline tables keep their own layout when entries are added or removed: one line or several,
//! a trailing comma, and comments at the ends of lines (TOML 1.1).

use toml_edit::{InlineTable, Item, Value};

use super::layout::raw_text;

/// An inline table's layout, captured before entries are added or removed and restored after,
/// so edits read as if written by hand: `{ a = 4 }` grows into `{ a = 4, b = 5 }` (not
/// `{ a = 4 , b = 5 }`), and a TOML 1.1 table written over several lines gets its new entries on
/// lines of their own, at the same indentation, with every comment kept on the line it was on.
///
/// toml_edit keeps the text before `}` on the last value (or after the trailing comma), and a
/// comment that ends an entry's line in the prefix of the next key: both move when the entries
/// around them change.
pub(super) struct InlineEnd(Option<InlineLayout>);

pub(super) struct InlineLayout {
    /// Keys in order, with their prefixes.
    keys: Vec<(String, String)>,
    /// The text before `}`: on the same line as the last entry, and from its first newline on.
    same_line: String,
    rest: Option<String>,
    /// The indentation of entries on lines of their own; `None` for a one-line table.
    indent: Option<String>,
}

/// `text` up to its first newline, and the rest from that newline on.
pub(super) fn split_first_line(text: &str) -> (&str, Option<&str>) {
    match text.find('\n') {
        Some(at) => (&text[..at], Some(&text[at..])),
        None => (text, None),
    }
}

impl InlineEnd {
    pub(super) fn capture(item: &Item) -> InlineEnd {
        let Item::Value(Value::InlineTable(table)) = item else {
            return InlineEnd(None);
        };
        let keys: Vec<(String, String)> = table
            .iter()
            .map(|(key, _)| {
                let (k, _) = table.get_key_value(key).expect("iterated key");
                let prefix = k.leaf_decor().prefix().map(raw_text).unwrap_or_default();
                (key.to_string(), prefix)
            })
            .collect();
        let Some(tail) = inline_tail(table) else {
            return InlineEnd(None);
        };
        let (same_line, rest) = split_first_line(&tail);
        let indent = keys
            .iter()
            .rev()
            .find_map(|(_, prefix)| {
                prefix
                    .rsplit_once('\n')
                    .map(|(_, indent)| indent.to_string())
            })
            .or_else(|| rest.map(|_| "  ".to_string()));
        InlineEnd(Some(InlineLayout {
            same_line: same_line.to_string(),
            rest: rest.map(str::to_string),
            keys,
            indent,
        }))
    }

    pub(super) fn restore(self, item: &mut Item) {
        let (Some(layout), Item::Value(Value::InlineTable(table))) = (self.0, item) else {
            return;
        };
        let now: Vec<String> = table.iter().map(|(key, _)| key.to_string()).collect();
        let kept = |key: &str| now.iter().any(|k| k == key);
        // A comment that ended the line of the entry before a removed one stays on that line.
        for (i, (key, prefix)) in layout.keys.iter().enumerate() {
            let (first, _) = split_first_line(prefix);
            if kept(key) || first.trim().is_empty() || !prefix.contains('\n') {
                continue;
            }
            let next = layout.keys[i + 1..].iter().find(|(k, _)| kept(k));
            if let Some((next, _)) = next {
                let mut next_key = table.key_mut(next).expect("kept key");
                let old = next_key
                    .leaf_decor()
                    .prefix()
                    .map(raw_text)
                    .unwrap_or_default();
                let (_, from_newline) = split_first_line(&old);
                let rebuilt = format!("{first}{}", from_newline.unwrap_or("\n"));
                next_key.leaf_decor_mut().set_prefix(rebuilt);
            }
        }
        let last_before = layout.keys.last().map(|(key, _)| key.as_str());
        let last_kept = last_before.filter(|key| kept(key));
        let added: Vec<&String> = now
            .iter()
            .filter(|key| !layout.keys.iter().any(|(k, _)| k == *key))
            .collect();
        let same_line = match last_kept {
            Some(_) => layout.same_line.as_str(),
            // The same-line comment was the removed entry's own.
            None if layout.same_line.trim().is_empty() => layout.same_line.as_str(),
            None => "",
        };
        let tail = match (&layout.indent, added.is_empty()) {
            (Some(indent), false) => {
                for (n, key) in added.iter().enumerate() {
                    let lead = if n == 0 && last_kept.is_some() {
                        same_line
                    } else {
                        ""
                    };
                    let lead = if lead.trim().is_empty() { "" } else { lead };
                    let mut new_key = table.key_mut(key).expect("added key");
                    new_key
                        .leaf_decor_mut()
                        .set_prefix(format!("{lead}\n{indent}"));
                }
                layout.rest.clone().unwrap_or_else(|| "\n".to_string())
            }
            _ => format!("{same_line}{}", layout.rest.as_deref().unwrap_or_default()),
        };
        if table.trailing_comma() {
            // The comma follows each value directly.
            for key in &added {
                table
                    .get_mut(key)
                    .expect("added key")
                    .decor_mut()
                    .set_suffix("");
            }
            table.set_trailing(tail);
            return;
        }
        let new_last = now.last().map(String::as_str);
        if let Some(old) = last_kept
            .filter(|key| new_last != Some(*key))
            .and_then(|key| table.get_mut(key))
        {
            old.decor_mut().set_suffix("");
        }
        if let Some(value) = new_last.and_then(|key| table.get_mut(key)) {
            value.decor_mut().set_suffix(tail);
        }
    }
}

/// The text between an inline table's last entry (or its trailing comma) and `}`; `None` when
/// toml_edit would print its default there.
pub(super) fn inline_tail(table: &InlineTable) -> Option<String> {
    if table.trailing_comma() {
        return Some(raw_text(table.trailing()));
    }
    let (_, last) = table.iter().last()?;
    last.decor().suffix().map(raw_text)
}
