#![doc = include_str!("../README.md")]

mod compressed_body;
mod compression_middleware;
mod encoder;

pub use compression_middleware::{
    compression_response, is_compressible, wrap_compression, CompressionMiddleware,
};
pub use encoder::Coding;
