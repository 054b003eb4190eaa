use std::time::SystemTime;

use shallot_core::http::header::{
    IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE,
};
use shallot_core::http::HeaderMap;

/// The validators of one representation: its strong ETag (quoted) and its modification time
/// in whole seconds, as `Last-Modified` says it.
#[derive(Debug, Clone, Copy)]
pub struct Validators<'a> {
    /// The strong ETag, quoted.
    pub etag: &'a str,
    /// The modification time, in whole seconds.
    pub last_modified: SystemTime,
}

/// The outcome of the preconditions of a GET or HEAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// Answer normally.
    Proceed,
    /// `304 Not Modified`.
    NotModified,
    /// `412 Precondition Failed`.
    Failed,
}

/// Evaluates the conditional headers in RFC 9110 §13.2.2's order: `If-Match`, else
/// `If-Unmodified-Since`; then `If-None-Match`, else `If-Modified-Since`. A date that does
/// not parse is ignored, as the RFC requires.
pub fn evaluate(headers: &HeaderMap, validators: Validators<'_>) -> Precondition {
    if let Some(if_match) = header_text(headers, &IF_MATCH) {
        if !matches_list(if_match, validators.etag, Comparison::Strong) {
            return Precondition::Failed;
        }
    } else if let Some(since) = header_date(headers, &IF_UNMODIFIED_SINCE) {
        if validators.last_modified > since {
            return Precondition::Failed;
        }
    }
    if let Some(if_none_match) = header_text(headers, &IF_NONE_MATCH) {
        if matches_list(if_none_match, validators.etag, Comparison::Weak) {
            return Precondition::NotModified;
        }
    } else if let Some(since) = header_date(headers, &IF_MODIFIED_SINCE) {
        if validators.last_modified <= since {
            return Precondition::NotModified;
        }
    }
    Precondition::Proceed
}

/// Whether a `Range` may be honoured under `If-Range` (RFC 9110 §13.1.5): absent, a strong
/// match of the ETag, or exactly the `Last-Modified` date. Otherwise the whole
/// representation is sent.
pub fn if_range_allows(headers: &HeaderMap, validators: Validators<'_>) -> bool {
    let Some(value) = header_text(headers, &IF_RANGE) else {
        return true;
    };
    let value = value.trim();
    if value.starts_with('"') || value.starts_with("W/") {
        return entity_tags(value).is_some_and(|tags| {
            tags.len() == 1 && !tags[0].0 && format!("\"{}\"", tags[0].1) == validators.etag
        });
    }
    httpdate::parse_http_date(value).is_ok_and(|date| date == validators.last_modified)
}

#[derive(Clone, Copy)]
enum Comparison {
    Strong,
    Weak,
}

fn matches_list(list: &str, etag: &str, comparison: Comparison) -> bool {
    if list.trim() == "*" {
        return true;
    }
    let Some(opaque) = etag.strip_prefix('"').and_then(|e| e.strip_suffix('"')) else {
        return false;
    };
    let mut found = false;
    let well_formed = for_each_entity_tag(list, |weak, tag| {
        found |= tag == opaque && (matches!(comparison, Comparison::Weak) || !weak);
    });
    well_formed.is_some() && found
}

/// Parses a comma-separated list of entity tags (`W/"a", "b,c"`): `(weak, opaque)` pairs,
/// or `None` when the list is malformed.
fn entity_tags(list: &str) -> Option<Vec<(bool, &str)>> {
    let mut tags = Vec::new();
    for_each_entity_tag(list, |weak, tag| tags.push((weak, tag)))?;
    Some(tags)
}

/// Hands each `(weak, opaque)` tag of a comma-separated list to `visit`, in order; `None`
/// when the list is malformed (after visiting the tags before the fault). Allocates nothing,
/// so a `304` check costs no vector.
fn for_each_entity_tag<'a>(list: &'a str, mut visit: impl FnMut(bool, &'a str)) -> Option<()> {
    let mut rest = list;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return Some(());
        }
        let weak = rest.starts_with("W/");
        if weak {
            rest = &rest[2..];
        }
        rest = rest.strip_prefix('"')?;
        let close = rest.as_bytes().iter().position(|&byte| byte == b'"')?;
        visit(weak, &rest[..close]);
        rest = &rest[close + 1..];
        if !rest.is_empty() && !rest.starts_with([' ', '\t', ',']) {
            return None;
        }
    }
}

