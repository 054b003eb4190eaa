//! Mistakes in the table are errors when the router is built, naming the routes involved.

use shallot_core::http::Method;
use shallot_core::Request;
use shallot_router::{get, group, post, route, wrap_routes, Error, Route};

fn h() -> impl shallot_core::Handler {
    |_req: Request| async { "" }
}

fn build(rows: Vec<Route>) -> Result<(), Error> {
    wrap_routes(rows).map(|_| ())
}

#[test]
fn the_same_method_and_pattern_twice_is_a_conflict_naming_both() {
    let error = build(vec![get("/a", h()), get("/a/", h())]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "route `GET /a` conflicts with route `GET /a`"
    );
}

#[test]
fn two_parameters_at_the_same_place_with_other_names_conflict() {
    let error = build(vec![get("/u/{id}", h()), post("/u/{name}", h())]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "route `POST /u/{name}` conflicts with route `GET /u/{id}`"
    );
}

#[test]
fn an_optional_segment_conflicts_with_the_route_it_expands_to() {
    let error = build(vec![get("/s/{id}", h()), get("/s/{id}/{x?}", h())]).unwrap_err();
    assert!(matches!(error, Error::Conflict { .. }), "{error}");
}

#[test]
fn different_methods_on_one_pattern_are_fine() {
    build(vec![
        get("/a", h()),
        post("/a", h()),
        route("/a", [Method::PUT, Method::DELETE], h()),
    ])
    .unwrap();
}

#[test]
fn malformed_patterns_duplicate_params_names_and_empty_methods_are_refused() {
    assert!(matches!(
        build(vec![get("/a/{b", h())]),
        Err(Error::MalformedPattern { .. })
    ));
    assert!(matches!(
        build(vec![get("/{x}/{x}", h())]),
        Err(Error::DuplicateParam { .. })
    ));
    assert!(matches!(
        build(vec![get("/a", h()).named("n"), get("/b", h()).named("n")]),
        Err(Error::DuplicateName { .. })
    ));
    assert!(matches!(
        build(vec![route("/a", Vec::new(), h())]),
        Err(Error::NoMethod { .. })
    ));
    assert!(matches!(
        build(vec![group("/g", [get("/a", h())]).named("g")]),
        Err(Error::MalformedPattern { .. })
    ));
    assert!(matches!(
        build(vec![group("/g/{*rest}", [get("/a", h())])]),
        Err(Error::MalformedPattern { .. })
    ));
}

#[test]
fn the_table_prints_one_route_a_line() {
    let router = wrap_routes([
        get("/", h()),
        route("/echo", [Method::POST, Method::GET], h()),
        get("/hello/{index}", h()).named("hello-index"),
    ])
    .unwrap();
    assert_eq!(
        router.to_string(),
        "GET       /\nGET,POST  /echo\nGET       /hello/{index}  hello-index\n"
    );
}
