#![doc = include_str!("../README.md")]
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
