use std::fmt;
use std::sync::{Arc, OnceLock};

use shallot_core::http::header::{COOKIE, SET_COOKIE};
use shallot_core::{BoxFuture, HttpError, IntoResponse, Middleware, Next, Request, Response};

#[cfg(feature = "secure")]
use crate::set_cookie::header_value_of;
use crate::set_cookie::Protection;
use crate::{RequestCookies, SetCookie};

/// Parses request cookies (lazily) and writes the cookies a handler sets; see the crate docs.
pub fn wrap_cookies() -> CookiesMiddleware {
    CookiesMiddleware::new()
}

/// The middleware made by [`wrap_cookies`].
#[derive(Clone, Default)]
pub struct CookiesMiddleware {
    #[cfg(feature = "secure")]
    key: Option<Arc<cookie::Key>>,
}

impl CookiesMiddleware {
    /// Plain cookies only.
    pub fn new() -> Self {
        Self::default()
    }

    /// The key that signs and encrypts cookies marked [`SetCookie::signed`] or
    /// [`SetCookie::private`], and verifies them on the way back. Keep it secret and stable
    /// across restarts: `Key::from` 64 bytes of a secret (or `Key::generate()` for a key that
    /// lasts one process).
    #[cfg(feature = "secure")]
    #[cfg_attr(docsrs, doc(cfg(feature = "secure")))]
    #[must_use]
    pub fn with_key(mut self, key: cookie::Key) -> Self {
        self.key = Some(Arc::new(key));
        self
    }
}

impl fmt::Debug for CookiesMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("CookiesMiddleware");
        #[cfg(feature = "secure")]
        s.field("key", &self.key.as_ref().map(|_| "<secret>"));
        s.finish()
    }
}

/// The request's cookies, parsed on first use, under a key no other crate can name.
#[derive(Clone)]
pub(crate) struct LazyCookies(pub(crate) Arc<LazyInner>);

pub(crate) struct LazyInner {
    pub(crate) parsed: OnceLock<RequestCookies>,
    #[cfg(feature = "secure")]
    pub(crate) key: Option<Arc<cookie::Key>>,
}

/// The cookies a handler set on its response, under a key no other crate can name.
#[derive(Clone, Default)]
pub(crate) struct ResponseCookies(pub(crate) Vec<SetCookie>);

/// Prepares the request's cookies for [`CookiesExt`](crate::CookiesExt): nothing is parsed
/// until asked, and a request without a `Cookie` header gets nothing at all.
pub fn cookies_request(mut req: Request, middleware: &CookiesMiddleware) -> Request {
    let _ = middleware;
    if shallot_core::has_header(req.headers(), &COOKIE) {
        req.extensions_mut().insert(LazyCookies(Arc::new(LazyInner {
            parsed: OnceLock::new(),
            #[cfg(feature = "secure")]
            key: middleware.key.clone(),
        })));
    }
    req
}

/// Writes the cookies the handler set as `Set-Cookie` headers, one each, in the order set.
///
/// A cookie that cannot be sent (a name that is not a token; a signed or private cookie
/// without a key) is a bug of the application: it is logged and the answer becomes `500`.
pub fn cookies_response(mut res: Response, middleware: &CookiesMiddleware) -> Response {
    write_cookies(&mut res, middleware);
    res
}

/// [`cookies_response`] in place: an answer without cookies is not moved through the step.
fn write_cookies(res: &mut Response, middleware: &CookiesMiddleware) {
    let Some(ResponseCookies(cookies)) = res.extensions_mut().remove::<ResponseCookies>() else {
        return;
    };
    for cookie in &cookies {
        match finish(middleware, cookie) {
            Ok(value) => {
                res.headers_mut().append(SET_COOKIE, value);
            }
            Err(reason) => {
                log::error!("cannot set cookie `{}`: {reason}", cookie.name());
                *res = HttpError::internal_server_error().into_response();
                return;
            }
        }
    }
}

fn finish(
    middleware: &CookiesMiddleware,
    cookie: &SetCookie,
) -> Result<shallot_core::http::HeaderValue, String> {
    let _ = middleware;
    match cookie.protection {
        Protection::Plain => cookie.header_value().map_err(|e| e.to_string()),
        #[cfg(feature = "secure")]
        Protection::Signed | Protection::Private => {
            let key = middleware
                .key
                .as_deref()
                .ok_or("a signed or private cookie needs CookiesMiddleware::with_key")?;
            let mut jar = cookie::CookieJar::new();
            if cookie.protection == Protection::Signed {
                jar.signed_mut(key).add(cookie.cookie.clone());
            } else {
                jar.private_mut(key).add(cookie.cookie.clone());
            }
            let protected = jar
                .get(cookie.name())
                .ok_or("the protected cookie vanished from its jar")?;
            header_value_of(protected, cookie.expires_text()).map_err(|e| e.to_string())
        }
    }
}

impl Middleware for CookiesMiddleware {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        let fut = next.run(cookies_request(req, self));
        let this = self.clone();
        Box::pin(async move {
            let mut res = fut.await;
            write_cookies(&mut res, &this);
            res
        })
    }
}
