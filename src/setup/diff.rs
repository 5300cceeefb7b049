//! Unified diffs of planned changes, as `--dry-run` and the wizard show them.
//!
//! A diff shows lines of the user's file that codexgw did not write, and some files hold
//! secrets codexgw would never print: every value [`mask_secrets`] finds by its meaning is
//! masked. Lines are compared as written (a changed token still shows as a change) and printed
//! masked.

use similar::{Algorithm, DiffOp};

use crate::secrets::mask::mask_secrets;
use crate::setup::plan::FileChange;

/// Lines of context around each change, as `diff -u`.
const CONTEXT: usize = 3;

pub fn unified(change: &FileChange) -> String {
    let before = change.before.as_deref().unwrap_or("");
    let new_name = change.path.display().to_string();
    let old_name = match change.before {
        Some(_) => new_name.clone(),
        None => "/dev/null".to_string(),
    };
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = change.after.split_inclusive('\n').collect();
    let mut groups = similar::group_diff_ops(line_ops(&old, &new), CONTEXT);
    groups.retain(|ops| !ops.is_empty());
    if groups.is_empty() {
        return String::new();
    }
    let mut masked_old = Masked::new(&old);
    let mut masked_new = Masked::new(&new);
    for ops in &groups {
        let (first, last) = (ops[0], ops[ops.len() - 1]);
        masked_old.cover(first.old_range().start..last.old_range().end);
        masked_new.cover(first.new_range().start..last.new_range().end);
    }
    let (masked_old, masked_new) = (masked_old.lines(), masked_new.lines());
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    for ops in groups {
        let (first, last) = (ops[0], ops[ops.len() - 1]);
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            hunk_range(first.old_range().start, last.old_range().end),
            hunk_range(first.new_range().start, last.new_range().end)
        ));
        for op in ops {
            for (tag, line) in op_lines(&op, &masked_old, &masked_new) {
                out.push(tag);
                match line.strip_suffix('\n') {
                    Some(line) => {
                        out.push_str(line.strip_suffix('\r').unwrap_or(line));
                        out.push('\n');
                    }
                    None => {
                        out.push_str(line);
                        out.push_str("\n\\ No newline at end of file\n");
                    }
                }
            }
        }
    }
    out
}

/// The line operations turning `old` into `new`. Only the region between the common first and
/// last lines is diffed: an edit touches a few lines of a file that may have a million, and
/// the diff algorithm is superlinear in what it is given.
pub(crate) fn line_ops(old: &[&str], new: &[&str]) -> Vec<DiffOp> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_mid, new_mid) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let mut ops = vec![DiffOp::Equal {
        old_index: 0,
        new_index: 0,
        len: head,
    }];
    ops.extend(
        similar::capture_diff_slices(Algorithm::Myers, old_mid, new_mid)
            .into_iter()
            .map(|op| shift(op, head)),
    );
    ops.push(DiffOp::Equal {
        old_index: old.len() - tail,
        new_index: new.len() - tail,
        len: tail,
    });
    ops.retain(|op| !matches!(op, DiffOp::Equal { len: 0, .. }));
    ops
}

fn shift(op: DiffOp, by: usize) -> DiffOp {
    match op {
        DiffOp::Equal {
            old_index,
            new_index,
            len,
        } => DiffOp::Equal {
            old_index: old_index + by,
            new_index: new_index + by,
            len,
        },
        DiffOp::Delete {
            old_index,
            old_len,
            new_index,
        } => DiffOp::Delete {
            old_index: old_index + by,
            old_len,
            new_index: new_index + by,
        },
        DiffOp::Insert {
            old_index,
            new_index,
            new_len,
        } => DiffOp::Insert {
            old_index: old_index + by,
            new_index: new_index + by,
            new_len,
        },
        DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } => DiffOp::Replace {
            old_index: old_index + by,
            old_len,
            new_index: new_index + by,
            new_len,
        },
    }
}

/// The lines an operation prints, each with its `' '`, `'-'` or `'+'`.
fn op_lines<'a>(op: &DiffOp, old: &'a [String], new: &'a [String]) -> Vec<(char, &'a str)> {
    let removed = old[op.old_range()].iter().map(|l| ('-', l.as_str()));
    let added = new[op.new_range()].iter().map(|l| ('+', l.as_str()));
    match op {
        DiffOp::Equal { .. } => old[op.old_range()]
            .iter()
            .map(|l| (' ', l.as_str()))
            .collect(),
        DiffOp::Delete { .. } => removed.collect(),
        DiffOp::Insert { .. } => added.collect(),
        DiffOp::Replace { .. } => removed.chain(added).collect(),
    }
}

/// The masked text of the lines a diff shows. Masking needs each value's key path, but parsing
/// a whole large file again per side would cost more than the edit: each shown range is masked
/// within its own section, from the header above it to the header below it. A section that
/// does not parse on its own (the cut fell inside a multi-line value) is masked with the whole
/// file instead.
struct Masked<'a> {
    lines: &'a [&'a str],
    masked: Vec<Option<String>>,
    whole: Option<Vec<String>>,
}

