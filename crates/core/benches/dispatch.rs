//! What a chain costs per request and per middleware: a handler called directly, through an
//! empty chain, and through 1, 3 and 6 middlewares that call `next`, or that the chain skips
//! because they pass the request through. The futures complete without I/O, so each is polled
//! once with a no-op waker: no runtime in the measurement.

use std::hint::black_box;
use std::task::{Context, Poll, Waker};

use criterion::{criterion_group, criterion_main, Criterion};
use shallot_core::{
    chain_middleware, BoxFuture, Chain, Handler, Middleware, Next, Request, Response,
};

fn poll_once(mut fut: BoxFuture<Response>) -> Response {
    let mut cx = Context::from_waker(Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(res) => res,
        Poll::Pending => panic!("the bench handlers never wait"),
    }
}

fn request() -> Request {
    shallot_core::test::get("/users/42").into_request()
}

async fn handler(_req: Request) -> &'static str {
    "hi user!"
}

/// Calls `next` and returns its answer: the cheapest middleware that runs.
#[derive(Clone)]
struct Forward;

impl Middleware for Forward {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        next.run(req)
    }
}

/// Tells the chain it passes every request through, so it is skipped.
#[derive(Clone)]
struct Skipped;

impl Middleware for Skipped {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        next.run(req)
    }

    fn passes_through(&self, _req: &Request) -> bool {
        true
    }
}

/// Waits for the answer and touches it: a middleware with an async wrapper.
#[derive(Clone)]
struct Wrap;

impl Middleware for Wrap {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        let fut = next.run(req);
        Box::pin(async move {
            let mut res = fut.await;
            res.headers_mut().remove("x-none");
            res
        })
    }
}

fn chain_of<M: Middleware + Clone>(m: &M, n: usize) -> Chain {
    (0..n).fold(Chain::new(), |chain, _| chain.with(m.clone()))
}

fn dispatch(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch");
    group.bench_function("handler alone", |b| {
        b.iter(|| poll_once(Handler::call(&handler, black_box(request()))))
    });
    let empty = chain_middleware(()).apply(handler);
    group.bench_function("empty chain", |b| {
        b.iter(|| poll_once(empty.call(black_box(request()))))
    });
    for n in [1, 3, 6] {
        let forward = chain_of(&Forward, n).apply(handler);
        group.bench_function(format!("{n} forwarding"), |b| {
            b.iter(|| poll_once(forward.call(black_box(request()))))
        });
        let skipped = chain_of(&Skipped, n).apply(handler);
        group.bench_function(format!("{n} skipped"), |b| {
            b.iter(|| poll_once(skipped.call(black_box(request()))))
        });
        let wrapping = chain_of(&Wrap, n).apply(handler);
        group.bench_function(format!("{n} wrapping"), |b| {
            b.iter(|| poll_once(wrapping.call(black_box(request()))))
        });
    }
    group.finish();
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
