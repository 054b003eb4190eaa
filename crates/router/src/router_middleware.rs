use std::fmt;
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use shallot_core::http::header::{ALLOW, LOCATION};
use shallot_core::http::{HeaderValue, Method, StatusCode};
use shallot_core::{
    status, BoxFuture, HttpError, IntoResponse, Middleware, Next, Request, Response,
};

use crate::route::Route;
use crate::route_params::{ParamList, ParamValue, RouteMatch};
use crate::route_table::RouteTable;
use crate::Error;

/// What the router does with a trailing slash in a request path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TrailingSlash {
    /// `/hello/` is routed as `/hello` (the default).
    #[default]
    Ignore,
    /// `/hello/` is answered `308 Permanent Redirect` to `/hello` (query kept) when
    /// `/hello` is a route.
    Redirect,
    /// `/hello/` matches no route.
    Strict,
}

/// Builds the router middleware from route rows.
///
/// # Errors
///
/// A malformed pattern, a parameter used twice, two conflicting routes, two routes with
/// the same name or a route without a method: the [`Error`] names the routes involved.
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, test, Request};
/// use shallot_router::{get, wrap_routes};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let routes = wrap_routes([get("/hello", |_req: Request| async { "hi user!" })]).unwrap();
/// let app = chain_middleware((routes,)).apply(|_req: Request| async { "default" });
/// test::get("/hello/").send(&app).await.assert_body("hi user!");
/// test::post("/hello", "").send(&app).await.assert_status(405).assert_header("allow", "GET, HEAD, OPTIONS");
/// test::get("/other").send(&app).await.assert_body("default");
/// # }
/// ```
pub fn wrap_routes(routes: impl IntoIterator<Item = Route>) -> Result<RouterMiddleware, Error> {
    RouterMiddleware::new(routes)
}

/// The router: picks the handler of the route that matches, for the rest of the chain.
#[derive(Clone)]
pub struct RouterMiddleware {
    table: Arc<RouteTable>,
    trailing_slash: TrailingSlash,
    auto_options: bool,
}

impl RouterMiddleware {
    /// A router for these route rows; see [`wrap_routes`].
    ///
    /// # Errors
    ///
    /// As [`wrap_routes`].
    pub fn new(routes: impl IntoIterator<Item = Route>) -> Result<Self, Error> {
        Ok(Self {
            table: Arc::new(RouteTable::build(routes)?),
            trailing_slash: TrailingSlash::default(),
            auto_options: true,
        })
    }

    /// Sets the trailing-slash policy (default: [`TrailingSlash::Ignore`]).
    #[must_use]
    pub fn with_trailing_slash(mut self, policy: TrailingSlash) -> Self {
        self.trailing_slash = policy;
        self
    }

    /// Whether `OPTIONS` is answered `204` with `Allow` for paths that have no `OPTIONS`
    /// route (default: `true`).
    #[must_use]
    pub fn with_auto_options(mut self, enabled: bool) -> Self {
        self.auto_options = enabled;
        self
    }

    /// Builds the path of a named route (reverse routing), outside any request.
    ///
    /// # Errors
    ///
    /// [`UrlError::UnknownRoute`](crate::UrlError::UnknownRoute) or
    /// [`UrlError::MissingParam`](crate::UrlError::MissingParam).
    pub fn url_for(&self, name: &str, params: &[(&str, &str)]) -> Result<String, crate::UrlError> {
        self.table.url_for(name, params)
    }
}

impl Default for RouterMiddleware {
    /// A router without routes: every request goes on to the default handler.
    fn default() -> Self {
        Self {
            table: Arc::new(RouteTable::empty()),
            trailing_slash: TrailingSlash::default(),
            auto_options: true,
        }
    }
}

/// The route table, one route a line: methods, pattern, name.
impl fmt::Display for RouterMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.table.fmt(f)
    }
}

