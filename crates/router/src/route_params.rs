use std::sync::Arc;

use shallot_core::Request;

use crate::route_table::RouteTable;
use crate::UrlError;

/// What the router attached to a request it routed: the matched route and its parameters.
#[derive(Clone, Debug)]
pub(crate) struct RouteMatch {
    pub(crate) table: Arc<RouteTable>,
    pub(crate) route: usize,
    pub(crate) params: Vec<(Arc<str>, String)>,
}

/// Route data on a request, as the router left it.
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, test, Request};
/// use shallot_router::{get, wrap_routes, RouterExt};
///
/// async fn hello(req: Request) -> String {
///     format!("hi user number: {}", req.param("index").unwrap_or("?"))
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = chain_middleware((wrap_routes([get("/hello/{index}", hello)]).unwrap(),))
///     .apply(|_req: Request| async { "default" });
/// test::get("/hello/a%20b").send(&app).await.assert_body("hi user number: a b");
/// # }
/// ```
pub trait RouterExt {
    /// A route parameter, percent-decoded; `None` when absent (or not routed).
    fn param(&self, name: &str) -> Option<&str>;

    /// Every route parameter, in pattern order, percent-decoded.
    fn route_params(&self) -> Vec<(&str, &str)>;

    /// The pattern of the matched route, as written in the table (`/hello/{index}`).
    fn matched_route(&self) -> Option<String>;

    /// Builds the path of the route named `name` from parameter values, percent-encoding
    /// each (reverse routing).
    ///
    /// # Errors
    ///
    /// [`UrlError::UnknownRoute`], [`UrlError::MissingParam`], or [`UrlError::NoRouter`]
    /// when the request was not routed.
    fn url_for(&self, name: &str, params: &[(&str, &str)]) -> Result<String, UrlError>;
}

impl RouterExt for Request {
    fn param(&self, name: &str) -> Option<&str> {
        let found = self.extensions().get::<RouteMatch>()?;
        found
            .params
            .iter()
            .find(|(key, _)| &**key == name)
            .map(|(_, value)| value.as_str())
    }

    fn route_params(&self) -> Vec<(&str, &str)> {
        self.extensions()
            .get::<RouteMatch>()
            .map(|found| {
                found
                    .params
                    .iter()
                    .map(|(k, v)| (&**k, v.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn matched_route(&self) -> Option<String> {
        let found = self.extensions().get::<RouteMatch>()?;
        Some(found.table.pattern(found.route))
    }

    fn url_for(&self, name: &str, params: &[(&str, &str)]) -> Result<String, UrlError> {
        let found = self
            .extensions()
            .get::<RouteMatch>()
            .ok_or(UrlError::NoRouter)?;
        found.table.url_for(name, params)
    }
}
