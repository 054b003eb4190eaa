use serde::Serialize;
use shallot_core::http::header::{HeaderValue, CONTENT_TYPE};
use shallot_core::{Body, HttpError, IntoResponse, Response};

/// The content type of JSON answers.
pub const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// A `200 OK` JSON answer (`application/json`) serialized from `value`.
///
/// A value that cannot be serialized (a map with non-string keys, a failing `Serialize`
/// impl) is logged and answered `500 Internal Server Error`, never a panic.
///
/// # Examples
///
/// ```
/// let res = shallot_json::json(&serde_json::json!({"hello": "world"}));
/// assert_eq!(res.headers()["content-type"], "application/json");
/// assert_eq!(res.body().as_bytes().unwrap().as_ref(), br#"{"hello":"world"}"#);
/// ```
pub fn json<T: Serialize + ?Sized>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut res = Response::new(Body::from(bytes));
            res.headers_mut().insert(CONTENT_TYPE, APPLICATION_JSON);
            res
        }
        Err(error) => {
            log::error!(
                "could not serialize a {} as JSON: {error}",
                std::any::type_name::<T>()
            );
            HttpError::internal_server_error().into_response()
        }
    }
}

/// A value answered as JSON; handlers may return `Json(value)`.
///
/// # Examples
///
/// ```
/// use shallot_core::IntoResponse;
/// use shallot_json::Json;
///
/// let res = Json(vec![1, 2, 3]).into_response();
/// assert_eq!(res.body().as_bytes().unwrap().as_ref(), b"[1,2,3]");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        json(&self.0)
    }
}