impl<'a> Masked<'a> {
    fn new(lines: &'a [&'a str]) -> Self {
        Masked {
            lines,
            masked: vec![None; lines.len()],
            whole: None,
        }
    }

    fn cover(&mut self, shown: std::ops::Range<usize>) {
        let is_header = |line: &&str| line.trim_start().starts_with('[');
        let start = self.lines[..shown.start]
            .iter()
            .rposition(is_header)
            .unwrap_or(0);
        let end = self.lines[shown.end..]
            .iter()
            .position(is_header)
            .map_or(self.lines.len(), |i| shown.end + i);
        let section: String = self.lines[start..end].concat();
        let masked = match crate::toml_parse::parse(&section, section.as_str()) {
            Ok(_) => mask_secrets(&section),
            Err(_) => {
                let lines = self.lines;
                let whole = self
                    .whole
                    .get_or_insert_with(|| split_kept(&mask_secrets(&lines.concat())));
                whole[start..end].concat()
            }
        };
        for (i, line) in split_kept(&masked).into_iter().enumerate() {
            self.masked[start + i] = Some(line);
        }
    }

    /// Every line: masked where covered, empty elsewhere (never shown).
    fn lines(self) -> Vec<String> {
        self.masked
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect()
    }
}

fn split_kept(text: &str) -> Vec<String> {
    text.split_inclusive('\n').map(str::to_string).collect()
}

/// `start,len` of a hunk side in `diff -u` notation (1-based; a bare `start` for one line).
fn hunk_range(start: usize, end: usize) -> String {
    match end - start {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        len => format!("{},{len}", start + 1),
    }
}

/// Colours `+`/`-` lines for a terminal.
pub fn colorize(diff: &str) -> String {
    diff.lines()
        .map(|line| match line.as_bytes().first() {
            Some(b'+') if !line.starts_with("+++") => format!("\x1b[32m{line}\x1b[0m\n"),
            Some(b'-') if !line.starts_with("---") => format!("\x1b[31m{line}\x1b[0m\n"),
            Some(b'@') => format!("\x1b[36m{line}\x1b[0m\n"),
            _ => format!("{line}\n"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dry_run_diff_never_shows_a_bearer_token_in_context() {
        let change = FileChange {
            path: "config.toml".into(),
            before: Some("[model_providers.x]\nexperimental_bearer_token = \"sk-secret-1\"\n".into()),
            after: "model_provider = \"x\"\n[model_providers.x]\nexperimental_bearer_token = \"sk-secret-1\"\n".into(),
        };
        let diff = unified(&change);
        assert!(!diff.contains("sk-secret-1"), "{diff}");
        assert!(
            diff.contains("experimental_bearer_token = \"***\""),
            "{diff}"
        );
    }

    /// The unified diff as `similar` prints it, line endings as `unified` prints them.
    fn reference(before: &str, after: &str) -> String {
        similar::TextDiff::from_lines(before, after)
            .unified_diff()
            .context_radius(3)
            .header("config.toml", "config.toml")
            .to_string()
            .lines()
            .map(|l| format!("{l}\n"))
            .collect()
    }

    #[test]
    fn the_diff_is_the_usual_unified_diff() {
        let long: String = (0..40).map(|i| format!("k{i} = {i}\n")).collect();
        let cases = [
            ("a = 1\n", "b = 2\na = 1\n"),
            ("a = 1\nb = 2\n", "a = 1\n"),
            ("a = 1", "a = 1\nb = 2\n"),
            ("a = 1\n", "a = 2"),
            ("a = 1\r\nb = 2\r\n", "x = 0\r\na = 1\r\nb = 3\r\n"),
        ];
        let mut owned: Vec<(String, String)> = cases
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        owned.push((
            long.clone(),
            long.replace("k3 = 3\n", "").replace("k30 = 30", "k30 = 31"),
        ));
        owned.push((long.clone(), format!("top = 1\n{long}tail = 2\n")));
        for (before, after) in owned {
            let change = FileChange {
                path: "config.toml".into(),
                before: Some(before.clone()),
                after: after.clone(),
            };
            assert_eq!(
                unified(&change),
                reference(&before, &after),
                "{before:?} → {after:?}"
            );
        }
        let same = FileChange {
            path: "config.toml".into(),
            before: Some("a = 1\n".into()),
            after: "a = 1\n".into(),
        };
        assert_eq!(unified(&same), "");
    }

    #[test]
    fn a_changed_secret_shows_as_a_change_but_never_its_value() {
        let change = FileChange {
            path: "config.toml".into(),
            before: Some("[mcp_servers.x.env]\nTOKEN = \"old-value\"\n".into()),
            after: "[mcp_servers.x.env]\nTOKEN = \"new-value\"\n".into(),
        };
        let diff = unified(&change);
        assert!(
            diff.contains("-TOKEN = \"***\"\n+TOKEN = \"***\"\n"),
            "{diff}"
        );
        assert!(!diff.contains("value"), "{diff}");
    }

    #[test]
    fn a_section_cut_inside_a_multi_line_value_is_masked_with_the_whole_file() {
        let before = "[model_providers.x]\nexperimental_bearer_token = \"\"\"\nfirst-secret\n[looks.like.a.header]\nsecond-secret\"\"\"\nname = \"x\"\n";
        let change = FileChange {
            path: "config.toml".into(),
            before: Some(before.into()),
            after: before.replace("name = \"x\"", "name = \"y\""),
        };
        let diff = unified(&change);
        assert!(!diff.contains("secret"), "{diff}");
        assert!(diff.contains("+name = \"y\""), "{diff}");
    }
}
