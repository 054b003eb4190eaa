#![doc = include_str!("../README.md")]

mod multipart;
mod multipart_error;
mod multipart_ext;
mod multipart_middleware;
mod part;
mod safe_filename;

pub use multipart::Multipart;
pub use multipart_error::{MultipartError, MALFORMED_MULTIPART};
pub use multipart_ext::MultipartExt;
pub use multipart_middleware::{
    multipart_request, wrap_multipart, MultipartMiddleware, DEFAULT_MAX_FIELD_BYTES,
    DEFAULT_MAX_PARTS, NOT_MULTIPART, NO_BOUNDARY,
};
pub use part::Part;
pub use safe_filename::safe_filename;
