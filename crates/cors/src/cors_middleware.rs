use std::sync::Arc;
use std::time::Duration;

use shallot_core::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};
use shallot_core::http::{HeaderName, HeaderValue, Method, StatusCode};
use shallot_core::{
    add_vary, find_header, status, BoxFuture, HttpError, IntoResponse, Middleware, Next, Request,
    Response,
};

use crate::policy::{valid_origin, Allowed, Origins};
use crate::CorsError;

const TRUE: HeaderValue = HeaderValue::from_static("true");
const ANY: HeaderValue = HeaderValue::from_static("*");
/// `Vary` entries, checked when compiling rather than on every answer: `Origin` on every
/// answer that depends on it, the two request headers on preflight answers.
const VARY_ORIGIN: HeaderValue = HeaderValue::from_static("Origin");
const VARY_REQUEST_METHOD: HeaderValue = HeaderValue::from_static("Access-Control-Request-Method");
const VARY_REQUEST_HEADERS: HeaderValue =
    HeaderValue::from_static("Access-Control-Request-Headers");

/// A CORS middleware that allows no origin yet; see the crate docs for the options.
pub fn wrap_cors() -> CorsMiddleware {
    CorsMiddleware {
        policy: Arc::new(Policy {
            origins: Origins::List(Vec::new()),
            credentials: false,
            methods: Allowed::list(vec!["GET".into(), "HEAD".into(), "POST".into()]),
            headers: Allowed::list(Vec::new()),
            exposed: None,
            max_age: None,
        }),
    }
}

/// The middleware made by [`wrap_cors`]: a policy, checked when built, shared by reference
/// count.
#[derive(Debug, Clone)]
pub struct CorsMiddleware {
    policy: Arc<Policy>,
}

#[derive(Debug, Clone)]
struct Policy {
    origins: Origins,
    credentials: bool,
    methods: Allowed,
    headers: Allowed,
    exposed: Option<HeaderValue>,
    max_age: Option<HeaderValue>,
}

impl CorsMiddleware {
    fn policy(&mut self) -> &mut Policy {
        Arc::make_mut(&mut self.policy)
    }

