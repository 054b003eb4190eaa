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

/// Whether `req` carries a JSON body to parse: the one test behind both [`json_request`] and
/// the middleware's pass-through.
fn carries_json(req: &Request) -> bool {
    !req.body().is_empty() && is_json_content_type(req.headers())
}

/// Reads and parses the body of a JSON request and attaches the value; other requests pass
/// unchanged, their body unread.
///
/// A JSON request with an empty body carries no JSON (the handler decides whether that is an
/// error); one whose body does not parse is an `Err` with the `400 Malformed JSON` answer.
///
/// # Errors
///
/// The `400` answer for malformed JSON. serde_json's recursion limit (127 levels accepted, 128 refused) makes a
/// deeply nested body malformed rather than a stack overflow. A body over its limit, broken
/// off or stalled: the [`BodyError`](shallot_core::BodyError)'s answer (`413`, `400`, `408`).
///
/// # Examples
///
/// ```
/// use shallot_core::test;
/// use shallot_json::{json_request, JsonExt, JsonMiddleware};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let req = test::post("/", "[1, 2]").header("content-type", "application/json").into_request();
/// let req = json_request(req, &JsonMiddleware::new()).await.unwrap();
/// assert_eq!(req.json_value(), Some(&serde_json::json!([1, 2])));
///
/// let req = test::post("/", "[1,").header("content-type", "application/json").into_request();
/// let error = json_request(req, &JsonMiddleware::new()).await.unwrap_err();
/// assert_eq!((error.status().as_u16(), error.message()), (400, "Malformed JSON"));
/// # }
/// ```
pub async fn json_request(
    mut req: Request,
    options: &JsonMiddleware,
) -> Result<Request, HttpError> {
    let _ = options;
    if !carries_json(&req) {
        return Ok(req);
    }
    let body = req.body_mut().read_all().await?;
    if body.is_empty() {
        return Ok(req);
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|_| HttpError::bad_request(MALFORMED_JSON))?;
    req.extensions_mut().insert(ParsedJson(value));
    Ok(req)
}

impl Middleware for JsonMiddleware {
    fn passes_through(&self, req: &Request) -> bool {
        !carries_json(req)
    }

    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        let options = self.clone();
        Box::pin(async move {
            match json_request(req, &options).await {
                Ok(req) => next.run(req).await,
                Err(error) => error.into_response(),
            }
        })
    }
}
