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

/// A handler answering its route parameters as a JSON list of pairs (the router targets).
#[allow(dead_code)]
pub async fn echo_params(req: shallot_core::Request) -> String {
    use shallot_router::RouterExt;
    let params: Vec<(String, String)> = req
        .route_params()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    serde_json::to_string(&params).expect("pairs serialize")
}
