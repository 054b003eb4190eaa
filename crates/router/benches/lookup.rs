//! Router cost per request for tables of 10, 100 and 1,000 routes shaped like a large REST
//! API (GitHub's), for a hit with two parameters, a static hit and a miss. Measured through a
//! chain (router + handler), minus nothing: compare with `dispatch/empty chain` in
//! shallot-core's bench for the cost of the chain itself.

use std::hint::black_box;
use std::task::{Context, Poll, Waker};

use criterion::{criterion_group, criterion_main, Criterion};
use shallot_core::{chain_middleware, test, BoxFuture, ChainHandler, Handler, Request, Response};
use shallot_router::{delete, get, patch, post, put, wrap_routes, Route, RouterExt};

fn poll_once(mut fut: BoxFuture<Response>) -> Response {
    let mut cx = Context::from_waker(Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(res) => res,
        Poll::Pending => panic!("the bench handlers never wait"),
    }
}

async fn handler(req: Request) -> String {
    req.param("id").unwrap_or("static").to_owned()
}

const RESOURCES: [&str; 10] = [
    "repos", "orgs", "teams", "gists", "issues", "projects", "packages", "apps", "markets", "hooks",
];
const ACTIONS: [&str; 10] = [
    "branches",
    "commits",
    "releases",
    "labels",
    "milestones",
    "comments",
    "events",
    "forks",
    "stargazers",
    "subscribers",
];

/// `count` routes: static segments mixed with parameters, as a REST API has them.
fn table(count: usize) -> Vec<Route> {
    let mut routes = Vec::with_capacity(count);
    for resource in RESOURCES {
        for action in ACTIONS {
            let base = format!("/api/{resource}/{{owner}}/{{name}}/{action}");
            for route in [
                get(&base, handler),
                post(&base, handler),
                get(&format!("{base}/{{id}}"), handler),
                patch(&format!("{base}/{{id}}"), handler),
                delete(&format!("{base}/{{id}}"), handler),
                get(&format!("{base}/{{id}}/status"), handler),
                put(&format!("{base}/{{id}}/status"), handler),
                get(&format!("/v2/{resource}/{action}"), handler),
                get(&format!("/v2/{resource}/{action}/{{id}}"), handler),
                get(&format!("/v3/{resource}-{action}"), handler),
            ] {
                if routes.len() == count {
                    return routes;
                }
                routes.push(route);
            }
        }
    }
    routes
}

fn app(count: usize) -> ChainHandler {
    chain_middleware((wrap_routes(table(count)).expect("a valid table"),))
        .apply(|_req: Request| async { "miss" })
}

fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("router");
    for count in [10, 100, 1000] {
        let app = app(count);
        for (name, path) in [
            ("param hit", "/api/repos/rust-lang/rust/branches/42"),
            ("static hit", "/v2/repos/branches"),
            ("miss", "/nothing/here/at/all"),
        ] {
            group.bench_function(format!("{count} routes, {name}"), |b| {
                b.iter(|| poll_once(app.call(black_box(test::get(path).into_request()))))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, lookup);
criterion_main!(benches);
