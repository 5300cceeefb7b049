//! Where Codex keeps its files, found exactly as Codex finds them.

use std::path::{Path, PathBuf};

use crate::error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodexHome {
    dir: PathBuf,
    /// Why this folder: shown in messages so a surprising choice explains itself.
    pub source: HomeSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeSource {
    Flag,
    EnvVar,
    Default,
}

impl CodexHome {
    /// `--codex-home` > `$CODEX_HOME` (set and non-empty) > `~/.codex`.
    pub fn resolve(
        flag: Option<&Path>,
        codex_home_var: Option<&str>,
        home_dir: Option<&Path>,
    ) -> anyhow::Result<CodexHome> {
        if let Some(dir) = flag {
            return Ok(CodexHome {
                dir: dir.to_path_buf(),
                source: HomeSource::Flag,
            });
        }
        if let Some(dir) = codex_home_var.filter(|v| !v.is_empty()) {
            return Ok(CodexHome {
                dir: PathBuf::from(dir),
                source: HomeSource::EnvVar,
            });
        }
        let home = home_dir.ok_or_else(|| {
            error::failure(
                "cannot find your home folder to locate `~/.codex`",
                "set `CODEX_HOME` or pass `--codex-home DIR`",
            )
        })?;
        Ok(CodexHome {
            dir: home.join(".codex"),
            source: HomeSource::Default,
        })
    }

    pub fn at(dir: impl Into<PathBuf>) -> CodexHome {
        CodexHome {
            dir: dir.into(),
            source: HomeSource::Flag,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.join("config.toml")
    }

    /// Codex's profile file: `codex --profile NAME` layers it over `config.toml`.
    pub fn profile_path(&self, profile: &str) -> PathBuf {
        self.dir.join(format!("{profile}.config.toml"))
    }

    pub fn auth_path(&self) -> PathBuf {
        self.dir.join("auth.json")
    }

    pub fn backups_dir(&self) -> PathBuf {
        self.dir.join("backups").join("codexgw")
    }
}

/// Codex accepts profile names of letters, digits, `_` and `-`.
pub fn validate_profile_name(name: &str) -> anyhow::Result<()> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if valid {
        Ok(())
    } else {
        Err(error::usage(
            format!("`{name}` is not a profile name Codex accepts"),
            "use letters, digits, `_` and `-` only, e.g. `--profile gateway`",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_beats_default() {
        let home = Path::new("/home/u");
        let flag = CodexHome::resolve(Some(Path::new("/f")), Some("/e"), Some(home)).unwrap();
        assert_eq!(flag.dir(), Path::new("/f"));
        let env = CodexHome::resolve(None, Some("/e"), Some(home)).unwrap();
        assert_eq!(env.config_path(), Path::new("/e/config.toml"));
        let empty_env = CodexHome::resolve(None, Some(""), Some(home)).unwrap();
        assert_eq!(empty_env.dir(), Path::new("/home/u/.codex"));
        assert_eq!(empty_env.source, HomeSource::Default);
        assert!(CodexHome::resolve(None, None, None).is_err());
    }

    #[test]
    fn profile_names() {
        assert!(validate_profile_name("gate-way_2").is_ok());
        assert!(validate_profile_name("a.b").is_err());
        assert!(validate_profile_name("").is_err());
        assert_eq!(
            CodexHome::at("/c").profile_path("gw"),
            Path::new("/c/gw.config.toml")
        );
    }
}
