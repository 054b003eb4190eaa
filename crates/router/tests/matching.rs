//! Which route answers which path, and what its handler sees.

use shallot_core::{chain_middleware, test, ChainHandler, HttpError, Request};
use shallot_router::{get, route, wrap_routes, Route, RouterExt};

async fn describe(req: Request) -> String {
    let params: Vec<String> = req
        .route_params()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!(
        "{} [{}]",
        req.matched_route().unwrap_or_default(),
        params.join(" ")
    )
}

fn app(rows: Vec<Route>) -> ChainHandler {
    chain_middleware((test::lint(), wrap_routes(rows).expect("test fixture")))
        .apply(|_req: Request| async { HttpError::not_found() })
}

fn table() -> ChainHandler {
    app(vec![
        get("/", describe),
        get("/hello", describe),
        get("/hello/{index}", describe),
        get("/hello/static", describe),
        get("/students/{id}/{session?}", describe),
        get("/files/{*path}", describe),
    ])
}

#[tokio::test]
async fn each_path_reaches_its_route_with_decoded_params() {
    let app = table();
    for (path, expected) in [
        ("/", "/ []"),
        ("/hello", "/hello []"),
        ("/hello/3", "/hello/{index} [index=3]"),
        ("/hello/34?q=1/2", "/hello/{index} [index=34]"),
        ("/hello/static", "/hello/static []"),
        ("/hello/a%20b", "/hello/{index} [index=a b]"),
        ("/hello/%C3%A9", "/hello/{index} [index=é]"),
        ("/hello/a%2Fb", "/hello/{index} [index=a/b]"),
        ("/hello/100%25", "/hello/{index} [index=100%]"),
        ("/students/7", "/students/{id}/{session?} [id=7]"),
        (
            "/students/7/x",
            "/students/{id}/{session?} [id=7 session=x]",
        ),
        ("/files/a/b/c.txt", "/files/{*path} [path=a/b/c.txt]"),
        ("/files/a%20b/c", "/files/{*path} [path=a b/c]"),
    ] {
        test::get(path)
            .send(&app)
            .await
            .assert_status(200)
            .assert_body(expected);
    }
}

#[tokio::test]
async fn unmatched_paths_go_on_to_the_default_handler() {
    let app = table();
    for path in [
        "/nope",
        "/hello/1/2",
        "/students",
        "/students/1/2/3",
        "/files",
        "/HELLO",
    ] {
        test::get(path)
            .send(&app)
            .await
            .assert_status(404)
            .assert_header("content-type", "text/plain; charset=utf-8")
            .assert_body("Not Found");
    }
}

#[tokio::test]
async fn a_static_segment_beats_a_parameter_whatever_the_row_order() {
    let app = app(vec![get("/u/{name}", describe), get("/u/me", describe)]);
    test::get("/u/me").send(&app).await.assert_body("/u/me []");
    test::get("/u/you")
        .send(&app)
        .await
        .assert_body("/u/{name} [name=you]");
}

#[tokio::test]
async fn a_parameter_that_decodes_to_invalid_utf8_is_400() {
    let app = table();
    test::get("/hello/%FF")
        .send(&app)
        .await
        .assert_status(400)
        .assert_body("Bad Request: path is not valid UTF-8");
}

#[tokio::test]
async fn the_query_does_not_affect_matching() {
    let app = table();
    test::get("/hello/5?x=1")
        .send(&app)
        .await
        .assert_body("/hello/{index} [index=5]");
}

#[tokio::test]
async fn middlewares_after_the_router_see_the_chosen_handler() {
    let seen = |req: Request, next: shallot_core::Next| {
        let name = next.handler().name().to_owned();
        async move {
            let mut res = next.run(req).await;
            res.headers_mut().insert("x-handler", name.parse().unwrap());
            res
        }
    };
    let app = chain_middleware((
        wrap_routes([route("/r", shallot_core::http::Method::GET, describe)]).unwrap(),
        seen,
    ))
    .apply(|_req: Request| async { "default" });
    let routed = test::get("/r").send(&app).await;
    let default = test::get("/other").send(&app).await;
    assert_ne!(routed.header("x-handler"), default.header("x-handler"));
    default.assert_body("default");
}

#[tokio::test]
async fn a_static_segment_beats_a_catch_all_and_a_parameter_beside_one_is_a_build_error() {
    let app = app(vec![
        get("/files/{*rest}", describe),
        get("/files/readme", describe),
    ]);
    test::get("/files/readme")
        .send(&app)
        .await
        .assert_body("/files/readme []");
    test::get("/files/a/b.txt")
        .send(&app)
        .await
        .assert_body("/files/{*rest} [rest=a/b.txt]");
    // `/files/a.txt` would be answered by both: refused when built, as the docs say.
    let error = wrap_routes([
        get("/files/{*rest}", describe),
        get("/files/{name}", describe),
    ])
    .unwrap_err();
    assert!(error.to_string().contains("conflicts"), "{error}");
}
