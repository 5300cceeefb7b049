//! Reading a large file without holding its whole tree. A toml_edit parse needs about 35 times
//! the file's size while it runs, and setup only needs, of all that, where each table stands and
//! which keys sit where Codex does not read them. So a large file is parsed a stretch of whole
//! tables at a time, each tree dropped as soon as it is read; what could only go wrong between
//! stretches (a table defined twice, a header through a key of another table) is checked on the
//! table names alone, and anything doubtful is left to the one parse of the whole file.

use std::collections::{HashMap, HashSet};

use toml_edit::{Item, Table};

use super::skeleton::{Block, Editable, Skeleton, blocks};
use crate::codex::inspect::{Inspected, Misplaced};

/// Files smaller than this are parsed whole: they cost little either way.
pub(super) const LARGE: usize = 256 << 10;

/// About how much of the file one stretch holds.
pub(super) const STRETCH: usize = 64 << 10;

/// What setup needs of `text`, read stretch by stretch; `None` when the stretches cannot
/// vouch for the file (an error in one, a name that two stretches might both claim): the
/// caller then parses it whole, for the same answer or the exact error.
pub(super) fn read(
    text: &str,
    editable: Editable,
    stretch: usize,
) -> Option<(Misplaced, Skeleton)> {
    let mut misplaced = Misplaced::default();
    let mut found = Vec::new();
    let mut names = Names::default();
    let mut lines_before = 0;
    for range in stretches(text, stretch) {
        let stretch = &text[range.clone()];
        let inspected = Inspected::parse_borrowed(stretch).ok()?;
        let mut read = inspected.misplaced();
        for stranded in &mut read.stranded {
            stranded.line += lines_before;
            stranded.table_line = stranded.table_line.map(|line| line + lines_before);
        }
        if let Some(profile) = &mut read.legacy_profile {
            profile.line += lines_before;
        }
        misplaced.stranded.extend(read.stranded);
        misplaced.legacy_profile = misplaced.legacy_profile.or(read.legacy_profile);
        let doc = inspected.document();
        found.extend(
            blocks(doc, stretch, editable)
                .into_iter()
                .map(|block| Block {
                    range: block.range.start + range.start..block.range.end + range.start,
                    ..block
                }),
        );
        names.add(doc.as_table(), range.start);
        lines_before += stretch.matches('\n').count();
    }
    names
        .agree()
        .then(|| (misplaced, Skeleton::from_blocks(found, text)))
}

