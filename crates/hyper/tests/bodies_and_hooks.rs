//! Request bodies read as the pile asks (stalls, disconnects, concurrency) and the
//! application's start-up and shutdown hooks, over real sockets.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{bind, read_to_close, start, status_of};
use shallot_core::{App, HttpError, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// Streams the body and answers its length.
async fn streamed_length(mut req: Request) -> Result<String, HttpError> {
    let mut total = 0;
    while let Some(chunk) = req.body_mut().chunk().await {
        total += chunk?.len();
    }
    Ok(format!("{total} bytes"))
}

#[tokio::test]
async fn a_client_that_stops_sending_mid_body_is_cut_off_with_408() {
    let server = bind()
        .await
        .with_body_read_timeout(Duration::from_millis(300));
    let running = start(server, streamed_length).await;
    let mut stream = TcpStream::connect(running.addr).await.unwrap();
    stream
        .write_all(b"PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly ten b")
        .await
        .unwrap();
    // The client now stalls; the server must answer and close on its own.
    let res = read_to_close(&mut stream).await;
    assert_eq!(status_of(&res), 408, "{res}");
    assert!(res.contains("connection: close"), "{res}");
}

/// Counts the handlers that are still running, and wakes a waiter when one ends.
#[derive(Default)]
struct InFlight {
    started: AtomicUsize,
    running: AtomicUsize,
    changed: Notify,
}

struct RunningGuard(Arc<InFlight>);

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
        self.0.changed.notify_waiters();
    }
}

#[tokio::test]
async fn a_client_that_disconnects_mid_upload_leaves_no_task_behind() {
    let in_flight = Arc::new(InFlight::default());
    let counted = Arc::clone(&in_flight);
    let handler = move |req: Request| {
        let counted = Arc::clone(&counted);
        async move {
            counted.started.fetch_add(1, Ordering::SeqCst);
            counted.running.fetch_add(1, Ordering::SeqCst);
            let _guard = RunningGuard(Arc::clone(&counted));
            counted.changed.notify_waiters();
            streamed_length(req).await
        }
    };
    let running = start(bind().await, handler).await;
    let mut stream = TcpStream::connect(running.addr).await.unwrap();
    stream
        .write_all(b"PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n")
        .await
        .unwrap();
    stream.write_all(&[b'x'; 1000]).await.unwrap();
    // Wait until the handler is reading the body, then leave mid-upload.
    tokio::time::timeout(Duration::from_secs(10), async {
        while in_flight.started.load(Ordering::SeqCst) == 0 {
            let changed = in_flight.changed.notified();
            if in_flight.started.load(Ordering::SeqCst) > 0 {
                break;
            }
            changed.await;
        }
    })
    .await
    .expect("the handler starts");
    drop(stream);
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let changed = in_flight.changed.notified();
            if in_flight.running.load(Ordering::SeqCst) == 0 {
                break;
            }
            changed.await;
        }
    })
    .await
    .expect("the handler's task ends once its client left");
}

#[tokio::test]
async fn concurrent_uploads_each_get_their_own_body() {
    let running = start(bind().await, streamed_length).await;
    let uploads = (1..=6).map(|i| {
        let addr = running.addr;
        tokio::spawn(async move {
            let size = i * 300_000;
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let head = format!(
                "PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await.unwrap();
            for chunk in vec![b'a'; size].chunks(64 * 1024) {
                stream.write_all(chunk).await.unwrap();
            }
            let res = read_to_close(&mut stream).await;
            assert_eq!(status_of(&res), 200, "{res}");
            assert!(res.ends_with(&format!("{size} bytes")), "{res}");
        })
    });
    for upload in uploads {
        upload.await.unwrap();
    }
}

#[tokio::test]
async fn a_failing_start_up_hook_makes_serve_return_its_error_without_serving() {
    let app = App::new(|_req: Request| async { "never" })
        .on_start(|_state| async { Err("the database is unreachable".into()) });
    let server = bind().await;
    let addr = server.local_addr();
    let error = server
        .serve_until(app, std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "the database is unreachable");
    // The listener is gone with the server: nobody is served at that address.
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_hooks_run_after_the_in_flight_request_was_answered() {
    let log = Arc::new(Mutex::new(Vec::<&str>::new()));
    let entered = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let (handler_log, handler_entered, handler_release) =
        (Arc::clone(&log), Arc::clone(&entered), Arc::clone(&release));
    let stop_log = Arc::clone(&log);
    let app = App::new(move |_req: Request| {
        let (log, entered, release) = (
            Arc::clone(&handler_log),
            Arc::clone(&handler_entered),
            Arc::clone(&handler_release),
        );
        async move {
            entered.notify_one();
            release.notified().await;
            log.lock().unwrap().push("answered");
            "done"
        }
    })
    .on_stop(move |_state| {
        let log = Arc::clone(&stop_log);
        async move { log.lock().unwrap().push("stopped") }
    });
    let mut running = start(bind().await, app).await;
    let mut stream = TcpStream::connect(running.addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    entered.notified().await; // the request is in flight
    running.stop();
    assert!(log.lock().unwrap().is_empty(), "nothing ran yet");
    release.notify_one();
    let mut res = String::new();
    stream.read_to_string(&mut res).await.unwrap();
    assert!(res.ends_with("done"), "{res}");
    tokio::time::timeout(Duration::from_secs(10), &mut running.task)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
    assert_eq!(*log.lock().unwrap(), ["answered", "stopped"]);
}
