use shallot_forwarded::TrustedProxies;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use shallot_core::{ErrorRenderer, Handler};
use tokio::net::{TcpListener, ToSocketAddrs};

use crate::connection::{accept_failed, spawn_connection, Builders, Connection};
use crate::header_timer::HeaderTimer;
use crate::service::ServerContext;

pub use shallot_core::DEFAULT_BODY_LIMIT;
/// The default time a client may pause while sending a request body that is being read: 30 s.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The default cap on a request's header block: 64 KiB.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 64 * 1024;
/// The default time a client has to send a whole request head: 30 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time in-flight requests get to finish after a shutdown signal: 10 s.
pub const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(10);
/// The default time a TLS client gets to finish its handshake: 10 s.
pub const DEFAULT_TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
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
    body_limit: u64,
    body_read_timeout: Duration,
    max_header_bytes: usize,
    header_read_timeout: Duration,
    grace_period: Duration,
    max_uri_bytes: usize,
    max_connections: usize,
    write_timeout: Duration,
    error_renderer: Option<Arc<dyn ErrorRenderer>>,
    trusted_proxies: Option<Arc<TrustedProxies>>,
    #[cfg(feature = "tls")]
    tls: Option<crate::TlsConfig>,
    #[cfg(feature = "tls")]
    tls_handshake_timeout: Duration,
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
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            grace_period: DEFAULT_GRACE_PERIOD,
            max_uri_bytes: DEFAULT_MAX_URI_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            error_renderer: None,
            trusted_proxies: None,
            #[cfg(feature = "tls")]
            tls: None,
            #[cfg(feature = "tls")]
            tls_handshake_timeout: DEFAULT_TLS_HANDSHAKE_TIMEOUT,
        })
    }

    /// The address the server listens on, with the real port.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The body limit every request starts with, in bytes: a body announced larger is
    /// answered `413` before its handler runs, and one that grows larger while being read
    /// fails the read with `413`; either way the rest is not read and the connection is
    /// closed. A middleware may raise or lower it for the requests it sees
    /// ([`wrap_body_limit`](shallot_core::wrap_body_limit)). Default: [`DEFAULT_BODY_LIMIT`].
    #[must_use]
    pub fn with_body_limit(mut self, bytes: u64) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long a client may pause while a request body is being read (a client that stops
    /// sending mid-upload); after that the read fails with `408 Request Timeout` and the
    /// connection is closed. Default: [`DEFAULT_BODY_READ_TIMEOUT`].
    #[must_use]
    pub fn with_body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
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

    /// How long a client has to send a whole request head once it starts one (or, on an
    /// idle keep-alive connection, to start the next one); a slower client is disconnected
    /// within an eighth of `timeout` after it (at most 1 s later: deadlines are checked by one
    /// sweep per server). Default: [`DEFAULT_HEADER_READ_TIMEOUT`].
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

    /// Believes the forwarding headers (`Forwarded`, `X-Forwarded-For/-Proto/-Host`) of
    /// requests whose peer is one of these proxies: every request's
    /// [`ConnectionInfo`](shallot_core::ConnectionInfo) then names the client (address,
    /// scheme) and its `Host` the host the client asked for, before the pile runs
    /// (shallot-forwarded's rules). Default: nobody is trusted, the headers are ignored.
    #[must_use]
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = (!proxies.is_empty()).then(|| Arc::new(proxies));
        self
    }

    /// Serves HTTPS with this certificate and key instead of plain HTTP: ALPN picks HTTP/2 or
    /// HTTP/1.1 per connection, every request's [`ConnectionInfo`](shallot_core::ConnectionInfo)
    /// says `https`. A client that speaks plain HTTP to this port, or does not finish its
    /// handshake within the handshake timeout (10 s), is disconnected.
    #[cfg(feature = "tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    #[must_use]
    pub fn with_tls(mut self, tls: crate::TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// How long a TLS client may take to finish its handshake (default 10 s).
    #[cfg(feature = "tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    #[must_use]
    pub fn with_tls_handshake_timeout(mut self, timeout: Duration) -> Self {
        self.tls_handshake_timeout = timeout;
        self
    }

    /// `https` when serving TLS, else `http`: for the start-up line.
    pub fn scheme(&self) -> &'static str {
        #[cfg(feature = "tls")]
        if self.tls.is_some() {
            return "https";
        }
        "http"
    }

    /// Serves `handler` until SIGINT (Ctrl-C) or SIGTERM, then shuts down gracefully.
    ///
    /// The handler's start-up hooks ([`App::on_start`](shallot_core::App::on_start)) run
    /// before the first connection is accepted, and its shutdown hooks after the last
    /// request was answered.
    ///
    /// # Errors
    ///
    /// Fails when the signal handlers cannot be installed, or when a start-up hook fails
    /// (the error is the hook's, wrapped in an [`io::Error`] of kind `Other`).
    pub async fn serve(self, handler: impl Handler) -> io::Result<()> {
        let signal = crate::shutdown_signal()?;
        self.serve_until(handler, signal).await
    }

    /// Serves `handler` until `shutdown` completes, then stops accepting, lets in-flight
    /// requests finish within the grace period, runs the shutdown hooks and returns.
    ///
    /// The start-up hooks run first; no connection is accepted before they all succeeded
    /// (clients that connect meanwhile wait in the listen backlog).
    ///
    /// # Errors
    ///
    /// Fails when a start-up hook fails: its error, wrapped in an [`io::Error`] of kind
    /// `Other`; nothing was served.
    pub async fn serve_until(
        self,
        handler: impl Handler,
        shutdown: impl Future<Output = ()>,
    ) -> io::Result<()> {
        let handler: Arc<dyn Handler> = Arc::new(handler);
        handler.start().await.map_err(io::Error::other)?;
        // For applications with a `log` logger: the real address (port 0 picks one). Without
        // a logger this says nothing; `Server::local_addr` gives the same before serving.
        log::info!("listening on {}://{}", self.scheme(), self.local_addr);
        let shared = Arc::new(ServerContext {
            handler: Arc::clone(&handler),
            body_limit: self.body_limit,
            body_read_timeout: self.body_read_timeout,
            max_uri_bytes: self.max_uri_bytes,
            max_header_bytes: self.max_header_bytes,
            error_renderer: self.error_renderer.clone(),
            trusted_proxies: self.trusted_proxies.clone(),
            shutdown: shallot_core::Shutdown::new(),
        });
        let (builders, header_timer_sweep) = self.connection_builders();
        let builders = Arc::new(builders);
        // Ends by itself once the last connection (and the builders) are gone.
        tokio::spawn(header_timer_sweep);
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
                            guard: shared.shutdown.track(),
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
        // Every connection is told at once: one still telling its protocol (or in its TLS
        // handshake) gives up, HTTP ones finish the requests in flight and take no more,
        // upgraded ones (WebSockets) say goodbye (1001); all within the grace period.
        shared.shutdown.trigger();
        log::debug!(
            "shutting down: {} connections open",
            shared.shutdown.tracked()
        );
        if tokio::time::timeout(self.grace_period, shared.shutdown.all_done())
            .await
            .is_err()
        {
            log::warn!(
                "grace period of {:?} ended with requests still in flight",
                self.grace_period
            );
        }
        handler.stop().await;
        Ok(())
    }

    /// The connection builders, and the sweep of the HTTP/1 header-read timer to spawn.
    fn connection_builders(&self) -> (Builders, impl Future<Output = ()> + Send + 'static) {
        let mut h1 = http1::Builder::new();
        // hyper's only use of the HTTP/1 timer is the header-read timeout, armed for every
        // request head: a timer whose sleeps cost two slab operations (header_timer.rs).
        let (header_timer, header_timer_sweep) = HeaderTimer::new(self.header_read_timeout);
        h1.timer(header_timer)
            .header_read_timeout(self.header_read_timeout)
            // hyper's own cap is on its read buffer, which may hold body bytes too; the exact
            // cap on the head is checked per request (request_line.rs), so the buffer gets
            // room for a head at the cap and a maximal target.
            .max_buf_size(self.max_header_bytes + self.max_uri_bytes + 8 * 1024)
            // `pipeline_flush` stays off: with it, hyper 1.12 closes the connection without
            // flushing its own error answers (the 431 for a head too large is lost).
            // Pipelined requests are still answered in order, each flushed on its own.
            .keep_alive(true);
        let mut h2 = http2::Builder::new(TokioExecutor::new());
        h2.timer(TokioTimer::new())
            .max_header_list_size(u32::try_from(self.max_header_bytes).unwrap_or(u32::MAX));
        let builders = Builders {
            h1,
            h2,
            header_read_timeout: self.header_read_timeout,
            write_timeout: self.write_timeout,
            #[cfg(feature = "tls")]
            tls: self.tls.as_ref().map(|tls| {
                (
                    tokio_rustls::TlsAcceptor::from(Arc::clone(&tls.server)),
                    self.tls_handshake_timeout,
                )
            }),
        };
        (builders, header_timer_sweep)
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .field("body_limit", &self.body_limit)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("max_header_bytes", &self.max_header_bytes)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("grace_period", &self.grace_period)
            .field("max_uri_bytes", &self.max_uri_bytes)
            .field("max_connections", &self.max_connections)
            .field("write_timeout", &self.write_timeout)
            .field("error_renderer", &self.error_renderer.is_some())
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}
