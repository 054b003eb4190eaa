//! `Cookie` headers: parsing never panics, and every value parsed, set again with
//! `SetCookie`, reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shallot_cookies::{RequestCookies, SetCookie};

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else { return };
    let cookies = RequestCookies::parse(header.split('\n'));
    for (name, value) in cookies.iter() {
        let Ok(set) = SetCookie::new(name, value).header_value() else { continue };
        let text = set.to_str().expect("a Set-Cookie header is visible ASCII");
        let pair = text.split(';').next().expect("a name=value pair");
        let back = RequestCookies::parse([pair]);
        assert_eq!(back.get(name), Some(value), "{header:?} → {text:?}");
    }
});
