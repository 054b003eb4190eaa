//! Issue 11's bar: gzip at the default level of a 100 KiB JSON answer, shallot's
//! `compression_response` against tower-http's `CompressionLayer`, the same body, level and
//! codec crate (flate2), run back to back. Both bodies are collected to the last byte.

use std::convert::Infallible;
use std::hint::black_box;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use http_body_util::{BodyExt as _, Full};
use shallot_compression::{compression_response, wrap_compression, Coding};
use shallot_core::http::{self, header, HeaderValue};
use tower::{Service as _, ServiceExt as _};
use tower_http::compression::{CompressionLayer, CompressionLevel};

fn json_body() -> Bytes {
    let mut out = String::from("[");
    let mut i = 0;
    while out.len() < 100 * 1024 {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"id":{i},"name":"user {i}","email":"user{i}@example.test","active":{}}}"#,
            i % 3 == 0
        ));
        i += 1;
    }
    out.push(']');
    Bytes::from(out)
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let body = json_body();
    let gzip = HeaderValue::from_static("gzip");
    let mut group = c.benchmark_group("gzip 100 KiB JSON, default level");
    group.throughput(criterion::Throughput::Bytes(body.len() as u64));

    let shallot = wrap_compression().with_codings([Coding::Gzip]);
    group.bench_function("shallot compression_response", |b| {
        b.iter(|| {
            let mut res = shallot_core::Response::new(shallot_core::Body::from(body.clone()));
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            let res = compression_response(res, Some(&gzip), &shallot);
            let bytes =
                runtime.block_on(async { res.into_body().collect().await.map(|c| c.to_bytes()) });
            black_box(bytes.expect("compressed").len())
        });
    });

    let inner = tower::service_fn({
        let body = body.clone();
        move |_req: http::Request<Full<Bytes>>| {
            let body = body.clone();
            async move {
                let mut res = http::Response::new(Full::new(body));
                res.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                Ok::<_, Infallible>(res)
            }
        }
    });
    let mut service = tower::ServiceBuilder::new()
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .quality(CompressionLevel::Default),
        )
        .service(inner);
    group.bench_function("tower-http CompressionLayer", |b| {
        b.iter(|| {
            let req = http::Request::get("/")
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(Full::new(Bytes::new()))
                .expect("a request");
            let bytes = runtime.block_on(async {
                let res = service
                    .ready()
                    .await
                    .expect("ready")
                    .call(req)
                    .await
                    .expect("an answer");
                assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
                res.into_body().collect().await.map(|c| c.to_bytes())
            });
            black_box(bytes.expect("compressed").len())
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
