use std::fmt;
use std::future::Future;
use std::sync::Arc;

use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use shallot_core::http::header::{
    CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_PROTOCOL, UPGRADE,
};
use shallot_core::http::{HeaderValue, StatusCode};
use shallot_core::{
    status, BoxFuture, Handler, HttpError, IntoResponse, Request, Response, Shutdown,
};

use crate::handshake::{check, Rules};
use crate::WebSocket;

/// The default size limit of a message (and of a frame): 1 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 1024 * 1024;

type OnSocket = dyn Fn(WebSocket) -> BoxFuture<()> + Send + Sync;

/// A handler that upgrades valid WebSocket handshakes and runs `on_socket` with each
/// connection; see the crate docs.
pub fn websocket<F, Fut>(on_socket: F) -> WebSocketHandler
where
    F: Fn(WebSocket) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    WebSocketHandler {
        on_socket: Arc::new(move |socket| Box::pin(on_socket(socket))),
        protocols: Vec::new(),
        origin_allowed: Arc::new(|_| false),
        max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
    }
}

/// The handler made by [`websocket`].
#[derive(Clone)]
pub struct WebSocketHandler {
    on_socket: Arc<OnSocket>,
    protocols: Vec<String>,
    origin_allowed: Arc<dyn Fn(&HeaderValue) -> bool + Send + Sync>,
    max_message_size: usize,
}

impl fmt::Debug for WebSocketHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocketHandler")
            .field("protocols", &self.protocols)
            .field("max_message_size", &self.max_message_size)
            .finish_non_exhaustive()
    }
}

impl WebSocketHandler {
    /// The subprotocols this endpoint speaks; the first the client offers (in its order) is
    /// selected. None by default: no `Sec-WebSocket-Protocol` is ever answered.
    #[must_use]
    pub fn with_protocols<I>(mut self, protocols: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.protocols = protocols.into_iter().map(Into::into).collect();
        self
    }

    /// Origins allowed besides the server's own (cross-site WebSocket hijacking protection:
    /// a browser always sends `Origin`, and by default only same-origin pages may connect;
    /// clients that send no `Origin` are not browsers and are allowed).
    #[must_use]
    pub fn with_origin_check(
        mut self,
        allowed: impl Fn(&HeaderValue) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.origin_allowed = Arc::new(allowed);
        self
    }

    /// The largest message (and frame) accepted, in bytes (default 1 MiB; exactly that much
    /// is accepted). A larger one closes the connection with 1009.
    #[must_use]
    pub fn with_max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    fn answer(&self, mut req: Request) -> Result<Response, HttpError> {
        let rules = Rules {
            protocols: &self.protocols,
            origin_allowed: &*self.origin_allowed,
        };
        let handshake = check(&req, &rules)?;
        if req.extensions().get::<OnUpgrade>().is_none() {
            return Err(HttpError::because(
                StatusCode::BAD_REQUEST,
                "this connection cannot be upgraded (WebSockets need HTTP/1.1 through the hyper adapter)",
            ));
        }
        let on_upgrade = hyper::upgrade::on(&mut req);
        let shutdown = Shutdown::of(&req).cloned();
        let guard = shutdown.as_ref().map(Shutdown::track);
        let protocol = handshake
            .protocol
            .as_ref()
            .and_then(|p| p.to_str().ok())
            .map(str::to_owned);
        let max_message_size = self.max_message_size;
        let on_socket = Arc::clone(&self.on_socket);
        tokio::spawn(async move {
            let _guard = guard;
            match on_upgrade.await {
                Ok(upgraded) => {
                    let io = TokioIo::new(upgraded);
                    on_socket(WebSocket::upgraded(io, max_message_size, protocol, shutdown).await)
                        .await;
                }
                Err(error) => log::debug!("WebSocket upgrade failed: {error}"),
            }
        });
        let mut res = status(StatusCode::SWITCHING_PROTOCOLS);
        let headers = res.headers_mut();
        headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(SEC_WEBSOCKET_ACCEPT, handshake.accept);
        if let Some(protocol) = handshake.protocol {
            headers.insert(SEC_WEBSOCKET_PROTOCOL, protocol);
        }
        Ok(res)
    }
}

impl Handler for WebSocketHandler {
    fn call(&self, req: Request) -> BoxFuture<Response> {
        let res = self.answer(req).into_response();
        Box::pin(std::future::ready(res))
    }
}
