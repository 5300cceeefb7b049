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
    let out = setup(&home, &["--profile", "work"]);
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

// ---- values safe in every shell and terminal ----

const TOKEN: &str = "abcdefghij-tokentokentokentoken12";

fn token_set(home: &TestHome, args: &[&str], stdin: &[u8]) -> std::process::Output {
    home.codexgw()
        .args(["token", "set"])
        .args(args)
        .write_stdin(stdin)
        .timeout(BOUND)
        .output()
        .unwrap()
}

/// NUL, ESC, BEL, DEL, a bidi override, inner whitespace and 70,000 bytes: each refused with
/// exit 2, the value not echoed, and nothing stored (`token print` finds none afterwards).
#[test]
fn token_set_refuses_values_no_shell_or_terminal_carries_intact() {
    let home = TestHome::new();
    let _cleanup = crate::support::KeyringCleanup::new(&home, &[URL]);
    let long = "a".repeat(70_000);
    let cases: [(&[u8], &str); 7] = [
        (
            b"abcdefghij-token\x00tokentoken12",
            "a control character (U+0000",
        ),
        (
            b"abcdefghij-token\x1b[31mtoken12",
            "a control character (U+001B",
        ),
        (
            b"abcdefghij-token\x07tokentoken12",
            "a control character (U+0007",
        ),
        (
            b"abcdefghij-token\x7ftokentoken12",
            "a control character (U+007F",
        ),
        (
            "abcdefghij-\u{202e}tokentokentoken12".as_bytes(),
            "bidi control (U+202E",
        ),
        (b"abcdefghij-token tokentoken12", "whitespace (U+0020"),
        (long.as_bytes(), "at most 4096"),
    ];
    for (value, why) in cases {
        let out = token_set(&home, &["coder", "--url", URL], value);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains(why), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("nothing was stored"),
            "{}",
            stderr(&out)
        );
        assert!(
            !stderr(&out).contains("tokentoken12"),
            "echoed: {}",
            stderr(&out)
        );
        let printed = run(&home, &["token", "print", "coder", "--url", URL]);
        assert!(!printed.status.success(), "something was stored");
    }
    // More than fits the limit on stdin is refused, not cut to a prefix and stored.
    let endless = "b".repeat(200_000);
    let out = token_set(&home, &["coder", "--url", URL], endless.as_bytes());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// `codexgw env --shell SHELL` for a byok setup, with `CODER_API_TOKEN` set to `token`.
fn env_in_byok(shell: &str, token: &str) -> std::process::Output {
    let home = TestHome::new();
    assert!(setup_mode(&home, "byok", &[]).status.success());
    home.codexgw()
        .args(["env", "--shell", shell])
        .env("CODER_API_TOKEN", token)
        .timeout(BOUND)
        .output()
        .unwrap()
}

/// A value from the environment is held to the same rule before it reaches a shell.
#[test]
fn env_refuses_a_token_with_control_characters_from_the_environment() {
    let out = env_in_byok("bash", "abcdefghij-tok\u{1b}]0;x\u{7}en");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("contains a control character"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains('\u{1b}'), "ESC reached the terminal");
}

/// PowerShell ends a single-quoted string at U+2018–U+201B too: each is doubled, so
/// `Invoke-Expression (codexgw env)` cannot run code hidden in a token.
#[test]
fn powershell_lines_double_every_quote_powershell_accepts() {
    let out = env_in_byok("powershell", "abc\u{2019};calc;\u{2018}x'y\u{201b}");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with(
            "$env:CODER_API_TOKEN = 'abc\u{2019}\u{2019};calc;\u{2018}\u{2018}x''y\u{201b}\u{201b}'\n"
        ),
        "{}",
        stdout(&out)
    );
}

