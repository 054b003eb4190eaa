use bytes::Bytes;

/// An HTTP request as every handler and middleware sees it.
///
/// It is the `http` crate's request, so it works with the rest of the Rust HTTP ecosystem.
/// The body has already been read whole (within the server's body limit) before the pile
/// runs, so any middleware may look at it without awaiting or consuming anything.
/// Middlewares attach what they parse to [`http::Request::extensions`], behind their own
/// private key types; the server adds a [`ConnectionInfo`](crate::ConnectionInfo).
pub type Request = http::Request<Bytes>;
