use std::borrow::Cow;
use std::fmt;

use http::header::{HeaderName, HeaderValue, CONNECTION, CONTENT_TYPE};
use http::StatusCode;

use crate::{Response, TEXT_PLAIN_UTF_8};

/// An error answer made by the toolkit or by a handler: a status and a short message.
///
/// As a response it is plain text (`text/plain; charset=utf-8`, body = the message) and it
/// carries itself in the response extensions, so an [`ErrorRenderer`](crate::ErrorRenderer)
/// can later render every such answer another way (JSON for an API) without knowing which
/// middleware made it.
///
/// # Examples
///
/// ```
/// use shallot_core::{HttpError, IntoResponse};
///
/// let res = HttpError::bad_request("Malformed JSON").into_response();
/// assert_eq!(res.status(), 400);
/// assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
/// assert_eq!(HttpError::of(&res).unwrap().message(), "Malformed JSON");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    status: StatusCode,
    message: Cow<'static, str>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl HttpError {
    /// An error answer with this status and message.
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// An error answer with this status and its canonical reason as the message
    /// (`404` → `Not Found`).
    pub fn from_status(status: StatusCode) -> Self {
        Self::new(status, status.canonical_reason().unwrap_or("Error"))
    }

    /// An error answer whose message is the status's reason, then `detail`: `400` with
    /// `missing Host` is `Bad Request: missing Host`. The reason text is written once, by the
    /// status, never by hand at a call site.
    ///
    /// # Examples
    ///
    /// ```
    /// use shallot_core::{http::StatusCode, HttpError};
    ///
    /// let error = HttpError::because(StatusCode::BAD_REQUEST, "missing Host");
    /// assert_eq!(error.message(), "Bad Request: missing Host");
    /// ```
    pub fn because(status: StatusCode, detail: impl std::fmt::Display) -> Self {
        let reason = status.canonical_reason().unwrap_or("Error");
        Self::new(status, format!("{reason}: {detail}"))
    }

    /// `400 Bad Request` with this message.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// `404 Not Found`, body `Not Found`.
    pub fn not_found() -> Self {
        Self::from_status(StatusCode::NOT_FOUND)
    }

    /// `500 Internal Server Error` with this message. The message is sent to the client, so
    /// it must not reveal internals; log the details instead.
    pub fn internal(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// `401 Unauthorized`, body `Unauthorized`. Add `www-authenticate` with
    /// [`HttpError::with_header`] (RFC 9110 §15.5.2).
    pub fn unauthorized() -> Self {
        Self::from_status(StatusCode::UNAUTHORIZED)
    }

    /// `403 Forbidden`, body `Forbidden`.
    pub fn forbidden() -> Self {
        Self::from_status(StatusCode::FORBIDDEN)
    }

    /// `409 Conflict` with this message.
    pub fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// `422 Unprocessable Content` with this message: the request was well-formed but its
    /// content cannot be acted on (a failed validation).
    pub fn unprocessable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// `429 Too Many Requests`, body `Too Many Requests`.
    pub fn too_many_requests() -> Self {
        Self::from_status(StatusCode::TOO_MANY_REQUESTS)
    }

    /// `503 Service Unavailable`, body `Service Unavailable`: a dependency (a database, a
    /// session store) is down; the client may retry.
    pub fn service_unavailable() -> Self {
        Self::from_status(StatusCode::SERVICE_UNAVAILABLE)
    }

    /// `500 Internal Server Error`, body `Internal Server Error`: the answer to a bug, with
    /// nothing revealed to the client.
    pub fn internal_server_error() -> Self {
        Self::from_status(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Adds `connection: close`: the answer ends the connection (HTTP/1.1), because the
    /// request was not read to its end.
    #[must_use]
    pub fn closing(self) -> Self {
        self.with_header(CONNECTION, HeaderValue::from_static("close"))
    }

    /// Adds a header to the answer (`Allow` on a 405, `Content-Range` on a 416, ...); a
    /// renderer keeps it.
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message, sent as the body by the default renderer.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The extra headers of the answer, in the order they were added.
    pub fn headers(&self) -> &[(HeaderName, HeaderValue)] {
        &self.headers
    }

    /// The error a response was made from, if it was made from one.
    pub fn of(res: &Response) -> Option<&Self> {
        res.extensions().get::<Self>()
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status.as_u16(), self.message)
    }
}

impl std::error::Error for HttpError {}

impl crate::IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let mut res = Response::new(self.message.clone().into_owned().into());
        *res.status_mut() = self.status;
        let headers = res.headers_mut();
        headers.insert(CONTENT_TYPE, TEXT_PLAIN_UTF_8);
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        res.extensions_mut().insert(self);
        res
    }
}

#[cfg(test)]
mod tests {
    use http::header::{CONNECTION, WWW_AUTHENTICATE};
    use http::{HeaderValue, StatusCode};

    use super::HttpError;
    use crate::IntoResponse as _;

    #[test]
    fn each_shortcut_has_its_status_and_message() {
        for (error, status, message) in [
            (HttpError::bad_request("no"), 400, "no"),
            (HttpError::unauthorized(), 401, "Unauthorized"),
            (HttpError::forbidden(), 403, "Forbidden"),
            (HttpError::not_found(), 404, "Not Found"),
            (HttpError::conflict("taken"), 409, "taken"),
            (HttpError::unprocessable("age < 0"), 422, "age < 0"),
            (HttpError::too_many_requests(), 429, "Too Many Requests"),
            (HttpError::internal("db"), 500, "db"),
            (
                HttpError::internal_server_error(),
                500,
                "Internal Server Error",
            ),
            (HttpError::service_unavailable(), 503, "Service Unavailable"),
            (
                HttpError::from_status(StatusCode::IM_A_TEAPOT),
                418,
                "I'm a teapot",
            ),
            (
                HttpError::from_status(StatusCode::from_u16(599).unwrap()),
                599,
                "Error",
            ),
            (HttpError::because(StatusCode::GONE, 42), 410, "Gone: 42"),
        ] {
            assert_eq!(error.status(), status, "{error}");
            assert_eq!(error.message(), message, "{error}");
            assert_eq!(error.to_string(), format!("{status}: {message}"));
        }
    }

    #[test]
    fn as_an_answer_it_is_plain_text_with_its_headers_in_order_and_itself_inside() {
        let error = HttpError::unauthorized()
            .with_header(WWW_AUTHENTICATE, HeaderValue::from_static("Basic"))
            .with_header(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
            .closing();
        let res = error.clone().into_response();
        assert_eq!(res.status(), 401);
        assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
        let challenges: Vec<_> = res.headers().get_all(WWW_AUTHENTICATE).iter().collect();
        assert_eq!(challenges, ["Basic", "Bearer"]);
        assert_eq!(res.headers()[CONNECTION], "close");
        assert_eq!(HttpError::of(&res), Some(&error));
        assert_eq!(res.body().as_bytes().unwrap(), "Unauthorized");
    }
}
