//! Shell completions: the checked-in scripts match the binary, and real bash, zsh and fish
//! offer the subcommands and every option's fixed values from them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{TestHome, golden};
use clap::CommandFactory;
use codexgw::cli::Cli;

/// Each shell and the file name its script is checked in under (and installed as).
const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "codexgw.bash"),
    ("zsh", "_codexgw"),
    ("fish", "codexgw.fish"),
    ("powershell", "_codexgw.ps1"),
    ("elvish", "codexgw.elv"),
];

fn script(home: &TestHome, shell: &str) -> String {
    let out = home
        .codexgw()
        .args(["completions", shell])
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// The shell's path on PATH; build.rs has already ignored the test when it is missing.
fn shell(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| panic!("`{name}` is not on PATH (`.ci/run` installs it)"))
}

/// An option (or positional) with a fixed set of values, somewhere in the command tree.
struct ValueArg {
    /// Subcommand words after `codexgw`.
    path: Vec<String>,
    /// `--long`, or `None` for a positional.
    flag: Option<String>,
    /// Each value with its help line.
    values: Vec<(String, String)>,
}

fn value_args() -> Vec<ValueArg> {
    fn walk(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<ValueArg>) {
        for arg in cmd.get_arguments() {
            if arg.is_hide_set() || !arg.get_action().takes_values() {
                continue;
            }
            let values: Vec<(String, String)> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| {
                    let help = v.get_help().map(|h| h.to_string()).unwrap_or_default();
                    (v.get_name().to_string(), help)
                })
                .collect();
            if values.is_empty() {
                continue;
            }
            out.push(ValueArg {
                path: path.clone(),
                flag: arg.get_long().map(|l| format!("--{l}")),
                values,
            });
        }
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            path.push(sub.get_name().to_string());
            walk(sub, path, out);
            path.pop();
        }
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, &mut Vec::new(), &mut out);
    out
}

impl ValueArg {
    /// The words typed before TAB, ending with the empty word being completed.
    fn words(&self) -> Vec<String> {
        let mut words = vec!["codexgw".to_string()];
        words.extend(self.path.iter().cloned());
        words.extend(self.flag.iter().cloned());
        words.push(String::new());
        words
    }

    fn names(&self) -> BTreeSet<String> {
        self.values.iter().map(|(n, _)| n.clone()).collect()
    }
}

