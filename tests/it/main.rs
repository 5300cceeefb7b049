//! One integration-test binary: a module per capability, all driving the built `codexgw`.

mod support;

mod cli_setup;
mod completions;
mod doctor;
mod e2e_codex;
mod fixtures_setup;
mod help;
mod migrate;
mod network;
mod output;
mod proptest_engine;
mod readme;
mod real_codex_setup;
mod template;
mod tokens;
mod wizard_pty;
