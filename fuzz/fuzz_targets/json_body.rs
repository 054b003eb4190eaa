//! JSON bodies: a value or `400 Malformed JSON`, never a panic or a stack overflow; a parsed
//! body re-serializes to JSON that parses back to the same value, and a refused body is one
//! serde_json itself refuses.
#![no_main]

mod common;

use common::poll_once;
use libfuzzer_sys::fuzz_target;
use shallot_core::test;
use shallot_json::{json_request, JsonExt, JsonMiddleware};

fuzz_target!(|data: &[u8]| {
    let req = test::post("/", data.to_vec())
        .header("content-type", "application/json")
        .into_request();
    match poll_once(json_request(req, &JsonMiddleware::new())) {
        Ok(req) => match req.json_value() {
            Some(value) => {
                let text = serde_json::to_vec(value).expect("a parsed value serializes");
                let again: serde_json::Value =
                    serde_json::from_slice(&text).expect("its serialization parses");
                assert_eq!(&again, value);
            }
            None => assert!(data.is_empty(), "a non-empty JSON body is parsed or refused"),
        },
        Err(error) => {
            assert_eq!((error.status().as_u16(), error.message()), (400, "Malformed JSON"));
            assert!(serde_json::from_slice::<serde_json::Value>(data).is_err());
        }
    }
});
