use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http_body::{Frame, SizeHint};

use crate::{BodyError, BoxError};

/// The request body limit every request starts with: 2 MiB. A server may start its requests
/// with another limit, and a middleware may raise or lower it for the requests it sees
/// ([`wrap_body_limit`](crate::wrap_body_limit)).
pub const DEFAULT_BODY_LIMIT: u64 = 2 * 1024 * 1024;

type BoxBody = Pin<Box<dyn http_body::Body<Data = Bytes, Error = BoxError> + Send + Sync>>;

/// A request body, read when someone asks for it and not before.
///
/// A server hands the pile a body that is still on the wire. Whoever needs it asks:
///
/// - whole, with [`RequestBody::read_all`]: read once within the limit, then kept, so every
///   later reader gets the same bytes without awaiting ([`RequestBody::as_bytes`]);
/// - as a stream of chunks, with [`RequestBody::chunk`] (or as a [`Stream`]), for bodies of
///   any size in a few buffers' worth of memory.
///
/// Both count the bytes against the body's **limit** ([`DEFAULT_BODY_LIMIT`] unless the
/// server or a middleware set another): a body declared larger (`content-length`) is refused
/// before a byte is read, and one that grows past it while arriving (chunked) is refused as
/// soon as it does. Refusals are [`BodyError`]s, which answer `413`, `400` or `408`.
///
/// # Examples
///
/// ```
/// use shallot_core::{test, HttpError, Request};
///
/// async fn length(mut req: Request) -> Result<String, HttpError> {
///     let bytes = req.body_mut().read_all().await?;
///     Ok(format!("{} bytes", bytes.len()))
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// test::post("/", "hello").send(&length).await.assert_body("5 bytes");
/// test::post("/", "hello")
///     .body_limit(4)
///     .send(&length)
///     .await
///     .assert_status(413);
/// # }
/// ```
pub struct RequestBody {
    limit: u64,
    /// `None` for a body with nothing in it (a `GET`): nothing allocated, and the request
    /// stays small (it is moved into every middleware call; docs/performance.md).
    state: Option<Box<State>>,
}

/// A body with something in it, or that was read.
struct State {
    kind: Kind,
    /// Bytes handed out by the stream so far.
    read: u64,
    /// The length the client announced (`content-length`), when it did.
    declared: Option<u64>,
}

/// What `as_bytes` and `read_all` lend for a body with nothing in it.
static NO_BYTES: Bytes = Bytes::new();

enum Kind {
    /// In memory: given whole, or read whole by an earlier reader.
    Whole(Bytes),
    /// Still to be read.
    Streaming(BoxBody),
    /// Handed out as a stream (or refused): nothing more to read.
    Consumed,
}

impl RequestBody {
    /// An empty body (a `GET` without one).
    pub const fn empty() -> Self {
        Self {
            limit: DEFAULT_BODY_LIMIT,
            state: None,
        }
    }

    /// A body still to be read from `body` (what a server builds for each request).
    pub fn from_body<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
        B::Error: Into<BoxError>,
    {
        let declared = body.size_hint().exact();
        Self {
            limit: DEFAULT_BODY_LIMIT,
            state: Some(Box::new(State {
                kind: Kind::Streaming(Box::pin(MapErr { inner: body })),
                read: 0,
                declared,
            })),
        }
    }

    /// A body still to be read from a stream of chunks (a test's slow client, a proxy).
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + Sync + 'static,
        E: Into<BoxError>,
    {
        Self::from_body(StreamBody { inner: stream })
    }

