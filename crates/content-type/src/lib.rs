#![doc = include_str!("../README.md")]

mod content_type_middleware;
mod guess;

pub use content_type_middleware::{
    content_type_response, wrap_content_type, ContentTypeMiddleware, InvalidContentType,
};
pub use guess::{guess_content_type, path_extension};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
