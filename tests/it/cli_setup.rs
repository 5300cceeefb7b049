//! `codexgw setup`, `show`, `remove` and `restore` driven through the real binary in a temp
//! home: what the user sees, the exit code, and the bytes on disk.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{SETUP_CENTRALIZED, TestHome};

const URL: &str = "https://coder.example.com";
const BASE_URL: &str = "https://coder.example.com/api/v2/aibridge/openai/v1";

pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs codexgw with no terminal, an empty stdin and a bound on time, so a prompt that would
/// hang fails the test instead.
pub(crate) fn run(home: &TestHome, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = home
        .codexgw()
        .args(args)
        .envs(env.iter().copied())
        .write_stdin("")
        .timeout(Duration::from_secs(20))
        .output()
        .expect("run codexgw");
    Run {
        code: out.status.code().expect("exited, not killed (a hang?)"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn setup(home: &TestHome, mode: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "setup",
        "--mode",
        mode,
        "--url",
        URL,
        "--route",
        "aibridge",
        "--offline",
    ];
    args.extend_from_slice(extra);
    run(home, &args, &[])
}

fn backups(home: &TestHome) -> Vec<PathBuf> {
    let dir = home.codex_home().join("backups/codexgw");
    let mut found: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "bak"))
            .collect(),
        Err(_) => Vec::new(),
    };
    found.sort();
    found
}

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[track_caller]
pub(crate) fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected {needle:?} in:\n{haystack}"
    );
}

