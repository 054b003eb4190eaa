//! shallot's vocabulary: an HTTP exchange is one async function call, and every feature is a
//! middleware wrapping that call.
//!
//! ```
//! use shallot_core::{chain_middleware, test, Next, Request, Response};
//!
//! // A middleware: sees the request, the rest of the chain, and the response.
//! async fn server_header(req: Request, next: Next) -> Response {
//!     let mut res = next.run(req).await;
//!     res.headers_mut().insert("server", "shallot".parse().unwrap());
//!     res
//! }
//!
//! // A handler: a request goes in, a response comes out.
//! async fn hello(_req: Request) -> &'static str {
//!     "hi user!"
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = chain_middleware((test::lint(), server_header)).apply(hello);
//!
//! test::get("/")
//!     .send(&app)
//!     .await
//!     .assert_status(200)
//!     .assert_header("content-type", "text/plain; charset=utf-8")
//!     .assert_header("server", "shallot")
//!     .assert_body("hi user!");
//! # }
//! ```
//!
//! # The onion
//!
//! [`chain_middleware`] lists middlewares outermost first: the first sees the request first
//! and the response last.
//!
//! ```text
//!            request ─▶ ┌ m1 ┌ m2 ┌ m3 ┌─────────┐
//!                       │    │    │    │ handler │
//!           response ◀─ └ m1 └ m2 └ m3 └─────────┘
//! ```
//!
//! A middleware gets the request and [`Next`], the rest of the chain together with the
//! handler chosen so far. It may act before calling `next.run(req)`, after it, instead of it,
//! or choose another handler with [`Next::set_handler`] (that is what a router does).
//!
//! # Behaviour
//!
//! | condition | answer |
//! |---|---|
//! | a `HEAD` request | answered like a `GET` inside the pile; the server (and the test client) drop the body on the way out, keeping a known length as `content-length` ([`head_response`]) |
//! | a handler returns an [`HttpError`] | its status, `text/plain; charset=utf-8`, the message as the body |
//! | a handler panics | `500`, `Internal Server Error`, made inside the pile so outer middlewares see it |
//! | a request body announced over its limit reaches a handler | `413`, `Payload Too Large`, `connection: close`; the handler is not called |
//! | a handler reads a body over its limit, broken off, or stalled | `413` / `400` / `408` through [`BodyError`] |
//! | a handler asks for state the [`App`] was not given | `500` ([`StateExt::state`]) |
//! | [`wrap_error_renderer`] is in the pile | every [`HttpError`] answer rendered by its [`ErrorRenderer`] |
//!
//! # Stability
//!
//! The texts of error answers and the default options of every middleware are not covered by
//! semantic versioning: they may change in a minor release. Status codes and header rules are.

mod accept_encoding;
mod app;
mod body;
mod body_error;
mod body_limit;
mod catch_panic;
mod chain;
mod connection_info;
mod context;
mod error_renderer;
mod handler;
mod head;
mod header_lookup;
mod http_error;
mod into_response;
mod middleware;
mod next;
mod request;
mod request_body;
mod response;
mod shutdown;
mod state;
pub mod test;
mod vary;

pub use accept_encoding::{accepted_encodings, preferred_encoding};
pub use app::App;
pub use body::{Body, BoxError};
pub use body_error::{BodyError, BodyReadTimedOut};
pub use body_limit::{wrap_body_limit, BodyLimitMiddleware};
pub use catch_panic::{catch_panic, panic_message, CatchPanic, PanicPayload};
pub use chain::{chain_middleware, Chain, ChainHandler, IntoMiddlewares};
pub use connection_info::ConnectionInfo;
pub use error_renderer::{
    render_error, wrap_error_renderer, ErrorRenderer, ErrorRendererMiddleware, JsonErrors,
    PlainTextErrors,
};
pub use handler::{BoxFuture, Handler, SharedHandler};
pub use head::head_response;
pub use header_lookup::{find_header, find_only_header, has_header};
pub use http_error::HttpError;
pub use into_response::IntoResponse;
pub use middleware::{named, Middleware, Named, SharedMiddleware};
pub use next::Next;
pub use request::Request;
pub use request_body::{RequestBody, DEFAULT_BODY_LIMIT};
pub use response::{
    binary, html, redirect, status, stream, text, Response, APPLICATION_OCTET_STREAM,
    TEXT_HTML_UTF_8, TEXT_PLAIN_UTF_8,
};
pub use shutdown::{Shutdown, ShutdownGuard};
pub use state::{State, StateExt};
pub use vary::add_vary;

pub use bytes;
pub use http;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// docs/writing-middleware.md's code blocks, compiled and run with the core's tests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/writing-middleware.md")]
struct WritingMiddlewareDoctests;
