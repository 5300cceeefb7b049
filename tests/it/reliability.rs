//! The reliability replay suite (issue 11): each case an adversarial review found — races with
//! editors and other runs, special files, hostile values, hangs — run against the real binary.
//! Every case must end in a clean refusal or a correct result, with nothing lost.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::TestHome;

const URL: &str = "https://coder.example.com";
const USER_CONFIG: &str =
    "# mine\nmodel = \"gpt-5\"\n\n[mcp_servers.docs]\ncommand = \"docs-server\"\n";

/// A command that must end on its own well before this (the review saw hangs).
const BOUND: Duration = Duration::from_secs(10);

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn run(home: &TestHome, args: &[&str]) -> std::process::Output {
    home.codexgw().args(args).timeout(BOUND).output().unwrap()
}

fn setup(home: &TestHome, extra: &[&str]) -> std::process::Output {
    setup_mode(home, "centralized", extra)
}

fn setup_mode(home: &TestHome, mode: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["setup", "--offline", "--yes", "--mode", mode, "--url", URL];
    args.extend_from_slice(extra);
    run(home, &args)
}

fn backups(home: &TestHome) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(home.codex_home().join("backups/codexgw")) {
        Ok(entries) => entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "bak"))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status();
    assert!(status.unwrap().success(), "mkfifo failed");
}

/// A FIFO in place of any file codexgw reads: every command ends at once, names the path, and
/// exits non-zero (or, for a file that is only a hint, goes on without it).
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_config_toml_is_refused_by_every_command() {
    let home = TestHome::new();
    mkfifo(&home.config_path());
    let path = home.config_path().display().to_string();
    let cases: &[&[&str]] = &[
        &[
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "centralized",
            "--url",
            URL,
        ],
        &["remove", "--yes"],
        &["env", "--shell", "sh"],
        &["token", "print", "coder"],
        &["doctor", "--offline"],
    ];
    for args in cases {
        let started = Instant::now();
        let out = run(&home, args);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{args:?} took {:?}",
            started.elapsed()
        );
        assert!(!out.status.success(), "{args:?} succeeded");
        let text = stdout(&out) + &stderr(&out);
        assert!(
            text.contains(&path) && text.contains("FIFO"),
            "{args:?} did not name the FIFO: {text}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_as_auth_json_profile_credentials_or_coder_login_does_not_hang() {
    let home = TestHome::new();
    let out = setup(&home, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    mkfifo(&home.codex_home().join("auth.json"));
    mkfifo(&home.codex_home().join("work.config.toml"));
    let codexgw_dir = home.home().join(".config/codexgw");
    std::fs::create_dir_all(&codexgw_dir).unwrap();
    mkfifo(&codexgw_dir.join("credentials.toml"));
    let coder_dir = home.home().join(".config/coderv2");
    std::fs::create_dir_all(&coder_dir).unwrap();
    mkfifo(&coder_dir.join("url"));
    mkfifo(&coder_dir.join("session"));

    let cases: &[&[&str]] = &[
        &["token", "print", "coder", "--url", URL],
        &["token", "status", "--url", URL],
        &["doctor", "--offline"],
        &["doctor", "--offline", "--profile", "work"],
        &[
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "byok",
            "--url",
            URL,
        ],
        &[
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "centralized",
            "--url",
            URL,
            "--profile",
            "work",
        ],
        &["env", "--shell", "sh"],
    ];
    for args in cases {
        let started = Instant::now();
        let out = run(&home, args);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{args:?} took {:?}: {}",
            started.elapsed(),
            stderr(&out)
        );
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked");
    }
    // The profile FIFO is named when setup is asked to edit it.
    let out = run(
        &home,
        &[
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "centralized",
            "--url",
            URL,
            "--profile",
            "work",
        ],
    );
    assert!(
        stderr(&out).contains("work.config.toml` is a FIFO"),
        "{}",
        stderr(&out)
    );
}

/// `/dev/zero` linked in as config.toml is refused at once instead of read until memory runs out.
#[cfg(unix)]
#[test]
fn dev_zero_as_config_is_refused_at_once() {
    let home = TestHome::new();
    std::os::unix::fs::symlink("/dev/zero", home.config_path()).unwrap();
    let started = Instant::now();
    let out = setup(&home, &[]);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is a device, not a regular file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_config_larger_than_the_limit_is_refused_with_a_clear_error() {
    let home = TestHome::new();
    let file = std::fs::File::create(home.config_path()).unwrap();
    file.set_len(64 * 1024 * 1024 + 1).unwrap();
    let out = setup(&home, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is larger than 64 MiB"),
        "{}",
        stderr(&out)
    );
}

/// The review's data loss: an editor truncates config.toml and writes it a moment later, while
/// setup runs. Setup must end with the user's keys in the file and no empty backup.
#[test]
fn setup_during_an_in_place_rewrite_loses_nothing() {
    for _ in 0..3 {
        let home = TestHome::new();
        home.write_config(USER_CONFIG);
        let out = setup(&home, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let configured = home.read_config();

        // The editor: truncate, then (after setup has started) write its buffer back.
        std::fs::write(home.config_path(), "").unwrap();
        let editor = {
            let path = home.config_path();
            let text = configured.replace("gpt-5", "gpt-5-codex");
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(200));
                use std::io::Write;
                let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
                file.write_all(text.as_bytes()).unwrap();
            })
        };
        let out = setup_mode(&home, "byok", &[]);
        editor.join().unwrap();
        let now = home.read_config();
        assert!(
            now.contains("gpt-5-codex") && now.contains("[mcp_servers.docs]"),
            "the user's keys are gone (setup said: {}): {now}",
            stderr(&out)
        );
        for backup in backups(&home) {
            assert!(
                std::fs::metadata(&backup).unwrap().len() > 0,
                "an empty backup `{}`",
                backup.display()
            );
        }
    }
}

