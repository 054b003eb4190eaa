//! Query strings and form bodies: lenient parsing never panics, keeps one value per
//! non-empty `&`-separated pair in order, and merging keeps both sides; strict parsing
//! answers 400 or passes, never panics.
#![no_main]

mod common;

use common::poll_once;
use libfuzzer_sys::fuzz_target;
use shallot_core::{http::Uri, test};
use shallot_params::{params_request, ParamMap, ParamsExt, ParamsMiddleware};

fuzz_target!(|data: &[u8]| {
    let map = ParamMap::parse(data, true);
    let pairs = data.split(|b| *b == b'&').filter(|pair| !pair.is_empty()).count();
    let total: usize = map.iter().map(|(_, values)| values.len()).sum();
    assert_eq!(total, pairs, "blank values kept: one value per non-empty pair");
    let without_blank = ParamMap::parse(data, false);
    let merged = map.merged_with(&without_blank);
    for (name, values) in merged.iter() {
        let expected: Vec<&str> = map
            .get_all(name)
            .iter()
            .chain(without_blank.get_all(name).iter())
            .map(String::as_str)
            .collect();
        let got: Vec<&str> = values.iter().map(String::as_str).collect();
        assert_eq!(got, expected, "merged values of {name:?}: first side first");
    }

    let mut req = test::post("/", data.to_vec())
        .header("content-type", "application/x-www-form-urlencoded")
        .into_request();
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(uri) = format!("/?{text}").parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    let strict = ParamsMiddleware::new().with_strict(true);
    match poll_once(params_request(req, &strict)) {
        Ok(req) => assert_eq!(req.form_params(), &ParamMap::parse(data, true)),
        Err(error) => assert_eq!(error.status(), 400),
    }
});
