use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands as _, Script};

use crate::store::{Change, SessionData, Store, StoreError, StoreFuture};
use crate::SessionId;

/// How often an update is retried when another request changed the session in between.
const MAX_UPDATE_ATTEMPTS: usize = 64;

/// Sessions in Redis, shared by every process that uses the same Redis and kept across
/// restarts. Built on the `redis` crate's [`ConnectionManager`]: one multiplexed connection
/// that reconnects by itself after Redis went away.
///
/// Each session is one key (`{prefix}{id}`) holding its JSON, with Redis's own expiry as the
/// idle time. An update is optimistic: read, change, then a Lua script writes the new
/// value only if the stored one is still the one read (compare-and-set), else the change
/// runs again on the fresh value — so concurrent requests on one session lose no update,
/// on a multiplexed connection where `WATCH`/`MULTI` would not be safe.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    compare_and_set: Script,
    rename: Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `url` (`redis://host:port/db`), waiting at most `timeout` for the first
    /// connection and a `PING`.
    ///
    /// # Errors
    ///
    /// An invalid URL, or a Redis that does not answer within `timeout`.
    pub async fn connect(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(StoreError::new)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(timeout)
            .set_response_timeout(timeout)
            .set_number_of_retries(1)
            .set_max_delay(1000);
        let connect = async {
            let mut connection = ConnectionManager::new_with_config(client, config).await?;
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await?;
            Ok::<_, redis::RedisError>(connection)
        };
        let connection = tokio::time::timeout(timeout, connect)
            .await
            .map_err(|_| StoreError::new(format!("no answer from {url} within {timeout:?}")))?
            .map_err(StoreError::new)?;
        Ok(Self {
            connection,
            prefix: "shallot:session:".into(),
            compare_and_set: Script::new(
                r"local current = redis.call('GET', KEYS[1])
                  if not current then return -1 end
                  if current ~= ARGV[1] then return 0 end
                  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
                  return 1",
            ),
            rename: Script::new(
                r"if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
                  redis.call('RENAME', KEYS[1], KEYS[2])
                  redis.call('PEXPIRE', KEYS[2], ARGV[1])
                  return 1",
            ),
        })
    }

    /// Keys are `{prefix}{id}` (default `shallot:session:`).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn key(&self, id: &SessionId) -> String {
        format!("{}{}", self.prefix, id.as_str())
    }
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

fn parse(json: &str) -> Result<SessionData, StoreError> {
    serde_json::from_str(json).map_err(StoreError::new)
}

fn encode(data: &SessionData) -> String {
    serde_json::Value::Object(data.clone()).to_string()
}

impl Store for RedisStore {
    fn load<'a>(
        &'a self,
        id: &'a SessionId,
        ttl: Duration,
    ) -> StoreFuture<'a, Option<SessionData>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let json: Option<String> = connection
                .get_ex(self.key(id), redis::Expiry::PX(millis(ttl)))
                .await
                .map_err(StoreError::new)?;
            json.as_deref().map(parse).transpose()
        })
    }

    fn update<'a>(
        &'a self,
        id: &'a SessionId,
        ttl: Duration,
        change: Change<'a>,
    ) -> StoreFuture<'a, Option<SessionData>> {
        Box::pin(async move {
            let key = self.key(id);
            let mut connection = self.connection.clone();
            for _ in 0..MAX_UPDATE_ATTEMPTS {
                let current: Option<String> =
                    connection.get(&key).await.map_err(StoreError::new)?;
                let Some(current) = current else {
                    return Ok(None);
                };
                let mut data = parse(&current)?;
                change(&mut data);
                let written: i64 = self
                    .compare_and_set
                    .key(&key)
                    .arg(&current)
                    .arg(encode(&data))
                    .arg(millis(ttl))
                    .invoke_async(&mut connection)
                    .await
                    .map_err(StoreError::new)?;
                match written {
                    1 => return Ok(Some(data)),
                    -1 => return Ok(None),
                    _ => {} // changed by someone else in between: again, on the new value
                }
            }
            Err(StoreError::new(format!(
                "session update lost {MAX_UPDATE_ATTEMPTS} races in a row"
            )))
        })
    }

    fn create<'a>(
        &'a self,
        id: &'a SessionId,
        data: &'a SessionData,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let created: Option<String> = redis::cmd("SET")
                .arg(self.key(id))
                .arg(encode(data))
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .query_async(&mut connection)
                .await
                .map_err(StoreError::new)?;
            Ok(created.is_some())
        })
    }

    fn rename<'a>(
        &'a self,
        from: &'a SessionId,
        to: &'a SessionId,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let renamed: i64 = self
                .rename
                .key(self.key(from))
                .key(self.key(to))
                .arg(millis(ttl))
                .invoke_async(&mut connection)
                .await
                .map_err(StoreError::new)?;
            Ok(renamed == 1)
        })
    }

    fn delete<'a>(&'a self, id: &'a SessionId) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let _: i64 = connection
                .del(self.key(id))
                .await
                .map_err(StoreError::new)?;
            Ok(())
        })
    }
}
