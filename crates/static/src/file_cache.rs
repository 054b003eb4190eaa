use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use shallot_core::http::HeaderValue;

use crate::file_answer::FileHead;

/// Small files kept in memory, with their headers and validators worked out once, like
/// nginx's `open_file_cache` (off by default; turn it on with
/// [`StaticMiddleware::with_file_cache`](crate::StaticMiddleware::with_file_cache)).
///
/// A cached file is answered without a file-system call, an ETag hash or a date to format:
/// the bytes and headers in memory are reused as they are. For [`FileCache::fresh_for`] after
/// it was looked up, a file is answered from memory **without looking at the disk**, so a file
/// changed or removed in that window is answered as it was (nginx's `open_file_cache_valid`
/// makes the same trade; keep the window short, or leave the cache off, for folders that change
/// while served). After the window, the next request looks the file up again with every rule
/// of an uncached request (the folder, symlinks, the index file, precompressed siblings) and
/// replaces the entry, or drops it when the file is gone. The bytes served from memory were
/// always read through those rules, so nothing outside the folder is ever served from it.
///
/// Only files up to [`FileCache::max_file_bytes`] are kept, up to
/// [`FileCache::max_total_bytes`] in all; when full, entries past their window make room, and
/// otherwise a new file is served without being kept.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use shallot_static::{wrap_static, FileCache};
///
/// # let folder = std::env::temp_dir();
/// let files = wrap_static("/static", folder)?
///     .with_file_cache(FileCache::new().with_fresh_for(Duration::from_secs(1)));
/// # Ok::<(), shallot_static::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileCache {
    max_file_bytes: u64,
    max_total_bytes: u64,
    fresh_for: Duration,
}

impl Default for FileCache {
    fn default() -> Self {
        Self {
            max_file_bytes: 64 * 1024,
            max_total_bytes: 32 * 1024 * 1024,
            fresh_for: Duration::from_secs(1),
        }
    }
}

impl FileCache {
    /// Files up to 64 KiB, 32 MiB in all, each answered from memory for 1 s after its lookup.
    pub fn new() -> Self {
        Self::default()
    }

    /// The largest file kept (default 64 KiB; at most
    /// [`WHOLE_READ_LIMIT`](crate::WHOLE_READ_LIMIT), the size read whole).
    #[must_use]
    pub fn with_max_file_bytes(mut self, bytes: u64) -> Self {
        self.max_file_bytes = bytes.min(crate::WHOLE_READ_LIMIT);
        self
    }

    /// The most bytes kept in all, counting each entry's path and headers (default 32 MiB).
    #[must_use]
    pub fn with_max_total_bytes(mut self, bytes: u64) -> Self {
        self.max_total_bytes = bytes;
        self
    }

    /// How long after its lookup a file is answered from memory without a look at the disk
    /// (default 1 s). `Duration::ZERO` looks every request up and keeps nothing from one
    /// request to the next.
    #[must_use]
    pub fn with_fresh_for(mut self, window: Duration) -> Self {
        self.fresh_for = window;
        self
    }

    /// The largest file kept.
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes
    }

    /// The most bytes kept in all.
    pub fn max_total_bytes(&self) -> u64 {
        self.max_total_bytes
    }

    /// How long after its lookup a file is answered from memory.
    pub fn fresh_for(&self) -> Duration {
        self.fresh_for
    }
}

/// What a request is cached under: the file asked for and, when precompressed siblings are
/// served, the `Accept-Encoding` that chose among them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    pub(crate) relative: PathBuf,
    pub(crate) accept_encoding: Option<HeaderValue>,
}

/// One file in memory.
#[derive(Debug)]
pub(crate) struct CachedFile {
    looked_up: Instant,
    pub(crate) head: FileHead,
    pub(crate) content: Bytes,
}

/// What [`Cache::get`] found.
#[derive(Debug)]
pub(crate) enum Held {
    /// A file looked up less than the window ago: the answer.
    Fresh(Arc<CachedFile>),
    /// A file past its window: to be looked up again, and replaced or forgotten.
    Stale,
    /// Nothing under the key.
    Nothing,
}

/// A [`FileCache`] in use: shared by every clone of the middleware.
#[derive(Debug)]
pub(crate) struct Cache {
    settings: FileCache,
    store: RwLock<Store>,
}

#[derive(Debug)]
struct Store {
    files: HashMap<CacheKey, Arc<CachedFile>>,
    bytes: u64,
    /// When stale entries were last swept out to make room: at most once per window, so a
    /// full cache under a churn of new files does not scan every entry on every miss.
    swept: Instant,
}

/// An entry's share of the budget: its bytes, path and headers, roughly.
fn cost(key: &CacheKey, file: &CachedFile) -> u64 {
    const HEADERS: u64 = 512;
    file.content.len() as u64 + key.relative.as_os_str().len() as u64 + HEADERS
}

impl Cache {
    pub(crate) fn new(settings: FileCache) -> Self {
        Self {
            settings,
            store: RwLock::new(Store {
                files: HashMap::new(),
                bytes: 0,
                swept: Instant::now(),
            }),
        }
    }

    /// What the cache holds under `key`.
    pub(crate) fn get(&self, key: &CacheKey) -> Held {
        let store = self
            .store
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match store.files.get(key) {
            Some(file) if file.looked_up.elapsed() < self.settings.fresh_for => {
                Held::Fresh(Arc::clone(file))
            }
            Some(_) => Held::Stale,
            None => Held::Nothing,
        }
    }

    #[cfg(test)]
    fn fresh(&self, key: &CacheKey) -> Option<Arc<CachedFile>> {
        match self.get(key) {
            Held::Fresh(file) => Some(file),
            Held::Stale | Held::Nothing => None,
        }
    }

