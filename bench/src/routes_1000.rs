//! 997 more routes shaped like a large REST API (GitHub's: static segments mixed with
//! parameters), so that the table has 1,000 routes in all.

use shallot::router::{delete, get, patch, post, put, Route};
use shallot::Request;

const RESOURCES: [&str; 10] = [
    "repos", "orgs", "teams", "gists", "issues", "projects", "packages", "apps", "markets", "hooks",
];
const ACTIONS: [&str; 10] = [
    "branches", "commits", "releases", "labels", "milestones", "comments", "events", "forks",
    "stargazers", "subscribers",
];

async fn ok(_req: Request) -> &'static str {
    "ok"
}

pub(crate) fn extra_routes() -> Vec<Route> {
    let mut routes = Vec::with_capacity(997);
    'all: for resource in RESOURCES {
        for action in ACTIONS {
            let base = format!("/api/{resource}/{{owner}}/{{name}}/{action}");
            for route in [
                get(&base, ok),
                post(&base, ok),
                get(&format!("{base}/{{id}}"), ok),
                patch(&format!("{base}/{{id}}"), ok),
                delete(&format!("{base}/{{id}}"), ok),
                get(&format!("{base}/{{id}}/status"), ok),
                put(&format!("{base}/{{id}}/status"), ok),
                get(&format!("/v2/{resource}/{action}"), ok),
                get(&format!("/v2/{resource}/{action}/{{id}}"), ok),
                get(&format!("/v3/{resource}-{action}"), ok),
            ] {
                if routes.len() == 997 {
                    break 'all;
                }
                routes.push(route);
            }
        }
    }
    routes
}
