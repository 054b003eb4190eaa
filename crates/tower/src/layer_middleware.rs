use std::fmt;
use std::task::{Context, Poll};

use bytes::Bytes;
use shallot_core::http::{self, StatusCode};
use shallot_core::{
    BoxError, BoxFuture, HttpError, IntoResponse, Middleware, Next, Request, Response,
};
use tower_layer::Layer;
use tower_service::Service;

use crate::layer_error::call_service;

/// A tower [`Layer`] used as a shallot middleware, at its place in `chain_middleware`.
///
/// The layer wraps, once, a service that runs the rest of the chain; each request gets a
/// clone of the wrapped service (so a layer with shared state, such as
/// `ConcurrencyLimitLayer`, shares it across requests, as under hyper), waits for
/// `poll_ready`, and is called. Errors become answers through [`layer_error`](crate::layer_error()).
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, http::HeaderValue, test, Request};
/// use shallot_tower::wrap_layer;
/// use tower_http::set_header::SetResponseHeaderLayer;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let nosniff = wrap_layer(SetResponseHeaderLayer::if_not_present(
///     shallot_core::http::header::X_CONTENT_TYPE_OPTIONS,
///     HeaderValue::from_static("nosniff"),
/// ));
/// let app = chain_middleware((test::lint(), nosniff)).apply(|_req: Request| async { "hi" });
/// test::get("/").send(&app).await.assert_header("x-content-type-options", "nosniff");
/// # }
/// ```
pub fn wrap_layer<L>(layer: L) -> LayerMiddleware<L::Service>
where
    L: Layer<NextService>,
    L::Service: Service<Request> + Clone + Send + Sync + 'static,
{
    LayerMiddleware {
        service: layer.layer(NextService),
    }
}

/// The middleware made by [`wrap_layer`]: the layer's service around the rest of the chain.
#[derive(Clone)]
pub struct LayerMiddleware<S> {
    service: S,
}

impl<S> fmt::Debug for LayerMiddleware<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::any::type_name::<S>())
    }
}

impl<S, B> Middleware for LayerMiddleware<S>
where
    S: Service<Request, Response = http::Response<B>> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    fn call(&self, mut req: Request, next: Next) -> BoxFuture<Response> {
        let service = self.service.clone();
        next.park(&mut req);
        Box::pin(call_service(service, req))
    }

    fn name(&self) -> &str {
        "tower layer"
    }
}

/// The rest of the chain as a tower [`Service`]: what [`wrap_layer`] gives the layer to wrap.
///
/// It finds the chain's continuation in the request it is called with; called a second
/// time for one request (a retry, a layer that clones requests), it has none left and
/// answers `500`, since the request's body may already be gone.
#[derive(Debug, Clone, Copy)]
pub struct NextService;

impl Service<Request> for NextService {
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = BoxFuture<Result<Response, std::convert::Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        // Carried by the request through the layer (`Next::park`): a copy of the request has
        // none, so only the request the middleware handed to the layer runs the rest.
        match Next::unpark(&mut req) {
            Some(next) => {
                let run = next.run(req);
                Box::pin(async move { Ok(run.await) })
            }
            None => Box::pin(std::future::ready(Ok(HttpError::because(
                StatusCode::INTERNAL_SERVER_ERROR,
                "a tower layer called the rest of the chain twice",
            )
            .into_response()))),
        }
    }
}
