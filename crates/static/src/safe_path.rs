use std::borrow::Cow;
use std::path::PathBuf;

use percent_encoding::percent_decode_str;

/// Turns the part of a URL path after the mount prefix into a relative file path, or refuses
/// it. This is the first line of defence against traversal; the second is resolving the
/// result and checking it stays under the folder.
///
/// Refused: an encoded separator (`%2F`, `%5C`), anything that is not UTF-8 once decoded
/// (overlong encodings included), NUL and other control bytes, backslashes, `.` and `..`
/// segments, and `:` (drive letters, alternate data streams). The path is decoded exactly
/// once, so `%252e%252e` is the literal name `%2e%2e`, not `..`.
pub fn relative_path(rest: &str) -> Option<PathBuf> {
    if !rest.is_empty() && !rest.starts_with('/') {
        return None;
    }
    // Without a `%` there is nothing to decode (and no encoded separator): the text is the
    // path, and the common request skips a lowercased copy and a second UTF-8 check.
    let decoded = if rest.as_bytes().contains(&b'%') {
        let lower = rest.to_ascii_lowercase();
        if lower.contains("%2f") || lower.contains("%5c") {
            return None;
        }
        percent_decode_str(rest).decode_utf8().ok()?
    } else {
        Cow::Borrowed(rest)
    };
    let refused = if decoded.is_ascii() {
        decoded.bytes().any(|b| b.is_ascii_control() || b == b'\\')
    } else {
        decoded.chars().any(|c| c.is_control() || c == '\\')
    };
    if refused {
        return None;
    }
    let mut path = PathBuf::with_capacity(decoded.len());
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." || segment.as_bytes().contains(&b':') {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths_map_to_relative_paths() {
        for (rest, path) in [
            ("", ""),
            ("/", ""),
            ("/index.html", "index.html"),
            ("/css/style.css", "css/style.css"),
            ("/a%20b.txt", "a b.txt"),
            ("/caf%C3%A9.txt", "café.txt"),
            ("//double//slash", "double/slash"),
            ("/%252e%252e/x", "%2e%2e/x"),
            ("/..;/x", "..;/x"),
            ("/.hidden", ".hidden"),
            ("/a..b", "a..b"),
            ("/%41.txt", "A.txt"),
            ("/%e2%98%83/x", "☃/x"),
        ] {
            assert_eq!(relative_path(rest), Some(PathBuf::from(path)), "{rest}");
        }
    }

    #[test]
    fn every_traversal_class_is_refused() {
        for rest in [
            "/..",
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/.%2e/x",
            "/%2e./x",
            "/a%2f..%2f..%2fetc",
            "/a%2F..",
            "/..%5c..%5cwindows",
            "/..\\..\\windows",
            "/a\\b",
            "/%c0%ae%c0%ae/etc/passwd",
            "/%e0%80%ae/x",
            "/%ff",
            "/file%00.txt",
            "/file\u{0}",
            "/x%0a",
            "/C:/Windows/win.ini",
            "/c:%5cboot.ini",
            "/file.txt::$DATA",
            "/x\u{7f}",
            "/x\u{85}",
            "/x%c2%85",
            "/%3a",
            "/.",
            "/./x",
            "relative",
        ] {
            assert_eq!(relative_path(rest), None, "{rest} must be refused");
        }
    }
}
