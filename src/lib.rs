//! shallot: a Rust HTTP handler toolkit. An HTTP exchange is one async function call, and
//! nearly every feature is a middleware wrapping that call.
//!
//! This facade re-exports the core ([`Request`], [`Response`], [`Handler`], [`Middleware`],
//! [`chain_middleware`], the [`test`](mod@test) client) and, behind cargo features that are all on by
//! default, the server adapter and each feature crate.
//!
//! ```
//! use shallot::{chain_middleware, test, HttpError, Request};
//! use shallot::router::{get, wrap_routes};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = chain_middleware((
//!     wrap_routes([get("/hello", |_req: Request| async { "hi user!" })]).unwrap(),
//! ))
//! .apply(|_req: Request| async { HttpError::not_found() });
//!
//! test::get("/hello").send(&app).await.assert_status(200).assert_body("hi user!");
//! test::get("/nope").send(&app).await.assert_status(404).assert_body("Not Found");
//! # }
//! ```
//!
//! | feature | module | crate |
//! |---|---|---|
//! | (always) | the root | `shallot-core` |
//! | `hyper` | [`server`] | `shallot-hyper` |
//! | `router` | [`router`] | `shallot-router` |
//! | `json` | [`json`] | `shallot-json` |
//! | `params` | [`params`] | `shallot-params` |
//! | `content-type` | [`content_type`] | `shallot-content-type` |
//! | `static` | [`static_files`] | `shallot-static` |
//! | `cookies` | [`cookies`] | `shallot-cookies` (`secure-cookies` adds signed and private cookies) |
//! | `multipart` | [`multipart`] | `shallot-multipart` |
//! | `websocket` | [`websocket`] | `shallot-websocket` |
//! | `sse` | [`sse`] | `shallot-sse` |
//! | `sessions` | [`sessions`] | `shallot-sessions` |
//! | `forwarded` | [`forwarded`] | `shallot-forwarded` |
//! | `compression` | [`compression`] | `shallot-compression` |
//! | `tower` | [`tower`] | `shallot-tower` |
//! | `access-log` | [`access_log`] | `shallot-access-log` |
//! | `request-id` | [`request_id`] | `shallot-request-id` |
//! | `cors` | [`cors`] | `shallot-cors` |
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use shallot_core::*;

#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub use shallot_hyper as server;

#[cfg(feature = "router")]
#[cfg_attr(docsrs, doc(cfg(feature = "router")))]
pub use shallot_router as router;

#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub use shallot_json as json;

#[cfg(feature = "params")]
#[cfg_attr(docsrs, doc(cfg(feature = "params")))]
pub use shallot_params as params;

#[cfg(feature = "content-type")]
#[cfg_attr(docsrs, doc(cfg(feature = "content-type")))]
pub use shallot_content_type as content_type;

#[cfg(feature = "cookies")]
#[cfg_attr(docsrs, doc(cfg(feature = "cookies")))]
pub use shallot_cookies as cookies;

#[cfg(feature = "static")]
#[cfg_attr(docsrs, doc(cfg(feature = "static")))]
pub use shallot_static as static_files;

#[cfg(feature = "multipart")]
#[cfg_attr(docsrs, doc(cfg(feature = "multipart")))]
pub use shallot_multipart as multipart;

#[cfg(feature = "cors")]
#[cfg_attr(docsrs, doc(cfg(feature = "cors")))]
pub use shallot_cors as cors;

#[cfg(feature = "request-id")]
#[cfg_attr(docsrs, doc(cfg(feature = "request-id")))]
pub use shallot_request_id as request_id;

#[cfg(feature = "access-log")]
#[cfg_attr(docsrs, doc(cfg(feature = "access-log")))]
pub use shallot_access_log as access_log;

#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use shallot_tower as tower;

#[cfg(feature = "compression")]
#[cfg_attr(docsrs, doc(cfg(feature = "compression")))]
pub use shallot_compression as compression;

#[cfg(feature = "forwarded")]
#[cfg_attr(docsrs, doc(cfg(feature = "forwarded")))]
pub use shallot_forwarded as forwarded;

#[cfg(feature = "sessions")]
#[cfg_attr(docsrs, doc(cfg(feature = "sessions")))]
pub use shallot_sessions as sessions;

#[cfg(feature = "sse")]
#[cfg_attr(docsrs, doc(cfg(feature = "sse")))]
pub use shallot_sse as sse;

#[cfg(feature = "websocket")]
#[cfg_attr(docsrs, doc(cfg(feature = "websocket")))]
pub use shallot_websocket as websocket;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