    /// Allows exactly these origins (`https://app.example`, `http://localhost:3000`),
    /// replacing any earlier choice.
    ///
    /// # Errors
    ///
    /// [`CorsError::InvalidOrigin`] for a string a browser would never send as `Origin`.
    pub fn with_origins<I>(mut self, origins: I) -> Result<Self, CorsError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let origins = origins
            .into_iter()
            .map(|origin| valid_origin(origin.as_ref()))
            .collect::<Result<_, _>>()?;
        self.policy().origins = Origins::List(origins);
        Ok(self)
    }

    /// Allows every origin: answers carry `access-control-allow-origin: *`.
    ///
    /// # Errors
    ///
    /// [`CorsError::CredentialedWildcard`] when credentials are allowed.
    pub fn with_any_origin(mut self) -> Result<Self, CorsError> {
        if self.policy.credentials {
            return Err(CorsError::CredentialedWildcard);
        }
        self.policy().origins = Origins::Any;
        Ok(self)
    }

    /// Allows the origins for which `allows` answers true (for example every port of
    /// `localhost`); the allowed origin is echoed.
    #[must_use]
    pub fn with_origin_predicate(
        mut self,
        allows: impl Fn(&HeaderValue) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.policy().origins = Origins::Predicate(Arc::new(allows));
        self
    }

    /// Lets browsers send cookies and authorization with cross-origin requests and read
    /// the answers (`access-control-allow-credentials: true`).
    ///
    /// # Errors
    ///
    /// [`CorsError::CredentialedWildcard`] when any origin is allowed.
    pub fn with_credentials(mut self, allowed: bool) -> Result<Self, CorsError> {
        if allowed && matches!(self.policy.origins, Origins::Any) {
            return Err(CorsError::CredentialedWildcard);
        }
        self.policy().credentials = allowed;
        Ok(self)
    }

    /// The methods a preflight may ask for (default `GET, HEAD, POST`), compared exactly
    /// (methods are case-sensitive).
    ///
    /// # Errors
    ///
    /// [`CorsError::InvalidMethod`] for a name that is not a method token.
    pub fn with_methods<I>(mut self, methods: I) -> Result<Self, CorsError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let methods = methods
            .into_iter()
            .map(|method| {
                let method = method.as_ref();
                Method::from_bytes(method.as_bytes())
                    .map(|m| m.as_str().to_owned())
                    .map_err(|_| CorsError::InvalidMethod(method.to_owned()))
            })
            .collect::<Result<_, _>>()?;
        self.policy().methods = Allowed::list(methods);
        Ok(self)
    }

    /// Allows whatever method a preflight asks for (it is echoed).
    #[must_use]
    pub fn with_any_method(mut self) -> Self {
        self.policy().methods = Allowed::Any;
        self
    }

    /// The request headers a preflight may ask for (default none), compared without case.
    ///
    /// # Errors
    ///
    /// [`CorsError::InvalidHeader`] for a name that is not a header name.
    pub fn with_headers<I>(mut self, names: I) -> Result<Self, CorsError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.policy().headers = Allowed::list(header_names(names)?);
        Ok(self)
    }

    /// Allows whatever request headers a preflight asks for (they are echoed).
    #[must_use]
    pub fn with_any_header(mut self) -> Self {
        self.policy().headers = Allowed::Any;
        self
    }

    /// The answer headers scripts may read beyond the safelisted ones
    /// (`access-control-expose-headers`).
    ///
    /// # Errors
    ///
    /// [`CorsError::InvalidHeader`] for a name that is not a header name.
    pub fn with_exposed_headers<I>(mut self, names: I) -> Result<Self, CorsError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let Allowed::List(_, joined) = Allowed::list(header_names(names)?) else {
            unreachable!("Allowed::list makes a list")
        };
        self.policy().exposed = joined;
        Ok(self)
    }

    /// How long a browser may cache a preflight's answer (`access-control-max-age`, whole
    /// seconds).
    #[must_use]
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.policy().max_age = Some(HeaderValue::from(max_age.as_secs()));
        self
    }

    /// Whether `origin` is allowed by this policy.
    pub fn allows_origin(&self, origin: &HeaderValue) -> bool {
        self.policy.origins.allows(origin)
    }

    /// The value of `access-control-allow-origin` for an allowed origin.
    fn allow_origin_value(&self, origin: &HeaderValue) -> HeaderValue {
        if matches!(self.policy.origins, Origins::Any) {
            ANY
        } else {
            origin.clone()
        }
    }

    /// Whether answers depend on `Origin` (all but "any origin" answers, which are `*`).
    fn varies_on_origin(&self) -> bool {
        !matches!(self.policy.origins, Origins::Any)
    }

    /// The answer to a preflight (an `OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`).
    fn preflight(&self, req: &Request, origin: &HeaderValue, method: &HeaderValue) -> Response {
        let policy = &self.policy;
        let requested_headers = req.headers().get(ACCESS_CONTROL_REQUEST_HEADERS);
        let allowed = self.allows_origin(origin)
            && method_allowed(&policy.methods, method)
            && headers_allowed(&policy.headers, requested_headers);
        let mut res = if allowed {
            let mut res = status(StatusCode::NO_CONTENT);
            let headers = res.headers_mut();
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, self.allow_origin_value(origin));
            if policy.credentials {
                headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
            }
            match &policy.methods {
                Allowed::List(_, Some(joined)) => {
                    headers.insert(ACCESS_CONTROL_ALLOW_METHODS, joined.clone());
                }
                Allowed::List(_, None) => {}
                Allowed::Any => {
                    headers.insert(ACCESS_CONTROL_ALLOW_METHODS, method.clone());
                }
            }
            match (&policy.headers, requested_headers) {
                (Allowed::List(_, Some(joined)), _) => {
                    headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, joined.clone());
                }
                (Allowed::Any, Some(requested)) => {
                    headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
                }
                _ => {}
            }
            if let Some(max_age) = &policy.max_age {
                headers.insert(ACCESS_CONTROL_MAX_AGE, max_age.clone());
            }
            res
        } else {
            HttpError::forbidden().into_response()
        };
        let headers = res.headers_mut();
        add_vary(headers, VARY_ORIGIN);
        add_vary(headers, VARY_REQUEST_METHOD);
        add_vary(headers, VARY_REQUEST_HEADERS);
        res
    }
}

fn header_names<I>(names: I) -> Result<Vec<String>, CorsError>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    names
        .into_iter()
        .map(|name| {
            let name = name.as_ref();
            HeaderName::from_bytes(name.as_bytes())
                .map(|n| n.as_str().to_owned())
                .map_err(|_| CorsError::InvalidHeader(name.to_owned()))
        })
        .collect()
}

fn method_allowed(methods: &Allowed, requested: &HeaderValue) -> bool {
    match methods {
        Allowed::Any => Method::from_bytes(requested.as_bytes()).is_ok(),
        Allowed::List(names, _) => names
            .iter()
            .any(|name| name.as_bytes() == requested.as_bytes()),
    }
}