fn header_text<'a>(
    headers: &'a HeaderMap,
    name: &shallot_core::http::HeaderName,
) -> Option<&'a str> {
    shallot_core::find_header(headers, name).and_then(|v| v.to_str().ok())
}

fn header_date(headers: &HeaderMap, name: &shallot_core::http::HeaderName) -> Option<SystemTime> {
    header_text(headers, name).and_then(|v| httpdate::parse_http_date(v.trim()).ok())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    const ETAG: &str = "\"abc\"";

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn date(seconds: u64) -> String {
        httpdate::fmt_http_date(at(seconds))
    }

    fn check(headers: &[(&str, String)]) -> Precondition {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                shallot_core::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        evaluate(
            &map,
            Validators {
                etag: ETAG,
                last_modified: at(1_000_000),
            },
        )
    }

    #[test]
    fn preconditions_follow_rfc_9110_precedence() {
        use Precondition::{Failed, NotModified, Proceed};
        let s = |v: &str| v.to_owned();
        for (headers, expected) in [
            (vec![], Proceed),
            (vec![("if-none-match", s("\"abc\""))], NotModified),
            (vec![("if-none-match", s("W/\"abc\""))], NotModified),
            (vec![("if-none-match", s("\"x\", \"abc\""))], NotModified),
            (vec![("if-none-match", s("*"))], NotModified),
            (vec![("if-none-match", s("\"other\""))], Proceed),
            (vec![("if-none-match", s("abc"))], Proceed),
            // A list malformed after a matching tag is ignored whole.
            (vec![("if-none-match", s("\"abc\", x"))], Proceed),
            (vec![("if-none-match", s("\"abc\"x"))], Proceed),
            (
                vec![("if-none-match", s("\"abc\", \"unterminated"))],
                Proceed,
            ),
            (vec![("if-modified-since", date(1_000_000))], NotModified),
            (vec![("if-modified-since", date(2_000_000))], NotModified),
            (vec![("if-modified-since", date(999_999))], Proceed),
            (vec![("if-modified-since", s("yesterday"))], Proceed),
            // If-None-Match wins over If-Modified-Since, both ways.
            (
                vec![
                    ("if-none-match", s("\"other\"")),
                    ("if-modified-since", date(2_000_000)),
                ],
                Proceed,
            ),
            (
                vec![
                    ("if-none-match", s("\"abc\"")),
                    ("if-modified-since", date(1)),
                ],
                NotModified,
            ),
            (vec![("if-match", s("\"abc\""))], Proceed),
            (vec![("if-match", s("*"))], Proceed),
            (vec![("if-match", s("W/\"abc\""))], Failed),
            (vec![("if-match", s("\"other\""))], Failed),
            (vec![("if-unmodified-since", date(999_999))], Failed),
            (vec![("if-unmodified-since", date(1_000_000))], Proceed),
            // If-Match wins over If-Unmodified-Since.
            (
                vec![("if-match", s("\"abc\"")), ("if-unmodified-since", date(1))],
                Proceed,
            ),
        ] {
            assert_eq!(check(&headers), expected, "{headers:?}");
        }
    }

    #[test]
    fn if_range_needs_a_strong_etag_match_or_the_exact_date() {
        let validators = Validators {
            etag: ETAG,
            last_modified: at(1_000_000),
        };
        for (value, allows) in [
            ("\"abc\"".to_owned(), true),
            ("W/\"abc\"".to_owned(), false),
            ("\"other\"".to_owned(), false),
            (date(1_000_000), true),
            (date(1_000_001), false),
            ("garbage".to_owned(), false),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(IF_RANGE, value.parse().unwrap());
            assert_eq!(if_range_allows(&headers, validators), allows, "{value}");
        }
        assert!(if_range_allows(&HeaderMap::new(), validators));
    }

    #[test]
    fn entity_tag_lists_parse_with_commas_inside_quotes() {
        assert_eq!(
            entity_tags("\"a,b\", W/\"c\""),
            Some(vec![(false, "a,b"), (true, "c")])
        );
        assert_eq!(entity_tags("\"a\"x"), None);
        assert_eq!(entity_tags("\"unterminated"), None);
    }
}
