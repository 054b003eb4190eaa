//! Parsing `Cookie` headers, and writing `Set-Cookie` values.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use shallot_cookies::{RequestCookies, SameSite, SetCookie};

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("cookies");
    for (name, header) in [
        ("1 cookie", "session=abc123"),
        (
            "5 cookies",
            "session=abc123; theme=dark; lang=en; tz=Europe%2FParis; seen=1",
        ),
        ("20 cookies", &"name=value; ".repeat(20)),
    ] {
        group.bench_function(format!("parse {name}"), |b| {
            b.iter(|| RequestCookies::parse([black_box(header)]))
        });
    }
    let cookie = SetCookie::new("session", "a b")
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax);
    group.bench_function("write a Set-Cookie", |b| {
        b.iter(|| black_box(&cookie).header_value())
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
