#![doc = include_str!("../README.md")]

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
