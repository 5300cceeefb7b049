//! The OS keyring through the `keyring` crate: the macOS Keychain, the Windows Credential
//! Manager, and on Linux the Secret Service when a session bus answers, else the kernel's
//! keyutils (headless servers, containers and SSH sessions, where Coder workspaces live).
//!
//! Entries live under the service `codexgw` (or `$CODEXGW_KEYRING_SERVICE`, which tests use to
//! stay apart) with the account `<kind>@<store key>` (`coder@coder.example.com`, see
//! `secrets::store_key`), so two deployments keep two tokens.
//!
//! Which kernel keyring: the user keyring (`@u`). Every process of the user reaches it by its
//! special id, with or without a session keyring of its own (a service, a container `exec`, a
//! new SSH login), so a later `token print` finds what `token set` stored; it lives until
//! reboot. The key gets the user (not only the possessor) permission to read it, because a
//! process in another session keyring does not possess it. The `keyring` crate's default
//! (the session keyring plus a link into the persistent keyring) fails where a process has no
//! session keyring of its own: the link is refused (EACCES), as on this project's CI machines,
//! and a session keyring alone dies with the login.

use std::time::Duration;

use ::keyring::{Entry, Error as KeyringError};

use super::{Secret, SecretStore, Stored, TokenKind};
use crate::environment::Environment;

pub const DEFAULT_SERVICE: &str = "codexgw";
/// Overrides the service name, so tests (and a second install) never touch the real entries.
pub const SERVICE_VAR: &str = "CODEXGW_KEYRING_SERVICE";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    MacosKeychain,
    WindowsCredentialManager,
    SecretService,
    Keyutils,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::MacosKeychain => "the macOS Keychain",
            Backend::WindowsCredentialManager => "the Windows Credential Manager",
            Backend::SecretService => "the Secret Service keyring",
            Backend::Keyutils => "the Linux kernel keyring (keyutils)",
        }
    }

    fn entry(self, service: &str, account: &str) -> ::keyring::Result<Entry> {
        match self {
            #[cfg(target_os = "linux")]
            Backend::Keyutils => Ok(Entry::new_with_credential(Box::new(
                ::keyring::keyutils::KeyutilsCredential {
                    session: user_keyring()?,
                    persistent: None,
                    description: keyutils_description(service, account),
                },
            ))),
            #[cfg(target_os = "linux")]
            Backend::SecretService => Ok(Entry::new_with_credential(Box::new(
                ::keyring::secret_service::SsCredential::new_with_target(None, service, account)?,
            ))),
            // The crate's default store is the platform's native one on macOS and Windows.
            _ => Entry::new(service, account),
        }
    }
}

#[cfg(target_os = "linux")]
fn user_keyring() -> ::keyring::Result<linux_keyutils::KeyRing> {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    KeyRing::from_special_id(KeyRingIdentifier::User, false)
        .map_err(::keyring::keyutils::decode_error)
}

/// The key's description, as the `keyring` crate names keyutils entries.
#[cfg(target_os = "linux")]
fn keyutils_description(service: &str, account: &str) -> String {
    format!("keyring-rs:{account}@{service}")
}

/// New keys are readable by their possessor only; let every process of the user read this one.
#[cfg(target_os = "linux")]
fn share_with_user(service: &str, account: &str) -> ::keyring::Result<()> {
    use linux_keyutils::{KeyPermissionsBuilder, Permission};
    let key = user_keyring()?
        .search(&keyutils_description(service, account))
        .map_err(::keyring::keyutils::decode_error)?;
    let perms = KeyPermissionsBuilder::builder()
        .posessor(Permission::ALL)
        .user(Permission::ALL)
        .build();
    key.set_perms(perms)
        .map_err(::keyring::keyutils::decode_error)
}

/// The backends to use on this machine, best first.
fn candidates(env: &Environment) -> Vec<Backend> {
    if cfg!(target_os = "macos") {
        vec![Backend::MacosKeychain]
    } else if cfg!(windows) {
        vec![Backend::WindowsCredentialManager]
    } else if cfg!(target_os = "linux") {
        if session_bus_configured(env) {
            vec![Backend::SecretService, Backend::Keyutils]
        } else {
            vec![Backend::Keyutils]
        }
    } else {
        Vec::new()
    }
}