    /// The most bytes this body may have; more is refused with a `413` [`BodyError`].
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Raises or lowers the limit (a route that takes uploads raises it). A body already in
    /// memory is held to the new limit by the next [`RequestBody::read_all`].
    pub fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
    }

    /// The length the client announced, if it did (`content-length`).
    pub fn declared_len(&self) -> Option<u64> {
        let Some(state) = &self.state else {
            return Some(0);
        };
        match &state.kind {
            Kind::Whole(bytes) => Some(bytes.len() as u64),
            _ => state.declared,
        }
    }

    /// Whether the body is already known to break the limit, without reading it: its
    /// announced (or in-memory) length is over the limit.
    pub fn exceeds_limit(&self) -> bool {
        self.declared_len().is_some_and(|len| len > self.limit)
    }

    /// Whether the body is known to be empty, without reading it.
    pub fn is_empty(&self) -> bool {
        self.declared_len() == Some(0)
    }

    /// The whole body, when it is in memory (given whole, or read by an earlier
    /// [`RequestBody::read_all`]); `None` while it is still to be read.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match self.state.as_deref() {
            None => Some(&NO_BYTES),
            Some(State {
                kind: Kind::Whole(bytes),
                ..
            }) => Some(bytes),
            Some(_) => None,
        }
    }

    /// Reads the whole body into memory, once: later calls (and [`RequestBody::as_bytes`])
    /// give the same bytes without reading again.
    ///
    /// # Errors
    ///
    /// [`BodyError::TooLarge`] when the body is (or becomes, while arriving) larger than the
    /// limit: the rest is not read. [`BodyError::Broken`] when the client broke off or sent
    /// a malformed chunked body, [`BodyError::TimedOut`] when it stopped sending, and
    /// [`BodyError::Consumed`] when the body was already handed out as a stream.
    pub async fn read_all(&mut self) -> Result<&Bytes, BodyError> {
        if self
            .state
            .as_ref()
            .is_some_and(|state| matches!(state.kind, Kind::Streaming(_)))
        {
            let bytes = self.collect().await?;
            if let Some(state) = &mut self.state {
                state.kind = Kind::Whole(bytes);
            }
        }
        let limit = self.limit;
        match self.state.as_deref() {
            None => Ok(&NO_BYTES),
            Some(State {
                kind: Kind::Whole(bytes),
                ..
            }) if bytes.len() as u64 > limit => Err(BodyError::TooLarge { limit }),
            Some(State {
                kind: Kind::Whole(bytes),
                ..
            }) => Ok(bytes),
            Some(_) => Err(BodyError::Consumed),
        }
    }

    /// The next chunk of the body, as it arrives; `None` at its end. Memory stays bounded
    /// by the size of one chunk, whatever the size of the body.
    ///
    /// A body already in memory is handed out as one chunk. Once streamed, a body is gone:
    /// a later [`RequestBody::read_all`] is [`BodyError::Consumed`].
    ///
    /// # Errors
    ///
    /// As [`RequestBody::read_all`]; after an error the stream ends.
    pub async fn chunk(&mut self) -> Option<Result<Bytes, BodyError>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    async fn collect(&mut self) -> Result<Bytes, BodyError> {
        let mut first: Option<Bytes> = None;
        let mut rest: Option<BytesMut> = None;
        while let Some(chunk) = self.chunk().await {
            let chunk = chunk?;
            match (&first, &mut rest) {
                (None, _) => first = Some(chunk),
                (Some(head), None) => {
                    // Room for the announced length, so a large body is copied once.
                    let total = head.len() + chunk.len();
                    let declared = self.state.as_ref().and_then(|state| state.declared);
                    let expected = declared.unwrap_or(total as u64 * 2).min(self.limit);
                    let capacity = usize::try_from(expected).unwrap_or(total).max(total);
                    let mut buf = BytesMut::with_capacity(capacity);
                    buf.extend_from_slice(head);
                    buf.extend_from_slice(&chunk);
                    rest = Some(buf);
                }
                (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
            }
        }
        Ok(match (first, rest) {
            (_, Some(buf)) => buf.freeze(),
            (Some(head), None) => head,
            (None, None) => Bytes::new(),
        })
    }

    fn refuse(&mut self, error: BodyError) -> Poll<Option<Result<Bytes, BodyError>>> {
        // Dropping the wire body tells the server the rest will not be read, so the
        // connection is not reused.
        if let Some(state) = &mut self.state {
            state.kind = Kind::Consumed;
        }
        Poll::Ready(Some(Err(error)))
    }
}

impl Default for RequestBody {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.state.as_deref().map(|state| &state.kind) {
            None => "Whole(0 bytes)".to_owned(),
            Some(Kind::Whole(bytes)) => format!("Whole({} bytes)", bytes.len()),
            Some(Kind::Streaming(_)) => "Streaming".to_owned(),
            Some(Kind::Consumed) => "Consumed".to_owned(),
        };
        f.debug_struct("RequestBody")
            .field("kind", &kind)
            .field("limit", &self.limit)
            .field("declared", &self.declared_len())
            .finish()
    }
}