#[test]
fn each_unusable_url_is_refused_by_name_with_exit_2() {
    let home = TestHome::new();
    home.write_config("model = \"gpt-5\"\n");
    let attempt = |url: &str, extra: &[&str]| {
        let mut args = vec!["setup", "--mode", "centralized", "--url", url];
        args.extend_from_slice(&["--offline", "--yes"]);
        args.extend_from_slice(extra);
        run(&home, &args, &[])
    };
    for (url, says) in [
        (
            "ftp://coder.example.com",
            "the scheme `ftp` is not http or https",
        ),
        ("https://", "host"),
        ("https://coder.example.com/?org=1", "query or fragment"),
        ("https://coder.example.com/#top", "query or fragment"),
        (
            "http://coder.example.com",
            "plain http to a host that is not loopback",
        ),
        ("https://me:secret@coder.example.com", "carries credentials"),
    ] {
        let out = attempt(url, &[]);
        assert_eq!(out.code, 2, "{url}: {}", out.stderr);
        assert_contains(&out.stderr, says);
        assert!(
            !out.stderr.contains("secret"),
            "the password leaked: {}",
            out.stderr
        );
        assert_eq!(
            home.read_config(),
            "model = \"gpt-5\"\n",
            "{url} changed the file"
        );
    }
    // The same plain-http URL is fine once the user vouches for the network.
    let out = attempt("http://coder.example.com", &["--allow-http"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(
        &home.read_config(),
        "http://coder.example.com/api/v2/aibridge/openai/v1",
    );
}

#[test]
fn an_unknown_mode_is_a_usage_error() {
    let home = TestHome::new();
    let out = setup(&home, "free", &["--yes"]);
    assert_eq!(out.code, 2);
    assert_contains(&out.stderr, "free");
    assert!(!home.config_path().exists());
}

#[test]
fn invalid_toml_is_refused_with_its_position_and_left_alone() {
    for (text, line) in [
        ("model = \"gpt-5\"\n[tui\nnotifications = true\n", 2),
        ("model = \"gpt-5\"\n\n[tui]\na = 1\na = 2\n", 5),
        ("[tui]\nx = 1\n[tui]\ny = 2\n", 3),
    ] {
        let home = TestHome::new();
        home.write_config(text);
        let out = setup(&home, "centralized", &["--yes"]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        let at = format!("{}:{line}:", home.config_path().display());
        assert_contains(&out.stderr, &at);
        assert_contains(&out.stderr, "help:");
        assert_eq!(home.read_config(), text, "the file was touched");
        assert!(backups(&home).is_empty());
    }
}

#[test]
fn a_folder_where_the_file_should_be_is_refused() {
    let home = TestHome::new();
    std::fs::create_dir(home.config_path()).unwrap();
    let out = setup(&home, "centralized", &["--yes"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let says = format!(
        "error: `{}` is a folder, not a file\n",
        home.config_path().display()
    );
    assert!(out.stderr.starts_with(&says), "{}", out.stderr);
    assert_contains(&out.stderr, "help: move the folder away");
    assert!(home.config_path().is_dir());
}

/// Makes a folder unwritable even for root (`chattr +i`) and undoes it on drop, so the temp
/// home can be deleted.
struct Immutable(PathBuf);

impl Immutable {
    fn set(dir: &Path) -> Option<Immutable> {
        let ok = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Immutable(dir.to_path_buf()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

fn can_create_in(dir: &Path) -> bool {
    let probe = dir.join(".probe");
    let created = std::fs::write(&probe, "").is_ok();
    let _ = std::fs::remove_file(probe);
    created
}

#[test]
fn a_read_only_codex_home_fails_cleanly() {
    let home = TestHome::new();
    let text = "model = \"gpt-5\"\n";
    home.write_config(text);
    let dir = home.codex_home();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    // chmod does not stop root; an immutable folder does.
    let _guard = if can_create_in(&dir) {
        match Immutable::set(&dir) {
            Some(guard) => Some(guard),
            None => {
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
                eprintln!("skipped: running as root and `chattr +i` is not available here");
                return;
            }
        }
    } else {
        None
    };
    assert!(!can_create_in(&dir), "the folder is still writable");
    let out = setup(&home, "centralized", &["--yes", "--no-backup"]);
    drop(_guard);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_contains(&out.stderr, &format!("`{}`", dir.display()));
    assert_contains(&out.stderr, "help:");
    assert_eq!(home.read_config(), text);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn a_symlinked_config_stays_a_link_and_its_target_is_updated() {
    let home = TestHome::new();
    let dotfiles = home.home().join("dotfiles/codex");
    std::fs::create_dir_all(&dotfiles).unwrap();
    std::fs::write(dotfiles.join("config.toml"), "model = \"gpt-5\"\n").unwrap();
    std::os::unix::fs::symlink("../dotfiles/codex/config.toml", home.config_path()).unwrap();

    let out = setup(&home, "centralized", &["--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let meta = std::fs::symlink_metadata(home.config_path()).unwrap();
    assert!(
        meta.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    assert_eq!(
        std::fs::read_link(home.config_path()).unwrap(),
        Path::new("../dotfiles/codex/config.toml")
    );
    let target = std::fs::read_to_string(dotfiles.join("config.toml")).unwrap();
    assert_contains(&target, BASE_URL);
    assert_contains(&target, "model = \"gpt-5\"\n");
    assert_eq!(backups(&home).len(), 1);
}

#[test]
fn permission_bits_are_kept_and_new_files_are_private() {
    let home = TestHome::new();
    home.write_config("model = \"gpt-5\"\n");
    std::fs::set_permissions(home.config_path(), std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(setup(&home, "byok", &["--yes"]).code, 0);
    assert_eq!(mode_of(&home.config_path()), 0o640);

    let fresh = TestHome::new();
    assert_eq!(setup(&fresh, "byok", &["--yes"]).code, 0);
    assert_eq!(mode_of(&fresh.config_path()), 0o600);

    // Only the default `~/.codex` is created (a set `CODEX_HOME` must exist, as Codex wants).
    let bare = TestHome::new();
    std::fs::remove_dir(bare.codex_home()).unwrap();
    let out = bare
        .codexgw()
        .env_remove("CODEX_HOME")
        .args(SETUP_CENTRALIZED)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode_of(&bare.codex_home()), 0o700);
    assert_eq!(mode_of(&bare.config_path()), 0o600);
}

/// Codex refuses a set `CODEX_HOME` (or the folder given with `--codex-home`) that does not
/// exist; setup says so, names it, and creates nothing.
#[test]
fn a_codex_home_that_does_not_exist_is_refused_and_not_created() {
    let home = TestHome::new();
    let missing = home.home().join("elsewhere/codex");
    let shown = missing.display().to_string();
    let out = run(&home, &SETUP_CENTRALIZED, &[("CODEX_HOME", &shown)]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_contains(
        &out.stderr,
        &format!("error: `CODEX_HOME` points to `{shown}`, but that path does not exist"),
    );
    assert_contains(
        &out.stderr,
        &format!("help: create it first (`mkdir -p {shown}`)"),
    );
    let out = setup(&home, "centralized", &["--yes", "--codex-home", &shown]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_contains(
        &out.stderr,
        "the folder given on the command line points to",
    );
    assert!(!missing.exists() && !missing.parent().unwrap().exists());
    // Codex agrees (when it is installed): it refuses to start with that CODEX_HOME.
}

#[test]
fn without_a_terminal_or_yes_it_names_the_missing_flags_and_does_not_wait() {
    let home = TestHome::new();
    let out = run(&home, &["setup"], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_contains(&out.stderr, "--mode");
    assert_contains(&out.stderr, "--url");
    assert_contains(&out.stderr, "no terminal");

    // stdin from /dev/null, as under cron or CI: still an answer, not a wait.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_codexgw"))
        .arg("setup")
        .env_clear()
        .envs(home.env())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("setup waited for input that cannot come");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(2));

    let out = run(&home, &["setup", "--mode", "byok"], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_contains(&out.stderr, "--url");
    assert!(
        !out.stderr.contains("--mode centralized|"),
        "{}",
        out.stderr
    );
    assert!(!home.config_path().exists());
}

#[test]
fn dry_run_prints_a_unified_diff_and_writes_nothing() {
    let home = TestHome::new();
    let text = "model = \"gpt-5\"\n\n[tui]\nnotifications = true\n";
    home.write_config(text);
    let out = setup(&home, "centralized", &["--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = home.config_path().display().to_string();
    assert_contains(&out.stdout, &format!("--- {path}\n+++ {path}\n@@ "));
    assert_contains(&out.stdout, "+model_provider = \"ai_gateway\"\n");
    assert_contains(&out.stdout, "+[model_providers.ai_gateway]\n");
    assert_contains(&out.stdout, &format!("+base_url = \"{BASE_URL}\"\n"));
    assert_contains(&out.stdout, " [tui]\n");
    assert_contains(&out.stderr, "dry run");
    assert_eq!(home.read_config(), text);
    assert!(backups(&home).is_empty());
    assert!(!home.codex_home().join("backups").exists());
}

#[test]
fn a_second_identical_run_is_already_configured_and_writes_nothing() {
    let home = TestHome::new();
    home.write_config("model = \"gpt-5\"\n");
    assert_eq!(setup(&home, "chatgpt", &["--yes"]).code, 0);
    let written = home.read_config();
    let modified = std::fs::metadata(home.config_path())
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(backups(&home).len(), 1);

    let out = setup(&home, "chatgpt", &["--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&out.stderr, "already configured");
    assert_eq!(home.read_config(), written);
    assert_eq!(backups(&home).len(), 1, "a no-op run made a backup");
    assert_eq!(
        std::fs::metadata(home.config_path())
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );
}

#[test]
fn only_the_last_ten_backups_are_kept() {
    let home = TestHome::new();
    home.write_config("# the very first version\n");
    for i in 0..12 {
        let mode = if i % 2 == 0 { "centralized" } else { "byok" };
        assert_eq!(setup(&home, mode, &["--yes"]).code, 0);
    }
    let kept = backups(&home);
    assert_eq!(kept.len(), 10, "{kept:?}");
    let first_kept = kept
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .filter(|t| t == "# the very first version\n")
        .count();
    assert_eq!(first_kept, 0, "the oldest backups should have been pruned");
}

#[test]
fn restore_lists_puts_back_latest_or_named_and_backs_up_first() {
    let home = TestHome::new();
    let original = "model = \"gpt-5\"\n";
    home.write_config(original);
    assert_eq!(setup(&home, "centralized", &["--yes"]).code, 0);
    let centralized = home.read_config();
    assert_eq!(setup(&home, "byok", &["--yes"]).code, 0);
    let byok = home.read_config();

    let list = run(&home, &["restore", "--list"], &[]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let names: Vec<&str> = list
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{}", list.stdout);
    // Each line: name, file, when, and the mode and deployment the backup points Codex at.
    let rows: Vec<Vec<&str>> = list
        .stdout
        .lines()
        .map(|l| l.split('\t').skip(1).collect())
        .collect();
    assert_eq!(rows[0][0], "config.toml");
    assert!(
        rows[0][1].ends_with(" UTC") && rows[0][1].len() == 23,
        "{}",
        list.stdout
    );
    assert_eq!(rows[0][2..], ["centralized", URL], "{}", list.stdout);
    assert_eq!(
        rows[1][2..],
        ["-", "-"],
        "the file from before setup has no gateway"
    );
    // Newest first: the latest backup holds the centralized file.
    let newest = home.codex_home().join("backups/codexgw").join(names[0]);
    assert_eq!(std::fs::read_to_string(newest).unwrap(), centralized);

    let out = run(&home, &["restore", "latest", "--yes"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(home.read_config(), centralized);
    let after = backups(&home);
    assert_eq!(after.len(), 3, "restore did not back up the current file");
    assert!(
        after
            .iter()
            .any(|p| std::fs::read_to_string(p).unwrap() == byok),
        "the file restore replaced is not among the backups"
    );

    let out = run(&home, &["restore", names[1], "--yes"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(home.read_config(), original);

    let out = run(&home, &["restore", "no-such-backup", "--yes"], &[]);
    assert_eq!(out.code, 2);
    assert_contains(&out.stderr, "no-such-backup");
    assert_eq!(home.read_config(), original);
}

#[test]
fn remove_takes_the_table_out_and_puts_back_the_earlier_model_provider() {
    let home = TestHome::new();
    let original =
        "model_provider = \"openai\"\nmodel = \"gpt-5\"\n\n[tui]\nnotifications = true\n";
    home.write_config(original);
    assert_eq!(setup(&home, "byok", &["--yes"]).code, 0);
    assert_contains(&home.read_config(), "model_provider = \"ai_gateway\"");
    // A second setup must not forget what came before the first.
    assert_eq!(setup(&home, "centralized", &["--yes"]).code, 0);

    let out = run(&home, &["remove"], &[]);
    assert_eq!(
        out.code, 2,
        "remove without --yes and no terminal must refuse"
    );
    assert_contains(&out.stderr, "--yes");

    let out = run(&home, &["remove", "--yes"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(home.read_config(), original);

    let out = run(&home, &["remove", "--yes"], &[]);
    assert_eq!(out.code, 0);
    assert_contains(&out.stderr, "nothing to remove");
}

#[test]
fn a_profile_gets_the_pointer_and_the_top_level_stays() {
    let home = TestHome::new();
    home.write_config("model_provider = \"openai\"\n");
    let out = setup(&home, "centralized", &["--yes", "--profile", "gateway"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&out.stderr, "codex --profile gateway");
    let config = home.read_config();
    assert!(
        config.starts_with("model_provider = \"openai\"\n"),
        "{config}"
    );
    assert_contains(&config, "[model_providers.ai_gateway]");
    let profile = std::fs::read_to_string(home.codex_home().join("gateway.config.toml")).unwrap();
    assert_eq!(profile, "model_provider = \"ai_gateway\"\n");
    assert_eq!(
        mode_of(&home.codex_home().join("gateway.config.toml")),
        0o600
    );

    let out = setup(&home, "centralized", &["--yes", "--profile", "../evil"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn a_built_in_provider_id_is_refused() {
    let home = TestHome::new();
    let out = setup(&home, "centralized", &["--yes", "--provider-id", "openai"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_contains(
        &out.stderr,
        "`openai` is one of Codex's built-in provider ids",
    );
    assert!(!home.config_path().exists());
}

#[test]
fn yes_uses_coder_url_and_says_so() {
    let home = TestHome::new();
    let out = run(
        &home,
        &["setup", "--mode", "centralized", "--yes", "--offline"],
        &[("CODER_URL", "https://coder.from-env.example.com/")],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(
        &out.stderr,
        "https://coder.from-env.example.com/ from $CODER_URL",
    );
    assert_contains(
        &home.read_config(),
        "base_url = \"https://coder.from-env.example.com/api/v2/aibridge/openai/v1\"",
    );
}

#[test]
fn yes_uses_the_coder_cli_login_and_says_so() {
    let home = TestHome::new();
    let coder_dir = home.home().join(".config/coderv2");
    std::fs::create_dir_all(&coder_dir).unwrap();
    std::fs::write(coder_dir.join("url"), "https://coder.cli.example.com\n").unwrap();
    let out = run(
        &home,
        &["setup", "--mode", "byok", "--yes", "--offline"],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&out.stderr, "the coder CLI's login");
    assert_contains(&out.stderr, &coder_dir.join("url").display().to_string());
    assert_contains(
        &home.read_config(),
        "https://coder.cli.example.com/api/v2/aibridge/openai/v1",
    );

    // Without --yes and without a terminal the detected URL is only suggested.
    let other = TestHome::new();
    let coder_dir = other.home().join(".config/coderv2");
    std::fs::create_dir_all(&coder_dir).unwrap();
    std::fs::write(coder_dir.join("url"), "https://coder.cli.example.com\n").unwrap();
    let out = run(&other, &["setup", "--mode", "byok", "--offline"], &[]);
    assert_eq!(out.code, 2);
    assert_contains(&out.stderr, "found https://coder.cli.example.com");
    assert!(!other.config_path().exists());
}

#[test]
fn show_prints_exactly_what_setup_writes_into_an_empty_file() {
    for mode in ["centralized", "byok", "chatgpt"] {
        let home = TestHome::new();
        let show = run(
            &home,
            &["show", "--mode", mode, "--url", URL, "--offline"],
            &[],
        );
        assert_eq!(show.code, 0, "{}", show.stderr);
        assert_eq!(setup(&home, mode, &["--yes"]).code, 0);
        assert_eq!(show.stdout, home.read_config(), "{mode}");
        assert_contains(&show.stdout, "[model_providers.ai_gateway]\n");
    }
}

#[test]
fn chatgpt_mode_warns_when_openai_api_key_is_set() {
    let home = TestHome::new();
    let out = run(
        &home,
        &[
            "setup",
            "--mode",
            "chatgpt",
            "--url",
            URL,
            "--offline",
            "--yes",
        ],
        &[("OPENAI_API_KEY", "sk-should-not-be-printed")],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&out.stderr, "warning: OPENAI_API_KEY is set");
    assert!(!out.stderr.contains("sk-should-not-be-printed"));
    assert!(!home.read_config().contains("sk-should-not-be-printed"));
}

#[test]
fn remove_with_a_profile_puts_back_the_profile_pointer_and_leaves_the_top_level() {
    let home = TestHome::new();
    let config = "model_provider = \"openai\"\n";
    let profile_path = home.codex_home().join("work.config.toml");
    home.write_config(config);
    std::fs::write(
        &profile_path,
        "model_provider = \"oss\"\nmodel = \"gpt-5\"\n",
    )
    .unwrap();
    assert_eq!(
        setup(&home, "byok", &["--yes", "--profile", "work"]).code,
        0
    );
    assert_eq!(
        std::fs::read_to_string(&profile_path).unwrap(),
        "model_provider = \"ai_gateway\"\nmodel = \"gpt-5\"\n"
    );

    let out = run(&home, &["remove", "--yes", "--profile", "work"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(home.read_config(), config);
    assert_eq!(
        std::fs::read_to_string(&profile_path).unwrap(),
        "model_provider = \"oss\"\nmodel = \"gpt-5\"\n"
    );
}

#[test]
fn a_dangling_symlink_gets_its_target_created() {
    let home = TestHome::new();
    std::os::unix::fs::symlink("../dotfiles/codex.toml", home.config_path()).unwrap();
    let out = setup(&home, "centralized", &["--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let meta = std::fs::symlink_metadata(home.config_path()).unwrap();
    assert!(meta.file_type().is_symlink());
    let target = home.home().join("dotfiles/codex.toml");
    assert_contains(&std::fs::read_to_string(&target).unwrap(), BASE_URL);
    assert_eq!(mode_of(&target), 0o600);
}

#[test]
fn setup_removes_a_legacy_profile_and_a_stranded_key_and_names_the_managed_block() {
    let home = TestHome::new();
    let original = "profile = \"aibridge\"\n# >>> coder-managed: codex module >>>\n[tui]\nmodel_provider = \"x\"\n# <<< coder-managed: codex module <<<\n";
    home.write_config(original);
    let out = setup(&home, "byok", &["--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for shown in ["-profile = \"aibridge\"", "-model_provider = \"x\""] {
        assert!(out.stdout.contains(shown), "{shown}: {}", out.stdout);
    }
    for said in [
        "migrating: removes `profile = \"aibridge\"`, which Codex refuses",
        "migrating: removes the `model_provider` line under `[tui]`",
        "managed by Coder's codex module",
    ] {
        assert!(out.stderr.contains(said), "{said}: {}", out.stderr);
    }
    assert_eq!(home.read_config(), original, "a dry run wrote the file");

    // Written for real: nothing is left that Codex refuses, so `codex` is the last step.
    let out = setup(&home, "byok", &["--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let config = home.read_config();
    assert!(!config.contains("profile ="), "{config}");
    assert!(!config.contains("model_provider = \"x\""), "{config}");
    assert!(
        !out.stderr.contains("Codex refuses to start"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.ends_with("  codex\n"), "{}", out.stderr);
}

#[test]
fn setup_for_a_profile_names_the_profile_in_the_next_steps() {
    let home = TestHome::new();
    let out = setup(&home, "centralized", &["--yes", "--profile", "gw"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .ends_with("  codexgw doctor --profile gw\n  codex --profile gw\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn env_key_must_be_a_variable_name_and_only_where_codex_reads_it() {
    let home = TestHome::new();
    for (extra, says) in [
        (&["--env-key", ""][..], "error: `--env-key` is empty\n"),
        (
            &["--env-key", "sk-abc def"][..],
            "error: `--env-key` looks like a token, not a variable name (… (10 chars))\n",
        ),
        (
            &["--env-key", "abcdefghij-0123456789abcdefghijkl"][..],
            "error: `--env-key` looks like a token, not a variable name (abcd… (33 chars))\n",
        ),
        (
            &["--env-key", "MY_KEY", "--token-source", "command"][..],
            "error: `--env-key` works with `--mode centralized --token-source env` only, not centralized with `--token-source command`\n",
        ),
    ] {
        let out = setup(&home, "centralized", &[&["--yes"][..], extra].concat());
        assert_eq!(out.code, 2, "{extra:?}: {}", out.stderr);
        assert!(out.stderr.starts_with(says), "{extra:?}: {}", out.stderr);
        assert!(!out.stderr.contains("abc def"), "{}", out.stderr);
        assert!(!home.config_path().exists(), "{extra:?} wrote config.toml");
    }
    let out = setup(&home, "byok", &["--yes", "--env-key", "MY_KEY"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: `--env-key` works with `--mode centralized --token-source env` only, not byok mode\n"),
        "{}",
        out.stderr
    );
    let out = setup(&home, "centralized", &["--yes", "--env-key", "MY_KEY"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&home.read_config(), "env_key = \"MY_KEY\"\n");
}

#[test]
fn a_bare_host_gets_the_https_address_suggested() {
    let home = TestHome::new();
    let out = run(
        &home,
        &[
            "setup",
            "--mode",
            "centralized",
            "--url",
            "coder.example.com",
            "--yes",
        ],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: `coder.example.com` is not a usable Coder URL: it has no scheme\nhelp: use the full address, e.g. `https://coder.example.com`\n"
    );
}

#[test]
fn restore_without_a_terminal_needs_yes() {
    let home = TestHome::new();
    home.write_config("model = \"o3\"\n");
    assert_eq!(setup(&home, "centralized", &["--yes"]).code, 0);
    let configured = home.read_config();
    let out = run(&home, &["restore", "latest"], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("pass `--yes`"), "{}", out.stderr);
    assert_eq!(home.read_config(), configured);
}

#[test]
fn setup_with_a_profile_also_removes_a_legacy_profile_key_in_config_toml() {
    let home = TestHome::new();
    home.write_config("profile = \"aibridge\"\n[tui]\nnotifications = true\n");
    let out = setup(&home, "centralized", &["--profile", "gateway", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("-profile = \"aibridge\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("migrating: removes `profile = \"aibridge\"`, which Codex refuses"),
        "{}",
        out.stderr
    );
}

/// `--route auto` asks `/api/v2/buildinfo`: v2.35+ serves `ai-gateway`, older versions and an
/// unreachable deployment get `aibridge`, and the message says why.
#[test]
fn route_auto_follows_the_deployment_version_or_falls_back_to_aibridge() {
    use crate::support::fake_coder::{FakeCoder, Options};
    let expect_route = |url: &str, route: &str, reason: &str| {
        let home = TestHome::new();
        let out = run(
            &home,
            &["setup", "--mode", "centralized", "--url", url, "--yes"],
            &[],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        let base_url = format!("base_url = \"{url}/api/v2/{route}/openai/v1\"");
        assert!(
            home.read_config().contains(&base_url),
            "{}",
            home.read_config()
        );
        assert!(out.stderr.contains(reason), "{}", out.stderr);
        // The route's reason sits in the status line's parentheses: never a second level.
        for line in out.stderr.lines().filter(|line| line.contains("route `")) {
            let mut depth = 0i32;
            for c in line.chars() {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                assert!(depth <= 1, "nested parentheses: {line}");
            }
        }
    };
    let new = FakeCoder::start(Options::default());
    expect_route(
        &new.url,
        "ai-gateway",
        "the deployment runs Coder v2.36.1+abc1234",
    );
    let old = FakeCoder::start(Options {
        version: "v2.34.9".into(),
        ..Options::default()
    });
    expect_route(&old.url, "aibridge", "the deployment runs Coder v2.34.9");
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    expect_route(
        &closed,
        "aibridge",
        "which every Coder version with the gateway serves; the deployment did not answer: cannot connect:",
    );
}

/// Both files pointed at the gateway (setup, then setup --profile): removing with the profile
/// un-points both, each back to what it held, so no file names a deleted table.
#[test]
fn remove_with_a_profile_also_unpoints_config_toml() {
    let home = TestHome::new();
    home.write_config("model_provider = \"openai\"\n");
    let profile_path = home.codex_home().join("gw.config.toml");
    assert_eq!(setup(&home, "centralized", &["--yes"]).code, 0);
    assert_eq!(
        setup(&home, "centralized", &["--yes", "--profile", "gw"]).code,
        0
    );
    assert!(
        home.read_config()
            .contains("model_provider = \"ai_gateway\"")
    );

    let out = run(&home, &["remove", "--yes", "--profile", "gw"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(home.read_config(), "model_provider = \"openai\"\n");
    let profile = std::fs::read_to_string(&profile_path).unwrap();
    assert!(!profile.contains("ai_gateway"), "{profile}");
}

#[test]
fn a_read_only_config_is_refused_not_replaced() {
    let home = TestHome::new();
    let text = "model = \"gpt-5\"\n";
    home.write_config(text);
    std::fs::set_permissions(home.config_path(), std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = setup(&home, "centralized", &["--yes"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("is read-only"), "{}", out.stderr);
    assert!(out.stderr.contains("chmod u+w"), "{}", out.stderr);
    assert_eq!(home.read_config(), text);
    let mode = std::fs::metadata(home.config_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o444);
}

#[test]
fn a_codex_home_that_is_a_file_says_so() {
    let home = TestHome::new();
    let file = home.home().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let out = run(
        &home,
        &[
            "--codex-home",
            file.to_str().unwrap(),
            "setup",
            "--mode",
            "centralized",
            "--url",
            URL,
            "--yes",
        ],
        &[],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("is not a directory"), "{}", out.stderr);
    assert!(out.stderr.contains("--codex-home"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

/// chatgpt mode on a deployment without the `chatgpt` provider: setup says so before it
/// writes (asked with the Coder token), and still writes with `--yes`.
#[test]
fn chatgpt_setup_warns_before_writing_when_the_provider_is_missing() {
    use crate::support::fake_coder::{FakeCoder, Options, VALID_TOKEN};
    let fake = FakeCoder::start(Options {
        chatgpt_provider: false,
        ..Options::default()
    });
    let home = TestHome::new();
    let args = [
        "setup",
        "--mode",
        "chatgpt",
        "--url",
        &fake.url,
        "--dry-run",
    ];
    let out = run(&home, &args, &[("CODER_API_TOKEN", VALID_TOKEN)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let warned = out
        .stderr
        .find("has no `chatgpt` provider")
        .unwrap_or_else(|| panic!("no warning: {}", out.stderr));
    assert!(
        warned < out.stderr.find("dry run:").unwrap(),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--mode byok"), "{}", out.stderr);
    assert!(!out.stderr.contains(VALID_TOKEN));
    let sent = &fake.requests_to("/api/v2/users/me/ai-provider-keys")[0];
    assert_eq!(sent.header("Coder-Session-Token"), Some(VALID_TOKEN));

    // With the provider there, and offline, nothing is said.
    let ready = FakeCoder::start(Options::default());
    let args = [
        "setup",
        "--mode",
        "chatgpt",
        "--url",
        &ready.url,
        "--dry-run",
    ];
    let out = run(&home, &args, &[("CODER_API_TOKEN", VALID_TOKEN)]);
    assert!(!out.stderr.contains("`chatgpt` provider"), "{}", out.stderr);
    let args = [
        "setup",
        "--mode",
        "chatgpt",
        "--url",
        &fake.url,
        "--dry-run",
        "--offline",
    ];
    let before = fake.requests().len();
    let out = run(&home, &args, &[("CODER_API_TOKEN", VALID_TOKEN)]);
    assert!(!out.stderr.contains("`chatgpt` provider"), "{}", out.stderr);
    assert_eq!(fake.requests().len(), before);
}
