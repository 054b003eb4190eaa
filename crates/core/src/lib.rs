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
//! | a `HEAD` request | the handler's answer without its body; a known length is kept as `content-length` |
//! | a handler returns an [`HttpError`] | its status, `text/plain; charset=utf-8`, the message as the body |
//! | [`wrap_error_renderer`] is in the pile | every [`HttpError`] answer rendered by its [`ErrorRenderer`] |
//!
//! # Stability
//!
//! The texts of error answers and the default options of every middleware are not covered by
//! semantic versioning: they may change in a minor release. Status codes and header rules are.

mod body;
mod chain;
mod connection_info;
mod error_renderer;
mod handler;
mod http_error;
mod into_response;
mod middleware;
mod next;
mod request;
mod response;
pub mod test;

pub use body::{Body, BoxError};
pub use chain::{chain_middleware, Chain, ChainHandler, IntoMiddlewares};
pub use connection_info::ConnectionInfo;
pub use error_renderer::{
    render_error, wrap_error_renderer, ErrorRenderer, ErrorRendererMiddleware, JsonErrors,
    PlainTextErrors,
};
pub use handler::{BoxFuture, Handler, SharedHandler};
pub use http_error::HttpError;
pub use into_response::IntoResponse;
pub use middleware::{named, Middleware, Named, SharedMiddleware};
pub use next::Next;
pub use request::Request;
pub use response::{
    binary, html, redirect, status, stream, text, Response, APPLICATION_OCTET_STREAM,
    TEXT_HTML_UTF_8, TEXT_PLAIN_UTF_8,
};

pub use bytes;
pub use http;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
