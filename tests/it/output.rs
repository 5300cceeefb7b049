//! Where output goes when it cannot: a stdout its reader closed ends the command quietly with
//! the status a shell expects (141, as after SIGPIPE), never a panic; a full disk is an error
//! message. And the one confirmation rule of the commands that write, without a terminal.

use std::process::{Command, Stdio};

use crate::support::{SETUP_CENTRALIZED, TestHome};

const URL: &str = "https://coder.example.com";

/// A configured home with a backup, so every data command has something to say.
fn configured() -> TestHome {
    let home = TestHome::new();
    home.write_config("model = \"o3\"\n");
    home.codexgw().args(SETUP_CENTRALIZED).assert().success();
    home
}

/// The data commands, each with enough output to notice a closed pipe.
fn data_commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["doctor", "--offline"],
        vec!["show", "--mode", "centralized", "--url", URL],
        vec!["env", "--shell", "bash"],
        vec!["template", "--mode", "centralized"],
        vec!["completions", "bash"],
        vec!["token", "status", "--url", URL],
        vec!["token", "print", "coder", "--url", URL],
        vec![
            "setup",
            "--dry-run",
            "--offline",
            "--mode",
            "byok",
            "--url",
            URL,
        ],
        vec!["restore", "--list"],
    ]
}

fn command(home: &TestHome, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("codexgw"));
    cmd.env_clear()
        .envs(home.env())
        .env("CODER_API_TOKEN", "coder-token-0123456789")
        .args(args)
        .current_dir(home.home())
        .stdin(Stdio::null());
    cmd
}

#[test]
fn a_closed_stdout_ends_each_command_quietly_with_141() {
    let home = configured();
    for args in data_commands() {
        let (reader, writer) = std::io::pipe().unwrap();
        // The reader is gone before codexgw writes a byte: every write sees EPIPE.
        drop(reader);
        let out = command(&home, &args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("error:"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(141), "{args:?}: {stderr}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_an_error_message_not_a_panic() {
    let home = configured();
    for args in data_commands() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = command(&home, &args)
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write to stdout\n  caused by: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

/// Without a terminal and without `--yes`, none of the three writes: exit 2, the file as it
/// was, and the way out named. With `--yes` each writes.
#[test]
fn setup_remove_and_restore_write_without_a_terminal_only_with_yes() {
    let home = TestHome::new();
    let original = "model = \"o3\"\n";
    home.write_config(original);
    let setup = ["setup", "--offline", "--mode", "centralized", "--url", URL];
    let refused = |args: &[&str], before: &str| {
        let out = command(&home, args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("there is no terminal to confirm; nothing written"),
            "{stderr}"
        );
        assert!(
            stderr.contains("help: pass `--yes` to write without asking"),
            "{stderr}"
        );
        assert_eq!(home.read_config(), before, "{args:?} wrote");
    };
    refused(&setup, original);
    assert!(
        String::from_utf8_lossy(&command(&home, &setup).output().unwrap().stderr)
            .contains("help: see the change first with `codexgw setup --dry-run`")
    );

    let written = |args: &[&str]| {
        let out = command(&home, args).arg("--yes").output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        home.read_config()
    };
    let configured = written(&setup);
    assert_ne!(configured, original);

    refused(&["remove"], &configured);
    assert_eq!(written(&["remove"]), original);

    refused(&["restore", "latest"], original);
    assert_eq!(written(&["restore", "latest"]), configured);
}
