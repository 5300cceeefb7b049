//! A `GET` for a plain-`http://` URL through an HTTP proxy, sent the way reqwest (so Codex)
//! sends it: the absolute URL in the request line and no CONNECT. ureq only tunnels, and a
//! proxy may allow one and not the other. One request per connection (`Connection: close`).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use base64::Engine;

use super::failure::{Failure, ProxyProblem, is_connect_error, proxy_failure, proxy_status};
use super::proxy::ProxyUrl;
use crate::coder::http::{Answer, BODY_LIMIT};

/// Response heads larger than this are refused.
const HEAD_LIMIT: usize = 64 * 1024;

pub(super) fn get(
    proxy: &ProxyUrl,
    url: &url::Url,
    headers: &[(&str, &str)],
    timeout: Duration,
    user_agent: &str,
) -> Result<Answer, Failure> {
    let deadline = Instant::now() + timeout;
    let mut stream = connect(proxy, deadline)?;
    let mut target = url.clone();
    target.set_fragment(None);
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let mut head = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {user_agent}\r\nAccept: */*\r\nConnection: close\r\n"
    );
    if let Some((user, password)) = &proxy.credentials {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        head.push_str(&format!("Proxy-Authorization: Basic {basic}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Failure::Timeout,
        _ => Failure::Connect(e.to_string()),
    };
    set_timeouts(&stream, deadline)?;
    stream.write_all(head.as_bytes()).map_err(io)?;

    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let (status, content_type, location, chunked, length, head_len) = loop {
        let mut parsed_headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut parsed_headers);
        match response.parse(&buffer) {
            Ok(httparse::Status::Complete(head_len)) => {
                let status = response.code.unwrap_or(0);
                let find = |name: &str| {
                    response
                        .headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .map(|h| String::from_utf8_lossy(h.value).into_owned())
                };
                let chunked = find("transfer-encoding")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
                let length = find("content-length").and_then(|v| v.trim().parse::<usize>().ok());
                break (
                    status,
                    find("content-type"),
                    find("location"),
                    chunked,
                    length,
                    head_len,
                );
            }
            Ok(httparse::Status::Partial) if buffer.len() < HEAD_LIMIT => {}
            Ok(httparse::Status::Partial) => {
                return Err(Failure::Other(
                    "the proxy's answer has no end of headers".into(),
                ));
            }
            Err(e) => return Err(Failure::Other(format!("the proxy answered garbage ({e})"))),
        }
        set_timeouts(&stream, deadline)?;
        let read = stream.read(&mut chunk).map_err(io)?;
        if read == 0 {
            return Err(proxy_failure(
                proxy,
                ProxyProblem::Unreachable("the proxy closed the connection".into()),
            ));
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    if status == 407 {
        return Err(proxy_status(proxy, status));
    }
    let limit = usize::try_from(BODY_LIMIT).unwrap_or(usize::MAX);
    let mut body = buffer.split_off(head_len);
    // Read to the end (the connection closes) or to the body's known length, never past the cap.
    while body.len() < limit.saturating_mul(2) && length.is_none_or(|n| body.len() < n) {
        set_timeouts(&stream, deadline)?;
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => body.extend_from_slice(&chunk[..read]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                return Err(Failure::Timeout);
            }
            // A broken body still has a status worth reporting.
            Err(_) => break,
        }
    }
    if chunked {
        body = dechunk(&body);
    }
    body.truncate(limit);
    Ok(Answer {
        status,
        content_type,
        location,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn connect(proxy: &ProxyUrl, deadline: Instant) -> Result<TcpStream, Failure> {
    let unreachable = |text: String| proxy_failure(proxy, ProxyProblem::Unreachable(text));
    let addresses = (proxy.host.as_str(), proxy.port)
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?;
    let mut last = None;
    for address in addresses {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Failure::Timeout);
        }
        match TcpStream::connect_timeout(&address, left) {
            Ok(stream) => return Ok(stream),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return Err(Failure::Timeout),
            Err(e) if is_connect_error(e.kind()) => last = Some(e.to_string()),
            Err(e) => last = Some(e.to_string()),
        }
    }
    Err(unreachable(last.unwrap_or_else(|| "no address".into())))
}

fn set_timeouts(stream: &TcpStream, deadline: Instant) -> Result<(), Failure> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(Failure::Timeout);
    }
    let _ = stream.set_read_timeout(Some(left));
    let _ = stream.set_write_timeout(Some(left));
    Ok(())
}

/// The payload of a chunked body; a cut-off body keeps what arrived.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&raw[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let end = (start + size).min(raw.len());
        out.extend_from_slice(&raw[start..end]);
        raw = raw.get(end + 2..).unwrap_or_default();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"), b"abcde");
        assert_eq!(dechunk(b"5\r\nab"), b"ab");
    }
}
