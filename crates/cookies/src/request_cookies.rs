use std::fmt;

use cookie::Cookie;

/// The cookies a request carried, name → value, percent-decoded, in the order sent.
///
/// # Examples
///
/// ```
/// use shallot_cookies::RequestCookies;
///
/// let cookies = RequestCookies::parse(["a=1; b=x%20y", "c=3; =bad; a=ignored"]);
/// assert_eq!(cookies.get("a"), Some("1"));
/// assert_eq!(cookies.get("b"), Some("x y"));
/// assert_eq!(cookies.len(), 3);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestCookies {
    pairs: Vec<(String, String)>,
}

impl RequestCookies {
    /// No cookies.
    pub const fn new() -> Self {
        Self { pairs: Vec::new() }
    }

    /// Parses `Cookie` header values (HTTP/2 may split cookies over several). Pairs that do
    /// not parse (no `=`, an empty name, an escape that decodes to invalid UTF-8) are skipped,
    /// a `%` without two hex digits is kept as it is; when
    /// a name repeats, the first value wins (RFC 6265 §5.4 sends the most specific first).
    pub fn parse<'a>(header_values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut cookies = Self::new();
        for value in header_values {
            for cookie in Cookie::split_parse_encoded(value).flatten() {
                if cookie.name().is_empty() || cookies.get(cookie.name()).is_some() {
                    continue;
                }
                cookies
                    .pairs
                    .push((cookie.name().to_owned(), cookie.value().to_owned()));
            }
        }
        cookies
    }

    /// The value of a cookie.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every cookie, in the order sent.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The number of cookies.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

impl fmt::Debug for RequestCookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_headers_parse_leniently() {
        type Expected = &'static [(&'static str, &'static str)];
        let table: &[(&[&str], Expected)] = &[
            (&["a=1"], &[("a", "1")]),
            (&["a=1; b=2", "c=3"], &[("a", "1"), ("b", "2"), ("c", "3")]),
            (
                &["a=1;b=2;;  c = 3 "],
                &[("a", "1"), ("b", "2"), ("c", "3")],
            ),
            (&["a=x%20y%3B"], &[("a", "x y;")]),
            (&["a=\"quoted\""], &[("a", "\"quoted\"")]),
            (&["a=1; a=2"], &[("a", "1")]),
            (&["noequals; b=2"], &[("b", "2")]),
            (&["=novalue; b=2"], &[("b", "2")]),
            (&["a=%FF; b=2"], &[("b", "2")]),
            (&["empty="], &[("empty", "")]),
            (&[""], &[]),
        ];
        for (headers, expected) in table {
            let cookies = RequestCookies::parse(headers.iter().copied());
            let got: Vec<_> = cookies.iter().collect();
            assert_eq!(got, *expected, "{headers:?}");
        }
    }
}
