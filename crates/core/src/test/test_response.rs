use std::future::poll_fn;
use std::pin::Pin;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};
use http_body::Body as _;

use crate::Response;

/// A whole answer read by the test client, with chainable assertions.
#[derive(Debug)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    chunks: usize,
    streamed: bool,
}

impl TestResponse {
    pub(crate) async fn read(res: Response) -> Self {
        let (parts, mut body) = res.into_parts();
        let streamed = body.is_stream();
        let mut all = BytesMut::new();
        let mut chunks = 0;
        while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            let frame = frame.expect("the response body failed while being read");
            if let Ok(data) = frame.into_data() {
                chunks += 1;
                all.extend_from_slice(&data);
            }
        }
        Self {
            status: parts.status,
            headers: parts.headers,
            body: all.freeze(),
            chunks,
            streamed,
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header's value as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The whole body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as text.
    ///
    /// # Panics
    ///
    /// Panics when the body is not UTF-8.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("response body is not UTF-8")
    }

    /// How many data chunks the body came in.
    pub fn chunks(&self) -> usize {
        self.chunks
    }

    /// Whether the body was a stream (sent without a `content-length`).
    pub fn was_streamed(&self) -> bool {
        self.streamed
    }

    /// Asserts the status.
    ///
    /// # Panics
    ///
    /// Panics when it differs, showing the body.
    #[track_caller]
    pub fn assert_status(&self, expected: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            expected,
            "unexpected status; body: {:?}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    /// Asserts that a header has exactly this value (its only value).
    ///
    /// # Panics
    ///
    /// Panics when the header is missing, repeated or different.
    #[track_caller]
    pub fn assert_header(&self, name: &str, expected: &str) -> &Self {
        let values: Vec<_> = self.headers.get_all(name).iter().collect();
        assert_eq!(
            values.len(),
            1,
            "expected one `{name}` header, got {values:?}"
        );
        assert_eq!(values[0], expected, "header `{name}`");
        self
    }

    /// Asserts that a header is absent.
    ///
    /// # Panics
    ///
    /// Panics when it is present.
    #[track_caller]
    pub fn assert_no_header(&self, name: &str) -> &Self {
        assert!(
            !self.headers.contains_key(name),
            "unexpected `{name}` header: {:?}",
            self.headers.get(name)
        );
        self
    }

    /// Asserts the whole body.
    ///
    /// # Panics
    ///
    /// Panics when it differs.
    #[track_caller]
    pub fn assert_body(&self, expected: impl AsRef<[u8]>) -> &Self {
        let expected = expected.as_ref();
        assert_eq!(
            &self.body[..],
            expected,
            "body {:?} != expected {:?}",
            String::from_utf8_lossy(&self.body),
            String::from_utf8_lossy(expected)
        );
        self
    }

    /// Asserts that the body contains this text.
    ///
    /// # Panics
    ///
    /// Panics when it does not.
    #[track_caller]
    pub fn assert_body_contains(&self, needle: &str) -> &Self {
        let text = String::from_utf8_lossy(&self.body);
        assert!(
            text.contains(needle),
            "body {text:?} does not contain {needle:?}"
        );
        self
    }
}
