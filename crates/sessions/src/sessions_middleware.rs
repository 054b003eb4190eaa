use std::sync::Arc;
use std::time::Duration;

use shallot_core::http::header::{COOKIE, SET_COOKIE};
use shallot_core::http::HeaderValue;
use shallot_core::{BoxFuture, ConnectionInfo, HttpError, Middleware, Next, Request, Response};

use crate::session::{CookieAction, SessionsConfig};
use crate::{presented_session_id, MemoryStore, Session, Store};

/// Sessions in `store` (a [`MemoryStore`] when you have one process, a `RedisStore` when
/// you have several); see the crate docs.
pub fn wrap_sessions(store: impl Store) -> SessionsMiddleware {
    SessionsMiddleware {
        shared: Arc::new(SessionsConfig {
            store: Arc::new(store),
            ttl: Duration::from_secs(86_400),
            cookie_name: "sid".into(),
            timeout: Duration::from_secs(3),
            paths: Vec::new(),
        }),
    }
}

/// In-memory sessions: `wrap_sessions(MemoryStore::new())`.
pub fn wrap_memory_sessions() -> SessionsMiddleware {
    wrap_sessions(MemoryStore::new())
}

/// The middleware made by [`wrap_sessions`].
#[derive(Clone)]
pub struct SessionsMiddleware {
    shared: Arc<SessionsConfig>,
}

impl std::fmt::Debug for SessionsMiddleware {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionsMiddleware")
            .field("ttl", &self.shared.ttl)
            .field("cookie_name", &self.shared.cookie_name)
            .field("timeout", &self.shared.timeout)
            .finish_non_exhaustive()
    }
}

impl SessionsMiddleware {
    fn shared(&mut self) -> &mut SessionsConfig {
        Arc::get_mut(&mut self.shared).expect("options are set before the middleware is shared")
    }

    /// How long an unused session lives (default one day); each request that finds its
    /// session restarts the count.
    ///
    /// # Panics
    ///
    /// When the middleware was already cloned: set options first.
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.shared().ttl = ttl.max(Duration::from_millis(1));
        self
    }

    /// The cookie that carries the id (default `sid`).
    ///
    /// # Panics
    ///
    /// When the middleware was already cloned: set options first.
    #[must_use]
    pub fn with_cookie_name(mut self, name: impl Into<String>) -> Self {
        self.shared().cookie_name = name.into();
        self
    }

    /// How long a store operation may take before the request is answered 503 (default 3 s).
    ///
    /// # Panics
    ///
    /// When the middleware was already cloned: set options first.
    #[must_use]
    pub fn with_store_timeout(mut self, timeout: Duration) -> Self {
        self.shared().timeout = timeout;
        self
    }
}

impl SessionsMiddleware {
    /// Attaches sessions only to requests whose path is one of these or under one of them
    /// (`/session` covers `/session` and `/session/login`, not `/sessions`); every other
    /// request passes through without cost, and `req.session()` answers 500 there. By
    /// default every request gets a handle.
    ///
    /// # Panics
    ///
    /// When the middleware was already cloned: set options first.
    #[must_use]
    pub fn with_paths<I>(mut self, prefixes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.shared().paths = prefixes
            .into_iter()
            .map(|p| p.into().trim_end_matches('/').to_owned())
            .collect();
        self
    }

    fn covers(&self, path: &str) -> bool {
        let paths = &self.shared.paths;
        paths.is_empty()
            || paths.iter().any(|prefix| {
                path.strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
    }
}

/// The request with its [`Session`] handle attached (nothing is read from the store yet).
///
/// # Examples
///
/// ```
/// use shallot_core::test;
/// use shallot_sessions::{sessions_request, wrap_memory_sessions, SessionsExt};
///
/// let req = sessions_request(test::get("/").into_request(), &wrap_memory_sessions());
/// assert!(req.session().unwrap().id().is_none());
/// ```
pub fn sessions_request(req: Request, middleware: &SessionsMiddleware) -> Request {
    attach_session(req, middleware).0
}

/// [`sessions_request`], also handing back the handle (for the middleware's answer step).
fn attach_session(mut req: Request, middleware: &SessionsMiddleware) -> (Request, Session) {
    let shared = &middleware.shared;
    let presented = presented_session_id(req.headers(), &shared.cookie_name);
    let had_cookie = presented.is_some()
        || req
            .headers()
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .any(|pair| {
                pair.split('=')
                    .next()
                    .is_some_and(|key| key.trim() == shared.cookie_name)
            });
    let secure = ConnectionInfo::of(&req).is_some_and(ConnectionInfo::is_secure);
    let session = Session::new(Arc::clone(shared), presented, had_cookie, secure);
    req.extensions_mut().insert(session.clone());
    (req, session)
}

/// The answer with the session cookie set (a new or changed id) or removed (a destroyed
/// session), as the handler's calls on `session` decided; unchanged otherwise.
pub fn sessions_response(mut res: Response, session: &Session) -> Response {
    let name = session.cookie_name();
    let secure = if session.is_secure() { "; Secure" } else { "" };
    let cookie = match session.take_cookie_action() {
        CookieAction::Keep => return res,
        CookieAction::Set(id) => {
            format!("{name}={}; Path=/; HttpOnly; SameSite=Lax{secure}", id.as_str())
        }
        CookieAction::Remove => format!(
            "{name}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax{secure}"
        ),
    };
    match HeaderValue::from_str(&cookie) {
        Ok(value) => {
            res.headers_mut().append(SET_COOKIE, value);
        }
        Err(_) => log::error!("the session cookie name `{name}` is not valid in a header"),
    }
    res
}

impl Middleware for SessionsMiddleware {
    fn passes_through(&self, req: &Request) -> bool {
        !self.covers(req.uri().path())
    }

    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        let (req, session) = attach_session(req, self);
        // Started here: the box holds the rest of the chain, not the request.
        let call = next.run(req);
        Box::pin(async move { sessions_response(call.await, &session) })
    }
}

/// Reaches the request's session.
pub trait SessionsExt {
    /// The session handle put there by [`wrap_sessions`].
    ///
    /// # Errors
    ///
    /// `500` when the sessions middleware is not in the pile (a programming mistake).
    fn session(&self) -> Result<&Session, HttpError>;
}

impl SessionsExt for Request {
    fn session(&self) -> Result<&Session, HttpError> {
        self.extensions().get::<Session>().ok_or_else(|| {
            HttpError::internal("sessions: wrap_sessions is not in the pile before this handler")
        })
    }
}
