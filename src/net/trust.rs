//! Which certificate authorities codexgw trusts: the same ones Codex does
//! (codex-rs/http-client/src/custom_ca.rs and the TLS backends it picks), so a private CA that
//! works for Codex works for doctor, and one that does not, does not.
//! - `CODEX_CA_CERTIFICATE` (else `SSL_CERT_FILE`; empty means unset) names a PEM bundle. Codex
//!   then uses rustls: the native roots (rustls-native-certs, where `SSL_CERT_FILE` /
//!   `SSL_CERT_DIR` *replace* the platform store) plus every certificate block of the bundle,
//!   `TRUSTED CERTIFICATE` blocks included. An unreadable or empty bundle is an error that names
//!   the variable.
//! - Otherwise Codex uses the platform's TLS library. On Linux and the BSDs that is OpenSSL,
//!   which reads the platform store and, when `SSL_CERT_DIR` is set, looks CAs up there by
//!   hash-named file (`<8 hex digits>.<n>`): that directory adds. macOS and Windows ignore it.

use std::path::{Path, PathBuf};

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::{PemObject, SectionKind};

use crate::environment::Environment;

pub const CODEX_CA_CERTIFICATE: &str = "CODEX_CA_CERTIFICATE";
pub const SSL_CERT_FILE: &str = "SSL_CERT_FILE";
pub const SSL_CERT_DIR: &str = "SSL_CERT_DIR";

/// Whether Codex's default TLS library (OpenSSL here) reads `SSL_CERT_DIR`.
const OPENSSL_DEFAULT: bool = cfg!(all(unix, not(target_os = "macos")));

/// Where the roots come from, decided from the environment alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustPlan {
    /// The PEM bundle added on top of the base, and the variable that named it.
    pub bundle: Option<(&'static str, PathBuf)>,
    pub base: Base,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// The platform's store.
    System,
    /// rustls-native-certs with `SSL_CERT_FILE` / `SSL_CERT_DIR` set: exactly these files,
    /// instead of the platform's store.
    Replaced {
        file: Option<PathBuf>,
        dirs: Vec<PathBuf>,
    },
    /// OpenSSL with `SSL_CERT_DIR` set: the platform's store plus the hash-named files there.
    SystemAndHashedDirs(Vec<PathBuf>),
}

/// A CA bundle Codex would refuse, so codexgw refuses it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustError {
    pub var: &'static str,
    pub path: PathBuf,
    pub detail: String,
}

impl std::fmt::Display for TrustError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the CA bundle `{}` named by ${} is unusable: {}",
            self.path.display(),
            self.var,
            self.detail
        )
    }
}

