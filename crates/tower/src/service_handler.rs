use std::fmt;

use bytes::Bytes;
use shallot_core::http;
use shallot_core::{BoxError, BoxFuture, Handler, Request, Response};
use tower_service::Service;

use crate::layer_error::call_service;

/// A tower [`Service`] (an axum `Router`, a `tower::service_fn`, a tower-http service) used
/// as a shallot handler: the default handler of a pile, or a route's.
///
/// Each request gets a clone of the service, waits for `poll_ready` and is called with the
/// toolkit's request (its body is an `http_body::Body` of `Bytes`, read as the service reads
/// it, within the request's limit). Errors become answers through [`layer_error`](crate::layer_error()).
///
/// # Examples
///
/// ```
/// use shallot_core::{http, test, Body};
/// use shallot_tower::service_handler;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let service = tower::service_fn(|req: shallot_core::Request| async move {
///     let answer = format!("tower saw {}", req.uri().path());
///     Ok::<_, std::convert::Infallible>(http::Response::new(Body::from(answer)))
/// });
/// test::get("/here").send(&service_handler(service)).await.assert_body("tower saw /here");
/// # }
/// ```
pub fn service_handler<S>(service: S) -> ServiceHandler<S> {
    ServiceHandler { service }
}

/// The handler made by [`service_handler`].
#[derive(Clone)]
pub struct ServiceHandler<S> {
    service: S,
}

impl<S> fmt::Debug for ServiceHandler<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::any::type_name::<S>())
    }
}

impl<S, B> Handler for ServiceHandler<S>
where
    S: Service<Request, Response = http::Response<B>> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    fn call(&self, req: Request) -> BoxFuture<Response> {
        let service = self.service.clone();
        Box::pin(call_service(service, req))
    }

    fn name(&self) -> &str {
        "tower service"
    }
}
