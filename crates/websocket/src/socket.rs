use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use shallot_core::Shutdown;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::WebSocketStream;

/// How long the server waits for the client's answer to its close frame.
const CLOSE_REPLY_WAIT: Duration = Duration::from_secs(2);

/// A message of a WebSocket: text (valid UTF-8, checked) or binary. Pings are answered and
/// closes completed by [`WebSocket`] itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A text message.
    Text(String),
    /// A binary message.
    Binary(Bytes),
}

/// Why a WebSocket ended: the close code and reason sent or received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    /// The close code (1000 normal, 1001 going away, 1002 protocol error, 1007 invalid
    /// UTF-8, 1009 message too big, 1013 try again later…), `None` for an empty close frame
    /// or a connection that simply ended.
    pub code: Option<u16>,
    /// The reason given with the code.
    pub reason: String,
    /// Whether the server closed first (a limit, a protocol error, a shutdown, a handler's
    /// `close`), rather than the client.
    pub by_server: bool,
}

/// An upgraded connection, handed to the handler given to
/// [`websocket`](crate::websocket()). [`WebSocket::recv`] returns messages until the
/// connection closes, for whatever reason, having completed the close handshake; the
/// connection's TCP socket is closed when the `WebSocket` is dropped.
pub struct WebSocket {
    stream: WebSocketStream<TokioIo<Upgraded>>,
    protocol: Option<String>,
    shutdown: Option<Shutdown>,
    closed: Option<Closed>,
}

impl fmt::Debug for WebSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocket")
            .field("protocol", &self.protocol)
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

/// A message could not be sent: the connection is closed or broken.
#[derive(Debug)]
pub struct SendError(WsError);

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebSocket send failed: {}", self.0)
    }
}

impl std::error::Error for SendError {}

impl WebSocket {
    pub(crate) fn new(
        stream: WebSocketStream<TokioIo<Upgraded>>,
        protocol: Option<String>,
        shutdown: Option<Shutdown>,
    ) -> Self {
        Self {
            stream,
            protocol,
            shutdown,
            closed: None,
        }
    }

    /// The subprotocol selected in the handshake, if any.
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_deref()
    }

    /// How the connection ended, once [`WebSocket::recv`] returned `None`.
    pub fn closed(&self) -> Option<&Closed> {
        self.closed.as_ref()
    }

    /// The next text or binary message (fragmented messages reassembled, UTF-8 checked);
    /// `None` once the connection is closed. Pings are answered with pongs on the way.
    ///
    /// Closing is handled here: a client's close frame is answered with the same code; a
    /// message over the size limit closes with 1009, invalid UTF-8 with 1007, a protocol
    /// violation with 1002, and a server shutdown with 1001. Cancel-safe: it may be used in
    /// `tokio::select!` next to another source (a broadcast channel, say).
    pub async fn recv(&mut self) -> Option<Message> {
        if self.closed.is_some() {
            return None;
        }
        loop {
            let shutdown = self.shutdown.as_ref().map(Shutdown::triggered);
            let next = tokio::select! {
                biased;
                () = async { match shutdown { Some(s) => s.await, None => std::future::pending().await } } => {
                    self.close_with(1001, "server shutting down").await;
                    return None;
                }
                next = self.stream.next() => next,
            };
            match next {
                Some(Ok(WsMessage::Text(text))) => {
                    return Some(Message::Text(text.as_str().to_owned()))
                }
                Some(Ok(WsMessage::Binary(bytes))) => return Some(Message::Binary(bytes)),
                Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_))) => {
                    // The pong is queued by tungstenite; send it now rather than with the
                    // next message.
                    let _ = self.stream.flush().await;
                }
                Some(Ok(WsMessage::Close(frame))) => {
                    // tungstenite queued the reply (the same code; 1002 for a code that is
                    // not allowed on the wire): send it, and the connection is done.
                    let _ = self.stream.flush().await;
                    self.closed = Some(Closed {
                        code: frame.as_ref().map(|f| u16::from(f.code)),
                        reason: frame
                            .map(|f| f.reason.as_str().to_owned())
                            .unwrap_or_default(),
                        by_server: false,
                    });
                    return None;
                }
                Some(Err(error)) => {
                    match error {
                        WsError::Capacity(CapacityError::MessageTooLong { .. }) => {
                            self.close_with(1009, "message too big").await;
                        }
                        WsError::Utf8(_) => self.close_with(1007, "invalid UTF-8").await,
                        WsError::Protocol(_) | WsError::Capacity(_) | WsError::AttackAttempt => {
                            self.close_with(1002, "protocol error").await;
                        }
                        _ => self.ended(),
                    }
                    return None;
                }
                None => {
                    self.ended();
                    return None;
                }
            }
        }
    }

    fn ended(&mut self) {
        self.closed.get_or_insert(Closed {
            code: None,
            reason: String::new(),
            by_server: false,
        });
    }

    /// Sends a message.
    ///
    /// # Errors
    ///
    /// When the connection is closed or broken.
    pub async fn send(&mut self, message: Message) -> Result<(), SendError> {
        let message = match message {
            Message::Text(text) => WsMessage::text(text),
            Message::Binary(bytes) => WsMessage::binary(bytes),
        };
        self.stream.send(message).await.map_err(SendError)
    }

    /// Closes the connection with `code` and `reason`: sends the close frame, waits briefly
    /// (2 s at most) for the client's, and ends. Later [`WebSocket::recv`] calls return `None`.
    pub async fn close(&mut self, code: u16, reason: &str) {
        self.close_with(code, reason).await;
    }

    async fn close_with(&mut self, code: u16, reason: &str) {
        if self.closed.is_some() {
            return;
        }
        self.closed = Some(Closed {
            code: Some(code),
            reason: reason.to_owned(),
            by_server: true,
        });
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_owned().into(),
        };
        if self
            .stream
            .send(WsMessage::Close(Some(frame)))
            .await
            .is_err()
        {
            return;
        }
        // The client answers with its own close frame; anything before it is discarded.
        let _ = tokio::time::timeout(CLOSE_REPLY_WAIT, async {
            while let Some(Ok(message)) = self.stream.next().await {
                if matches!(message, WsMessage::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
}
