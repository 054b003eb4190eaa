/// What a `Range` header asks of a representation of `len` bytes (RFC 9110 §14.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// No usable range: answer the whole representation (no header, another unit, bad
    /// syntax, or several ranges, which this crate answers whole rather than as
    /// multipart/byteranges).
    Whole,
    /// One satisfiable range, inclusive bounds.
    Partial {
        /// The first byte.
        start: u64,
        /// The last byte, inclusive.
        end: u64,
    },
    /// A well-formed range that selects nothing: `416` with `Content-Range: bytes */len`.
    Unsatisfiable,
}

/// Reads a `Range` header for a representation of `len` bytes.
pub fn parse_range(header: &str, len: u64) -> RangeRequest {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return RangeRequest::Whole;
    };
    let spec = spec.trim();
    if spec.contains(',') {
        return RangeRequest::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return RangeRequest::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match (first.is_empty(), last.is_empty()) {
        // `-N`: the last N bytes.
        (true, false) if digits(last) => {
            let Ok(suffix) = last.parse::<u64>() else {
                return RangeRequest::Whole;
            };
            if suffix == 0 || len == 0 {
                return RangeRequest::Unsatisfiable;
            }
            RangeRequest::Partial {
                start: len.saturating_sub(suffix),
                end: len - 1,
            }
        }
        // `N-` or `N-M`.
        (false, _) if digits(first) && (last.is_empty() || digits(last)) => {
            let Ok(start) = first.parse::<u64>() else {
                // A start too large for u64 is past any real file.
                return RangeRequest::Unsatisfiable;
            };
            // An end past u64 (or absent) means "to the end of the file".
            let end = last.parse::<u64>().unwrap_or(u64::MAX);
            if end < start {
                return RangeRequest::Whole;
            }
            if start >= len {
                return RangeRequest::Unsatisfiable;
            }
            RangeRequest::Partial {
                start,
                end: end.min(len - 1),
            }
        }
        _ => RangeRequest::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RangeRequest::{Partial, Unsatisfiable, Whole};

    #[test]
    fn ranges_follow_rfc_9110() {
        for (header, len, expected) in [
            ("bytes=0-0", 10, Partial { start: 0, end: 0 }),
            ("bytes=0-9", 10, Partial { start: 0, end: 9 }),
            ("bytes=2-5", 10, Partial { start: 2, end: 5 }),
            ("bytes=5-", 10, Partial { start: 5, end: 9 }),
            ("bytes=5-100", 10, Partial { start: 5, end: 9 }),
            ("bytes=-3", 10, Partial { start: 7, end: 9 }),
            ("bytes=-30", 10, Partial { start: 0, end: 9 }),
            (" bytes= 1 - 2 ", 10, Partial { start: 1, end: 2 }),
            (
                "bytes=0-99999999999999999999",
                10,
                Partial { start: 0, end: 9 },
            ),
            ("bytes=10-", 10, Unsatisfiable),
            ("bytes=10-20", 10, Unsatisfiable),
            ("bytes=99999999999999999999-", 10, Unsatisfiable),
            ("bytes=-0", 10, Unsatisfiable),
            ("bytes=0-", 0, Unsatisfiable),
            ("bytes=-5", 0, Unsatisfiable),
            ("bytes=5-2", 10, Whole),
            ("bytes=0-1,3-4", 10, Whole),
            ("items=0-1", 10, Whole),
            ("bytes=", 10, Whole),
            ("bytes=-", 10, Whole),
            ("bytes=a-b", 10, Whole),
            ("bytes=+1-2", 10, Whole),
            ("bytes=1", 10, Whole),
            ("", 10, Whole),
        ] {
            assert_eq!(parse_range(header, len), expected, "{header:?} of {len}");
        }
    }
}