/// The file cut before lines that start with `[`, in stretches of about `size` bytes. A cut
/// that falls inside a multi-line string or array leaves it open in the stretch before, which
/// then fails to parse: the file is read whole.
fn stretches(text: &str, size: usize) -> Vec<std::ops::Range<usize>> {
    let mut cuts = vec![0];
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let opens_header = line.trim_start_matches([' ', '\t']).starts_with('[');
        if opens_header && line_start - cuts[cuts.len() - 1] >= size {
            cuts.push(line_start);
        }
        line_start += line.len();
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// One header, as read in its stretch: its path, whether it is an `[[array]]` element, and
/// the first part of every key written in its own body (the names it takes in its table).
struct Header {
    at: usize,
    path: Vec<String>,
    array: bool,
    keys: Vec<String>,
}

/// Every table name of the file, to check what no single stretch could see.
#[derive(Default)]
struct Names {
    root_keys: Vec<String>,
    headers: Vec<Header>,
}

impl Names {
    fn add(&mut self, root: &Table, offset: usize) {
        if offset == 0 {
            self.root_keys = body_keys(root);
        }
        let mut headers = Vec::new();
        collect(root, &mut Vec::new(), &mut headers);
        headers.sort_by_key(|h| h.at);
        self.headers.extend(headers.into_iter().map(|h| Header {
            at: h.at + offset,
            ..h
        }));
    }

    /// Whether the stretches' names fit together as TOML allows, replayed in file order: no
    /// table defined twice, `[x]` and `[[x]]` never for the same `x`, an array never where a
    /// table already stands, and no key that a header elsewhere also names.
    fn agree(&self) -> bool {
        let mut arrays: HashMap<Vec<String>, usize> = HashMap::new();
        let mut defined: HashSet<Vec<String>> = HashSet::new();
        let mut named: HashSet<Vec<String>> = HashSet::new();
        let mut bodies: Vec<(Vec<String>, &[String])> = vec![(Vec::new(), &self.root_keys)];
        for header in &self.headers {
            let Some((last, parents)) = header.path.split_last() else {
                return false;
            };
            let mut path = Vec::new();
            for segment in parents {
                path.push(segment.clone());
                if let Some(count) = arrays.get(&path) {
                    path.push(format!("#{}", count - 1));
                }
            }
            path.push(last.clone());
            let table = match header.array {
                true => {
                    if defined.contains(&path)
                        || (named.contains(&path) && !arrays.contains_key(&path))
                    {
                        return false;
                    }
                    let count = arrays.entry(path.clone()).or_insert(0);
                    *count += 1;
                    let mut element = path.clone();
                    element.push(format!("#{}", *count - 1));
                    element
                }
                false => {
                    if arrays.contains_key(&path) || !defined.insert(path.clone()) {
                        return false;
                    }
                    path.clone()
                }
            };
            for end in 1..=table.len() {
                named.insert(table[..end].to_vec());
            }
            bodies.push((table, &header.keys));
        }
        bodies.iter().all(|(table, keys)| {
            keys.iter().all(|key| {
                let mut path = table.clone();
                path.push(key.clone());
                !named.contains(&path)
            })
        })
    }
}

fn collect(table: &Table, path: &mut Vec<String>, out: &mut Vec<Header>) {
    for (key, item) in table.iter() {
        path.push(key.to_string());
        match item {
            Item::Table(child) => {
                // Dotted and implicit tables have no header, but may hold tables that do.
                let headed = !child.is_implicit() && !child.is_dotted();
                if let (true, Some(span)) = (headed, child.span()) {
                    out.push(header(child, path, span.start, false));
                }
                collect(child, path, out);
            }
            Item::ArrayOfTables(array) => {
                for child in array.iter() {
                    out.push(header(
                        child,
                        path,
                        child.span().map_or(0, |s| s.start),
                        true,
                    ));
                    collect(child, path, out);
                }
            }
            _ => {}
        }
        path.pop();
    }
}

fn header(table: &Table, path: &[String], at: usize, array: bool) -> Header {
    Header {
        at,
        path: path.to_vec(),
        array,
        keys: body_keys(table),
    }
}

/// The names a table's own body takes: its values and the first part of its dotted keys.
fn body_keys(table: &Table) -> Vec<String> {
    table
        .iter()
        .filter(|(_, item)| item.is_value() || item.as_table().is_some_and(Table::is_dotted))
        .map(|(key, _)| key.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{ConfigDocument, with_every_table_apart, with_whole_documents};
    use proptest::prelude::*;

    /// Table names that clash across tables in every way TOML forbids (and allows): tables
    /// defined twice, `[x]` against `[[x]]`, headers through keys, dotted and inline tables,
    /// super-tables defined after their children, arrays with sub-tables.
    fn piece() -> impl Strategy<Value = String> {
        let pieces = [
            "[a]",
            "[a.b]",
            "[a.b.c]",
            "[[a]]",
            "[[a.b]]",
            "[a.b.d]",
            "[b]",
            "[[b]]",
            "[b.a]",
            "[\"a\"]",
            "['a'.b]",
            "[ a . b ]",
            "a = 1",
            "b = 2",
            "c = 3",
            "b.c = 1",
            "b.d = 2",
            "a.b = 1",
            "b = { c = 1 }",
            "d = [1,\n[2]]",
            "x = \"\"\"\n[a]\n\"\"\"",
            "# [a]",
            "  [b]",
            "",
        ];
        prop::sample::select(pieces.to_vec()).prop_map(str::to_string)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        /// Read a table at a time, a file is accepted exactly when the whole parse accepts it,
        /// with the same error, and what setup reads of it is the same.
        #[test]
        fn stretches_accept_exactly_what_the_whole_parse_accepts(
            lines in prop::collection::vec(piece(), 0..14)
        ) {
            let text = lines.join("\n") + "\n";
            let apart = with_every_table_apart(|| ConfigDocument::parse(&text));
            let whole = with_whole_documents(|| ConfigDocument::parse(&text));
            match (apart, whole) {
                (Ok(apart), Ok(whole)) => {
                    // The whole document may reprint a header in another table's spelling
                    // (`[a.b]` after `["a"]`); kept tables never change.
                    if whole.render() == text {
                        prop_assert_eq!(apart.render(), text);
                    }
                    prop_assert_eq!(apart.misplaced(), whole.misplaced());
                }
                (Err(apart), Err(whole)) => prop_assert_eq!(apart, whole),
                (apart, whole) => prop_assert!(
                    false,
                    "{text}\napart: {:?}\nwhole: {:?}",
                    apart.map(|d| d.render()),
                    whole.map(|d| d.render())
                ),
            }
        }
    }

    #[test]
    fn a_large_file_is_read_in_stretches_that_agree() {
        let table = |i: usize| {
            format!("# project {i}\n[projects.\"/src/{i}\"]\ntrust_level = \"trusted\"\n\n")
        };
        let text: String = (0..20_000).map(table).collect();
        let editable: super::Editable = &|path, _| path[0] == "model_providers";
        let (misplaced, skeleton) = super::read(&text, editable, super::STRETCH).unwrap();
        assert!(misplaced.stranded.is_empty());
        assert_eq!(skeleton.kept.len(), 1, "one run of kept tables");
        // A table defined again far from the first: only the names can tell.
        let twice = format!("{text}[projects.\"/src/3\"]\n");
        assert!(super::read(&twice, editable, super::STRETCH).is_none());
        assert!(ConfigDocument::parse(&twice).is_err());
    }
}
