// Shared by the targets: poll a future that never waits, once.
use std::future::Future;
use std::task::{Context, Poll, Waker};

pub fn poll_once<F: Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the fuzzed handlers never wait"),
    }
}
