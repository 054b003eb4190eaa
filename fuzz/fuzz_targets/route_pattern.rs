//! Building a route table from arbitrary patterns: an `Error` or a table, never a panic. A
//! pattern accepted on its own reverse-routes (`url_for`) to a path that the same table routes
//! back to it, with every parameter reading back as the value it was built from; when
//! `url_for` refuses, the pattern has a parameter it was not given.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use shallot_core::{chain_middleware, http::Uri, test, Handler, Request};
use shallot_router::{get, wrap_routes};

/// Values with the characters reverse routing must escape: `/`, `%`, space, `?`, `#`, non-ASCII.
const VALUES: [(&str, &str); 4] = [("a", "x/y"), ("id", "%"), ("rest", "a b?c#d"), ("name", "é")];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut patterns = text.split('\n');
    let first = patterns.next().unwrap_or("/");
    let mut rows = vec![get(first, |_req: Request| async { "" }).named("probe")];
    for pattern in patterns.take(8) {
        rows.push(get(pattern, |_req: Request| async { "" }));
    }
    if let Ok(router) = wrap_routes(rows) {
        let _ = router.url_for("probe", &VALUES);
        let _ = router.to_string();
    }

    // The round trip, on the first pattern alone (no other route can shadow it).
    let echo = common::echo_params;
    let Ok(router) = wrap_routes([get(first, echo).named("probe")]) else { return };
    let Ok(path) = router.url_for("probe", &VALUES) else {
        assert!(first.contains('{'), "url_for refused {first:?}, which has no parameter");
        return;
    };
    let uri: Uri = path.parse().unwrap_or_else(|e| panic!("url_for({first:?}) = {path:?}: {e}"));
    let app = chain_middleware((router,)).apply(|_req: Request| async { shallot_core::HttpError::not_found() });
    let mut req = test::get("/").into_request();
    *req.uri_mut() = uri;
    let res = common::poll_once(app.call(req));
    assert_eq!(res.status(), 200, "{path:?} (from {first:?}) routes back to it");
    let body = res.body().as_bytes().expect("the echo is a whole body");
    let got: Vec<(String, String)> = serde_json::from_slice(body).expect("the echo is JSON");
    for (name, value) in &got {
        let given = VALUES.iter().find(|(n, _)| n == name);
        assert_eq!(given.map(|(_, v)| *v), Some(value.as_str()), "{name} through {path:?} (from {first:?})");
    }
});
