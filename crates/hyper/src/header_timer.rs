//! hyper's timer for the HTTP/1 header-read timeout, with deadlines checked by a sweep.
//!
//! hyper arms the header-read timeout for every request head a connection waits for (an idle
//! keep-alive connection included) and drops it once the head is read. With tokio's timer that
//! is a timer-wheel registration, a driver lock and a deregistration per request: about 600
//! instructions, 4–5% of a whole `GET /` through the 6-step pile (docs/performance.md). Here a
//! sleep registers its waker in a slot of a slab when it is first polled and gives the slot back
//! when dropped; one task per server wakes the sleeps whose deadline has passed, every `tick`
//! (an eighth of the timeout, between 10 ms and 1 s). A head that is not complete within the
//! timeout is cut off at most one tick after it; a head read in time costs two slab operations.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use hyper::rt::{Sleep, Timer};
use slab::Slab;

/// How often the sweep runs for `timeout`: an eighth of it, within 10 ms and 1 s.
fn tick_for(timeout: Duration) -> Duration {
    (timeout / 8).clamp(Duration::from_millis(10), Duration::from_secs(1))
}

/// The [`Timer`] given to hyper's HTTP/1 builder; see the module docs.
#[derive(Clone)]
pub(crate) struct HeaderTimer {
    inner: Arc<Inner>,
}

struct Inner {
    /// The pending sleeps, in shards so that runtime threads seldom share a lock.
    shards: Box<[Mutex<Slab<Entry>>]>,
    tick: Duration,
}

struct Entry {
    deadline: Instant,
    waker: Waker,
    /// Set by the sweep once the deadline has passed.
    fired: bool,
}

impl Inner {
    fn shard(&self, index: usize) -> MutexGuard<'_, Slab<Entry>> {
        self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Wakes every sleep whose deadline is not after `now`, outside the shard's lock (a waker
    /// that dropped its sleep at once would otherwise wait for the lock it holds).
    fn sweep(&self, now: Instant) {
        let mut overdue = Vec::new();
        for index in 0..self.shards.len() {
            for (_, entry) in self.shard(index).iter_mut() {
                if !entry.fired && entry.deadline <= now {
                    entry.fired = true;
                    overdue.push(entry.waker.clone());
                }
            }
            for waker in overdue.drain(..) {
                waker.wake();
            }
        }
    }
}

impl HeaderTimer {
    /// A timer for header-read timeouts of `timeout`, and its sweep, to be spawned on the
    /// runtime: it ends by itself once the timer and every sleep made from it are gone.
    pub(crate) fn new(timeout: Duration) -> (Self, impl Future<Output = ()> + Send + 'static) {
        let shards = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(64);
        let inner = Arc::new(Inner {
            shards: (0..shards).map(|_| Mutex::default()).collect(),
            tick: tick_for(timeout),
        });
        let sweep = sweep(Arc::downgrade(&inner));
        (Self { inner }, sweep)
    }
}

async fn sweep(inner: Weak<Inner>) {
    let Some(tick) = inner.upgrade().map(|inner| inner.tick) else {
        return;
    };
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        inner.sweep(Instant::now());
    }
}

/// The shard a thread registers its sleeps in: threads take shards in turn.
fn this_threads_shard(shards: usize) -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    SHARD.with(|shard| *shard % shards)
}

