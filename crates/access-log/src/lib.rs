#![doc = include_str!("../README.md")]

mod access_log_middleware;
mod log_writer;
mod timestamp;

pub use access_log_middleware::{
    access_log_response, wrap_access_log, AccessLogMiddleware, AccessRecord, FLUSH_TIMEOUT,
};
pub use log_writer::{LogWriter, MemoryLines};
