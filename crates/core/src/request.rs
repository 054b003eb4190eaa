use crate::RequestBody;

/// An HTTP request as every handler and middleware sees it.
///
/// It is the `http` crate's request, so it works with the rest of the Rust HTTP ecosystem.
/// Its body is a [`RequestBody`]: still on the wire when the pile starts, read whole or as a
/// stream by whoever asks first, and kept once read whole, so later readers see the bytes
/// without awaiting. Middlewares attach what they parse to [`http::Request::extensions`],
/// behind their own private key types; the server adds a [`ConnectionInfo`](crate::ConnectionInfo).
pub type Request = http::Request<RequestBody>;
