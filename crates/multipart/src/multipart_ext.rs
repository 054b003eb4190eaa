use shallot_core::{HttpError, Request};

use crate::multipart_middleware::{required_boundary, Prepared};
use crate::{Multipart, MultipartMiddleware};

/// The parts of a `multipart/form-data` request, as a stream.
pub trait MultipartExt {
    /// Takes the request body as a stream of parts, with the limits of the
    /// [`wrap_multipart`](crate::wrap_multipart) in the pile (or the defaults without one).
    /// The body is read only as the parts are.
    ///
    /// # Errors
    ///
    /// As [`multipart_request`](crate::multipart_request): `415` for another content type,
    /// `400` without a boundary.
    fn multipart(&mut self) -> Result<Multipart, HttpError>;
}

impl MultipartExt for Request {
    fn multipart(&mut self) -> Result<Multipart, HttpError> {
        let (boundary, options) = match self.extensions().get::<Prepared>() {
            Some(prepared) => (prepared.boundary.clone(), prepared.options),
            None => (
                required_boundary(self.headers())?,
                MultipartMiddleware::new(),
            ),
        };
        let body = std::mem::take(self.body_mut());
        Ok(Multipart::new(body, &boundary, options))
    }
}
