//! The hyper 1 server adapter for shallot: serves any [`Handler`](shallot_core::Handler)
//! (usually a whole pile) over HTTP/1.1 and HTTP/2.
//!
//! ```
//! use shallot_core::{chain_middleware, Request};
//! use shallot_hyper::Server;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
//! let app = chain_middleware(()).apply(|_req: Request| async { "hi user!" });
//! let server = Server::bind("127.0.0.1:0").await?;
//! println!("listening on http://{}", server.local_addr());
//! // `serve` runs until SIGINT or SIGTERM; `serve_until` until a future completes.
//! server.serve_until(app, async {}).await?;
//! # Ok(()) }
//! ```
//!
//! # Behaviour
//!
//! | condition | answer |
//! |---|---|
//! | HTTP/1.1 request without `Host`, with two, or with an invalid one | `400`, `Bad Request: missing or invalid Host`, connection closed |
//! | HTTP/1.1 request with both `Content-Length` and `Transfer-Encoding` | framed by `Transfer-Encoding` alone, then the connection is closed (hyper, RFC 9112 §6.3) |
//! | request body announced over its limit (2 MiB by default; a middleware may change it per route) | `413`, `Payload Too Large`, before the handler runs, connection closed without reading the body |
//! | request body growing over its limit while a handler reads it (chunked) | the read fails: `413`, connection closed without reading the rest |
//! | client pauses over 30 s while its body is being read | the read fails: `408`, `Request Timeout`, connection closed |
//! | request head over 64 KiB (counted as the lines a client sends: one byte over is too much, for one huge header as for many small ones), or more than 100 header lines (hyper's count, kept so that headers are parsed on the stack) | `431`, connection closed |
//! | a request target that is not a path (`GET index.html`, `GET a.test:80`, `GET *`; RFC 9112 §3.2) | `400`, connection closed |
//! | `OPTIONS *` | `200`, `Allow: GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS`, answered by the server |
//! | `CONNECT` (this is not a proxy), or a transfer coding other than `chunked` (RFC 9112 §6.1) | `501`, connection closed |
//! | request head not complete within 30 s (an idle keep-alive connection included) | connection closed |
//! | request target over 8 KiB | `414`, `URI Too Long` |
//! | 10,000 connections open | no more accepted until one ends (clients wait in the backlog) |
//! | a client that does not read for 60 s while an answer is being written | connection closed |
//! | the server closes a connection the client still writes on | the answer is followed by a FIN and the client's bytes are drained for up to 2 s, so the answer is not lost to a RST |
//! | chunked body broken off or malformed, while a handler reads it | `400`, `Bad Request: unreadable body`, connection closed |
//! | a `HEAD` request | the `GET` answer's status and headers, no body ([`head_response`](shallot_core::head_response)) |
//! | the handler panics | `500`, `Internal Server Error`, made inside the pile; the server keeps serving |
//! | a middleware panics | `500`, `Internal Server Error`, made here as a last resort; the panic is logged |
//! | a start-up hook fails | `serve` returns its error before accepting a connection |
//! | a streamed body panics | the connection is closed (the status line is already sent) |
//! | SIGINT, SIGTERM or the shutdown future | stop accepting; in-flight requests finish within the grace period (10 s); then the shutdown hooks run |
//!
//! With the `tls` feature and [`Server::with_tls`] (a [`TlsConfig`] from PEM files or memory),
//! the same port serves HTTPS only: rustls with the `ring` provider, ALPN `h2` then
//! `http/1.1`, every request's `ConnectionInfo` saying `https`. A client that speaks plain HTTP
//! to it, or does not finish its handshake within 10 s (`with_tls_handshake_timeout`), is
//! disconnected without holding anything but its own socket.
//!
//! Connection errors are logged at `debug` level through the `log` crate, never printed.
//!
//! # Options
//!
//! See [`Server`]: `with_body_limit`, `with_body_read_timeout`, `with_max_header_bytes`, `with_max_uri_bytes`,
//! `with_header_read_timeout`, `with_write_timeout`, `with_max_connections`,
//! `with_grace_period`, `with_error_renderer`, `with_trusted_proxies`, and with the `tls`
//! feature `with_tls`, `with_tls_handshake_timeout`.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod catch_panic;
mod connection;
mod content_length;
mod header_timer;
mod host;
mod lingering_stream;
mod protocol;
mod request_body;
mod request_line;
mod server;
mod service;
mod shutdown;
#[cfg(feature = "tls")]
mod tls;

pub use server::{
    Server, DEFAULT_BODY_LIMIT, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_GRACE_PERIOD,
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_HEADER_BYTES,
    DEFAULT_MAX_URI_BYTES, DEFAULT_TLS_HANDSHAKE_TIMEOUT, DEFAULT_WRITE_TIMEOUT,
};
pub use shutdown::shutdown_signal;
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub use tls::{TlsConfig, TlsError};

/// Binds `addr` and serves `handler` until SIGINT or SIGTERM, with the default options.
///
/// # Errors
///
/// Fails when the address cannot be bound or the signal handlers cannot be installed.
pub async fn serve(
    addr: impl tokio::net::ToSocketAddrs,
    handler: impl shallot_core::Handler,
) -> std::io::Result<()> {
    Server::bind(addr).await?.serve(handler).await
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// docs/tls.md's code blocks, compiled with the server's tests.
#[cfg(all(doctest, feature = "tls"))]
#[doc = include_str!("../../../docs/tls.md")]
struct TlsDocDoctests;
