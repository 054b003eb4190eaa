use serde_json::Value;
use shallot_core::{BoxFuture, HttpError, IntoResponse, Middleware, Next, Request, Response};

use crate::is_json_content_type;

/// The answer to a JSON body that does not parse (or nests deeper than the parser allows).
pub const MALFORMED_JSON: &str = "Malformed JSON";

/// Parses JSON request bodies once, before the handler; see the crate docs.
pub fn wrap_json() -> JsonMiddleware {
    JsonMiddleware::new()
}

/// The middleware made by [`wrap_json`].
#[derive(Debug, Clone, Default)]
pub struct JsonMiddleware {
    _private: (),
}

impl JsonMiddleware {
    /// The middleware with its default behaviour (there are no options yet).
    pub fn new() -> Self {
        Self::default()
    }
}

/// The parsed body, stored under a key no other crate can name.
#[derive(Debug, Clone)]
pub(crate) struct ParsedJson(pub(crate) Value);

/// Parses the body of a JSON request and attaches it; other requests pass unchanged.
///
/// A JSON request with an empty body carries no JSON (the handler decides whether that is an
/// error); one whose body does not parse is an `Err` with the `400 Malformed JSON` answer.
///
/// # Errors
///
/// The `400` answer for malformed JSON. serde_json's recursion limit (128 levels) makes a
/// deeply nested body malformed rather than a stack overflow.
pub fn json_request(mut req: Request) -> Result<Request, HttpError> {
    if req.body().is_empty() || !is_json_content_type(req.headers()) {
        return Ok(req);
    }
    let value: Value =
        serde_json::from_slice(req.body()).map_err(|_| HttpError::bad_request(MALFORMED_JSON))?;
    req.extensions_mut().insert(ParsedJson(value));
    Ok(req)
}

impl Middleware for JsonMiddleware {
    fn passes_through(&self, req: &Request) -> bool {
        req.body().is_empty() || !is_json_content_type(req.headers())
    }

    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        match json_request(req) {
            Ok(req) => next.run(req),
            Err(error) => Box::pin(std::future::ready(error.into_response())),
        }
    }
}
