use std::fmt;

use http::StatusCode;

use crate::{BoxError, HttpError, IntoResponse, Response};

/// Why a request body could not be read; each answers with its own status.
///
/// | error | answer |
/// |---|---|
/// | [`BodyError::TooLarge`] | `413`, `Payload Too Large`, `connection: close` |
/// | [`BodyError::Broken`] | `400`, `Bad Request: unreadable body`, `connection: close` |
/// | [`BodyError::TimedOut`] | `408`, `Request Timeout`, `connection: close` |
/// | [`BodyError::Consumed`] | `500`, `Internal Server Error` (a bug of the pile) |
///
/// The first three close the connection: the rest of the body was not read, so the next
/// bytes on the wire cannot be trusted as a new request.
///
/// # Examples
///
/// ```
/// use shallot_core::{BodyError, IntoResponse};
///
/// let res = BodyError::TooLarge { limit: 1024 }.into_response();
/// assert_eq!(res.status(), 413);
/// assert_eq!(res.headers()["connection"], "close");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum BodyError {
    /// The body is, or grew while arriving, larger than the limit in force.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The client broke off mid-body or sent a malformed chunked body.
    Broken(BoxError),
    /// The client stopped sending for longer than the server's body read timeout.
    TimedOut,
    /// The body was already handed out as a stream, so it cannot be read whole.
    Consumed,
}

/// The error a server's body reports when the client stopped sending for too long; a
/// [`RequestBody`](crate::RequestBody) turns it into [`BodyError::TimedOut`].
#[derive(Debug, Clone, Copy, Default)]
pub struct BodyReadTimedOut;

impl fmt::Display for BodyReadTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the client stopped sending the request body")
    }
}

impl std::error::Error for BodyReadTimedOut {}

impl BodyError {
    pub(crate) fn from_wire(error: BoxError) -> Self {
        if error.is::<BodyReadTimedOut>() {
            Self::TimedOut
        } else {
            Self::Broken(error)
        }
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Broken(_) => StatusCode::BAD_REQUEST,
            Self::TimedOut => StatusCode::REQUEST_TIMEOUT,
            Self::Consumed => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { limit } => write!(f, "request body over the limit of {limit} bytes"),
            Self::Broken(error) => write!(f, "request body broken off: {error}"),
            Self::TimedOut => f.write_str("request body timed out"),
            Self::Consumed => f.write_str("request body already consumed as a stream"),
        }
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Broken(error) => Some(&**error),
            _ => None,
        }
    }
}

impl From<BodyError> for HttpError {
    fn from(error: BodyError) -> Self {
        let status = error.status();
        match error {
            BodyError::TooLarge { .. } | BodyError::TimedOut => Self::from_status(status).closing(),
            BodyError::Broken(_) => Self::because(status, "unreadable body").closing(),
            BodyError::Consumed => Self::from_status(status),
        }
    }
}

impl IntoResponse for BodyError {
    fn into_response(self) -> Response {
        HttpError::from(self).into_response()
    }
}
