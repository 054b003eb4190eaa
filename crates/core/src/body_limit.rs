use crate::{BoxFuture, Middleware, Next, Request, Response};

/// Sets the request body limit for the requests this middleware sees: put it on a route (or
/// a group) to raise the limit for uploads, or in the pile to lower it everywhere.
///
/// The limit is enforced wherever the body is read ([`RequestBody`](crate::RequestBody)), and
/// a body announced larger is answered `413` before its handler runs, without being read.
///
/// # Examples
///
/// ```
/// use shallot_core::{chain_middleware, test, wrap_body_limit, HttpError, Request};
///
/// async fn size(mut req: Request) -> Result<String, HttpError> {
///     Ok(format!("{} bytes", req.body_mut().read_all().await?.len()))
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = chain_middleware((wrap_body_limit(4),)).apply(size);
/// test::post("/", "1234").send(&app).await.assert_body("4 bytes");
/// test::post("/", "12345").send(&app).await.assert_status(413);
/// # }
/// ```
pub fn wrap_body_limit(bytes: u64) -> BodyLimitMiddleware {
    BodyLimitMiddleware { bytes }
}

/// The middleware made by [`wrap_body_limit`].
#[derive(Debug, Clone, Copy)]
pub struct BodyLimitMiddleware {
    bytes: u64,
}

impl BodyLimitMiddleware {
    /// The limit it sets, in bytes.
    pub fn limit(&self) -> u64 {
        self.bytes
    }
}

impl Middleware for BodyLimitMiddleware {
    fn call(&self, mut req: Request, next: Next) -> BoxFuture<Response> {
        req.body_mut().set_limit(self.bytes);
        next.run(req)
    }
}
