//! Content types for shallot: a response without `content-type` gets one from the request
//! path's extension.
//!
//! ```
//! use shallot_core::{chain_middleware, test, Body, Request};
//! use shallot_content_type::wrap_content_type;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! // A handler that sends bytes without saying what they are.
//! let untyped = |_req: Request| async { Body::from("body { color: red }") };
//! let app = chain_middleware((wrap_content_type(),)).apply(untyped);
//!
//! test::get("/site.css").send(&app).await.assert_header("content-type", "text/css; charset=utf-8");
//! test::get("/data.bin.unknown").send(&app).await.assert_header("content-type", "application/octet-stream");
//!
//! // A customised one: an extra mapping and another default.
//! let custom = wrap_content_type()
//!     .with_mapping(".recipe", "text/x-recipe")
//!     .unwrap()
//!     .with_default("text/plain".parse().unwrap());
//! let app = chain_middleware((custom,)).apply(untyped);
//! test::get("/soup.recipe").send(&app).await.assert_header("content-type", "text/x-recipe; charset=utf-8");
//! test::get("/no-extension").send(&app).await.assert_header("content-type", "text/plain");
//! # }
//! ```
//!
//! # Behaviour
//!
//! | condition | result |
//! |---|---|
//! | the response has a `content-type` | unchanged |
//! | 1xx, 204 or 304 | unchanged (no body to describe) |
//! | the path's extension is mapped ([`ContentTypeMiddleware::with_mapping`]) | that type |
//! | the extension is in mime_guess's table | that type; `text/*` and JavaScript with `; charset=utf-8` |
//! | no extension, or an unknown one | the default, `application/octet-stream` |
//!
//! Extensions are compared without case; `/.env` has none; only the last segment counts.
//!
//! # Options
//!
//! [`ContentTypeMiddleware::with_mapping`] (extension → type, with or without the dot) and
//! [`ContentTypeMiddleware::with_default`].
//!
//! # Ordering
//!
//! Outermost, so that every answer of the pile (static files, routes, the default handler)
//! leaves with a content type.

mod content_type_middleware;
mod guess;

pub use content_type_middleware::{
    content_type_response, wrap_content_type, ContentTypeMiddleware, InvalidContentType,
};
pub use guess::{guess_content_type, path_extension};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
