//! Query strings and form bodies: lenient parsing never panics and keeps values in order;
//! strict parsing answers 400 or passes, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shallot_core::{http::Uri, test};
use shallot_params::{params_request, wrap_parameters, ParamMap, ParamsExt};

fuzz_target!(|data: &[u8]| {
    let map = ParamMap::parse(data, true);
    let total: usize = map.iter().map(|(_, values)| values.len()).sum();
    assert!(total <= data.len() + 1);
    let merged = map.merged_with(&ParamMap::parse(data, false));
    assert!(merged.len() >= map.len());

    let mut req = test::post("/", data.to_vec())
        .header("content-type", "application/x-www-form-urlencoded")
        .into_request();
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(uri) = format!("/?{text}").parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    if let Ok(req) = params_request(req, wrap_parameters().with_strict(true)) {
        let _ = req.params().len();
    }
});
