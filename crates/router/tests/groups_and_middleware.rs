//! Groups share a prefix (nested), and routes or groups carry their own middlewares.

use shallot_core::{chain_middleware, test, ChainHandler, HttpError, Next, Request, Response};
use shallot_router::{get, group, wrap_routes, RouterExt};

async fn path_of(req: Request) -> String {
    req.matched_route().unwrap_or_default()
}

fn tag(value: &'static str) -> impl Fn(Request, Next) -> shallot_core::BoxFuture<Response> + Clone {
    move |req: Request, next: Next| {
        Box::pin(async move {
            let mut res = next.run(req).await;
            res.headers_mut()
                .append("x-tag", value.parse().expect("test fixture"));
            res
        })
    }
}

fn app() -> ChainHandler {
    let routes = wrap_routes([
        get("/plain", path_of),
        group(
            "/api",
            [
                group("/v1", [get("/students/{id}", path_of).with(tag("route"))]).with(tag("v1")),
                get("/", path_of),
            ],
        )
        .with(tag("api")),
    ])
    .expect("test fixture");
    chain_middleware((test::lint(), routes)).apply(|_req: Request| async { HttpError::not_found() })
}

#[tokio::test]
async fn group_prefixes_nest() {
    let app = app();
    test::get("/api/v1/students/9")
        .send(&app)
        .await
        .assert_body("/api/v1/students/{id}");
    test::get("/api").send(&app).await.assert_body("/api");
    test::get("/v1/students/9")
        .send(&app)
        .await
        .assert_status(404);
}

#[tokio::test]
async fn group_and_route_middlewares_run_only_on_a_match_outer_group_first() {
    let app = app();
    let res = test::get("/api/v1/students/9").send(&app).await;
    let tags: Vec<_> = res
        .headers()
        .get_all("x-tag")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    // Responses pass back through the innermost middleware first.
    assert_eq!(tags, ["route", "v1", "api"]);

    let res = test::get("/api").send(&app).await;
    let tags: Vec<_> = res
        .headers()
        .get_all("x-tag")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(tags, ["api"]);

    test::get("/plain")
        .send(&app)
        .await
        .assert_no_header("x-tag");
    test::get("/api/nothing")
        .send(&app)
        .await
        .assert_status(404)
        .assert_no_header("x-tag");
}
