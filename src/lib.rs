//! codexgw: configure OpenAI's Codex CLI for a Coder deployment's AI Gateway, and prove it works.
//!
//! The library core never exits and never reads the process environment: `main.rs` takes an
//! [`environment::Environment`] snapshot once, and `commands/` (the thin layer that prints)
//! passes it in.

pub mod cli;
pub mod coder;
pub mod codex;
pub mod commands;
pub mod doctor;
pub mod environment;
pub mod error;
pub mod files;
pub mod net;
pub mod programs;
pub mod secrets;
pub mod setup;
pub mod template;
pub mod toml_parse;
pub mod ui;
