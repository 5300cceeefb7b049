//! Secrets: a type that will not print itself, and the store they live in (the OS keyring in
//! real use, memory in unit tests).

use std::fmt;

/// A token or key. `Debug` and `Display` redact it; only [`Secret::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// At most a 4-character prefix and the length: enough to tell two tokens apart.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

/// The redaction rule for any secret text: `abcd… (33 chars)`.
pub fn redact(value: &str) -> String {
    let count = value.chars().count();
    let shown: String = if count >= 12 {
        value.chars().take(4).collect()
    } else {
        String::new()
    };
    format!("{shown}… ({count} chars)")
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Which secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TokenKind {
    /// The Coder API token
    Coder,
    /// Your personal OpenAI API key (byok mode)
    Openai,
}

impl TokenKind {
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Coder => "coder",
            TokenKind::Openai => "openai",
        }
    }
}

/// Where secrets are kept, keyed by kind and deployment host.
pub trait SecretStore {
    /// A name for messages, e.g. `Linux kernel keyutils`.
    fn backend(&self) -> String;
    fn get(&self, kind: TokenKind, host: &str) -> anyhow::Result<Option<Secret>>;
    fn set(&self, kind: TokenKind, host: &str, secret: &Secret) -> anyhow::Result<()>;
    /// Whether something was deleted.
    fn delete(&self, kind: TokenKind, host: &str) -> anyhow::Result<bool>;
}

/// For unit tests.
#[derive(Default)]
pub struct MemoryStore {
    entries: std::sync::Mutex<std::collections::BTreeMap<(String, String), Secret>>,
}

impl SecretStore for MemoryStore {
    fn backend(&self) -> String {
        "memory".into()
    }

    fn get(&self, kind: TokenKind, host: &str) -> anyhow::Result<Option<Secret>> {
        let entries = self.entries.lock().expect("not poisoned");
        Ok(entries.get(&(kind.name().into(), host.into())).cloned())
    }

    fn set(&self, kind: TokenKind, host: &str, secret: &Secret) -> anyhow::Result<()> {
        let mut entries = self.entries.lock().expect("not poisoned");
        entries.insert((kind.name().into(), host.into()), secret.clone());
        Ok(())
    }

    fn delete(&self, kind: TokenKind, host: &str) -> anyhow::Result<bool> {
        let mut entries = self.entries.lock().expect("not poisoned");
        Ok(entries.remove(&(kind.name().into(), host.into())).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print_their_value() {
        let token = Secret::new("abcdefghij-0123456789abcdefghijkl");
        assert_eq!(token.to_string(), "abcd… (33 chars)");
        assert_eq!(format!("{token:?}"), "Secret(abcd… (33 chars))");
        assert_eq!(redact("short"), "… (5 chars)");
    }

    #[test]
    fn memory_store_keys_by_kind_and_host() {
        let store = MemoryStore::default();
        store
            .set(TokenKind::Coder, "a.example.com", &Secret::new("one"))
            .unwrap();
        assert_eq!(store.get(TokenKind::Coder, "b.example.com").unwrap(), None);
        assert_eq!(store.get(TokenKind::Openai, "a.example.com").unwrap(), None);
        assert!(store.delete(TokenKind::Coder, "a.example.com").unwrap());
        assert_eq!(store.get(TokenKind::Coder, "a.example.com").unwrap(), None);
    }
}
