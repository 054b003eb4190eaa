//! The WebSocket rows of the showcase contract over real sockets: echo, subprotocols, chat,
//! limits, protocol errors (sent as raw frames), handshake answers.

mod common;

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use hyper::Method;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

type Client = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

async fn connect(
    server: &common::Showcase,
    path: &str,
    protocols: Option<&str>,
) -> (Client, Option<String>) {
    let mut req = format!("ws://{}{path}", server.addr)
        .into_client_request()
        .expect("request");
    if let Some(protocols) = protocols {
        req.headers_mut()
            .insert("sec-websocket-protocol", protocols.parse().expect("header"));
    }
    let (client, res) = tokio_tungstenite::connect_async(req)
        .await
        .expect("upgraded");
    let chosen = res
        .headers()
        .get("sec-websocket-protocol")
        .map(|p| p.to_str().expect("text").to_owned());
    (client, chosen)
}

async fn next(client: &mut Client) -> Message {
    tokio::time::timeout(Duration::from_secs(10), client.next())
        .await
        .expect("a message within 10 s")
        .expect("not ended")
        .expect("no error")
}

#[tokio::test]
async fn echo_sends_every_message_back_and_answers_pings() {
    let server = common::start().await;
    let (mut client, protocol) = connect(&server, "/ws/echo", None).await;
    assert_eq!(protocol, None);
    client.send(Message::text("hello")).await.expect("send");
    assert_eq!(next(&mut client).await, Message::text("hello"));
    client
        .send(Message::binary(vec![0u8, 1, 2, 255]))
        .await
        .expect("send");
    assert_eq!(
        next(&mut client).await,
        Message::binary(vec![0u8, 1, 2, 255])
    );
    client
        .send(Message::Ping(b"p".to_vec().into()))
        .await
        .expect("ping");
    assert_eq!(next(&mut client).await, Message::Pong(b"p".to_vec().into()));
    client
        .send(Message::Close(Some(CloseFrame {
            code: CloseCode::Away,
            reason: "bye".into(),
        })))
        .await
        .expect("close");
    match next(&mut client).await {
        Message::Close(Some(frame)) => assert_eq!(frame.code, CloseCode::Away),
        other => panic!("{other:?}"),
    }
    // Then the server closes the TCP connection.
    let end = tokio::time::timeout(Duration::from_secs(10), client.next())
        .await
        .expect("ends");
    assert!(matches!(end, None | Some(Err(_))), "{end:?}");
}

#[tokio::test]
async fn subprotocols_echo_on_echo_and_none_on_chat() {
    let server = common::start().await;
    let (_, chosen) = connect(&server, "/ws/echo", Some("chat, echo")).await;
    assert_eq!(chosen.as_deref(), Some("echo"));
    // Where none is selected the answer has no Sec-WebSocket-Protocol (a strict client then
    // gives up, so the handshake is read with a plain HTTP client).
    for (path, offered) in [
        ("/ws/echo", "chat"),
        ("/ws/chat", "echo"),
        ("/ws/chat", "chat"),
    ] {
        let res = common::send(
            Method::GET,
            &server.url(path),
            &[
                ("upgrade", "websocket"),
                ("connection", "Upgrade"),
                ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
                ("sec-websocket-version", "13"),
                ("sec-websocket-protocol", offered),
            ],
            "",
        )
        .await;
        assert_eq!(res.status, 101);
        assert_eq!(
            res.header("sec-websocket-protocol"),
            None,
            "{path} {offered}"
        );
    }
}

#[tokio::test]
async fn chat_broadcasts_to_everyone_in_receive_order() {
    let server = common::start().await;
    let (mut ann, _) = connect(&server, "/ws/chat", None).await;
    let (mut bob, _) = connect(&server, "/ws/chat", None).await;
    // Wait until both are in the room: a message from each is seen by both.
    ann.send(Message::text("ann here")).await.expect("send");
    assert_eq!(next(&mut ann).await, Message::text("ann here"));
    bob.send(Message::text("bob here")).await.expect("send");
    loop {
        if next(&mut ann).await == Message::text("bob here") {
            break;
        }
    }
    loop {
        if next(&mut bob).await == Message::text("bob here") {
            break;
        }
    }
    for i in 0..20 {
        ann.send(Message::text(format!("m{i}")))
            .await
            .expect("send");
    }
    for client in [&mut ann, &mut bob] {
        for i in 0..20 {
            assert_eq!(next(client).await, Message::text(format!("m{i}")));
        }
    }
}

