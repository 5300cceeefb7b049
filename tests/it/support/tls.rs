//! A private certificate authority made in the test (rcgen), and a TLS front on 127.0.0.1 that
//! terminates TLS with a certificate from it and hands each request to a plain [`FakeCoder`],
//! so every Coder answer the fake knows is also served over HTTPS.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};

/// The CA's common name; its OpenSSL subject hash names the file in an `SSL_CERT_DIR`.
pub const CA_NAME: &str = "codexgw-test-ca";

pub struct PrivateCa {
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

/// A server certificate and key in PEM.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
}

impl PrivateCa {
    pub fn new() -> PrivateCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, CA_NAME);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        PrivateCa {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A certificate for these DNS names and IP addresses; `expired` puts it in the past.
    pub fn leaf(&self, names: &[&str], expired: bool) -> Leaf {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0]);
        params.subject_alt_names = names
            .iter()
            .map(|name| match name.parse() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName((*name).try_into().unwrap()),
            })
            .collect();
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    /// Writes the CA into `dir` under the name OpenSSL looks it up by (`c_rehash`).
    pub fn write_hashed(&self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(format!("{}.0", subject_hash(CA_NAME))), &self.pem).unwrap();
    }
}

/// OpenSSL's `X509_NAME_hash` for a subject with only a common name: SHA-1 over the canonical
/// DER of its RDNs (lower-case UTF8String), first four bytes little-endian.
pub fn subject_hash(common_name: &str) -> String {
    use sha1::Digest;
    let value = common_name.to_ascii_lowercase();
    let mut attribute = vec![0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, value.len() as u8];
    attribute.extend(value.as_bytes());
    let mut sequence = vec![0x30, attribute.len() as u8];
    sequence.extend(attribute);
    let mut set = vec![0x31, sequence.len() as u8];
    set.extend(sequence);
    let digest = sha1::Sha1::digest(&set);
    format!(
        "{:08x}",
        u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]])
    )
}

/// HTTPS on 127.0.0.1 in front of a plain-HTTP backend on 127.0.0.1.
pub struct TlsFront {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl TlsFront {
    pub fn start(leaf: &Leaf, backend_port: u16) -> TlsFront {
        let certs: Vec<_> =
            rustls_pki_types::CertificateDer::pem_slice_iter(leaf.cert_pem.as_bytes())
                .collect::<Result<_, _>>()
                .unwrap();
        let key = rustls_pki_types::PrivateKeyDer::from_pem_slice(leaf.key_pem.as_bytes()).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        {
            let stop = stop.clone();
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let config = config.clone();
                    thread::spawn(move || serve(stream, config, backend_port));
                }
            });
        }
        TlsFront { port, stop }
    }
}

use rustls_pki_types::pem::PemObject;

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees `stop`.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(stream: TcpStream, config: Arc<rustls::ServerConfig>, backend_port: u16) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(connection) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(connection, stream);
    // One request per connection: clients open another for the next.
    let Some(request) = read_request(&mut tls) else {
        return;
    };
    let Ok(mut backend) = TcpStream::connect(("127.0.0.1", backend_port)) else {
        return;
    };
    let _ = backend.set_read_timeout(Some(Duration::from_secs(10)));
    if backend.write_all(&with_connection_close(&request)).is_err() {
        return;
    }
    let mut response = Vec::new();
    let _ = backend.read_to_end(&mut response);
    let _ = tls.write_all(&response);
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

/// Reads one HTTP/1.1 request (head and a `Content-Length` or chunked body).
pub fn read_request(stream: &mut impl Read) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = find(&data, b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut buffer).ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    loop {
        let body = &data[head_end..];
        let done = match (length, chunked) {
            (Some(n), _) => body.len() >= n,
            (None, true) => find(body, b"0\r\n\r\n").is_some(),
            (None, false) => true,
        };
        if done {
            return Some(data);
        }
        let read = stream.read(&mut buffer).ok()?;
        if read == 0 {
            return Some(data);
        }
        data.extend_from_slice(&buffer[..read]);
    }
}

/// The request with `Connection: close`, so the backend ends the response with EOF.
pub fn with_connection_close(request: &[u8]) -> Vec<u8> {
    let head_end = find(request, b"\r\n\r\n").map_or(request.len(), |e| e + 2);
    let head = String::from_utf8_lossy(&request[..head_end]);
    let mut out: String = head
        .split_inclusive("\r\n")
        .filter(|line| {
            let lower = line.to_ascii_lowercase();
            !lower.starts_with("connection:") && !lower.starts_with("proxy-connection:")
        })
        .collect();
    out.push_str("Connection: close\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&request[head_end..]);
    bytes
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
