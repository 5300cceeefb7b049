//! Which shell start-up file exports a variable, so doctor can name the line to delete.

use std::path::{Path, PathBuf};

/// Start-up files of bash, sh, zsh and fish, in the order doctor reports them.
const RC_FILES: [&str; 9] = [
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".profile",
    ".zshrc",
    ".zshenv",
    ".zprofile",
    ".zlogin",
    ".config/fish/config.fish",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub path: PathBuf,
    pub line: usize,
}

/// The start-up files under `home` that exist: the fixed list, then fish's `conf.d/*.fish`.
pub fn rc_files(home: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = RC_FILES.iter().map(|f| home.join(f)).collect();
    if let Ok(entries) = std::fs::read_dir(home.join(".config/fish/conf.d")) {
        let mut fish: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "fish"))
            .collect();
        fish.sort();
        files.extend(fish);
    }
    files.retain(|p| p.is_file());
    files
}

/// Every start-up file (and line) that exports `var`: the files of the user's `$SHELL` first,
/// since those are the ones that run, then the rest in the usual order.
pub fn find_exports(home: &Path, var: &str, shell: Option<&str>) -> Vec<Export> {
    let mut found: Vec<Export> = rc_files(home)
        .into_iter()
        .filter_map(|path| {
            // The one reader: a start-up file swapped for a FIFO or a huge file must not hang
            // doctor or fill memory.
            let text = crate::files::read_optional(&path).ok()??;
            let fish = path.extension().is_some_and(|e| e == "fish");
            let line = exported_at(&text, var, fish)?;
            Some(Export { path, line })
        })
        .collect();
    let shell = shell
        .and_then(|s| Path::new(s).file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    found.sort_by_key(|e| !belongs_to(&e.path, shell));
    found
}

/// Whether `path` is a start-up file `shell` (`bash`, `zsh`, `fish`, `sh`) reads.
fn belongs_to(path: &Path, shell: &str) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    match shell {
        "bash" => name.starts_with(".bash") || name == ".profile",
        "zsh" => name.starts_with(".z"),
        "fish" => name.ends_with(".fish"),
        "sh" | "dash" => name == ".profile",
        _ => false,
    }
}

/// `~/.bashrc` rather than the full path, when the file is under `home`.
pub fn display(path: &Path, home: &Path) -> String {
    match path.strip_prefix(home) {
        Ok(rest) => format!("~/{}", rest.display()),
        Err(_) => path.display().to_string(),
    }
}

