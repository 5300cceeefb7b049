//! Setup asks the installed Codex about the file it is about to write (issue 9 item 4): it never
//! reports success on a file Codex refuses, names the blocker it leaves with Codex's words and
//! the fix, and exits non-zero.

use crate::support::TestHome;
use crate::support::real_codex::each_codex;

fn setup(home: &TestHome, codex: Option<&std::path::Path>, extra: &[&str]) -> std::process::Output {
    setup_in(home, codex, extra, &[])
}

/// `codexgw setup` in centralized mode for a fixed URL, offline, with `env` on top.
fn setup_in(
    home: &TestHome,
    codex: Option<&std::path::Path>,
    extra: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = home.codexgw();
    cmd.envs(env.iter().copied());
    cmd.args([
        "setup",
        "--mode",
        "centralized",
        "--url",
        "https://coder.example.com",
        "--offline",
        "--yes",
    ])
    .args(extra);
    if let Some(codex) = codex {
        cmd.arg("--codex-bin").arg(codex);
    }
    cmd.output().unwrap()
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn a_blocker_setup_does_not_own_is_named_with_codexs_words_and_fails_the_run() {
    each_codex(|codex| {
        let home = TestHome::new();
        home.write_config("approval_policy = \"untrusted\"\n");
        let out = setup(&home, Some(codex), &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("still refuses to start with the file as setup leaves it: approval_policy = \"untrusted\" is no longer supported; remove this setting"),
            "{stderr}"
        );
        assert!(
            stderr.contains("edit the setting it names as Codex says"),
            "{stderr}"
        );
        // What setup owns is written all the same: the provider block is in place.
        let config = home.read_config();
        assert!(config.contains("[model_providers.ai_gateway]"), "{config}");
        assert!(
            config.starts_with("approval_policy = \"untrusted\"\n"),
            "{config}"
        );

        // A second run has nothing to write and still does not call it success.
        let again = setup(&home, Some(codex), &[]);
        let stderr = String::from_utf8_lossy(&again.stderr);
        assert_eq!(again.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("already configured"), "{stderr}");
        assert!(stderr.contains("still refuses to start"), "{stderr}");
    });
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn a_dry_run_names_the_blocker_with_its_position_and_writes_nothing() {
    each_codex(|codex| {
        let home = TestHome::new();
        let original =
            "model = \"gpt-5\"\n\n[model_providers.other]\nname = \"Other\"\nwire_api = \"chat\"\n";
        home.write_config(original);
        let out = setup(&home, Some(codex), &["--dry-run"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        let config = home.config_path().display().to_string();
        assert!(
            stderr.contains(&format!(
                "still refuses to start with the file as setup leaves it: {config}:6:12: `wire_api = \"chat\"` is no longer supported."
            )),
            "{stderr}"
        );
        // The position is in the file as setup leaves it (one line added above).
        assert!(
            stderr.contains(&format!(
                "edit `{config}` at line 6, column 12 as Codex says"
            )),
            "{stderr}"
        );
        assert_eq!(home.read_config(), original);
    });
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn a_healthy_result_is_vouched_for_by_codex() {
    each_codex(|codex| {
        let home = TestHome::new();
        let out = setup(&home, Some(codex), &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains(" loads the result"), "{stderr}");
        // The profile file is judged layered over config.toml.
        let out = setup(&home, Some(codex), &["--profile", "gw"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains(" loads the result"), "{stderr}");
    });
}

#[test]
fn without_codex_setup_says_it_could_not_check() {
    let home = TestHome::new();
    let out = setup_in(&home, None, &[], &[("PATH", "/nonexistent")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "Codex is not installed, so it could not check the result (`npm install -g @openai/codex`)"
        ),
        "{stderr}"
    );
}
