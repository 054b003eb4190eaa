use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use shallot_core::bytes::{Bytes, BytesMut};
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
    static PREFIX: OnceLock<[u8; 11]> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        let mut digits = [0; 11];
        write_digits(&mut digits, RandomState::new().hash_one(std::process::id()));
        digits
    });
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut id = [0u8; ID_LEN];
    id[..11].copy_from_slice(prefix);
    write_digits(&mut id[11..], count);
    header_value(&id)
}

const ID_LEN: usize = 24;

/// How many ids share one allocation.
const IDS_PER_BLOCK: usize = 64;

/// `id` as a header value cut from a block shared with the thread's next ids: one allocation
/// per 64 ids instead of two per id (its bytes, then the shared record its first clone makes),
/// and clones that only count references. A block lives while one of its ids does (1.5 KiB at
/// most per id kept).
fn header_value(id: &[u8; ID_LEN]) -> HeaderValue {
    thread_local! {
        static BLOCK: Cell<Option<BytesMut>> = const { Cell::new(None) };
    }
    let cut = BLOCK.try_with(|cell| {
        let mut block = cell.take().unwrap_or_default();
        if block.capacity() < ID_LEN {
            block = BytesMut::with_capacity(ID_LEN * IDS_PER_BLOCK);
        }
        block.extend_from_slice(id);
        let value = block.split().freeze();
        cell.set(Some(block));
        value
    });
    // A thread being torn down has no block: the id gets bytes of its own.
    let bytes = cut.unwrap_or_else(|_| Bytes::copy_from_slice(id));
    HeaderValue::from_maybe_shared(bytes).expect("base 64 digits are valid header text")
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
    fn ids_cut_from_shared_blocks_keep_their_own_bytes() {
        // Several blocks' worth, all kept alive, on two threads: no id overwrites another.
        let ids: Vec<HeaderValue> = std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                (0..IDS_PER_BLOCK * 3)
                    .map(|_| new_request_id())
                    .collect::<Vec<_>>()
            });
            let mut ids: Vec<_> = (0..IDS_PER_BLOCK * 3 + 1)
                .map(|_| new_request_id())
                .collect();
            ids.extend(other.join().unwrap());
            ids
        });
        let texts: std::collections::HashSet<_> = ids
            .iter()
            .map(|id| id.to_str().unwrap().to_owned())
            .collect();
        assert_eq!(texts.len(), ids.len());
        assert!(ids
            .iter()
            .all(|id| id.len() == ID_LEN && is_valid_request_id(id.as_bytes())));
        // A clone is the same id, and outlives the original.
        let (id, copy) = {
            let id = new_request_id();
            (id.to_str().unwrap().to_owned(), id.clone())
        };
        assert_eq!(copy, id.as_str());
    }

    #[test]
    fn ten_thousand_ids_are_distinct_and_valid() {
        let ids: std::collections::HashSet<_> = (0..10_000).map(|_| new_request_id()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|id| is_valid_request_id(id.as_bytes())));
    }
}
