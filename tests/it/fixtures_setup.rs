//! Golden fixtures for the config engine: `fixtures/setup/<case>/in.toml` and one
//! `out.<mode>.toml` per mode. Every case × mode checks the exact bytes, that a second setup
//! is a no-op, that nothing outside the owned keys changed meaning, and that `remove` gives the
//! original back: byte for byte when the file is as setup left it, and the original table and
//! `model_provider` next to a later edit when it is not.
//!
//! `CODEXGW_BLESS=1 cargo test --test fixtures_setup` rewrites the out files; read every one
//! before committing it.

use std::path::{Path, PathBuf};

use crate::support::engine::{self, ID, outside_owned, remove, setup, to_json};
use codexgw::coder::deployment::Route;
use codexgw::codex::document::ConfigDocument;
use codexgw::codex::inspect::Inspected;
use codexgw::codex::mode::ProviderSpec;

/// Cases setup migrates (older Coder blocks, legacy profiles, stranded `model_provider`
/// lines): it changes keys beyond its own on purpose, and `remove` does not put the broken lines
/// back. Instead of the round trip, the output must be free of what Codex refuses and keep every
/// older gateway id defined.
const MIGRATING: &[(&str, &str)] = &[
    (
        "coder_module_markers",
        "the module's `aigateway` block is edited in place into an alias",
    ),
    (
        "legacy_aibridge_profile",
        "v2.34 docs: `profile = \"aibridge\"`, `wire_api = \"chat\"`",
    ),
    (
        "legacy_module_5_1",
        "module 5.0–5.1.x: `aigateway`, `preferred_auth_method`",
    ),
    (
        "legacy_module_markers",
        "module 5.2.1+: the `aigateway` block in markers that end the file",
    ),
    (
        "stranded_top_level",
        "`model_provider` under `[tui]` is removed",
    ),
    (
        "stranded_under_features",
        "`model_provider` under `[features]` and `[tui]` removed; `[desktop]`, `[profiles.X]` kept",
    ),
];

/// What a migrated output must not hold, and the older ids it must still define.
fn migration_failures(at: &str, input: &str, output: &str) -> Vec<String> {
    let mut failures = Vec::new();
    let before = Inspected::parse(input).unwrap();
    let after = Inspected::parse(output).unwrap();
    for id in before.provider_ids() {
        if !after.provider_ids().contains(&id) {
            failures.push(format!("{at}: provider `{id}` is no longer defined"));
        }
        let block = after.provider(&id).filter(|_| id != ID);
        if block.is_some_and(|b| !b.load_errors().is_empty()) {
            failures.push(format!("{at}: `{id}` still has load errors"));
        }
    }
    if after.legacy_profile().is_some() {
        failures.push(format!("{at}: the legacy `profile` line is still there"));
    }
    let misplaced = after.stranded().into_iter().filter(|s| {
        s.key == "model_provider" && s.table != "desktop" && !s.table.starts_with("profiles")
    });
    for stranded in misplaced {
        failures.push(format!(
            "{at}: `model_provider` still stranded under `[{}]`",
            stranded.table
        ));
    }
    for refused in ["wire_api = \"chat\"", "preferred_auth_method"] {
        if output.contains(refused) {
            failures.push(format!("{at}: `{refused}` is still there"));
        }
    }
    failures
}

fn variants() -> Vec<(&'static str, ProviderSpec)> {
    engine::variants(
        "https://coder.example.com",
        Route::Aibridge,
        "OPENAI_API_KEY",
    )
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/setup");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("in.toml").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "only {} fixture cases", cases.len());
    cases
}

fn parse(text: &str, what: &str) -> ConfigDocument {
    ConfigDocument::parse(text).unwrap_or_else(|e| panic!("{what} does not parse: {e}\n{text}"))
}

