use shallot_core::http::HeaderValue;

/// The extension of the last segment of a URL path, without the dot: `/a/b.tar.gz` → `gz`.
/// A leading dot (`/.env`) is a hidden file, not an extension.
pub fn path_extension(path: &str) -> Option<&str> {
    // One backward scan of the bytes for the last `.` or `/` (it runs on every request; a
    // `char` pattern's searcher cost more than the short paths it scans).
    let bytes = path.as_bytes();
    let dot = bytes.iter().rposition(|&b| b == b'.' || b == b'/')?;
    if bytes[dot] == b'/' || dot == 0 || bytes[dot - 1] == b'/' {
        return None;
    }
    // `.` is ASCII, so `dot + 1` is a character boundary.
    let extension = &path[dot + 1..];
    (!extension.is_empty()).then_some(extension)
}

/// The content type of a file extension from mime_guess's table, with `; charset=utf-8` on
/// text types (their bytes are meant as UTF-8 by this toolkit, RFC 6657 §4).
pub fn guess_content_type(extension: &str) -> Option<HeaderValue> {
    let mime = mime_guess::from_ext(extension).first_raw()?;
    Some(with_charset(mime))
}

/// `text/*` and JavaScript get `; charset=utf-8`; other types are taken as they are.
pub(crate) fn with_charset(mime: &str) -> HeaderValue {
    let needs_charset = (mime.starts_with("text/") || mime == "application/javascript")
        && !mime.contains("charset");
    let value = if needs_charset {
        HeaderValue::from_str(&format!("{mime}; charset=utf-8"))
    } else {
        HeaderValue::from_str(mime)
    };
    value.unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_come_from_the_last_segment() {
        for (path, extension) in [
            ("/a/b.txt", Some("txt")),
            ("/a/b.tar.gz", Some("gz")),
            ("/a.dir/b", None),
            ("/.env", None),
            ("/a/", None),
            ("/a.", None),
            ("/", None),
            ("/x.JSON", Some("JSON")),
            ("b.txt", Some("txt")),
            (".env", None),
            ("", None),
            ("/a/.b.c", Some("c")),
            ("/a/..", None),
            ("/é.ü", Some("ü")),
        ] {
            assert_eq!(path_extension(path), extension, "{path}");
        }
    }

    #[test]
    fn common_extensions_have_their_types_and_text_gets_a_charset() {
        for (extension, content_type) in [
            ("html", Some("text/html; charset=utf-8")),
            ("css", Some("text/css; charset=utf-8")),
            ("txt", Some("text/plain; charset=utf-8")),
            ("js", Some("text/javascript; charset=utf-8")),
            ("json", Some("application/json")),
            ("png", Some("image/png")),
            ("PNG", Some("image/png")),
            ("svg", Some("image/svg+xml")),
            ("wasm", Some("application/wasm")),
            ("unknownext", None),
        ] {
            let got = guess_content_type(extension);
            assert_eq!(
                got.as_ref().map(|v| v.to_str().unwrap()),
                content_type,
                "{extension}"
            );
        }
    }
}
