use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::handler::short_type_name;
use crate::{BoxFuture, IntoResponse, Next, Request};

/// A middleware shared by every request: cloning it only bumps a reference count.
pub type SharedMiddleware = Arc<dyn Middleware>;

/// Wraps the call of a handler: it gets the request and the rest of the chain, [`Next`],
/// which also holds the handler chosen so far.
///
/// A middleware may act before the call (read or change the request), after it (change the
/// response), instead of it (answer without calling `next`), or pick another handler for the
/// rest of the chain ([`Next::set_handler`]): that is how the router works.
///
/// Implemented for every `Fn(Request, Next) -> impl Future<Output = impl IntoResponse>`, so
/// closures and async functions are middlewares without a struct.
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, test, Next, Request};
///
/// async fn tag(req: Request, next: Next) -> shallot_core::Response {
///     let mut res = next.run(req).await;
///     res.headers_mut().insert("x-tag", "seen".parse().unwrap());
///     res
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = chain_middleware((tag,)).apply(|_req: Request| async { "hi" });
/// test::get("/").send(&app).await.assert_header("x-tag", "seen").assert_body("hi");
/// # }
/// ```
pub trait Middleware: Send + Sync + 'static {
    /// Handles one request, usually by calling `next.run(req)` once.
    fn call(&self, req: Request, next: Next) -> BoxFuture<crate::Response>;

    /// A short name for this middleware, printed by a chain's `Debug`.
    fn name(&self) -> &str {
        short_type_name(std::any::type_name::<Self>())
    }

    /// Whether, for this request, [`Middleware::call`] would do nothing but
    /// `next.run(req)` with the request unchanged. When it says so, the chain skips the
    /// middleware: no call, no move of the request, no reference count. The default, `false`,
    /// is always correct; answer `true` only when it is cheap to know (the static-files
    /// middleware: "the path is not under my prefix").
    fn passes_through(&self, req: &Request) -> bool {
        let _ = req;
        false
    }
}

impl<F, Fut> Middleware for F
where
    F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoResponse,
{
    fn call(&self, req: Request, next: Next) -> BoxFuture<crate::Response> {
        let fut = self(req, next);
        Box::pin(async move { fut.await.into_response() })
    }
}

impl<M: Middleware + ?Sized> Middleware for Arc<M> {
    fn call(&self, req: Request, next: Next) -> BoxFuture<crate::Response> {
        (**self).call(req, next)
    }

    fn name(&self) -> &str {
        (**self).name()
    }

    fn passes_through(&self, req: &Request) -> bool {
        (**self).passes_through(req)
    }
}

impl fmt::Debug for dyn Middleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Gives a middleware (typically a closure) a readable name for the chain's `Debug` output.
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, named, Next, Request};
///
/// let chain = chain_middleware((named("pass", |req: Request, next: Next| next.run(req)),));
/// assert_eq!(format!("{chain:?}"), r#"Chain["pass"]"#);
/// ```
pub fn named<M: Middleware>(name: &'static str, middleware: M) -> Named<M> {
    Named {
        name,
        inner: middleware,
    }
}

/// A middleware with a name given by [`named`].
#[derive(Clone)]
pub struct Named<M> {
    name: &'static str,
    inner: M,
}

impl<M> fmt::Debug for Named<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl<M: Middleware> Middleware for Named<M> {
    fn call(&self, req: Request, next: Next) -> BoxFuture<crate::Response> {
        self.inner.call(req, next)
    }

    fn name(&self) -> &str {
        self.name
    }

    fn passes_through(&self, req: &Request) -> bool {
        self.inner.passes_through(req)
    }
}
