//! Call a handler or a whole pile in-process, without a socket, and assert on the answer.
//!
//! ```
//! use shallot_core::{test, Request};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = |mut req: Request| async move {
//!     let body = req.body_mut().read_all().await?;
//!     Ok::<_, shallot_core::BodyError>(format!("you sent {} bytes", body.len()))
//! };
//!
//! test::post("/echo", "hello")
//!     .header("content-type", "text/plain")
//!     .send(&app)
//!     .await
//!     .assert_status(200)
//!     .assert_header("content-type", "text/plain; charset=utf-8")
//!     .assert_body("you sent 5 bytes");
//! # }
//! ```
//!
//! Wrap the pile under test in [`lint`] to check the invariants of `docs/SPEC.md` on every
//! exchange.

mod lint;
mod test_request;
mod test_response;

pub use lint::{lint, LintMiddleware};
pub use test_request::{delete, get, head, options, patch, post, put, request, TestRequest};
pub use test_response::TestResponse;
