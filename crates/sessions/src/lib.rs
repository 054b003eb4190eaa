#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod memory_store;
#[cfg(feature = "redis")]
mod redis_store;
mod session;
mod session_id;
mod sessions_middleware;
mod store;

pub use memory_store::MemoryStore;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis_store::RedisStore;
pub use session::{Session, SessionError};
pub use session_id::{presented_session_id, SessionId, SESSION_ID_LEN};
pub use sessions_middleware::{
    sessions_request, sessions_response, wrap_memory_sessions, wrap_sessions, SessionsExt,
    SessionsMiddleware,
};
pub use store::{Change, SessionData, Store, StoreError, StoreFuture};
