//! The local checks, one module per area; each declares its checks as [`super::Entry`]s.

pub mod codex;
pub mod config;
pub mod daemon;
pub mod env;
pub mod login;
