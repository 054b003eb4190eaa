use std::fmt;
use std::sync::Arc;

use http::header::CONTENT_LENGTH;
use http::{HeaderValue, Method};

use crate::{Body, BoxFuture, Request, Response, SharedHandler, SharedMiddleware};

/// The rest of the chain, and the handler chosen so far.
///
/// A middleware gets a `Next` and usually calls [`Next::run`] once. It owns everything it
/// needs, so a middleware's future can hold it across awaits; the chain itself is shared,
/// never cloned per request.
pub struct Next {
    chain: Arc<ChainInner>,
    index: usize,
    /// A handler chosen by a middleware; `None` means the chain's own default handler, which
    /// is borrowed rather than cloned for every request.
    chosen: Option<SharedHandler>,
}

/// A chain's middlewares and default handler, shared by all its requests.
pub(crate) struct ChainInner {
    pub(crate) middlewares: Vec<SharedMiddleware>,
    pub(crate) handler: SharedHandler,
}

impl Next {
    pub(crate) fn new(chain: Arc<ChainInner>) -> Self {
        Self {
            chain,
            index: 0,
            chosen: None,
        }
    }

    /// The handler the chain will call once every remaining middleware has run.
    pub fn handler(&self) -> &SharedHandler {
        self.chosen.as_ref().unwrap_or(&self.chain.handler)
    }

    /// Picks another handler for the rest of the chain (the router does this).
    pub fn set_handler(&mut self, handler: SharedHandler) {
        self.chosen = Some(handler);
    }

    /// Like [`Next::set_handler`], by value.
    #[must_use]
    pub fn with_handler(mut self, handler: SharedHandler) -> Self {
        self.chosen = Some(handler);
        self
    }

    /// Runs the rest of the chain, then the handler, and returns its response.
    ///
    /// The answer to a `HEAD` request loses its body here, right after the handler, so every
    /// middleware sees what the client will get (RFC 9110 §9.3.2); a known body length is kept
    /// as `content-length`, as the `GET` answer would have it.
    pub fn run(mut self, req: Request) -> BoxFuture<Response> {
        while let Some(middleware) = self.chain.middlewares.get(self.index) {
            if middleware.passes_through(&req) {
                self.index += 1;
                continue;
            }
            // The middleware is borrowed from the chain that `self` owns and is about to hand
            // on, so it is held by its own reference count for the call.
            let middleware = Arc::clone(middleware);
            self.index += 1;
            return middleware.call(req, self);
        }
        call_handler(self.handler(), req)
    }

    /// The number of middlewares still to run before the handler.
    pub fn remaining(&self) -> usize {
        self.chain.middlewares.len() - self.index
    }
}

fn without_body(mut res: Response) -> Response {
    if let Some(len) = res.body().exact_len() {
        if len > 0 && !res.headers().contains_key(CONTENT_LENGTH) {
            res.headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(len));
        }
    }
    *res.body_mut() = Body::empty();
    res
}

impl fmt::Debug for Next {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Next")
            .field("remaining", &&self.chain.middlewares[self.index..])
            .field("handler", self.handler())
            .finish()
    }
}

/// Calls a handler; the answer to a `HEAD` loses its body.
fn call_handler(handler: &SharedHandler, req: Request) -> BoxFuture<Response> {
    if req.method() == Method::HEAD {
        let fut = handler.call(req);
        Box::pin(async move { without_body(fut.await) })
    } else {
        handler.call(req)
    }
}
