//! Each direction of the bridge with real tower and tower-http layers.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::BodyExt as _;
use shallot_core::http::{self, header, HeaderValue};
use shallot_core::{chain_middleware, test, Body, Request};
use shallot_tower::{into_service, service_handler, wrap_layer};
use tokio::sync::Notify;
use tower::ServiceExt as _;
use tower_http::set_header::SetResponseHeaderLayer;

fn nosniff() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    )
}

#[tokio::test]
async fn a_tower_http_layer_sets_a_header_unless_present() {
    let app =
        chain_middleware((test::lint(), wrap_layer(nosniff()))).apply(|req: Request| async move {
            let mut res = shallot_core::text("hi");
            if req.uri().path() == "/own" {
                res.headers_mut().insert(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("custom"),
                );
            }
            res
        });
    test::get("/")
        .send(&app)
        .await
        .assert_header("x-content-type-options", "nosniff")
        .assert_body("hi");
    test::get("/own")
        .send(&app)
        .await
        .assert_header("x-content-type-options", "custom");
}

#[tokio::test]
async fn layers_keep_the_chain_order() {
    // Outer header layer sees the answer of the inner one: `if_not_present` keeps the inner.
    let inner = SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("inner"),
    );
    let app = chain_middleware((wrap_layer(nosniff()), wrap_layer(inner)))
        .apply(|_req: Request| async { "hi" });
    test::get("/")
        .send(&app)
        .await
        .assert_header("x-content-type-options", "inner");
}

#[tokio::test]
async fn tower_timeout_becomes_408_and_tower_http_timeout_answers_408() {
    let slow = |_req: Request| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        "late"
    };
    let tower_timeout = chain_middleware((
        test::lint(),
        wrap_layer(tower::timeout::TimeoutLayer::new(Duration::from_millis(20))),
    ))
    .apply(slow);
    test::get("/")
        .send(&tower_timeout)
        .await
        .assert_status(408)
        .assert_body("Request Timeout");

    #[allow(deprecated)] // `new` is the constructor tower-http 0.6 documents.
    let layer = tower_http::timeout::TimeoutLayer::new(Duration::from_millis(20));
    let http_timeout = chain_middleware((wrap_layer(layer),)).apply(slow);
    test::get("/").send(&http_timeout).await.assert_status(408);
}

#[tokio::test]
async fn load_shed_overload_becomes_503() {
    let started = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let handler = {
        let (started, release) = (Arc::clone(&started), Arc::clone(&release));
        move |_req: Request| {
            let (started, release) = (Arc::clone(&started), Arc::clone(&release));
            async move {
                started.notify_one();
                release.notified().await;
                "done"
            }
        }
    };
    let app = chain_middleware((wrap_layer(
        tower::ServiceBuilder::new()
            .load_shed()
            .concurrency_limit(1)
            .into_inner(),
    ),))
    .apply(handler);
    let app = Arc::new(app);
    let first = tokio::spawn({
        let app = Arc::clone(&app);
        async move { test::get("/").send(&*app).await.status() }
    });
    started.notified().await; // the first request holds the only permit
    test::get("/").send(&*app).await.assert_status(503);
    release.notify_one();
    assert_eq!(first.await.expect("joined"), 200);
}

#[tokio::test]
async fn concurrency_limit_is_shared_across_requests_and_poll_ready_waits() {
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let handler = {
        let (running, most) = (Arc::clone(&running), Arc::clone(&most));
        move |_req: Request| {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::task::yield_now().await;
                tokio::time::sleep(Duration::from_millis(5)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                "ok"
            }
        }
    };
    let app = Arc::new(
        chain_middleware((wrap_layer(tower::limit::ConcurrencyLimitLayer::new(2)),)).apply(handler),
    );
    let requests: Vec<_> = (0..12)
        .map(|_| {
            let app = Arc::clone(&app);
            tokio::spawn(async move { test::get("/").send(&*app).await.status() })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.expect("joined"), 200);
    }
    assert_eq!(
        most.load(Ordering::SeqCst),
        2,
        "the limit is shared by every request"
    );
}

