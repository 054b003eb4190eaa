use std::sync::{Arc, OnceLock};

use shallot_core::http::header::CONTENT_TYPE;
use shallot_core::http::HeaderMap;
use shallot_core::{BoxFuture, HttpError, IntoResponse, Middleware, Next, Request, Response};

use crate::strict::is_well_formed;
use crate::ParamMap;

/// Parses query strings and form bodies, lazily; see the crate docs.
pub fn wrap_params() -> ParamsMiddleware {
    ParamsMiddleware::new()
}

/// The middleware made by [`wrap_params`].
#[derive(Debug, Clone, Copy)]
pub struct ParamsMiddleware {
    keep_blank: bool,
    strict: bool,
}

impl Default for ParamsMiddleware {
    fn default() -> Self {
        Self {
            keep_blank: true,
            strict: false,
        }
    }
}

impl ParamsMiddleware {
    /// Blank values kept, lenient decoding.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether blank values (`a=`, a bare `a`) are kept as `""` (default: `true`).
    #[must_use]
    pub fn with_keep_blank(mut self, keep: bool) -> Self {
        self.keep_blank = keep;
        self
    }

    /// Strict decoding: a query or form body with a malformed percent-escape, or one that
    /// decodes to invalid UTF-8, is answered `400` before the handler (default: `false`,
    /// which decodes leniently as browsers do).
    #[must_use]
    pub fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }
}

/// The lazily parsed parameters of one request, under a key no other crate can name.
#[derive(Debug, Clone)]
pub(crate) struct LazyParams(pub(crate) Arc<LazyParamsInner>);

#[derive(Debug)]
pub(crate) struct LazyParamsInner {
    pub(crate) keep_blank: bool,
    pub(crate) has_form: bool,
    pub(crate) query: OnceLock<ParamMap>,
    pub(crate) form: OnceLock<ParamMap>,
    pub(crate) merged: OnceLock<ParamMap>,
}

/// Whether the body is a form (`application/x-www-form-urlencoded`, any parameters).
pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| {
            essence
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Whether `req` has parameters to prepare: a query string, or a form body. The one test
/// behind both [`params_request`] and the middleware's pass-through.
fn has_params(req: &Request) -> (bool, bool) {
    let has_query = req.uri().query().is_some_and(|q| !q.is_empty());
    let has_form = !req.body().is_empty() && is_form(req.headers());
    (has_query, has_form)
}

/// Prepares the request's parameters for [`ParamsExt`](crate::ParamsExt): a form body is
/// read (within its limit), nothing is parsed yet (the first accessor does it, once), and a
/// request with neither a query nor a form body gets nothing at all.
///
/// # Errors
///
/// In strict mode, `400 Bad Request: malformed query string` or
/// `400 Bad Request: malformed form body`. A form body over its limit, broken off or
/// stalled: the [`BodyError`](shallot_core::BodyError)'s answer (`413`, `400`, `408`).
///
/// # Examples
///
/// ```
/// use shallot_core::test;
/// use shallot_params::{params_request, ParamsExt, ParamsMiddleware};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let req = test::get("/?a=1&a=2").into_request();
/// let req = params_request(req, &ParamsMiddleware::new()).await.unwrap();
/// assert_eq!(req.query_params().get_all("a"), ["1", "2"]);
///
/// let strict = ParamsMiddleware::new().with_strict(true);
/// let req = test::get("/?a=%zz").into_request();
/// assert_eq!(params_request(req, &strict).await.unwrap_err().status(), 400);
/// # }
/// ```
pub async fn params_request(
    mut req: Request,
    options: &ParamsMiddleware,
) -> Result<Request, HttpError> {
    if has_params(&req).1 {
        req.body_mut().read_all().await?;
    }
    prepare(req, options)
}

/// [`params_request`] once the form body, if any, is in memory: no await.
fn prepare(mut req: Request, options: &ParamsMiddleware) -> Result<Request, HttpError> {
    let (has_query, has_form) = has_params(&req);
    if !has_query && !has_form {
        return Ok(req);
    }
    if options.strict {
        if !is_well_formed(req.uri().query().unwrap_or("").as_bytes()) {
            return Err(HttpError::because(
                shallot_core::http::StatusCode::BAD_REQUEST,
                "malformed query string",
            ));
        }
        let form = req.body().as_bytes().map_or(&[][..], |b| b.as_ref());
        if has_form && !is_well_formed(form) {
            return Err(HttpError::because(
                shallot_core::http::StatusCode::BAD_REQUEST,
                "malformed form body",
            ));
        }
    }
    req.extensions_mut()
        .insert(LazyParams(Arc::new(LazyParamsInner {
            keep_blank: options.keep_blank,
            has_form,
            query: OnceLock::new(),
            form: OnceLock::new(),
            merged: OnceLock::new(),
        })));
    Ok(req)
}

impl Middleware for ParamsMiddleware {
    fn passes_through(&self, req: &Request) -> bool {
        has_params(req) == (false, false)
    }

    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        let options = *self;
        if !has_params(&req).1 {
            // No body to read: prepared synchronously, no extra future.
            return match prepare(req, &options) {
                Ok(req) => next.run(req),
                Err(error) => Box::pin(std::future::ready(error.into_response())),
            };
        }
        Box::pin(async move {
            match params_request(req, &options).await {
                Ok(req) => next.run(req).await,
                Err(error) => error.into_response(),
            }
        })
    }
}
