//! Routes as data: static and dynamic segments, a group, 405 with `Allow`, reverse routing.
//!
//! Run: `cargo run --example routing`, then `curl -i http://127.0.0.1:3000/users/7`

use shallot::http::Method;
use shallot::router::{get, group, route, wrap_routes, RouterExt};
use shallot::{chain_middleware, ChainHandler, HttpError, Request};

async fn index(_req: Request) -> &'static str {
    "try /users/7 or /api/v1/status"
}

async fn user(req: Request) -> Result<String, HttpError> {
    let id = req.param("id").unwrap_or_default();
    let link = req
        .url_for("user", &[("id", id)])
        .map_err(|e| HttpError::internal(e.to_string()))?;
    Ok(format!("user {id}, canonical URL {link}"))
}

async fn status(_req: Request) -> &'static str {
    "ok"
}

/// The routes over a 404 default handler.
pub(crate) fn app() -> Result<ChainHandler, shallot::router::Error> {
    let routes = wrap_routes([
        route("/", Method::GET, index),
        get("/users/{id}", user).named("user"),
        group("/api/v1", [get("/status", status)]),
    ])?;
    Ok(chain_middleware((routes,)).apply(|_req: Request| async { HttpError::not_found() }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app = app()?;
    println!("{app:?}");
    shallot::server::serve("127.0.0.1:3000", app).await?;
    Ok(())
}
