use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};

use crate::{BoxFuture, HttpError, Middleware, Next, Request, Response, TEXT_PLAIN_UTF_8};

/// Renders every error answer the toolkit makes (400, 404, 405, 413, 415, 500, ...).
///
/// Toolkit middlewares answer errors with an [`HttpError`], which is plain text by default.
/// A renderer turns each of them into another body (JSON for an API) in one place: put
/// [`wrap_error_renderer`] outermost in the pile, and give the same renderer to the server so
/// that its own answers (413, 500 after a panic, ...) follow suit. Status and extra headers
/// (`Allow`, `Content-Range`, ...) are kept; only the content type and body change.
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, test, wrap_error_renderer, HttpError, JsonErrors, Request};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = chain_middleware((wrap_error_renderer(JsonErrors),))
///     .apply(|_req: Request| async { HttpError::bad_request("Malformed JSON") });
///
/// test::get("/")
///     .send(&app)
///     .await
///     .assert_status(400)
///     .assert_header("content-type", "application/json")
///     .assert_body(r#"{"status":400,"error":"Malformed JSON"}"#);
/// # }
/// ```
pub trait ErrorRenderer: Send + Sync + 'static {
    /// The content type and body for this error.
    fn render(&self, error: &HttpError) -> (HeaderValue, Bytes);
}

impl<R: ErrorRenderer + ?Sized> ErrorRenderer for Arc<R> {
    fn render(&self, error: &HttpError) -> (HeaderValue, Bytes) {
        (**self).render(error)
    }
}

/// The default renderer: `text/plain; charset=utf-8`, the message as the body.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainTextErrors;

impl ErrorRenderer for PlainTextErrors {
    fn render(&self, error: &HttpError) -> (HeaderValue, Bytes) {
        (
            TEXT_PLAIN_UTF_8,
            Bytes::copy_from_slice(error.message().as_bytes()),
        )
    }
}

/// A JSON renderer: `application/json`, `{"status":<code>,"error":"<message>"}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonErrors;

impl ErrorRenderer for JsonErrors {
    fn render(&self, error: &HttpError) -> (HeaderValue, Bytes) {
        let mut body = String::with_capacity(error.message().len() + 32);
        body.push_str("{\"status\":");
        body.push_str(&error.status().as_u16().to_string());
        body.push_str(",\"error\":");
        push_json_string(&mut body, error.message());
        body.push('}');
        (HeaderValue::from_static("application/json"), body.into())
    }
}

/// Appends `text` as a JSON string literal (RFC 8259 §7).
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Re-renders `res` with `renderer` if it was made from an [`HttpError`]; other responses
/// pass unchanged. (A `HEAD` answer is rendered like the `GET` one; the server drops its
/// body, see [`head_response`](crate::head_response).)
pub fn render_error(res: Response, renderer: &dyn ErrorRenderer) -> Response {
    let mut res = res;
    let Some(error) = HttpError::of(&res) else {
        return res;
    };
    let (content_type, body) = renderer.render(error);
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    headers.remove(CONTENT_LENGTH);
    *res.body_mut() = body.into();
    res
}

/// Renders every [`HttpError`] answer of the inner pile with `renderer`.
///
/// Ordering: outermost, so that it sees the errors of every other middleware.
pub fn wrap_error_renderer(renderer: impl ErrorRenderer) -> ErrorRendererMiddleware {
    ErrorRendererMiddleware {
        renderer: Arc::new(renderer),
    }
}

/// The middleware made by [`wrap_error_renderer`].
#[derive(Clone)]
pub struct ErrorRendererMiddleware {
    renderer: Arc<dyn ErrorRenderer>,
}

impl fmt::Debug for ErrorRendererMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ErrorRendererMiddleware")
    }
}

impl Middleware for ErrorRendererMiddleware {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        let renderer = Arc::clone(&self.renderer);
        let fut = next.run(req);
        Box::pin(async move { render_error(fut.await, &*renderer) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        for (input, expected) in [
            ("plain", r#""plain""#),
            ("q\"b\\", r#""q\"b\\""#),
            ("a\nb\tc\r", r#""a\nb\tc\r""#),
            ("\u{1}", r#""\u0001""#),
            ("é", "\"é\""),
        ] {
            let mut out = String::new();
            push_json_string(&mut out, input);
            assert_eq!(out, expected);
        }
    }
}
