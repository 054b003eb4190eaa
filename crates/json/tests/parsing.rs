//! When bodies are parsed, and the exact answers to bad ones.

use serde::Deserialize;
use shallot_core::{chain_middleware, test, ChainHandler, HttpError, Request};
use shallot_json::{wrap_json, Json, JsonExt};

fn app() -> ChainHandler {
    chain_middleware((test::lint(), wrap_json())).apply(|req: Request| async move {
        match req.json_value() {
            Some(value) => format!("json: {value}"),
            None => "no json".to_owned(),
        }
    })
}

#[tokio::test]
async fn json_content_types_are_parsed_with_any_parameters_and_case() {
    let app = app();
    for content_type in [
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/merge-patch+json",
    ] {
        test::post("/", r#"{"a":1}"#)
            .header("Content-Type", content_type)
            .send(&app)
            .await
            .assert_status(200)
            .assert_body(r#"json: {"a":1}"#);
    }
}

#[tokio::test]
async fn other_content_types_pass_through_untouched() {
    let app = app();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "text/json",
    ] {
        test::post("/", "{not json at all")
            .header("content-type", content_type)
            .send(&app)
            .await
            .assert_status(200)
            .assert_body("no json");
    }
    test::post("/", "{x")
        .send(&app)
        .await
        .assert_body("no json");
}

#[tokio::test]
async fn malformed_json_is_400_with_plain_text_body_and_the_handler_does_not_run() {
    let app = chain_middleware((test::lint(), wrap_json()))
        .apply(|_req: Request| async { panic!("the handler must not run") as &str });
    for body in [
        "{",
        "{\"a\":}",
        "[1,2",
        "nul",
        "{\"a\":1} trailing",
        "\u{FEFF}{}",
        "'single'",
    ] {
        test::post("/", body.to_owned())
            .header("content-type", "application/json")
            .send(&app)
            .await
            .assert_status(400)
            .assert_header("content-type", "text/plain; charset=utf-8")
            .assert_body("Malformed JSON");
    }
}

#[tokio::test]
async fn invalid_utf8_is_malformed() {
    test::post("/", vec![b'"', 0xff, b'"'])
        .header("content-type", "application/json")
        .send(&app())
        .await
        .assert_status(400)
        .assert_body("Malformed JSON");
}

#[tokio::test]
async fn deep_nesting_is_a_400_not_a_stack_overflow() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    test::post("/", deep)
        .header("content-type", "application/json")
        .send(&app())
        .await
        .assert_status(400)
        .assert_body("Malformed JSON");
}

#[tokio::test]
async fn at_most_127_levels_of_nesting_are_accepted() {
    let nested = |levels: usize| "[".repeat(levels) + &"]".repeat(levels);
    for (levels, status) in [(100, 200), (127, 200), (128, 400), (129, 400)] {
        test::post("/", nested(levels))
            .header("content-type", "application/json")
            .send(&app())
            .await
            .assert_status(status);
    }
}

#[tokio::test]
async fn an_empty_json_body_carries_no_json() {
    let app = app();
    test::post("/", "")
        .header("content-type", "application/json")
        .send(&app)
        .await
        .assert_status(200)
        .assert_body("no json");
    test::get("/")
        .header("content-type", "application/json")
        .send(&app)
        .await
        .assert_body("no json");
}

#[derive(Debug, Deserialize, serde::Serialize)]
struct Point {
    x: i32,
    y: i32,
}

#[tokio::test]
async fn typed_access_deserializes_and_reports_a_mismatch_as_400() {
    let app = chain_middleware((wrap_json(),)).apply(|req: Request| async move {
        let point: Point = req.json()?;
        Ok::<_, HttpError>(Json(Point {
            x: point.y,
            y: point.x,
        }))
    });
    test::post("/", r#"{"x":1,"y":2}"#)
        .header("content-type", "application/json")
        .send(&app)
        .await
        .assert_header("content-type", "application/json")
        .assert_body(r#"{"x":2,"y":1}"#);
    let res = test::post("/", r#"{"x":1}"#)
        .header("content-type", "application/json")
        .send(&app)
        .await;
    res.assert_status(400)
        .assert_body("Bad Request: missing field `y`");
    test::post("/", "")
        .send(&app)
        .await
        .assert_status(400)
        .assert_body("Malformed JSON");
}

#[tokio::test]
async fn a_malformed_body_is_400_even_where_the_default_handler_would_answer_404() {
    // The documented ordering: the middleware runs before the chain's handler is called, so
    // it answers for unknown paths too.
    let app = chain_middleware((test::lint(), wrap_json()))
        .apply(|_req: Request| async { HttpError::not_found() });
    test::post("/nowhere", "{not json")
        .header("content-type", "application/json")
        .send(&app)
        .await
        .assert_status(400)
        .assert_body("Malformed JSON");
    test::post("/nowhere", "[1]")
        .header("content-type", "application/json")
        .send(&app)
        .await
        .assert_status(404);
}
