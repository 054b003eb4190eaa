use std::fmt;

use shallot_core::http::StatusCode;
use shallot_core::{BodyError, HttpError, IntoResponse, Response};

/// Why a multipart body could not be read; each answers with a fixed status and text.
///
/// | error | answer |
/// |---|---|
/// | [`MultipartError::Malformed`] | `400`, `Bad Request: malformed multipart body` |
/// | [`MultipartError::TooManyParts`] | `413`, `Payload Too Large: too many parts` |
/// | [`MultipartError::FieldTooLarge`] | `413`, `Payload Too Large: a form field is over its limit` |
/// | [`MultipartError::Body`] | the [`BodyError`]'s answer (`413` over the body limit, `400`, `408`) |
#[derive(Debug)]
#[non_exhaustive]
pub enum MultipartError {
    /// Not well-formed multipart: a truncated part, a missing final boundary, bad part
    /// headers.
    Malformed(String),
    /// More parts than [`MultipartMiddleware::with_max_parts`](crate::MultipartMiddleware::with_max_parts).
    TooManyParts {
        /// The limit.
        limit: usize,
    },
    /// A part that is not a file grew over
    /// [`MultipartMiddleware::with_max_field_bytes`](crate::MultipartMiddleware::with_max_field_bytes).
    FieldTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The request body itself failed: over its limit, broken off or stalled.
    Body(BodyError),
}

impl MultipartError {
    pub(crate) fn from_multer(error: multer::Error) -> Self {
        match error {
            multer::Error::StreamReadFailed(cause) => match cause.downcast::<BodyError>() {
                Ok(body) => Self::Body(*body),
                Err(other) => Self::Malformed(other.to_string()),
            },
            other => Self::Malformed(other.to_string()),
        }
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::TooManyParts { .. } | Self::FieldTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Body(error) => error.status(),
        }
    }
}

impl fmt::Display for MultipartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(reason) => write!(f, "malformed multipart body: {reason}"),
            Self::TooManyParts { limit } => write!(f, "more than {limit} parts"),
            Self::FieldTooLarge { limit } => write!(f, "a form field over {limit} bytes"),
            Self::Body(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for MultipartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Body(error) => Some(error),
            _ => None,
        }
    }
}

impl From<MultipartError> for HttpError {
    fn from(error: MultipartError) -> Self {
        let status = error.status();
        match error {
            MultipartError::Malformed(_) => Self::new(status, MALFORMED_MULTIPART),
            MultipartError::TooManyParts { .. } => {
                Self::new(status, "Payload Too Large: too many parts").closing()
            }
            MultipartError::FieldTooLarge { .. } => {
                Self::new(status, "Payload Too Large: a form field is over its limit").closing()
            }
            MultipartError::Body(error) => error.into(),
        }
    }
}

impl IntoResponse for MultipartError {
    fn into_response(self) -> Response {
        HttpError::from(self).into_response()
    }
}

/// The answer to a body that is not well-formed multipart.
pub const MALFORMED_MULTIPART: &str = "Bad Request: malformed multipart body";