/// Checks one case × variant; returns a description of each failure.
fn check(case: &Path, suffix: &str, spec: &ProviderSpec, bless: bool) -> Vec<String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let at = format!("{name} × {suffix}");
    let input = std::fs::read_to_string(case.join("in.toml")).unwrap();
    let before = parse(&input, &format!("{name}/in.toml"));
    let (output, records) = setup(spec, &input);
    let mut failures = Vec::new();

    let out_path = case.join(format!("out.{suffix}.toml"));
    if bless {
        std::fs::write(&out_path, &output).unwrap();
    }
    match std::fs::read_to_string(&out_path) {
        Ok(expected) if expected == output => {}
        Ok(expected) => failures.push(format!(
            "{at}: output differs from {}\n--- expected\n{expected}\n--- got\n{output}",
            out_path.display()
        )),
        Err(e) => failures.push(format!("{at}: cannot read {}: {e}", out_path.display())),
    }

    let after = parse(&output, &format!("{at} output"));
    let migrating = MIGRATING.iter().any(|(c, _)| *c == name);
    if migrating {
        failures.extend(migration_failures(&at, &input, &output));
        let removed = remove(&output, &records);
        failures.extend(migration_failures(
            &format!("{at} after remove"),
            &input,
            &removed,
        ));
    }
    if !migrating && outside_owned(&after, ID) != outside_owned(&before, ID) {
        failures.push(format!(
            "{at}: setup changed keys it does not own\nbefore: {}\nafter:  {}",
            outside_owned(&before, ID),
            outside_owned(&after, ID)
        ));
    }
    if after.top_level_str("model_provider") != Some(ID) {
        failures.push(format!("{at}: model_provider is not `{ID}` at top level"));
    }
    let bare_header = |text: &str| text.lines().any(|l| l.trim() == "[model_providers]");
    if bare_header(&output) && !bare_header(&input) {
        failures.push(format!(
            "{at}: an empty `[model_providers]` header appeared"
        ));
    }
    let (again, _) = setup(spec, &output);
    if again != output {
        failures.push(format!("{at}: a second setup changed the file\n{again}"));
    }
    if input.contains("\r\n") != output.contains("\r\n") {
        failures.push(format!("{at}: line endings changed"));
    }
    if !input.is_empty() && input.ends_with('\n') != output.ends_with('\n') {
        failures.push(format!("{at}: the final newline changed"));
    }

    if migrating {
        return failures;
    }
    let removed = remove(&output, &records);
    if removed != input {
        failures.push(format!(
            "{at}: remove after setup did not give the bytes back\n--- in\n{input}\n--- got\n{removed}"
        ));
    }
    // The user edits the file after setup: remove keeps the edit and undoes only setup's part.
    let edited = format!(
        "{output}{}[zz_later]\nkept = 1\n",
        if output.ends_with('\n') || output.is_empty() {
            ""
        } else {
            "\n"
        }
    );
    let removed = remove(&edited, &records);
    let mut data = to_json(&parse(&removed, &format!("{at} after edit and remove")));
    let later = data.as_object_mut().unwrap().remove("zz_later");
    if later != Some(serde_json::json!({ "kept": 1 })) || data != to_json(&before) {
        failures.push(format!(
            "{at}: remove after a later edit did not give the original data back\n{removed}"
        ));
    }
    failures
}

#[test]
fn every_fixture_in_every_mode() {
    let bless = std::env::var("CODEXGW_BLESS").as_deref() == Ok("1");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        for (suffix, spec) in variants() {
            failures.extend(check(&case, suffix, &spec, bless));
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} fixture checks failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// `codex login status` loads config.toml first and names the position of anything it
/// refuses; `None` when it loaded the file.
fn codex_load_error(codex: &Path, home: &crate::support::TestHome) -> Option<String> {
    let out = std::process::Command::new(codex)
        .args(["login", "status"])
        .env_clear()
        .envs(home.env())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run codex");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    stderr
        .contains("Error loading configuration")
        .then_some(stderr)
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn codex_loads_every_toml_1_1_fixture_and_what_setup_makes_of_it() {
    crate::support::real_codex::each_codex(|codex| {
        let home = crate::support::TestHome::new();
        let mut checked = 0;
        for case in cases() {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("toml11_") {
                continue;
            }
            let outputs = std::fs::read_dir(&case).unwrap().map(|e| e.unwrap().path());
            for file in outputs.filter(|p| p.extension().is_some_and(|e| e == "toml")) {
                home.write_config(&std::fs::read_to_string(&file).unwrap());
                if let Some(error) = codex_load_error(codex, &home) {
                    panic!("Codex refuses {}: {error}", file.display());
                }
                checked += 1;
            }
        }
        assert!(checked >= 15, "only {checked} TOML 1.1 files checked");
    });
}

const TWO_BOMS: &str = "\u{feff}\u{feff}model = \"gpt-5\"\n";

#[test]
fn a_double_byte_order_mark_is_refused_and_left_alone() {
    let home = crate::support::TestHome::new();
    home.write_config(TWO_BOMS);
    let out = home
        .codexgw()
        .args([
            "setup",
            "--mode",
            "centralized",
            "--url",
            "https://coder.example.com",
        ])
        .args(["--yes", "--offline"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("config.toml:1:1"), "{stderr}");
    assert!(stderr.contains("two byte-order marks"), "{stderr}");
    assert_eq!(home.read_config(), TWO_BOMS, "the file was changed");
}

#[test]
#[cfg_attr(not(has_codex), ignore = "needs the real Codex CLIs: run scripts/test")]
fn codex_refuses_a_double_byte_order_mark_and_reads_one() {
    crate::support::real_codex::each_codex(|codex| {
        let home = crate::support::TestHome::new();
        home.write_config(TWO_BOMS);
        let error = codex_load_error(codex, &home).expect("Codex loads a double BOM");
        assert!(error.contains("config.toml:1:"), "{error}");
        home.write_config(&TWO_BOMS[3..]);
        assert_eq!(codex_load_error(codex, &home), None, "one BOM is fine");
    });
}
