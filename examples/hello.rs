//! The smallest shallot server: one handler, one middleware of your own, no feature crate.
//!
//! Run: `cargo run --example hello`, then `curl -i http://127.0.0.1:3000/`

use shallot::{chain_middleware, ChainHandler, Next, Request, Response};

/// Adds a `server` header to every answer: a middleware is an async fn around `next`.
async fn server_header(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert("server", shallot::http::HeaderValue::from_static("shallot"));
    res
}

async fn hello(req: Request) -> String {
    format!("hi user! you asked for {}", req.uri().path())
}

/// The pile: one middleware around one handler.
pub(crate) fn app() -> ChainHandler {
    chain_middleware((server_header,)).apply(hello)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    shallot::server::serve("127.0.0.1:3000", app()).await
}
