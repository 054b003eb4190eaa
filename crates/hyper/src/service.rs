use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use http::StatusCode;
use http_body::Body as _;
use hyper::body::Incoming;
use shallot_core::{
    catch_panic, head_response, panic_message, render_error, BoxFuture, CatchPanic, ConnectionInfo,
    ErrorRenderer, Handler, HttpError, IntoResponse, RequestBody, Response,
};

use crate::catch_panic::GuardedBody;
use crate::host::host_value_is_valid;
use crate::request_body::TimedBody;

/// What every request of every connection shares.
pub(crate) struct ServerContext {
    pub(crate) handler: Arc<dyn Handler>,
    pub(crate) body_limit: u64,
    pub(crate) body_read_timeout: Duration,
    pub(crate) max_uri_bytes: usize,
    pub(crate) max_header_bytes: usize,
    pub(crate) error_renderer: Option<Arc<dyn ErrorRenderer>>,
    pub(crate) trusted_proxies: Option<Arc<shallot_forwarded::TrustedProxies>>,
    /// Handed to upgrade requests, so upgraded connections are told of the shutdown and
    /// waited for.
    pub(crate) shutdown: shallot_core::Shutdown,
}

/// Turns one hyper request into a shallot exchange: checks `Host` and the target's length,
/// hands the body over unread (within the server's limit, with the body read timeout), runs
/// the pile with panics caught, renders error answers, and drops the body of `HEAD` answers.
///
/// A plain function, not an `async fn`: all of this is synchronous up to the handler's call,
/// and the future hyper keeps per request is a small [`Exchange`] rather than a state
/// machine holding the request. Measured in docs/performance.md.
pub(crate) fn handle(
    shared: &ServerContext,
    connection: ConnectionInfo,
    req: hyper::Request<Incoming>,
) -> Exchange {
    let (parts, body) = req.into_parts();
    let is_head = parts.method == http::Method::HEAD;
    let http2 = parts.version == http::Version::HTTP_2;
    let renderer = shared.error_renderer.clone();
    let facts = crate::request_line::head_facts(&parts);
    if !host_value_is_valid(parts.version, facts.host, facts.hosts) {
        let error =
            HttpError::because(StatusCode::BAD_REQUEST, "missing or invalid Host").closing();
        return Exchange::ready(error.into_response(), is_head, http2, renderer);
    }
    if let Some(res) = crate::request_line::check(&parts, &facts, shared.max_header_bytes) {
        return Exchange::ready(res, is_head, http2, renderer);
    }
    let upgrade = facts.upgrade;
    let uri_len = parts.uri.path_and_query().map_or(0, |pq| pq.as_str().len())
        + parts.uri.authority().map_or(0, |a| a.as_str().len());
    if uri_len > shared.max_uri_bytes {
        let res = HttpError::from_status(StatusCode::URI_TOO_LONG).into_response();
        return Exchange::ready(res, is_head, http2, renderer);
    }
    let mut body = if body.is_end_stream() {
        RequestBody::empty()
    } else {
        RequestBody::from_body(TimedBody::new(body, shared.body_read_timeout))
    };
    body.set_limit(shared.body_limit);
    let mut req = http::Request::from_parts(parts, body);
    connection.set_on(&mut req);
    if let Some(proxies) = &shared.trusted_proxies {
        req = shallot_forwarded::forwarded_request(req, proxies);
    }
    if upgrade {
        shared.shutdown.set_on(&mut req);
    }
    Exchange::running(shared.handler.call(req), is_head, http2, renderer)
}

pin_project_lite::pin_project! {
    /// The future of one exchange: the pile's call with panics caught, then error rendering.
    pub(crate) struct Exchange {
        #[pin]
        call: CatchPanic<BoxFuture<Response>>,
        is_head: bool,
        http2: bool,
        renderer: Option<Arc<dyn ErrorRenderer>>,
    }
}

impl Exchange {
    fn running(
        call: BoxFuture<Response>,
        is_head: bool,
        http2: bool,
        renderer: Option<Arc<dyn ErrorRenderer>>,
    ) -> Self {
        Self {
            call: catch_panic(call),
            is_head,
            http2,
            renderer,
        }
    }

    fn ready(
        res: Response,
        is_head: bool,
        http2: bool,
        renderer: Option<Arc<dyn ErrorRenderer>>,
    ) -> Self {
        Self::running(Box::pin(std::future::ready(res)), is_head, http2, renderer)
    }
}

impl Future for Exchange {
    type Output = Result<hyper::Response<GuardedBody>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // Handlers' panics are answered inside the pile; this catches a middleware's.
        let mut res = match ready!(this.call.poll(cx)) {
            Ok(res) => res,
            Err(panic) => {
                log::error!("the pile panicked: {}", panic_message(&*panic));
                HttpError::internal_server_error().into_response()
            }
        };
        // Reassigned only when a step applies: the common answer is not moved through them.
        if let Some(renderer) = this.renderer {
            res = render_error(res, &**renderer);
        }
        if *this.is_head {
            res = head_response(res);
        }
        if *this.http2 && !res.body().is_end_stream() {
            // What hyper's HTTP/2 server adds, without its two allocations.
            if let Some(len) = res.body().size_hint().exact() {
                crate::content_length::set_content_length_if_missing(res.headers_mut(), len);
            }
        }
        Poll::Ready(Ok(res.map(GuardedBody::new)))
    }
}