fn stdout_lines(mut cmd: Command) -> Vec<String> {
    let out = cmd.output().expect("run the shell");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// `match<TAB>description` lines, as zsh's driver and fish's `complete -C` print them.
fn matches_with_descriptions(cmd: Command) -> Vec<(String, String)> {
    stdout_lines(cmd)
        .into_iter()
        .map(|l| {
            let (m, d) = l.split_once('\t').unwrap_or((&l, ""));
            (m.to_string(), d.to_string())
        })
        .collect()
}

fn driver(name: &str) -> PathBuf {
    golden::path(&format!("tests/it/completion/{name}"))
}

/// A temp folder with the script written to `file`, and a place to complete file names in.
struct Scripts {
    dir: tempfile::TempDir,
}

impl Scripts {
    fn new(home: &TestHome, shell: &str) -> Scripts {
        let dir = tempfile::tempdir().unwrap();
        let file = SCRIPTS.iter().find(|(s, _)| *s == shell).unwrap().1;
        std::fs::create_dir_all(dir.path().join("fpath")).unwrap();
        std::fs::write(dir.path().join("fpath").join(file), script(home, shell)).unwrap();
        std::fs::create_dir_all(dir.path().join("cwd/somedir")).unwrap();
        std::fs::write(dir.path().join("cwd/somefile"), "").unwrap();
        Scripts { dir }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join("fpath").join(name)
    }

    fn fpath(&self) -> PathBuf {
        self.dir.path().join("fpath")
    }

    fn cwd(&self) -> PathBuf {
        self.dir.path().join("cwd")
    }
}

fn in_clean_env(program: &Path, cwd: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", cwd)
        .env("TERM", "dumb")
        .current_dir(cwd);
    cmd
}

#[test]
fn checked_in_scripts_match_the_binary() {
    let home = TestHome::new();
    for (shell, file) in SCRIPTS {
        golden::check(
            &golden::path(&format!("completions/{file}")),
            &script(&home, shell),
        );
    }
}

#[test]
fn the_value_enums_are_found() {
    // Guards the walk the shell tests rely on: without it they would check nothing.
    let args = value_args();
    let has = |path: &[&str], flag: Option<&str>| {
        args.iter()
            .any(|a| a.path == path && a.flag.as_deref() == flag && !a.values.is_empty())
    };
    assert!(has(&["setup"], Some("--mode")));
    assert!(has(&["show"], Some("--route")));
    assert!(has(&["template"], Some("--mode")));
    assert!(has(&["completions"], None));
}

fn bash_complete(bash: &Path, scripts: &Scripts, words: &[String]) -> Vec<String> {
    let mut cmd = in_clean_env(bash, &scripts.cwd());
    cmd.args(["--norc", "--noprofile"])
        .arg(driver("bash-complete.bash"))
        .arg(scripts.file("codexgw.bash"))
        .args(words);
    stdout_lines(cmd)
}

#[test]
#[cfg(unix)]
#[cfg_attr(not(has_bash_completion), ignore = "needs bash and bash-completion")]
fn bash_completes_subcommands_and_values() {
    let bash = shell("bash");
    let home = TestHome::new();
    let scripts = Scripts::new(&home, "bash");
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    assert_eq!(
        bash_complete(&bash, &scripts, &words(&["codexgw", "se"])),
        ["setup"]
    );
    assert_eq!(
        bash_complete(&bash, &scripts, &words(&["codexgw", "setup", "--mode", ""])),
        ["centralized", "byok", "chatgpt"]
    );
    for arg in value_args() {
        let offered: BTreeSet<String> = bash_complete(&bash, &scripts, &arg.words())
            .into_iter()
            .collect();
        if arg.flag.is_some() {
            assert_eq!(offered, arg.names(), "{:?}", arg.words());
        } else {
            // A positional shares its place with the flags.
            assert!(
                offered.is_superset(&arg.names()),
                "{:?}: {offered:?}",
                arg.words()
            );
        }
    }
}

fn zsh_complete(zsh: &Path, scripts: &Scripts, line: &str) -> Vec<(String, String)> {
    // The pseudo-terminal dance must never hang the suite.
    let mut cmd = in_clean_env(Path::new("timeout"), &scripts.cwd());
    cmd.arg("60")
        .arg(zsh)
        .arg("-f")
        .arg(driver("zsh-complete.zsh"))
        .arg(scripts.fpath())
        .arg(line);
    matches_with_descriptions(cmd)
}

#[test]
#[cfg(unix)]
#[cfg_attr(not(has_zsh), ignore = "needs zsh on PATH")]
fn zsh_completes_subcommands_values_and_folders() {
    let zsh = shell("zsh");
    let home = TestHome::new();
    let scripts = Scripts::new(&home, "zsh");
    let matches = |line: &str| -> BTreeSet<String> {
        zsh_complete(&zsh, &scripts, line)
            .into_iter()
            .map(|(m, _)| m)
            .collect()
    };
    assert_eq!(matches("codexgw se"), BTreeSet::from(["setup".to_string()]));
    let folders = matches("codexgw setup --codex-home ");
    assert!(folders.contains("somedir"), "{folders:?}");
    assert!(!folders.contains("somefile"), "{folders:?}");
    for arg in value_args() {
        let line = arg.words().join(" ");
        let offered = zsh_complete(&zsh, &scripts, &line);
        let names: BTreeSet<String> = offered.iter().map(|(m, _)| m.clone()).collect();
        assert_eq!(names, arg.names(), "{line}");
        for (name, help) in &arg.values {
            let (_, shown) = offered.iter().find(|(m, _)| m == name).unwrap();
            assert!(
                shown.contains(help.as_str()),
                "{line}: {name} shows `{shown}`"
            );
        }
    }
}

fn fish_complete(fish: &Path, scripts: &Scripts, line: &str) -> Vec<(String, String)> {
    let mut cmd = in_clean_env(fish, &scripts.cwd());
    let source = format!(
        "source {}; complete -C {}",
        scripts.file("codexgw.fish").display(),
        shell_quote(line)
    );
    cmd.args(["--no-config", "-c", &source]);
    matches_with_descriptions(cmd)
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[test]
#[cfg(unix)]
#[cfg_attr(not(has_fish), ignore = "needs fish on PATH")]
fn fish_completes_subcommands_values_and_folders() {
    let fish = shell("fish");
    let home = TestHome::new();
    let scripts = Scripts::new(&home, "fish");
    let offered = fish_complete(&fish, &scripts, "codexgw se");
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert_eq!(offered[0].0, "setup");
    let folders = fish_complete(&fish, &scripts, "codexgw setup --codex-home ");
    assert!(folders.iter().any(|(m, _)| m == "somedir/"), "{folders:?}");
    assert!(!folders.iter().any(|(m, _)| m == "somefile"), "{folders:?}");
    // clap_complete's fish script completes option values only, not positionals.
    for arg in value_args().into_iter().filter(|a| a.flag.is_some()) {
        let line = arg.words().join(" ");
        let offered: BTreeSet<(String, String)> =
            fish_complete(&fish, &scripts, &line).into_iter().collect();
        let want: BTreeSet<(String, String)> = arg.values.iter().cloned().collect();
        assert_eq!(offered, want, "{line}");
    }
}
