//! The request-id rules of the showcase contract, in-process with `lint`.

use shallot_core::http::HeaderName;
use shallot_core::{chain_middleware, test, HttpError, Next, Request, Response};
use shallot_request_id::{wrap_request_id, RequestIdExt};

async fn echo_id(req: Request) -> Result<String, HttpError> {
    if req.uri().path() == "/error" {
        return Err(HttpError::not_found());
    }
    Ok(req.request_id().unwrap_or("none").to_owned())
}

/// A later middleware that reads the id before the handler, as the access log does.
async fn later(req: Request, next: Next) -> Response {
    let seen = req.request_id().map(str::to_owned);
    let mut res = next.run(req).await;
    res.headers_mut().insert(
        "x-seen-by-later",
        seen.unwrap_or_default()
            .parse()
            .expect("an id is header text"),
    );
    res
}

fn app() -> shallot_core::ChainHandler {
    chain_middleware((test::lint(), wrap_request_id(), later)).apply(echo_id)
}

#[tokio::test]
async fn a_valid_incoming_id_is_kept_everywhere() {
    for id in ["a", "A-Z.a_z-0.9", &"x".repeat(64)] {
        test::get("/")
            .header("x-request-id", id)
            .send(&app())
            .await
            .assert_header("x-request-id", id)
            .assert_header("x-seen-by-later", id)
            .assert_body(id);
    }
}

#[tokio::test]
async fn invalid_ids_are_replaced_by_new_distinct_ones() {
    let long = "x".repeat(65);
    let invalid = ["", "with space", "semi;colon", "tab\there", &long, "slash/"];
    let mut seen = std::collections::HashSet::new();
    for id in invalid {
        let res = test::get("/").header("x-request-id", id).send(&app()).await;
        let new = res.header("x-request-id").expect("an id").to_owned();
        assert_ne!(new, id);
        assert!(new.len() >= 16, "{new}");
        assert!(new
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)));
        res.assert_header("x-seen-by-later", &new).assert_body(&new);
        assert!(seen.insert(new), "ids repeat");
    }
}

#[tokio::test]
async fn a_request_without_id_and_error_answers_get_one() {
    let a = test::get("/error").send(&app()).await;
    a.assert_status(404);
    let b = test::get("/error").send(&app()).await;
    assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
    assert!(a.header("x-request-id").is_some_and(|id| id.len() == 24));
}

/// A request with `extra` other fields besides its ids: small heads are scanned, large ones
/// looked up by hash, and both must follow the same rules.
fn with_fields(extra: usize) -> test::TestRequest {
    (0..extra).fold(test::get("/"), |req, at| {
        req.header(format!("x-field-{at}").as_str(), "v")
    })
}

#[tokio::test]
async fn two_ids_in_one_request_are_replaced() {
    for extra in [0, 5, 11, 12, 30] {
        let res = with_fields(extra)
            .header("x-request-id", "first")
            .header("x-request-id", "second")
            .send(&app())
            .await;
        let id = res.header("x-request-id").expect("an id");
        assert!(id != "first" && id != "second", "{extra} fields: {id}");
    }
}

#[tokio::test]
async fn one_valid_id_is_kept_in_small_and_large_heads() {
    for extra in [0, 5, 11, 12, 30] {
        with_fields(extra)
            .header("x-request-id", "kept-7")
            .send(&app())
            .await
            .assert_header("x-request-id", "kept-7")
            .assert_body("kept-7");
    }
}

#[tokio::test]
async fn with_another_header_readers_find_the_id_there_and_not_the_clients_x_request_id() {
    let app = chain_middleware((
        test::lint(),
        wrap_request_id().with_header(HeaderName::from_static("x-correlation-id")),
        later,
    ))
    .apply(echo_id);
    let res = test::get("/")
        .header("x-request-id", "spoofed")
        .send(&app)
        .await;
    let id = res.header("x-correlation-id").expect("an id").to_owned();
    assert_ne!(id, "spoofed");
    assert_eq!(
        res.header("x-request-id"),
        None,
        "the answer's id is in the chosen header only"
    );
    res.assert_header("x-seen-by-later", &id).assert_body(&id);

    test::get("/")
        .header("x-correlation-id", "kept-1")
        .send(&app)
        .await
        .assert_header("x-correlation-id", "kept-1")
        .assert_header("x-seen-by-later", "kept-1")
        .assert_body("kept-1");
}
