use bytes::Bytes;
use http::header::{Entry, VARY};
use http::{HeaderMap, HeaderValue};

/// Adds `name` to the answer's `Vary`, keeping what is there: the one rule for every
/// middleware whose answer depends on a request header (CORS on `Origin`, compression on
/// `Accept-Encoding`).
///
/// The values end up in one `Vary` line; a name already listed (in any case) is not
/// repeated, and `Vary: *` (the answer varies on everything) is left alone. `name` is a header
/// value so that a constant (`HeaderValue::from_static`, checked when compiling) is put in
/// without being checked again on every answer.
///
/// # Examples
///
/// ```
/// use shallot_core::add_vary;
/// use shallot_core::http::{HeaderMap, HeaderValue};
///
/// const ORIGIN: HeaderValue = HeaderValue::from_static("Origin");
///
/// let mut headers = HeaderMap::new();
/// headers.insert("vary", "Accept-Encoding".parse().unwrap());
/// add_vary(&mut headers, ORIGIN);
/// add_vary(&mut headers, HeaderValue::from_static("origin"));
/// assert_eq!(headers["vary"], "Accept-Encoding, Origin");
/// ```
pub fn add_vary(headers: &mut HeaderMap, name: HeaderValue) {
    // One lookup of the field, whether it is there or not.
    let mut entry = match headers.entry(VARY) {
        Entry::Vacant(vacant) => {
            vacant.insert(name);
            return;
        }
        Entry::Occupied(entry) => entry,
    };
    let name = name.as_bytes();
    if entry.iter().any(|line| lists(line, name)) {
        return;
    }
    let lines = || {
        entry
            .iter()
            .map(HeaderValue::as_bytes)
            .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
    };
    let mut joined =
        Vec::with_capacity(lines().map(|line| line.len() + 2).sum::<usize>() + name.len());
    for line in lines() {
        joined.extend_from_slice(line);
        joined.extend_from_slice(b", ");
    }
    joined.extend_from_slice(name);
    if let Ok(value) = HeaderValue::from_maybe_shared(Bytes::from(joined)) {
        entry.insert(value);
    }
}

/// Whether a `Vary` line lists `name` (in any case) or `*`.
fn lists(line: &HeaderValue, name: &[u8]) -> bool {
    line.as_bytes().split(|&byte| byte == b',').any(|token| {
        let token = token.trim_ascii();
        token == b"*" || token.eq_ignore_ascii_case(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary_after(existing: &[&str], name: &'static str) -> Vec<String> {
        let name = HeaderValue::from_static(name);
        let mut headers = HeaderMap::new();
        for value in existing {
            headers.append(VARY, value.parse().unwrap());
        }
        add_vary(&mut headers, name);
        headers
            .get_all(VARY)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn adds_to_nothing() {
        assert_eq!(vary_after(&[], "Origin"), ["Origin"]);
    }

    #[test]
    fn joins_several_lines_into_one() {
        assert_eq!(
            vary_after(&["Cookie", "Accept-Language, Accept"], "Origin"),
            ["Cookie, Accept-Language, Accept, Origin"]
        );
    }

    #[test]
    fn never_repeats_a_name_in_any_case() {
        assert_eq!(
            vary_after(&["cookie,  ORIGIN"], "Origin"),
            ["cookie,  ORIGIN"]
        );
    }

    #[test]
    fn names_are_found_between_tabs_and_spaces_on_any_line() {
        assert_eq!(
            vary_after(&["Cookie", "\tAccept ,\torigin\t"], "Origin"),
            ["Cookie", "\tAccept ,\torigin\t"]
        );
        assert_eq!(
            vary_after(&["Originx, xOrigin"], "Origin"),
            ["Originx, xOrigin, Origin"]
        );
    }

    #[test]
    fn blank_lines_are_left_out_of_the_joined_line() {
        assert_eq!(vary_after(&[" ", "Cookie"], "Origin"), ["Cookie, Origin"]);
    }

    #[test]
    fn star_is_left_alone() {
        assert_eq!(vary_after(&["*"], "Origin"), ["*"]);
        assert_eq!(vary_after(&["Cookie", " * "], "Origin"), ["Cookie", " * "]);
    }
}
