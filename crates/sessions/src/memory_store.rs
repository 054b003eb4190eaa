use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::store::{Change, SessionData, Store, StoreFuture};
use crate::SessionId;

/// Sessions in the process's memory: the default. Changes run under the store's lock, so
/// none is lost; expired sessions are dropped as they are met and swept when the map
/// grows. Sessions do not survive a restart and are not shared between processes (use
/// `RedisStore` for that).
#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: Mutex<Sessions>,
}

#[derive(Debug, Default)]
struct Sessions {
    map: HashMap<SessionId, Entry>,
    /// The size after the last sweep: the next one comes when the map has doubled.
    swept_at: usize,
}

#[derive(Debug)]
struct Entry {
    data: SessionData,
    expires: Instant,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many sessions are held (expired ones not yet swept included).
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Sessions> {
        // A panic while holding the lock leaves a consistent map (every change is one insert).
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The live entry of `id`, its expiry restarted; an expired one is removed.
    fn live<'s>(
        sessions: &'s mut Sessions,
        id: &SessionId,
        ttl: Duration,
    ) -> Option<&'s mut Entry> {
        let now = Instant::now();
        if sessions
            .map
            .get(id)
            .is_some_and(|entry| entry.expires <= now)
        {
            sessions.map.remove(id);
            return None;
        }
        let entry = sessions.map.get_mut(id)?;
        entry.expires = now + ttl;
        Some(entry)
    }
}

impl Sessions {
    fn insert(&mut self, id: SessionId, entry: Entry) {
        self.map.insert(id, entry);
        if self.map.len() > (2 * self.swept_at).max(1024) {
            let now = Instant::now();
            self.map.retain(|_, entry| entry.expires > now);
            self.swept_at = self.map.len();
        }
    }
}

fn ready<'a, T: Send + 'a>(value: T) -> StoreFuture<'a, T> {
    Box::pin(std::future::ready(Ok(value)))
}

impl Store for MemoryStore {
    fn load<'a>(
        &'a self,
        id: &'a SessionId,
        ttl: Duration,
    ) -> StoreFuture<'a, Option<SessionData>> {
        let mut sessions = self.lock();
        ready(Self::live(&mut sessions, id, ttl).map(|entry| entry.data.clone()))
    }

    fn update<'a>(
        &'a self,
        id: &'a SessionId,
        ttl: Duration,
        change: Change<'a>,
    ) -> StoreFuture<'a, Option<SessionData>> {
        let mut sessions = self.lock();
        ready(Self::live(&mut sessions, id, ttl).map(|entry| {
            change(&mut entry.data);
            entry.data.clone()
        }))
    }

    fn create<'a>(
        &'a self,
        id: &'a SessionId,
        data: &'a SessionData,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        let mut sessions = self.lock();
        if Self::live(&mut sessions, id, ttl).is_some() {
            return ready(false);
        }
        sessions.insert(
            id.clone(),
            Entry {
                data: data.clone(),
                expires: Instant::now() + ttl,
            },
        );
        ready(true)
    }

    fn rename<'a>(
        &'a self,
        from: &'a SessionId,
        to: &'a SessionId,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        let mut sessions = self.lock();
        if Self::live(&mut sessions, from, ttl).is_none() {
            return ready(false);
        }
        let entry = sessions.map.remove(from).expect("checked live just above");
        sessions.insert(to.clone(), entry);
        ready(true)
    }

    fn delete<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, ()> {
        self.lock().map.remove(id);
        ready(())
    }
}
