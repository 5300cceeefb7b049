//! Golden files: compare output with a checked-in copy; `CODEXGW_BLESS=1 cargo test` rewrites
//! the copies instead (and deletes ones nothing produces any more).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn blessing() -> bool {
    std::env::var("CODEXGW_BLESS").as_deref() == Ok("1")
}

/// The path of a checked-in file, relative to the crate root.
pub fn path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Fails (with a diff) when `actual` differs from the file at `path`.
pub fn check(path: &Path, actual: &str) {
    let expected = std::fs::read_to_string(path).ok();
    if expected.as_deref() == Some(actual) {
        return;
    }
    if blessing() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        eprintln!("blessed `{}`", path.display());
        return;
    }
    let Some(expected) = expected else {
        panic!(
            "`{}` is missing; run `CODEXGW_BLESS=1 cargo test` to create it",
            path.display()
        );
    };
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
        .unified_diff()
        .header("checked in", "produced now")
        .to_string();
    panic!(
        "`{}` differs from what codexgw produces now:\n{diff}\nif the change is intended, run `CODEXGW_BLESS=1 cargo test` and review the diff",
        path.display()
    );
}

/// Fails when `dir` holds files with `extension` that are not in `expected` (a removed command's
/// snapshot); blessing deletes them.
pub fn no_strays(dir: &Path, extension: &str, expected: &[PathBuf]) {
    let expected: BTreeSet<&PathBuf> = expected.iter().collect();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut strays = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == extension) && !expected.contains(&path) {
            strays.push(path);
        }
    }
    if strays.is_empty() {
        return;
    }
    if blessing() {
        for stray in &strays {
            std::fs::remove_file(stray).unwrap();
            eprintln!("removed stale `{}`", stray.display());
        }
        return;
    }
    panic!(
        "stale files nothing produces any more: {strays:?}; run `CODEXGW_BLESS=1 cargo test` to remove them"
    );
}
