//! Static files for shallot: safe against traversal, cache-aware (ETag, Last-Modified, 304),
//! range-capable (206, 416), streaming large files with constant memory.
//!
//! ```
//! use shallot_core::{chain_middleware, test, HttpError, Request};
//! use shallot_static::wrap_static;
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let folder = std::env::temp_dir().join(format!("shallot-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&folder).unwrap();
//! std::fs::write(folder.join("hello.txt"), "hello from a file\n").unwrap();
//!
//! let app = chain_middleware((test::lint(), wrap_static("/static", &folder).unwrap()))
//!     .apply(|_req: Request| async { HttpError::not_found() });
//!
//! let res = test::get("/static/hello.txt").send(&app).await;
//! res.assert_status(200)
//!     .assert_header("content-type", "text/plain; charset=utf-8")
//!     .assert_header("accept-ranges", "bytes")
//!     .assert_body("hello from a file\n");
//!
//! // The ETag revalidates; a range gets a part; the rest of the URL space goes on.
//! let etag = res.header("etag").unwrap().to_owned();
//! test::get("/static/hello.txt").header("if-none-match", &etag).send(&app).await.assert_status(304);
//! test::get("/static/hello.txt")
//!     .header("range", "bytes=0-4")
//!     .send(&app)
//!     .await
//!     .assert_status(206)
//!     .assert_header("content-range", "bytes 0-4/18")
//!     .assert_body("hello");
//! test::get("/static/../Cargo.toml").send(&app).await.assert_status(404);
//! # std::fs::remove_dir_all(&folder).unwrap();
//! # }
//! ```
//!
//! # Behaviour
//!
//! | condition | answer |
//! |---|---|
//! | `GET` of a file under the prefix | `200`, `content-type` from the extension (`application/octet-stream` when unknown), `ETag`, `Last-Modified`, `Accept-Ranges: bytes`, `content-length` |
//! | `HEAD` | the same headers, no body |
//! | a folder | its `index.html` (configurable) |
//! | `If-None-Match` matching (weak comparison, lists, `*`), or else `If-Modified-Since` not older than the file | `304`, no body, validators kept |
//! | `If-Match` not matching (strong comparison), or else `If-Unmodified-Since` older than the file | `412`, `Precondition Failed` |
//! | `Range: bytes=a-b`, `a-` or `-n`, satisfiable | `206`, `Content-Range: bytes a-b/len` |
//! | a range starting past the end, `-0`, any range of an empty file | `416`, `Content-Range: bytes */len`, `Range Not Satisfiable` |
//! | several ranges, another unit, bad syntax, or `If-Range` not matching | the whole file, `200` (multipart/byteranges is not produced) |
//! | no such file, a refused path, another method | on down the chain (or `404 Not Found`, see [`NotFound`]) |
//! | precompressed on, `file.br` / `file.gz` present and accepted | that file, `Content-Encoding`, `Vary: accept-encoding` |
//!
//! Files up to 1 MiB are read whole (their ETag includes a content hash); larger ones are
//! streamed in 256 KiB chunks ([`CHUNK_SIZE`]) as the client reads, with their length known up
//! front.
//!
//! # Threat model
//!
//! The client controls the URL path. It must never make the server read a byte outside the
//! folder, whatever the encoding. Defences, in order:
//!
//! 1. The path under the prefix is percent-decoded exactly once. Refused outright: encoded
//!    separators (`%2F`, `%5C`), anything that is not UTF-8 once decoded (overlong encodings
//!    such as `%C0%AE` included), NUL and control characters, backslashes, `.` and `..`
//!    segments, and `:` anywhere (drive letters, NTFS alternate data streams).
//!    Double encoding (`%252e%252e`) decodes to a literal name, never to `..`.
//! 2. The folder is canonicalized when the middleware is built; each request's path is
//!    canonicalized (every symlink resolved) and refused unless it still lies under the
//!    folder, unless [`Symlinks::Follow`] says links may lead out. A folder's index is checked
//!    the same way, and so is a precompressed sibling.
//! 3. Only regular files are served: not devices, sockets or FIFOs.
//!
//! Out of scope: a local user who swaps a path component for a symlink between the check and
//! the open (TOCTOU) can win a race; a folder writable by untrusted users is not a safe
//! folder to serve. Hidden files (`.env`) inside the folder are served like any other.
//!
//! # Options
//!
//! [`StaticMiddleware::with_index`], [`with_not_found`](StaticMiddleware::with_not_found),
//! [`with_symlinks`](StaticMiddleware::with_symlinks),
//! [`with_cache_control`](StaticMiddleware::with_cache_control),
//! [`with_precompressed`](StaticMiddleware::with_precompressed),
//! [`with_content_type`](StaticMiddleware::with_content_type).
//!
//! # Ordering
//!
//! Early, before the router: files answer without paying for routing, and a missing file
//! falls through to the routes. Inside the content-type middleware, which leaves the type
//! this crate set alone.

mod accept_encoding;
mod byte_range;
mod conditional;
mod error;
mod file_answer;
mod file_cache;
mod file_chunks;
mod resolve;
mod safe_path;
mod static_middleware;
mod validators;

pub use error::Error;
pub use file_cache::FileCache;

/// The crate's parsers of client input, for the fuzz targets in `fuzz/`. Not part of the
/// API: hidden from the docs and free to change.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::byte_range::{parse_range, RangeRequest};
    pub use crate::conditional::{evaluate, if_range_allows, Precondition, Validators};
    pub use crate::safe_path::relative_path;
}
pub use static_middleware::{
    wrap_static, FileIo, NotFound, StaticMiddleware, Symlinks, CHUNK_SIZE, WHOLE_READ_LIMIT,
};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