    /// Whether a file of `len` bytes is kept.
    pub(crate) fn keeps(&self, len: usize) -> bool {
        len as u64 <= self.settings.max_file_bytes && !self.settings.fresh_for.is_zero()
    }

    /// Keeps a file just looked up, if it is small enough and there is room (replacing the
    /// entry under `key`); returns it for the answer either way. A file too big to keep leaves
    /// an older entry under `key` alone: the caller forgets it.
    pub(crate) fn keep(&self, key: CacheKey, head: FileHead, content: Bytes) -> Arc<CachedFile> {
        let kept = self.keeps(content.len());
        let file = Arc::new(CachedFile {
            looked_up: Instant::now(),
            head: if kept {
                head.with_not_modified_headers()
            } else {
                head
            },
            content,
        });
        if !kept {
            return file;
        }
        let mut store = self
            .store
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(old) = store.files.remove(&key) {
            store.bytes -= cost(&key, &old);
        }
        let needed = cost(&key, &file);
        let window = self.settings.fresh_for;
        if store.bytes + needed > self.settings.max_total_bytes && store.swept.elapsed() >= window {
            let Store {
                files,
                bytes,
                swept,
            } = &mut *store;
            *swept = Instant::now();
            files.retain(|key, file| {
                let keep = file.looked_up.elapsed() < window;
                if !keep {
                    *bytes -= cost(key, file);
                }
                keep
            });
        }
        if store.bytes + needed <= self.settings.max_total_bytes {
            store.bytes += needed;
            store.files.insert(key, Arc::clone(&file));
        }
        file
    }

    /// Drops the entry under `key` (its file is gone, or no longer kept).
    pub(crate) fn forget(&self, key: &CacheKey) {
        let mut store = self
            .store
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(old) = store.files.remove(key) {
            store.bytes -= cost(key, &old);
        }
    }

    #[cfg(test)]
    fn held(&self) -> (usize, u64) {
        let store = self
            .store
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (store.files.len(), store.bytes)
    }
}

#[cfg(test)]
mod tests {
    use shallot_core::http::HeaderMap;

    use super::*;
    use crate::file_answer::AnswerOptions;

    fn key(name: &str) -> CacheKey {
        CacheKey {
            relative: PathBuf::from(name),
            accept_encoding: None,
        }
    }

    fn head(len: usize) -> FileHead {
        let metadata = std::fs::metadata(env!("CARGO_MANIFEST_DIR")).expect("a folder");
        let options = AnswerOptions {
            cache_control: None,
            precompressed: false,
        };
        FileHead::new(
            &metadata,
            Some(&vec![b'x'; len]),
            HeaderMap::new(),
            &options,
        )
    }

    fn keep(cache: &Cache, name: &str, len: usize) {
        cache.keep(key(name), head(len), Bytes::from(vec![b'x'; len]));
    }

    #[test]
    fn a_kept_file_is_fresh_for_its_window_only() {
        let cache = Cache::new(FileCache::new().with_fresh_for(Duration::from_secs(3600)));
        keep(&cache, "a.txt", 10);
        assert!(cache.fresh(&key("a.txt")).is_some());
        assert!(cache.fresh(&key("b.txt")).is_none());

        let cache = Cache::new(FileCache::new().with_fresh_for(Duration::from_nanos(1)));
        keep(&cache, "a.txt", 10);
        std::thread::sleep(Duration::from_millis(1));
        assert!(cache.fresh(&key("a.txt")).is_none(), "past its window");
    }

    #[test]
    fn files_over_the_size_limit_and_a_zero_window_keep_nothing() {
        let cache = Cache::new(FileCache::new().with_max_file_bytes(100));
        keep(&cache, "small.txt", 100);
        keep(&cache, "big.txt", 101);
        assert!(cache.fresh(&key("small.txt")).is_some());
        assert!(cache.fresh(&key("big.txt")).is_none());
        assert_eq!(cache.held().0, 1);

        let cache = Cache::new(FileCache::new().with_fresh_for(Duration::ZERO));
        keep(&cache, "a.txt", 10);
        assert_eq!(cache.held(), (0, 0));
    }

    #[test]
    fn the_budget_is_kept_and_stale_entries_make_room() {
        let one = cost(
            &key("a.txt"),
            &CachedFile {
                looked_up: Instant::now(),
                head: head(1000),
                content: Bytes::from(vec![0; 1000]),
            },
        );
        let cache = Cache::new(
            FileCache::new()
                .with_max_total_bytes(2 * one)
                .with_fresh_for(Duration::from_secs(3600)),
        );
        keep(&cache, "a.txt", 1000);
        keep(&cache, "b.txt", 1000);
        keep(&cache, "c.txt", 1000);
        assert_eq!(
            cache.held(),
            (2, 2 * one),
            "full: the third is served, not kept"
        );
        assert!(cache.fresh(&key("c.txt")).is_none());
        // Keeping a file again replaces its entry rather than counting it twice.
        keep(&cache, "a.txt", 1000);
        assert_eq!(cache.held(), (2, 2 * one));
        cache.forget(&key("a.txt"));
        assert_eq!(cache.held(), (1, one));

        let cache = Cache::new(
            FileCache::new()
                .with_max_total_bytes(2 * one)
                .with_fresh_for(Duration::from_millis(1)),
        );
        keep(&cache, "a.txt", 1000);
        keep(&cache, "b.txt", 1000);
        std::thread::sleep(Duration::from_millis(2));
        keep(&cache, "c.txt", 1000);
        assert_eq!(
            cache.held(),
            (1, one),
            "the stale two made room for the third"
        );
    }
}
