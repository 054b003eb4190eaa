//! Issue 11's bar: what `wrap_layer` costs a request for a layer that does nothing (tower's
//! identity layer), against the same chain without it and with a plain shallot middleware that
//! only calls `next`. Polled once with a no-op waker: no runtime in the measurement.

use std::hint::black_box;
use std::task::{Context, Poll, Waker};

use criterion::{criterion_group, criterion_main, Criterion};
use shallot_core::{chain_middleware, BoxFuture, Handler, Next, Request, Response};
use shallot_tower::wrap_layer;

fn poll_once(mut fut: BoxFuture<Response>) -> Response {
    let mut cx = Context::from_waker(Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(res) => res,
        Poll::Pending => panic!("nothing here waits"),
    }
}

async fn handler(_req: Request) -> &'static str {
    "hi user!"
}

async fn forward(req: Request, next: Next) -> Response {
    next.run(req).await
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("one pass-through step");
    let bare = chain_middleware(()).apply(handler);
    let plain = chain_middleware((forward,)).apply(handler);
    let layered =
        chain_middleware((wrap_layer(tower::layer::util::Identity::new()),)).apply(handler);
    for (name, app) in [
        ("no step", &bare),
        ("shallot middleware", &plain),
        ("tower identity layer", &layered),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let req = shallot_core::test::get("/").into_request();
                black_box(poll_once(app.call(req)).status())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
