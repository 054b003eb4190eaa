use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::Error;

/// One segment of a route pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Static(String),
    Param(String),
    Optional(String),
    CatchAll(String),
}

/// A parsed, normalized route pattern: `/a/{b}/{c?}` or `/files/{*rest}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    segments: Vec<Segment>,
}

impl Pattern {
    /// Parses a pattern. A missing leading slash is added and a trailing slash dropped, so
    /// `hello/` and `/hello` are the same route.
    pub(crate) fn parse(pattern: &str) -> Result<Self, Error> {
        let malformed = |reason| Error::MalformedPattern {
            pattern: pattern.to_owned(),
            reason,
        };
        let trimmed = pattern.trim_matches('/');
        let mut segments = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        if !trimmed.is_empty() {
            let parts: Vec<&str> = trimmed.split('/').collect();
            for (i, part) in parts.iter().enumerate() {
                let last = i + 1 == parts.len();
                if part.is_empty() {
                    return Err(malformed("empty segment (`//`)"));
                }
                let segment = if let Some(inner) = part.strip_prefix('{') {
                    let inner = inner
                        .strip_suffix('}')
                        .ok_or_else(|| malformed("a parameter is a whole segment: `{name}`"))?;
                    let (segment, name) = if let Some(name) = inner.strip_prefix('*') {
                        if !last {
                            return Err(malformed(
                                "a catch-all `{*name}` must be the last segment",
                            ));
                        }
                        (Segment::CatchAll(name.to_owned()), name)
                    } else if let Some(name) = inner.strip_suffix('?') {
                        if !last {
                            return Err(malformed(
                                "an optional `{name?}` must be the last segment",
                            ));
                        }
                        (Segment::Optional(name.to_owned()), name)
                    } else {
                        (Segment::Param(inner.to_owned()), inner)
                    };
                    if !is_param_name(name) {
                        return Err(malformed("a parameter name is letters, digits, `_` or `-`"));
                    }
                    if names.contains(&name) {
                        return Err(Error::DuplicateParam {
                            pattern: pattern.to_owned(),
                            name: name.to_owned(),
                        });
                    }
                    names.push(name);
                    segment
                } else {
                    if part.contains(['{', '}']) {
                        return Err(malformed("braces only surround a whole segment"));
                    }
                    if !is_path_text(part) {
                        return Err(malformed(
                            "a segment holds a character no request path can (a space, a control, \
                             `?`, `#`...): write it percent-encoded",
                        ));
                    }
                    Segment::Static((*part).to_owned())
                };
                segments.push(segment);
            }
        }
        Ok(Self { segments })
    }

    /// Prefixes this pattern with a group's pattern.
    pub(crate) fn nested_in(&self, prefix: &Self) -> Result<Self, &'static str> {
        if prefix
            .segments
            .last()
            .is_some_and(|s| !matches!(s, Segment::Static(_) | Segment::Param(_)))
        {
            return Err("a group prefix cannot end with an optional or catch-all segment");
        }
        let mut segments = prefix.segments.clone();
        segments.extend(self.segments.iter().cloned());
        Ok(Self { segments })
    }

    /// The parameter names, in order.
    pub(crate) fn param_names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Static(_) => None,
            Segment::Param(n) | Segment::Optional(n) | Segment::CatchAll(n) => Some(n.as_str()),
        })
    }

    /// The matchit routes this pattern stands for: an optional last segment gives two.
    pub(crate) fn matchit_routes(&self) -> Vec<String> {
        let mut with_all = String::new();
        let mut without_optional = None;
        for segment in &self.segments {
            match segment {
                Segment::Static(s) => {
                    with_all.push('/');
                    // matchit reads `{` and `}` as parameters; static segments have none.
                    with_all.push_str(s);
                }
                Segment::Param(n) => {
                    let _ = write!(with_all, "/{{{n}}}");
                }
                Segment::Optional(n) => {
                    without_optional = Some(if with_all.is_empty() {
                        "/".to_owned()
                    } else {
                        with_all.clone()
                    });
                    let _ = write!(with_all, "/{{{n}}}");
                }
                Segment::CatchAll(n) => {
                    let _ = write!(with_all, "/{{*{n}}}");
                }
            }
        }
        if with_all.is_empty() {
            with_all.push('/');
        }
        let mut routes = vec![with_all];
        routes.extend(without_optional);
        routes
    }

    /// Builds a path from parameter values, percent-encoding each one; a catch-all keeps
    /// its slashes. An optional parameter may be absent.
    pub(crate) fn build(&self, params: &[(&str, &str)]) -> Result<String, String> {
        let lookup = |name: &str| params.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        let mut path = String::new();
        for segment in &self.segments {
            path.push('/');
            match segment {
                Segment::Static(s) => path.push_str(s),
                Segment::Param(n) => {
                    let value = lookup(n).ok_or_else(|| n.clone())?;
                    path.extend(utf8_percent_encode(value, SEGMENT));
                }
                Segment::Optional(n) => match lookup(n) {
                    Some(value) => path.extend(utf8_percent_encode(value, SEGMENT)),
                    None => {
                        path.pop();
                    }
                },
                Segment::CatchAll(n) => {
                    let value = lookup(n).ok_or_else(|| n.clone())?;
                    path.extend(utf8_percent_encode(
                        value.trim_start_matches('/'),
                        CATCH_ALL,
                    ));
                }
            }
        }
        if path.is_empty() {
            path.push('/');
        }
        Ok(path)
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("/");
        }
        for segment in &self.segments {
            match segment {
                Segment::Static(s) => write!(f, "/{s}")?,
                Segment::Param(n) => write!(f, "/{{{n}}}")?,
                Segment::Optional(n) => write!(f, "/{{{n}?}}")?,
                Segment::CatchAll(n) => write!(f, "/{{*{n}}}")?,
            }
        }
        Ok(())
    }
}

