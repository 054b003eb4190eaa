use shallot_core::Request;

use crate::params_middleware::LazyParams;
use crate::ParamMap;

/// What a request without parameters answers: an empty map, no allocation.
static EMPTY: ParamMap = ParamMap::new();

fn empty() -> &'static ParamMap {
    &EMPTY
}

/// Query and form parameters of a request, parsed on first use and then kept.
///
/// Without [`wrap_params`](crate::wrap_params) in the pile every map is empty.
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, test, Request};
/// use shallot_params::{wrap_params, ParamsExt};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = chain_middleware((wrap_params(),)).apply(|req: Request| async move {
///     format!("{:?}", req.params().get_all("a"))
/// });
/// test::post("/?a=1", "a=2&b=3")
///     .header("content-type", "application/x-www-form-urlencoded")
///     .send(&app)
///     .await
///     .assert_body(r#"["1", "2"]"#);
/// # }
/// ```
pub trait ParamsExt {
    /// The query string's parameters.
    fn query_params(&self) -> &ParamMap;

    /// The form body's parameters (`application/x-www-form-urlencoded` bodies only).
    fn form_params(&self) -> &ParamMap;

    /// Both merged, query values first for each name.
    fn params(&self) -> &ParamMap;

    /// The first value of `name` (query first, then form), parsed as `T`; `None` when the
    /// parameter is absent.
    ///
    /// # Errors
    ///
    /// `400 Bad Request: parameter `{name}` must be a …` when present and not parsable, so a
    /// handler can use `?`.
    ///
    /// # Examples
    ///
    /// ```
    /// use shallot_core::{chain_middleware, test, HttpError, Request};
    /// use shallot_params::{wrap_params, ParamsExt};
    ///
    /// async fn page(req: Request) -> Result<String, HttpError> {
    ///     let page: u32 = req.param_value_as("page")?.unwrap_or(1);
    ///     Ok(format!("page {page}"))
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = chain_middleware((wrap_params(),)).apply(page);
    /// test::get("/?page=3").send(&app).await.assert_body("page 3");
    /// test::get("/").send(&app).await.assert_body("page 1");
    /// test::get("/?page=-1")
    ///     .send(&app)
    ///     .await
    ///     .assert_status(400)
    ///     .assert_body("Bad Request: parameter `page` must be a u32, not `-1`");
    /// # }
    /// ```
    fn param_value_as<T: std::str::FromStr>(
        &self,
        name: &str,
    ) -> Result<Option<T>, shallot_core::HttpError> {
        let Some(value) = self.params().get(name) else {
            return Ok(None);
        };
        value.parse().map(Some).map_err(|_| {
            let full = std::any::type_name::<T>();
            let short = full.rsplit("::").next().unwrap_or(full);
            shallot_core::HttpError::because(
                shallot_core::http::StatusCode::BAD_REQUEST,
                format!("parameter `{name}` must be a {short}, not `{value}`"),
            )
        })
    }
}

impl ParamsExt for Request {
    fn query_params(&self) -> &ParamMap {
        let Some(LazyParams(lazy)) = self.extensions().get::<LazyParams>() else {
            return empty();
        };
        lazy.query.get_or_init(|| {
            ParamMap::parse(self.uri().query().unwrap_or("").as_bytes(), lazy.keep_blank)
        })
    }

    fn form_params(&self) -> &ParamMap {
        let Some(LazyParams(lazy)) = self.extensions().get::<LazyParams>() else {
            return empty();
        };
        if !lazy.has_form {
            return empty();
        }
        lazy.form.get_or_init(|| {
            let form = self.body().as_bytes().map_or(&[][..], |b| b.as_ref());
            ParamMap::parse(form, lazy.keep_blank)
        })
    }

    fn params(&self) -> &ParamMap {
        let Some(LazyParams(lazy)) = self.extensions().get::<LazyParams>() else {
            return empty();
        };
        lazy.merged
            .get_or_init(|| self.query_params().merged_with(self.form_params()))
    }
}
