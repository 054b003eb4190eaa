use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{Method, Uri, Version};

use super::TestResponse;
use crate::{head_response, ConnectionInfo, Handler, Request, RequestBody};

/// A request being built for an in-process call.
///
/// It gets a `host` header and a [`ConnectionInfo`] (client `127.0.0.1:40000`, server
/// `127.0.0.1:5000`), as a request from the server would.
#[derive(Debug)]
pub struct TestRequest {
    req: Request,
}

/// A request with any method. `target` is the request target (`/path?query`).
///
/// # Panics
///
/// Panics when `target` is not a valid URI: a test mistake, not a client's.
pub fn request(method: Method, target: &str) -> TestRequest {
    let uri: Uri = target
        .parse()
        .expect("test request target must be a valid URI");
    let mut req = Request::new(RequestBody::empty());
    *req.method_mut() = method;
    *req.uri_mut() = uri;
    *req.version_mut() = Version::HTTP_11;
    req.headers_mut()
        .insert(http::header::HOST, HeaderValue::from_static("localhost"));
    let client = SocketAddr::from((Ipv4Addr::LOCALHOST, 40000));
    let server = SocketAddr::from((Ipv4Addr::LOCALHOST, 5000));
    ConnectionInfo::new(client, server, false).set_on(&mut req);
    TestRequest { req }
}

/// A `GET` request.
pub fn get(target: &str) -> TestRequest {
    request(Method::GET, target)
}

/// A `HEAD` request.
pub fn head(target: &str) -> TestRequest {
    request(Method::HEAD, target)
}

/// An `OPTIONS` request.
pub fn options(target: &str) -> TestRequest {
    request(Method::OPTIONS, target)
}

/// A `DELETE` request.
pub fn delete(target: &str) -> TestRequest {
    request(Method::DELETE, target)
}

/// A `POST` request with a body.
pub fn post(target: &str, body: impl Into<Bytes>) -> TestRequest {
    request(Method::POST, target).body(body)
}

/// A `PUT` request with a body.
pub fn put(target: &str, body: impl Into<Bytes>) -> TestRequest {
    request(Method::PUT, target).body(body)
}

/// A `PATCH` request with a body.
pub fn patch(target: &str, body: impl Into<Bytes>) -> TestRequest {
    request(Method::PATCH, target).body(body)
}

impl TestRequest {
    /// Adds a header (kept alongside any earlier one of the same name).
    ///
    /// # Panics
    ///
    /// Panics when the name or value is invalid: a test mistake.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("valid header name");
        let value = HeaderValue::from_str(value).expect("valid header value");
        self.req.headers_mut().append(name, value);
        self
    }

    /// Removes every header of that name (to test a request without `host`, say).
    #[must_use]
    pub fn without_header(mut self, name: &str) -> Self {
        self.req.headers_mut().remove(name);
        self
    }

    /// Sets the body, whole (as if the client sent it with a `content-length`).
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        let limit = self.req.body().limit();
        *self.req.body_mut() = RequestBody::from(body.into());
        self.req.body_mut().set_limit(limit);
        self
    }

    /// Sets a body that arrives in these chunks, as a chunked upload would: nothing is read
    /// until the pile asks for it.
    #[must_use]
    pub fn body_chunks<I>(mut self, chunks: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Bytes>,
        I::IntoIter: Send + Sync + 'static,
    {
        let limit = self.req.body().limit();
        let chunks = chunks
            .into_iter()
            .map(|chunk| Ok::<_, std::convert::Infallible>(chunk.into()));
        *self.req.body_mut() = RequestBody::from_stream(IterStream(chunks));
        self.req.body_mut().set_limit(limit);
        self
    }

    /// Sets the body limit the request starts with, as a server configured with it would
    /// (default: [`DEFAULT_BODY_LIMIT`](crate::DEFAULT_BODY_LIMIT)).
    #[must_use]
    pub fn body_limit(mut self, bytes: u64) -> Self {
        self.req.body_mut().set_limit(bytes);
        self
    }

    /// Sets the HTTP version (HTTP/1.1 by default).
    #[must_use]
    pub fn version(mut self, version: Version) -> Self {
        *self.req.version_mut() = version;
        self
    }

    /// Adds a typed extension, as a middleware earlier in the pile would.
    #[must_use]
    pub fn extension<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.req.extensions_mut().insert(value);
        self
    }

    /// The request as built so far.
    pub fn into_request(self) -> Request {
        self.req
    }

    /// Calls `handler` with the request and reads the whole answer, streamed or not. The
    /// answer to a `HEAD` loses its body as a server's would ([`head_response`]).
    pub async fn send<H: Handler + ?Sized>(self, handler: &H) -> TestResponse {
        let is_head = self.req.method() == Method::HEAD;
        let res = handler.call(self.req).await;
        TestResponse::read(if is_head { head_response(res) } else { res }).await
    }
}

/// A stream over an iterator, each item ready at once.
struct IterStream<I>(I);

impl<I> Unpin for IterStream<I> {}

impl<I: Iterator> futures_core::Stream for IterStream<I> {
    type Item = I::Item;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<I::Item>> {
        std::task::Poll::Ready(self.0.next())
    }
}