impl TrustPlan {
    pub fn from_env(env: &Environment) -> TrustPlan {
        let bundle = [CODEX_CA_CERTIFICATE, SSL_CERT_FILE]
            .into_iter()
            .find_map(|var| env.var(var).map(|path| (var, PathBuf::from(path))));
        let dirs: Vec<PathBuf> = env
            .var(SSL_CERT_DIR)
            .map(|value| {
                std::env::split_paths(value)
                    .filter(|p| !p.as_os_str().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let base = if bundle.is_some() {
            // rustls-native-certs counts a variable that is set at all, even to "".
            let file = env
                .is_set(SSL_CERT_FILE)
                .then(|| PathBuf::from(env.var(SSL_CERT_FILE).unwrap_or_default()));
            if file.is_none() && dirs.is_empty() {
                Base::System
            } else {
                Base::Replaced { file, dirs }
            }
        } else if dirs.is_empty() || !OPENSSL_DEFAULT {
            Base::System
        } else {
            Base::SystemAndHashedDirs(dirs)
        };
        TrustPlan { bundle, base }
    }

    /// Whether the bundle, if any, is one Codex accepts.
    pub fn check_bundle(&self) -> Result<(), TrustError> {
        match &self.bundle {
            Some((var, path)) => read_bundle(var, path).map(drop),
            None => Ok(()),
        }
    }

    /// Every root certificate the plan trusts (DER), or why the bundle is unusable.
    pub fn load(&self) -> Result<Vec<CertificateDer<'static>>, TrustError> {
        let mut roots = match &self.base {
            Base::System => system_roots(),
            Base::Replaced { file, dirs } => {
                let mut roots = Vec::new();
                if let Some(file) = file {
                    roots
                        .extend(rustls_native_certs::load_certs_from_paths(Some(file), None).certs);
                }
                for dir in dirs {
                    roots.extend(rustls_native_certs::load_certs_from_paths(None, Some(dir)).certs);
                }
                roots
            }
            Base::SystemAndHashedDirs(dirs) => {
                let mut roots = system_roots();
                for dir in dirs {
                    roots.extend(hashed_files(dir));
                }
                roots
            }
        };
        if let Some((var, path)) = &self.bundle {
            roots.extend(read_bundle(var, path)?);
        }
        Ok(roots)
    }
}

/// The platform's roots, without looking at `SSL_CERT_*` (the plan already did).
fn system_roots() -> Vec<CertificateDer<'static>> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        openssl_probe::candidate_cert_dirs()
            .flat_map(|dir| rustls_native_certs::load_certs_from_paths(None, Some(dir)).certs)
            .collect()
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        rustls_native_certs::load_native_certs().certs
    }
}

