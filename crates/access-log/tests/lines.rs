//! One line per answered request, with the real byte count, written when the body is done.

use std::time::Duration;

use serde_json::Value;
use shallot_access_log::{wrap_access_log, LogWriter, MemoryLines};
use shallot_core::{chain_middleware, test, Body, ChainHandler, HttpError, Request, Response};

async fn handler(req: Request) -> Result<Response, HttpError> {
    match req.uri().path() {
        "/missing" => Err(HttpError::not_found()),
        "/stream" => Ok(shallot_core::stream(
            shallot_core::TEXT_PLAIN_UTF_8,
            Body::from_iter(["chunk 0\n", "chunk 1\n", "chunk 2\n"]),
        )),
        _ => Ok(shallot_core::text("hi user!")),
    }
}

fn app() -> (ChainHandler, LogWriter, MemoryLines) {
    let (writer, lines) = LogWriter::in_memory();
    let app = chain_middleware((test::lint(), wrap_access_log().with_writer(writer.clone())))
        .apply(handler);
    (app, writer, lines)
}

fn logged(writer: &LogWriter, lines: &MemoryLines) -> Vec<Value> {
    assert!(writer.flush(Duration::from_secs(5)));
    lines
        .lines()
        .iter()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

#[tokio::test]
async fn one_line_per_request_with_status_and_bytes() {
    let (app, writer, lines) = app();
    test::get("/").send(&app).await;
    test::get("/missing?x=1").send(&app).await;
    test::get("/stream").send(&app).await;
    let logged = logged(&writer, &lines);
    assert_eq!(logged.len(), 3);
    assert_eq!(
        (logged[0]["status"].as_u64(), logged[0]["bytes"].as_u64()),
        (Some(200), Some(8))
    );
    assert_eq!(logged[1]["path"], "/missing?x=1");
    assert_eq!(
        (logged[1]["status"].as_u64(), logged[1]["bytes"].as_u64()),
        (Some(404), Some(9))
    );
    assert_eq!(logged[2]["bytes"], 24);
    for line in &logged {
        for key in [
            "ts",
            "ip",
            "method",
            "path",
            "status",
            "bytes",
            "duration_ms",
            "request_id",
        ] {
            assert!(line.get(key).is_some(), "{key} in {line}");
        }
        assert_eq!(line["ip"], "127.0.0.1");
    }
}

#[tokio::test]
async fn a_head_answer_sends_no_bytes() {
    let (app, writer, lines) = app();
    test::head("/")
        .send(&app)
        .await
        .assert_header("content-length", "8");
    let logged = logged(&writer, &lines);
    assert_eq!(logged[0]["method"], "HEAD");
    assert_eq!(logged[0]["bytes"], 0);
}

#[tokio::test]
async fn nothing_is_written_before_the_body_is_done() {
    let (app, writer, lines) = app();
    let res = shallot_core::Handler::call(&app, test::get("/stream").into_request()).await;
    assert!(writer.flush(Duration::from_secs(5)));
    assert!(lines.lines().is_empty(), "written before the body was sent");
    drop(res); // the client left before reading
    let logged = logged(&writer, &lines);
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0]["bytes"], 0);
}

#[tokio::test]
async fn paths_are_escaped_as_json() {
    let (app, writer, lines) = app();
    test::get("/a%22b?q=%5C").send(&app).await;
    let logged = logged(&writer, &lines);
    assert_eq!(logged[0]["path"], "/a%22b?q=%5C");
}

#[tokio::test]
async fn the_line_names_the_id_where_the_request_id_middleware_put_it() {
    use shallot_core::http::HeaderName;
    use shallot_request_id::wrap_request_id;

    let (writer, lines) = LogWriter::in_memory();
    let app = chain_middleware((
        test::lint(),
        wrap_request_id().with_header(HeaderName::from_static("x-correlation-id")),
        wrap_access_log().with_writer(writer.clone()),
    ))
    .apply(handler);
    let res = test::get("/")
        .header("x-request-id", "not-the-id")
        .send(&app)
        .await;
    let id = res.header("x-correlation-id").expect("an id").to_owned();
    let logged = logged(&writer, &lines);
    assert_eq!(logged[0]["request_id"], id);
}
