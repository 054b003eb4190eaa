use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use shallot_core::http::HeaderValue;

/// URL-safe base 64 digits: all in the `A-Z a-z 0-9 . _ -` alphabet of valid ids.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Whether `id` may be kept as a request id: 1 to 64 characters from `A-Z a-z 0-9 . _ -`.
///
/// # Examples
///
/// ```
/// use shallot_request_id::is_valid_request_id;
///
/// assert!(is_valid_request_id(b"checkout-42.retry_1"));
/// assert!(!is_valid_request_id(b""));
/// assert!(!is_valid_request_id(b"two words"));
/// assert!(!is_valid_request_id(&[b'a'; 65]));
/// ```
pub fn is_valid_request_id(id: &[u8]) -> bool {
    (1..=64).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A new request id: 24 characters, 11 from a random per-process prefix and 13 from a
/// counter, so ids never repeat within a process and practically never across processes.
///
/// # Examples
///
/// ```
/// use shallot_request_id::{is_valid_request_id, new_request_id};
///
/// let (a, b) = (new_request_id(), new_request_id());
/// assert_ne!(a, b);
/// assert!(is_valid_request_id(a.as_bytes()) && a.len() == 24);
/// ```
pub fn new_request_id() -> HeaderValue {
    static PREFIX: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = *PREFIX.get_or_init(|| RandomState::new().hash_one(std::process::id()));
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut id = [0u8; 24];
    write_digits(&mut id[..11], prefix);
    write_digits(&mut id[11..], count);
    HeaderValue::from_bytes(&id).expect("base 64 digits are valid header text")
}

/// Writes `value` in base 64 into `out`, most significant digit first.
fn write_digits(out: &mut [u8], mut value: u64) {
    for digit in out.iter_mut().rev() {
        *digit = DIGITS[(value & 63) as usize];
        value >>= 6;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_digits_are_positional() {
        let mut out = [0u8; 3];
        write_digits(&mut out, 64 + 2);
        assert_eq!(&out, b"ABC");
    }

    #[test]
    fn ten_thousand_ids_are_distinct_and_valid() {
        let ids: std::collections::HashSet<_> = (0..10_000).map(|_| new_request_id()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|id| is_valid_request_id(id.as_bytes())));
    }
}
