//! More routes shaped like a large REST API (GitHub's: static segments mixed with parameters),
//! for route tables of 10, 1,000 and 10,000 routes in all. The first 997 are the same whatever
//! the size; past 1,300 the same shapes repeat under `/b{block}` prefixes.

use shallot::router::{delete, get, patch, post, put, Route};
use shallot::Request;

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

async fn ok(_req: Request) -> &'static str {
    "ok"
}

/// `count` routes, none of which shadows `/`, `/json` or `/user/{id}`.
pub(crate) fn extra_routes(count: usize) -> Vec<Route> {
    let mut routes = Vec::with_capacity(count);
    'all: for block in 0.. {
        let prefix = if block == 0 {
            String::new()
        } else {
            format!("/b{block}")
        };
        for resource in RESOURCES {
            for action in ACTIONS {
                let base = format!("{prefix}/api/{resource}/{{owner}}/{{name}}/{action}");
                for route in [
                    get(&base, ok),
                    post(&base, ok),
                    get(&format!("{base}/{{id}}"), ok),
                    patch(&format!("{base}/{{id}}"), ok),
                    delete(&format!("{base}/{{id}}"), ok),
                    get(&format!("{base}/{{id}}/status"), ok),
                    put(&format!("{base}/{{id}}/status"), ok),
                    get(&format!("{prefix}/v2/{resource}/{action}"), ok),
                    get(&format!("{prefix}/v2/{resource}/{action}/{{id}}"), ok),
                    get(&format!("{prefix}/v3/{resource}-{action}"), ok),
                ] {
                    if routes.len() == count {
                        break 'all;
                    }
                    routes.push(route);
                }
            }
        }
    }
    routes
}
