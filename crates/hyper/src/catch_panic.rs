use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use shallot_core::{panic_message, Body, BoxError};

pin_project_lite::pin_project! {
    /// A response body whose panics while streaming become a body error: hyper then closes
    /// the connection, the only honest signal once the status line is sent, and the panic
    /// never unwinds through the connection task.
    pub(crate) struct GuardedBody {
        #[pin]
        inner: Body,
        panicked: bool,
    }
}

impl GuardedBody {
    pub(crate) fn new(inner: Body) -> Self {
        Self {
            inner,
            panicked: false,
        }
    }
}

impl std::fmt::Debug for GuardedBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl http_body::Body for GuardedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.project();
        if *this.panicked {
            return Poll::Ready(None);
        }
        let inner = this.inner;
        // Unwind safety: as for `CatchPanic`, a body that panicked is never polled again.
        match catch_unwind(AssertUnwindSafe(|| inner.poll_frame(cx))) {
            Ok(poll) => poll,
            Err(panic) => {
                *this.panicked = true;
                log::error!("response body panicked: {}", panic_message(&*panic));
                Poll::Ready(Some(Err("response body panicked".into())))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.panicked || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
