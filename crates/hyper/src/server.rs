use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use shallot_core::{ConnectionInfo, ErrorRenderer, Handler};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};

use crate::lingering_stream::LingeringStream;
use crate::protocol::{detect, Protocol};
use crate::service::{handle, Shared};

/// The default request body limit: 2 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;
/// The default cap on a request's header block: 64 KiB.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 64 * 1024;
/// The default time a client has to send a whole request head: 30 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time in-flight requests get to finish after a shutdown signal: 10 s.
pub const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(10);
/// The default cap on a request target's length: 8 KiB (as nginx's default buffers).
pub const DEFAULT_MAX_URI_BYTES: usize = 8 * 1024;
/// The default cap on connections served at once: 10,000.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// The default time a write may wait for a client that does not read: 60 s.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// A bound HTTP server, configured and ready to serve a handler.
///
/// It speaks HTTP/1.1 (keep-alive, pipelining) and HTTP/2 with prior knowledge (h2c) on the
/// same port.
///
/// # Examples
///
/// ```
/// use shallot_hyper::Server;
/// use shallot_core::Request;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// let server = Server::bind("127.0.0.1:0").await?.with_body_limit(1024);
/// let addr = server.local_addr();
/// assert_ne!(addr.port(), 0);
/// // Serve until the future completes (here: at once, so the example ends).
/// server
///     .serve_until(|_req: Request| async { "hi user!" }, async {})
///     .await?;
/// # Ok(()) }
/// ```
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    body_limit: usize,
    max_header_bytes: usize,
    header_read_timeout: Duration,
    grace_period: Duration,
    max_uri_bytes: usize,
    max_connections: usize,
    write_timeout: Duration,
    error_renderer: Option<Arc<dyn ErrorRenderer>>,
}

impl Server {
    /// Binds a listener on `addr`; port `0` picks a free port (see [`Server::local_addr`]).
    ///
    /// # Errors
    ///
    /// Fails when the address cannot be resolved or bound.
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<Self> {
        Self::from_listener(TcpListener::bind(addr).await?)
    }

    /// Serves on a listener bound elsewhere.
    ///
    /// # Errors
    ///
    /// Fails when the listener's address cannot be read.
    pub fn from_listener(listener: TcpListener) -> io::Result<Self> {
        let local_addr = listener.local_addr()?;
        Ok(Self {
            listener,
            local_addr,
            body_limit: DEFAULT_BODY_LIMIT,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            grace_period: DEFAULT_GRACE_PERIOD,
            max_uri_bytes: DEFAULT_MAX_URI_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            error_renderer: None,
        })
    }

    /// The address the server listens on, with the real port.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The largest request body read, in bytes; a larger one is answered `413` without being
    /// read whole, and the connection is closed. Default: [`DEFAULT_BODY_LIMIT`].
    #[must_use]
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The largest request head (request line and headers), in bytes; a larger one is
    /// answered `431`. Values under 8 KiB are raised to 8 KiB (hyper's floor).
    /// Default: [`DEFAULT_MAX_HEADER_BYTES`].
    #[must_use]
    pub fn with_max_header_bytes(mut self, bytes: usize) -> Self {
        self.max_header_bytes = bytes.max(8 * 1024);
        self
    }

    /// How long a client has to send a whole request head once it starts one; a slower
    /// client is disconnected. Default: [`DEFAULT_HEADER_READ_TIMEOUT`].
    #[must_use]
    pub fn with_header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long in-flight requests get to finish after a shutdown signal before the server
    /// stops anyway. Default: [`DEFAULT_GRACE_PERIOD`].
    #[must_use]
    pub fn with_grace_period(mut self, grace: Duration) -> Self {
        self.grace_period = grace;
        self
    }

    /// The longest request target (path and query, and authority in absolute form), in
    /// bytes; a longer one is answered `414 URI Too Long`. Default: [`DEFAULT_MAX_URI_BYTES`].
    #[must_use]
    pub fn with_max_uri_bytes(mut self, bytes: usize) -> Self {
        self.max_uri_bytes = bytes;
        self
    }

    /// How many connections are served at once. At the cap the server stops accepting:
    /// new clients wait in the listen backlog until a connection ends, and nothing fails.
    /// Default: [`DEFAULT_MAX_CONNECTIONS`].
    #[must_use]
    pub fn with_max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// How long a write may wait for a client that does not read (a stalled download, a
    /// client that never reads its answers); after that the connection is closed.
    /// Default: [`DEFAULT_WRITE_TIMEOUT`].
    #[must_use]
    pub fn with_write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// Renders every error answer (those of the pile and the server's own: 400, 413, 500)
    /// with this renderer instead of plain text.
    #[must_use]
    pub fn with_error_renderer(mut self, renderer: impl ErrorRenderer) -> Self {
        self.error_renderer = Some(Arc::new(renderer));
        self
    }

    /// Serves `handler` until SIGINT (Ctrl-C) or SIGTERM, then shuts down gracefully.
    ///
    /// # Errors
    ///
    /// Fails when the signal handlers cannot be installed.
    pub async fn serve(self, handler: impl Handler) -> io::Result<()> {
        let signal = crate::shutdown_signal()?;
        self.serve_until(handler, signal).await
    }