/// A one-connection-at-a-time HTTP server on 127.0.0.1 answering every request with `status`,
/// `content_type` and `body`; ends with the test process.
fn serve(status: &str, content_type: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut request = Vec::new();
            let mut buf = [0; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

/// A server's `username` with escape sequences reaches the terminal stripped of them.
#[test]
fn a_username_with_escape_sequences_is_shown_without_them() {
    let home = TestHome::new();
    let url = serve(
        "200 OK",
        "application/json",
        r#"{"username":"\u001b]0;owned\u0007ali\u001b[2Jce"}"#,
    );
    let _cleanup = crate::support::KeyringCleanup::new(&home, &[&url]);
    let out = token_set(
        &home,
        &["coder", "--url", &url, "--verify"],
        TOKEN.as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("(signed in as alice)"), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
}

/// `--verify` believes only Coder's own answer: an HTML page with 200 is no proof.
#[test]
fn verify_accepts_only_a_coder_user_answer() {
    let home = TestHome::new();
    let url = serve("200 OK", "text/html", "<html><body>Sign in</body></html>");
    let _cleanup = crate::support::KeyringCleanup::new(&home, &[&url]);
    let out = token_set(
        &home,
        &["coder", "--url", &url, "--verify"],
        TOKEN.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not with a Coder user"),
        "{}",
        stderr(&out)
    );
    let printed = run(&home, &["token", "print", "coder", "--url", &url]);
    assert!(!printed.status.success(), "the token was stored");
}

/// A server that echoes the token in a long error: no part of it shows.
#[test]
fn a_server_echoing_the_token_does_not_leak_it() {
    let home = TestHome::new();
    let body = format!("{} bad token: {TOKEN}", "x".repeat(280));
    let url = serve("401 Unauthorized", "text/plain", &body);
    let out = token_set(
        &home,
        &["coder", "--url", &url, "--verify"],
        TOKEN.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!stderr(&out).contains("abcde"), "{}", stderr(&out));
}

// ---- secret leaks in messages ----

const SK: &str = "sk-proj-0123456789abcdefghijkl";

/// `token print coder` refuses an `sk-` key wherever it comes from: Codex would send it to the
/// Coder deployment. One rule with `env` and `exec`.
#[test]
fn token_print_refuses_an_openai_key_from_every_source() {
    let home = TestHome::new();
    assert!(setup(&home, &[]).status.success());
    let print = |env: &[(&str, &str)]| {
        home.codexgw()
            .args(["token", "print", "coder", "--url", URL])
            .envs(env.iter().copied())
            .timeout(BOUND)
            .output()
            .unwrap()
    };
    let check = |out: std::process::Output, source: &str| {
        assert_eq!(out.status.code(), Some(1), "{source}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{source} printed {}", stdout(&out));
        assert!(
            stderr(&out).contains("holds an OpenAI API key (sk-p… (30 chars))"),
            "{source}: {}",
            stderr(&out)
        );
    };
    check(print(&[("CODER_API_TOKEN", SK)]), "CODER_API_TOKEN");
    check(print(&[("CODER_SESSION_TOKEN", SK)]), "CODER_SESSION_TOKEN");
    let cli = home.home().join(".config/coderv2");
    std::fs::create_dir_all(&cli).unwrap();
    std::fs::write(cli.join("url"), format!("{URL}\n")).unwrap();
    std::fs::write(cli.join("session"), format!("{SK}\n")).unwrap();
    check(print(&[]), "the coder CLI session file");
    std::fs::remove_file(cli.join("session")).unwrap();
    // The store, written by hand (token set itself refuses such a value).
    let file = home.home().join(".config/codexgw/credentials.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(
        &file,
        format!("[\"coder.example.com\"]\ncoder = \"{SK}\"\n"),
    )
    .unwrap();
    check(print(&[]), "the credentials file");
    // `env` says the same about the same source.
    let out = run(&home, &["env", "--shell", "sh"]);
    check(out, "env");
}

// ---- every wait bounded ----

/// A D-Bus session bus that accepts connections and never says a word.
#[cfg(unix)]
fn silent_session_bus(dir: &Path) -> String {
    let path = dir.join("silent-bus");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    format!("unix:path={}", path.display())
}

/// Every keyring operation ends under its deadline with an unresponsive session bus; the
/// kernel keyring still serves, and `token status` asks the stuck bus once, not four times.
#[cfg(target_os = "linux")]
#[test]
fn an_unresponsive_session_bus_hangs_no_keyring_operation() {
    let home = TestHome::with_os_keyring();
    let _cleanup = crate::support::KeyringCleanup::new(&home, &[URL]);
    let bus = silent_session_bus(home.dir.path());
    let timed = |args: &[&str], stdin: &str| {
        let started = Instant::now();
        let out = home
            .codexgw()
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .write_stdin(stdin)
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        (started.elapsed(), out)
    };
    let (took, out) = timed(&["token", "set", "coder", "--url", URL], TOKEN);
    assert!(took < Duration::from_secs(5), "token set took {took:?}");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("kernel keyring"), "{}", stderr(&out));

    let (took, out) = timed(&["token", "print", "coder", "--url", URL], "");
    assert!(took < Duration::from_secs(5), "token print took {took:?}");
    assert_eq!(stdout(&out), TOKEN, "{}", stderr(&out));

    let (took, out) = timed(&["token", "status", "--url", URL], "");
    assert!(took < Duration::from_secs(5), "token status took {took:?}");
    assert!(
        stdout(&out).contains("did not answer within 3s"),
        "{}",
        stdout(&out)
    );

    let (took, out) = timed(&["token", "delete", "coder", "--url", URL], "");
    assert!(took < Duration::from_secs(5), "token delete took {took:?}");
    assert!(out.status.success(), "{}", stderr(&out));

    // setup --store-token stores before it writes: the token is in the kernel keyring when
    // config.toml appears, and the whole run is bounded.
    let (took, out) = timed(
        &[
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "centralized",
            "--url",
            URL,
            "--store-token",
        ],
        TOKEN,
    );
    assert!(took < Duration::from_secs(8), "setup took {took:?}");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let stored = err.find("stored the Coder API token").expect(&err);
    let wrote = err.find("wrote `").expect(&err);
    assert!(
        stored < wrote,
        "config.toml was written before the token was stored: {err}"
    );
}

/// When no keyring takes the token, setup stops before config.toml is written.
#[cfg(unix)]
#[test]
fn setup_store_token_that_cannot_store_leaves_config_toml_alone() {
    let home = TestHome::with_os_keyring();
    home.write_config(USER_CONFIG);
    let out = home
        .codexgw()
        .args([
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "centralized",
            "--url",
            URL,
            "--store-token",
        ])
        // A service name the kernel refuses (longer than a key description may be).
        .env("CODEXGW_KEYRING_SERVICE", "x".repeat(5000))
        .write_stdin(TOKEN)
        .timeout(BOUND)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("config.toml was not changed"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--insecure-file"), "{}", stderr(&out));
    assert_eq!(home.read_config(), USER_CONFIG);
    assert!(backups(&home).is_empty());
}

/// A URL with a token in its user part is never echoed, whatever else is wrong with it (the
/// query check ran first and quoted the whole URL).
#[test]
fn a_url_holding_credentials_is_never_echoed() {
    let home = TestHome::new();
    const SECRET: &str = "abcdefghij-secretsecretsecretsec";
    for url in [
        format!("https://u:{SECRET}@coder.example.com/?a=1"),
        format!("https://{SECRET}@coder.example.com/#x"),
        format!("http://u:{SECRET}@coder.example.com"),
        format!("https://u:{SECRET}@coder example.com"),
    ] {
        let out = setup(&home, &["--url", &url]);
        assert!(!out.status.success(), "{url}");
        let text = stdout(&out) + &stderr(&out);
        assert!(!text.contains("secretsecret"), "{url}: {text}");
    }
    // A base_url in config.toml that holds credentials: env, exec, token print and token status
    // refuse it without printing it.
    home.write_config(&format!(
        "model_provider = \"ai_gateway\"\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"https://u:{SECRET}@coder.example.com/api/v2/aibridge/openai/v1?x=1\"\nenv_key = \"OPENAI_API_KEY\"\nwire_api = \"responses\"\n"
    ));
    let cases: &[&[&str]] = &[
        &["env", "--shell", "sh"],
        &["exec", "--", "true"],
        &["token", "print", "coder"],
        &["token", "status"],
    ];
    for args in cases {
        let out = home
            .codexgw()
            .args(*args)
            .env("OPENAI_API_KEY", TOKEN)
            .timeout(BOUND)
            .output()
            .unwrap();
        let text = stdout(&out) + &stderr(&out);
        assert!(!text.contains("secretsecret"), "{args:?}: {text}");
        assert!(!out.status.success(), "{args:?}: {text}");
    }
}

// ---- keyring keys ----

/// A token stored for `https://host` is not handed out for `http://host`, and `/Team` and
/// `/team` (two deployments to Coder's router) keep two tokens.
#[test]
fn keyring_keys_tell_schemes_and_path_case_apart() {
    let home = TestHome::with_os_keyring();
    let https = "https://keys.example.com";
    let http = "http://keys.example.com";
    let upper = "https://keys.example.com/Team";
    let lower = "https://keys.example.com/team";
    let _cleanup = crate::support::KeyringCleanup::new(&home, &[https, http, upper, lower]);
    let print = |url: &str| run(&home, &["token", "print", "coder", "--url", url]);
    assert!(
        token_set(&home, &["coder", "--url", https], TOKEN.as_bytes())
            .status
            .success()
    );
    assert_eq!(stdout(&print(https)), TOKEN);
    let out = print(http);
    assert!(!out.status.success(), "printed for http: {}", stdout(&out));
    assert!(stdout(&out).is_empty());

    assert!(
        token_set(&home, &["coder", "--url", upper], b"upper-token")
            .status
            .success()
    );
    assert!(
        token_set(&home, &["coder", "--url", lower], b"lower-token")
            .status
            .success()
    );
    assert_eq!(stdout(&print(upper)), "upper-token");
    assert_eq!(stdout(&print(lower)), "lower-token");
}

// ---- restore ----

/// `restore` puts back only what codexgw backs up: a planted `auth.json.<stamp>.bak` in the
/// backups folder does not overwrite Codex's login.
#[test]
fn restore_writes_only_files_codexgw_backs_up() {
    let home = TestHome::new();
    let auth = home.codex_home().join("auth.json");
    std::fs::write(&auth, "{\"auth_mode\":\"chatgpt\"}\n").unwrap();
    let dir = home.codex_home().join("backups/codexgw");
    std::fs::create_dir_all(&dir).unwrap();
    let planted = "auth.json.20261127T233415.123Z.bak";
    std::fs::write(dir.join(planted), "{\"planted\":true}\n").unwrap();
    let out = run(&home, &["restore", planted, "--yes"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a backup codexgw made"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&auth).unwrap(),
        "{\"auth_mode\":\"chatgpt\"}\n"
    );
    // A profile file's backup still goes back.
    std::fs::write(
        dir.join("work.config.toml.20261127T233415.124Z.bak"),
        "model = \"o3\"\n",
    )
    .unwrap();
    let out = run(
        &home,
        &[
            "restore",
            "work.config.toml.20261127T233415.124Z.bak",
            "--yes",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(home.codex_home().join("work.config.toml")).unwrap(),
        "model = \"o3\"\n"
    );
}

/// A token pasted as `env_key` (a Coder token, or one of another shape that is also a valid
/// variable name): `env` and `exec` call it what it is and never print it.
#[test]
fn a_token_as_env_key_is_reported_redacted() {
    let home = TestHome::new();
    for (pasted, shown) in [
        (TOKEN, "abcd… (33 chars)"),
        ("ghp_R4nd0mT0kenT3xtF0rTheTest12", "ghp_… (31 chars)"),
    ] {
        home.write_config(&format!(
            "model_provider = \"ai_gateway\"\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"{URL}/api/v2/aibridge/openai/v1\"\nenv_key = \"{pasted}\"\nwire_api = \"responses\"\n"
        ));
        for args in [&["env", "--shell", "sh"][..], &["exec", "--", "true"][..]] {
            let out = home
                .codexgw()
                .args(args)
                .env("CODER_API_TOKEN", TOKEN)
                .timeout(BOUND)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
            let text = stdout(&out) + &stderr(&out);
            assert!(!text.contains(&pasted[6..]), "{args:?}: {text}");
            assert!(
                text.contains(&format!(
                    "looks like a token, not a variable name ({shown})"
                )),
                "{args:?}: {text}"
            );
        }
    }
}
/// `doctor --timeout 1` ends within 1.5 s whatever hangs: a server that accepts and never
/// answers, a session bus that never answers, FIFOs in place of the files it reads.
#[cfg(target_os = "linux")]
#[test]
fn doctor_ends_within_its_timeout_whatever_hangs() {
    let home = TestHome::with_os_keyring();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let out = run(
        &home,
        &[
            "setup",
            "--offline",
            "--yes",
            "--mode",
            "byok",
            "--url",
            &url,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    mkfifo(&home.codex_home().join("auth.json"));
    let coder_dir = home.home().join(".config/coderv2");
    std::fs::create_dir_all(&coder_dir).unwrap();
    mkfifo(&coder_dir.join("url"));
    let bus = silent_session_bus(home.dir.path());
    for json in [false, true] {
        let started = Instant::now();
        let out = home
            .codexgw()
            .args(["doctor", "--timeout", "1"])
            .args(json.then_some("--json"))
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        let took = started.elapsed();
        assert!(took < Duration::from_millis(1500), "doctor took {took:?}");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    }
}

/// The review's doctor leak: a token pasted as `env_key`, or as the variable of
/// `env_http_headers`, was printed whole in the finding, the fix line and the JSON.
#[test]
fn doctor_shows_a_token_in_place_of_a_variable_name_only_redacted() {
    let home = TestHome::new();
    const GHP: &str = "ghp_R4nd0mT0kenT3xtF0rTheTest12";
    for (mode_lines, pasted) in [
        (format!("env_key = \"{TOKEN}\"\n"), TOKEN),
        (
            format!(
                "requires_openai_auth = true\nenv_http_headers = {{ \"X-Coder-AI-Governance-Token\" = \"{GHP}\" }}\n"
            ),
            GHP,
        ),
    ] {
        home.write_config(&format!(
            "model_provider = \"ai_gateway\"\n[model_providers.ai_gateway]\nname = \"AI Gateway\"\nbase_url = \"{URL}/api/v2/aibridge/openai/v1\"\nwire_api = \"responses\"\n{mode_lines}"
        ));
        for json in [false, true] {
            let out = home
                .codexgw()
                .args(["doctor", "--offline"])
                .args(json.then_some("--json"))
                .timeout(BOUND)
                .output()
                .unwrap();
            let text = stdout(&out) + &stderr(&out);
            assert!(!text.contains(&pasted[6..]), "json={json}: {text}");
            assert!(
                text.contains("looks like a token, not a variable name"),
                "json={json}: {text}"
            );
            assert_eq!(out.status.code(), Some(1), "{text}");
        }
    }
}

/// Files toml_edit trips over (it panics after its first error) and a lone carriage return
/// (which CRLF handling once smoothed into a valid file): every command that reads config.toml
/// refuses them with the place and words Codex uses (0.171: `config.toml:1:2: extra `=`,
/// expected nothing`; `config.toml:2:2: carriage return must be followed by newline`), no
/// panic, nothing written.
#[test]
fn files_the_parser_trips_over_are_refused_with_codexs_words() {
    for (text, at, words) in [
        (
            "==\n=\n.=",
            "config.toml:1:2",
            "extra `=`, expected nothing",
        ),
        (
            "[tui]\r\n\r\r\n[[skills]]\r\n",
            "config.toml:2:2",
            "carriage return must be followed by newline",
        ),
    ] {
        let home = TestHome::new();
        std::fs::write(home.config_path(), text).unwrap();
        for args in [
            &[
                "setup",
                "--offline",
                "--mode",
                "centralized",
                "--url",
                URL,
                "--yes",
            ][..],
            &[
                "setup",
                "--offline",
                "--mode",
                "byok",
                "--url",
                URL,
                "--dry-run",
            ][..],
            &["remove", "--yes"][..],
            &["doctor", "--offline"][..],
        ] {
            let out = run(&home, args);
            let said = format!("{}{}", stdout(&out), stderr(&out));
            assert_eq!(out.status.code(), Some(1), "{args:?} on {text:?}:\n{said}");
            assert!(
                said.contains(at) && said.contains(words),
                "{args:?} on {text:?}:\n{said}"
            );
            assert!(!said.contains("panicked"), "{said}");
            assert_eq!(std::fs::read_to_string(home.config_path()).unwrap(), text);
        }
    }
}
