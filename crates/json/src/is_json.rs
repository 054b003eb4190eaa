use shallot_core::http::header::CONTENT_TYPE;
use shallot_core::http::HeaderMap;

/// Whether the headers declare a JSON body: `application/json` or any `application/*+json`
/// (RFC 6839 §3.1), parameters such as `charset` allowed, names compared without case.
pub fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json")
            || subtype.len() > 5 && subtype[subtype.len() - 5..].eq_ignore_ascii_case("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types_are_recognised() {
        for (value, expected) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON;charset=UTF-8", true),
            ("application/ld+json", true),
            ("application/vnd.api+json; x=y", true),
            ("  application/json  ", true),
            ("text/json", false),
            ("application/jsonx", false),
            ("application/+json", false),
            ("application/x-www-form-urlencoded", false),
            ("json", false),
            ("", false),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, value.parse().unwrap());
            assert_eq!(is_json_content_type(&headers), expected, "{value:?}");
        }
        assert!(!is_json_content_type(&HeaderMap::new()));
    }
}
