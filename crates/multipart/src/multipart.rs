use std::fmt;

use shallot_core::RequestBody;

use crate::{MultipartError, MultipartMiddleware, Part};

/// The parts of a `multipart/form-data` body, read one after the other as they arrive.
///
/// Made by [`MultipartExt::multipart`](crate::MultipartExt::multipart). A part's data must be
/// read (or the part dropped) before the next part is asked for; what was not read of it is
/// skipped.
pub struct Multipart {
    inner: multer::Multipart<'static>,
    options: MultipartMiddleware,
    parts: usize,
}

impl Multipart {
    pub(crate) fn new(body: RequestBody, boundary: &str, options: MultipartMiddleware) -> Self {
        Self {
            inner: multer::Multipart::new(body, boundary),
            options,
            parts: 0,
        }
    }

    /// The next part, or `None` after the final boundary. A preamble before the first
    /// boundary and an epilogue after the last are ignored (RFC 2046 §5.1.1).
    ///
    /// # Errors
    ///
    /// [`MultipartError::Malformed`] for a body that is not well-formed multipart (a
    /// truncated part, a missing final boundary), [`MultipartError::TooManyParts`], or
    /// [`MultipartError::Body`] when the body itself fails (over its limit, broken off).
    pub async fn next_part(&mut self) -> Result<Option<Part>, MultipartError> {
        let Some(field) = self
            .inner
            .next_field()
            .await
            .map_err(MultipartError::from_multer)?
        else {
            return Ok(None);
        };
        self.parts += 1;
        if self.parts > self.options.max_parts() {
            return Err(MultipartError::TooManyParts {
                limit: self.options.max_parts(),
            });
        }
        Ok(Some(Part::new(field, self.options.max_field_bytes())))
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart")
            .field("options", &self.options)
            .field("parts", &self.parts)
            .finish()
    }
}
