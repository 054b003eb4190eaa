#![doc = include_str!("../README.md")]

mod handshake;
mod socket;
mod websocket_handler;

pub use handshake::accept_key;
pub use socket::{Closed, Message, SendError, WebSocket};
pub use websocket_handler::{websocket, WebSocketHandler, DEFAULT_MAX_MESSAGE_SIZE};
