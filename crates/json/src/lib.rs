#![doc = include_str!("../README.md")]

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
