//! Static files: the showcase's assets folder with validators, ranges and an index.
//!
//! Run: `cargo run --example static_files`, then open http://127.0.0.1:3000/ or
//! `curl -i -H 'Range: bytes=0-4' http://127.0.0.1:3000/docs/hello.txt`

use std::path::Path;

use shallot::static_files::{wrap_static, NotFound};
use shallot::{chain_middleware, ChainHandler, HttpError, Request};

/// Serves `examples/static` at the root, answering 404 itself for missing files.
pub(crate) fn app() -> Result<ChainHandler, shallot::static_files::Error> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/static");
    let files = wrap_static("/", folder)?
        .with_not_found(NotFound::Answer404)
        .with_cache_control("public, max-age=60".parse().expect("a valid header value"));
    Ok(chain_middleware((files,)).apply(|_req: Request| async { HttpError::not_found() }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    shallot::server::serve("127.0.0.1:3000", app()?).await?;
    Ok(())
}
