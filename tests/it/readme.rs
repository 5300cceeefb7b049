//! The README stays true: its first commands, and the block it says setup writes.

use crate::support::{TestHome, golden};
use clap::ValueEnum;
use codexgw::cli::CompletionShell;

fn readme() -> String {
    std::fs::read_to_string(golden::path("README.md")).unwrap()
}

/// The code fences of the README in order, as (info string, body).
fn fences(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        match (&mut open, trimmed.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.to_string(), String::new())),
            (Some(_), Some(_)) => out.push(open.take().unwrap()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// The first block is the main job and the test command, and CI (here and on GitHub) runs that
/// same test command.
#[test]
fn first_block_is_the_main_job_and_the_tests() {
    let text = readme();
    let (info, body) = fences(&text).into_iter().next().unwrap();
    assert_eq!(info, "sh");
    assert_eq!(
        body,
        "cargo run --release -- setup --mode centralized --url https://coder.example.com --dry-run\nscripts/test\n"
    );
    let test_command = body.lines().nth(1).unwrap();
    for ci in [".ci/run", ".github/workflows/ci.yml"] {
        let script = std::fs::read_to_string(golden::path(ci)).unwrap();
        assert!(
            script.lines().any(|line| line
                .trim_start_matches([' ', '-'])
                .trim_start_matches("run: ")
                == test_command),
            "{ci} does not run `{test_command}`"
        );
    }
}

#[test]
fn the_block_it_shows_is_what_setup_writes() {
    let text = readme();
    let section = text.split("### What setup writes").nth(1).unwrap();
    let (_, block) = fences(section)
        .into_iter()
        .find(|(info, _)| info == "toml")
        .unwrap();
    let home = TestHome::new();
    let out = home
        .codexgw()
        .args([
            "show",
            "--mode",
            "centralized",
            "--url",
            "https://coder.example.com",
            "--offline",
        ])
        .assert()
        .success();
    assert_eq!(block, String::from_utf8_lossy(&out.get_output().stdout));
}

#[test]
fn the_completions_table_covers_every_shell() {
    let text = readme();
    let section = text.split("## Shell completions").nth(1).unwrap();
    for shell in CompletionShell::value_variants() {
        let shell = shell.to_possible_value().unwrap();
        let shell = shell.get_name();
        assert!(
            section.contains(&format!("codexgw completions {shell}")),
            "no install line for {shell}"
        );
    }
}

/// The bash, zsh and fish install lines, run as written by `sh` in a fresh home, leave the
/// script where the shell looks for it (they failed when the folder did not exist yet).
#[test]
fn the_completion_install_lines_work_in_a_fresh_home() {
    let text = readme();
    let section = text.split("## Shell completions").nth(1).unwrap();
    let bin_dir = assert_cmd::cargo::cargo_bin("codexgw")
        .parent()
        .unwrap()
        .to_path_buf();
    for (shell, installed) in [
        ("bash", ".local/share/bash-completion/completions/codexgw"),
        ("zsh", ".zfunc/_codexgw"),
        ("fish", ".config/fish/completions/codexgw.fish"),
    ] {
        let row = section
            .lines()
            .find(|l| l.starts_with(&format!("| {shell} |")))
            .unwrap();
        let line = row.split('`').nth(1).unwrap();
        let home = TestHome::new();
        let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
        let out = std::process::Command::new("sh")
            .args(["-c", line])
            .env_clear()
            .env("HOME", home.home())
            .env("PATH", path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: `{line}`: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = std::fs::read_to_string(home.home().join(installed)).unwrap();
        assert!(script.contains("codexgw"), "{shell}");
    }
}
