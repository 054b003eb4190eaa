use http::header::{HeaderValue, CONTENT_LENGTH};

use crate::{Body, Response};

/// The answer to a `HEAD` request: the `GET` answer's status and headers without its body
/// (RFC 9110 §9.3.2).
///
/// This is the toolkit's one owner of that rule. Inside the pile a `HEAD` is answered like a
/// `GET` (a handler, a router's `405`, a static file or an error renderer need not know about
/// `HEAD`, and every middleware sees the headers the `GET` would have, `content-encoding`
/// included); the server, and the in-process test client, pass every `HEAD` answer through
/// this function on its way out. A body whose length is known keeps it as `content-length`
/// (the length the `GET` would send); an answer that already states its `content-length`
/// (a static file answered without reading it) keeps that; a streamed body has none.
///
/// # Examples
///
/// ```
/// use shallot_core::{head_response, text};
///
/// let res = head_response(text("hi user!"));
/// assert_eq!(res.headers()["content-length"], "8");
/// assert_eq!(res.body().exact_len(), Some(0));
/// ```
pub fn head_response(mut res: Response) -> Response {
    if let Some(len) = res.body().exact_len() {
        if len > 0 && !res.headers().contains_key(CONTENT_LENGTH) {
            res.headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(len));
        }
    }
    *res.body_mut() = Body::empty();
    res
}
