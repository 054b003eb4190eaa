use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use http::header::{HeaderValue, CONNECTION};
use http::StatusCode;
use http_body::Body as _;
use hyper::body::Incoming;
use shallot_core::{
    render_error, Body, BoxFuture, ConnectionInfo, ErrorRenderer, Handler, HttpError, IntoResponse,
    Response,
};

use crate::catch_panic::{panic_message, CatchPanic, GuardedBody};
use crate::host::host_is_valid;
use crate::request_body::{read_body, BodyError};

/// What every request of every connection shares.
pub(crate) struct Shared {
    pub(crate) handler: Arc<dyn Handler>,
    pub(crate) body_limit: usize,
    pub(crate) max_uri_bytes: usize,
    pub(crate) error_renderer: Option<Arc<dyn ErrorRenderer>>,
}

/// Turns one hyper request into a shallot exchange: checks `Host`, reads the body within the
/// limit, runs the pile with panics caught, and renders error answers.
///
/// A plain function, not an `async fn`: for a request without a body (most of them) all of
/// this is synchronous up to the handler's call, and the future hyper keeps per request is a
/// small [`Exchange`] rather than a state machine holding the request. Measured in
/// docs/performance.md.
pub(crate) fn handle(
    shared: &Shared,
    connection: ConnectionInfo,
    req: hyper::Request<Incoming>,
) -> Exchange {
    let (mut parts, body) = req.into_parts();
    let is_head = parts.method == http::Method::HEAD;
    let renderer = shared.error_renderer.clone();
    if !host_is_valid(parts.version, &parts.headers) {
        let res = closing(HttpError::bad_request(
            "Bad Request: missing or invalid Host",
        ));
        return Exchange::ready(res, is_head, renderer);
    }
    let uri_len = parts.uri.path_and_query().map_or(0, |pq| pq.as_str().len())
        + parts.uri.authority().map_or(0, |a| a.as_str().len());
    if uri_len > shared.max_uri_bytes {
        let res = HttpError::from_status(StatusCode::URI_TOO_LONG).into_response();
        return Exchange::ready(res, is_head, renderer);
    }
    parts.extensions.insert(connection);
    if body.is_end_stream() {
        let req = http::Request::from_parts(parts, bytes::Bytes::new());
        return Exchange::running(shared.handler.call(req), is_head, renderer);
    }
    let handler = Arc::clone(&shared.handler);
    let limit = shared.body_limit;
    let call: BoxFuture<Response> = Box::pin(async move {
        match read_body(body, limit).await {
            Ok(body) => handler.call(http::Request::from_parts(parts, body)).await,
            // The rest of the body is not read: the connection is closed after this answer.
            Err(BodyError::TooLarge) => {
                closing(HttpError::from_status(StatusCode::PAYLOAD_TOO_LARGE))
            }
            Err(BodyError::Broken(error)) => {
                log::debug!("request body broken off: {error}");
                closing(HttpError::bad_request("Bad Request: unreadable body"))
            }
        }
    });
    Exchange::running(call, is_head, renderer)
}

pin_project_lite::pin_project! {
    /// The future of one exchange: the pile's call with panics caught, then error rendering.
    pub(crate) struct Exchange {
        #[pin]
        call: CatchPanic<BoxFuture<Response>>,
        is_head: bool,
        renderer: Option<Arc<dyn ErrorRenderer>>,
    }
}

impl Exchange {
    fn running(
        call: BoxFuture<Response>,
        is_head: bool,
        renderer: Option<Arc<dyn ErrorRenderer>>,
    ) -> Self {
        Self {
            call: CatchPanic::new(call),
            is_head,
            renderer,
        }
    }

    fn ready(res: Response, is_head: bool, renderer: Option<Arc<dyn ErrorRenderer>>) -> Self {
        Self::running(Box::pin(std::future::ready(res)), is_head, renderer)
    }
}

impl Future for Exchange {
    type Output = Result<hyper::Response<GuardedBody>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let res = match ready!(this.call.poll(cx)) {
            Ok(res) => res,
            Err(panic) => {
                log::error!("handler panicked: {}", panic_message(&*panic));
                let mut res = HttpError::internal("Internal Server Error").into_response();
                if *this.is_head {
                    *res.body_mut() = Body::empty();
                }
                res
            }
        };
        let res = match this.renderer {
            Some(renderer) => {
                let method = if *this.is_head {
                    http::Method::HEAD
                } else {
                    http::Method::GET
                };
                render_error(&**renderer, &method, res)
            }
            None => res,
        };
        Poll::Ready(Ok(res.map(GuardedBody::new)))
    }
}

/// An error answer after which the connection is closed, because the request (or its body)
/// was not read to the end and the next bytes cannot be trusted as a new request.
fn closing(error: HttpError) -> Response {
    error
        .with_header(CONNECTION, HeaderValue::from_static("close"))
        .into_response()
}
