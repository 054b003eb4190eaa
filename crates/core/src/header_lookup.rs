use http::header::{HeaderMap, HeaderName};

/// How many fields a map may hold for [`has_header`] to compare names one by one rather than
/// hash: below this a scan is cheaper than `HeaderMap`'s hashed lookup (docs/performance.md).
const SCAN_UP_TO: usize = 12;

/// Whether `headers` has a field named `name`: the same answer as
/// [`HeaderMap::contains_key`], for less on the small maps of most requests and answers.
///
/// A map of a few fields is searched by comparing names, a few instructions per field, where
/// the hashed lookup costs about a hundred; a larger map is looked up as usual.
///
/// # Examples
///
/// ```
/// use shallot_core::has_header;
/// use shallot_core::http::{header, HeaderMap};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(header::COOKIE, "a=1".parse().unwrap());
/// assert!(has_header(&headers, &header::COOKIE));
/// assert!(!has_header(&headers, &header::CONTENT_TYPE));
/// ```
#[inline]
pub fn has_header(headers: &HeaderMap, name: &HeaderName) -> bool {
    if headers.keys_len() <= SCAN_UP_TO {
        headers.keys().any(|key| key == name)
    } else {
        headers.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use http::header::{self, HeaderMap, HeaderName, HeaderValue};

    use super::{has_header, SCAN_UP_TO};

    #[test]
    fn answers_as_contains_key_on_small_and_large_maps() {
        let custom = HeaderName::from_static("x-custom");
        for fields in [0, 1, 2, SCAN_UP_TO - 1, SCAN_UP_TO, SCAN_UP_TO + 1, 40] {
            let mut headers = HeaderMap::new();
            for at in 0..fields {
                let name = HeaderName::try_from(format!("x-field-{at}")).unwrap();
                headers.append(name, HeaderValue::from_static("v"));
            }
            for name in [&header::COOKIE, &custom] {
                assert!(!has_header(&headers, name), "{name} in {fields} fields");
            }
            // A name with several values, and names added at the end.
            headers.append(header::COOKIE, HeaderValue::from_static("a=1"));
            headers.append(header::COOKIE, HeaderValue::from_static("b=2"));
            headers.append(custom.clone(), HeaderValue::from_static("v"));
            for (name, present) in [
                (&header::COOKIE, true),
                (&custom, true),
                (&header::CONTENT_TYPE, false),
            ] {
                assert_eq!(
                    has_header(&headers, name),
                    present,
                    "{name} in {fields} fields"
                );
                assert_eq!(headers.contains_key(name), present);
            }
        }
    }
}
