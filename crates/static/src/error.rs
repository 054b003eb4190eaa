use std::fmt;
use std::path::PathBuf;

/// A mistake in the static-files configuration, reported when the middleware is built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The folder does not exist or is not a folder.
    NotAFolder(PathBuf),
    /// The URL prefix does not start with `/`.
    InvalidPrefix(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAFolder(path) => write!(f, "static folder {} is not a folder", path.display()),
            Self::InvalidPrefix(prefix) => {
                write!(f, "static prefix `{prefix}` must start with `/`")
            }
        }
    }
}

impl std::error::Error for Error {}
