use shallot_core::http::StatusCode;
use shallot_core::{BoxError, HttpError, IntoResponse, Response};

/// The answer to an error a tower layer or service returned instead of a response:
///
/// | error | answer |
/// |---|---|
/// | `tower::timeout::error::Elapsed` (`tower::timeout::TimeoutLayer`) | `408 Request Timeout` |
/// | `tower::load_shed::error::Overloaded` (`LoadShedLayer`) | `503 Service Unavailable` |
/// | anything else | `500 Internal Server Error` (the error is not shown to the client) |
///
/// The answer is an [`HttpError`], so the pile's error renderer renders it like any other.
///
/// # Examples
///
/// ```
/// use shallot_tower::layer_error;
///
/// let elapsed = tower::timeout::error::Elapsed::new();
/// assert_eq!(layer_error(&elapsed).status(), 408);
/// ```
pub fn layer_error(error: &(dyn std::error::Error + Send + Sync + 'static)) -> HttpError {
    if error.is::<tower::timeout::error::Elapsed>() {
        HttpError::from_status(StatusCode::REQUEST_TIMEOUT)
    } else if error.is::<tower::load_shed::error::Overloaded>() {
        HttpError::service_unavailable()
    } else {
        HttpError::internal_server_error()
    }
}

/// [`layer_error`]'s answer to the error of a layer or a service.
pub(crate) fn layer_error_response(error: impl Into<BoxError>) -> Response {
    let error: BoxError = error.into();
    layer_error(&*error).into_response()
}

/// Calls a tower service the way both bridges do: waits for `poll_ready`, calls it, and turns
/// its answer into the toolkit's (its body kept as it is, `Body::new`) and its errors into
/// [`layer_error`]'s answers.
pub(crate) async fn call_service<S, B>(mut service: S, req: shallot_core::Request) -> Response
where
    S: tower_service::Service<shallot_core::Request, Response = shallot_core::http::Response<B>>,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    if let Err(error) = std::future::poll_fn(|cx| service.poll_ready(cx)).await {
        return layer_error_response(error);
    }
    match service.call(req).await {
        Ok(res) => res.map(shallot_core::Body::new),
        Err(error) => layer_error_response(error),
    }
}
