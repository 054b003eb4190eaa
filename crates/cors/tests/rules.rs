//! The CORS rules of the showcase contract, in-process through the test client with `lint`.

use std::time::Duration;

use shallot_core::http::StatusCode;
use shallot_core::{chain_middleware, status, test, ChainHandler, Request, Response};
use shallot_cors::{wrap_cors, CorsError, CorsMiddleware};

const ALLOWED: &str = "https://app.example";

fn showcase_policy() -> Result<CorsMiddleware, CorsError> {
    Ok(wrap_cors()
        .with_origins([ALLOWED, "http://localhost:3000"])?
        .with_credentials(true)?
        .with_methods(["GET", "POST", "PUT", "DELETE"])?
        .with_headers(["content-type", "authorization", "x-requested-with"])?
        .with_exposed_headers(["x-request-id"])?
        .with_max_age(Duration::from_secs(600)))
}

/// A handler that says it ran, with its own `Vary`, and a 404 for `/missing`.
async fn handler(req: Request) -> Response {
    let mut res = if req.uri().path() == "/missing" {
        status(StatusCode::NOT_FOUND)
    } else {
        shallot_core::text(format!("handled {}", req.method()))
    };
    res.headers_mut().insert(
        "vary",
        shallot_core::http::HeaderValue::from_static("Accept-Encoding"),
    );
    res
}

fn app() -> ChainHandler {
    chain_middleware((
        test::lint(),
        showcase_policy().expect("the showcase policy is valid"),
    ))
    .apply(handler)
}

fn access_control_headers(res: &test::TestResponse) -> Vec<String> {
    res.headers()
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .map(|name| name.as_str().to_owned())
        .collect()
}

#[tokio::test]
async fn a_request_without_origin_gets_no_access_control_header() {
    let res = test::get("/").send(&app()).await;
    res.assert_status(200).assert_body("handled GET");
    assert!(access_control_headers(&res).is_empty());
}

#[tokio::test]
async fn an_allowed_origin_is_echoed_whatever_the_status_and_vary_is_appended() {
    for path in ["/", "/missing"] {
        let res = test::get(path).header("origin", ALLOWED).send(&app()).await;
        res.assert_header("access-control-allow-origin", ALLOWED)
            .assert_header("access-control-allow-credentials", "true")
            .assert_header("access-control-expose-headers", "x-request-id")
            .assert_header("vary", "Accept-Encoding, Origin");
    }
}

#[tokio::test]
async fn other_origins_are_answered_without_access_control_headers() {
    for origin in [
        "null",
        "https://app.example.evil",
        "http://app.example",
        "https://app.example:8443",
        "https://APP.example",
        "https://app.example/",
    ] {
        let res = test::post("/", "x")
            .header("origin", origin)
            .send(&app())
            .await;
        res.assert_status(200).assert_body("handled POST");
        assert!(access_control_headers(&res).is_empty(), "{origin}");
        res.assert_header("vary", "Accept-Encoding, Origin");
    }
}

fn preflight(origin: &str, method: &str) -> test::TestRequest {
    test::options("/any/path/at/all")
        .header("origin", origin)
        .header("access-control-request-method", method)
}

#[tokio::test]
async fn an_allowed_preflight_is_answered_before_the_handler() {
    let res = preflight(ALLOWED, "PUT")
        .header(
            "access-control-request-headers",
            "Content-Type, X-Requested-With",
        )
        .send(&app())
        .await;
    res.assert_status(204)
        .assert_body("")
        .assert_header("access-control-allow-origin", ALLOWED)
        .assert_header("access-control-allow-credentials", "true")
        .assert_header("access-control-allow-methods", "GET, POST, PUT, DELETE")
        .assert_header(
            "access-control-allow-headers",
            "content-type, authorization, x-requested-with",
        )
        .assert_header("access-control-max-age", "600")
        .assert_header(
            "vary",
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        );
}

#[tokio::test]
async fn a_refused_preflight_is_403_without_access_control_headers() {
    let refusals = [
        preflight("https://app.example.evil", "GET"),
        preflight(ALLOWED, "PATCH"),
        preflight(ALLOWED, "get"),
        preflight(ALLOWED, "GET").header("access-control-request-headers", "x-secret"),
        preflight(ALLOWED, "GET")
            .header("access-control-request-headers", "content-type, x-secret"),
    ];
    for req in refusals {
        let res = req.send(&app()).await;
        res.assert_status(403).assert_body("Forbidden");
        assert!(access_control_headers(&res).is_empty());
        res.assert_header(
            "vary",
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        );
    }
}

#[tokio::test]
async fn options_without_a_request_method_is_not_a_preflight() {
    test::options("/")
        .header("origin", ALLOWED)
        .send(&app())
        .await
        .assert_status(200)
        .assert_body("handled OPTIONS")
        .assert_header("access-control-allow-origin", ALLOWED);
}

#[test]
fn impossible_policies_are_refused_when_built() {
    assert_eq!(
        wrap_cors()
            .with_any_origin()
            .unwrap()
            .with_credentials(true)
            .unwrap_err(),
        CorsError::CredentialedWildcard
    );
    assert_eq!(
        wrap_cors()
            .with_credentials(true)
            .unwrap()
            .with_any_origin()
            .unwrap_err(),
        CorsError::CredentialedWildcard
    );
    assert!(matches!(
        wrap_cors().with_origins(["https://app.example/"]),
        Err(CorsError::InvalidOrigin(_))
    ));
    assert!(matches!(
        wrap_cors().with_methods(["GET POST"]),
        Err(CorsError::InvalidMethod(_))
    ));
    assert!(matches!(
        wrap_cors().with_headers(["content type"]),
        Err(CorsError::InvalidHeader(_))
    ));
}

#[tokio::test]
async fn any_origin_without_credentials_answers_a_star() {
    let cors = wrap_cors()
        .with_any_origin()
        .unwrap()
        .with_any_header()
        .with_any_method();
    let app = chain_middleware((test::lint(), cors)).apply(handler);
    test::get("/")
        .header("origin", "https://anyone.example")
        .send(&app)
        .await
        .assert_header("access-control-allow-origin", "*")
        .assert_no_header("access-control-allow-credentials");
    preflight("https://anyone.example", "PATCH")
        .header("access-control-request-headers", "x-custom")
        .send(&app)
        .await
        .assert_status(204)
        .assert_header("access-control-allow-methods", "PATCH")
        .assert_header("access-control-allow-headers", "x-custom");
}

#[tokio::test]
async fn a_predicate_decides_and_the_origin_is_echoed() {
    let cors = wrap_cors()
        .with_origin_predicate(|origin| origin.as_bytes().starts_with(b"http://localhost:"));
    let app = chain_middleware((test::lint(), cors)).apply(handler);
    test::get("/")
        .header("origin", "http://localhost:5173")
        .send(&app)
        .await
        .assert_header("access-control-allow-origin", "http://localhost:5173");
    let res = test::get("/")
        .header("origin", "http://localhost.evil:5173")
        .send(&app)
        .await;
    assert!(access_control_headers(&res).is_empty());
}
