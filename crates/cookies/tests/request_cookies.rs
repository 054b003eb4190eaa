//! Reading the request's cookies through the middleware.

use shallot_cookies::{wrap_cookies, CookiesExt};
use shallot_core::{chain_middleware, test, ChainHandler, Request};

fn app() -> ChainHandler {
    chain_middleware((test::lint(), wrap_cookies())).apply(|req: Request| async move {
        let pairs: Vec<String> = req
            .cookies()
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        pairs.join("|")
    })
}

#[tokio::test]
async fn cookies_are_decoded_in_order_across_headers() {
    test::get("/")
        .header("cookie", "a=1; b=x%20y")
        .header("Cookie", "c=%C3%A9")
        .send(&app())
        .await
        .assert_status(200)
        .assert_body("a=1|b=x y|c=é");
}

#[tokio::test]
async fn malformed_pairs_are_skipped_never_an_error() {
    for (header, expected) in [
        ("garbage", ""),
        ("a=1; ;; =x; b", "a=1"),
        ("a=%ZZ; b=2", "a=%ZZ|b=2"),
        ("a=%FF; b=2", "b=2"),
        (";;;", ""),
    ] {
        test::get("/")
            .header("cookie", header)
            .send(&app())
            .await
            .assert_status(200)
            .assert_body(expected);
    }
}

#[tokio::test]
async fn a_request_without_cookies_has_none() {
    test::get("/").send(&app()).await.assert_body("");
    let bare = |req: Request| async move { req.cookies().len().to_string() };
    test::get("/")
        .header("cookie", "a=1")
        .send(&bare)
        .await
        .assert_body("0");
}
