//! Routing for shallot, as a middleware: it picks the handler of the matching route for the
//! rest of the chain, and lets the default handler answer when nothing matches.
//!
//! ```
//! use shallot_core::{chain_middleware, test, HttpError, Request};
//! use shallot_router::{get, group, route, wrap_routes, RouterExt};
//! use shallot_core::http::Method;
//!
//! async fn hello(_req: Request) -> &'static str { "hi user!" }
//! async fn hello_index(req: Request) -> String {
//!     format!("hi user number: {}", req.param("index").unwrap_or_default())
//! }
//! async fn student(req: Request) -> String {
//!     format!("{} {:?}", req.param("id").unwrap_or_default(), req.param("session"))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let routes = wrap_routes([
//!     route("/", Method::GET, hello),
//!     get("/hello/{index}", hello_index).named("hello-index"),
//!     group("/api/v1", [get("/students/{id}/{session?}", student)]),
//! ])
//! .expect("the route table is valid");
//! let app = chain_middleware((test::lint(), routes))
//!     .apply(|_req: Request| async { HttpError::not_found() });
//!
//! test::get("/hello/7").send(&app).await.assert_body("hi user number: 7");
//! test::get("/api/v1/students/3").send(&app).await.assert_body("3 None");
//! test::get("/api/v1/students/3/a").send(&app).await.assert_body(r#"3 Some("a")"#);
//! test::delete("/hello/7")
//!     .send(&app)
//!     .await
//!     .assert_status(405)
//!     .assert_header("allow", "GET, HEAD, OPTIONS")
//!     .assert_body("Method Not Allowed");
//! test::get("/nowhere").send(&app).await.assert_status(404).assert_body("Not Found");
//! # }
//! ```
//!
//! # Behaviour
//!
//! | condition | answer |
//! |---|---|
//! | a route matches path and method | its handler answers (after the rest of the pile), with its parameters on the request ([`RouterExt`]) |
//! | no route matches the path | the request goes on to the next handler (the pile's default) |
//! | the path matches, the method does not | `405`, `Allow: <methods>`, body `Method Not Allowed` (plain text) |
//! | `HEAD` without a `HEAD` route | the `GET` handler (the server drops the body) |
//! | a route made with [`any`] | its handler, for every method without a route of its own (no `405`, no automatic `OPTIONS`) |
//! | `OPTIONS` without an `OPTIONS` route | `204`, `Allow: <methods>` |
//! | a trailing slash (`/hello/`) | routed as `/hello`; or `308` to it, or no match, per [`TrailingSlash`] |
//! | a parameter that decodes to invalid UTF-8 | `400`, `Bad Request: path is not valid UTF-8` |
//!
//! Matching runs on the raw, still-encoded path; parameter values are percent-decoded
//! afterwards, so `%2F` stays inside its segment.
//!
//! # Patterns
//!
//! | pattern | matches | parameter |
//! |---|---|---|
//! | `/hello` | `/hello`, `/hello/` | |
//! | `/hello/{index}` | one segment | `index` |
//! | `/students/{id}/{session?}` | with or without the last segment | `session` may be absent |
//! | `/files/{*path}` | one or more segments, slashes kept | `path` |
//!
//! Precedence: a static segment beats a parameter or a catch-all, whatever the order of the
//! rows. Two rows that would answer the same request are a build error (a parameter and a
//! catch-all at the same place included).
//!
//! # Options
//!
//! [`RouterMiddleware::with_trailing_slash`] (ignore, redirect or strict) and
//! [`RouterMiddleware::with_auto_options`].
//!
//! # Ordering
//!
//! Put the router after the middlewares that must see every request (content type, static
//! files) and before those that serve the chosen handler (cookies, JSON, parameters): those
//! run for routed requests with the route's handler already chosen.

mod error;
mod pattern;
mod route;
mod route_params;
mod route_table;
mod router_middleware;

pub use error::{Error, UrlError};
pub use route::{
    any, delete, get, group, head, options, patch, post, put, route, IntoMethods, Route,
};
pub use route_params::RouterExt;
pub use router_middleware::{wrap_routes, RouterMiddleware, TrailingSlash};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
