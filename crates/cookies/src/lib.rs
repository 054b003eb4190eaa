#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod cookies_ext;
mod cookies_middleware;
mod request_cookies;
mod set_cookie;

pub use cookie;
#[cfg(feature = "secure")]
#[cfg_attr(docsrs, doc(cfg(feature = "secure")))]
pub use cookie::Key;
pub use cookie::SameSite;
pub use cookies_ext::{CookiesExt, CookiesResponseExt};
pub use cookies_middleware::{cookies_request, cookies_response, wrap_cookies, CookiesMiddleware};
pub use request_cookies::RequestCookies;
pub use set_cookie::{InvalidCookie, SetCookie};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
