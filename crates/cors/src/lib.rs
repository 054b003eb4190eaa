#![doc = include_str!("../README.md")]

mod cors_error;
mod cors_middleware;
mod policy;

pub use cors_error::CorsError;
pub use cors_middleware::{cors_request, cors_response, wrap_cors, CorsMiddleware};
