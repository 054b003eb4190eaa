use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::{IntoResponse, Request, Response};

/// A boxed, `Send` future: what handlers and middlewares return once their type is erased.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A handler shared by every request and connection: cloning it only bumps a reference count.
pub type SharedHandler = Arc<dyn Handler>;

/// An async function from a request to a response: the end of every pile.
///
/// Implemented for every `Fn(Request) -> impl Future<Output = impl IntoResponse>`, so plain
/// async functions and closures are handlers. The future owns what it needs (`'static`), so
/// a handler may be shared across threads and connections without cloning it.
///
/// # Examples
///
/// ```
/// use shallot_core::{test, Request};
///
/// async fn hello(_req: Request) -> &'static str {
///     "hi user!"
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// test::get("/").send(&hello).await.assert_status(200).assert_body("hi user!");
/// # }
/// ```
pub trait Handler: Send + Sync + 'static {
    /// Answers one request.
    fn call(&self, req: Request) -> BoxFuture<Response>;

    /// A short name for this handler in debug output (the type name by default).
    fn name(&self) -> &str {
        short_type_name(std::any::type_name::<Self>())
    }
}

impl<F, Fut> Handler for F
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoResponse,
{
    fn call(&self, req: Request) -> BoxFuture<Response> {
        let fut = self(req);
        Box::pin(async move { fut.await.into_response() })
    }
}

impl<H: Handler + ?Sized> Handler for Arc<H> {
    fn call(&self, req: Request) -> BoxFuture<Response> {
        (**self).call(req)
    }

    fn name(&self) -> &str {
        (**self).name()
    }
}

impl fmt::Debug for dyn Handler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handler({})", self.name())
    }
}

/// `a::b::Type<c::D>` → `Type<c::D>`; closures keep their `{{closure}}` path for context.
pub(crate) fn short_type_name(full: &'static str) -> &'static str {
    if full.contains("{{closure}}") {
        return full;
    }
    let generic_start = full.find('<').unwrap_or(full.len());
    let path = &full[..generic_start];
    match path.rfind("::") {
        Some(pos) => &full[pos + 2..],
        None => full,
    }
}

#[cfg(test)]
mod tests {
    use super::short_type_name;

    #[test]
    fn short_type_names_drop_the_module_path() {
        for (full, short) in [
            ("shallot_router::RouterMiddleware", "RouterMiddleware"),
            ("a::B<c::D>", "B<c::D>"),
            ("Plain", "Plain"),
            ("app::main::{{closure}}", "app::main::{{closure}}"),
        ] {
            assert_eq!(short_type_name(full), short);
        }
    }
}
