use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use shallot_core::http::StatusCode;
use shallot_core::HttpError;

use crate::store::{SessionData, Store, StoreError};
use crate::SessionId;

/// What every request's session handle shares: the store and the options.
pub(crate) struct SessionsConfig {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) ttl: Duration,
    pub(crate) cookie_name: String,
    pub(crate) timeout: Duration,
    /// Path prefixes whose requests get a session handle; empty: every request.
    pub(crate) paths: Vec<String>,
}

/// The request's session, reached with [`SessionsExt::session`](crate::SessionsExt): nothing
/// is read from the store until a method is called, and nothing written unless one
/// changes something.
///
/// A session exists once [`Session::update`] (or [`Session::rotate`]) has made one; its id
/// travels in a cookie the middleware sets whenever the id is new or changed. An unknown,
/// forged, malformed or expired id is no session: a new one is made with a new id, never
/// the presented one.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<SessionsConfig>,
    secure: bool,
    state: Mutex<State>,
}

struct State {
    /// The well-formed id the request presented, until the store says it does not exist.
    presented: Option<SessionId>,
    /// Whether the request carried a session cookie at all (to remove it on destroy).
    had_cookie: bool,
    /// What the answer must do with the cookie.
    cookie: CookieAction,
}

/// What the answer does with the session cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CookieAction {
    Keep,
    Set(SessionId),
    Remove,
}

/// Why a session could not be read or changed: the store did not answer (in time). Answered
/// `503 Service Unavailable` (with `Retry-After: 5`) when returned from a handler.
#[derive(Debug)]
pub enum SessionError {
    /// The store failed.
    Store(StoreError),
    /// The store did not answer within the middleware's timeout.
    TimedOut(Duration),
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Store(error) => error.fmt(f),
            Self::TimedOut(after) => write!(f, "session store: no answer within {after:?}"),
        }
    }
}

impl std::error::Error for SessionError {}

impl From<SessionError> for HttpError {
    fn from(error: SessionError) -> Self {
        log::warn!("{error}");
        Self::because(StatusCode::SERVICE_UNAVAILABLE, "sessions are unavailable").with_header(
            shallot_core::http::header::RETRY_AFTER,
            shallot_core::http::HeaderValue::from_static("5"),
        )
    }
}

impl shallot_core::IntoResponse for SessionError {
    fn into_response(self) -> shallot_core::Response {
        HttpError::from(self).into_response()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.state().presented)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub(crate) fn new(
        shared: Arc<SessionsConfig>,
        presented: Option<SessionId>,
        had_cookie: bool,
        secure: bool,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                shared,
                secure,
                state: Mutex::new(State {
                    presented,
                    had_cookie,
                    cookie: CookieAction::Keep,
                }),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn shared(&self) -> &SessionsConfig {
        &self.inner.shared
    }

    /// The session id, when the request presented one that was not found absent yet, or
    /// one was made; a secret, for logs only in its `Debug` form.
    pub fn id(&self) -> Option<SessionId> {
        self.state().presented.clone()
    }

    /// Whether the request came over HTTPS (the cookie then gets `Secure`).
    pub(crate) fn is_secure(&self) -> bool {
        self.inner.secure
    }

    pub(crate) fn take_cookie_action(&self) -> CookieAction {
        std::mem::replace(&mut self.state().cookie, CookieAction::Keep)
    }

    pub(crate) fn cookie_name(&self) -> &str {
        &self.shared().cookie_name
    }

    async fn timed<T>(
        &self,
        operation: impl std::future::Future<Output = Result<T, StoreError>>,
    ) -> Result<T, SessionError> {
        let timeout = self.shared().timeout;
        match tokio::time::timeout(timeout, operation).await {
            Ok(result) => result.map_err(SessionError::Store),
            Err(_) => Err(SessionError::TimedOut(timeout)),
        }
    }

    /// The session's data, `None` when there is no session; restarts its idle time.
    ///
    /// # Errors
    ///
    /// When the store does not answer (in time).
    pub async fn data(&self) -> Result<Option<SessionData>, SessionError> {
        let Some(id) = self.id() else {
            return Ok(None);
        };
        let data = self
            .timed(self.shared().store.load(&id, self.shared().ttl))
            .await?;
        if data.is_none() {
            self.forget(&id);
        }
        Ok(data)
    }

    /// Changes the session's data atomically — no concurrent change is lost — and returns
    /// what `change` returned. Without a session, makes one (a new id, and a cookie on the
    /// answer) with `change` applied to empty data. `change` may run more than once (the
    /// store retries it on fresh data after a concurrent change): it should only change the
    /// data.
    ///
    /// # Errors
    ///
    /// When the store does not answer (in time).
    pub async fn update<R, F>(&self, mut change: F) -> Result<R, SessionError>
    where
        F: FnMut(&mut SessionData) -> R + Send,
        R: Send,
    {
        let shared = self.shared();
        let mut out = None;
        if let Some(id) = self.id() {
            let mut apply = |data: &mut SessionData| out = Some(change(data));
            let found = self
                .timed(shared.store.update(&id, shared.ttl, &mut apply))
                .await?;
            if found.is_some() {
                if let Some(out) = out {
                    return Ok(out);
                }
            }
            self.forget(&id);
        }
        let mut data = SessionData::new();
        let out = change(&mut data);
        self.create(&data).await?;
        Ok(out)
    }

    /// Gives the session a new id, keeping its data (call it when the user logs in, against
    /// session fixation): the old id finds nothing afterwards. Without a session, makes an
    /// empty one.
    ///
    /// # Errors
    ///
    /// When the store does not answer (in time).
    pub async fn rotate(&self) -> Result<(), SessionError> {
        let shared = self.shared();
        if let Some(old) = self.id() {
            let new = SessionId::random();
            if self
                .timed(shared.store.rename(&old, &new, shared.ttl))
                .await?
            {
                self.adopt(new);
                return Ok(());
            }
            self.forget(&old);
        }
        self.create(&SessionData::new()).await
    }

    /// Destroys the session (call it when the user logs out): its data is deleted and the
    /// answer removes the cookie. Without a session, nothing happens.
    ///
    /// # Errors
    ///
    /// When the store does not answer (in time).
    pub async fn destroy(&self) -> Result<(), SessionError> {
        if let Some(id) = self.id() {
            self.timed(self.shared().store.delete(&id)).await?;
        }
        let mut state = self.state();
        state.presented = None;
        state.cookie = if state.had_cookie || matches!(state.cookie, CookieAction::Set(_)) {
            CookieAction::Remove
        } else {
            CookieAction::Keep
        };
        Ok(())
    }

    async fn create(&self, data: &SessionData) -> Result<(), SessionError> {
        let shared = self.shared();
        for _ in 0..4 {
            let id = SessionId::random();
            if self
                .timed(shared.store.create(&id, data, shared.ttl))
                .await?
            {
                self.adopt(id);
                return Ok(());
            }
        }
        Err(SessionError::Store(StoreError::new(
            "the store refused four fresh random ids",
        )))
    }

    fn adopt(&self, id: SessionId) {
        let mut state = self.state();
        state.presented = Some(id.clone());
        state.cookie = CookieAction::Set(id);
    }

    fn forget(&self, id: &SessionId) {
        let mut state = self.state();
        if state.presented.as_ref() == Some(id) {
            state.presented = None;
        }
    }
}
