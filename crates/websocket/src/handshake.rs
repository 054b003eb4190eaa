//! RFC 6455 §4.2: the opening handshake, checked and answered.

use base64::Engine as _;
use sha1::{Digest as _, Sha1};
use shallot_core::http::header::{
    CONNECTION, HOST, ORIGIN, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_VERSION,
    UPGRADE,
};
use shallot_core::http::{HeaderMap, HeaderValue, Method, StatusCode, Version};
use shallot_core::{ConnectionInfo, HttpError, Request};

/// The GUID RFC 6455 §1.3 appends to the key.
const GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key` (RFC 6455 §4.2.2).
///
/// # Examples
///
/// ```
/// // The example of RFC 6455 §1.3.
/// assert_eq!(shallot_websocket::accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// ```
pub fn accept_key(key: &[u8]) -> String {
    let mut sha1 = Sha1::new();
    sha1.update(key);
    sha1.update(GUID);
    base64::engine::general_purpose::STANDARD.encode(sha1.finalize())
}

/// Whether a comma-separated header has `token` among its values (case-insensitive).
fn has_token(headers: &HeaderMap, name: shallot_core::http::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| item.trim().eq_ignore_ascii_case(token))
}

/// What a valid handshake asked for.
#[derive(Debug)]
pub(crate) struct Handshake {
    pub(crate) accept: HeaderValue,
    pub(crate) protocol: Option<HeaderValue>,
}

/// The rules a handshake must meet, from the handler's options.
pub(crate) struct Rules<'a> {
    pub(crate) protocols: &'a [String],
    pub(crate) origin_allowed: &'a (dyn Fn(&HeaderValue) -> bool + Send + Sync),
}

fn bad(what: &'static str) -> HttpError {
    HttpError::because(StatusCode::BAD_REQUEST, what)
}

/// Checks the handshake (RFC 6455 §4.2.1): `GET` over HTTP/1.1, `Upgrade: websocket`,
/// `Connection: upgrade`, a key of 16 bytes in base 64, version 13 (else 426 naming it), and an
/// `Origin` that is the server's own or allowed.
pub(crate) fn check(req: &Request, rules: &Rules<'_>) -> Result<Handshake, HttpError> {
    let headers = req.headers();
    if req.method() != Method::GET || req.version() != Version::HTTP_11 {
        return Err(bad("a WebSocket handshake is a GET over HTTP/1.1"));
    }
    if !has_token(headers, UPGRADE, "websocket") || !has_token(headers, CONNECTION, "upgrade") {
        return Err(bad(
            "a WebSocket handshake needs Upgrade: websocket and Connection: upgrade",
        ));
    }
    let mut versions = headers.get_all(SEC_WEBSOCKET_VERSION).iter();
    if !matches!((versions.next(), versions.next()), (Some(v), None) if v == "13") {
        return Err(
            HttpError::because(StatusCode::UPGRADE_REQUIRED, "WebSocket version 13")
                .with_header(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13")),
        );
    }
    let mut keys = headers.get_all(SEC_WEBSOCKET_KEY).iter();
    let (Some(key), None) = (keys.next(), keys.next()) else {
        return Err(bad("one Sec-WebSocket-Key is needed"));
    };
    let decoded = base64::engine::general_purpose::STANDARD.decode(key.as_bytes());
    if !decoded.is_ok_and(|bytes| bytes.len() == 16) {
        return Err(bad("Sec-WebSocket-Key must be 16 bytes in base 64"));
    }
    if let Some(origin) = headers.get(ORIGIN) {
        if !(same_origin(req, origin) || (rules.origin_allowed)(origin)) {
            return Err(HttpError::forbidden());
        }
    }
    let accept =
        HeaderValue::from_str(&accept_key(key.as_bytes())).expect("base 64 is header text");
    Ok(Handshake {
        accept,
        protocol: choose_protocol(headers, rules.protocols),
    })
}

/// `Origin` is the server's own: its scheme (`https` under TLS) and the request's `Host`.
fn same_origin(req: &Request, origin: &HeaderValue) -> bool {
    let scheme = ConnectionInfo::of(req).map_or("http", ConnectionInfo::scheme);
    let Some(host) = req.headers().get(HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    origin
        .strip_prefix(scheme)
        .and_then(|rest| rest.strip_prefix("://"))
        .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
}

/// The first protocol the client offers that the server speaks (the client's order).
fn choose_protocol(headers: &HeaderMap, supported: &[String]) -> Option<HeaderValue> {
    headers
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .find(|offered| supported.iter().any(|s| s == offered))
        .and_then(|chosen| HeaderValue::from_str(chosen).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_in_lists_without_case() {
        let mut headers = HeaderMap::new();
        headers.insert(CONNECTION, HeaderValue::from_static("keep-alive, Upgrade"));
        assert!(has_token(&headers, CONNECTION, "upgrade"));
        assert!(!has_token(&headers, CONNECTION, "close"));
    }
}
