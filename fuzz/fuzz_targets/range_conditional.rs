//! `Range` and conditional headers: never a panic, and a satisfiable range always lies inside
//! the representation.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use shallot_core::http::{header, HeaderMap, HeaderValue};
use shallot_static::fuzzing::{evaluate, if_range_allows, parse_range, RangeRequest, Validators};

fuzz_target!(|data: &[u8]| {
    let Some((&len_byte, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let len = u64::from(len_byte) * 37;
    if let RangeRequest::Partial { start, end } = parse_range(text, len) {
        assert!(start <= end && end < len, "{text:?} of {len}: {start}-{end}");
    }
    let Ok(value) = HeaderValue::from_str(text) else { return };
    let mut headers = HeaderMap::new();
    for name in [
        header::IF_MATCH,
        header::IF_NONE_MATCH,
        header::IF_MODIFIED_SINCE,
        header::IF_UNMODIFIED_SINCE,
        header::IF_RANGE,
    ] {
        headers.insert(name, value.clone());
    }
    let validators = Validators {
        etag: "\"abc\"",
        last_modified: UNIX_EPOCH + Duration::from_secs(1_000_000),
    };
    let _ = evaluate(&headers, validators);
    let _ = if_range_allows(&headers, validators);
});