#[tokio::test]
async fn a_layer_that_calls_twice_gets_500_the_second_time() {
    #[derive(Clone)]
    struct Twice<S>(S);
    impl<S> tower::Service<Request> for Twice<S>
    where
        S: tower::Service<Request, Response = shallot_core::Response, Error = Infallible>
            + Clone
            + Send
            + 'static,
        S::Future: Send,
    {
        type Response = shallot_core::Response;
        type Error = Infallible;
        type Future = shallot_core::BoxFuture<Result<shallot_core::Response, Infallible>>;
        fn poll_ready(
            &mut self,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), Infallible>> {
            self.0.poll_ready(cx)
        }
        fn call(&mut self, req: Request) -> Self::Future {
            let mut inner = self.0.clone();
            Box::pin(async move {
                let mut copy = http::Request::new(shallot_core::RequestBody::empty());
                *copy.extensions_mut() = req.extensions().clone();
                let _first = inner.call(req).await;
                inner.call(copy).await
            })
        }
    }
    let layer = tower::layer::layer_fn(Twice);
    let app = chain_middleware((wrap_layer(layer),)).apply(|_req: Request| async { "once" });
    test::get("/").send(&app).await.assert_status(500);
}

#[tokio::test]
async fn a_pile_is_a_tower_service_for_any_body() {
    let pile = chain_middleware(()).apply(|mut req: Request| async move {
        let body = req.body_mut().read_all().await?.clone();
        Ok::<_, shallot_core::BodyError>(format!("{} bytes", body.len()))
    });
    let service = into_service(pile);
    let res = service
        .clone()
        .oneshot(
            http::Request::post("/")
                .body(String::from("hello"))
                .expect("request"),
        )
        .await
        .expect("infallible");
    let body = res.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(body, "5 bytes");

    // A HEAD answer keeps its headers and loses its body.
    let res = service
        .oneshot(
            http::Request::head("/")
                .body(http_body_util::Empty::<bytes_alias::Bytes>::new())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(res.headers()["content-length"], "7");
    assert!(res
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .is_empty());
}

mod bytes_alias {
    pub(crate) use shallot_core::bytes::Bytes;
}

#[tokio::test]
async fn tower_http_layers_wrap_the_pile_as_a_service() {
    let pile = chain_middleware(()).apply(|_req: Request| async { "hi" });
    let service = tower::ServiceBuilder::new()
        .layer(nosniff())
        .service(into_service(pile));
    let res = service
        .oneshot(
            http::Request::get("/")
                .body(String::new())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn a_tower_service_is_a_handler() {
    let service = tower::service_fn(|req: Request| async move {
        if req.uri().path() == "/fail" {
            return Err(std::io::Error::other("database down"));
        }
        Ok(http::Response::new(Body::from(format!(
            "tower saw {}",
            req.uri().path()
        ))))
    });
    let app = chain_middleware((wrap_layer(nosniff()),)).apply(service_handler(service));
    test::get("/x")
        .send(&app)
        .await
        .assert_status(200)
        .assert_body("tower saw /x")
        .assert_header("x-content-type-options", "nosniff");
    test::get("/fail")
        .send(&app)
        .await
        .assert_status(500)
        .assert_body("Internal Server Error");
}

#[tokio::test]
async fn served_by_hyper_util_over_a_socket() {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;

    let pile =
        chain_middleware((wrap_layer(nosniff()),)).apply(|_req: Request| async { "over tower" });
    let service = TowerToHyperService::new(into_service(pile));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.expect("accept");
        Builder::new(TokioExecutor::new())
            .serve_connection(TokioIo::new(stream), service)
            .await
            .expect("served");
    });
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes_alias::Bytes>>();
    let res = client
        .get(format!("http://{addr}/").parse().expect("uri"))
        .await
        .expect("answered");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let body = res.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(body, "over tower");
    drop(client);
    server.await.expect("server task");
}
