use std::fmt;
use std::sync::Arc;

use crate::next::ChainInner;

use crate::{
    BoxFuture, Handler, Middleware, Next, Request, Response, SharedHandler, SharedMiddleware,
};

/// An ordered pile of middlewares; the first listed is the outermost.
///
/// ```text
///            request ─▶ ┌ m1 ┌ m2 ┌ m3 ┌─────────┐
///                       │    │    │    │ handler │
///           response ◀─ └ m1 └ m2 └ m3 └─────────┘
/// ```
///
/// `m1` sees the request first and the response last. Build one with [`chain_middleware`]
/// and turn it into a handler with [`Chain::apply`].
#[derive(Clone, Default)]
pub struct Chain {
    middlewares: Vec<SharedMiddleware>,
}

/// Composes middlewares in order, the first listed being the outermost.
///
/// Takes a tuple of middlewares (of any mix of types, up to 16), an array or a `Vec` of
/// [`SharedMiddleware`].
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, test, Next, Request};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = chain_middleware((
///     |req: Request, next: Next| async move {
///         let mut res = next.run(req).await;
///         res.headers_mut().insert("x-outer", "1".parse().unwrap());
///         res
///     },
///     |req: Request, next: Next| next.run(req),
/// ))
/// .apply(|_req: Request| async { "hi" });
///
/// test::get("/").send(&app).await.assert_status(200).assert_header("x-outer", "1");
/// # }
/// ```
pub fn chain_middleware(middlewares: impl IntoMiddlewares) -> Chain {
    Chain {
        middlewares: middlewares.into_middlewares(),
    }
}

impl Chain {
    /// An empty chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a middleware inside the ones already listed.
    #[must_use]
    pub fn with(mut self, middleware: impl Middleware) -> Self {
        self.middlewares.push(Arc::new(middleware));
        self
    }

    /// The number of middlewares in the chain.
    pub fn len(&self) -> usize {
        self.middlewares.len()
    }

    /// Whether the chain has no middleware.
    pub fn is_empty(&self) -> bool {
        self.middlewares.is_empty()
    }

    /// The names of the middlewares, outermost first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.middlewares.iter().map(|m| m.name())
    }

    /// Applies the chain to a default handler, giving the handler of the whole pile.
    pub fn apply(self, handler: impl Handler) -> ChainHandler {
        self.apply_shared(Arc::new(handler))
    }

    /// Like [`Chain::apply`], for a handler that is already shared.
    pub fn apply_shared(self, handler: SharedHandler) -> ChainHandler {
        ChainHandler {
            inner: Arc::new(ChainInner {
                middlewares: self.middlewares,
                handler,
            }),
        }
    }
}

impl fmt::Debug for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Chain")?;
        f.debug_list().entries(self.names()).finish()
    }
}

/// A [`Chain`] applied to a default handler: itself a [`Handler`].
///
/// Cloning it is cheap (two reference counts), and every request shares the same
/// middlewares.
#[derive(Clone)]
pub struct ChainHandler {
    inner: Arc<ChainInner>,
}

impl ChainHandler {
    /// The names of the middlewares, outermost first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.inner.middlewares.iter().map(|m| m.name())
    }
}

impl Handler for ChainHandler {
    fn call(&self, req: Request) -> BoxFuture<Response> {
        Next::new(Arc::clone(&self.inner)).run(req)
    }

    fn name(&self) -> &str {
        "ChainHandler"
    }
}

impl fmt::Debug for ChainHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChainHandler")?;
        f.debug_list()
            .entries(self.names())
            .entry(&format_args!("handler: {}", self.inner.handler.name()))
            .finish()
    }
}

/// What [`chain_middleware`] accepts: tuples of middlewares, arrays and `Vec`s of
/// [`SharedMiddleware`], or a [`Chain`].
pub trait IntoMiddlewares {
    /// The middlewares, outermost first.
    fn into_middlewares(self) -> Vec<SharedMiddleware>;
}

impl IntoMiddlewares for Chain {
    fn into_middlewares(self) -> Vec<SharedMiddleware> {
        self.middlewares
    }
}

impl IntoMiddlewares for Vec<SharedMiddleware> {
    fn into_middlewares(self) -> Vec<SharedMiddleware> {
        self
    }
}

impl<const N: usize> IntoMiddlewares for [SharedMiddleware; N] {
    fn into_middlewares(self) -> Vec<SharedMiddleware> {
        self.into()
    }
}

impl IntoMiddlewares for () {
    fn into_middlewares(self) -> Vec<SharedMiddleware> {
        Vec::new()
    }
}

macro_rules! tuple_into_middlewares {
    ($($name:ident),+) => {
        impl<$($name: Middleware),+> IntoMiddlewares for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_middlewares(self) -> Vec<SharedMiddleware> {
                let ($($name,)+) = self;
                vec![$(Arc::new($name) as SharedMiddleware),+]
            }
        }
    };
}

tuple_into_middlewares!(A);
tuple_into_middlewares!(A, B);
tuple_into_middlewares!(A, B, C);
tuple_into_middlewares!(A, B, C, D);
tuple_into_middlewares!(A, B, C, D, E);
tuple_into_middlewares!(A, B, C, D, E, F);
tuple_into_middlewares!(A, B, C, D, E, F, G);
tuple_into_middlewares!(A, B, C, D, E, F, G, H);
tuple_into_middlewares!(A, B, C, D, E, F, G, H, I);
tuple_into_middlewares!(A, B, C, D, E, F, G, H, I, J);
tuple_into_middlewares!(A, B, C, D, E, F, G, H, I, J, K);
tuple_into_middlewares!(A, B, C, D, E, F, G, H, I, J, K, L);
tuple_into_middlewares!(A, B, C, D, E, F, G, H, I, J, K, L, M);
tuple_into_middlewares!(A, B, C, D, E, F, G, H, I, J, K, L, M, N);
tuple_into_middlewares!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
tuple_into_middlewares!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);
