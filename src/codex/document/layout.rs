//! Where comments and headers stand: keeping a file's leading comments above the first table,
//! and the comments that close one table from sliding into the next when tables move.

use toml_edit::{DocumentMut, Item, RawString, Table};

/// Moves the comment block that opens the file off the first table header, so a key inserted
/// at the top goes below `#:schema …` and the file's opening comments, not above them.
/// Returns the text to put before the new key.
pub(super) fn detach_leading_comments(doc: &mut DocumentMut) -> Option<String> {
    let root = doc.as_table_mut();
    if has_root_entries(root) {
        return None;
    }
    let first = first_header_position(root);
    let Some(first) = first else {
        // No table at all: the comments are the document's trailing text; the key goes last.
        let trailing = raw_text(doc.trailing());
        if trailing.trim().is_empty() {
            return None;
        }
        doc.set_trailing("");
        return Some(ensure_newline(trailing));
    };
    let mut detached = None;
    with_header_at(root, first, &mut |decor| {
        let prefix = decor.prefix().map(raw_text).unwrap_or_default();
        let (head, tail) = split_leading_comments(&prefix);
        if !head.is_empty() {
            detached = Some(head);
        }
        decor.set_prefix(tail);
    });
    detached
}

pub(super) fn ensure_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Whether the root has keys of its own (plain or dotted) before the first header.
pub(super) fn has_root_entries(root: &Table) -> bool {
    root.iter()
        .any(|(_, item)| item.is_value() || item.as_table().is_some_and(Table::is_dotted))
}

/// The inverse of [`detach_leading_comments`]: `leading` goes back on the first header (or the
/// first remaining top-level key, or the end of an all-comment file).
pub(super) fn reattach_leading_comments(doc: &mut DocumentMut, leading: String) {
    let root = doc.as_table_mut();
    if leading.is_empty() && has_root_entries(root) {
        // Nothing was detached: other keys still stand between the removed one and the first
        // header, so its blank line is the user's.
        return;
    }
    let first_value = root
        .iter_mut()
        .find(|(_, item)| item.is_value())
        .map(|(k, _)| k);
    if let Some(mut key) = first_value {
        if !leading.is_empty() {
            let prefix = key.leaf_decor().prefix().map(raw_text).unwrap_or_default();
            key.leaf_decor_mut().set_prefix(leading + &prefix);
        }
        return;
    }
    if let Some(first) = first_header_position(root) {
        with_header_at(root, first, &mut |decor| {
            let prefix = decor.prefix().map(raw_text).unwrap_or_default();
            let prefix = match leading.is_empty() {
                true => prefix.trim_start_matches('\n').to_string(),
                false => format!("{leading}{prefix}"),
            };
            decor.set_prefix(prefix);
        });
        return;
    }
    let trailing = raw_text(doc.trailing());
    doc.set_trailing(format!("{leading}{trailing}"));
}

pub(super) fn raw_text(raw: &RawString) -> String {
    raw.as_str().unwrap_or_default().to_string()
}

/// Splits a header's leading text after its last blank line (the file's opening block), or
/// after a `#:schema` line that directly precedes the header's own comment. The blank line
/// stays with the header, separating it from the new key.
pub(super) fn split_leading_comments(prefix: &str) -> (String, String) {
    let lines: Vec<&str> = prefix.split_inclusive('\n').collect();
    let last_blank = lines
        .iter()
        .rposition(|line| line.trim().is_empty() && line.ends_with('\n'));
    let split = match last_blank {
        Some(i) => i,
        None if prefix.starts_with("#:schema") => 1,
        None => 0,
    };
    let head = lines[..split].concat();
    let tail = lines[split..].concat();
    let head = match head.trim().is_empty() {
        true => String::new(),
        false => ensure_newline(head),
    };
    let tail = if tail.trim_start_matches([' ', '\t']).starts_with('\n') {
        tail
    } else {
        format!("\n{tail}")
    };
    (head, tail)
}

pub(super) fn first_header_position(root: &Table) -> Option<isize> {
    let mut positions = Vec::new();
    header_positions(root, &mut positions);
    positions.into_iter().min()
}

/// Every header position in the document (implicit and dotted tables have none of their own).
pub(super) fn header_positions(table: &Table, out: &mut Vec<isize>) {
    for (_, item) in table.iter() {
        match item {
            Item::Table(child) if !child.is_dotted() => {
                if !child.is_implicit() {
                    out.extend(child.position());
                }
                header_positions(child, out);
            }
            Item::ArrayOfTables(array) => {
                for child in array.iter() {
                    out.extend(child.position());
                    header_positions(child, out);
                }
            }
            _ => {}
        }
    }
}

pub(super) fn next_header_after(root: &Table, position: isize) -> Option<isize> {
    let mut positions = Vec::new();
    header_positions(root, &mut positions);
    positions.into_iter().filter(|p| *p > position).min()
}

/// For each header table in a dropped item: its position and the comments in its prefix that
/// belong to the section before it (see [`split_closing_comments`]).
pub(super) fn attached_to_previous(item: &Item, out: &mut Vec<(isize, String)>) {
    let tables: Vec<&Table> = match item {
        Item::Table(table) if !table.is_dotted() => vec![table],
        Item::ArrayOfTables(array) => array.iter().collect(),
        _ => return,
    };
    for table in tables {
        let prefix = table.decor().prefix().map(raw_text).unwrap_or_default();
        let closing = split_closing_comments(&prefix, true);
        if let (false, Some(position), Some((head, _))) =
            (table.is_implicit(), table.position(), closing)
        {
            out.push((position, head));
        }
        for (_, child) in table.iter() {
            attached_to_previous(child, out);
        }
    }
}

/// Splits comment lines that directly follow the previous section off the text before a header
/// (or the file's end). Before a header they must be set apart from it by a blank line, or they
/// describe the header itself. `None` when there are none.
pub(super) fn split_closing_comments(
    text: &str,
    needs_blank_after: bool,
) -> Option<(String, String)> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let count = lines
        .iter()
        .take_while(|line| line.trim_start().starts_with('#'))
        .count();
    let blank_follows = lines.get(count).is_some_and(|line| line.trim().is_empty());
    if count == 0 || (needs_blank_after && !blank_follows) {
        return None;
    }
    let head = ensure_newline(lines[..count].concat());
    Some((head, lines[count..].concat()))
}

/// Calls `f` on the decor of the first header (in document order of the tree) at `position`;
/// whether there was one. Tables share a position when one was added after another, so the
/// search stops at the first.
pub(super) fn with_header_at(
    table: &mut Table,
    position: isize,
    f: &mut dyn FnMut(&mut toml_edit::Decor),
) -> bool {
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(child) if !child.is_dotted() => {
                if !child.is_implicit() && child.position() == Some(position) {
                    f(child.decor_mut());
                    return true;
                }
                if with_header_at(child, position, f) {
                    return true;
                }
            }
            Item::ArrayOfTables(array) => {
                for child in array.iter_mut() {
                    if child.position() == Some(position) {
                        f(child.decor_mut());
                        return true;
                    }
                    if with_header_at(child, position, f) {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}
