use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::{catch_panic, BodyError, BoxError, HttpError, IntoResponse, Request, Response};

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
/// A handler made from a function is where two rules of the pile are kept, so that every
/// outer middleware sees their answers like any other:
///
/// - a request whose body is already known to break its limit (its `content-length` is
///   over [`RequestBody::limit`](crate::RequestBody::limit)) is answered `413` without
///   calling the function, whether or not it would have read the body;
/// - a panic in the function becomes a `500 Internal Server Error` answer.
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

    /// Runs before a server accepts its first connection; an `Err` stops the start. Nothing
    /// by default; an [`App`](crate::App) runs its start-up hooks here.
    fn start(&self) -> BoxFuture<Result<(), BoxError>> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// Runs after a server answered its last request. Nothing by default; an
    /// [`App`](crate::App) runs its shutdown hooks here.
    fn stop(&self) -> BoxFuture<()> {
        Box::pin(std::future::ready(()))
    }
}

impl<F, Fut> Handler for F
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoResponse,
{
    fn call(&self, req: Request) -> BoxFuture<Response> {
        if req.body().exceeds_limit() {
            let limit = req.body().limit();
            return Box::pin(std::future::ready(
                BodyError::TooLarge { limit }.into_response(),
            ));
        }
        // A panic while making the future (a plain `fn` returning a ready future) or while
        // polling it becomes the same 500.
        let Ok(fut) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self(req))) else {
            return Box::pin(std::future::ready(panicked()));
        };
        Box::pin(async move {
            match catch_panic(fut).await {
                Ok(output) => output.into_response(),
                Err(_) => panicked(),
            }
        })
    }
}

/// The answer to a handler's panic. The panic itself was reported by the panic hook (on
/// stderr by default) when it happened.
fn panicked() -> Response {
    HttpError::internal_server_error().into_response()
}

impl<H: Handler + ?Sized> Handler for Arc<H> {
    fn call(&self, req: Request) -> BoxFuture<Response> {
        (**self).call(req)
    }

    fn name(&self) -> &str {
        (**self).name()
    }

    fn start(&self) -> BoxFuture<Result<(), BoxError>> {
        (**self).start()
    }

    fn stop(&self) -> BoxFuture<()> {
        (**self).stop()
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
