use shallot_core::http::{HeaderName, HeaderValue};
use shallot_core::{find_only_header, BoxFuture, Middleware, Next, Request, Response};

use crate::{is_valid_request_id, new_request_id};

/// The header that carries request ids by default.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives every request and answer an id; see the crate docs.
pub fn wrap_request_id() -> RequestIdMiddleware {
    RequestIdMiddleware {
        header: X_REQUEST_ID,
    }
}

/// The middleware made by [`wrap_request_id`].
#[derive(Debug, Clone)]
pub struct RequestIdMiddleware {
    header: HeaderName,
}

impl RequestIdMiddleware {
    /// Reads and writes ids in `header` instead of `x-request-id`.
    #[must_use]
    pub fn with_header(mut self, header: HeaderName) -> Self {
        self.header = header;
        self
    }

    /// The header this middleware reads and writes.
    pub fn header(&self) -> &HeaderName {
        &self.header
    }
}

/// The request with a valid id in the middleware's header: the one it came with, or a new
/// one ([`new_request_id`]) replacing every invalid value.
///
/// # Examples
///
/// ```
/// use shallot_core::test;
/// use shallot_request_id::{request_id_request, wrap_request_id};
///
/// let req = request_id_request(test::get("/").into_request(), &wrap_request_id());
/// assert_eq!(req.headers()["x-request-id"].len(), 24);
/// ```
pub fn request_id_request(mut req: Request, middleware: &RequestIdMiddleware) -> Request {
    set_request_id(&mut req, middleware);
    req
}

/// Gives the request its id and returns it (one header lookup, for the middleware's answer;
/// the request is changed in place, not moved in and out).
fn set_request_id(req: &mut Request, middleware: &RequestIdMiddleware) -> HeaderValue {
    let kept = find_only_header(req.headers(), &middleware.header)
        .filter(|id| is_valid_request_id(id.as_bytes()))
        .cloned();
    let id = kept.unwrap_or_else(|| {
        let id = new_request_id();
        req.headers_mut()
            .insert(middleware.header.clone(), id.clone());
        id
    });
    if middleware.header != X_REQUEST_ID {
        // Readers find the id through `RequestIdExt`, which must know where it is.
        req.extensions_mut()
            .insert(IdHeader(middleware.header.clone()));
    }
    id
}

/// The header a request's id is in, when a middleware was told another than `x-request-id`.
#[derive(Clone)]
struct IdHeader(HeaderName);

/// The answer with the request's id (`id`) in the middleware's header, replacing any other.
///
/// # Examples
///
/// ```
/// use shallot_core::{http::HeaderValue, Response};
/// use shallot_request_id::{request_id_response, wrap_request_id};
///
/// let id = HeaderValue::from_static("abc");
/// let res = request_id_response(Response::default(), &id, &wrap_request_id());
/// assert_eq!(res.headers()["x-request-id"], "abc");
/// ```
pub fn request_id_response(
    mut res: Response,
    id: &HeaderValue,
    middleware: &RequestIdMiddleware,
) -> Response {
    put_id(&mut res, middleware.header.clone(), id.clone());
    res
}

/// Gives the answer the id in `header`, in place (the step's future does not move the answer
/// through a call).
fn put_id(res: &mut Response, header: HeaderName, id: HeaderValue) {
    res.headers_mut().insert(header, id);
}

impl Middleware for RequestIdMiddleware {
    fn call(&self, mut req: Request, next: Next) -> BoxFuture<Response> {
        let id = set_request_id(&mut req, self);
        // Only a header of the user's own is cloned into the future; the default is a constant.
        let header = (self.header != X_REQUEST_ID).then(|| self.header.clone());
        // The rest of the chain is started here, so the boxed future holds it and not the
        // request (a smaller box, one copy of the request fewer).
        let call = next.run(req);
        Box::pin(async move {
            let mut res = call.await;
            put_id(&mut res, header.unwrap_or(X_REQUEST_ID), id);
            res
        })
    }
}

/// Reads the request's id.
pub trait RequestIdExt {
    /// The id set by [`wrap_request_id`] in its header (`x-request-id`, or the one given to
    /// [`RequestIdMiddleware::with_header`]); without the middleware in the pile, the client's
    /// `x-request-id`, unchecked. `None` when there is none or it is not text.
    fn request_id(&self) -> Option<&str>;

    /// The same id as its header value (for a middleware that copies it somewhere).
    fn request_id_value(&self) -> Option<&HeaderValue>;
}

impl RequestIdExt for Request {
    #[inline]
    fn request_id(&self) -> Option<&str> {
        self.request_id_value()?.to_str().ok()
    }

    #[inline]
    fn request_id_value(&self) -> Option<&HeaderValue> {
        match other_header(self) {
            Some(value) => value,
            None => self.headers().get(&X_REQUEST_ID),
        }
    }
}

/// The id's value when a middleware put it in another header than `x-request-id`; `None`
/// otherwise. Kept out of line so that the default header's lookup, inlined into the caller
/// on every request, keeps its name's hash worked out when compiling (≈ 190 instructions).
#[inline(never)]
fn other_header(req: &Request) -> Option<Option<&HeaderValue>> {
    let IdHeader(header) = req.extensions().get::<IdHeader>()?;
    Some(req.headers().get(header))
}