impl Timer for HeaderTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Sleep>> {
        self.sleep_until(Instant::now() + duration)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn Sleep>> {
        Box::pin(HeaderSleep {
            shard: this_threads_shard(self.inner.shards.len()),
            inner: Arc::clone(&self.inner),
            deadline,
            slot: None,
        })
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<HeaderSleep>() {
            Some(mut sleep) => sleep.as_mut().get_mut().reset(new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// A sleep of [`HeaderTimer`]: a slot among the pending sleeps once it has been polled.
struct HeaderSleep {
    inner: Arc<Inner>,
    shard: usize,
    deadline: Instant,
    slot: Option<usize>,
}

impl HeaderSleep {
    fn reset(&mut self, deadline: Instant) {
        self.deadline = deadline;
        if let Some(slot) = self.slot {
            let mut shard = self.inner.shard(self.shard);
            let entry = &mut shard[slot];
            entry.deadline = deadline;
            entry.fired = false;
        }
    }
}

impl Future for HeaderSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut shard = this.inner.shard(this.shard);
        match this.slot {
            Some(slot) => {
                let entry = &mut shard[slot];
                if entry.fired {
                    return Poll::Ready(());
                }
                if !entry.waker.will_wake(cx.waker()) {
                    entry.waker.clone_from(cx.waker());
                }
            }
            None => {
                this.slot = Some(shard.insert(Entry {
                    deadline: this.deadline,
                    waker: cx.waker().clone(),
                    fired: false,
                }));
            }
        }
        Poll::Pending
    }
}

impl Sleep for HeaderSleep {}

impl Drop for HeaderSleep {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.inner.shard(self.shard).try_remove(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Wake, Waker};
    use std::time::{Duration, Instant};

    use hyper::rt::{Sleep, Timer};

    use super::{tick_for, HeaderTimer};

    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A waker and the count of its wake-ups.
    fn counting_waker() -> (Arc<Counter>, Waker) {
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let waker = Waker::from(Arc::clone(&counter));
        (counter, waker)
    }

    fn pending(timer: &HeaderTimer) -> usize {
        (0..timer.inner.shards.len())
            .map(|index| timer.inner.shard(index).len())
            .sum()
    }

    #[test]
    fn the_sweep_wakes_a_sleep_once_its_deadline_has_passed_and_not_before() {
        let (timer, _sweep) = HeaderTimer::new(Duration::from_secs(30));
        let (counter, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let start = Instant::now();
        let mut sleep = timer.sleep_until(start + Duration::from_secs(30));
        assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(pending(&timer), 1, "polled twice, registered once");

        timer.inner.sweep(start + Duration::from_secs(29));
        assert_eq!(counter.0.load(Ordering::SeqCst), 0);
        assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Pending);

        timer.inner.sweep(start + Duration::from_secs(30));
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Ready(()));
        // Swept again: a fired sleep is not woken twice.
        timer.inner.sweep(start + Duration::from_secs(31));
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_dropped_sleep_leaves_nothing_behind_and_an_unpolled_one_takes_nothing() {
        let (timer, _sweep) = HeaderTimer::new(Duration::from_secs(30));
        let mut cx = Context::from_waker(Waker::noop());
        let deadline = Instant::now() + Duration::from_secs(30);
        let never_polled = timer.sleep_until(deadline);
        assert_eq!(pending(&timer), 0);
        let mut sleeps: Vec<_> = (0..100).map(|_| timer.sleep_until(deadline)).collect();
        for sleep in &mut sleeps {
            assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Pending);
        }
        assert_eq!(pending(&timer), 100);
        drop(sleeps);
        drop(never_polled);
        assert_eq!(pending(&timer), 0);
    }

    /// A waker that drops the sleep it wakes, as a connection that ends when woken would.
    struct DropOnWake(Mutex<Option<Pin<Box<dyn Sleep>>>>);

    impl Wake for DropOnWake {
        fn wake(self: Arc<Self>) {
            self.0.lock().unwrap().take();
        }
    }

    #[test]
    fn a_sleep_dropped_by_its_own_wake_up_does_not_deadlock_the_sweep() {
        let (timer, _sweep) = HeaderTimer::new(Duration::from_secs(30));
        let holder = Arc::new(DropOnWake(Mutex::new(None)));
        let waker = Waker::from(Arc::clone(&holder));
        let start = Instant::now();
        let mut sleep = timer.sleep_until(start + Duration::from_secs(1));
        assert_eq!(
            sleep.as_mut().poll(&mut Context::from_waker(&waker)),
            Poll::Pending
        );
        *holder.0.lock().unwrap() = Some(sleep);
        // On a thread of its own, so that a deadlock fails the test instead of hanging it.
        let (finished, sweep_finished) = std::sync::mpsc::channel();
        let inner = Arc::clone(&timer.inner);
        std::thread::spawn(move || {
            inner.sweep(start + Duration::from_secs(2));
            let _ = finished.send(());
        });
        sweep_finished
            .recv_timeout(Duration::from_secs(20))
            .expect("the sweep finished: it does not wake while holding the shard's lock");
        assert!(holder.0.lock().unwrap().is_none(), "woken");
        assert_eq!(pending(&timer), 0, "its slot was given back");
    }

    #[test]
    fn reset_moves_the_deadline_and_rearms_a_fired_sleep() {
        let (timer, _sweep) = HeaderTimer::new(Duration::from_secs(30));
        let (counter, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let start = Instant::now();
        let mut sleep = timer.sleep_until(start + Duration::from_secs(1));
        assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Pending);
        timer.inner.sweep(start + Duration::from_secs(2));
        assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Ready(()));

        timer.reset(&mut sleep, start + Duration::from_secs(10));
        assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Pending);
        timer.inner.sweep(start + Duration::from_secs(9));
        assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Pending);
        timer.inner.sweep(start + Duration::from_secs(10));
        assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Ready(()));
        assert_eq!(counter.0.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn the_sweep_task_ends_a_sleep_after_its_deadline_and_ends_with_the_timer() {
        let timeout = Duration::from_millis(100);
        let (timer, sweep) = HeaderTimer::new(timeout);
        assert_eq!(timer.inner.tick, Duration::from_micros(12_500));
        let sweep = tokio::spawn(sweep);
        let start = Instant::now();
        let sleep = timer.sleep(timeout);
        tokio::time::timeout(Duration::from_secs(10), sleep)
            .await
            .expect("the sweep wakes the sleep");
        assert!(start.elapsed() >= timeout, "woken before its deadline");
        drop(timer);
        tokio::time::timeout(Duration::from_secs(10), sweep)
            .await
            .expect("the sweep ends once the timer is gone")
            .expect("the sweep does not panic");
    }

    #[test]
    fn ticks_are_an_eighth_of_the_timeout_within_bounds() {
        assert_eq!(tick_for(Duration::from_secs(30)), Duration::from_secs(1));
        assert_eq!(tick_for(Duration::from_secs(2)), Duration::from_millis(250));
        assert_eq!(
            tick_for(Duration::from_millis(40)),
            Duration::from_millis(10)
        );
    }
}
