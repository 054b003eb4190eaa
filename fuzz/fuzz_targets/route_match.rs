//! Route matching and parameter decoding on arbitrary paths, against a reference model of the
//! table: never a panic; `200` exactly when the model finds the route, with each parameter
//! equal to its percent-decoded segment (which checks the router's zero-copy offsets into the
//! path); `400` exactly when a parameter's segment does not decode to UTF-8; else `404`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use percent_encoding::percent_decode_str;
use shallot_core::{chain_middleware, http::Uri, test, ChainHandler, Handler, Request};
use shallot_router::{get, group, post, wrap_routes};

#[path = "common.rs"]
mod common;

fn app() -> &'static ChainHandler {
    static APP: OnceLock<ChainHandler> = OnceLock::new();
    APP.get_or_init(|| {
        let echo = common::echo_params;
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

/// The table above, written independently of the router: the raw (undecoded) parameters of
/// the route `path` matches, or `None`. Trailing slashes are ignored (the default policy).
fn model(path: &str) -> Option<Vec<(&'static str, &str)>> {
    let lookup = path.trim_end_matches('/');
    let Some(rest) = lookup.strip_prefix('/') else {
        return Some(Vec::new()); // "/" (or only slashes)
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let plain = |segment: &&str| !segment.is_empty();
    match segments.as_slice() {
        ["hello", index] if plain(index) => Some(vec![("index", *index)]),
        ["files", ..] if segments.len() > 1 => Some(vec![("path", &rest["files/".len()..])]),
        ["api", "v1", "students", id] if plain(id) => Some(vec![("id", *id)]),
        ["api", "v1", "students", id, session] if plain(id) && plain(session) => {
            Some(vec![("id", *id), ("session", *session)])
        }
        ["u", "me"] => Some(Vec::new()),
        ["u", name] if plain(name) => Some(vec![("name", *name)]),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let target = if text.starts_with('/') { text.to_owned() } else { format!("/{text}") };
    let Ok(uri) = target.parse::<Uri>() else { return };
    let path = uri.path().to_owned();
    let mut req = test::get("/").into_request();
    *req.uri_mut() = uri;
    let res = common::poll_once(app().call(req));
    let status = res.status().as_u16();
    let Some(raw) = model(&path) else {
        assert_eq!(status, 404, "no route for {path:?}");
        return;
    };
    let decoded: Option<Vec<(String, String)>> = raw
        .iter()
        .map(|(name, value)| {
            let value = percent_decode_str(value).decode_utf8().ok()?;
            Some(((*name).to_owned(), value.into_owned()))
        })
        .collect();
    match decoded {
        None => assert_eq!(status, 400, "{path:?} has a segment that is not UTF-8"),
        Some(expected) => {
            assert_eq!(status, 200, "{path:?} matches {expected:?}");
            let body = res.body().as_bytes().expect("the echo is a whole body");
            let got: Vec<(String, String)> = serde_json::from_slice(body).expect("the echo is JSON");
            assert_eq!(got, expected, "parameters of {path:?}");
        }
    }
});
