//! Older Coder configs migrated by `setup`, checked with the real Codex: before, Codex refuses
//! the file (or `-p NAME`); after, it loads it, the older provider id still resolves (what
//! `codex resume` of an older session needs), and a request through it reaches the gateway.
//!
//! `codex debug prompt-input` loads the config and resolves the provider without a network
//! call; unlike `login status`, it accepts `--profile` (verified with 0.169 and 0.171:
//! `codex -p NAME login status` is refused, "--profile only applies to runtime commands").

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::TestHome;
use crate::support::fake_coder::{FakeCoder, Options, VALID_TOKEN};
use crate::support::real_codex::{each_codex, run_codex_with};

fn fixture(case: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/setup")
        .join(case)
        .join("in.toml");
    std::fs::read_to_string(path).unwrap()
}

/// `codex <args> debug prompt-input hi`: loads the config as a session would, offline.
fn codex_loads(home: &TestHome, codex: &Path, args: &[&str]) -> Output {
    Command::new(codex)
        .args(args)
        .args(["debug", "prompt-input", "hi"])
        .env_clear()
        .envs(home.env())
        .current_dir(home.home())
        .stdin(Stdio::null())
        .output()
        .expect("run codex")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_loads(home: &TestHome, codex: &Path, args: &[&str]) {
    let out = codex_loads(home, codex, args);
    assert!(
        out.status.success(),
        "codex {args:?} refused the migrated config: {}\n{}",
        stderr(&out),
        home.read_config()
    );
}

/// Codex refuses the config as it is, in words containing `words`.
fn assert_refused(home: &TestHome, codex: &Path, args: &[&str], words: &str) {
    let out = codex_loads(home, codex, args);
    assert!(!out.status.success(), "codex {args:?} loaded it");
    assert!(stderr(&out).contains(words), "{}", stderr(&out));
}

fn setup(home: &TestHome, url: &str, extra: &[&str]) -> String {
    let out = home
        .codexgw()
        .args(["setup", "--yes", "--mode", "centralized", "--url", url])
        .args(extra)
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

#[test]
fn migration_needs_consent_and_writes_nothing_without_it() {
    let home = TestHome::new();
    let input = fixture("legacy_aibridge_profile");
    home.write_config(&input);
    home.codexgw()
        .args([
            "setup",
            "--offline",
            "--mode",
            "centralized",
            "--url",
            "https://coder.example.com",
        ])
        .assert()
        .failure();
    assert_eq!(home.read_config(), input);
    assert!(!home.codex_home().join("aibridge.config.toml").exists());
}

#[test]
fn dry_run_shows_every_migration_in_the_diff() {
    let home = TestHome::new();
    home.write_config(&fixture("legacy_aibridge_profile"));
    let out = home
        .codexgw()
        .args([
            "setup",
            "--dry-run",
            "--offline",
            "--mode",
            "centralized",
            "--url",
            "https://coder.example.com",
        ])
        .assert()
        .success();
    let diff = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for line in [
        "-profile = \"aibridge\"",
        "-wire_api = \"chat\"",
        "-[profiles.aibridge]",
        "+model_reasoning_effort = \"high\"",
        "aibridge.config.toml",
    ] {
        assert!(
            diff.contains(line),
            "`{line}` missing from the diff:\n{diff}"
        );
    }
    assert!(!home.codex_home().join("aibridge.config.toml").exists());
}

/// Coder's v2.34 docs: `profile = "aibridge"`, `[profiles.aibridge]`, `wire_api = "chat"`.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn v2_34_docs_config_loads_after_setup_and_the_old_id_still_resolves() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        home.write_config(&fixture("legacy_aibridge_profile"));
        // Codex names the first of them: `wire_api = "chat"`, then the legacy profile.
        assert_refused(&home, codex, &[], "is no longer supported");

        let warnings = setup(&home, &fake.url, &["--route", "aibridge"]);
        assert!(warnings.contains("alias"), "{warnings}");
        let moved =
            std::fs::read_to_string(home.codex_home().join("aibridge.config.toml")).unwrap();
        assert!(
            moved.contains("model_reasoning_effort = \"high\""),
            "{moved}"
        );

        assert_loads(&home, codex, &[]);
        assert_loads(&home, codex, &["-p", "aibridge"]);
        // What `codex resume` of a session recorded with `aibridge` needs: the id resolves.
        assert_loads(&home, codex, &["-c", "model_provider=\"aibridge\""]);
        // The probe can see the resume failure: an undefined id is refused in Codex's words.
        assert_refused(
            &home,
            codex,
            &["-c", "model_provider=\"gone\""],
            "Model provider `gone` not found",
        );

        // And a turn through the alias reaches the gateway with the Coder token.
        let out = run_codex_with(
            &home,
            codex,
            &["-c", "model_provider=\"aibridge\""],
            &[("OPENAI_API_KEY", VALID_TOKEN)],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let post = &fake.requests_to("/responses")[0];
        assert_eq!(post.path(), "/api/v2/aibridge/openai/v1/responses");
        assert_eq!(
            post.header("Authorization"),
            Some(format!("Bearer {VALID_TOKEN}").as_str())
        );
    });
}