    /// Serves `handler` until `shutdown` completes, then stops accepting, lets in-flight
    /// requests finish within the grace period, and returns.
    ///
    /// # Errors
    ///
    /// Never fails today; the `Result` leaves room for listener errors that cannot be
    /// retried.
    pub async fn serve_until(
        self,
        handler: impl Handler,
        shutdown: impl Future<Output = ()>,
    ) -> io::Result<()> {
        let shared = Arc::new(Shared {
            handler: Arc::new(handler),
            body_limit: self.body_limit,
            max_uri_bytes: self.max_uri_bytes,
            error_renderer: self.error_renderer.clone(),
        });
        let builders = Arc::new(self.connection_builders());
        let graceful = GracefulShutdown::new();
        // Connections still telling their protocol are not watched by `graceful` yet; this
        // tells them to give up at once instead of holding shutdown for the grace period.
        let (stopping, stop) = tokio::sync::watch::channel(false);
        tokio::pin!(shutdown);
        let permits = Arc::new(tokio::sync::Semaphore::new(self.max_connections));
        loop {
            // At the connection cap, stop accepting until a connection ends: clients wait in
            // the kernel's backlog rather than being refused.
            let permit = tokio::select! {
                permit = Arc::clone(&permits).acquire_owned() => permit.expect("the semaphore is never closed"),
                () = &mut shutdown => break,
            };
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, remote)) => {
                        let connection = Connection {
                            remote,
                            local: self.local_addr,
                            watcher: graceful.watcher(),
                            stop: stop.clone(),
                            permit,
                        };
                        spawn_connection(stream, connection, &shared, &builders);
                    }
                    Err(error) => accept_failed(error).await,
                },
                () = &mut shutdown => break,
            }
        }
        drop(self.listener);
        let _ = stopping.send(true);
        log::debug!("shutting down: {} connections open", graceful.count());
        if tokio::time::timeout(self.grace_period, graceful.shutdown())
            .await
            .is_err()
        {
            log::warn!(
                "grace period of {:?} ended with requests still in flight",
                self.grace_period
            );
        }
        Ok(())
    }

    fn connection_builders(&self) -> Builders {
        let mut h1 = http1::Builder::new();
        h1.timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout)
            .max_buf_size(self.max_header_bytes)
            // `pipeline_flush` stays off: with it, hyper 1.12 closes the connection without
            // flushing its own error answers (the 431 for a head too large is lost).
            // Pipelined requests are still answered in order, each flushed on its own.
            .keep_alive(true);
        let mut h2 = http2::Builder::new(TokioExecutor::new());
        h2.timer(TokioTimer::new())
            .max_header_list_size(u32::try_from(self.max_header_bytes).unwrap_or(u32::MAX));
        Builders {
            h1,
            h2,
            header_read_timeout: self.header_read_timeout,
            write_timeout: self.write_timeout,
        }
    }
}

/// The per-protocol connection settings, shared by every connection.
struct Builders {
    h1: http1::Builder,
    h2: http2::Builder<TokioExecutor>,
    header_read_timeout: Duration,
    write_timeout: Duration,
}

/// What one accepted connection carries into its task.
struct Connection {
    remote: SocketAddr,
    local: SocketAddr,
    watcher: Watcher,
    stop: tokio::sync::watch::Receiver<bool>,
    /// Held for the connection's life: its slot under the connection cap.
    permit: tokio::sync::OwnedSemaphorePermit,
}

/// Serves one connection in its own task. The protocol is told from the first bytes (see
/// [`detect`]) rather than by hyper-util's `auto` builder, whose connections cost 6.6 KiB
/// more each, idle (docs/performance.md). An HTTP/2 connection gets a task of its own, so an
/// HTTP/1.1 task carries nothing of HTTP/2.
fn spawn_connection(
    stream: TcpStream,
    connection: Connection,
    shared: &Arc<Shared>,
    builders: &Arc<Builders>,
) {
    let Connection {
        remote,
        local,
        watcher,
        mut stop,
        permit,
    } = connection;
    // Small answers must not wait for Nagle's algorithm (an extra 40 ms with delayed ACKs).
    if let Err(error) = stream.set_nodelay(true) {
        log::debug!("set_nodelay failed for {remote}: {error}");
    }
    let info = ConnectionInfo::new(remote, local, false);
    let shared = Arc::clone(shared);
    let builders = Arc::clone(builders);
    tokio::spawn(async move {
        let _permit = permit;
        let protocol = tokio::select! {
            detected = detect(&stream, builders.header_read_timeout) => match detected {
                Ok(protocol) => protocol,
                Err(error) => {
                    log::debug!("connection from {remote} sent no request: {error}");
                    return;
                }
            },
            _ = stop.wait_for(|stopping| *stopping) => return,
        };
        let service = hyper::service::service_fn(move |req| handle(&shared, info, req));
        let io = TokioIo::new(LingeringStream::new(stream, builders.write_timeout));
        let result = match protocol {
            Protocol::Http1 => {
                watcher
                    .watch(builders.h1.serve_connection(io, service))
                    .await
            }
            Protocol::Http2 => {
                let connection = watcher.watch(builders.h2.serve_connection(io, service));
                tokio::spawn(async move {
                    let _permit = _permit;
                    if let Err(error) = connection.await {
                        log::debug!("HTTP/2 connection from {remote} ended with an error: {error}");
                    }
                });
                return;
            }
        };
        if let Err(error) = result {
            log::debug!("connection from {remote} ended with an error: {error}");
        }
    });
}

/// Accept errors are mostly transient (a client reset before accept, or the process out of
/// file descriptors). Waiting a little keeps an fd shortage from turning into a busy loop.
async fn accept_failed(error: io::Error) {
    log::debug!("accept failed: {error}");
    tokio::time::sleep(Duration::from_millis(50)).await;
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .field("body_limit", &self.body_limit)
            .field("max_header_bytes", &self.max_header_bytes)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("grace_period", &self.grace_period)
            .field("max_uri_bytes", &self.max_uri_bytes)
            .field("max_connections", &self.max_connections)
            .field("write_timeout", &self.write_timeout)
            .field("error_renderer", &self.error_renderer.is_some())
            .finish()
    }
}
