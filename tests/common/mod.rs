//! The showcase pile served on 127.0.0.1:0 inside the test, and a small HTTP/1.1 client.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{HeaderMap, Method, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[path = "../../examples/showcase.rs"]
#[allow(dead_code)]
pub mod showcase;

pub struct Showcase {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    pub task: JoinHandle<std::io::Result<()>>,
}

impl Showcase {
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Showcase {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn static_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/static")
}

/// Serves the showcase's `app()` over `static_dir()`.
pub async fn start() -> Showcase {
    start_with(&static_dir()).await
}

pub async fn start_with(static_dir: &Path) -> Showcase {
    start_config(showcase::Config::new(static_dir), |server| server).await
}

/// Serves the showcase's `app()` built from `config`, on a server `configure` may adjust
/// (trusted proxies, say).
pub async fn start_config(
    config: showcase::Config,
    configure: impl FnOnce(shallot::server::Server) -> shallot::server::Server,
) -> Showcase {
    let app = showcase::app(&config).expect("the showcase pile builds");
    let server = configure(
        shallot::server::Server::bind("127.0.0.1:0")
            .await
            .expect("bind"),
    );
    let addr = server.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.serve_until(app, async move {
        let _ = stopped.await;
    }));
    Showcase {
        addr,
        stop: Some(stop),
        task,
    }
}

/// A whole answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("visible ASCII header"))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

pub async fn send(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Answer {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut req = hyper::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let req = req.body(Full::new(body.into())).expect("valid request");
    let res = tokio::time::timeout(Duration::from_secs(20), client.request(req))
        .await
        .expect("an answer within 20 s")
        .expect("the request succeeds");
    let (parts, body) = res.into_parts();
    let body = body.collect().await.expect("the whole body").to_bytes();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

pub async fn get(url: &str) -> Answer {
    send(Method::GET, url, &[], Bytes::new()).await
}

/// Sends raw bytes and reads until the server closes (bounded by 10 s).
pub async fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out))
        .await
        .expect("the server closes within 10 s");
    String::from_utf8_lossy(&out).into_owned()
}

/// Waits until the one other request sent to a fresh showcase at `addr` has reached the
/// pile: `/stats` counts every request that did, itself included, so once the k-th `/stats`
/// says more than k, the other one is in.
pub async fn wait_in_flight(addr: &str) {
    let stats = format!("http://{addr}/stats");
    for asked in 1u64..=10_000 {
        let seen = get(&stats).await.json()["requests"]
            .as_u64()
            .expect("a count");
        if seen > asked {
            return;
        }
    }
    panic!("the request never reached the pile");
}
