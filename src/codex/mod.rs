//! Codex's side: where its home is, the modes and provider spec, the config document editor,
//! reading a config the way Codex reads it, and the environment Codex is launched with.

pub mod document;
pub mod home;
pub mod inspect;
pub mod installed;
pub mod launch;
pub mod live;
pub mod login;
pub mod mode;

/// Splits off a UTF-8 byte-order mark: Codex reads a config that starts with one, so every
/// reader here does too, and the editor writes it back. Returns whether there was one.
pub fn strip_bom(text: &str) -> (bool, &str) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}
