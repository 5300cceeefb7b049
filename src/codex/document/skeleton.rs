//! Large files, small edits. Setup edits a few tables of a file that may hold thousands, yet an
//! editable toml_edit document costs as much to build and print as the whole file. So the
//! editable document holds only the tables the editor may touch: every other table (its header
//! line through its last key) is checked once by the parse of the file, each run of them
//! stands in the editable text as a one-line placeholder header, and goes back into the output
//! as its original bytes. The text before each run (blank lines, comments) stays real, so
//! comments that move when a table is added or removed move exactly as they would in the whole
//! document.

use std::ops::Range;

use toml_edit::{Document, Item, Table};

/// The root key all placeholders sit under: `[".codexgw-kept".N]` stands for run `N` of kept
/// tables. A file that contains it anywhere is edited whole.
const PLACEHOLDER_ROOT: &str = ".codexgw-kept";
const PLACEHOLDER_OPEN: &str = "[\".codexgw-kept\".";

/// The editable text of a file and where its placeholders' blocks are in the original.
#[derive(Debug, Clone, Default)]
pub(super) struct Skeleton {
    /// The original with each run of kept blocks replaced by its placeholder header.
    pub text: String,
    /// Byte range in the original of each placeholder's run of kept blocks, by number.
    pub kept: Vec<Range<usize>>,
    /// First keys of the kept blocks' headers: the document defines them, though the editable
    /// text does not show them.
    pub hidden_roots: Vec<String>,
}

/// Which tables the editor may touch, by path and table: they stay real.
pub(super) type Editable<'a> = &'a dyn Fn(&[String], &Table) -> bool;

/// One `[header]` (or `[[header]]`) table: where it stands and whether the editor needs it.
pub(super) struct Block {
    pub range: Range<usize>,
    pub root: String,
    pub editable: bool,
}

/// Every header table of `doc` (the parse of `text`), from its `[` to the end of its last line.
pub(super) fn blocks(doc: &Document<&str>, text: &str, editable: Editable) -> Vec<Block> {
    let mut blocks = Vec::new();
    collect(doc.as_table(), &mut Vec::new(), text, editable, &mut blocks);
    blocks
}

impl Skeleton {
    /// The skeleton of `text` from its header tables' `blocks`.
    pub fn from_blocks(mut blocks: Vec<Block>, text: &str) -> Skeleton {
        blocks.sort_by_key(|b| b.range.start);
        let sound = !text.contains(PLACEHOLDER_ROOT)
            && blocks
                .windows(2)
                .all(|w| w[0].range.end <= w[1].range.start)
            && blocks
                .iter()
                .all(|b| text.as_bytes().get(b.range.start) == Some(&b'['));
        if !sound {
            return Skeleton::whole(text);
        }
        let mut skeleton = Skeleton {
            text: String::with_capacity(text.len().min(1 << 16)),
            ..Skeleton::default()
        };
        // A run of kept blocks is one placeholder: only comments and blank lines stand between
        // them, and the editor only ever edits the text before a run (the prefix of its first
        // header), never inside one.
        let mut runs: Vec<Range<usize>> = Vec::new();
        let mut extends_run = false;
        for block in blocks {
            if block.editable {
                extends_run = false;
                continue;
            }
            match runs.last_mut() {
                Some(run) if extends_run => run.end = block.range.end,
                _ => runs.push(block.range.clone()),
            }
            extends_run = true;
            if !skeleton.hidden_roots.contains(&block.root) {
                skeleton.hidden_roots.push(block.root);
            }
        }
        let mut copied = 0;
        for run in runs {
            skeleton.text.push_str(&text[copied..run.start]);
            skeleton.text.push_str(PLACEHOLDER_OPEN);
            skeleton.text.push_str(&skeleton.kept.len().to_string());
            skeleton.text.push(']');
            copied = run.end;
            skeleton.kept.push(run);
        }
        skeleton.text.push_str(&text[copied..]);
        skeleton
    }

    /// Nothing kept: the editable text is the whole file.
    pub fn whole(text: &str) -> Skeleton {
        Skeleton {
            text: text.to_string(),
            ..Skeleton::default()
        }
    }

    /// `rendered` (the editable document printed) with every placeholder replaced by its block
    /// of `original`.
    pub fn expand(&self, rendered: String, original: &str) -> String {
        if self.kept.is_empty() {
            return rendered;
        }
        let mut out = String::with_capacity(original.len() + rendered.len());
        let mut rest = rendered.as_str();
        while let Some(at) = rest.find(PLACEHOLDER_OPEN) {
            out.push_str(&rest[..at]);
            let after = &rest[at + PLACEHOLDER_OPEN.len()..];
            let close = after
                .find(']')
                .expect("a placeholder header closes on its line");
            let number: usize = after[..close]
                .parse()
                .expect("a placeholder header holds its block's number");
            out.push_str(&original[self.kept[number].clone()]);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// Every header table under `table`, with the range from its `[` to the end of its last line
/// (header or key), without the line break: what follows belongs to the next header.
fn collect(
    table: &Table,
    path: &mut Vec<String>,
    text: &str,
    editable: Editable,
    out: &mut Vec<Block>,
) {
    for (key, item) in table.iter() {
        path.push(key.to_string());
        match item {
            Item::Table(child) => {
                // Dotted and implicit tables have no header, but may hold tables that do.
                if !child.is_implicit() && !child.is_dotted() {
                    out.extend(block(child, path, text, editable));
                }
                collect(child, path, text, editable, out);
            }
            Item::ArrayOfTables(array) => {
                for child in array.iter() {
                    out.extend(block(child, path, text, editable));
                    collect(child, path, text, editable, out);
                }
            }
            _ => {}
        }
        path.pop();
    }
}

fn block(table: &Table, path: &[String], text: &str, editable: Editable) -> Option<Block> {
    let header = table.span()?;
    let last = body_end(table).max(header.end);
    let end = text[last..].find('\n').map_or(text.len(), |i| last + i);
    Some(Block {
        range: header.start..end,
        root: path.first().cloned().unwrap_or_default(),
        editable: editable(path, table),
    })
}

/// Where the last key or value written in `table`'s own body ends (dotted keys included,
/// tables with headers of their own not).
fn body_end(table: &Table) -> usize {
    let mut end = 0;
    for (key, item) in table.iter() {
        let item_end = match item {
            Item::Value(value) => value.span().map_or(0, |s| s.end),
            Item::Table(child) if child.is_dotted() => body_end(child),
            _ => continue,
        };
        let key_end = table.key(key).and_then(|k| k.span()).map_or(0, |s| s.end);
        end = end.max(item_end).max(key_end);
    }
    end
}
