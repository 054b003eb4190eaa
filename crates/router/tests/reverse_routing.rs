//! `url_for`: paths built from route names, each value percent-encoded.

use shallot_core::{chain_middleware, test, Request};
use shallot_router::{get, group, wrap_routes, RouterExt, UrlError};

async fn link(req: Request) -> String {
    let index = req.param("index").unwrap_or_default().to_owned();
    match req.url_for("hello-index", &[("index", &index)]) {
        Ok(url) => url,
        Err(error) => error.to_string(),
    }
}

#[tokio::test]
async fn a_handler_builds_the_url_of_a_named_route() {
    let routes = wrap_routes([
        get("/hello/{index}", |_req: Request| async { "" }).named("hello-index"),
        get("/url/{index}", link),
    ])
    .unwrap();
    let app = chain_middleware((routes,)).apply(|_req: Request| async { "" });
    for (path, url) in [
        ("/url/3", "/hello/3"),
        ("/url/a%20b", "/hello/a%20b"),
        ("/url/a%2Fb", "/hello/a%2Fb"),
        ("/url/%C3%A9", "/hello/%C3%A9"),
        ("/url/50%25", "/hello/50%25"),
    ] {
        test::get(path).send(&app).await.assert_body(url);
    }
}

#[test]
fn unknown_names_and_missing_params_are_errors_not_panics() {
    let router = wrap_routes([
        get("/hello/{index}", |_req: Request| async { "" }).named("hello-index"),
        group(
            "/api/v1",
            [get("/students/{id}/{session?}", |_req: Request| async { "" }).named("student")],
        ),
    ])
    .unwrap();
    assert_eq!(
        router.url_for("nope", &[]),
        Err(UrlError::UnknownRoute("nope".into()))
    );
    assert_eq!(
        router.url_for("hello-index", &[]),
        Err(UrlError::MissingParam {
            route: "hello-index".into(),
            param: "index".into()
        })
    );
    assert_eq!(
        router.url_for("student", &[("id", "4")]).unwrap(),
        "/api/v1/students/4"
    );
    assert_eq!(
        router
            .url_for("student", &[("id", "4"), ("session", "s 1")])
            .unwrap(),
        "/api/v1/students/4/s%201"
    );
}

#[test]
fn a_request_that_was_not_routed_has_no_table() {
    let req = test::get("/").into_request();
    assert_eq!(req.url_for("x", &[]), Err(UrlError::NoRouter));
}
