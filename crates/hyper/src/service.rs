use std::convert::Infallible;
use std::sync::Arc;

use http::header::{HeaderValue, CONNECTION};
use http::{Method, StatusCode};
use shallot_core::{
    render_error, ConnectionInfo, ErrorRenderer, Handler, HttpError, IntoResponse, Response,
};

use crate::catch_panic::{panic_message, CatchPanic, GuardedBody};
use crate::host::host_is_valid;
use crate::request_body::{read_body, BodyError};

/// What every request of every connection shares.
pub(crate) struct Shared {
    pub(crate) handler: Arc<dyn Handler>,
    pub(crate) body_limit: usize,
    pub(crate) error_renderer: Option<Arc<dyn ErrorRenderer>>,
}

/// Turns one hyper request into a shallot exchange: checks `Host`, reads the body within the
/// limit, runs the pile with panics caught, and renders error answers.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    connection: ConnectionInfo,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<GuardedBody>, Infallible> {
    let method = req.method().clone();
    let res = exchange(&shared, connection, req).await;
    let res = match &shared.error_renderer {
        Some(renderer) => render_error(&**renderer, &method, res),
        None => res,
    };
    Ok(res.map(GuardedBody::new))
}

async fn exchange(
    shared: &Shared,
    connection: ConnectionInfo,
    req: hyper::Request<hyper::body::Incoming>,
) -> Response {
    let (mut parts, body) = req.into_parts();
    if !host_is_valid(parts.version, &parts.headers) {
        return closing(HttpError::bad_request(
            "Bad Request: missing or invalid Host",
        ));
    }
    let body = match read_body(body, shared.body_limit).await {
        Ok(body) => body,
        // The rest of the body is not read: the connection is closed after this answer.
        Err(BodyError::TooLarge) => {
            return closing(HttpError::from_status(StatusCode::PAYLOAD_TOO_LARGE))
        }
        Err(BodyError::Broken(error)) => {
            log::debug!("request body broken off: {error}");
            return closing(HttpError::bad_request("Bad Request: unreadable body"));
        }
    };
    parts.extensions.insert(connection);
    let is_head = parts.method == Method::HEAD;
    let req = http::Request::from_parts(parts, body);
    match CatchPanic::new(shared.handler.call(req)).await {
        Ok(res) => res,
        Err(panic) => {
            log::error!("handler panicked: {}", panic_message(&*panic));
            let res = HttpError::internal("Internal Server Error").into_response();
            if is_head {
                res.map(|_| shallot_core::Body::empty())
            } else {
                res
            }
        }
    }
}

/// An error answer after which the connection is closed, because the request (or its body)
/// was not read to the end and the next bytes cannot be trusted as a new request.
fn closing(error: HttpError) -> Response {
    error
        .with_header(CONNECTION, HeaderValue::from_static("close"))
        .into_response()
}