#[tokio::test]
async fn one_mib_is_accepted_and_one_byte_more_closes_with_1009() {
    let server = common::start().await;
    let (mut client, _) = connect(&server, "/ws/echo", None).await;
    let exactly = vec![7u8; 1024 * 1024];
    client
        .send(Message::binary(exactly.clone()))
        .await
        .expect("send");
    assert_eq!(next(&mut client).await, Message::binary(exactly));
    client
        .send(Message::binary(vec![7u8; 1024 * 1024 + 1]))
        .await
        .expect("send");
    match next(&mut client).await {
        Message::Close(Some(frame)) => assert_eq!(u16::from(frame.code), 1009),
        other => panic!("{other:?}"),
    }
}

/// A raw connection after a valid handshake, to send frames no well-behaved client would.
async fn raw(server: &common::Showcase) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(
            b"GET /ws/echo HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\
              sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n",
        )
        .await
        .expect("write");
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.expect("the 101");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{head}");
    stream
}

/// A client frame: FIN and opcode in the first byte (`first`), masked unless `mask` is false.
fn frame(first: u8, payload: &[u8], mask: bool) -> Vec<u8> {
    let key = [1u8, 2, 3, 4];
    let mut out = vec![first];
    let flag = if mask { 0x80 } else { 0 };
    match payload.len() {
        n if n < 126 => out.push(flag | u8::try_from(n).expect("small")),
        n => {
            out.push(flag | 126);
            out.extend_from_slice(&u16::try_from(n).expect("< 64 KiB").to_be_bytes());
        }
    }
    if mask {
        out.extend_from_slice(&key);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    } else {
        out.extend_from_slice(payload);
    }
    out
}

/// Reads server frames until a close frame; its code.
async fn close_code(stream: &mut TcpStream) -> Option<u16> {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let mut head = [0u8; 2];
            stream.read_exact(&mut head).await.ok()?;
            let mut len = usize::from(head[1] & 0x7f);
            if len == 126 {
                let mut ext = [0u8; 2];
                stream.read_exact(&mut ext).await.ok()?;
                len = usize::from(u16::from_be_bytes(ext));
            }
            let mut payload = vec![0u8; len];
            stream.read_exact(&mut payload).await.ok()?;
            if head[0] & 0x0f == 0x8 {
                return (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]]));
            }
        }
    })
    .await
    .expect("a close frame within 10 s")
}

#[tokio::test]
async fn protocol_violations_close_with_1002_and_bad_utf8_with_1007() {
    let server = common::start().await;
    let close_with = |code: u16, reason: &[u8]| {
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(reason);
        payload
    };
    for (frames, expected) in [
        (frame(0x81, b"unmasked", false), 1002),
        (frame(0xC1, b"rsv1 set", true), 1002),
        (frame(0x83, b"opcode 3", true), 1002),
        (frame(0x09, b"fragmented ping", true), 1002),
        (frame(0x88, &close_with(1005, b""), true), 1002),
        (frame(0x88, &close_with(999, b""), true), 1002),
        (frame(0x81, &[0xff, 0xfe], true), 1007),
        (
            [frame(0x01, b"ok ", true), frame(0x80, &[0xc3], true)].concat(),
            1007,
        ),
    ] {
        let mut stream = raw(&server).await;
        stream.write_all(&frames).await.expect("write");
        assert_eq!(
            close_code(&mut stream).await,
            Some(expected),
            "{frames:02x?}"
        );
    }
}

#[tokio::test]
async fn fragments_are_reassembled_and_an_empty_close_gets_an_empty_close() {
    let server = common::start().await;
    let mut stream = raw(&server).await;
    let message = [
        frame(0x01, b"hel", true),
        frame(0x00, b"l", true),
        frame(0x80, b"o", true),
    ]
    .concat();
    stream.write_all(&message).await.expect("write");
    let mut echoed = [0u8; 7];
    stream.read_exact(&mut echoed).await.expect("the echo");
    assert_eq!(&echoed, b"\x81\x05hello");
    stream
        .write_all(&frame(0x88, b"", true))
        .await
        .expect("close");
    assert_eq!(
        close_code(&mut stream).await,
        None,
        "an empty close frame back"
    );
}