fn is_param_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `segment` can appear as it is in a request's path — what the server's URI parser
/// accepts there — so that a route with it can match, and its URL can be built.
fn is_path_text(segment: &str) -> bool {
    let path = format!("/{segment}");
    path.parse::<shallot_core::http::uri::PathAndQuery>()
        .is_ok_and(|parsed| parsed.query().is_none() && parsed.as_str() == path)
}

/// What a path segment must encode (RFC 3986 §3.3: everything but unreserved, sub-delims,
/// `:` and `@`); `%` is encoded so a value round-trips through decoding.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A catch-all value keeps its slashes.
const CATCH_ALL: &AsciiSet = &SEGMENT.remove(b'/');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_and_normalize() {
        for (input, display, routes) in [
            ("/", "/", vec!["/"]),
            ("", "/", vec!["/"]),
            ("/hello/", "/hello", vec!["/hello"]),
            ("hello", "/hello", vec!["/hello"]),
            ("/hello/{index}", "/hello/{index}", vec!["/hello/{index}"]),
            (
                "/students/{id}/{session?}",
                "/students/{id}/{session?}",
                vec!["/students/{id}/{session}", "/students/{id}"],
            ),
            ("/{opt?}", "/{opt?}", vec!["/{opt}", "/"]),
            ("/files/{*path}", "/files/{*path}", vec!["/files/{*path}"]),
        ] {
            let pattern = Pattern::parse(input).unwrap();
            assert_eq!(pattern.to_string(), display, "{input}");
            assert_eq!(pattern.matchit_routes(), routes, "{input}");
        }
    }

    #[test]
    fn static_segments_take_what_a_request_path_can_hold() {
        for input in [
            "/a-b_c.d~e",
            "/%20x",
            "/a:b@c",
            "/!$&'()*+,;=",
            "/caf%C3%A9",
        ] {
            assert!(Pattern::parse(input).is_ok(), "{input} is path text");
        }
    }

    #[test]
    fn malformed_patterns_are_refused_with_a_reason() {
        for input in [
            "/a//b",
            "/a/{b",
            "/a/x{b}",
            "/a/{b}x",
            "/{*rest}/more",
            "/{opt?}/more",
            "/{}",
            "/{a b}",
            "/a}",
            "/a b",
            "/tab\there",
            "/a\u{b}",
            "/what?",
            "/x#y",
        ] {
            assert!(
                matches!(Pattern::parse(input), Err(Error::MalformedPattern { .. })),
                "{input} should be malformed"
            );
        }
        assert_eq!(
            Pattern::parse("/{id}/x/{id}"),
            Err(Error::DuplicateParam {
                pattern: "/{id}/x/{id}".into(),
                name: "id".into()
            })
        );
    }

    #[test]
    fn urls_are_built_with_each_value_percent_encoded() {
        let hello = Pattern::parse("/hello/{index}").unwrap();
        for (value, path) in [
            ("3", "/hello/3"),
            ("a b", "/hello/a%20b"),
            ("a/b", "/hello/a%2Fb"),
            ("é?#%", "/hello/%C3%A9%3F%23%25"),
            ("x:y@z", "/hello/x:y@z"),
        ] {
            assert_eq!(hello.build(&[("index", value)]).unwrap(), path);
        }
        assert_eq!(hello.build(&[]), Err("index".to_owned()));

        let optional = Pattern::parse("/s/{id}/{session?}").unwrap();
        assert_eq!(optional.build(&[("id", "1")]).unwrap(), "/s/1");
        assert_eq!(
            optional.build(&[("id", "1"), ("session", "x")]).unwrap(),
            "/s/1/x"
        );

        let files = Pattern::parse("/files/{*path}").unwrap();
        assert_eq!(files.build(&[("path", "a b/c")]).unwrap(), "/files/a%20b/c");
        assert_eq!(Pattern::parse("/").unwrap().build(&[]).unwrap(), "/");
    }

    #[test]
    fn groups_nest_patterns() {
        let prefix = Pattern::parse("/api/v1").unwrap();
        let route = Pattern::parse("/students/{id}").unwrap();
        assert_eq!(
            route.nested_in(&prefix).unwrap().to_string(),
            "/api/v1/students/{id}"
        );
        let root = Pattern::parse("/").unwrap();
        assert_eq!(root.nested_in(&prefix).unwrap().to_string(), "/api/v1");
        let bad = Pattern::parse("/x/{*rest}").unwrap();
        assert!(route.nested_in(&bad).is_err());
    }
}