/// The certificates OpenSSL can find in a `c_rehash` directory: files named `<hash>.<n>`.
fn hashed_files(dir: &Path) -> Vec<CertificateDer<'static>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| is_hash_name(&entry.file_name().to_string_lossy()))
        .flat_map(|entry| {
            CertificateDer::pem_file_iter(entry.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .collect()
}

fn is_hash_name(name: &str) -> bool {
    name.split_once('.').is_some_and(|(hash, n)| {
        hash.len() == 8
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Every certificate block in a PEM bundle, as Codex reads it: `TRUSTED CERTIFICATE` blocks
/// count (their trailing OpenSSL trust data is cut off), CRLs and keys are skipped, and a file
/// without any certificate is an error.
pub fn read_bundle(
    var: &'static str,
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let error = |detail: String| TrustError {
        var,
        path: path.to_path_buf(),
        detail,
    };
    // The one reader: a FIFO or a device named by the variable must not hang the request path.
    let bytes = crate::files::read_optional_bytes(path)
        .map_err(|e| error(format!("cannot read it ({e:#})")))?
        .ok_or_else(|| error("cannot read it (no such file)".to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    let trusted = text.contains("TRUSTED CERTIFICATE");
    let text = text
        .replace("BEGIN TRUSTED CERTIFICATE", "BEGIN CERTIFICATE")
        .replace("END TRUSTED CERTIFICATE", "END CERTIFICATE");
    let mut certificates = Vec::new();
    for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(text.as_bytes()) {
        let (kind, der) = section.map_err(|e| error(format!("not valid PEM ({e})")))?;
        if kind != SectionKind::Certificate {
            continue;
        }
        let der = if trusted {
            first_der_item(&der)
                .ok_or_else(|| error("a TRUSTED CERTIFICATE block is not valid DER".into()))?
                .to_vec()
        } else {
            der
        };
        certificates.push(CertificateDer::from(der));
    }
    if certificates.is_empty() {
        return Err(error("it holds no `BEGIN CERTIFICATE` block".into()));
    }
    Ok(certificates)
}

/// The first DER object in `der`: a `TRUSTED CERTIFICATE` is the certificate followed by
/// OpenSSL's `X509_AUX` trust settings.
fn first_der_item(der: &[u8]) -> Option<&[u8]> {
    let first = *der.get(1)?;
    let (header, length) = if first < 0x80 {
        (2, usize::from(first))
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let bytes = der.get(2..2 + count)?;
        let length = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (2 + count, length)
    };
    der.get(..header.checked_add(length)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(vars: &[(&str, &str)]) -> TrustPlan {
        TrustPlan::from_env(&Environment::new(
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        ))
    }

    #[test]
    fn codex_ca_certificate_wins_and_adds_to_the_system_store() {
        let p = plan(&[
            ("CODEX_CA_CERTIFICATE", "/a.pem"),
            ("SSL_CERT_FILE", "/b.pem"),
        ]);
        assert_eq!(
            p.bundle,
            Some((CODEX_CA_CERTIFICATE, PathBuf::from("/a.pem")))
        );
        // SSL_CERT_FILE still replaces the native roots underneath, as in rustls-native-certs.
        assert_eq!(
            p.base,
            Base::Replaced {
                file: Some("/b.pem".into()),
                dirs: vec![]
            }
        );
        let p = plan(&[("CODEX_CA_CERTIFICATE", "/a.pem")]);
        assert_eq!(p.base, Base::System);
    }

    #[test]
    fn ssl_cert_file_replaces_the_system_store() {
        let p = plan(&[("SSL_CERT_FILE", "/b.pem")]);
        assert_eq!(p.bundle, Some((SSL_CERT_FILE, PathBuf::from("/b.pem"))));
        assert_eq!(
            p.base,
            Base::Replaced {
                file: Some("/b.pem".into()),
                dirs: vec![]
            }
        );
    }

    #[test]
    fn empty_values_are_unset() {
        let p = plan(&[("CODEX_CA_CERTIFICATE", ""), ("SSL_CERT_FILE", "")]);
        assert_eq!(p.bundle, None);
        assert_eq!(p.base, Base::System);
    }

    #[test]
    #[cfg(all(unix, not(target_os = "macos")))]
    fn ssl_cert_dir_alone_adds() {
        let p = plan(&[("SSL_CERT_DIR", "/d1:/d2")]);
        assert_eq!(p.bundle, None);
        assert_eq!(
            p.base,
            Base::SystemAndHashedDirs(vec!["/d1".into(), "/d2".into()])
        );
    }

    #[test]
    fn hash_names_are_what_openssl_looks_up() {
        assert!(is_hash_name("5ad8a5d6.0"));
        assert!(is_hash_name("ABCDEF01.12"));
        assert!(!is_hash_name("ca.pem"));
        assert!(!is_hash_name("5ad8a5d6.pem"));
        assert!(!is_hash_name("5ad8a5d.0"));
    }

    #[test]
    fn bundle_errors_name_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let error = read_bundle(CODEX_CA_CERTIFICATE, &missing).unwrap_err();
        assert!(
            error.to_string().contains("$CODEX_CA_CERTIFICATE"),
            "{error}"
        );
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "# nothing here\n").unwrap();
        let error = read_bundle(SSL_CERT_FILE, &empty).unwrap_err();
        assert!(error.to_string().contains("$SSL_CERT_FILE"), "{error}");
        assert!(
            error.to_string().contains("no `BEGIN CERTIFICATE`"),
            "{error}"
        );
    }

    #[test]
    fn trusted_certificate_blocks_lose_their_trust_data() {
        // A DER SEQUENCE of 3 bytes followed by OpenSSL's X509_AUX data.
        let cert = [0x30, 0x03, 1, 2, 3];
        let mut with_aux = cert.to_vec();
        with_aux.extend([0x30, 0x02, 9, 9]);
        let pem = |label: &str, der: &[u8]| {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD.encode(der);
            format!("-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n")
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle.pem");
        std::fs::write(
            &path,
            format!(
                "comment\n{}{}",
                pem("TRUSTED CERTIFICATE", &with_aux),
                pem("X509 CRL", &[0x30, 0x00])
            ),
        )
        .unwrap();
        let certs = read_bundle(CODEX_CA_CERTIFICATE, &path).unwrap();
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0].as_ref(), cert);
    }
}
