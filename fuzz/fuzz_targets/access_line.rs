//! The access log's JSON line: whatever target and `x-request-id` a client sends, the line is
//! valid JSON and gives back the target as sent and the id as `RequestIdExt` reads it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shallot_access_log::AccessRecord;
use shallot_core::http::{HeaderValue, Request, Uri};
use shallot_core::RequestBody;

fuzz_target!(|data: &[u8]| {
    // The first line is the target, the rest the id's raw bytes.
    let (target, id) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(uri) = Uri::try_from(target) else { return };
    let mut req = Request::new(RequestBody::empty());
    *req.uri_mut() = uri;
    let id = HeaderValue::from_bytes(id).ok();
    if let Some(id) = &id {
        req.headers_mut().insert("x-request-id", id.clone());
    }
    let line = AccessRecord::of(&req).line(200, 7);
    let value: serde_json::Value = serde_json::from_str(&line).expect("the line is JSON");
    let expected_path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    assert_eq!(value["path"], expected_path, "{line}");
    match id.as_ref().and_then(|id| id.to_str().ok()) {
        Some(text) => assert_eq!(value["request_id"], text, "{line}"),
        None => assert!(value["request_id"].is_null(), "{line}"),
    }
    assert_eq!(value["status"], 200);
    assert_eq!(value["bytes"], 7);
});
