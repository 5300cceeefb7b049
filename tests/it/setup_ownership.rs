//! A provider table that codexgw did not write is never taken over silently, and `remove` is
//! the exact undo of `setup`: the earlier table, `model_provider` and comments come back byte for
//! byte, and a table codexgw did not create is never deleted.
#![cfg(unix)]

use crate::cli_setup::{assert_contains, run};
use crate::support::TestHome;

/// Another tool's provider under codexgw's default id, selected by the user, with comments.
const FOREIGN: &str = "# my own LLM proxy, do not touch\nmodel_provider = \"ai_gateway\" # picked by hand\n\n[model_providers.ai_gateway]\nname = \"Proxy\"\nbase_url = 'https://llm.example.net/v1' # the proxy\nenv_key = \"PROXY_KEY\"\n\n[tui]\nnotifications = true\n";

fn setup(home: &TestHome, extra: &[&str]) -> crate::cli_setup::Run {
    let mut args = vec![
        "setup",
        "--mode",
        "centralized",
        "--url",
        "https://coder.example.com",
        "--route",
        "ai-gateway",
        "--yes",
    ];
    args.extend_from_slice(extra);
    run(home, &args, &[])
}

#[test]
fn a_foreign_table_is_refused_with_a_free_id_and_the_file_is_untouched() {
    let home = TestHome::new();
    home.write_config(FOREIGN);
    let out = setup(&home, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_contains(
        &out.stderr,
        "provider `ai_gateway` that is not a Coder gateway block",
    );
    assert_contains(&out.stderr, "https://llm.example.net/v1");
    assert_contains(
        &out.stderr,
        "help: use a free id: `--provider-id coder_ai_gateway`",
    );
    assert_contains(&out.stderr, "`--replace`");
    assert_eq!(home.read_config(), FOREIGN);
    // A dry run shows nothing it could not write.
    let out = setup(&home, &["--dry-run"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn the_proposed_id_sets_up_beside_it_and_remove_gives_every_byte_back() {
    let home = TestHome::new();
    home.write_config(FOREIGN);
    let out = setup(&home, &["--provider-id", "coder_ai_gateway"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let config = home.read_config();
    assert_contains(
        &config,
        "model_provider = \"coder_ai_gateway\" # picked by hand",
    );
    assert_contains(
        &config,
        "[model_providers.ai_gateway]\nname = \"Proxy\"\nbase_url = 'https://llm.example.net/v1' # the proxy\nenv_key = \"PROXY_KEY\"\n",
    );
    let out = run(
        &home,
        &["remove", "--yes", "--provider-id", "coder_ai_gateway"],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(home.read_config(), FOREIGN);
}

#[test]
fn replace_takes_it_over_and_remove_gives_the_earlier_table_back() {
    let home = TestHome::new();
    home.write_config(FOREIGN);
    let out = setup(&home, &["--replace"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&out.stderr, "took over the provider `ai_gateway`");
    let config = home.read_config();
    assert_contains(
        &config,
        "base_url = \"https://coder.example.com/api/v2/ai-gateway/openai/v1\" # the proxy",
    );
    // Now the table is codexgw's: a second setup (another mode) needs no `--replace` and does
    // not make remove forget the table from before the first.
    let out = run(
        &home,
        &[
            "setup",
            "--mode",
            "byok",
            "--url",
            "https://coder.example.com",
            "--route",
            "ai-gateway",
            "--yes",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(&home, &["remove", "--yes"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(home.read_config(), FOREIGN, "remove is not an exact undo");
    let out = run(&home, &["remove", "--yes"], &[]);
    assert_eq!(out.code, 0);
    assert_eq!(
        home.read_config(),
        FOREIGN,
        "a second remove deleted the user's table"
    );
}

#[test]
fn remove_keeps_edits_made_after_setup() {
    let home = TestHome::new();
    home.write_config(FOREIGN);
    assert_eq!(setup(&home, &["--replace"]).code, 0);
    let edited = home.read_config() + "\n[projects.\"/work\"]\ntrust_level = \"trusted\"\n";
    home.write_config(&edited);
    let out = run(&home, &["remove", "--yes"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        home.read_config(),
        format!("{FOREIGN}\n[projects.\"/work\"]\ntrust_level = \"trusted\"\n")
    );
}

#[test]
fn a_new_file_is_removed_back_to_nothing_and_a_fresh_table_is_deleted() {
    let home = TestHome::new();
    let original = "model = \"gpt-5\"\n";
    home.write_config(original);
    assert_eq!(setup(&home, &[]).code, 0);
    assert_eq!(run(&home, &["remove", "--yes"], &[]).code, 0);
    assert_eq!(home.read_config(), original);
}

/// A table codexgw has no record of (the state folder was deleted, or another tool wrote it)
/// that is not a gateway block stays, and so does the line selecting it.
#[test]
fn remove_without_a_record_leaves_a_foreign_table_alone() {
    let home = TestHome::new();
    home.write_config(FOREIGN);
    let out = run(&home, &["remove", "--yes"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_contains(&out.stderr, "was not written by codexgw");
    assert_eq!(home.read_config(), FOREIGN);
}
