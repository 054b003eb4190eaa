//! JSON for shallot: request bodies parsed once before the handler, typed access, a guard
//! for routes that demand JSON, and JSON answers.
//!
//! ```
//! use shallot_core::{chain_middleware, test, HttpError, Request};
//! use shallot_json::{json, wrap_json, JsonExt};
//!
//! async fn received(req: Request) -> shallot_core::Response {
//!     json(&serde_json::json!({ "received": req.json_value() }))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = chain_middleware((test::lint(), wrap_json())).apply(received);
//!
//! test::post("/", r#"{"a": [1, 2]}"#)
//!     .header("content-type", "application/json; charset=utf-8")
//!     .send(&app)
//!     .await
//!     .assert_status(200)
//!     .assert_header("content-type", "application/json")
//!     .assert_body(r#"{"received":{"a":[1,2]}}"#);
//!
//! test::post("/", "{oops")
//!     .header("content-type", "application/json")
//!     .send(&app)
//!     .await
//!     .assert_status(400)
//!     .assert_body("Malformed JSON");
//! # }
//! ```
//!
//! # Behaviour
//!
//! | condition | answer |
//! |---|---|
//! | `content-type` is `application/json` or `application/*+json` (any parameters, any case) and the body parses | the value is attached ([`JsonExt`]); the handler runs |
//! | the same, body does not parse (or nests 128 levels or more) | `400`, `Malformed JSON`, the handler does not run |
//! | the same, empty body | passes unchanged; `req.json()` is `400 Malformed JSON` |
//! | another content type, or none | passes unchanged |
//! | [`require_json`] on a route, request not JSON | `415`, `Unsupported Media Type`, `Accept: application/json` |
//! | [`json`] / [`Json`] of a value that cannot be serialized | `500`, `Internal Server Error`, logged |
//!
//! # Options
//!
//! None yet: the body size is bounded by the server's body limit and the nesting depth by
//! serde_json's recursion limit.
//!
//! # Ordering
//!
//! After the router (its 405 and OPTIONS answers come first) and before the handlers that read
//! JSON. It runs for every request that reaches it, the default handler's included: a
//! malformed JSON body sent to an unknown path is answered 400, not 404.
//! [`require_json`] goes on the routes themselves.

mod is_json;
mod json_ext;
mod json_middleware;
mod json_response;
mod require_json;

pub use is_json::is_json_content_type;
pub use json_ext::JsonExt;
pub use json_middleware::{json_request, wrap_json, JsonMiddleware, MALFORMED_JSON};
pub use json_response::{json, Json, APPLICATION_JSON};
pub use require_json::{require_json, RequireJson, UNSUPPORTED_MEDIA_TYPE};
pub use serde_json;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
