//! Cookies for shallot: the request's cookies parsed on first use, and the cookies a handler
//! sets written as one `Set-Cookie` header each, with every attribute.
//!
//! ```
//! use shallot_core::{chain_middleware, test, text, Request, Response};
//! use shallot_cookies::{wrap_cookies, CookiesExt, CookiesResponseExt, SameSite, SetCookie};
//!
//! async fn visit(req: Request) -> Response {
//!     let visits: u32 = req.cookies().get("visits").and_then(|v| v.parse().ok()).unwrap_or(0);
//!     let mut res = text(format!("visit {}", visits + 1));
//!     res.set_cookie(
//!         SetCookie::new("visits", (visits + 1).to_string())
//!             .with_path("/")
//!             .with_http_only(true)
//!             .with_same_site(SameSite::Lax),
//!     );
//!     res
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = chain_middleware((test::lint(), wrap_cookies())).apply(visit);
//! test::get("/")
//!     .header("cookie", "visits=41; other=x")
//!     .send(&app)
//!     .await
//!     .assert_body("visit 42")
//!     .assert_header("set-cookie", "visits=42; HttpOnly; SameSite=Lax; Path=/");
//! # }
//! ```
//!
//! # Behaviour
//!
//! | condition | result |
//! |---|---|
//! | `Cookie: a=1; b=x%20y` (one header or several) | `req.cookies()`: `a → 1`, `b → x y`, in order |
//! | a malformed pair (no `=`, an empty name, an escape that decodes to invalid UTF-8) | skipped; never an error answer |
//! | a `%` not followed by two hex digits | kept as it is
//! | a name sent twice | the first value |
//! | `res.set_cookie(c)` | one `Set-Cookie` header per cookie, value percent-encoded as it is decoded |
//! | `res.remove_cookie(name)` / [`SetCookie::removal`] | `name=; Max-Age=0; Expires=<a year ago>` |
//! | a cookie that cannot be sent (bad name; signed without a key) | logged, `500 Internal Server Error` |
//! | feature `secure`: `SetCookie::signed` / `::private` | HMAC-signed / AES-GCM-encrypted value; `req.signed_cookie` / `req.private_cookie` verify |
//!
//! # Options
//!
//! `CookiesMiddleware::with_key` (feature `secure`): the key for signed and private cookies.
//!
//! # Ordering
//!
//! Anywhere around the handlers that read or set cookies; in the showcase, right after the
//! router.
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
