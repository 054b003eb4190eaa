//! Response helpers, streamed bodies and error rendering, through the test client.

use shallot_core::http::{header::HeaderValue, StatusCode};
use shallot_core::{
    chain_middleware, html, test, wrap_error_renderer, Body, HttpError, JsonErrors, Request,
};

#[tokio::test]
async fn a_streamed_body_arrives_in_its_chunks_without_a_length() {
    let app = |_req: Request| async {
        shallot_core::stream(
            HeaderValue::from_static("text/plain; charset=utf-8"),
            Body::from_iter((0..3).map(|i| format!("chunk {i}\n"))),
        )
    };
    let res = test::get("/stream").send(&app).await;
    res.assert_status(200)
        .assert_no_header("content-length")
        .assert_body("chunk 0\nchunk 1\nchunk 2\n");
    assert_eq!(res.chunks(), 3);
    assert!(res.was_streamed());
}

#[tokio::test]
async fn html_has_its_content_type() {
    let app = |_req: Request| async { html("<p>hi</p>") };
    test::get("/")
        .send(&app)
        .await
        .assert_header("content-type", "text/html; charset=utf-8");
}

#[tokio::test]
async fn the_json_renderer_rewrites_every_error_answer_and_keeps_its_headers() {
    let app = chain_middleware((wrap_error_renderer(JsonErrors), test::lint())).apply(
        |_req: Request| async {
            HttpError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed").with_header(
                shallot_core::http::header::ALLOW,
                HeaderValue::from_static("GET"),
            )
        },
    );
    test::get("/")
        .send(&app)
        .await
        .assert_status(405)
        .assert_header("allow", "GET")
        .assert_header("content-type", "application/json")
        .assert_body(r#"{"status":405,"error":"Method Not Allowed"}"#);

    test::head("/")
        .send(&app)
        .await
        .assert_status(405)
        .assert_header("content-type", "application/json")
        .assert_body("");
}

#[tokio::test]
async fn the_renderer_leaves_ordinary_answers_alone() {
    let app = chain_middleware((wrap_error_renderer(JsonErrors),))
        .apply(|_req: Request| async { (StatusCode::NOT_FOUND, "custom page") });
    test::get("/")
        .send(&app)
        .await
        .assert_status(404)
        .assert_header("content-type", "text/plain; charset=utf-8")
        .assert_body("custom page");
}
