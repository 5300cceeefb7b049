//! A forward proxy on 127.0.0.1: CONNECT tunnels and absolute-form forwarding, optionally
//! demanding Basic credentials (407 with `Proxy-Authenticate`). Whatever host a client names,
//! it connects to 127.0.0.1 at the named port: tests never leave the machine. It records each
//! request line, so tests can tell which road a client took.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::tls::{find, read_request, with_connection_close};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// `CONNECT` or the forwarded method.
    pub method: String,
    /// `host:port` for CONNECT, the absolute URL otherwise.
    pub target: String,
    /// Whether the client sent the credentials the proxy wants.
    pub authorized: bool,
}

pub struct Proxy {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    /// `credentials`: `Some(("user", "password"))` makes the proxy answer 407 without them.
    pub fn start(credentials: Option<(&str, &str)>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let wanted = credentials.map(|(user, password)| {
            use base64::Engine;
            format!(
                "basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            )
            .to_ascii_lowercase()
        });
        {
            let (seen, stop) = (seen.clone(), stop.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (seen, wanted) = (seen.clone(), wanted.clone());
                    thread::spawn(move || handle(stream, &seen, wanted.as_deref()));
                }
            });
        }
        Proxy { port, seen, stop }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// A port nothing listens on: bound, then released.
pub fn dead_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn handle(mut client: TcpStream, seen: &Mutex<Vec<Seen>>, wanted: Option<&str>) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(request) = read_request(&mut client) else {
        return;
    };
    let head_end = find(&request, b"\r\n\r\n").unwrap_or(request.len());
    let head = String::from_utf8_lossy(&request[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let mut parts = request_line.split(' ');
    let (method, target) = (
        parts.next().unwrap_or_default().to_string(),
        parts.next().unwrap_or_default().to_string(),
    );
    let given = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("proxy-authorization"))
        .map(|(_, value)| value.trim().to_ascii_lowercase());
    let authorized = wanted.is_none_or(|w| given.as_deref() == Some(w));
    seen.lock().unwrap().push(Seen {
        method: method.clone(),
        target: target.clone(),
        authorized,
    });
    if !authorized {
        let _ = client.write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
    }
    if method == "CONNECT" {
        tunnel(client, &target, &request[head_end + 4..]);
    } else {
        forward(client, &target, &request);
    }
}

fn port_of(authority: &str) -> Option<u16> {
    authority.rsplit_once(':')?.1.parse().ok()
}

fn tunnel(mut client: TcpStream, target: &str, early: &[u8]) {
    let Some(mut upstream) =
        port_of(target).and_then(|p| TcpStream::connect(("127.0.0.1", p)).ok())
    else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    let _ = upstream.write_all(early);
    let _ = client.set_read_timeout(None);
    let (mut client_read, mut upstream_write) =
        (client.try_clone().unwrap(), upstream.try_clone().unwrap());
    let upload = thread::spawn(move || {
        let _ = std::io::copy(&mut client_read, &mut upstream_write);
        let _ = upstream_write.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut upstream, &mut client);
    let _ = client.shutdown(Shutdown::Both);
    let _ = upload.join();
}

/// Absolute-form: `GET http://host:port/path` is sent on to 127.0.0.1:port in origin form.
fn forward(mut client: TcpStream, target: &str, request: &[u8]) {
    let Some(rest) = target.strip_prefix("http://") else {
        let _ = client.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let port = port_of(authority).unwrap_or(80);
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let line_end = find(request, b"\r\n").unwrap_or(request.len());
    let method = String::from_utf8_lossy(&request[..line_end])
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    let mut rewritten = format!("{method} {path} HTTP/1.1").into_bytes();
    rewritten.extend_from_slice(&request[line_end..]);
    let _ = upstream.set_read_timeout(Some(Duration::from_secs(10)));
    if upstream
        .write_all(&with_connection_close(&rewritten))
        .is_err()
    {
        return;
    }
    let mut response = Vec::new();
    let _ = upstream.read_to_end(&mut response);
    let _ = client.write_all(&response);
    let _ = client.shutdown(Shutdown::Both);
}
