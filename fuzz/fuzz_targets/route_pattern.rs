//! Building a route table from arbitrary patterns: an `Error` or a table, never a panic; and a
//! table accepted once can reverse-route its named route without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shallot_core::Request;
use shallot_router::{get, wrap_routes};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut patterns = text.split('\n');
    let first = patterns.next().unwrap_or("/");
    let mut rows = vec![get(first, |_req: Request| async { "" }).named("probe")];
    for pattern in patterns.take(8) {
        rows.push(get(pattern, |_req: Request| async { "" }));
    }
    if let Ok(router) = wrap_routes(rows) {
        let _ = router.url_for("probe", &[("a", "x/y"), ("id", "%"), ("rest", "a b")]);
        let _ = router.to_string();
    }
});
