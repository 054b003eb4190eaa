//! The handler's own message limit, over a real connection: a socket made by
//! `websocket(..).with_max_message_size(n)` takes n bytes and closes with 1009 on n + 1.

use futures_util::{SinkExt as _, StreamExt as _};
use shallot_hyper::Server;
use shallot_websocket::websocket;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn the_handlers_limit_is_the_sockets() {
    let echo = websocket(|mut socket| async move {
        while let Some(message) = socket.recv().await {
            if socket.send(message).await.is_err() {
                break;
            }
        }
    })
    .with_max_message_size(8);
    let server = Server::bind("127.0.0.1:0").await.expect("bind");
    let addr = server.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve_until(echo, async move {
        let _ = stopped.await;
    }));

    let (mut client, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/"))
        .await
        .expect("upgraded");
    client
        .send(Message::binary(vec![1; 8]))
        .await
        .expect("sent");
    assert_eq!(
        client.next().await.expect("an echo").expect("a frame"),
        Message::binary(vec![1; 8])
    );
    client.send(Message::text("123456789")).await.expect("sent");
    match client.next().await.expect("a close").expect("a frame") {
        Message::Close(Some(frame)) => {
            assert_eq!(frame.code, CloseCode::Size);
            assert_eq!(frame.reason.as_str(), "message too big");
        }
        other => panic!("expected a close frame with 1009, got {other:?}"),
    }
    drop(client);
    let _ = stop.send(());
    serving.await.expect("the server task").expect("served");
}
