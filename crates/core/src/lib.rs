#![doc = include_str!("../README.md")]

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
