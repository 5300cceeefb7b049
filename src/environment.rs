//! A snapshot of the process environment, taken once in `main` and passed in everywhere else,
//! so the library never reads `std::env` and tests can hand it any world they like.

use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
    pub home_dir: Option<PathBuf>,
    /// The platform's per-user config folder (`~/.config`, `~/Library/Application Support`, …).
    pub config_dir: Option<PathBuf>,
}

impl Environment {
    pub fn from_process() -> Environment {
        Environment {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            home_dir: dirs::home_dir(),
            config_dir: dirs::config_dir(),
        }
    }

    pub fn new(vars: impl IntoIterator<Item = (String, String)>) -> Environment {
        Environment {
            vars: vars.into_iter().collect(),
            ..Environment::default()
        }
    }

    /// A variable's value when it is set and not empty.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Every variable, for a child process that must see what the user's shell would give it.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether a variable is set at all (even to the empty string).
    pub fn is_set(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }
}
