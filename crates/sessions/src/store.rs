use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::SessionId;

/// A session's data: a JSON object.
pub type SessionData = serde_json::Map<String, serde_json::Value>;

/// The future of a store operation.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A change applied to a session's data; may run more than once (a store that retries
/// after a concurrent change runs it on the fresh data), so it must only change the data.
pub type Change<'a> = &'a mut (dyn FnMut(&mut SessionData) + Send);

/// Where sessions live. Every operation that finds a session restarts its idle time (`ttl`).
///
/// Implement it for another database; [`MemoryStore`](crate::MemoryStore) and
/// `RedisStore` (feature `redis`) are the two kept here.
pub trait Store: Send + Sync + 'static {
    /// The session's data, when it exists and has not expired; restarts its idle time.
    fn load<'a>(&'a self, id: &'a SessionId, ttl: Duration)
        -> StoreFuture<'a, Option<SessionData>>;

    /// Applies `change` atomically (no concurrent update is lost) to an existing session and
    /// returns the new data; `None` when the session does not exist (nothing is created).
    fn update<'a>(
        &'a self,
        id: &'a SessionId,
        ttl: Duration,
        change: Change<'a>,
    ) -> StoreFuture<'a, Option<SessionData>>;

    /// Creates a session with a new id; `false` when the id is taken (never in practice).
    fn create<'a>(
        &'a self,
        id: &'a SessionId,
        data: &'a SessionData,
        ttl: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Moves a session to a new id, atomically: afterwards the old id finds nothing.
    /// `false` when there was no session under `from`.
    fn rename<'a>(
        &'a self,
        from: &'a SessionId,
        to: &'a SessionId,
        ttl: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Deletes a session (nothing when it does not exist).
    fn delete<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, ()>;
}

/// A store that cannot answer: unreachable, too slow, or answering nonsense.
#[derive(Debug)]
pub struct StoreError(pub Box<dyn std::error::Error + Send + Sync>);

impl StoreError {
    /// Wraps any error.
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(error.into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "session store: {}", self.0)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}
