use http::header::VARY;
use http::{HeaderMap, HeaderValue};

/// Adds `name` to the answer's `Vary`, keeping what is there: the one rule for every
/// middleware whose answer depends on a request header (CORS on `Origin`, compression on
/// `Accept-Encoding`).
///
/// The values end up in one `Vary` line; a name already listed (in any case) is not
/// repeated, and `Vary: *` (the answer varies on everything) is left alone.
///
/// # Examples
///
/// ```
/// use shallot_core::{add_vary, http::HeaderMap};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("vary", "Accept-Encoding".parse().unwrap());
/// add_vary(&mut headers, "Origin");
/// add_vary(&mut headers, "origin");
/// assert_eq!(headers["vary"], "Accept-Encoding, Origin");
/// ```
pub fn add_vary(headers: &mut HeaderMap, name: &'static str) {
    let mut listed = false;
    let mut lines = 0;
    for value in headers.get_all(VARY) {
        lines += 1;
        let Ok(text) = value.to_str() else { continue };
        for token in text.split(',').map(str::trim) {
            if token == "*" || token.eq_ignore_ascii_case(name) {
                listed = true;
            }
        }
    }
    if listed {
        return;
    }
    if lines == 0 {
        headers.insert(VARY, HeaderValue::from_static(name));
        return;
    }
    let mut joined = Vec::new();
    for value in headers.get_all(VARY) {
        let value = value.as_bytes();
        if value.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        joined.extend_from_slice(value);
        joined.extend_from_slice(b", ");
    }
    joined.extend_from_slice(name.as_bytes());
    if let Ok(value) = HeaderValue::from_bytes(&joined) {
        headers.insert(VARY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary_after(existing: &[&str], name: &'static str) -> Vec<String> {
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
    fn star_is_left_alone() {
        assert_eq!(vary_after(&["*"], "Origin"), ["*"]);
    }
}
