use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Waker};

use crate::context::Context;
use crate::Request;

/// A server's shutdown as seen by connections that outlive their request: an upgraded
/// connection (a WebSocket) holds a [`ShutdownGuard`] so the server waits for it, and watches
/// [`Shutdown::triggered`] to say goodbye (a close frame with 1001) when the server stops.
///
/// The hyper adapter attaches it to upgrade requests only ([`Shutdown::of`]); it costs other
/// requests nothing.
///
/// # Examples
///
/// ```
/// use shallot_core::Shutdown;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let shutdown = Shutdown::new();
/// let guard = shutdown.track();
/// assert_eq!(shutdown.tracked(), 1);
/// let watcher = shutdown.clone();
/// let connection = tokio::spawn(async move {
///     watcher.triggered().await; // the server is stopping: say goodbye, then end
///     drop(guard);
/// });
/// shutdown.trigger();
/// shutdown.all_done().await; // what the server waits for, within its grace period
/// connection.await.unwrap();
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Shutdown {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    triggered: AtomicBool,
    tracked: AtomicUsize,
    /// Tasks waiting for the trigger, or for the last guard to go.
    waiting: Mutex<Vec<Waker>>,
}

impl fmt::Debug for Shutdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shutdown")
            .field("triggered", &self.is_triggered())
            .field("tracked", &self.tracked())
            .finish()
    }
}

impl Shutdown {
    /// A shutdown that has not been triggered, tracking nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The shutdown a server attached to this (upgrade) request.
    pub fn of(req: &Request) -> Option<&Self> {
        Context::of(req)?.shutdown.as_ref()
    }

    /// Attaches this shutdown to a request (what a server does for upgrade requests).
    pub fn set_on(&self, req: &mut Request) {
        Context::of_mut(req).shutdown = Some(self.clone());
    }

    /// Starts the shutdown: every [`Shutdown::triggered`] completes.
    pub fn trigger(&self) {
        self.inner.triggered.store(true, Ordering::SeqCst);
        self.wake_all();
    }

    /// Whether the shutdown has started.
    pub fn is_triggered(&self) -> bool {
        self.inner.triggered.load(Ordering::SeqCst)
    }

    /// Completes once the shutdown has started.
    pub fn triggered(&self) -> impl Future<Output = ()> + Send + 'static {
        let inner = Arc::clone(&self.inner);
        Wait {
            inner,
            done: |inner: &Inner| inner.triggered.load(Ordering::SeqCst),
        }
    }

    /// Counts a connection the server must wait for until the guard is dropped.
    pub fn track(&self) -> ShutdownGuard {
        self.inner.tracked.fetch_add(1, Ordering::SeqCst);
        ShutdownGuard {
            inner: Arc::clone(&self.inner),
        }
    }

    /// How many guards are alive.
    pub fn tracked(&self) -> usize {
        self.inner.tracked.load(Ordering::SeqCst)
    }

    /// Completes once no guard is alive.
    pub fn all_done(&self) -> impl Future<Output = ()> + Send + 'static {
        Wait {
            inner: Arc::clone(&self.inner),
            done: |inner: &Inner| inner.tracked.load(Ordering::SeqCst) == 0,
        }
    }

    fn wake_all(&self) {
        let wakers = std::mem::take(&mut *self.inner.lock());
        for waker in wakers {
            waker.wake();
        }
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Waker>> {
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Keeps a server waiting (within its grace period) until dropped; see [`Shutdown::track`].
pub struct ShutdownGuard {
    inner: Arc<Inner>,
}

impl fmt::Debug for ShutdownGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShutdownGuard")
    }
}

impl Drop for ShutdownGuard {
    fn drop(&mut self) {
        if self.inner.tracked.fetch_sub(1, Ordering::SeqCst) == 1 {
            let wakers = std::mem::take(&mut *self.inner.lock());
            for waker in wakers {
                waker.wake();
            }
        }
    }
}

struct Wait {
    inner: Arc<Inner>,
    done: fn(&Inner) -> bool,
}

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if (self.done)(&self.inner) {
            return Poll::Ready(());
        }
        let mut waiting = self.inner.lock();
        // Checked again under the lock: a trigger or a last drop between the first check and
        // the registration would otherwise be missed.
        if (self.done)(&self.inner) {
            return Poll::Ready(());
        }
        if !waiting.iter().any(|w| w.will_wake(cx.waker())) {
            waiting.push(cx.waker().clone());
        }
        Poll::Pending
    }
}
