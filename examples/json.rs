//! JSON in and out: typed request bodies, 400 for malformed JSON, JSON answers.
//!
//! Run: `cargo run --example json`, then
//! `curl -i -H 'content-type: application/json' -d '{"name":"ada","age":36}' http://127.0.0.1:3000/`

use serde::Deserialize;
use shallot::json::{wrap_json, Json, JsonExt};
use shallot::{chain_middleware, ChainHandler, HttpError, Request};

#[derive(Deserialize)]
struct Person {
    name: String,
    age: u32,
}

async fn birthday(req: Request) -> Result<Json<serde_json::Value>, HttpError> {
    let person: Person = req.json()?;
    Ok(Json(
        serde_json::json!({ "name": person.name, "age": person.age + 1 }),
    ))
}

/// JSON parsing around one handler.
pub(crate) fn app() -> ChainHandler {
    chain_middleware((wrap_json(),)).apply(birthday)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    shallot::server::serve("127.0.0.1:3000", app()).await
}
