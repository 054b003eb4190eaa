//! The showcase rows of the feature crates (json, params, cookies, content-type), over a
//! real socket.

mod common;

use common::{get, send, start};
use hyper::Method;
use serde_json::json;

const JSON: (&str, &str) = ("content-type", "application/json");
const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

#[tokio::test]
async fn get_json_says_hello_world() {
    let app = start().await;
    let res = get(&app.url("/json")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.json(), json!({"hello": "world"}));
}

#[tokio::test]
async fn put_and_post_json_echo_the_parsed_body() {
    let app = start().await;
    for method in [Method::PUT, Method::POST] {
        for content_type in ["application/json", "application/json; charset=utf-8"] {
            let res = send(
                method.clone(),
                &app.url("/json"),
                &[("content-type", content_type)],
                r#"{"a": [1, 2.5, "x", null, true], "b": {"c": {}}}"#,
            )
            .await;
            assert_eq!(res.status, 200, "{method} {content_type}");
            assert_eq!(res.header("content-type"), Some("application/json"));
            assert_eq!(
                res.json(),
                json!({"received": {"a": [1, 2.5, "x", null, true], "b": {"c": {}}}})
            );
        }
    }
    let res = send(Method::POST, &app.url("/json"), &[JSON], "42").await;
    assert_eq!(res.json(), json!({"received": 42}));
}

#[tokio::test]
async fn malformed_json_is_400_in_plain_text() {
    let app = start().await;
    for body in ["{", "{\"a\":}", "", "nope", "[1,]"] {
        let res = send(Method::POST, &app.url("/json"), &[JSON], body).await;
        assert_eq!(res.status, 400, "{body:?}");
        assert_eq!(
            res.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(res.text(), "Malformed JSON");
    }
}

#[tokio::test]
async fn another_content_type_on_json_is_415() {
    let app = start().await;
    for headers in [&[("content-type", "text/plain")][..], &[FORM], &[]] {
        let res = send(Method::PUT, &app.url("/json"), headers, r#"{"a":1}"#).await;
        assert_eq!(res.status, 415, "{headers:?}");
        assert_eq!(
            res.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
}

#[tokio::test]
async fn params_lists_query_form_and_merged_values_in_order() {
    let app = start().await;
    let res = send(
        Method::POST,
        &app.url("/params?b=2&a=1&a=&c&&d=x+y%21"),
        &[FORM],
        "a=f1&e=%C3%A9&a=f2",
    )
    .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(
        res.text(),
        concat!(
            r#"{"query_params":{"b":["2"],"a":["1",""],"c":[""],"d":["x y!"]},"#,
            r#""form_params":{"a":["f1","f2"],"e":["é"]},"#,
            r#""params":{"b":["2"],"a":["1","","f1","f2"],"c":[""],"d":["x y!"],"e":["é"]}}"#
        )
    );
}

#[tokio::test]
async fn params_without_any_is_three_empty_objects() {
    let app = start().await;
    let res = get(&app.url("/params")).await;
    assert_eq!(
        res.json(),
        json!({"query_params": {}, "form_params": {}, "params": {}})
    );
    let res = send(
        Method::POST,
        &app.url("/params?q=1"),
        &[("content-type", "text/plain")],
        "a=1",
    )
    .await;
    assert_eq!(
        res.json(),
        json!({"query_params": {"q": ["1"]}, "form_params": {}, "params": {"q": ["1"]}})
    );
}

#[tokio::test]
async fn get_cookies_returns_the_request_cookies() {
    let app = start().await;
    let res = send(
        Method::GET,
        &app.url("/cookies"),
        &[("cookie", "a=1; b=x%20y; broken; c=")],
        "",
    )
    .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.json(), json!({"a": "1", "b": "x y", "c": ""}));
    assert_eq!(get(&app.url("/cookies")).await.json(), json!({}));
}

#[tokio::test]
async fn post_cookies_sets_and_deletes_exactly_the_data_model_cookies() {
    let app = start().await;
    let body = json!({
        "first": {"value": 3.4, "expires": 1545335438.5059335, "path": "/some/path",
                  "domain": "example.test", "max-age": 3600, "secure": true,
                  "httponly": true, "samesite": "Lax"},
        "second": {"value": "value-asdf", "expires": "Thu, 20 Dec 2018 19:50:38 GMT"},
        "minimal": {"value": 0},
        "to-delete": null
    });
    let res = send(
        Method::POST,
        &app.url("/cookies"),
        &[JSON],
        body.to_string(),
    )
    .await;
    assert_eq!(res.status, 204);
    assert!(res.body.is_empty());
    let mut set: Vec<&str> = res
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    set.sort_unstable();
    assert_eq!(set.len(), 4, "{set:?}");
    assert_eq!(
        set[0],
        "first=3.4; HttpOnly; SameSite=Lax; Secure; Path=/some/path; Domain=example.test; Max-Age=3600; Expires=Thu, 20 Dec 2018 19:50:38 GMT"
    );
    assert_eq!(set[1], "minimal=0");
    assert_eq!(
        set[2],
        "second=value-asdf; Expires=Thu, 20 Dec 2018 19:50:38 GMT"
    );
    assert!(
        set[3].starts_with("to-delete=; Max-Age=0; Expires="),
        "{}",
        set[3]
    );
}

#[tokio::test]
async fn post_cookies_refuses_bodies_outside_the_data_model_with_400() {
    let app = start().await;
    for body in [
        "not json",
        "[1]",
        r#"{"a": 5}"#,
        r#"{"a": {"path": "/"}}"#,
        r#"{"a": {"value": [1]}}"#,
        r#"{"a": {"value": "x", "samesite": "sometimes"}}"#,
        r#"{"a": {"value": "x", "expires": "bad; Domain=evil"}}"#,
        r#"{"a": {"value": "x", "expires": 1e30}}"#,
        r#"{"a": {"value": "x", "secure": "yes"}}"#,
    ] {
        let res = send(Method::POST, &app.url("/cookies"), &[JSON], body).await;
        assert_eq!(res.status, 400, "{body}");
        assert_eq!(
            res.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        assert!(res.headers.get("set-cookie").is_none());
    }
}

#[tokio::test]
async fn cookies_set_by_post_come_back_on_get() {
    let app = start().await;
    let res = send(
        Method::POST,
        &app.url("/cookies"),
        &[JSON],
        json!({"k": {"value": "v a;l"}}).to_string(),
    )
    .await;
    let set_cookie = res.header("set-cookie").unwrap().to_owned();
    let pair = set_cookie.split(';').next().unwrap();
    let res = send(Method::GET, &app.url("/cookies"), &[("cookie", pair)], "").await;
    assert_eq!(res.json(), json!({"k": "v a;l"}));
}

#[tokio::test]
async fn every_answer_leaves_with_exactly_one_content_type() {
    let app = start().await;
    for path in [
        "/",
        "/json",
        "/params",
        "/cookies",
        "/nope",
        "/stream",
        "/files/a.png",
    ] {
        let res = get(&app.url(path)).await;
        assert_eq!(
            res.headers.get_all("content-type").iter().count(),
            1,
            "{path}"
        );
    }
}
