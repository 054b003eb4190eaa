//! The trailing-slash policy: ignore (default), redirect, strict.

use shallot_core::{chain_middleware, test, ChainHandler, HttpError, Request};
use shallot_router::{get, wrap_routes, RouterMiddleware, TrailingSlash};

fn router() -> RouterMiddleware {
    wrap_routes([
        get("/", |_req: Request| async { "root" }),
        get("/hello/", |_req: Request| async { "hello" }),
        get("/a/{b}", |_req: Request| async { "param" }),
    ])
    .expect("test fixture")
}

fn app(router: RouterMiddleware) -> ChainHandler {
    chain_middleware((test::lint(), router)).apply(|_req: Request| async { HttpError::not_found() })
}

#[tokio::test]
async fn by_default_a_trailing_slash_is_ignored_in_routes_and_requests() {
    let app = app(router());
    for (path, body) in [
        ("/hello", "hello"),
        ("/hello/", "hello"),
        ("/a/x/", "param"),
        ("/", "root"),
    ] {
        test::get(path)
            .send(&app)
            .await
            .assert_status(200)
            .assert_body(body);
    }
}

#[tokio::test]
async fn the_redirect_policy_answers_308_to_the_canonical_path_keeping_the_query() {
    let app = app(router().with_trailing_slash(TrailingSlash::Redirect));
    test::get("/hello/?x=1")
        .send(&app)
        .await
        .assert_status(308)
        .assert_header("location", "/hello?x=1");
    test::get("/hello").send(&app).await.assert_body("hello");
    test::get("/nothing/").send(&app).await.assert_status(404);
}

#[tokio::test]
async fn the_strict_policy_matches_only_the_canonical_path() {
    let app = app(router().with_trailing_slash(TrailingSlash::Strict));
    test::get("/hello/").send(&app).await.assert_status(404);
    test::get("/hello").send(&app).await.assert_body("hello");
    test::get("/").send(&app).await.assert_body("root");
}
