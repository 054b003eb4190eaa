//! Query and form parameters for shallot: ordered multi-valued maps, decoded as
//! `application/x-www-form-urlencoded` (WHATWG URL), parsed the first time a handler asks.
//!
//! ```
//! use shallot_core::{chain_middleware, test, Request};
//! use shallot_params::{wrap_params, ParamsExt};
//!
//! async fn show(req: Request) -> String {
//!     format!(
//!         "query={:?} form={:?} merged={:?}",
//!         req.query_params(),
//!         req.form_params(),
//!         req.params()
//!     )
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = chain_middleware((test::lint(), wrap_params())).apply(show);
//! test::post("/?a=1&b", "a=2+2&c=%C3%A9")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .send(&app)
//!     .await
//!     .assert_status(200)
//!     .assert_body(concat!(
//!         r#"query={"a": ["1"], "b": [""]} "#,
//!         r#"form={"a": ["2 2"], "c": ["é"]} "#,
//!         r#"merged={"a": ["1", "2 2"], "b": [""], "c": ["é"]}"#,
//!     ));
//! # }
//! ```
//!
//! # Behaviour
//!
//! | input | result |
//! |---|---|
//! | `a=1&a=2` | `a: ["1", "2"]`, values in order of appearance |
//! | `a=` or a bare `a` | `a: [""]` (dropped with `with_keep_blank(false)`) |
//! | `&&`, empty pairs | skipped |
//! | `+`, `%20` | a space |
//! | `%zz`, a lone `%`, invalid UTF-8 | kept literally / replaced by U+FFFD; strict mode: `400`, `Bad Request: malformed query string` (or `form body`) |
//! | a body whose type is not `application/x-www-form-urlencoded` | not read as a form |
//! | `params()` | query values first, then form values, name by name |
//!
//! # Options
//!
//! [`ParamsMiddleware::with_keep_blank`] (default `true`) and
//! [`ParamsMiddleware::with_strict`] (default `false`).
//!
//! # Ordering
//!
//! Innermost, just before the handlers that read parameters. It costs nothing for requests
//! without a query or form body, and parses nothing until a handler asks.

mod param_map;
mod params_ext;
mod params_middleware;
mod strict;

pub use param_map::ParamMap;
pub use params_ext::ParamsExt;
pub use params_middleware::{params_request, wrap_params, ParamsMiddleware};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
