//! JSON bodies: a value or `400 Malformed JSON`, never a panic or a stack overflow, and a
//! parsed body re-serializes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shallot_core::test;
use shallot_json::{json_request, JsonExt};

fuzz_target!(|data: &[u8]| {
    let req = test::post("/", data.to_vec())
        .header("content-type", "application/json")
        .into_request();
    match json_request(req) {
        Ok(req) => {
            if let Some(value) = req.json_value() {
                let _ = shallot_json::json(value);
            }
        }
        Err(error) => assert_eq!(error.status(), 400),
    }
});
