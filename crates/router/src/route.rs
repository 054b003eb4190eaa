use std::fmt;
use std::sync::Arc;

use shallot_core::http::Method;
use shallot_core::{Chain, Handler, Middleware, SharedHandler};

/// One row of a route table: a pattern, its methods and its handler; or a group of rows
/// sharing a prefix.
///
/// Rows are plain data: build them with [`route`], [`get`] and friends, or [`group`], and
/// give them to [`wrap_routes`](crate::wrap_routes).
///
/// # Examples
///
/// ```
/// use shallot_core::{http::Method, Request};
/// use shallot_router::{get, group, route};
///
/// async fn hello(_req: Request) -> &'static str { "hi user!" }
///
/// let rows = vec![
///     route("/", Method::GET, hello),
///     route("/echo", [Method::GET, Method::PUT, Method::POST], hello),
///     get("/hello/{index}", hello).named("hello-index"),
///     group("/api/v1", [get("/students/{id}/{session?}", hello)]),
/// ];
/// assert_eq!(rows.len(), 4);
/// ```
pub struct Route {
    pub(crate) pattern: String,
    pub(crate) methods: Vec<Method>,
    pub(crate) target: Target,
    pub(crate) name: Option<String>,
    pub(crate) middlewares: Chain,
    /// Answers every method (see [`any`]); `methods` is then empty.
    pub(crate) any_method: bool,
}

pub(crate) enum Target {
    Handler(SharedHandler),
    Group(Vec<Route>),
}

/// A route for `pattern`, answering `methods` with `handler`.
///
/// `methods` is one [`Method`], an array or a `Vec` of them.
pub fn route(pattern: &str, methods: impl IntoMethods, handler: impl Handler) -> Route {
    Route {
        pattern: pattern.to_owned(),
        methods: methods.into_methods(),
        target: Target::Handler(Arc::new(handler)),
        name: None,
        middlewares: Chain::new(),
        any_method: false,
    }
}

/// A route for `pattern` that answers **every** method with `handler`, extension methods
/// included: the router never answers `405` or the automatic `OPTIONS` for its path (an
/// `OPTIONS` reaches the handler, which may call it a preflight or not), and `HEAD` reaches
/// it too (the server drops the body of its answer). A route for a named method on the
/// same pattern takes precedence for that method.
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, test, Request};
/// use shallot_router::{any, post, wrap_routes};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let routes = wrap_routes([
///     any("/any", |req: Request| async move { format!("method: {}", req.method()) }),
///     post("/any", |_req: Request| async { "the POST route" }),
/// ])
/// .unwrap();
/// let app = chain_middleware((routes,)).apply(|_req: Request| async { "default" });
/// test::delete("/any").send(&app).await.assert_body("method: DELETE");
/// test::options("/any").send(&app).await.assert_body("method: OPTIONS");
/// test::post("/any", "").send(&app).await.assert_body("the POST route");
/// # }
/// ```
pub fn any(pattern: &str, handler: impl Handler) -> Route {
    Route {
        any_method: true,
        ..route(pattern, Vec::new(), handler)
    }
}

/// A group: `routes` under a common prefix (groups nest). Middlewares added to the group
/// with [`Route::with`] run for every route in it, outside the routes' own.
pub fn group(prefix: &str, routes: impl IntoIterator<Item = Route>) -> Route {
    Route {
        pattern: prefix.to_owned(),
        methods: Vec::new(),
        target: Target::Group(routes.into_iter().collect()),
        name: None,
        middlewares: Chain::new(),
        any_method: false,
    }
}

macro_rules! method_shorthand {
    ($($(#[$doc:meta])* $name:ident => $method:ident;)+) => {
        $(
            $(#[$doc])*
            pub fn $name(pattern: &str, handler: impl Handler) -> Route {
                route(pattern, Method::$method, handler)
            }
        )+
    };
}

method_shorthand! {
    /// A `GET` route (which also answers `HEAD`).
    get => GET;
    /// A `POST` route.
    post => POST;
    /// A `PUT` route.
    put => PUT;
    /// A `PATCH` route.
    patch => PATCH;
    /// A `DELETE` route.
    delete => DELETE;
    /// An `OPTIONS` route (replacing the automatic answer).
    options => OPTIONS;
    /// A `HEAD` route (replacing the `GET` handler for `HEAD`).
    head => HEAD;
}

impl Route {
    /// Names the route, for reverse routing with `url_for`.
    #[must_use]
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// Adds a middleware that runs only when this route (or a route of this group)
    /// matches, after the pile's own middlewares and just before the handler. The first
    /// added is the outermost.
    #[must_use]
    pub fn with(mut self, middleware: impl Middleware) -> Self {
        self.middlewares = self.middlewares.with(middleware);
        self
    }
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Route");
        s.field("pattern", &self.pattern);
        match &self.target {
            Target::Handler(handler) => {
                s.field("methods", &self.methods).field("handler", handler);
            }
            Target::Group(routes) => {
                s.field("routes", routes);
            }
        }
        s.field("name", &self.name)
            .field("middlewares", &self.middlewares)
            .finish()
    }
}

/// What a route accepts as its methods: one [`Method`], an array, a slice or a `Vec`.
pub trait IntoMethods {
    /// The methods, in order.
    fn into_methods(self) -> Vec<Method>;
}

impl IntoMethods for Method {
    fn into_methods(self) -> Vec<Method> {
        vec![self]
    }
}

impl<const N: usize> IntoMethods for [Method; N] {
    fn into_methods(self) -> Vec<Method> {
        self.into()
    }
}

impl IntoMethods for &[Method] {
    fn into_methods(self) -> Vec<Method> {
        self.to_vec()
    }
}

impl IntoMethods for Vec<Method> {
    fn into_methods(self) -> Vec<Method> {
        self
    }
}
