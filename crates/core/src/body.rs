use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http_body::{Frame, SizeHint};

use crate::request_body::MapErr;

/// The error type a streamed body may yield; the connection is closed when it does.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

type BoxStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send + 'static>>;
type BoxHttpBody = Pin<Box<dyn http_body::Body<Data = Bytes, Error = BoxError> + Send + 'static>>;

/// A response body: empty, whole bytes, or a stream of chunks.
///
/// A whole body is kept as one [`Bytes`] (never boxed or copied), so the server can send it
/// with an exact `content-length`. A streamed body is sent as it is produced, without a
/// `content-length` (chunked in HTTP/1.1).
///
/// # Examples
///
/// ```
/// use shallot_core::Body;
///
/// let whole = Body::from("hi user!");
/// assert_eq!(whole.as_bytes().map(|b| b.len()), Some(8));
///
/// let streamed = Body::from_iter(["chunk 0\n", "chunk 1\n"]);
/// assert!(streamed.as_bytes().is_none());
/// ```
pub struct Body {
    kind: Kind,
}

enum Kind {
    Empty,
    Full(Bytes),
    Stream(BoxStream),
    Http(BoxHttpBody),
}

impl Body {
    /// An empty body.
    pub const fn empty() -> Self {
        Self { kind: Kind::Empty }
    }

    /// A body sent from a stream of chunks, as the client reads it.
    ///
    /// An `Err` item ends the response abruptly (the connection is closed), which is the only
    /// honest signal left once the status line has been sent.
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes> + 'static,
        E: Into<BoxError> + 'static,
    {
        Self {
            kind: Kind::Stream(Box::pin(MapStream { inner: stream })),
        }
    }

    /// A body from any [`http_body::Body`] (another library's response body, a wrapper that
    /// observes or transforms this toolkit's bodies). Its size hint is kept, so a body of
    /// exact length is still sent with `content-length`; trailers are passed on.
    ///
    /// # Examples
    ///
    /// ```
    /// use shallot_core::Body;
    ///
    /// let inner = Body::from("hi user!");
    /// let wrapped = Body::new(inner);
    /// assert_eq!(wrapped.exact_len(), Some(8));
    /// assert_eq!(wrapped.as_bytes().map(|b| b.len()), Some(8)); // a `Body` is not boxed again
    /// ```
    pub fn new<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        // A toolkit body handed back as it is (a tower layer that kept the inner service's
        // body, say) is not boxed again.
        let mut slot = Some(body);
        if let Some(own) = (&mut slot as &mut dyn std::any::Any).downcast_mut::<Option<Self>>() {
            return own.take().expect("the slot was just filled");
        }
        let body = slot.expect("the slot is still full");
        Self {
            kind: Kind::Http(Box::pin(MapErr { inner: body })),
        }
    }

    /// A streamed body whose chunks come from an iterator, produced one at a time as the
    /// connection is ready to write them.
    #[allow(clippy::should_implement_trait)] // `FromIterator` would collect; this streams.
    pub fn from_iter<I>(chunks: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Bytes>,
        I::IntoIter: Send + 'static,
    {
        Self::from_stream(IterStream {
            iter: chunks.into_iter(),
        })
    }

    /// The whole body, when it is held in memory (`None` for a stream).
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.kind {
            Kind::Empty => None,
            Kind::Full(bytes) => Some(bytes),
            Kind::Stream(_) | Kind::Http(_) => None,
        }
    }

    /// The exact length, when it is known without reading the body.
    pub fn exact_len(&self) -> Option<u64> {
        match &self.kind {
            Kind::Empty => Some(0),
            Kind::Full(bytes) => Some(bytes.len() as u64),
            Kind::Stream(_) => None,
            Kind::Http(body) => body.size_hint().exact(),
        }
    }

    /// Whether the body is a stream (its length is unknown until it ends).
    pub fn is_stream(&self) -> bool {
        match &self.kind {
            Kind::Empty | Kind::Full(_) => false,
            Kind::Stream(_) => true,
            Kind::Http(body) => body.size_hint().exact().is_none(),
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Empty => f.write_str("Body::Empty"),
            Kind::Full(bytes) => f.debug_tuple("Body::Full").field(&bytes.len()).finish(),
            Kind::Stream(_) => f.write_str("Body::Stream"),
            Kind::Http(_) => f.write_str("Body::Http"),
        }
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        if bytes.is_empty() {
            Self::empty()
        } else {
            Self {
                kind: Kind::Full(bytes),
            }
        }
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Bytes::from_static(bytes).into()
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<()> for Body {
    fn from((): ()) -> Self {
        Self::empty()
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.kind {
            Kind::Empty => Poll::Ready(None),
            Kind::Full(_) => {
                let Kind::Full(bytes) = std::mem::replace(&mut self.kind, Kind::Empty) else {
                    unreachable!("matched Full just above")
                };
                Poll::Ready(Some(Ok(Frame::data(bytes))))
            }
            Kind::Stream(stream) => loop {
                match stream.as_mut().poll_next(cx) {
                    // An empty chunk would be written as the chunked terminator by some
                    // encoders (RFC 9112 §7.1), so it is skipped.
                    Poll::Ready(Some(Ok(chunk))) if chunk.is_empty() => continue,
                    Poll::Ready(Some(Ok(chunk))) => {
                        return Poll::Ready(Some(Ok(Frame::data(chunk))))
                    }
                    Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(None) => {
                        self.kind = Kind::Empty;
                        return Poll::Ready(None);
                    }
                    Poll::Pending => return Poll::Pending,
                }
            },
            Kind::Http(body) => loop {
                match body.as_mut().poll_frame(cx) {
                    Poll::Ready(Some(Ok(frame)))
                        if frame.data_ref().is_some_and(Bytes::is_empty) =>
                    {
                        continue
                    }
                    Poll::Ready(None) => {
                        self.kind = Kind::Empty;
                        return Poll::Ready(None);
                    }
                    other => return other,
                }
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Empty => true,
            Kind::Http(body) => body.is_end_stream(),
            Kind::Full(_) | Kind::Stream(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Empty => SizeHint::with_exact(0),
            Kind::Full(bytes) => SizeHint::with_exact(bytes.len() as u64),
            Kind::Stream(stream) => {
                let mut hint = SizeHint::new();
                hint.set_lower(stream.size_hint().0 as u64);
                hint
            }
            Kind::Http(body) => body.size_hint(),
        }
    }
}

pin_project_lite::pin_project! {
    struct MapStream<S> {
        #[pin]
        inner: S,
    }
}

impl<S, B, E> Stream for MapStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project()
            .inner
            .poll_next(cx)
            .map(|item| item.map(|result| result.map(Into::into).map_err(Into::into)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

struct IterStream<I> {
    iter: I,
}

impl<I> Unpin for IterStream<I> {}

impl<I> Stream for IterStream<I>
where
    I: Iterator,
    I::Item: Into<Bytes>,
{
    type Item = Result<Bytes, std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.iter.next().map(|chunk| Ok(chunk.into())))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}
