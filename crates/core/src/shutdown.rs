use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context as TaskContext, Poll, Waker};

use slab::Slab;

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
    /// Tasks waiting for the trigger: every open connection.
    on_trigger: Waiters,
    /// Tasks waiting for the last guard to go: the server, once it has stopped accepting.
    on_all_done: Waiters,
}

/// The wakers of the [`Wait`]s that are pending, each in a slot of its own that its `Wait`
/// takes back when dropped: registering, re-registering and leaving are O(1), whatever the
/// number of connections, and a closed connection leaves nothing behind.
#[derive(Default)]
struct Waiters(Mutex<Slab<Waker>>);

impl Waiters {
    fn lock(&self) -> MutexGuard<'_, Slab<Waker>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wakes every waiter; each takes its own slot back when it is dropped.
    fn wake_all(&self) {
        for (_, waker) in self.lock().iter() {
            waker.wake_by_ref();
        }
    }
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
        self.inner.on_trigger.wake_all();
    }

    /// Whether the shutdown has started.
    pub fn is_triggered(&self) -> bool {
        self.inner.triggered.load(Ordering::SeqCst)
    }

    /// Completes once the shutdown has started.
    pub fn triggered(&self) -> impl Future<Output = ()> + Send + 'static {
        Wait {
            inner: Arc::clone(&self.inner),
            until: Until::Triggered,
            slot: None,
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
            until: Until::AllDone,
            slot: None,
        }
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
            self.inner.on_all_done.wake_all();
        }
    }
}

/// What a [`Wait`] waits for.
#[derive(Clone, Copy)]
enum Until {
    Triggered,
    AllDone,
}

struct Wait {
    inner: Arc<Inner>,
    until: Until,
    /// Its slot among the waiters once it has been pending, and a copy of the waker there.
    slot: Option<(usize, Waker)>,
}

impl Wait {
    fn is_done(inner: &Inner, until: Until) -> bool {
        match until {
            Until::Triggered => inner.triggered.load(Ordering::SeqCst),
            Until::AllDone => inner.tracked.load(Ordering::SeqCst) == 0,
        }
    }

    fn waiters(inner: &Inner, until: Until) -> &Waiters {
        match until {
            Until::Triggered => &inner.on_trigger,
            Until::AllDone => &inner.on_all_done,
        }
    }
}

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        let this = self.get_mut();
        if Self::is_done(&this.inner, this.until) {
            return Poll::Ready(());
        }
        // Polled again by the same task (a connection woken for its next request): its waker
        // is in place, and a trigger from now on wakes it, so there is nothing to lock.
        if let Some((_, registered)) = &this.slot {
            if registered.will_wake(cx.waker()) {
                return Poll::Pending;
            }
        }
        let mut waiters = Self::waiters(&this.inner, this.until).lock();
        // Checked again under the lock: a trigger or a last drop between the first check and
        // the registration would otherwise be missed (waking takes the same lock).
        if Self::is_done(&this.inner, this.until) {
            return Poll::Ready(());
        }
        let waker = cx.waker().clone();
        match &mut this.slot {
            Some((slot, registered)) => {
                waiters[*slot].clone_from(&waker);
                *registered = waker;
            }
            None => this.slot = Some((waiters.insert(waker.clone()), waker)),
        }
        Poll::Pending
    }
}

impl Drop for Wait {
    fn drop(&mut self) {
        if let Some((slot, _)) = self.slot.take() {
            Self::waiters(&self.inner, self.until)
                .lock()
                .try_remove(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    use super::Shutdown;

    #[test]
    fn waiting_costs_one_slot_per_pending_wait_and_leaves_nothing_behind() {
        let shutdown = Shutdown::new();
        let mut cx = Context::from_waker(Waker::noop());
        {
            let mut waits: Vec<_> = (0..100).map(|_| Box::pin(shutdown.triggered())).collect();
            for _ in 0..3 {
                for wait in &mut waits {
                    assert_eq!(wait.as_mut().poll(&mut cx), Poll::Pending);
                }
            }
            // Polled three times each, registered once each.
            assert_eq!(shutdown.inner.on_trigger.lock().len(), 100);
            assert_eq!(shutdown.inner.on_all_done.lock().len(), 0);
        }
        // Dropped (a connection that closed): its slot is free again.
        assert_eq!(shutdown.inner.on_trigger.lock().len(), 0);
    }

    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_wait_moved_to_another_task_is_woken_there() {
        let shutdown = Shutdown::new();
        let (old, new) = (
            Arc::new(Counter(AtomicUsize::new(0))),
            Arc::new(Counter(AtomicUsize::new(0))),
        );
        let mut wait = pin!(shutdown.triggered());
        let old_waker = Waker::from(Arc::clone(&old));
        let new_waker = Waker::from(Arc::clone(&new));
        assert_eq!(
            wait.as_mut().poll(&mut Context::from_waker(&old_waker)),
            Poll::Pending
        );
        assert_eq!(
            wait.as_mut().poll(&mut Context::from_waker(&new_waker)),
            Poll::Pending
        );
        assert_eq!(
            wait.as_mut().poll(&mut Context::from_waker(&new_waker)),
            Poll::Pending
        );
        assert_eq!(shutdown.inner.on_trigger.lock().len(), 1);
        shutdown.trigger();
        assert_eq!(old.0.load(Ordering::SeqCst), 0);
        assert_eq!(new.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_trigger_wakes_every_pending_wait() {
        let shutdown = Shutdown::new();
        let mut cx = Context::from_waker(Waker::noop());
        let mut first = pin!(shutdown.triggered());
        let mut second = pin!(shutdown.triggered());
        let guard = shutdown.track();
        let mut done = pin!(shutdown.all_done());
        assert!(!shutdown.is_triggered());
        assert_eq!(first.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(second.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(done.as_mut().poll(&mut cx), Poll::Pending);
        shutdown.trigger();
        assert!(shutdown.is_triggered() && shutdown.clone().is_triggered());
        assert_eq!(first.as_mut().poll(&mut cx), Poll::Ready(()));
        // A wait made after the trigger is done at once.
        assert_eq!(pin!(shutdown.triggered()).poll(&mut cx), Poll::Ready(()));
        assert_eq!(second.as_mut().poll(&mut cx), Poll::Ready(()));
        assert_eq!(done.as_mut().poll(&mut cx), Poll::Pending);
        drop(guard);
        assert_eq!(done.as_mut().poll(&mut cx), Poll::Ready(()));
    }
}
