//! JSON answers, serialization failures, and the 415 guard.

use std::collections::HashMap;

use shallot_core::{chain_middleware, test, Request};
use shallot_json::{json, require_json, wrap_json, Json};

#[tokio::test]
async fn json_answers_have_the_json_content_type() {
    let app = |_req: Request| async { json(&serde_json::json!({"hello": "world"})) };
    test::get("/")
        .send(&app)
        .await
        .assert_status(200)
        .assert_header("content-type", "application/json")
        .assert_body(r#"{"hello":"world"}"#);
}

#[tokio::test]
async fn a_value_that_cannot_be_serialized_is_a_500_not_a_panic() {
    // JSON object keys must be strings; a map keyed by tuples cannot be serialized.
    let app = |_req: Request| async {
        let mut map = HashMap::new();
        map.insert((1, 2), "x");
        Json(map)
    };
    test::get("/")
        .send(&app)
        .await
        .assert_status(500)
        .assert_header("content-type", "text/plain; charset=utf-8")
        .assert_body("Internal Server Error");
}

#[tokio::test]
async fn require_json_answers_415_to_other_content_types() {
    let app = chain_middleware((test::lint(), wrap_json(), require_json()))
        .apply(|_req: Request| async { "took it" });
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = test::post("/", "hello");
        if let Some(content_type) = content_type {
            req = req.header("content-type", content_type);
        }
        req.send(&app)
            .await
            .assert_status(415)
            .assert_header("accept", "application/json")
            .assert_body("Unsupported Media Type");
    }
    test::post("/", "[]")
        .header("content-type", "application/json; charset=UTF-8")
        .send(&app)
        .await
        .assert_status(200)
        .assert_body("took it");
}

#[tokio::test]
async fn head_answers_of_json_keep_type_and_length_without_a_body() {
    let app = chain_middleware((test::lint(),))
        .apply(|_req: Request| async { json(&serde_json::json!([1])) });
    test::head("/")
        .send(&app)
        .await
        .assert_header("content-type", "application/json")
        .assert_header("content-length", "3")
        .assert_body("");
}
