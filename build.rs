//! Tells the integration tests which outside programs they can drive, as cfgs (`has_codex`,
//! `has_zsh`, …), so a test whose program is missing is reported by `cargo test` as
//! `ignored, <reason>` instead of passing without doing anything. Under `CI=true` every cfg is
//! set: there a missing program makes its tests fail.
//!
//! Runs again only when `PATH`, `CI` or `CODEXGW_CODEX_BIN` change or when `.tools` (where
//! `scripts/test` installs Codex) changes, so an ordinary build never pays for it.

use std::path::{Path, PathBuf};

const TOOLS: [&str; 6] = [
    "has_codex",
    "has_bash_completion",
    "has_zsh",
    "has_fish",
    "has_keyutils",
    "has_terraform",
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=tests/codex-versions");
    for var in ["PATH", "CI", "CODEXGW_CODEX_BIN"] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    for cfg in TOOLS {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    // A path that does not exist would make cargo run this script (and rebuild the crate) on
    // every build: `scripts/test` touches this file when it creates `.tools`.
    let tools = manifest.join(".tools");
    if tools.exists() {
        println!("cargo::rerun-if-changed=.tools");
    }
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let on_path = |name: &str| {
        std::env::split_paths(&path)
            .any(|dir| dir.join(name).is_file() || dir.join(format!("{name}.exe")).is_file())
    };
    let found = |cfg: &str| match cfg {
        "has_codex" => has_codex(&manifest),
        "has_bash_completion" => {
            on_path("bash") && Path::new("/usr/share/bash-completion/bash_completion").is_file()
        }
        "has_zsh" => on_path("zsh"),
        "has_fish" => on_path("fish"),
        "has_keyutils" => keyutils_answers(),
        "has_terraform" => on_path("terraform"),
        _ => unreachable!("every cfg is in TOOLS"),
    };
    for cfg in TOOLS {
        if ci || found(cfg) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}

/// `$CODEXGW_CODEX_BIN`, else every pinned version under `.tools` (the layout of
/// `tests/it/support/real_codex.rs`).
fn has_codex(manifest: &Path) -> bool {
    if let Some(bin) = std::env::var_os("CODEXGW_CODEX_BIN") {
        return Path::new(&bin).is_file();
    }
    let versions = std::fs::read_to_string(manifest.join("tests/codex-versions")).unwrap();
    versions.lines().filter(|v| !v.is_empty()).all(|version| {
        let bin = manifest.join(format!(".tools/codex-{version}/node_modules/.bin"));
        bin.join("codex").exists() || bin.join("codex.cmd").exists()
    })
}

/// Whether this process may use the kernel keyring (container sandboxes often refuse it):
/// asks `keyctl`, from the keyutils package.
fn keyutils_answers() -> bool {
    std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::process::Command::new("keyctl")
            .args(["show", "@u"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}
