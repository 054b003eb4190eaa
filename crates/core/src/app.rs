use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::context::Context;
use crate::{BoxError, BoxFuture, Handler, Request, Response, SharedHandler, State};

type StartHook = Arc<dyn Fn(State) -> BoxFuture<Result<(), BoxError>> + Send + Sync>;
type StopHook = Arc<dyn Fn(State) -> BoxFuture<()> + Send + Sync>;

/// A whole application: the pile's handler, the [`State`] every request reaches, and the
/// hooks that run before the first request and after the last.
///
/// An `App` is a [`Handler`], so it is served (`Server::serve(app)`) and tested
/// (`test::get("/").send(&app)`) like any other. A server runs its start-up hooks before it
/// accepts a connection, in the order they were added; one that fails stops the start, and
/// its error reaches the caller of `serve`. Shutdown hooks run after the last in-flight
/// request was answered (or the grace period ended), in the reverse order.
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use shallot_core::{test, App, Handler, Request, StateExt};
///
/// #[derive(Default)]
/// struct Ready(AtomicBool);
///
/// async fn status(req: Request) -> &'static str {
///     match req.try_state::<Ready>() {
///         Some(ready) if ready.0.load(Ordering::Acquire) => "ready",
///         _ => "starting",
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = App::new(status)
///     .with_state(Ready::default())
///     .on_start(|state| async move {
///         // Open pools, check dependencies... an `Err` fails the start.
///         state.get::<Ready>().unwrap().0.store(true, Ordering::Release);
///         Ok(())
///     });
/// app.start().await.unwrap(); // what the server does before accepting connections
/// test::get("/").send(&app).await.assert_body("ready");
/// # }
/// ```
pub struct App {
    handler: SharedHandler,
    state: State,
    on_start: Vec<StartHook>,
    on_stop: Vec<StopHook>,
}

impl App {
    /// An application around `handler` (usually a whole pile), with an empty state and no
    /// hooks.
    pub fn new(handler: impl Handler) -> Self {
        Self {
            handler: Arc::new(handler),
            state: State::new(),
            on_start: Vec::new(),
            on_stop: Vec::new(),
        }
    }

    /// Adds a shared value that every request reaches with
    /// [`StateExt::state`](crate::StateExt::state), replacing one of the same type.
    #[must_use]
    pub fn with_state<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state = self.state.with(value);
        self
    }

    /// The application's state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Adds a start-up hook: it runs before the server accepts a connection, after the
    /// hooks added before it. An `Err` stops the start: later hooks do not run, and the
    /// error is returned by the server's `serve`.
    #[must_use]
    pub fn on_start<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(State) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), BoxError>> + Send + 'static,
    {
        self.on_start
            .push(Arc::new(move |state| Box::pin(hook(state))));
        self
    }

    /// Adds a shutdown hook: it runs after the last in-flight request was answered (or the
    /// grace period ended), before the hooks added before it.
    #[must_use]
    pub fn on_stop<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(State) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_stop
            .push(Arc::new(move |state| Box::pin(hook(state))));
        self
    }
}

impl Handler for App {
    fn call(&self, mut req: Request) -> BoxFuture<Response> {
        // Set in the request's one toolkit slot: a reference count, no allocation.
        Context::of_mut(&mut req).state = Some(self.state.clone());
        self.handler.call(req)
    }

    fn name(&self) -> &str {
        "App"
    }

    fn start(&self) -> BoxFuture<Result<(), BoxError>> {
        // Each hook is called only once the one before it has finished.
        let hooks = self.on_start.clone();
        let state = self.state.clone();
        let inner = self.handler.start();
        Box::pin(async move {
            inner.await?;
            for hook in hooks {
                hook(state.clone()).await?;
            }
            Ok(())
        })
    }

    fn stop(&self) -> BoxFuture<()> {
        let hooks = self.on_stop.clone();
        let state = self.state.clone();
        let inner = self.handler.stop();
        Box::pin(async move {
            for hook in hooks.iter().rev() {
                hook(state.clone()).await;
            }
            inner.await;
        })
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("handler", &self.handler)
            .field("state", &self.state)
            .field("on_start", &self.on_start.len())
            .field("on_stop", &self.on_stop.len())
            .finish()
    }
}
