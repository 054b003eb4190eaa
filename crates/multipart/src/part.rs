use std::fmt;

use bytes::{Bytes, BytesMut};
use shallot_core::http::header::CONTENT_TYPE;
use shallot_core::http::HeaderMap;

use crate::MultipartError;

/// One part of a multipart body: its headers, then its data as a stream of chunks.
pub struct Part {
    inner: multer::Field<'static>,
    /// Parts that are not files are held to this many bytes.
    field_limit: Option<u64>,
    read: u64,
}

impl Part {
    pub(crate) fn new(inner: multer::Field<'static>, max_field_bytes: u64) -> Self {
        let is_file = inner.file_name().is_some();
        Self {
            inner,
            field_limit: (!is_file).then_some(max_field_bytes),
            read: 0,
        }
    }

    /// The `name` parameter of the part's `Content-Disposition`.
    pub fn name(&self) -> Option<&str> {
        self.inner.name()
    }

    /// The `filename` parameter of the part's `Content-Disposition`, even an empty one, as the
    /// client sent it: it may be a path (`../../etc/passwd`). To name a file on disk, use
    /// [`Part::safe_filename`].
    pub fn filename(&self) -> Option<&str> {
        self.inner.file_name()
    }

    /// The [`filename`](Part::filename) made safe to use as one file name in a folder of
    /// yours ([`safe_filename`](crate::safe_filename)); `None` when the part has none or nothing
    /// usable is left.
    pub fn safe_filename(&self) -> Option<String> {
        self.filename().and_then(crate::safe_filename)
    }

    /// Whether the part is a file: its `Content-Disposition` has a `filename` parameter.
    pub fn is_file(&self) -> bool {
        self.field_limit.is_none()
    }

    /// The part's `Content-Type`, as sent.
    pub fn content_type(&self) -> Option<&str> {
        self.headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// All the part's headers.
    pub fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// The next chunk of the part's data, as it arrives; `None` at its end.
    ///
    /// # Errors
    ///
    /// As [`Multipart::next_part`](crate::Multipart::next_part), and
    /// [`MultipartError::FieldTooLarge`] when a part that is not a file grows over its limit.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, MultipartError> {
        let chunk = self
            .inner
            .chunk()
            .await
            .map_err(MultipartError::from_multer)?;
        if let (Some(chunk), Some(limit)) = (&chunk, self.field_limit) {
            self.read += chunk.len() as u64;
            if self.read > limit {
                return Err(MultipartError::FieldTooLarge { limit });
            }
        }
        Ok(chunk)
    }

    /// The whole data of the part. Meant for form fields (held to their limit); a file may
    /// be as large as the body limit allows, so stream it with [`Part::chunk`] instead.
    ///
    /// # Errors
    ///
    /// As [`Part::chunk`].
    pub async fn bytes(&mut self) -> Result<Bytes, MultipartError> {
        let mut all = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }

    /// The whole data of the part as text (invalid UTF-8 replaced by U+FFFD).
    ///
    /// # Errors
    ///
    /// As [`Part::chunk`].
    pub async fn text(&mut self) -> Result<String, MultipartError> {
        let bytes = self.bytes().await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("name", &self.name())
            .field("filename", &self.filename())
            .field("content_type", &self.content_type())
            .finish()
    }
}
