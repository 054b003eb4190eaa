use std::fmt;

/// A CORS policy that cannot work, refused when the middleware is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsError {
    /// `*` as the origin together with credentials: browsers refuse such answers
    /// (Fetch standard, "CORS check"), so the policy would allow nothing.
    CredentialedWildcard,
    /// An origin that is not `scheme://host[:port]` as a browser sends it.
    InvalidOrigin(String),
    /// A method that is not an HTTP method token.
    InvalidMethod(String),
    /// A header name that is not a valid HTTP header name.
    InvalidHeader(String),
}

impl fmt::Display for CorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CredentialedWildcard => f.write_str(
                "CORS: credentials cannot be allowed for any origin (`*`); list the origins",
            ),
            Self::InvalidOrigin(origin) => write!(
                f,
                "CORS: `{origin}` is not an origin (scheme://host[:port], lower case, no path)"
            ),
            Self::InvalidMethod(method) => write!(f, "CORS: `{method}` is not an HTTP method"),
            Self::InvalidHeader(name) => write!(f, "CORS: `{name}` is not a header name"),
        }
    }
}

impl std::error::Error for CorsError {}
