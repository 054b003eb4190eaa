//! Query strings and form bodies through the middleware, lenient and strict.

use shallot_core::{chain_middleware, test, ChainHandler, Request};
use shallot_params::{wrap_params, ParamsExt, ParamsMiddleware};

fn app(options: ParamsMiddleware) -> ChainHandler {
    chain_middleware((test::lint(), options)).apply(|req: Request| async move {
        serde_json::json!({
            "query_params": req.query_params(),
            "form_params": req.form_params(),
            "params": req.params(),
        })
        .to_string()
    })
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn query_and_form_merge_with_query_values_first() {
    test::post("/?a=1&b=x+y&a=3", "a=2&c=&d")
        .header("content-type", FORM)
        .send(&app(wrap_params()))
        .await
        .assert_status(200)
        .assert_body(concat!(
            r#"{"form_params":{"a":["2"],"c":[""],"d":[""]},"#,
            r#""params":{"a":["1","3","2"],"b":["x y"],"c":[""],"d":[""]},"#,
            r#""query_params":{"a":["1","3"],"b":["x y"]}}"#
        ));
}

#[tokio::test]
async fn a_form_content_type_with_parameters_and_any_case_is_a_form() {
    let res = test::post("/", "k=v")
        .header(
            "Content-Type",
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
        )
        .send(&app(wrap_params()))
        .await;
    res.assert_body_contains(r#""form_params":{"k":["v"]}"#);
}

#[tokio::test]
async fn a_body_of_another_type_is_not_a_form() {
    for content_type in [
        "text/plain",
        "application/json",
        "multipart/form-data; boundary=x",
    ] {
        test::post("/?q=1", "k=v")
            .header("content-type", content_type)
            .send(&app(wrap_params()))
            .await
            .assert_body_contains(r#""form_params":{}"#)
            .assert_body_contains(r#""params":{"q":["1"]}"#);
    }
}

#[tokio::test]
async fn no_query_and_no_form_give_empty_maps() {
    test::get("/")
        .send(&app(wrap_params()))
        .await
        .assert_body(r#"{"form_params":{},"params":{},"query_params":{}}"#);
    test::get("/?")
        .send(&app(wrap_params()))
        .await
        .assert_body(r#"{"form_params":{},"params":{},"query_params":{}}"#);
}

#[tokio::test]
async fn lenient_decoding_keeps_bad_escapes_and_replaces_invalid_utf8() {
    test::get("/?a=%zz&b=%FF&c=100%")
        .send(&app(wrap_params()))
        .await
        .assert_status(200)
        .assert_body_contains(r#""query_params":{"a":["%zz"],"b":["�"],"c":["100%"]}"#);
}

#[tokio::test]
async fn strict_decoding_answers_400_to_malformed_input() {
    let strict = app(wrap_params().with_strict(true));
    test::get("/?a=%zz")
        .send(&strict)
        .await
        .assert_status(400)
        .assert_header("content-type", "text/plain; charset=utf-8")
        .assert_body("Bad Request: malformed query string");
    test::post("/", "a=%FF")
        .header("content-type", FORM)
        .send(&strict)
        .await
        .assert_status(400)
        .assert_body("Bad Request: malformed form body");
    test::get("/?a=%C3%A9")
        .send(&strict)
        .await
        .assert_status(200);
}

#[tokio::test]
async fn blank_values_can_be_dropped() {
    test::get("/?a=&b&c=1")
        .send(&app(wrap_params().with_keep_blank(false)))
        .await
        .assert_body_contains(r#""query_params":{"c":["1"]}"#);
}

#[tokio::test]
async fn without_the_middleware_every_map_is_empty() {
    let app = |req: Request| async move { req.params().len().to_string() };
    test::get("/?a=1").send(&app).await.assert_body("0");
}

#[tokio::test]
async fn parsing_happens_once_and_later_calls_see_the_same_map() {
    // The query is parsed on first use and kept: a later change to the target is not parsed
    // again, so every reader of one request sees the same values.
    let app = chain_middleware((wrap_params(),)).apply(|mut req: Request| async move {
        let first = req.query_params().get("a").map(str::to_owned);
        *req.uri_mut() = "/?a=2&b=3".parse().unwrap();
        let again = req.query_params().get("a").map(str::to_owned);
        format!("{first:?} {again:?} {:?}", req.params().get("b"))
    });
    test::get("/?a=1")
        .send(&app)
        .await
        .assert_body(r#"Some("1") Some("1") None"#);
}
