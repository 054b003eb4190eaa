//! The tower bridge in both directions: tower-http and tower layers inside a shallot pile,
//! and the pile served as a tower `Service` by hyper-util (no shallot server involved).
//!
//! Run: `cargo run --example tower`, then `curl -i http://127.0.0.1:5000/hello`

use std::time::Duration;

use shallot::http::{header, HeaderValue};
use shallot::router::{get, wrap_routes};
use shallot::tower::{into_service, wrap_layer};
use shallot::{chain_middleware, ChainHandler, HttpError, Request};
use tower_http::set_header::SetResponseHeaderLayer;

/// The pile: a tower-http header layer, tower's timeout and concurrency limit, then routes.
pub(crate) fn app() -> Result<ChainHandler, shallot::router::Error> {
    Ok(chain_middleware((
        wrap_layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        )),
        // Elapsed becomes `408 Request Timeout`, through the pile's error rendering.
        wrap_layer(tower::timeout::TimeoutLayer::new(Duration::from_secs(1))),
        // One semaphore shared by every request: the layer is built once.
        wrap_layer(tower::limit::ConcurrencyLimitLayer::new(64)),
        wrap_routes([
            get("/hello", |_req: Request| async {
                "hi from a pile behind tower layers"
            }),
            get("/slow", |_req: Request| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "too late"
            }),
        ])?,
    ))
    .apply(|_req: Request| async { HttpError::not_found() }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;

    // The other direction: the whole pile as a tower Service, served by hyper-util.
    let service = TowerToHyperService::new(into_service(app()?));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:5000").await?;
    println!("listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let service = service.clone();
        tokio::spawn(async move {
            let _ = Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
