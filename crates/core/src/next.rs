use std::fmt;
use std::sync::Arc;

use crate::context::Context;
use crate::{BoxFuture, Request, Response, SharedHandler, SharedMiddleware};

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

    /// Leaves the rest of the chain in the request, for code between this middleware and the
    /// rest that only passes requests on — a tower layer's service (`shallot-tower`) — to
    /// [`Next::unpark`] it where the chain goes on. It shares the toolkit's per-request slot,
    /// so parking costs no allocation. A copy of the request (`Clone` of its extensions) carries
    /// none.
    ///
    /// # Examples
    ///
    /// ```
    /// use shallot_core::{chain_middleware, test, Next, Request};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let pass_on = |mut req: Request, next: Next| async move {
    ///     next.park(&mut req);
    ///     // ... code that knows nothing of the chain hands the request on ...
    ///     match Next::unpark(&mut req) {
    ///         Some(next) => next.run(req).await,
    ///         None => shallot_core::status(shallot_core::http::StatusCode::INTERNAL_SERVER_ERROR),
    ///     }
    /// };
    /// let app = chain_middleware((test::lint(), pass_on)).apply(|_req: Request| async { "on" });
    /// test::get("/").send(&app).await.assert_body("on");
    /// # }
    /// ```
    pub fn park(self, req: &mut Request) {
        Context::of_mut(req).parked.0 = Some(self);
    }

    /// Takes back the rest of the chain [`Next::park`] left in the request; `None` when there
    /// is none (never parked, or already taken: a second call for one request).
    pub fn unpark(req: &mut Request) -> Option<Self> {
        req.extensions_mut().get_mut::<Context>()?.parked.0.take()
    }

    /// Runs the rest of the chain, then the handler, and returns its response.
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
        self.handler().call(req)
    }
}

impl fmt::Debug for Next {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Next")
            .field("remaining", &&self.chain.middlewares[self.index..])
            .field("handler", self.handler())
            .finish()
    }
}
