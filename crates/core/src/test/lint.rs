use http::header::{
    ALLOW, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, HOST, LOCATION, TRANSFER_ENCODING,
};
use http::{Method, StatusCode, Version};

use crate::{BoxFuture, ConnectionInfo, Middleware, Next, Request, Response};

/// A middleware that asserts the invariants of `docs/SPEC.md` on every request it passes in
/// and every response it passes out, and panics with the broken rule when one fails.
///
/// Put it outermost in the pile under test. It is meant for tests, not production: a
/// panic there is a bug in the pile, which is what a test wants to hear.
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, test, Request};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = chain_middleware((test::lint(),)).apply(|_req: Request| async { "fine" });
/// test::head("/")
///     .send(&app)
///     .await
///     .assert_status(200)
///     .assert_header("content-length", "4")
///     .assert_body("");
/// # }
/// ```
pub fn lint() -> LintMiddleware {
    LintMiddleware { _private: () }
}

/// The middleware made by [`lint`].
#[derive(Debug, Clone)]
pub struct LintMiddleware {
    _private: (),
}

impl Middleware for LintMiddleware {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        check_request(&req);
        let method = req.method().clone();
        let fut = next.run(req);
        Box::pin(async move {
            let res = fut.await;
            check_response(&method, &res);
            res
        })
    }
}

fn check_request(req: &Request) {
    let path = req.uri().path();
    assert!(
        path.starts_with('/') || (path == "*" && req.method() == Method::OPTIONS),
        "SPEC request.uri: the path must start with `/` (or be `*` for OPTIONS), got {path:?}"
    );
    assert!(
        ConnectionInfo::of(req).is_some(),
        "SPEC request.extensions: a ConnectionInfo must be present"
    );
    if req.version() == Version::HTTP_11 {
        assert_eq!(
            req.headers().get_all(HOST).iter().count(),
            1,
            "SPEC request.headers: an HTTP/1.1 request carries exactly one host"
        );
    }
}

fn check_response(method: &Method, res: &Response) {
    let status = res.status();
    let headers = res.headers();
    let body_len = res.body().exact_len();
    // Inside the pile a HEAD is answered like a GET; the server drops the body on the way
    // out (`head_response`). An empty HEAD answer may state the GET's length.
    let must_be_empty = status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    let length_unchecked = must_be_empty || (method == Method::HEAD && body_len == Some(0));
    if must_be_empty {
        assert_eq!(
            body_len,
            Some(0),
            "SPEC response.body: a {status} answer to {method} carries no body"
        );
    }
    let content_types = headers.get_all(CONTENT_TYPE).iter().count();
    assert!(
        content_types <= 1,
        "SPEC response.headers: at most one content-type, got {content_types}"
    );
    if !must_be_empty && body_len != Some(0) {
        assert_eq!(
            content_types, 1,
            "SPEC response.headers: a response with a body has a content-type"
        );
    }
    let lengths: Vec<_> = headers.get_all(CONTENT_LENGTH).iter().collect();
    assert!(
        lengths.len() <= 1,
        "SPEC response.headers: at most one content-length"
    );
    if let (Some(length), Some(len), false) = (lengths.first(), body_len, length_unchecked) {
        assert_eq!(
            length.to_str().ok().and_then(|v| v.parse::<u64>().ok()),
            Some(len),
            "SPEC response.headers: content-length must match the body"
        );
    }
    assert!(
        !headers.contains_key(TRANSFER_ENCODING),
        "SPEC response.headers: transfer-encoding is the server's business"
    );
    for etag in headers.get_all(ETAG) {
        let etag = etag.as_bytes();
        let opaque = etag.strip_prefix(b"W/").unwrap_or(etag);
        assert!(
            opaque.len() >= 2 && opaque.starts_with(b"\"") && opaque.ends_with(b"\""),
            "SPEC response.headers: an ETag is a quoted string (RFC 9110 §8.8.3), got {:?}",
            String::from_utf8_lossy(etag)
        );
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        assert!(
            headers.contains_key(ALLOW),
            "SPEC: a 405 carries Allow (RFC 9110 §15.5.6)"
        );
    }
    if status == StatusCode::RANGE_NOT_SATISFIABLE {
        assert!(
            headers.contains_key(CONTENT_RANGE),
            "SPEC: a 416 carries Content-Range (RFC 9110 §15.5.17)"
        );
    }
    if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        assert!(
            headers.contains_key(LOCATION),
            "SPEC: a redirect carries Location"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{status, text, Body};

    fn panics(method: &Method, res: &Response) -> bool {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_response(method, res)))
            .is_err()
    }

    #[test]
    fn broken_responses_are_caught_and_sound_ones_pass() {
        let with = |mut res: Response, name: &'static str, value: &'static str| {
            res.headers_mut().append(name, value.parse().unwrap());
            res
        };
        let not_modified_with_body = {
            let mut res = text("x");
            *res.status_mut() = StatusCode::NOT_MODIFIED;
            res
        };
        let cases: Vec<(Method, Response, bool)> = vec![
            (Method::GET, text("fine"), false),
            (Method::GET, not_modified_with_body, true),
            (Method::HEAD, text("the GET's body"), false),
            (Method::HEAD, status(StatusCode::OK), false),
            (Method::HEAD, with(text("abc"), "content-length", "4"), true),
            (
                Method::HEAD,
                with(status(StatusCode::OK), "content-length", "4"),
                false,
            ),
            (
                Method::GET,
                with(text("x"), "content-type", "text/html"),
                true,
            ),
            (Method::GET, Response::new(Body::from("untyped")), true),
            (Method::GET, with(text("abc"), "content-length", "4"), true),
            (Method::GET, with(text("abc"), "content-length", "3"), false),
            (Method::GET, with(text("x"), "etag", "unquoted"), true),
            (Method::GET, with(text("x"), "etag", "W/\"weak\""), false),
            (Method::GET, status(StatusCode::METHOD_NOT_ALLOWED), true),
            (Method::GET, status(StatusCode::RANGE_NOT_SATISFIABLE), true),
            (Method::GET, status(StatusCode::FOUND), true),
            (
                Method::GET,
                with(text("x"), "transfer-encoding", "chunked"),
                true,
            ),
        ];
        for (i, (method, res, broken)) in cases.into_iter().enumerate() {
            assert_eq!(panics(&method, &res), broken, "case {i}");
        }
    }
}
