use std::fmt;
use std::sync::Arc;

use shallot_core::http::HeaderValue;

use crate::CorsError;

/// Which origins may read answers.
#[derive(Clone)]
pub(crate) enum Origins {
    List(Vec<HeaderValue>),
    Any,
    Predicate(Arc<dyn Fn(&HeaderValue) -> bool + Send + Sync>),
}

impl fmt::Debug for Origins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::List(origins) => f.debug_list().entries(origins).finish(),
            Self::Any => f.write_str("*"),
            Self::Predicate(_) => f.write_str("<predicate>"),
        }
    }
}

impl Origins {
    pub(crate) fn allows(&self, origin: &HeaderValue) -> bool {
        match self {
            Self::List(origins) => origins.iter().any(|allowed| allowed == origin),
            Self::Any => true,
            Self::Predicate(allows) => allows(origin),
        }
    }
}

/// A configured list (methods, request headers) or "whatever is asked".
#[derive(Debug, Clone)]
pub(crate) enum Allowed {
    /// The names in lower case (headers) or as given (methods), and the joined header value.
    List(Vec<String>, Option<HeaderValue>),
    Any,
}

impl Allowed {
    pub(crate) fn list(names: Vec<String>) -> Self {
        let joined = (!names.is_empty())
            .then(|| HeaderValue::from_str(&names.join(", ")).ok())
            .flatten();
        Self::List(names, joined)
    }
}

/// Checks that `origin` is what a browser would send: `scheme://host[:port]`, lower case,
/// no path, no trailing slash (or the opaque `null`, which is allowed only on purpose).
pub(crate) fn valid_origin(origin: &str) -> Result<HeaderValue, CorsError> {
    let invalid = || CorsError::InvalidOrigin(origin.to_owned());
    if origin == "null" {
        return HeaderValue::from_str(origin).map_err(|_| invalid());
    }
    let (scheme, rest) = origin.split_once("://").ok_or_else(invalid)?;
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b));
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || rest.starts_with('[') => {
            if host.starts_with('[') || !host.contains(':') {
                (host, Some(port))
            } else {
                (rest, None)
            }
        }
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._~[]:".contains(&b));
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    if !(scheme_ok && host_ok && port_ok) {
        return Err(invalid());
    }
    HeaderValue::from_str(origin).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::valid_origin;

    #[test]
    fn browser_origins_are_accepted() {
        for origin in [
            "https://app.example",
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "http://[::1]:5000",
            "null",
        ] {
            assert!(valid_origin(origin).is_ok(), "{origin}");
        }
    }

    #[test]
    fn typos_are_refused() {
        for origin in [
            "https://app.example/",
            "https://App.example",
            "app.example",
            "https://",
            "https://app.example/path",
            "https://app.example:",
            "https://app.example:80a",
            " https://app.example",
            "*",
        ] {
            assert!(valid_origin(origin).is_err(), "{origin}");
        }
    }
}
