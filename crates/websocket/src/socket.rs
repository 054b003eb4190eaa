use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use shallot_core::Shutdown;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError, ProtocolError};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
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
    stream: WebSocketStream<Box<dyn Connection>>,
    protocol: Option<String>,
    shutdown: Option<Shutdown>,
    closed: Option<Closed>,
}

/// The byte stream under a [`WebSocket`]: hyper's upgraded connection, or any other (an
/// in-memory pipe in a test). Boxed, so that `WebSocket` has one type whatever carries it; a
/// read or write goes through one more pointer, next to a system call.
trait Connection: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<C: AsyncRead + AsyncWrite + Unpin + Send + 'static> Connection for C {}

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
    /// The server's side of a WebSocket over `connection`, a byte stream whose opening
    /// handshake is already done; a message or frame over `max_message_size` bytes closes it
    /// with 1009 (exactly that many are accepted). [`websocket`](crate::websocket()) makes
    /// sockets this way over the upgraded connection; call it yourself for a connection
    /// upgraded by other means, or to drive a socket from a test through an in-memory pipe.
    ///
    /// # Examples
    ///
    /// ```
    /// use shallot_websocket::{Message, WebSocket};
    /// use tokio::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let (server_side, mut client) = tokio::io::duplex(1024);
    /// let mut socket = WebSocket::over_connection(server_side, 1024).await;
    ///
    /// // A masked text frame "hi" from the client, then its close frame (code 1000).
    /// client.write_all(&[0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2]).await.unwrap();
    /// client.write_all(&[0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]).await.unwrap();
    /// assert_eq!(socket.recv().await, Some(Message::Text("hi".into())));
    /// assert_eq!(socket.recv().await, None);
    /// assert_eq!(socket.closed().unwrap().code, Some(1000));
    ///
    /// // The server answered the close with the same code, unmasked.
    /// drop(socket);
    /// let mut answer = Vec::new();
    /// client.read_to_end(&mut answer).await.unwrap();
    /// assert_eq!(answer, [0x88, 0x02, 0x03, 0xe8]);
    /// # }
    /// ```
    pub async fn over_connection<C>(connection: C, max_message_size: usize) -> Self
    where
        C: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        Self::upgraded(connection, max_message_size, None, None).await
    }

    /// [`WebSocket::over_connection`] with the handshake's subprotocol and the server's
    /// shutdown (which closes the socket with 1001).
    pub(crate) async fn upgraded<C>(
        connection: C,
        max_message_size: usize,
        protocol: Option<String>,
        shutdown: Option<Shutdown>,
    ) -> Self
    where
        C: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let config = WebSocketConfig::default()
            .max_message_size(Some(max_message_size))
            .max_frame_size(Some(max_message_size));
        let connection: Box<dyn Connection> = Box::new(connection);
        let stream = WebSocketStream::from_raw_socket(connection, Role::Server, Some(config)).await;
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
                        // The client went away without a close frame: nothing to answer,
                        // and no protocol error of the server's to report.
                        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => {
                            self.ended();
                        }
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

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::{Closed, Message, WebSocket};

    const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

    /// A client frame: `first` is FIN, the reserved bits and the opcode; masked unless told.
    fn frame(first: u8, payload: &[u8], masked: bool) -> Vec<u8> {
        assert!(payload.len() < 126, "the tests' frames are short");
        let mut out = vec![first, payload.len() as u8 | if masked { 0x80 } else { 0 }];
        if masked {
            out.extend_from_slice(&MASK);
            out.extend(payload.iter().zip(MASK.iter().cycle()).map(|(b, m)| b ^ m));
        } else {
            out.extend_from_slice(payload);
        }
        out
    }

    fn close(code: u16) -> Vec<u8> {
        frame(0x88, &code.to_be_bytes(), true)
    }

    /// A frame the server sent: its first byte (FIN and opcode) and its payload.
    type ServerFrame = (u8, Vec<u8>);

    /// The frames the server sent: server frames are never masked.
    fn server_frames(mut bytes: &[u8]) -> Vec<ServerFrame> {
        let mut frames = Vec::new();
        while let [first, len, rest @ ..] = bytes {
            assert_eq!(len & 0x80, 0, "a server frame is never masked");
            let len = usize::from(*len);
            assert!(len < 126, "the tests' answers are short");
            frames.push((*first, rest[..len].to_vec()));
            bytes = &rest[len..];
        }
        frames
    }

    /// Feeds `client` to a server socket with a 16-byte limit, then ends the client's side;
    /// returns what `recv` gave, how it ended and what the server sent back.
    async fn exchange(client: &[u8]) -> (Vec<Message>, Closed, Vec<ServerFrame>) {
        let (server_side, mut client_side) = tokio::io::duplex(1 << 16);
        let mut socket = WebSocket::over_connection(server_side, 16).await;
        client_side.write_all(client).await.unwrap();
        client_side.shutdown().await.unwrap();
        let mut messages = Vec::new();
        while let Some(message) = socket.recv().await {
            messages.push(message);
        }
        let closed = socket
            .closed()
            .cloned()
            .expect("`recv` said the socket is closed");
        assert_eq!(socket.recv().await, None, "closed for good");
        drop(socket);
        let mut answer = Vec::new();
        client_side.read_to_end(&mut answer).await.unwrap();
        (messages, closed, server_frames(&answer))
    }

    fn text(text: &str) -> Message {
        Message::Text(text.into())
    }

    #[tokio::test]
    async fn every_way_a_client_can_end_a_socket_is_answered_by_the_rules() {
        let by_client = |code| Closed {
            code,
            reason: String::new(),
            by_server: false,
        };
        let by_server = |code: u16, reason: &str| Closed {
            code: Some(code),
            reason: reason.into(),
            by_server: true,
        };
        let close_frame = |code: u16, reason: &str| {
            let mut payload = code.to_be_bytes().to_vec();
            payload.extend_from_slice(reason.as_bytes());
            (0x88, payload)
        };
        let cases = vec![
            (
                "text, then a normal close: echoed",
                [frame(0x81, b"hi", true), close(1000)].concat(),
                vec![text("hi")],
                by_client(Some(1000)),
                vec![close_frame(1000, "")],
            ),
            (
                "binary and a fragmented text, reassembled",
                [
                    frame(0x82, &[0, 159, 255], true),
                    frame(0x01, b"hel", true),
                    frame(0x80, b"lo", true),
                    close(1001),
                ]
                .concat(),
                vec![Message::Binary(vec![0, 159, 255].into()), text("hello")],
                by_client(Some(1001)),
                vec![close_frame(1001, "")],
            ),
            (
                "a ping is answered with its payload, then the connection just ends",
                frame(0x89, b"p1", true),
                vec![],
                by_client(None),
                vec![(0x8a, b"p1".to_vec())],
            ),
            (
                "an empty close frame, answered empty",
                frame(0x88, &[], true),
                vec![],
                by_client(None),
                vec![(0x88, vec![])],
            ),
            (
                "a code that must not be sent (1005): answered, and reported, as 1002",
                close(1005),
                vec![],
                Closed {
                    code: Some(1002),
                    reason: "Protocol violation".into(),
                    by_server: false,
                },
                vec![close_frame(1002, "Protocol violation")],
            ),
            (
                "an unmasked client frame: a protocol error",
                frame(0x81, b"hi", false),
                vec![],
                by_server(1002, "protocol error"),
                vec![close_frame(1002, "protocol error")],
            ),
            (
                "a reserved bit: a protocol error",
                frame(0xc1, b"hi", true),
                vec![],
                by_server(1002, "protocol error"),
                vec![close_frame(1002, "protocol error")],
            ),
            (
                "an unknown opcode: a protocol error",
                frame(0x83, b"hi", true),
                vec![],
                by_server(1002, "protocol error"),
                vec![close_frame(1002, "protocol error")],
            ),
            (
                "invalid UTF-8 in a text message",
                frame(0x81, &[b'a', 0xff], true),
                vec![],
                by_server(1007, "invalid UTF-8"),
                vec![close_frame(1007, "invalid UTF-8")],
            ),
            (
                "exactly the limit is accepted, one byte more closes with 1009",
                [frame(0x82, &[7; 16], true), frame(0x82, &[7; 17], true)].concat(),
                vec![Message::Binary(vec![7; 16].into())],
                by_server(1009, "message too big"),
                vec![close_frame(1009, "message too big")],
            ),
            (
                "fragments adding up to more than the limit close with 1009",
                [frame(0x02, &[1; 10], true), frame(0x80, &[1; 10], true)].concat(),
                vec![],
                by_server(1009, "message too big"),
                vec![close_frame(1009, "message too big")],
            ),
            (
                "the connection ends inside a frame",
                frame(0x81, b"hello", true)[..5].to_vec(),
                vec![],
                by_client(None),
                vec![],
            ),
        ];
        for (case, client, messages, closed, answer) in cases {
            let got = exchange(&client).await;
            assert_eq!(got, (messages, closed, answer), "{case}");
        }
    }
}
