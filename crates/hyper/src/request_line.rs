//! RFC 9112 §3.2 request targets and the exact header-block cap: what hyper lets through
//! and a server should not.

use http::header::{ALLOW, HOST, TRANSFER_ENCODING, UPGRADE};
use http::{HeaderValue, Method, StatusCode, Uri, Version};
use shallot_core::{HttpError, IntoResponse, Response};

/// The methods the server knows, for `OPTIONS *`.
const KNOWN_METHODS: HeaderValue =
    HeaderValue::from_static("GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS");

/// What one pass over a request's headers tells the adapter: everything it checks per
/// request, without a hash lookup per rule.
#[derive(Debug, Default)]
pub(crate) struct HeadFacts<'a> {
    /// The size of the head as a client sends it: the request line, each `name: value` line,
    /// the empty line (HTTP/1.x).
    pub(crate) bytes: usize,
    /// The first `Host` value, and how many there are.
    pub(crate) host: Option<&'a HeaderValue>,
    pub(crate) hosts: usize,
    /// An `Upgrade` header is present (a WebSocket handshake, say).
    pub(crate) upgrade: bool,
    /// Every transfer coding named is `chunked`.
    pub(crate) codings_known: bool,
}

/// One pass over the head.
pub(crate) fn head_facts(parts: &http::request::Parts) -> HeadFacts<'_> {
    let mut facts = HeadFacts {
        bytes: request_line_bytes(parts) + 2,
        codings_known: true,
        ..HeadFacts::default()
    };
    for (name, value) in &parts.headers {
        facts.bytes += name.as_str().len() + 2 + value.len() + 2;
        if name == HOST {
            facts.hosts += 1;
            facts.host.get_or_insert(value);
        } else if name == UPGRADE {
            facts.upgrade = true;
        } else if name == TRANSFER_ENCODING && !only_chunked(value) {
            facts.codings_known = false;
        }
    }
    facts
}

/// The server's own answer when the request line or head is not acceptable, else `None`.
pub(crate) fn check(
    parts: &http::request::Parts,
    facts: &HeadFacts<'_>,
    max_header_bytes: usize,
) -> Option<Response> {
    match target_form(&parts.method, &parts.uri) {
        Target::Valid => {}
        Target::OptionsStar => {
            let mut res = shallot_core::status(StatusCode::OK);
            res.headers_mut().insert(ALLOW, KNOWN_METHODS);
            return Some(res);
        }
        Target::Connect => {
            return Some(
                HttpError::because(StatusCode::NOT_IMPLEMENTED, "CONNECT")
                    .closing()
                    .into_response(),
            )
        }
        Target::Invalid => {
            return Some(
                HttpError::because(
                    StatusCode::BAD_REQUEST,
                    "the request target must be a path (origin-form)",
                )
                .closing()
                .into_response(),
            )
        }
    }
    if parts.version <= Version::HTTP_11 {
        if facts.bytes > max_header_bytes {
            return Some(
                HttpError::from_status(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
                    .closing()
                    .into_response(),
            );
        }
        if !facts.codings_known {
            return Some(
                HttpError::because(
                    StatusCode::NOT_IMPLEMENTED,
                    "only the chunked transfer coding is understood",
                )
                .closing()
                .into_response(),
            );
        }
    }
    None
}

#[derive(Debug, PartialEq, Eq)]
enum Target {
    Valid,
    OptionsStar,
    Connect,
    Invalid,
}

/// origin-form (`/path?query`), absolute-form (`http://host/path`), `*` for `OPTIONS`,
/// authority-form for `CONNECT` (which this server does not do); nothing else.
fn target_form(method: &Method, uri: &Uri) -> Target {
    if *method == Method::CONNECT {
        return Target::Connect;
    }
    if let Some(scheme) = uri.scheme_str() {
        let http = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
        return if http && uri.authority().is_some() {
            Target::Valid
        } else {
            Target::Invalid
        };
    }
    match uri.path_and_query().map(|pq| pq.as_str()) {
        Some(target) if target.starts_with('/') => Target::Valid,
        Some("*") if *method == Method::OPTIONS => Target::OptionsStar,
        _ => Target::Invalid,
    }
}

/// `METHOD SP target SP HTTP/1.1 CRLF`.
fn request_line_bytes(parts: &http::request::Parts) -> usize {
    let target = parts.uri.path_and_query().map_or(0, |pq| pq.as_str().len())
        + parts.uri.scheme_str().map_or(0, |s| s.len() + 3)
        + parts.uri.authority().map_or(0, |a| a.as_str().len());
    parts.method.as_str().len() + 1 + target + 1 + "HTTP/1.1\r\n".len()
}

/// RFC 9112 §6.1: a transfer coding the server does not understand is answered 501. hyper
/// decodes `chunked` only.
fn only_chunked(value: &HeaderValue) -> bool {
    value.to_str().is_ok_and(|text| {
        text.split(',')
            .map(str::trim)
            .all(|coding| coding.is_empty() || coding.eq_ignore_ascii_case("chunked"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_target_forms() {
        for (method, target, expected) in [
            (Method::GET, "/", Target::Valid),
            (Method::GET, "/a?b", Target::Valid),
            (Method::GET, "http://a.test/x", Target::Valid),
            (Method::GET, "index.html", Target::Invalid),
            (Method::GET, "a.test:80", Target::Invalid),
            (Method::GET, "*", Target::Invalid),
            (Method::OPTIONS, "*", Target::OptionsStar),
            (Method::GET, "ftp://a.test/x", Target::Invalid),
            (Method::CONNECT, "a.test:443", Target::Connect),
        ] {
            let uri: Uri = target.parse().unwrap();
            assert_eq!(target_form(&method, &uri), expected, "{method} {target}");
        }
    }

    #[test]
    fn head_bytes_count_the_lines_as_sent() {
        let req = http::Request::get("/ab")
            .header("host", "x")
            .body(())
            .unwrap();
        let (parts, ()) = req.into_parts();
        // "GET /ab HTTP/1.1\r\n" + "host: x\r\n" + "\r\n"
        let facts = head_facts(&parts);
        assert_eq!(facts.bytes, 18 + 9 + 2);
        assert_eq!(
            (facts.hosts, facts.upgrade, facts.codings_known),
            (1, false, true)
        );
    }
}
