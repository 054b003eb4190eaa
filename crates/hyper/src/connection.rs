use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use shallot_core::ConnectionInfo;
use tokio::net::TcpStream;

use crate::lingering_stream::LingeringStream;
use crate::protocol::{detect, Protocol};
use crate::service::{handle, ServerContext};

/// The per-protocol connection settings, shared by every connection.
pub(crate) struct Builders {
    pub(crate) h1: http1::Builder,
    pub(crate) h2: http2::Builder<TokioExecutor>,
    pub(crate) header_read_timeout: Duration,
    pub(crate) write_timeout: Duration,
    /// The TLS acceptor and its handshake timeout, when serving HTTPS.
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<(tokio_rustls::TlsAcceptor, Duration)>,
}

/// What one accepted connection carries into its task.
pub(crate) struct Connection {
    pub(crate) remote: SocketAddr,
    pub(crate) local: SocketAddr,
    /// Counts the connection for the server's drain, from accept to its end.
    pub(crate) guard: shallot_core::ShutdownGuard,
    /// Held for the connection's life: its slot under the connection cap.
    pub(crate) permit: tokio::sync::OwnedSemaphorePermit,
}

/// Serves one connection in its own task. The protocol is told from the first bytes (see
/// [`detect`]) rather than by hyper-util's `auto` builder, whose connections cost 6.6 KiB
/// more each, idle (docs/performance.md). An HTTP/2 connection gets a task of its own, so an
/// HTTP/1.1 task carries nothing of HTTP/2.
pub(crate) fn spawn_connection(
    stream: TcpStream,
    connection: Connection,
    shared: &Arc<ServerContext>,
    builders: &Arc<Builders>,
) {
    let Connection {
        remote,
        local,
        guard,
        permit,
    } = connection;
    // Small answers must not wait for Nagle's algorithm (an extra 40 ms with delayed ACKs).
    if let Err(error) = stream.set_nodelay(true) {
        log::debug!("set_nodelay failed for {remote}: {error}");
    }
    #[cfg(feature = "tls")]
    if let Some((acceptor, handshake_timeout)) = builders.tls.clone() {
        let info = ConnectionInfo::new(remote, local, true);
        let shared = Arc::clone(shared);
        let builders = Arc::clone(builders);
        tokio::spawn(async move {
            let io = LingeringStream::new(stream, builders.write_timeout);
            // A client that speaks plain HTTP, or stalls, fails here and harms no one else.
            let handshake = tokio::time::timeout(handshake_timeout, acceptor.accept(io));
            let tls = tokio::select! {
                done = handshake => match done {
                    Ok(Ok(tls)) => tls,
                    Ok(Err(error)) => {
                        log::debug!("TLS handshake with {remote} failed: {error}");
                        return;
                    }
                    Err(_) => {
                        log::debug!("TLS handshake with {remote} timed out");
                        return;
                    }
                },
                () = shared.shutdown.triggered() => return,
            };
            let protocol = match tls.get_ref().1.alpn_protocol() {
                Some(b"h2") => Protocol::Http2,
                _ => Protocol::Http1,
            };
            serve(
                tls, protocol, info, &shared, &builders, guard, permit, remote,
            )
            .await;
        });
        return;
    }
    let info = ConnectionInfo::new(remote, local, false);
    let shared = Arc::clone(shared);
    let builders = Arc::clone(builders);
    tokio::spawn(async move {
        let protocol = tokio::select! {
            detected = detect(&stream, builders.header_read_timeout) => match detected {
                Ok(protocol) => protocol,
                Err(error) => {
                    log::debug!("connection from {remote} sent no request: {error}");
                    return;
                }
            },
            () = shared.shutdown.triggered() => return,
        };
        let io = LingeringStream::new(stream, builders.write_timeout);
        serve(
            io, protocol, info, &shared, &builders, guard, permit, remote,
        )
        .await;
    });
}

/// Serves HTTP on an established connection (plain or TLS) until it ends. An HTTP/2
/// connection gets a task of its own, so an HTTP/1.1 task carries nothing of HTTP/2.
#[allow(clippy::too_many_arguments)] // one call site per transport; a struct would only rename them
async fn serve<I>(
    io: I,
    protocol: Protocol,
    info: ConnectionInfo,
    shared: &Arc<ServerContext>,
    builders: &Builders,
    guard: shallot_core::ShutdownGuard,
    permit: tokio::sync::OwnedSemaphorePermit,
    remote: SocketAddr,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let triggered = shared.shutdown.triggered();
    let shared = Arc::clone(shared);
    let service = hyper::service::service_fn(move |req| handle(&shared, info, req));
    let io = TokioIo::new(io);
    let result = match protocol {
        Protocol::Http1 => {
            let connection = builders.h1.serve_connection(io, service).with_upgrades();
            until_shutdown(connection, triggered, |c| c.graceful_shutdown()).await
        }
        Protocol::Http2 => {
            let connection = builders.h2.serve_connection(io, service);
            tokio::spawn(async move {
                let (_permit, _guard) = (permit, guard);
                if let Err(error) =
                    until_shutdown(connection, triggered, |c| c.graceful_shutdown()).await
                {
                    log::debug!("HTTP/2 connection from {remote} ended with an error: {error}");
                }
            });
            return;
        }
    };
    drop(guard);
    drop(permit);
    if let Err(error) = result {
        log::debug!("connection from {remote} ended with an error: {error}");
    }
}

/// Runs a connection to its end; once the server's shutdown is triggered, asks it to finish
/// gracefully (answer what is in flight, accept no new request) and waits for that.
async fn until_shutdown<C>(
    connection: C,
    triggered: impl std::future::Future<Output = ()>,
    graceful: impl FnOnce(std::pin::Pin<&mut C>),
) -> C::Output
where
    C: std::future::Future,
{
    tokio::pin!(connection);
    tokio::pin!(triggered);
    tokio::select! {
        done = &mut connection => return done,
        () = &mut triggered => graceful(connection.as_mut()),
    }
    connection.await
}

/// Accept errors are mostly transient (a client reset before accept, or the process out of
/// file descriptors). Waiting a little keeps an fd shortage from turning into a busy loop.
pub(crate) async fn accept_failed(error: io::Error) {
    log::debug!("accept failed: {error}");
    tokio::time::sleep(Duration::from_millis(50)).await;
}