/// The 1-based line of `text` that exports `var`: `export VAR=…`, `declare -x VAR=…`,
/// `VAR=…; export VAR`, a `VAR=…` line when the file exports `VAR` (or `set -a`) elsewhere,
/// and fish's `set -gx VAR …`. Comments do not count.
pub fn exported_at(text: &str, var: &str, fish: bool) -> Option<usize> {
    let mut assigned = None;
    let mut bare_export = None;
    let mut all_export = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let code = line.split(" #").next().unwrap_or_default().trim();
        if code.starts_with('#') {
            continue;
        }
        for statement in code.split([';', '&', '|']) {
            let words: Vec<&str> = statement
                .split_whitespace()
                .map(|w| w.trim_matches(['"', '\'']))
                .collect();
            let Some((first, rest)) = words.split_first() else {
                continue;
            };
            let names = |w: &&&str| !w.starts_with('-');
            let is_var = |w: &str| w == var;
            let assigns = |w: &str| w.strip_prefix(var).is_some_and(|r| r.starts_with('='));
            if fish {
                let exported = rest
                    .iter()
                    .take_while(|w| w.starts_with('-'))
                    .any(|f| *f == "--export" || (!f.starts_with("--") && f.contains('x')));
                if *first == "set" && exported && rest.iter().find(names).is_some_and(|w| is_var(w))
                {
                    return Some(line_no);
                }
                continue;
            }
            let exporting = match *first {
                "export" => true,
                "declare" | "typeset" => rest.iter().any(|w| w.starts_with('-') && w.contains('x')),
                _ => false,
            };
            if exporting {
                if rest.iter().any(|w| assigns(w)) {
                    return Some(line_no);
                }
                if rest.iter().filter(names).any(|w| is_var(w)) {
                    if assigned.is_some_and(|a| a == line_no) {
                        return Some(line_no);
                    }
                    bare_export.get_or_insert(line_no);
                }
            } else if assigns(first) {
                assigned.get_or_insert(line_no);
            } else if *first == "set" && rest.first() == Some(&"-a") {
                all_export = true;
            }
        }
    }
    match (assigned, bare_export) {
        (Some(a), Some(_)) => Some(a),
        (Some(a), None) if all_export => Some(a),
        (None, Some(e)) => Some(e),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VAR: &str = "OPENAI_API_KEY";

    #[test]
    fn finds_posix_exports() {
        let at = |text: &str| exported_at(text, VAR, false);
        assert_eq!(
            at("alias ll='ls -l'\nexport OPENAI_API_KEY=sk-abc\n"),
            Some(2)
        );
        assert_eq!(
            at("export PATH=$PATH:~/bin OPENAI_API_KEY=\"sk-abc\"\n"),
            Some(1)
        );
        assert_eq!(
            at("OPENAI_API_KEY=sk-abc; export OPENAI_API_KEY\n"),
            Some(1)
        );
        assert_eq!(
            at("OPENAI_API_KEY=sk-abc\nexport OPENAI_API_KEY\n"),
            Some(1)
        );
        assert_eq!(at("declare -x OPENAI_API_KEY=sk-abc\n"), Some(1));
        assert_eq!(at("set -a\nOPENAI_API_KEY=sk-abc\n"), Some(2));
        assert_eq!(
            at("  [ -f x ] && export OPENAI_API_KEY=$(cat x)\n"),
            Some(1)
        );
    }

    #[test]
    fn ignores_comments_other_names_and_unexported_assignments() {
        let at = |text: &str| exported_at(text, VAR, false);
        assert_eq!(at("# export OPENAI_API_KEY=sk-abc\n"), None);
        assert_eq!(at("export OPENAI_API_KEY_OLD=sk-abc\n"), None);
        assert_eq!(at("export MY_OPENAI_API_KEY=sk-abc\n"), None);
        assert_eq!(at("OPENAI_API_KEY=sk-abc\n"), None);
        assert_eq!(at("echo $OPENAI_API_KEY\n"), None);
    }

    #[test]
    fn finds_fish_exports() {
        let at = |text: &str| exported_at(text, VAR, true);
        assert_eq!(at("set -gx OPENAI_API_KEY sk-abc\n"), Some(1));
        assert_eq!(
            at("if status is-interactive\n  set -x OPENAI_API_KEY sk\nend\n"),
            Some(2)
        );
        assert_eq!(at("set --global --export OPENAI_API_KEY sk\n"), Some(1));
        assert_eq!(at("set -g OPENAI_API_KEY sk\n"), None);
        assert_eq!(at("set -gx OTHER sk\n"), None);
    }

    #[test]
    fn searches_the_start_up_files_in_order() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        std::fs::create_dir_all(h.join(".config/fish/conf.d")).unwrap();
        std::fs::write(
            h.join(".config/fish/conf.d/keys.fish"),
            "set -Ux OPENAI_API_KEY sk\n",
        )
        .unwrap();
        assert_eq!(
            find_exports(h, VAR, None),
            vec![Export {
                path: h.join(".config/fish/conf.d/keys.fish"),
                line: 1
            }]
        );
        std::fs::write(h.join(".zshrc"), "# keys\n\nexport OPENAI_API_KEY=sk-abc\n").unwrap();
        std::fs::write(h.join(".bashrc"), "export EDITOR=vi\n").unwrap();
        std::fs::write(h.join(".profile"), "export OPENAI_API_KEY=sk-abc\n").unwrap();
        let shown = |shell: Option<&str>| -> Vec<String> {
            find_exports(h, VAR, shell)
                .iter()
                .map(|e| format!("{}:{}", display(&e.path, h), e.line))
                .collect()
        };
        // Every file that exports it, in the usual order...
        assert_eq!(
            shown(None),
            [
                "~/.profile:1",
                "~/.zshrc:3",
                "~/.config/fish/conf.d/keys.fish:1"
            ]
        );
        // ...with the files of the user's shell first.
        assert_eq!(
            shown(Some("/usr/bin/fish")),
            [
                "~/.config/fish/conf.d/keys.fish:1",
                "~/.profile:1",
                "~/.zshrc:3"
            ]
        );
        assert_eq!(
            shown(Some("/bin/zsh")),
            [
                "~/.zshrc:3",
                "~/.profile:1",
                "~/.config/fish/conf.d/keys.fish:1"
            ]
        );
        assert!(find_exports(h, "CODER_API_TOKEN", None).is_empty());
    }
}
