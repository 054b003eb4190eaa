//! WebSocket frames from a client: whatever bytes follow the handshake, the server's socket
//! never panics, hands over only messages within its limit, and ends consistently with what it
//! sent back: well-formed unmasked frames (pongs echoing pings the client sent, at most one
//! close frame, last), the close code `closed()` reports, and a server-side close only for a
//! protocol error (1002), invalid UTF-8 (1007) or a message over the limit (1009).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shallot_websocket::{Message, WebSocket};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The socket's limit on a message and a frame: small, so inputs reach it.
const LIMIT: usize = 64;

fuzz_target!(|data: &[u8]| {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    });
    let (messages, closed, answer) = runtime.block_on(async {
        let (server_side, mut client) = tokio::io::duplex(1 << 20);
        let mut socket = WebSocket::over_connection(server_side, LIMIT).await;
        client.write_all(data).await.unwrap();
        client.shutdown().await.unwrap();
        let mut messages = Vec::new();
        while let Some(message) = socket.recv().await {
            messages.push(message);
        }
        let closed = socket
            .closed()
            .cloned()
            .expect("closed once `recv` says so");
        assert_eq!(socket.recv().await, None, "a closed socket stays closed");
        drop(socket);
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).await.unwrap();
        (messages, closed, answer)
    });

    for message in &messages {
        let len = match message {
            Message::Text(text) => text.len(),
            Message::Binary(bytes) => bytes.len(),
        };
        assert!(
            len <= LIMIT,
            "a message of {len} bytes passed a limit of {LIMIT}"
        );
    }

    let sent = server_frames(&answer);
    let pings = client_pings(data);
    let close_at = sent.iter().position(|frame| frame.opcode == 0x8);
    if let Some(at) = close_at {
        assert_eq!(
            at,
            sent.len() - 1,
            "nothing follows the server's close frame: {sent:?}"
        );
    }
    for frame in &sent {
        assert!(frame.fin, "the server sends whole frames: {frame:?}");
        match frame.opcode {
            0x8 => {}
            0xa => assert!(
                pings.contains(&frame.payload),
                "a pong echoes a ping the client sent: {frame:?}, pings {pings:?}"
            ),
            other => panic!("the server sent opcode {other:#x} to a client it never wrote to"),
        }
    }
    let close = close_at.map(|at| &sent[at].payload);
    let code = close
        .and_then(|payload| payload.get(..2))
        .map(|b| u16::from_be_bytes([b[0], b[1]]));
    if closed.by_server {
        assert!(
            matches!(closed.code, Some(1002 | 1007 | 1009)),
            "the server closes only for the rules' reasons: {closed:?}"
        );
        assert_eq!(
            code, closed.code,
            "the reported close is the one sent: {sent:?}"
        );
        let reason = close.map(|payload| &payload[2..]);
        assert_eq!(reason, Some(closed.reason.as_bytes()), "{sent:?}");
    } else if let Some(reported) = closed.code {
        assert_eq!(
            code,
            Some(reported),
            "a client's close is answered with its code: {sent:?}"
        );
    } else if let Some(payload) = close {
        assert!(
            payload.is_empty(),
            "an empty close is answered empty: {sent:?}"
        );
    }
});

#[derive(Debug)]
struct Frame {
    fin: bool,
    opcode: u8,
    payload: Vec<u8>,
}

/// The server's frames: never masked, every length form read.
fn server_frames(mut bytes: &[u8]) -> Vec<Frame> {
    let mut frames = Vec::new();
    while !bytes.is_empty() {
        let (header, payload, rest) = split_frame(bytes)
            .unwrap_or_else(|| panic!("a cut or malformed server frame: {bytes:?}"));
        assert_eq!(header[1] & 0x80, 0, "a server frame is never masked");
        assert_eq!(header[0] & 0x70, 0, "no reserved bit without an extension");
        frames.push(Frame {
            fin: header[0] & 0x80 != 0,
            opcode: header[0] & 0x0f,
            payload: payload.to_vec(),
        });
        bytes = rest;
    }
    frames
}

/// The payloads of the whole ping frames at the start of the client's bytes, unmasked; a
/// reading that stops at the first frame it cannot cut (more than the server may answer).
fn client_pings(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut pings = Vec::new();
    while let Some((header, payload, rest)) = split_frame(bytes) {
        if header[0] & 0x0f == 0x9 {
            let mask: Option<[u8; 4]> =
                (header[1] & 0x80 != 0).then(|| header[header.len() - 4..].try_into().unwrap());
            pings.push(match mask {
                Some(mask) => payload
                    .iter()
                    .zip(mask.iter().cycle())
                    .map(|(b, m)| b ^ m)
                    .collect(),
                None => payload.to_vec(),
            });
        }
        bytes = rest;
    }
    pings
}

/// One frame cut from `bytes`: its header (mask key included), its payload and what follows;
/// `None` when `bytes` holds no whole frame.
fn split_frame(bytes: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let [_, second, ..] = bytes else { return None };
    let (len, mut at): (u64, usize) = match second & 0x7f {
        126 => (
            u64::from(u16::from_be_bytes(bytes.get(2..4)?.try_into().ok()?)),
            4,
        ),
        127 => (u64::from_be_bytes(bytes.get(2..10)?.try_into().ok()?), 10),
        short => (u64::from(short), 2),
    };
    if second & 0x80 != 0 {
        at += 4;
    }
    let end = at.checked_add(usize::try_from(len).ok()?)?;
    Some((bytes.get(..at)?, bytes.get(at..end)?, &bytes[end..]))
}
