//! 405 with Allow, HEAD served by GET, automatic OPTIONS.

use shallot_core::http::Method;
use shallot_core::{chain_middleware, test, ChainHandler, HttpError, Request};
use shallot_router::{get, head, options, post, route, wrap_routes, RouterMiddleware};

fn app(router: RouterMiddleware) -> ChainHandler {
    chain_middleware((test::lint(), router)).apply(|_req: Request| async { HttpError::not_found() })
}

fn router() -> RouterMiddleware {
    wrap_routes([
        get("/hello", |_req: Request| async { "hi user!" }),
        route(
            "/echo",
            [Method::PUT, Method::GET, Method::POST],
            |req: Request| async move { req.method().to_string() },
        ),
        post("/only-post", |_req: Request| async { "posted" }),
        get("/custom-head", |_req: Request| async { "get body" }),
        head("/custom-head", |_req: Request| async {
            (shallot_core::http::StatusCode::ACCEPTED, "")
        }),
        options("/custom-options", |_req: Request| async { "my options" }),
    ])
    .expect("test fixture")
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405_listing_the_routes_methods() {
    let app = app(router());
    for (method, path, allow) in [
        (Method::DELETE, "/hello", "GET, HEAD, OPTIONS"),
        (Method::PATCH, "/echo", "GET, HEAD, POST, PUT, OPTIONS"),
        (Method::GET, "/only-post", "POST, OPTIONS"),
        (Method::HEAD, "/only-post", "POST, OPTIONS"),
    ] {
        let res = test::request(method.clone(), path).send(&app).await;
        res.assert_status(405)
            .assert_header("allow", allow)
            .assert_header("content-type", "text/plain; charset=utf-8");
        let body = if method == Method::HEAD {
            ""
        } else {
            "Method Not Allowed"
        };
        res.assert_body(body);
    }
}

#[tokio::test]
async fn each_listed_method_reaches_the_handler() {
    let app = app(router());
    for method in [Method::GET, Method::PUT, Method::POST] {
        test::request(method.clone(), "/echo")
            .send(&app)
            .await
            .assert_body(method.as_str());
    }
}

#[tokio::test]
async fn head_is_served_by_get_without_a_body() {
    let app = app(router());
    test::head("/hello")
        .send(&app)
        .await
        .assert_status(200)
        .assert_header("content-type", "text/plain; charset=utf-8")
        .assert_header("content-length", "8")
        .assert_body("");
}

#[tokio::test]
async fn a_head_route_wins_over_get_for_head() {
    let app = app(router());
    test::head("/custom-head")
        .send(&app)
        .await
        .assert_status(202);
    test::get("/custom-head")
        .send(&app)
        .await
        .assert_body("get body");
}

#[tokio::test]
async fn options_is_answered_with_allow_unless_a_route_takes_it() {
    let app = app(router());
    test::options("/hello")
        .send(&app)
        .await
        .assert_status(204)
        .assert_header("allow", "GET, HEAD, OPTIONS")
        .assert_body("");
    test::options("/custom-options")
        .send(&app)
        .await
        .assert_body("my options");
}

#[tokio::test]
async fn automatic_options_can_be_switched_off() {
    let app = app(router().with_auto_options(false));
    test::options("/hello")
        .send(&app)
        .await
        .assert_status(405)
        .assert_header("allow", "GET, HEAD");
}

#[tokio::test]
async fn method_names_are_case_sensitive() {
    let app = app(router());
    let lower = Method::from_bytes(b"get").unwrap();
    test::request(lower, "/hello")
        .send(&app)
        .await
        .assert_status(405);
}
