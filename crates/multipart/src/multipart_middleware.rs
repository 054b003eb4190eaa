use std::sync::Arc;

use shallot_core::http::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use shallot_core::http::{HeaderMap, StatusCode};
use shallot_core::{BoxFuture, HttpError, IntoResponse, Middleware, Next, Request, Response};

/// The answer to a request that is not `multipart/form-data` where uploads are expected.
pub const NOT_MULTIPART: &str = "Unsupported Media Type: expected multipart/form-data";
/// The answer to a `multipart/form-data` request whose content type names no boundary.
pub const NO_BOUNDARY: &str = "Bad Request: multipart/form-data without a boundary";

/// Marks the routes that take `multipart/form-data` uploads; see the crate docs.
pub fn wrap_multipart() -> MultipartMiddleware {
    MultipartMiddleware::new()
}

/// The middleware made by [`wrap_multipart`], and the limits of [`MultipartExt::multipart`](crate::MultipartExt::multipart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MultipartMiddleware {
    max_parts: usize,
    max_field_bytes: u64,
}

/// The default cap on the number of parts: 1,000.
pub const DEFAULT_MAX_PARTS: usize = 1_000;
/// The default cap on a part that is not a file: 64 KiB.
pub const DEFAULT_MAX_FIELD_BYTES: u64 = 64 * 1024;

impl Default for MultipartMiddleware {
    fn default() -> Self {
        Self {
            max_parts: DEFAULT_MAX_PARTS,
            max_field_bytes: DEFAULT_MAX_FIELD_BYTES,
        }
    }
}

impl MultipartMiddleware {
    /// The default limits: [`DEFAULT_MAX_PARTS`] and [`DEFAULT_MAX_FIELD_BYTES`]. The whole
    /// body is held to the request's body limit (raise it on upload routes with
    /// `wrap_body_limit`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The most parts a body may have; one more is `413`.
    #[must_use]
    pub fn with_max_parts(mut self, parts: usize) -> Self {
        self.max_parts = parts;
        self
    }

    /// The largest part that is not a file (no `filename` parameter), in bytes; a larger one
    /// is `413`. Files are streamed and only held to the body limit.
    #[must_use]
    pub fn with_max_field_bytes(mut self, bytes: u64) -> Self {
        self.max_field_bytes = bytes;
        self
    }

    pub(crate) fn max_parts(self) -> usize {
        self.max_parts
    }

    pub(crate) fn max_field_bytes(self) -> u64 {
        self.max_field_bytes
    }
}

/// What [`multipart_request`] found, for [`MultipartExt`](crate::MultipartExt), under a key
/// no other crate can name.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) boundary: Arc<str>,
    pub(crate) options: MultipartMiddleware,
}

/// The boundary of a `multipart/form-data` content type (RFC 7578 §4.1, RFC 2046 §5.1.1):
/// `Ok(None)` for another content type, `Err` for multipart without a usable boundary.
fn boundary_of(headers: &HeaderMap) -> Result<Option<&str>, ()> {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let mut params = value.split(';');
    let essence = params.next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return Ok(None);
    }
    for param in params {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("boundary") {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            // RFC 2046 §5.1.1: 1 to 70 characters.
            return if (1..=70).contains(&value.len()) {
                Ok(Some(value))
            } else {
                Err(())
            };
        }
    }
    Err(())
}

/// The boundary of a request that must be a `multipart/form-data` upload, or the answer.
pub(crate) fn required_boundary(headers: &HeaderMap) -> Result<Arc<str>, HttpError> {
    match boundary_of(headers) {
        Ok(Some(boundary)) => Ok(Arc::from(boundary)),
        Ok(None) => Err(
            HttpError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, NOT_MULTIPART)
                .with_header(ACCEPT, HeaderValue::from_static("multipart/form-data")),
        ),
        Err(()) => Err(HttpError::bad_request(NO_BOUNDARY)),
    }
}

/// Checks that `req` is a `multipart/form-data` upload and prepares it for
/// [`MultipartExt::multipart`](crate::MultipartExt::multipart) with these limits. Nothing of
/// the body is read.
///
/// # Errors
///
/// `415` ([`NOT_MULTIPART`], with `Accept: multipart/form-data`) for another content type or
/// none; `400` ([`NO_BOUNDARY`]) for multipart without a usable boundary.
///
/// # Examples
///
/// ```
/// use shallot_core::test;
/// use shallot_multipart::{multipart_request, MultipartMiddleware};
///
/// let options = MultipartMiddleware::new();
/// let req = test::post("/", "").header("content-type", "multipart/form-data; boundary=X");
/// assert!(multipart_request(req.into_request(), &options).is_ok());
///
/// let req = test::post("/", "{}").header("content-type", "application/json");
/// let error = multipart_request(req.into_request(), &options).unwrap_err();
/// assert_eq!(error.status(), 415);
/// ```
pub fn multipart_request(
    mut req: Request,
    options: &MultipartMiddleware,
) -> Result<Request, HttpError> {
    let boundary = required_boundary(req.headers())?;
    req.extensions_mut().insert(Prepared {
        boundary,
        options: *options,
    });
    Ok(req)
}

impl Middleware for MultipartMiddleware {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        match multipart_request(req, self) {
            Ok(req) => next.run(req),
            Err(error) => Box::pin(std::future::ready(error.into_response())),
        }
    }
}
