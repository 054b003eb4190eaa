//! Query and form parameters as ordered multi-maps.
//!
//! Run: `cargo run --example params`, then `curl -i 'http://127.0.0.1:3000/?tag=a&tag=b' -d 'tag=c'`

use shallot::params::{wrap_params, ParamsExt};
use shallot::{chain_middleware, ChainHandler, Request};

async fn tags(req: Request) -> String {
    let tags = req.params().get_all("tag").join(", ");
    format!("tags (query first, then form): {tags}\n")
}

/// Parameter parsing around one handler.
pub(crate) fn app() -> ChainHandler {
    chain_middleware((wrap_params(),)).apply(tags)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    shallot::server::serve("127.0.0.1:3000", app()).await
}
