use std::fmt;

/// A mistake in the route table, reported when the router is built, never while serving.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A pattern does not follow the grammar.
    MalformedPattern {
        /// The pattern as written.
        pattern: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A parameter name appears twice in one pattern.
    DuplicateParam {
        /// The pattern as written.
        pattern: String,
        /// The repeated name.
        name: String,
    },
    /// Two routes would answer the same requests (same method, overlapping paths).
    Conflict {
        /// The route being added (`METHOD pattern`).
        route: String,
        /// The route it conflicts with.
        existing: String,
    },
    /// Two routes have the same name.
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// A route lists no method.
    NoMethod {
        /// The pattern as written.
        pattern: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedPattern { pattern, reason } => {
                write!(f, "malformed route pattern `{pattern}`: {reason}")
            }
            Self::DuplicateParam { pattern, name } => {
                write!(
                    f,
                    "route pattern `{pattern}` uses the parameter `{name}` twice"
                )
            }
            Self::Conflict { route, existing } => {
                write!(f, "route `{route}` conflicts with route `{existing}`")
            }
            Self::DuplicateName { name } => write!(f, "two routes are named `{name}`"),
            Self::NoMethod { pattern } => write!(f, "route `{pattern}` lists no method"),
        }
    }
}

impl std::error::Error for Error {}

/// Why a URL could not be built from a route name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// No route has this name.
    UnknownRoute(String),
    /// The route needs a parameter that was not given.
    MissingParam {
        /// The route's name.
        route: String,
        /// The missing parameter.
        param: String,
    },
    /// The request did not go through a router, so there is no table to build from.
    NoRouter,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownRoute(name) => write!(f, "no route is named `{name}`"),
            Self::MissingParam { route, param } => {
                write!(f, "route `{route}` needs the parameter `{param}`")
            }
            Self::NoRouter => write!(f, "the request did not go through a router"),
        }
    }
}

impl std::error::Error for UrlError {}