#[tokio::test]
async fn handshake_answers() {
    let server = common::start().await;
    let url = server.url("/ws/echo");
    let base = [
        ("upgrade", "websocket"),
        ("connection", "Upgrade"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("sec-websocket-version", "13"),
    ];
    let with = |name: &'static str, value: &'static str| {
        let mut headers: Vec<(&str, &str)> =
            base.iter().filter(|(n, _)| *n != name).copied().collect();
        if !value.is_empty() {
            headers.push((name, value));
        }
        headers
    };
    for (headers, status) in [
        (with("sec-websocket-key", "c2hvcnQ="), 400),
        (with("sec-websocket-key", "not base 64!"), 400),
        (with("sec-websocket-key", ""), 400),
        (with("upgrade", ""), 400),
        (with("connection", "keep-alive"), 400),
        (with("sec-websocket-version", "8"), 426),
        (with("sec-websocket-version", ""), 426),
        (with("origin", "https://evil.example"), 403),
    ] {
        let res = common::send(Method::GET, &url, &headers, "").await;
        assert_eq!(res.status.as_u16(), status, "{headers:?}");
        if status == 426 {
            assert_eq!(res.header("sec-websocket-version"), Some("13"));
        }
    }
    let res = common::send(Method::POST, &url, &base, "").await;
    assert_eq!(res.status, 405);
    // A CORS-allowed origin and the server's own may connect.
    for origin in [
        "https://app.example".to_owned(),
        format!("http://{}", server.addr),
    ] {
        let mut req = url
            .replace("http", "ws")
            .into_client_request()
            .expect("request");
        req.headers_mut()
            .insert("origin", origin.parse().expect("header"));
        assert!(
            tokio_tungstenite::connect_async(req).await.is_ok(),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn a_stalled_chat_client_holds_no_one_back_and_is_closed_with_1013() {
    let server = common::start().await;
    let (sender, _) = connect(&server, "/ws/chat", None).await;
    let (mut reader, _) = connect(&server, "/ws/chat", None).await;
    let (mut stalled, _) = connect(&server, "/ws/chat", None).await;
    let (mut to_room, mut from_room) = sender.split();
    // Everyone is in the room once a first message went round.
    to_room.send(Message::text("ready")).await.expect("send");
    for client in [&mut reader, &mut stalled] {
        while next(client).await != Message::text("ready") {}
    }
    while from_room.next().await.expect("open").expect("ok") != Message::text("ready") {}

    // 2,000 messages of 16 KiB (32 MiB, more than any socket buffers hold) while `stalled`
    // reads nothing; the sender drains its own copies as it goes.
    let payload = "x".repeat(16 * 1024);
    let count = 2000;
    let send_all = async {
        for i in 0..count {
            to_room
                .send(Message::text(format!("{i:05}{payload}")))
                .await
                .expect("send");
        }
    };
    let drain_own = async {
        for _ in 0..count {
            from_room.next().await.expect("open").expect("ok");
        }
    };
    let read_all = async {
        for i in 0..count {
            let Message::Text(text) = next(&mut reader).await else {
                panic!("text expected")
            };
            assert_eq!(
                &text.as_str()[..5],
                format!("{i:05}"),
                "in order, none lost"
            );
        }
    };
    tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(send_all, drain_own, read_all)
    })
    .await
    .expect("the others were not held back");

    // The stalled client finds what fitted in the buffers, in order, then a 1013.
    let mut last = None;
    let code = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match stalled.next().await {
                Some(Ok(Message::Text(text))) => {
                    let i: u32 = text.as_str()[..5].parse().expect("a number");
                    assert!(last.is_none_or(|last| i > last), "in order");
                    last = Some(i);
                }
                Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                other => panic!("{other:?}"),
            }
        }
    })
    .await
    .expect("a close frame");
    assert_eq!(code, Some(1013));
    assert!(
        last.is_some_and(|last| last < count - 1),
        "it fell behind: {last:?}"
    );
}
