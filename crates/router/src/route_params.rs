use std::sync::Arc;

use shallot_core::{HttpError, Request};

use crate::route_table::RouteTable;
use crate::UrlError;

/// What the router attached to a request it routed: the matched route and its parameters.
///
/// Parameters are ranges of the matched path (kept alive by a clone of its `PathAndQuery`,
/// which is a reference count, not a copy); only values with a `%` are decoded. The first
/// lives inline, the rest in a vector. Small (under 128 bytes), so a routed request moves it
/// without a `memcpy` call and the extension map's box is small.
#[derive(Clone, Debug)]
pub(crate) struct RouteMatch {
    pub(crate) table: Arc<RouteTable>,
    pub(crate) route: usize,
    pub(crate) entry: usize,
    /// The routed path, kept only when a parameter is a range of it.
    pub(crate) path: Option<shallot_core::http::uri::PathAndQuery>,
    pub(crate) params: ParamList,
}

/// One parameter value: a range of the path, or the decoded text when it had escapes.
#[derive(Clone, Debug)]
pub(crate) enum ParamValue {
    Raw(u32, u32),
    Decoded(Box<str>),
}

/// Parameter values by their index in the route's names: the first inline (most routes
/// have one), the others in a vector.
#[derive(Clone, Debug, Default)]
pub(crate) struct ParamList {
    first: Option<(u16, ParamValue)>,
    more: Vec<(u16, ParamValue)>,
}

impl ParamList {
    pub(crate) fn push(&mut self, name: u16, value: ParamValue) {
        if self.first.is_none() {
            self.first = Some((name, value));
        } else {
            self.more.push((name, value));
        }
    }

    fn iter(&self) -> impl Iterator<Item = &(u16, ParamValue)> {
        self.first.iter().chain(self.more.iter())
    }
}

impl RouteMatch {
    fn value<'a>(&'a self, value: &'a ParamValue) -> &'a str {
        match value {
            ParamValue::Raw(start, end) => self
                .path
                .as_ref()
                .and_then(|path| path.path().get(*start as usize..*end as usize))
                .unwrap_or_default(),
            ParamValue::Decoded(text) => text,
        }
    }

    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        let names = self.table.param_names(self.entry);
        self.params.iter().map(move |(name, value)| {
            (
                names.get(usize::from(*name)).map_or("", |n| &**n),
                self.value(value),
            )
        })
    }
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

    /// A route parameter parsed as `T` (`u32`, `Uuid`, any `FromStr`).
    ///
    /// # Errors
    ///
    /// `400 Bad Request: path parameter `{name}` …` naming the parameter when it is absent
    /// or does not parse, so a handler can use `?`.
    ///
    /// # Examples
    ///
    /// ```
    /// use shallot_core::{chain_middleware, test, HttpError, Request};
    /// use shallot_router::{get, wrap_routes, RouterExt};
    ///
    /// async fn user(req: Request) -> Result<String, HttpError> {
    ///     let id: u32 = req.param_as("id")?;
    ///     Ok(format!("user {id}"))
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = chain_middleware((wrap_routes([get("/user/{id}", user)]).unwrap(),))
    ///     .apply(|_req: Request| async { HttpError::not_found() });
    /// test::get("/user/42").send(&app).await.assert_body("user 42");
    /// test::get("/user/abc")
    ///     .send(&app)
    ///     .await
    ///     .assert_status(400)
    ///     .assert_body("Bad Request: path parameter `id` must be a u32, not `abc`");
    /// # }
    /// ```
    fn param_as<T: std::str::FromStr>(&self, name: &str) -> Result<T, HttpError> {
        let value = self.param(name).ok_or_else(|| {
            HttpError::because(
                shallot_core::http::StatusCode::BAD_REQUEST,
                format!("path parameter `{name}` is missing"),
            )
        })?;
        value.parse().map_err(|_| {
            HttpError::because(
                shallot_core::http::StatusCode::BAD_REQUEST,
                format!(
                    "path parameter `{name}` must be a {}, not `{value}`",
                    short_type_name::<T>()
                ),
            )
        })
    }

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

/// `u32` for `u32`, `Uuid` for `uuid::Uuid`: the last path segment of the type's name.
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

impl RouterExt for Request {
    fn param(&self, name: &str) -> Option<&str> {
        let found = self.extensions().get::<RouteMatch>()?;
        found
            .pairs()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }

    fn route_params(&self) -> Vec<(&str, &str)> {
        self.extensions()
            .get::<RouteMatch>()
            .map(|found| found.pairs().collect())
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_match_record_moves_without_a_memcpy_call() {
        // LLVM inlines copies up to 128 bytes on x86-64; a larger record is copied by `memcpy`
        // each time the request's extension is made.
        assert!(std::mem::size_of::<super::RouteMatch>() <= 128);
    }
}
