//! Route matching and parameter decoding on arbitrary paths: never a panic, only the
//! documented statuses, and a decoded parameter never holds invalid UTF-8.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shallot_core::{chain_middleware, http::Uri, test, ChainHandler, Handler, Request};
use shallot_router::{get, group, post, wrap_routes, RouterExt};

#[path = "common.rs"]
mod common;

fn app() -> &'static ChainHandler {
    static APP: OnceLock<ChainHandler> = OnceLock::new();
    APP.get_or_init(|| {
        let echo = |req: Request| async move {
            let params: Vec<String> = req.route_params().iter().map(|(k, v)| format!("{k}={v}")).collect();
            params.join("&")
        };
        chain_middleware((wrap_routes([
            get("/", echo),
            get("/hello/{index}", echo).named("hello-index"),
            post("/hello/{index}", echo),
            get("/files/{*path}", echo),
            group("/api/v1", [get("/students/{id}/{session?}", echo)]),
            get("/u/me", echo),
            get("/u/{name}", echo),
        ])
        .expect("a valid table"),))
        .apply(|_req: Request| async { shallot_core::HttpError::not_found() })
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let target = if text.starts_with('/') { text.to_owned() } else { format!("/{text}") };
    let Ok(uri) = target.parse::<Uri>() else { return };
    let mut req = test::get("/").into_request();
    *req.uri_mut() = uri;
    let res = common::poll_once(app().call(req));
    let status = res.status().as_u16();
    assert!(matches!(status, 200 | 400 | 404 | 405), "status {status} for {target:?}");
});
