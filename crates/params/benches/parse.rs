//! Parsing query strings and form bodies into ordered multi-maps.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use shallot_params::ParamMap;

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("params");
    for (name, input) in [
        ("3 pairs", "page=2&sort=name&q=rust"),
        (
            "10 pairs, escapes",
            "a=1&b=two+words&c=%C3%A9t%C3%A9&a=2&d=&e&f=x%26y&g=100%25&h=%2Fpath&i=last",
        ),
        ("50 pairs", &"k=v&".repeat(50)),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| ParamMap::parse(black_box(input.as_bytes()), true))
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