/// Every name of `Access-Control-Request-Headers` (a comma-separated list) is allowed.
fn headers_allowed(allowed: &Allowed, requested: Option<&HeaderValue>) -> bool {
    let Some(requested) = requested else {
        return true;
    };
    let Ok(requested) = requested.to_str() else {
        return false;
    };
    let names = requested
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty());
    match allowed {
        Allowed::Any => names
            .into_iter()
            .all(|n| HeaderName::from_bytes(n.as_bytes()).is_ok()),
        Allowed::List(list, _) => names
            .into_iter()
            .all(|n| list.iter().any(|allowed| allowed.eq_ignore_ascii_case(n))),
    }
}

fn preflight_method(req: &Request) -> Option<&HeaderValue> {
    (req.method() == Method::OPTIONS)
        .then(|| req.headers().get(ACCESS_CONTROL_REQUEST_METHOD))
        .flatten()
}

/// The preflight's answer when the request is one (`origin` being its `Origin`), else `None`.
fn preflight_answer(
    req: &Request,
    origin: Option<&HeaderValue>,
    cors: &CorsMiddleware,
) -> Option<Response> {
    match (origin, preflight_method(req)) {
        (Some(origin), Some(method)) => Some(cors.preflight(req, origin, method)),
        _ => None,
    }
}

/// The request, or the preflight's answer when it is one: a preflight (an `OPTIONS` with
/// both `Origin` and `Access-Control-Request-Method`) is answered here, allowed (204) or
/// not (403), and goes no further.
///
/// # Examples
///
/// ```
/// use shallot_core::test;
/// use shallot_cors::{cors_request, wrap_cors};
///
/// let cors = wrap_cors().with_origins(["https://app.example"]).unwrap();
/// let preflight = test::options("/")
///     .header("origin", "https://app.example")
///     .header("access-control-request-method", "POST")
///     .into_request();
/// let answer = cors_request(preflight, &cors).unwrap_err();
/// assert_eq!(answer.status(), 204);
///
/// let plain_options = test::options("/").header("origin", "https://app.example").into_request();
/// assert!(cors_request(plain_options, &cors).is_ok());
/// ```
#[allow(clippy::result_large_err)] // the answer is the expected outcome, not a rare error
pub fn cors_request(req: Request, cors: &CorsMiddleware) -> Result<Request, Response> {
    match preflight_answer(&req, find_header(req.headers(), &ORIGIN), cors) {
        Some(answer) => Err(answer),
        None => Ok(req),
    }
}

/// Adds the CORS headers of an actual request's answer: for an allowed `origin`, who may
/// read it; in every case, `Origin` in `Vary`.
///
/// # Examples
///
/// ```
/// use shallot_core::Response;
/// use shallot_cors::{cors_response, wrap_cors};
///
/// let cors = wrap_cors().with_origins(["https://app.example"]).unwrap();
/// let origin = "https://app.example".parse().unwrap();
/// let res = cors_response(Response::new("hi".into()), Some(&origin), &cors);
/// assert_eq!(res.headers()["access-control-allow-origin"], "https://app.example");
/// assert_eq!(res.headers()["vary"], "Origin");
///
/// let stranger = "https://app.example.evil".parse().unwrap();
/// let res = cors_response(Response::new("hi".into()), Some(&stranger), &cors);
/// assert!(res.headers().get("access-control-allow-origin").is_none());
/// ```
pub fn cors_response(
    mut res: Response,
    origin: Option<&HeaderValue>,
    cors: &CorsMiddleware,
) -> Response {
    write_cors(&mut res, origin, cors);
    res
}

/// [`cors_response`] in place: the middleware's answer is not moved through the step.
fn write_cors(res: &mut Response, origin: Option<&HeaderValue>, cors: &CorsMiddleware) {
    let headers = res.headers_mut();
    if let Some(origin) = origin.filter(|origin| cors.allows_origin(origin)) {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, cors.allow_origin_value(origin));
        if cors.policy.credentials {
            headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        if let Some(exposed) = &cors.policy.exposed {
            headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, exposed.clone());
        }
    }
    if cors.varies_on_origin() {
        add_vary(headers, VARY_ORIGIN);
    }
}

impl Middleware for CorsMiddleware {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        // `Origin` looked up once, for the preflight and the answer.
        let origin = find_header(req.headers(), &ORIGIN).cloned();
        if let Some(answer) = preflight_answer(&req, origin.as_ref(), self) {
            return Box::pin(std::future::ready(answer));
        }
        let cors = self.clone();
        // Started here: the box holds the rest of the chain, not the request.
        let call = next.run(req);
        Box::pin(async move {
            let mut res = call.await;
            write_cors(&mut res, origin.as_ref(), &cors);
            res
        })
    }
}
