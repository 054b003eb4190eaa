use shallot_core::http::header::ACCEPT;
use shallot_core::http::StatusCode;
use shallot_core::{BoxFuture, HttpError, IntoResponse, Middleware, Next, Request, Response};

use crate::{is_json_content_type, APPLICATION_JSON};

/// The answer to a request without a JSON content type on a route that demands one.
pub const UNSUPPORTED_MEDIA_TYPE: &str = "Unsupported Media Type";

/// A per-route guard: a request that does not declare a JSON body gets
/// `415 Unsupported Media Type` (RFC 9110 §15.5.16), plain-text body
/// `Unsupported Media Type`, and `Accept: application/json` to say what would do.
///
/// Put it on the routes that take JSON, e.g. `route(...).with(require_json())`.
pub fn require_json() -> RequireJson {
    RequireJson { _private: () }
}

/// The middleware made by [`require_json`].
#[derive(Debug, Clone)]
pub struct RequireJson {
    _private: (),
}

impl Middleware for RequireJson {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        if is_json_content_type(req.headers()) {
            next.run(req)
        } else {
            let res = HttpError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED_MEDIA_TYPE)
                .with_header(ACCEPT, APPLICATION_JSON)
                .into_response();
            Box::pin(std::future::ready(res))
        }
    }
}