impl From<Bytes> for RequestBody {
    fn from(bytes: Bytes) -> Self {
        if bytes.is_empty() {
            return Self::empty();
        }
        let declared = Some(bytes.len() as u64);
        Self {
            state: Some(Box::new(State {
                kind: Kind::Whole(bytes),
                read: 0,
                declared,
            })),
            ..Self::empty()
        }
    }
}

impl From<&'static str> for RequestBody {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

impl From<String> for RequestBody {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<Vec<u8>> for RequestBody {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl Stream for RequestBody {
    type Item = Result<Bytes, BodyError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let limit = this.limit;
        let Some(state) = this.state.as_deref_mut() else {
            return Poll::Ready(None);
        };
        match &mut state.kind {
            Kind::Consumed => Poll::Ready(None),
            Kind::Whole(bytes) => {
                if bytes.len() as u64 > limit {
                    return this.refuse(BodyError::TooLarge { limit });
                }
                let bytes = std::mem::take(bytes);
                state.kind = Kind::Consumed;
                state.read = bytes.len() as u64;
                Poll::Ready((!bytes.is_empty()).then_some(Ok(bytes)))
            }
            Kind::Streaming(body) => {
                if state.read == 0 && state.declared.is_some_and(|len| len > limit) {
                    return this.refuse(BodyError::TooLarge { limit });
                }
                loop {
                    match body.as_mut().poll_frame(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(None) => {
                            state.kind = Kind::Consumed;
                            return Poll::Ready(None);
                        }
                        Poll::Ready(Some(Err(error))) => {
                            return this.refuse(BodyError::from_wire(error));
                        }
                        Poll::Ready(Some(Ok(frame))) => {
                            let Ok(data) = frame.into_data() else {
                                continue; // trailers carry no body bytes
                            };
                            if data.is_empty() {
                                continue;
                            }
                            state.read += data.len() as u64;
                            if state.read > limit {
                                return this.refuse(BodyError::TooLarge { limit });
                            }
                            return Poll::Ready(Some(Ok(data)));
                        }
                    }
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.state.as_deref().map(|state| &state.kind) {
            None | Some(Kind::Consumed) => (0, Some(0)),
            _ => (0, None),
        }
    }
}

/// So a request body can be handed on to anything that takes an `http_body::Body` (a proxy's
/// client, a tower service), with the limit still applied.
impl http_body::Body for RequestBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        self.poll_next(cx)
            .map(|item| item.map(|r| r.map(Frame::data)))
    }

    fn is_end_stream(&self) -> bool {
        match self.state.as_deref().map(|state| &state.kind) {
            None | Some(Kind::Consumed) => true,
            Some(Kind::Whole(bytes)) => bytes.is_empty(),
            Some(Kind::Streaming(body)) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        let consumed = self
            .state
            .as_ref()
            .is_some_and(|state| matches!(state.kind, Kind::Consumed));
        match self.declared_len() {
            Some(len) if !consumed => SizeHint::with_exact(len),
            _ => SizeHint::default(),
        }
    }
}

pin_project_lite::pin_project! {
    /// Any body of `Bytes` with its error boxed: the one adaptor behind `RequestBody::from_body`
    /// and `Body::new`.
    pub(crate) struct MapErr<B> {
        #[pin]
        pub(crate) inner: B,
    }
}

impl<B> http_body::Body for MapErr<B>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.project()
            .inner
            .poll_frame(cx)
            .map(|item| item.map(|r| r.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

pin_project_lite::pin_project! {
    struct StreamBody<S> {
        #[pin]
        inner: S,
    }
}

impl<S, E> http_body::Body for StreamBody<S>
where
    S: Stream<Item = Result<Bytes, E>>,
{
    type Data = Bytes;
    type Error = E;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, E>>> {
        self.project()
            .inner
            .poll_next(cx)
            .map(|item| item.map(|r| r.map(Frame::data)))
    }
}
