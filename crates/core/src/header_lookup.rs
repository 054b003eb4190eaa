use http::header::{HeaderMap, HeaderName, HeaderValue};

/// How many fields a map may hold for [`has_header`], [`find_header`] and [`find_only_header`]
/// to compare names one by one rather than hash: below this a scan is cheaper than
/// `HeaderMap`'s hashed lookup (docs/performance.md).
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

/// The first value of the field `name` in `headers`: the same answer as [`HeaderMap::get`],
/// scanning a small map as [`has_header`] does.
///
/// # Examples
///
/// ```
/// use shallot_core::find_header;
/// use shallot_core::http::{header, HeaderMap};
///
/// let mut headers = HeaderMap::new();
/// headers.append(header::ACCEPT, "text/html".parse().unwrap());
/// headers.append(header::ACCEPT, "*/*".parse().unwrap());
/// assert_eq!(find_header(&headers, &header::ACCEPT).unwrap(), "text/html");
/// assert!(find_header(&headers, &header::ORIGIN).is_none());
/// ```
#[inline]
pub fn find_header<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a HeaderValue> {
    if headers.keys_len() <= SCAN_UP_TO {
        headers
            .iter()
            .find_map(|(key, value)| (key == name).then_some(value))
    } else {
        headers.get(name)
    }
}

/// The value of the field `name` when `headers` holds exactly one field of that name; `None`
/// when it is missing or repeated (a repeated field that must be single, such as a request id,
/// is not to be trusted in either copy). Scans a small map as [`has_header`] does.
///
/// # Examples
///
/// ```
/// use shallot_core::find_only_header;
/// use shallot_core::http::{HeaderMap, HeaderName};
///
/// let id = HeaderName::from_static("x-request-id");
/// let mut headers = HeaderMap::new();
/// assert_eq!(find_only_header(&headers, &id), None);
/// headers.append(id.clone(), "a".parse().unwrap());
/// assert_eq!(find_only_header(&headers, &id).unwrap(), "a");
/// headers.append(id.clone(), "b".parse().unwrap());
/// assert_eq!(find_only_header(&headers, &id), None);
/// ```
#[inline]
pub fn find_only_header<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a HeaderValue> {
    fn single<T>(mut items: impl Iterator<Item = T>) -> Option<T> {
        match (items.next(), items.next()) {
            (Some(item), None) => Some(item),
            _ => None,
        }
    }
    if headers.keys_len() <= SCAN_UP_TO {
        single(
            headers
                .iter()
                .filter_map(|(key, value)| (key == name).then_some(value)),
        )
    } else {
        single(headers.get_all(name).iter())
    }
}

#[cfg(test)]
mod tests {
    use http::header::{self, HeaderMap, HeaderName, HeaderValue};

    use super::{find_header, find_only_header, has_header, SCAN_UP_TO};

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
                assert_eq!(find_header(&headers, name), headers.get(name));
                let mut values = headers.get_all(name).iter();
                let only = values.next().filter(|_| values.next().is_none());
                assert_eq!(
                    find_only_header(&headers, name),
                    only,
                    "{name} in {fields} fields"
                );
            }
        }
    }
}
