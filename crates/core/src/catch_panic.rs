use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// What a panic carried (`panic!`'s message, usually).
pub type PanicPayload = Box<dyn Any + Send + 'static>;

pin_project_lite::pin_project! {
    /// A future whose panics, while it is polled, become an `Err` instead of unwinding into
    /// the caller. Made by [`catch_panic`].
    #[derive(Debug)]
    pub struct CatchPanic<F> {
        #[pin]
        inner: F,
    }
}

/// Wraps `future` so that a panic while polling it becomes `Err(payload)`.
///
/// Every handler made from a function goes through this, so a panic in a handler becomes a
/// `500` answer inside the pile (outer middlewares see it like any other answer); the server
/// uses it too, as a last resort around the whole pile.
///
/// # Examples
///
/// ```
/// use shallot_core::{catch_panic, panic_message};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let caught = catch_panic(async { panic!("boom") }).await;
/// assert_eq!(panic_message(&*caught.unwrap_err()), "boom");
/// # let _: Result<(), _> = caught;
/// # }
/// ```
pub fn catch_panic<F: Future>(future: F) -> CatchPanic<F> {
    CatchPanic { inner: future }
}

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, PanicPayload>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.project().inner;
        // Unwind safety: after a panic the inner future is never polled again (its owner
        // drops it), so no half-updated state of its own is observed. State it shares with
        // other requests is the application's; a `Mutex` there is poisoned by the panic,
        // which is the standard signal.
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// The text of a panic payload, for a log line.
pub fn panic_message(panic: &(dyn Any + Send)) -> &str {
    if let Some(text) = panic.downcast_ref::<&str>() {
        text
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text
    } else {
        "non-text panic payload"
    }
}
