//! `content-length` for HTTP/2 answers without an allocation per answer.
//!
//! On HTTP/2 hyper adds `content-length` from a whole body's size with
//! `HeaderValue::from(u64)`, which allocates twice (the digits, then a shared record) on every
//! answer; HTTP/1 writes the digits straight into its buffer. The adapter sets the header first,
//! from one table of the decimal numbers below [`TABLE_UP_TO`] made once per process, so a
//! value costs no allocation and no reference count (docs/performance.md).

use std::sync::OnceLock;

use http::header::CONTENT_LENGTH;
use http::{HeaderMap, HeaderValue};

/// Lengths below this come from the table (38,890 bytes of digits); others are formatted.
const TABLE_UP_TO: u64 = 10_000;

/// Sets `content-length: len` unless the answer has one: what hyper's HTTP/2 server would add.
pub(crate) fn set_content_length_if_missing(headers: &mut HeaderMap, len: u64) {
    if !shallot_core::has_header(headers, &CONTENT_LENGTH) {
        headers.insert(CONTENT_LENGTH, length_value(len));
    }
}

/// `len` in decimal as a header value.
fn length_value(len: u64) -> HeaderValue {
    if len >= TABLE_UP_TO {
        return HeaderValue::from(len);
    }
    static DIGITS: OnceLock<String> = OnceLock::new();
    let digits: &'static str =
        DIGITS.get_or_init(|| (0..TABLE_UP_TO).map(|n| n.to_string()).collect());
    // Numbers of one width are contiguous: 0–9 take one byte each from 0, 10–99 two bytes
    // each from 10, 100–999 three from 190, 1,000–9,999 four from 2,890.
    let (width, first, start) = match len {
        0..10 => (1, 0, 0),
        10..100 => (2, 10, 10),
        100..1000 => (3, 100, 190),
        _ => (4, 1000, 2890),
    };
    let at = start + (len - first) as usize * width;
    HeaderValue::from_static(&digits[at..at + width])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_reads_as_its_decimal_digits() {
        for len in (0..TABLE_UP_TO + 20).chain([65_535, 1 << 30, u64::MAX]) {
            assert_eq!(
                length_value(len).to_str().unwrap(),
                len.to_string(),
                "{len}"
            );
        }
    }

    #[test]
    fn an_answers_own_length_is_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("7"));
        set_content_length_if_missing(&mut headers, 3);
        assert_eq!(headers[CONTENT_LENGTH], "7");
        let mut headers = HeaderMap::new();
        set_content_length_if_missing(&mut headers, 1234);
        assert_eq!(headers[CONTENT_LENGTH], "1234");
    }
}