/// A write refused for a read-only file takes no backup and rotates none out.
#[cfg(unix)]
#[test]
fn a_refused_write_takes_no_backup() {
    use std::os::unix::fs::PermissionsExt;
    let home = TestHome::new();
    home.write_config(USER_CONFIG);
    let out = setup(&home, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = backups(&home);
    assert_eq!(before.len(), 1);
    let configured = home.read_config();
    std::fs::set_permissions(home.config_path(), std::fs::Permissions::from_mode(0o400)).unwrap();
    let out = setup_mode(&home, "byok", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("is read-only"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("backed up"), "{}", stderr(&out));
    assert_eq!(backups(&home), before, "a backup was taken or rotated");
    assert_eq!(home.read_config(), configured);
}

/// `--profile` with a read-only profile file: config.toml is not written either, so "nothing
/// was written" is true.
#[cfg(unix)]
#[test]
fn setup_with_a_read_only_profile_writes_neither_file() {
    use std::os::unix::fs::PermissionsExt;
    let home = TestHome::new();
    home.write_config(USER_CONFIG);
    let profile = home.codex_home().join("work.config.toml");
    std::fs::write(&profile, "model = \"o3\"\n").unwrap();
    std::fs::set_permissions(&profile, std::fs::Permissions::from_mode(0o400)).unwrap();
    let out = setup(&home, &["--profile", "work"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(home.read_config(), USER_CONFIG, "config.toml was written");
    assert_eq!(
        std::fs::read_to_string(&profile).unwrap(),
        "model = \"o3\"\n"
    );
    assert!(backups(&home).is_empty());
    assert_eq!(
        std::fs::read_dir(home.codex_home())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp"))
            .count(),
        0,
        "a temp file was left behind"
    );
}

/// A run killed at the rename leaves `.codexgw-*.tmp` (a full copy, secrets included); the next
/// write removes it.
#[test]
fn a_temp_file_left_by_a_killed_run_is_cleaned_up() {
    let home = TestHome::new();
    home.write_config(USER_CONFIG);
    let stale = home.codex_home().join(".codexgw-K1lLeD.tmp");
    let file = std::fs::File::create(&stale).unwrap();
    file.set_modified(std::time::SystemTime::now() - Duration::from_secs(600))
        .unwrap();
    let out = setup(&home, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stale.exists(), "the stale temp file is still there");
}

/// 20 setups at once: every one succeeds, the file is one of the valid results, every backup is
/// a whole earlier version.
#[test]
fn twenty_parallel_setups_all_succeed_and_corrupt_nothing() {
    let home = std::sync::Arc::new(TestHome::new());
    home.write_config(USER_CONFIG);
    let runs: Vec<_> = (0..20)
        .map(|i| {
            let home = home.clone();
            std::thread::spawn(move || {
                let mode = ["centralized", "byok"][i % 2];
                home.codexgw()
                    .args(["setup", "--offline", "--yes", "--mode", mode, "--url", URL])
                    .timeout(Duration::from_secs(60))
                    .output()
                    .unwrap()
            })
        })
        .collect();
    let mut failures = Vec::new();
    for run in runs {
        let out = run.join().unwrap();
        if !out.status.success() {
            failures.push(stderr(&out));
        }
    }
    assert!(
        failures.is_empty(),
        "{} runs failed: {failures:#?}",
        failures.len()
    );
    let config = home.read_config();
    assert!(config.contains("model = \"gpt-5\"") && config.contains("[mcp_servers.docs]"));
    assert!(config.contains("[model_providers.ai_gateway]"), "{config}");
    for backup in backups(&home) {
        let text = std::fs::read_to_string(&backup).unwrap();
        assert!(text.starts_with("# mine\n"), "a corrupted backup: {text}");
    }
}

/// Run as root on a user's files: config.toml, its backup and the backups folder stay theirs.
#[cfg(unix)]
#[test]
fn setup_as_root_keeps_the_users_ownership() {
    use std::os::unix::fs::MetadataExt;
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root");
        return;
    }
    let home = TestHome::new();
    home.write_config(USER_CONFIG);
    for path in [home.codex_home(), home.config_path()] {
        std::os::unix::fs::chown(&path, Some(4242), Some(4343)).unwrap();
    }
    let out = setup(&home, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let backups = backups(&home);
    assert_eq!(backups.len(), 1);
    for path in [
        home.config_path(),
        backups[0].clone(),
        home.codex_home().join("backups"),
        home.codex_home().join("backups/codexgw"),
    ] {
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (4242, 4343), "{}", path.display());
    }
}
