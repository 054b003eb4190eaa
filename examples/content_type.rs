//! Content types from the path's extension, for handlers that do not set one.
//!
//! Run: `cargo run --example content_type`, then `curl -i http://127.0.0.1:3000/report.csv`

use shallot::content_type::wrap_content_type;
use shallot::{chain_middleware, Body, ChainHandler, Request};

/// Answers bytes without saying what they are: the middleware names them.
async fn untyped(req: Request) -> Body {
    Body::from(format!("contents of {}\n", req.uri().path()))
}

/// Content types around one untyped handler, with an extra mapping.
pub(crate) fn app() -> Result<ChainHandler, shallot::content_type::InvalidContentType> {
    let content_type = wrap_content_type().with_mapping("recipe", "text/x-recipe")?;
    Ok(chain_middleware((content_type,)).apply(untyped))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    shallot::server::serve("127.0.0.1:3000", app()?).await?;
    Ok(())
}
