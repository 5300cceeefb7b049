//! The plain-text fallback that `--insecure-file` asks for, as `gh` offers one: a 0600
//! `credentials.toml` in codexgw's config folder. Written only on request; read whenever it
//! exists, so a token the user chose to keep there still reaches Codex.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, value};

use super::{Secret, SecretStore, Stored, TokenKind};
use crate::environment::Environment;
use crate::error;
use crate::files;

pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    /// `$XDG_CONFIG_HOME/codexgw/credentials.toml`, else `~/.config/codexgw/credentials.toml`.
    pub fn for_env(env: &Environment) -> Option<FileStore> {
        let config = env
            .var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| env.home_dir.as_ref().map(|home| home.join(".config")))?;
        Some(FileStore::at(
            config.join("codexgw").join("credentials.toml"),
        ))
    }

    pub fn at(path: impl Into<PathBuf>) -> FileStore {
        FileStore { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> anyhow::Result<(Option<String>, DocumentMut)> {
        let text = files::read_optional(&self.path)?;
        let doc = match &text {
            Some(text) => crate::toml_parse::parse(text, text.as_str())
                .map(|d| d.into_mut())
                .map_err(|e| {
                    error::failure(
                        format!("`{}` is not valid TOML: {}", self.path.display(), e.message),
                        "fix or delete the file, then store the token again",
                    )
                })?,
            None => DocumentMut::new(),
        };
        Ok((text, doc))
    }
}

impl SecretStore for FileStore {
    fn backend(&self) -> String {
        format!("the plain-text file `{}`", self.path.display())
    }

    fn locate(&self, kind: TokenKind, key: &str) -> anyhow::Result<Option<Stored>> {
        let (_, doc) = self.read()?;
        let value = doc
            .get(key)
            .and_then(|t| t.get(kind.name()))
            .and_then(Item::as_str)
            .filter(|v| !v.is_empty());
        Ok(value.map(|v| Stored {
            secret: Secret::new(v),
            backend: self.backend(),
        }))
    }

    fn set(&self, kind: TokenKind, key: &str, secret: &Secret) -> anyhow::Result<String> {
        let (before, mut doc) = self.read()?;
        if before.is_none() {
            doc.decor_mut().set_prefix(
                "# codexgw credentials, stored here because `--insecure-file` was given.\n# Plain text: anyone who can read this file can use these tokens.\n",
            );
        }
        if !doc.contains_table(key) {
            doc.insert(key, Item::Table(Table::new()));
        }
        doc[key][kind.name()] = value(secret.expose());
        if before.is_some() {
            restrict_to_owner(&self.path)?;
        }
        // A new file is created 0600 by `write_atomic`; an old one now has that mode to keep.
        files::write_atomic(&self.path, &doc.to_string(), before.as_deref())?;
        Ok(self.backend())
    }

    fn delete(&self, kind: TokenKind, key: &str) -> anyhow::Result<bool> {
        let (Some(before), mut doc) = self.read()? else {
            return Ok(false);
        };
        let Some(table) = doc.get_mut(key).and_then(Item::as_table_like_mut) else {
            return Ok(false);
        };
        if table.remove(kind.name()).is_none() {
            return Ok(false);
        }
        if table.is_empty() {
            doc.remove(key);
        }
        files::write_atomic(&self.path, &doc.to_string(), Some(&before))?;
        Ok(true)
    }
}

/// `write_atomic` keeps an existing file's mode; a credentials file must never be readable by
/// others, whatever it was before, so the mode is fixed before the token is written.
fn restrict_to_owner(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|e| {
            error::failure(
                format!("cannot make `{}` private: {e}", path.display()),
                format!("run `chmod 600 {}`", path.display()),
            )
        })?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_hosts_and_kinds_apart_and_tightens_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("codexgw/credentials.toml");
        let store = FileStore::at(&path);
        assert_eq!(
            store.locate(TokenKind::Coder, "a.example.com").unwrap(),
            None
        );
        store
            .set(TokenKind::Coder, "a.example.com", &Secret::new("one"))
            .unwrap();
        store
            .set(TokenKind::Openai, "a.example.com", &Secret::new("two"))
            .unwrap();
        let get = |kind, host| {
            store
                .get(kind, host)
                .unwrap()
                .map(|s| s.expose().to_string())
        };
        assert_eq!(
            get(TokenKind::Coder, "a.example.com").as_deref(),
            Some("one")
        );
        assert_eq!(
            get(TokenKind::Openai, "a.example.com").as_deref(),
            Some("two")
        );
        assert_eq!(get(TokenKind::Coder, "b.example.com"), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            store
                .set(TokenKind::Coder, "a.example.com", &Secret::new("three"))
                .unwrap();
            assert_eq!(mode(&path), 0o600);
        }
        assert!(store.delete(TokenKind::Coder, "a.example.com").unwrap());
        assert!(!store.delete(TokenKind::Coder, "a.example.com").unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# codexgw credentials"), "{text}");
        assert!(!text.contains("three"), "{text}");
        assert!(text.contains("openai = \"two\""), "{text}");
    }

    #[test]
    fn a_broken_file_is_an_error_not_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials.toml");
        std::fs::write(&path, "[broken").unwrap();
        let store = FileStore::at(&path);
        assert!(store.locate(TokenKind::Coder, "a.example.com").is_err());
        assert!(
            store
                .set(TokenKind::Coder, "a.example.com", &Secret::new("x"))
                .is_err()
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[broken");
    }
}