/// Whether a D-Bus session bus may be listening, by the rules the D-Bus client uses. Without
/// one, the Secret Service is not even tried: no time lost on Codex's request path.
fn session_bus_configured(env: &Environment) -> bool {
    if env.var("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return true;
    }
    env.var("XDG_RUNTIME_DIR")
        .is_some_and(|dir| std::path::Path::new(dir).join("bus").exists())
}

pub struct KeyringStore {
    service: String,
    backends: Vec<Backend>,
    /// Backends that already missed a deadline in this process: asked again, they would only
    /// make the user wait again (`token status` asks up to four times).
    stuck: std::sync::Mutex<Vec<Backend>>,
    deadline: Duration,
}

impl KeyringStore {
    pub fn for_env(env: &Environment) -> KeyringStore {
        KeyringStore::new(
            env.var(SERVICE_VAR).unwrap_or(DEFAULT_SERVICE),
            candidates(env),
        )
    }

    pub fn new(service: &str, backends: Vec<Backend>) -> KeyringStore {
        KeyringStore {
            service: service.to_string(),
            backends,
            stuck: std::sync::Mutex::new(Vec::new()),
            deadline: KEYRING_DEADLINE,
        }
    }

    /// A shorter deadline for each operation, for a caller with a budget of its own
    /// (`doctor --timeout`).
    pub fn with_deadline(mut self, deadline: Duration) -> KeyringStore {
        self.deadline = self.deadline.min(deadline);
        self
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn no_backend() -> anyhow::Error {
        crate::error::failure(
            "this platform has no OS keyring codexgw can use",
            "pass `--insecure-file` to keep the token in a plain-text file, or set the variable in your environment",
        )
    }

    /// Runs one operation on `backend`'s entry for `account` under [`KEYRING_DEADLINE`]. A
    /// backend that misses it is not asked again by this process.
    fn ask<T: Send + 'static>(
        &self,
        backend: Backend,
        account: &str,
        op: impl FnOnce(Entry) -> ::keyring::Result<T> + Send + 'static,
    ) -> Result<T, Option<KeyringError>> {
        let stuck = || self.stuck.lock().unwrap_or_else(|e| e.into_inner());
        if stuck().contains(&backend) {
            return Err(None);
        }
        let (service, account) = (self.service.clone(), account.to_string());
        let answer = within(self.deadline, move || {
            backend.entry(&service, &account).and_then(op)
        });
        if matches!(answer, Err(None)) {
            stuck().push(backend);
        }
        answer
    }
}

/// How long any keyring operation may take. The Secret Service may wait for an unlock prompt
/// without end, and a D-Bus session bus that accepts but never answers hangs every call; `token
/// print` runs on Codex's request path (a 5 s budget), and `setup --store-token` must not hang.
const KEYRING_DEADLINE: Duration = Duration::from_secs(3);

/// The error for a backend that did not answer in time, with the ways around it.
fn no_answer(backend: Backend, kind: TokenKind, deadline: Duration) -> anyhow::Error {
    crate::error::failure(
        format!(
            "{} did not answer within {}s (it may be locked and waiting for an unlock prompt, or its D-Bus session bus is not answering)",
            backend.name(),
            deadline.as_secs_f64()
        ),
        format!(
            "unlock the keyring (your desktop's keyring manager, e.g. Seahorse), or keep the token where nothing can block: `codexgw token set {} --insecure-file`, or set `{}`",
            kind.name(),
            kind.env_vars()[0]
        ),
    )
}

/// Runs `op` on its own thread and gives up after `deadline` (`Err(None)`); the thread is left
/// behind, blocked, and ends with the process.
fn within<T: Send + 'static>(
    deadline: Duration,
    op: impl FnOnce() -> ::keyring::Result<T> + Send + 'static,
) -> Result<T, Option<KeyringError>> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone after a timeout; nobody is left to tell.
        let _ = sender.send(op());
    });
    match receiver.recv_timeout(deadline) {
        Ok(answer) => answer.map_err(Some),
        Err(_) => Err(None),
    }
}

