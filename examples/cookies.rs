//! Cookies: read the request's, set new ones with attributes.
//!
//! Run: `cargo run --example cookies`, then `curl -i -b 'visits=4' http://127.0.0.1:3000/`

use shallot::cookies::{wrap_cookies, CookiesExt, CookiesResponseExt, SameSite, SetCookie};
use shallot::{chain_middleware, text, ChainHandler, Request, Response};

async fn count(req: Request) -> Response {
    let visits: u64 = req
        .cookies()
        .get("visits")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        + 1;
    let mut res = text(format!("visit number {visits}\n"));
    res.set_cookie(
        SetCookie::new("visits", visits.to_string())
            .with_path("/")
            .with_http_only(true)
            .with_same_site(SameSite::Lax),
    );
    res
}

/// Cookies around one handler.
pub(crate) fn app() -> ChainHandler {
    chain_middleware((wrap_cookies(),)).apply(count)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    shallot::server::serve("127.0.0.1:3000", app()).await
}
