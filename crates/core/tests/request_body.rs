//! The request body API: read whole or streamed, within a limit that a middleware may raise
//! or lower, and kept once read whole.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use shallot_core::{
    chain_middleware, test, wrap_body_limit, BodyError, HttpError, Next, Request, RequestBody,
};

async fn length(mut req: Request) -> Result<String, HttpError> {
    let body = req.body_mut().read_all().await?;
    Ok(format!("{} bytes", body.len()))
}

async fn streamed_length(mut req: Request) -> Result<String, HttpError> {
    let (mut total, mut chunks) = (0, 0);
    while let Some(chunk) = req.body_mut().chunk().await {
        total += chunk?.len();
        chunks += 1;
    }
    Ok(format!("{total} bytes in {chunks} chunks"))
}

#[tokio::test]
async fn a_whole_read_within_the_limit_gets_every_byte() {
    let app = chain_middleware((test::lint(),)).apply(length);
    test::post("/", "hello")
        .send(&app)
        .await
        .assert_status(200)
        .assert_body("5 bytes");
    test::post("/", "")
        .body_chunks(["ab", "", "cde"])
        .send(&app)
        .await
        .assert_body("5 bytes");
}

#[tokio::test]
async fn a_whole_read_over_the_limit_is_413_and_closes_the_connection() {
    let app = chain_middleware((test::lint(),)).apply(length);
    test::post("/", "hello")
        .body_limit(4)
        .send(&app)
        .await
        .assert_status(413)
        .assert_header("connection", "close")
        .assert_body("Payload Too Large");
    // A chunked body has no announced length: refused once the total passes the limit.
    test::post("/", "")
        .body_chunks(["ab", "cd", "e"])
        .body_limit(4)
        .send(&app)
        .await
        .assert_status(413);
    // Exactly the limit is accepted.
    test::post("/", "")
        .body_chunks(["ab", "cd"])
        .body_limit(4)
        .send(&app)
        .await
        .assert_body("4 bytes");
}

#[tokio::test]
async fn a_stream_read_hands_out_chunks_as_they_come() {
    let app = chain_middleware((test::lint(),)).apply(streamed_length);
    test::post("/", "")
        .body_chunks(["ab", "cd", "e"])
        .send(&app)
        .await
        .assert_body("5 bytes in 3 chunks");
    test::post("/", "")
        .body_chunks(["ab", "cd", "e"])
        .body_limit(3)
        .send(&app)
        .await
        .assert_status(413);
}

#[tokio::test]
async fn a_body_read_whole_is_seen_by_every_later_reader_without_reading_again() {
    let polls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&polls);
    let chunks = ["ab", "cd"].into_iter().map(move |chunk| {
        counted.fetch_add(1, Ordering::SeqCst);
        Bytes::from_static(chunk.as_bytes())
    });
    let app = chain_middleware((|mut req: Request, next: Next| async move {
        let first = req.body_mut().read_all().await?.clone();
        assert_eq!(first, "abcd");
        Ok::<_, BodyError>(next.run(req).await)
    },))
    .apply(|mut req: Request| async move {
        assert_eq!(req.body().as_bytes().map(Bytes::as_ref), Some(&b"abcd"[..]));
        let again = req.body_mut().read_all().await?.clone();
        Ok::<_, BodyError>(format!("{} again", again.len()))
    });
    test::post("/", "")
        .body_chunks(chunks)
        .send(&app)
        .await
        .assert_body("4 again");
    assert_eq!(polls.load(Ordering::SeqCst), 2, "each chunk was read once");
}

#[tokio::test]
async fn a_limit_is_raised_and_lowered_per_route() {
    let big = "x".repeat(100);
    let raised = chain_middleware((wrap_body_limit(1000),)).apply(length);
    test::post("/", big.clone())
        .body_limit(10)
        .send(&raised)
        .await
        .assert_body("100 bytes");
    let lowered = chain_middleware((wrap_body_limit(10),)).apply(length);
    test::post("/", big).send(&lowered).await.assert_status(413);
}

#[tokio::test]
async fn an_announced_length_over_the_limit_is_413_before_the_handler_runs() {
    let called = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&called);
    // The handler would not even read the body; the 413 comes first all the same.
    let app = chain_middleware((test::lint(),)).apply(move |_req: Request| {
        seen.fetch_add(1, Ordering::SeqCst);
        async { "ignored the body" }
    });
    test::post("/", "12345")
        .body_limit(4)
        .send(&app)
        .await
        .assert_status(413);
    assert_eq!(called.load(Ordering::SeqCst), 0);
    test::post("/", "1234")
        .body_limit(4)
        .send(&app)
        .await
        .assert_status(200);
    assert_eq!(called.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_body_streamed_once_cannot_be_read_whole_again() {
    let app = |mut req: Request| async move {
        while let Some(chunk) = req.body_mut().chunk().await {
            chunk?;
        }
        req.body_mut().read_all().await.map(|_| "read twice")
    };
    test::post("/", "abc").send(&app).await.assert_status(500);
}

#[tokio::test]
async fn a_broken_body_is_400_and_closes_the_connection() {
    let broken = futures_like_error_stream();
    let app = |mut req: Request| async move { req.body_mut().read_all().await.map(|_| "read") };
    let req = test::post("/", "").into_request();
    let (parts, _) = req.into_parts();
    let req = Request::from_parts(parts, RequestBody::from_stream(broken));
    let res = shallot_core::Handler::call(&app, req).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["connection"], "close");
}

/// One chunk, then the client breaks off.
fn futures_like_error_stream(
) -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync {
    struct Broken(u8);
    impl futures_core::Stream for Broken {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            self.0 += 1;
            std::task::Poll::Ready(Some(if self.0 == 1 {
                Ok(Bytes::from_static(b"ab"))
            } else {
                Err(std::io::ErrorKind::ConnectionReset.into())
            }))
        }
    }
    Broken(0)
}