/// The keyring account for a secret: `coder@coder.example.com`. The key is already normalised
/// (`secrets::store_key`); its path keeps its case.
pub fn account(kind: TokenKind, key: &str) -> String {
    format!("{}@{key}", kind.name())
}

impl SecretStore for KeyringStore {
    fn backend(&self) -> String {
        self.backends
            .first()
            .map_or("no OS keyring".to_string(), |b| b.name().to_string())
    }

    /// The first backend that has it wins; errors count only when no backend answered, except
    /// a backend that did not answer in time: it may hold the token behind its lock.
    fn locate(&self, kind: TokenKind, key: &str) -> anyhow::Result<Option<Stored>> {
        let account = account(kind, key);
        let mut failure = None;
        let mut answered = false;
        let mut stuck = false;
        for &backend in &self.backends {
            match self.ask(backend, &account, |entry| entry.get_password()) {
                Ok(value) => {
                    return Ok(Some(Stored {
                        secret: Secret::new(value),
                        backend: backend.name().to_string(),
                    }));
                }
                Err(Some(KeyringError::NoEntry)) => answered = true,
                Err(Some(err)) => {
                    failure.get_or_insert_with(|| {
                        anyhow::Error::new(err).context(format!(
                            "cannot read the {} in {}",
                            kind.describe(),
                            backend.name()
                        ))
                    });
                }
                Err(None) => {
                    stuck = true;
                    failure.get_or_insert_with(|| no_answer(backend, kind, self.deadline));
                }
            }
        }
        match failure {
            Some(err) if stuck || !answered => Err(err),
            None if self.backends.is_empty() => Err(KeyringStore::no_backend()),
            _ => Ok(None),
        }
    }

    fn set(&self, kind: TokenKind, key: &str, secret: &Secret) -> anyhow::Result<String> {
        let account = account(kind, key);
        let mut failure = None;
        for &backend in &self.backends {
            let value = secret.expose().to_string();
            let stored = self.ask(backend, &account, move |entry| entry.set_password(&value));
            // A kernel keyring call: it cannot block.
            #[cfg(target_os = "linux")]
            let stored = stored.and_then(|()| match backend {
                Backend::Keyutils => share_with_user(&self.service, &account).map_err(Some),
                _ => Ok(()),
            });
            match stored {
                Ok(()) => return Ok(backend.name().to_string()),
                Err(err) => {
                    failure.get_or_insert((backend, err));
                }
            }
        }
        let Some((backend, err)) = failure else {
            return Err(KeyringStore::no_backend());
        };
        let Some(err) = err else {
            return Err(no_answer(backend, kind, self.deadline));
        };
        Err(crate::error::failure(
            format!(
                "cannot store the {} in {}: {err}",
                kind.describe(),
                backend.name()
            ),
            format!(
                "pass `--insecure-file` to keep it in a plain-text file only you can read, or set `{}` in the environment of the programs that need it",
                kind.env_vars()[0]
            ),
        ))
    }

    fn delete(&self, kind: TokenKind, key: &str) -> anyhow::Result<bool> {
        let account = account(kind, key);
        let mut deleted = false;
        let mut failure = None;
        let mut answered = false;
        for &backend in &self.backends {
            match self.ask(backend, &account, |entry| entry.delete_credential()) {
                Ok(()) => deleted = true,
                Err(Some(KeyringError::NoEntry)) => answered = true,
                Err(Some(err)) => {
                    failure.get_or_insert_with(|| {
                        anyhow::Error::new(err).context(format!(
                            "cannot delete the {} from {}",
                            kind.describe(),
                            backend.name()
                        ))
                    });
                }
                Err(None) => {
                    failure.get_or_insert_with(|| no_answer(backend, kind, self.deadline));
                }
            }
        }
        match failure {
            Some(err) if !deleted && !answered => Err(err),
            _ => Ok(deleted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_hangs_gives_up_at_the_deadline() {
        let answer = within(Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(30));
            Ok("late")
        });
        assert!(matches!(answer, Err(None)));
        assert!(matches!(
            within(Duration::from_secs(5), || Ok("prompt")),
            Ok("prompt")
        ));
        assert!(matches!(
            within(Duration::from_secs(5), || Err::<(), _>(
                KeyringError::NoEntry
            )),
            Err(Some(KeyringError::NoEntry))
        ));
    }
}
