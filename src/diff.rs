//! Unified diffs of planned changes, as `--dry-run` and the wizard show them.

use crate::plan::FileChange;

pub fn unified(change: &FileChange) -> String {
    let before = change.before.as_deref().unwrap_or("");
    let new_name = change.path.display().to_string();
    let old_name = match change.before {
        Some(_) => new_name.clone(),
        None => "/dev/null".to_string(),
    };
    similar::TextDiff::from_lines(before, change.after.as_str())
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(&old_name, &new_name)
        .to_string()
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
