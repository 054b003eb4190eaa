use http::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use http::StatusCode;

use crate::Body;

/// An HTTP response: the `http` crate's response over a [`Body`].
pub type Response = http::Response<Body>;

/// The content type of [`text`] answers.
pub const TEXT_PLAIN_UTF_8: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
/// The content type of [`html`] answers.
pub const TEXT_HTML_UTF_8: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");
/// The content type of [`binary`] answers.
pub const APPLICATION_OCTET_STREAM: HeaderValue =
    HeaderValue::from_static("application/octet-stream");

fn with_type(body: Body, content_type: HeaderValue) -> Response {
    let mut res = Response::new(body);
    res.headers_mut().insert(CONTENT_TYPE, content_type);
    res
}

/// A `200 OK` plain-text answer (`text/plain; charset=utf-8`).
///
/// # Examples
///
/// ```
/// let res = shallot_core::text("hi user!");
/// assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
/// ```
pub fn text(body: impl Into<Body>) -> Response {
    with_type(body.into(), TEXT_PLAIN_UTF_8)
}

/// A `200 OK` HTML answer (`text/html; charset=utf-8`).
pub fn html(body: impl Into<Body>) -> Response {
    with_type(body.into(), TEXT_HTML_UTF_8)
}

/// A `200 OK` answer of raw bytes (`application/octet-stream`).
pub fn binary(body: impl Into<Body>) -> Response {
    with_type(body.into(), APPLICATION_OCTET_STREAM)
}

/// An answer with this status, no body and no content type.
///
/// # Examples
///
/// ```
/// use shallot_core::http::StatusCode;
///
/// let res = shallot_core::status(StatusCode::NO_CONTENT);
/// assert_eq!(res.status(), 204);
/// ```
pub fn status(status: StatusCode) -> Response {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = status;
    res
}

/// A redirect to `location` with the given 3xx status (`303 See Other` after a form post,
/// `307`/`308` to keep the method, `301`/`302` for browsers' legacy behaviour).
///
/// The location is a [`HeaderValue`], so it cannot smuggle a header: build it with
/// `HeaderValue::from_str`, which refuses control characters.
///
/// # Examples
///
/// ```
/// use shallot_core::http::{header::HeaderValue, StatusCode};
///
/// let res = shallot_core::redirect(StatusCode::SEE_OTHER, HeaderValue::from_static("/done"));
/// assert_eq!(res.headers()["location"], "/done");
/// ```
pub fn redirect(status: StatusCode, location: HeaderValue) -> Response {
    let mut res = self::status(status);
    res.headers_mut().insert(LOCATION, location);
    res
}

/// A `200 OK` answer streamed chunk by chunk, without a `content-length`.
///
/// # Examples
///
/// ```
/// use shallot_core::http::header::HeaderValue;
///
/// let chunks = (0..3).map(|i| format!("chunk {i}\n"));
/// let res = shallot_core::stream(
///     HeaderValue::from_static("text/plain; charset=utf-8"),
///     shallot_core::Body::from_iter(chunks),
/// );
/// assert!(res.body().is_stream());
/// ```
pub fn stream(content_type: HeaderValue, body: Body) -> Response {
    with_type(body, content_type)
}
