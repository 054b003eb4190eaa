#![doc = include_str!("../README.md")]

mod event;
mod sse_response;

pub use event::Event;
pub use sse_response::{sse, sse_from_iter, sse_with_keep_alive, SseExt, TEXT_EVENT_STREAM};
