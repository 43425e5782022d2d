//! Which requests the preview answers: only those whose `Host` names the address it listens on
//! (or `localhost`, `127.0.0.1`, `[::1]`), with its port. A web page elsewhere cannot then read
//! the preview through a domain name that it points at 127.0.0.1 (DNS rebinding), which matters
//! most for `serve --audience internal`.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;

/// The address the preview listens on.
#[derive(Debug, Clone, Copy)]
pub struct Listening {
    pub ip: IpAddr,
    pub port: u16,
}

/// Answers 421 Misdirected Request to a request without a `Host` this preview listens as.
pub async fn check_host(State(at): State<Listening>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    if host.is_some_and(|h| host_allowed(h, at)) {
        return next.run(request).await;
    }
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "This preview answers only requests addressed to the address it listens on, or to localhost.\n",
    )
        .into_response()
}

/// Whether a `Host` header value names the preview: `localhost` or a loopback address, or the
/// address it listens on (any address when it listens on all of them, but never a name, which
/// anyone's DNS can point here), with its port when one is given (browsers always give it; a
/// name without one is what matters, and it is refused all the same).
pub fn host_allowed(host: &str, at: Listening) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        // `[::1]:8080`, `127.0.0.1:8080`, `localhost:8080`; not the colons inside `[::1]`.
        Some((name, port)) if !port.contains(']') => (name, port.parse::<u16>().ok()),
        _ => (host, Some(at.port)),
    };
    if port != Some(at.port) {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let literal = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    match literal.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == at.ip || at.ip.is_unspecified(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listening_address_and_loopback_names_with_the_port() {
        let local = Listening { ip: "127.0.0.1".parse().unwrap(), port: 1111 };
        for ok in
            ["127.0.0.1:1111", "localhost:1111", "LOCALHOST:1111", "[::1]:1111", "127.0.0.2:1111", "127.0.0.1", "[::1]"]
        {
            assert!(host_allowed(ok, local), "{ok}");
        }
        for no in [
            "attacker.example:1111",
            "attacker.example",
            "127.0.0.1:2222",
            "localhost:80",
            "192.168.1.5:1111",
            "127.0.0.1.nip.io:1111",
            "",
        ] {
            assert!(!host_allowed(no, local), "{no}");
        }
        let lan = Listening { ip: "192.168.1.5".parse().unwrap(), port: 80 };
        assert!(host_allowed("192.168.1.5", lan) && host_allowed("192.168.1.5:80", lan));
        assert!(!host_allowed("10.0.0.1", lan) && !host_allowed("status.example", lan));
        let all = Listening { ip: "0.0.0.0".parse().unwrap(), port: 1111 };
        assert!(host_allowed("10.1.2.3:1111", all) && host_allowed("[fe80::1]:1111", all));
        assert!(!host_allowed("my-laptop.local:1111", all), "a name could be anyone's");
    }
}