/// Module 5.0–5.1.x: `aigateway` with its token variable and `preferred_auth_method`, which
/// `--strict-config` refuses; setup names the module version and the fix.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn module_5_1_config_passes_strict_config_after_setup() {
    each_codex(|codex| {
        let fake = FakeCoder::start(Options::default());
        let home = TestHome::new();
        home.write_config(&fixture("legacy_module_5_1"));
        let before = run_codex_with(&home, codex, &[], &[("OPENAI_API_KEY", VALID_TOKEN)]);
        assert!(
            stderr(&before).contains("unknown configuration field `preferred_auth_method`"),
            "{}",
            stderr(&before)
        );

        let warnings = setup(&home, &fake.url, &[]);
        assert!(warnings.contains("5.0–5.1.x"), "{warnings}");
        assert!(
            warnings.contains("codexgw template --mode centralized"),
            "{warnings}"
        );

        let out = run_codex_with(&home, codex, &[], &[("OPENAI_API_KEY", VALID_TOKEN)]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_loads(&home, codex, &["-c", "model_provider=\"aigateway\""]);
    });
}

/// Module 5.2.1+: its block ends the file. The alias is edited inside the markers (with the
/// template fix), codexgw's own table goes after them.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn module_markers_block_is_edited_in_place_and_the_gateway_table_follows_it() {
    each_codex(|codex| {
        let home = TestHome::new();
        home.write_config(&fixture("legacy_module_markers"));
        let warnings = setup(&home, "https://coder.example.com", &["--offline"]);
        assert!(warnings.contains("change the template"), "{warnings}");
        let config = home.read_config();
        let close = config.find("# <<< coder-managed").unwrap();
        let own = config.find("[model_providers.ai_gateway]").unwrap();
        assert!(own > close, "{config}");
        assert!(!config.contains("preferred_auth_method"), "{config}");
        assert_loads(&home, codex, &["-c", "model_provider=\"aigateway\""]);
        assert_loads(&home, codex, &[]);
    });
}

/// `[profiles.work]` makes `codex -p work` a hard error; `setup --profile work` moves it.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn setup_profile_moves_the_legacy_table_so_codex_p_loads() {
    each_codex(|codex| {
        let home = TestHome::new();
        home.write_config("model = \"gpt-5\"\n\n[profiles.work]\nmodel = \"o3\"\n");
        assert_refused(&home, codex, &["-p", "work"], "cannot be used while");

        setup(
            &home,
            "https://coder.example.com",
            &["--offline", "--profile", "work"],
        );
        let profile = std::fs::read_to_string(home.codex_home().join("work.config.toml")).unwrap();
        assert_eq!(profile, "model = \"o3\"\nmodel_provider = \"ai_gateway\"\n");
        assert!(!home.read_config().contains("[profiles.work]"));
        assert_loads(&home, codex, &["-p", "work"]);
    });
}

/// `model_provider` under `[features]` is fatal for Codex; setup removes it, and `remove`
/// does not put it back.
#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex: run scripts/test")]
fn stranded_model_provider_is_removed_and_stays_removed() {
    each_codex(|codex| {
        let home = TestHome::new();
        home.write_config(&fixture("stranded_under_features"));
        assert_refused(&home, codex, &[], "expected a boolean");
        setup(&home, "https://coder.example.com", &["--offline"]);
        assert_loads(&home, codex, &[]);
        let config = home.read_config();
        assert!(config.contains("[desktop]\nmodel_provider"), "{config}");
        assert!(
            config.contains("[profiles.work]\nmodel_provider"),
            "{config}"
        );

        home.codexgw().args(["remove", "--yes"]).assert().success();
        assert!(
            !home
                .read_config()
                .contains("[features]\nweb_search_request = true\nmodel_provider")
        );
        assert_loads(&home, codex, &[]);
    });
}

/// `config.provider` after a migrating setup: the older id setup kept as the same gateway block
/// (for `codex resume`) is a note in a pass; a second block that goes elsewhere is a warning.
#[test]
fn doctor_notes_the_resume_alias_and_warns_on_a_stale_second_block() {
    let provider_check = |home: &TestHome| {
        let out = home
            .codexgw()
            .args(["doctor", "--offline", "--json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "config.provider")
            .cloned()
            .unwrap()
    };
    let home = TestHome::new();
    home.write_config(&fixture("legacy_module_5_1"));
    let warnings = setup(&home, "https://coder.example.com", &["--offline"]);
    assert!(warnings.contains("alias"), "{warnings}");
    let check = provider_check(&home);
    assert_eq!(check["status"], "pass", "{check}");
    let summary = check["summary"].as_str().unwrap();
    assert!(
        summary.contains("(note: `[model_providers.aigateway]` is the same gateway block as `ai_gateway`, kept so `codex resume` of sessions started with `aigateway` still finds its provider)"),
        "{summary}"
    );
    assert!(!summary.contains("still defined next to"), "{summary}");
    assert_eq!(
        check["evidence"]["resume_aliases"],
        serde_json::json!(["aigateway"])
    );

    // The alias goes stale (another deployment): a second block that is not the gateway in
    // use is worth a warning.
    let config = home.read_config();
    let stale = config.replacen(
        "https://coder.example.com/api/v2/aibridge/openai/v1\"\nenv_key",
        "https://old-coder.example.com/api/v2/aibridge/openai/v1\"\nenv_key",
        1,
    );
    assert_ne!(stale, config, "{config}");
    home.write_config(&stale);
    let check = provider_check(&home);
    assert_eq!(check["status"], "warn", "{check}");
    let summary = check["summary"].as_str().unwrap();
    assert!(
        summary.contains("`[model_providers.aigateway]` is still defined next to `ai_gateway`"),
        "{summary}"
    );
    assert!(!summary.contains("kept so `codex resume`"), "{summary}");
}
