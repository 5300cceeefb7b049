//! Codex's side: where its home is, the modes and provider spec, the config document editor,
//! reading a config the way Codex reads it, and the environment Codex is launched with.

pub mod document;
pub mod home;
pub mod inspect;
pub mod launch;
pub mod live;
pub mod mode;
