use shallot_core::http::header::COOKIE;
use shallot_core::{Request, Response};

use crate::cookies_middleware::{LazyCookies, ResponseCookies};
use crate::{RequestCookies, SetCookie};

/// What a request without cookies answers: an empty set, no allocation.
static NO_COOKIES: RequestCookies = RequestCookies::new();

/// The cookies of a request, parsed on first use and then kept.
///
/// Without [`wrap_cookies`](crate::wrap_cookies) in the pile there are none.
pub trait CookiesExt {
    /// The request's cookies, percent-decoded.
    fn cookies(&self) -> &RequestCookies;

    /// The value of a cookie that was set [`signed`](SetCookie::signed), if its signature
    /// holds under the middleware's key.
    #[cfg(feature = "secure")]
    fn signed_cookie(&self, name: &str) -> Option<String>;

    /// The value of a cookie that was set [`private`](SetCookie::private), if it decrypts
    /// and authenticates under the middleware's key.
    #[cfg(feature = "secure")]
    fn private_cookie(&self, name: &str) -> Option<String>;
}

impl CookiesExt for Request {
    fn cookies(&self) -> &RequestCookies {
        let Some(LazyCookies(lazy)) = self.extensions().get::<LazyCookies>() else {
            return &NO_COOKIES;
        };
        lazy.parsed.get_or_init(|| {
            RequestCookies::parse(
                self.headers()
                    .get_all(COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok()),
            )
        })
    }

    #[cfg(feature = "secure")]
    fn signed_cookie(&self, name: &str) -> Option<String> {
        let LazyCookies(lazy) = self.extensions().get::<LazyCookies>()?;
        let key = lazy.key.as_deref()?;
        let raw = self.cookies().get(name)?;
        let mut jar = cookie::CookieJar::new();
        jar.add_original(cookie::Cookie::new(name.to_owned(), raw.to_owned()));
        jar.signed(key).get(name).map(|c| c.value().to_owned())
    }

    #[cfg(feature = "secure")]
    fn private_cookie(&self, name: &str) -> Option<String> {
        let LazyCookies(lazy) = self.extensions().get::<LazyCookies>()?;
        let key = lazy.key.as_deref()?;
        let raw = self.cookies().get(name)?;
        let mut jar = cookie::CookieJar::new();
        jar.add_original(cookie::Cookie::new(name.to_owned(), raw.to_owned()));
        jar.private(key).get(name).map(|c| c.value().to_owned())
    }
}

/// Setting cookies on a response; [`wrap_cookies`](crate::wrap_cookies) writes them out.
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, test, text, Request};
/// use shallot_cookies::{wrap_cookies, CookiesResponseExt, SetCookie};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = chain_middleware((wrap_cookies(),)).apply(|_req: Request| async {
///     let mut res = text("set");
///     res.set_cookie(SetCookie::new("theme", "dark").with_path("/"));
///     res.remove_cookie("old");
///     res
/// });
/// let res = test::get("/").send(&app).await;
/// let set: Vec<_> = res.headers().get_all("set-cookie").iter().collect();
/// assert_eq!(set[0], "theme=dark; Path=/");
/// assert!(set[1].to_str().unwrap().starts_with("old=; Max-Age=0; Expires="));
/// # }
/// ```
pub trait CookiesResponseExt {
    /// Sets a cookie (one `Set-Cookie` header each, in the order set).
    fn set_cookie(&mut self, cookie: SetCookie);

    /// Tells the client to drop a cookie set without `Path` or `Domain`; for others, set
    /// [`SetCookie::removal`] with the same `Path` and `Domain`.
    fn remove_cookie(&mut self, name: &str);
}

impl CookiesResponseExt for Response {
    fn set_cookie(&mut self, cookie: SetCookie) {
        let extensions = self.extensions_mut();
        match extensions.get_mut::<ResponseCookies>() {
            Some(ResponseCookies(cookies)) => cookies.push(cookie),
            None => {
                extensions.insert(ResponseCookies(vec![cookie]));
            }
        }
    }

    fn remove_cookie(&mut self, name: &str) {
        self.set_cookie(SetCookie::removal(name));
    }
}
