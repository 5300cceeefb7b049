//! One integration-test binary: a module per capability, all driving the built `codexgw`.

mod support;

mod agrees_with_codex;
mod cli_setup;
mod coder_api;
mod codex_probe;
mod codex_rules;
mod completions;
mod diff_masking;
mod doctor;
mod doctor_live;
mod e2e_codex;
mod fixtures_setup;
mod gateway_url;
mod help;
mod migrate;
mod network;
mod output;
mod proptest_engine;
mod readme;
mod real_codex_setup;
mod reliability;
mod setup_asks_codex;
mod setup_checks_url;
mod setup_ownership;
mod setup_websockets;
mod template;
mod token_check;
mod tokens;
mod wizard_pty;
