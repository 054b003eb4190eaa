use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use shallot_core::http::{self, Method};
use shallot_core::{head_response, Body, BoxError, BoxFuture, Handler, RequestBody, Response};
use tower_service::Service;

/// A shallot handler (a whole pile, usually) as a tower [`Service`] for requests with any
/// body: serve it with hyper-util's `TowerToHyperService`, wrap it in tower-http layers, or
/// mount it inside another framework (an axum `Router::fallback_service`, say).
///
/// Cloning it bumps one reference count. The request body is handed to the pile unread,
/// with the toolkit's default limit (2 MiB; a route's `wrap_body_limit` changes it); the
/// answers of `HEAD` requests lose their body as the hyper adapter's do. The service is
/// always ready and never fails: errors are answers.
///
/// What the hyper adapter adds and a foreign server does not: [`ConnectionInfo`]
/// (unless the caller attaches it) and the adapter's request checks (`Host`, target length,
/// body read timeout) — the hosting server is responsible for them.
///
/// [`ConnectionInfo`]: shallot_core::ConnectionInfo
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, http, Request};
/// use shallot_tower::into_service;
/// use tower::ServiceExt;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let pile = chain_middleware(()).apply(|_req: Request| async { "hi from shallot" });
/// let service = into_service(pile);
///
/// let req = http::Request::get("/").body(String::from("any body type")).unwrap();
/// let res = service.oneshot(req).await.unwrap();
/// assert_eq!(res.status(), 200);
/// # }
/// ```
pub fn into_service<H: Handler>(handler: H) -> PileService {
    PileService {
        handler: Arc::new(handler),
    }
}

/// The service made by [`into_service`].
#[derive(Clone)]
pub struct PileService {
    handler: Arc<dyn Handler>,
}

impl fmt::Debug for PileService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PileService")
            .field(&self.handler.name())
            .finish()
    }
}

impl<B> Service<http::Request<B>> for PileService
where
    B: http_body::Body + Send + 'static,
    B::Data: Into<Bytes>,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let (parts, body) = req.into_parts();
        let is_head = parts.method == Method::HEAD;
        let body = if body.is_end_stream() {
            RequestBody::empty()
        } else {
            RequestBody::from_body(SyncBody {
                inner: Mutex::new(Box::pin(body)),
            })
        };
        let call = self.handler.call(http::Request::from_parts(parts, body));
        Box::pin(async move {
            let res = call.await;
            Ok(if is_head { head_response(res) } else { res })
        })
    }
}

/// A body that may not be `Sync` (axum's, for one) made `Sync` for the toolkit's request:
/// the mutex is only ever reached through `&mut`, so it is never locked.
struct SyncBody<B> {
    inner: Mutex<Pin<Box<B>>>,
}

impl<B> http_body::Body for SyncBody<B>
where
    B: http_body::Body,
    B::Data: Into<Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let inner = match self.get_mut().inner.get_mut() {
            Ok(inner) => inner,
            Err(poisoned) => poisoned.into_inner(),
        };
        inner.as_mut().poll_frame(cx).map(|frame| {
            frame.map(|result| {
                result
                    .map(|frame| frame.map_data(Into::into))
                    .map_err(Into::into)
            })
        })
    }

    fn size_hint(&self) -> SizeHint {
        match self.inner.lock() {
            Ok(inner) => inner.size_hint(),
            Err(_) => SizeHint::default(),
        }
    }
}
