//! HTTP/2 with prior knowledge (h2c) on the same port as HTTP/1.1.

mod common;

use bytes::Bytes;
use common::{bind, start};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use shallot_core::{BodyError, Request};

#[tokio::test]
async fn h2_prior_knowledge_and_http11_share_the_port() {
    let server = start(bind().await, |mut req: Request| async move {
        let len = req.body_mut().read_all().await?.len();
        Ok::<_, BodyError>(format!("{:?} {len} bytes", req.version()))
    })
    .await;
    let uri: hyper::Uri = format!("http://{}/", server.addr).parse().unwrap();

    let h2 = Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http::<Full<Bytes>>();
    let res = h2
        .request(
            hyper::Request::post(uri.clone())
                .body(Full::new(Bytes::from_static(b"abc")))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.version(), hyper::Version::HTTP_2);
    assert_eq!(res.status(), 200);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"HTTP/2.0 3 bytes");

    let h1 = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let res = h1
        .request(hyper::Request::get(uri).body(Full::default()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.version(), hyper::Version::HTTP_11);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"HTTP/1.1 0 bytes");
}
