//! The interface as users see it: `--help` of every command pinned in `fixtures/help/`, so an
//! accidental change shows up in review, and the man pages generated from the same definition.

use crate::support::{TestHome, golden};
use clap::CommandFactory;
use codexgw::cli::Cli;

/// Every command's words after `codexgw`, the top level first (clap's `help` excluded).
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            path.push(sub.get_name().to_string());
            walk(sub, path, out);
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &mut Vec::new(), &mut out);
    out
}

/// `codexgw`, `codexgw-setup`, `codexgw-token-set`: the names man pages use too.
fn page_name(path: &[String]) -> String {
    std::iter::once("codexgw")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("-")
}

#[test]
fn help_of_every_command_matches_its_snapshot() {
    let home = TestHome::new();
    let paths = command_paths();
    assert!(paths.len() > 4, "the walk found only {paths:?}");
    let mut files = Vec::new();
    for path in &paths {
        let out = home.codexgw().args(path).arg("--help").assert().success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let file = golden::path(&format!("fixtures/help/{}.txt", page_name(path)));
        golden::check(&file, &text);
        files.push(file);
    }
    golden::no_strays(&golden::path("fixtures/help"), "txt", &files);
}

/// Runs `codexgw man` into a folder that does not exist yet; stdout stays empty (status on stderr).
fn write_man_pages(home: &TestHome) -> std::path::PathBuf {
    let out_dir = home.home().join("share/man/man1");
    home.codexgw()
        .args(["man", "--out-dir"])
        .arg(&out_dir)
        .assert()
        .success()
        .stdout("");
    out_dir
}

#[test]
fn man_writes_a_page_per_command() {
    let home = TestHome::new();
    let out_dir = write_man_pages(&home);
    let mut written: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut want: Vec<String> = command_paths()
        .iter()
        .map(|p| format!("{}.1", page_name(p)))
        .collect();
    want.sort();
    assert_eq!(written, want);

    let top = std::fs::read_to_string(out_dir.join("codexgw.1")).unwrap();
    assert!(top.starts_with(".ie \\n(.g .ds Aq"), "not roff: {top:.80}");
    assert!(top.contains(".TH codexgw 1"), "{top}");
    let setup = std::fs::read_to_string(out_dir.join("codexgw-setup.1")).unwrap();
    assert!(setup.contains(".TH codexgw-setup 1"), "{setup}");
    assert!(setup.contains("\\-\\-mode"), "{setup}");
    assert!(setup.contains("centralized"), "{setup}");
}

#[test]
fn man_pages_render_with_man() {
    let man = std::process::Command::new("man").arg("--version").output();
    if !man.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: `man` is not installed");
        return;
    }
    let home = TestHome::new();
    let out_dir = write_man_pages(&home);
    let rendered = std::process::Command::new("man")
        .env("MANWIDTH", "100")
        .arg("-l")
        .arg(out_dir.join("codexgw-template.1"))
        .output()
        .unwrap();
    assert!(rendered.status.success());
    let text = String::from_utf8_lossy(&rendered.stdout);
    assert!(text.contains("SYNOPSIS"), "{text}");
    assert!(text.contains("codexgw template"), "{text}");
}

#[test]
fn man_into_a_file_fails_naming_it() {
    let home = TestHome::new();
    let file = home.home().join("not-a-dir");
    std::fs::write(&file, "keep").unwrap();
    let out = home
        .codexgw()
        .args(["man", "--out-dir"])
        .arg(&file)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");
}