impl fmt::Debug for RouterMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouterMiddleware")
            .field("routes", &self.table.entries.len())
            .field("trailing_slash", &self.trailing_slash)
            .field("auto_options", &self.auto_options)
            .finish()
    }
}

enum Outcome {
    NoRoute,
    Routed(RouteMatch, shallot_core::SharedHandler),
    Answer(Response),
}

impl RouterMiddleware {
    fn route(&self, req: &Request) -> Outcome {
        let path = req.uri().path();
        let trimmed = match path.trim_end_matches('/') {
            "" => "/",
            trimmed => trimmed,
        };
        let has_slash = trimmed.len() != path.len();
        let lookup = match (self.trailing_slash, has_slash) {
            (TrailingSlash::Strict, true) => return Outcome::NoRoute,
            _ => trimmed,
        };
        let Ok(found) = self.table.matcher.at(lookup) else {
            return Outcome::NoRoute;
        };
        let entry_index = *found.value;
        let entry = &self.table.entries[entry_index];
        if has_slash && self.trailing_slash == TrailingSlash::Redirect {
            return Outcome::Answer(redirect_to(lookup, req.uri().query()));
        }
        let method = req.method();
        let Some((handler, route)) = entry.handler_for(method) else {
            let allow = entry.allow(self.auto_options).clone();
            if method == Method::OPTIONS && self.auto_options {
                let mut res = status(StatusCode::NO_CONTENT);
                res.headers_mut().insert(ALLOW, allow);
                return Outcome::Answer(res);
            }
            let res = HttpError::from_status(StatusCode::METHOD_NOT_ALLOWED)
                .with_header(ALLOW, allow)
                .into_response();
            return Outcome::Answer(res);
        };
        let mut params = ParamList::default();
        let mut any_range = false;
        for (name, raw) in found.params.iter() {
            let value = if raw.contains('%') {
                let Ok(value) = percent_decode_str(raw).decode_utf8() else {
                    let res = HttpError::because(
                        shallot_core::http::StatusCode::BAD_REQUEST,
                        "path is not valid UTF-8",
                    )
                    .into_response();
                    return Outcome::Answer(res);
                };
                ParamValue::Decoded(value.into())
            } else {
                // matchit hands out slices of `lookup`, itself a prefix of the path, so the
                // offset is the range to keep; checked, so a copy is the worst case.
                let start = (raw.as_ptr() as usize).wrapping_sub(lookup.as_ptr() as usize);
                let end = start.wrapping_add(raw.len());
                match (u32::try_from(start), u32::try_from(end)) {
                    (Ok(s), Ok(e)) if lookup.get(start..end) == Some(raw) => {
                        any_range = true;
                        ParamValue::Raw(s, e)
                    }
                    _ => ParamValue::Decoded(raw.into()),
                }
            };
            params.push(entry.param_index(name), value);
        }
        Outcome::Routed(
            RouteMatch {
                table: Arc::clone(&self.table),
                route,
                entry: entry_index,
                path: if any_range {
                    req.uri().path_and_query().cloned()
                } else {
                    None
                },
                params,
            },
            Arc::clone(handler),
        )
    }
}

impl Middleware for RouterMiddleware {
    fn call(&self, mut req: Request, mut next: Next) -> BoxFuture<Response> {
        match self.route(&req) {
            Outcome::NoRoute => next.run(req),
            Outcome::Routed(found, handler) => {
                req.extensions_mut().insert(found);
                next.set_handler(handler);
                next.run(req)
            }
            Outcome::Answer(res) => Box::pin(std::future::ready(res)),
        }
    }
}

fn redirect_to(path: &str, query: Option<&str>) -> Response {
    let location = match query {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    // The path and query come from a parsed URI, so they are valid header text.
    let location = HeaderValue::from_str(&location).expect("a URI path is valid header text");
    let mut res = status(StatusCode::PERMANENT_REDIRECT);
    res.headers_mut().insert(LOCATION, location);
    res
}
