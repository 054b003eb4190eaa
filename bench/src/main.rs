//! One binary, one server per `--server` flag, all answering the same three requests:
//! `GET /` (text), `GET /json` (`{"message":"Hello, World!"}` serialized per request) and
//! `GET /user/{id}` (text with the id). Each runs on one thread, so that a server pinned to
//! one core is measured on exactly that core.
//!
//! Usage: `shallot-bench --server hyper|axum|actix|shallot|shallot-1000 --addr 127.0.0.1:0`
//! (every name is in `main` and `tokio_server`; `shallot-router` has the router as its only
//! step; `hyper-h2` and `actix-h2c` speak HTTP/2 with
//! prior knowledge, axum and shallot both versions on one port; `shallot-10`, `-1000` and
//! `-10000` have route tables of that size)
//! Prints `listening on http://ADDR` once ready.

mod route_table;

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Serialize)]
struct Message {
    message: &'static str,
}

const HELLO: &str = "Hello, World!";

fn main() {
    let mut args = std::env::args().skip(1);
    let mut server = String::from("shallot");
    let mut addr = String::from("127.0.0.1:0");
    let mut ws_client: Option<String> = None;
    let (mut connections, mut seconds) = (64usize, 5u64);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--server" => server = args.next().expect("--server NAME"),
            "--addr" => addr = args.next().expect("--addr HOST:PORT"),
            "--ws-client" => ws_client = Some(args.next().expect("--ws-client URL")),
            "--connections" => connections = args.next().expect("N").parse().expect("a number"),
            "--seconds" => seconds = args.next().expect("N").parse().expect("a number"),
            other => panic!("unknown argument {other}"),
        }
    }
    if let Some(url) = ws_client {
        ws_echo_load(&url, connections, seconds);
        return;
    }
    match server.as_str() {
        "actix" => actix(&addr, false),
        "actix-h2c" => actix(&addr, true),
        name => tokio_server(name, &addr),
    }
}

fn announce(addr: SocketAddr) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{addr}").unwrap();
    out.flush().unwrap();
}

fn tokio_server(name: &str, addr: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let local = listener.local_addr().unwrap();
        match name {
            "hyper" => {
                announce(local);
                bare_hyper(listener).await;
            }
            "hyper-h2" => {
                announce(local);
                bare_hyper_h2(listener).await;
            }
            "hyper-auto" | "hyper-timer" | "hyper-graceful" => {
                // Bare hyper plus one ingredient of shallot's adapter, for attributing costs.
                announce(local);
                hyper_variant(name, listener).await;
            }
            "axum" => {
                announce(local);
                axum::serve(listener, axum_app()).await.unwrap();
            }
            "shallot-static" => {
                // The static middleware alone on the adapter, serving $SHALLOT_BENCH_STATIC at
                // /static/ (bench/static_nginx.py compares it with nginx), its file-system
                // calls inline when SHALLOT_BENCH_STATIC_IO=inline, with a file cache when
                // SHALLOT_BENCH_STATIC_CACHE=on.
                let folder = std::env::var("SHALLOT_BENCH_STATIC")
                    .expect("SHALLOT_BENCH_STATIC names a folder");
                let file_io = match std::env::var("SHALLOT_BENCH_STATIC_IO").as_deref() {
                    Ok("inline") => shallot::static_files::FileIo::Inline,
                    _ => shallot::static_files::FileIo::BlockingPool,
                };
                let mut files = shallot::static_files::wrap_static("/static", folder)
                    .unwrap()
                    .with_file_io(file_io);
                if std::env::var("SHALLOT_BENCH_STATIC_CACHE").as_deref() == Ok("on") {
                    files = files.with_file_cache(shallot::static_files::FileCache::new());
                }
                let app = shallot::chain_middleware((files,))
                    .apply(|_req: shallot::Request| async { shallot::HttpError::not_found() });
                let server = shallot::server::Server::from_listener(listener).unwrap();
                announce(local);
                server.serve(app).await.unwrap();
            }
            "axum-production" | "axum-observed" => {
                let (app, _log_guard) = if name == "axum-observed" {
                    axum_observed()
                } else {
                    axum_production()
                };
                announce(local);
                axum::serve(listener, app).await.unwrap();
            }
            "shallot-bare" => {
                // The adapter alone: one handler, no middleware, for attributing costs.
                let server = shallot::server::Server::from_listener(listener).unwrap();
                announce(local);
                server
                    .serve(|req: shallot::Request| async move { bare_answer(req.uri().path()) })
                    .await
                    .unwrap();
            }
            "shallot-tls" => {
                let (cert, key) = self_signed();
                let tls =
                    shallot::server::TlsConfig::from_pem(cert.as_bytes(), key.as_bytes()).unwrap();
                let app = shallot_app(0);
                let server = shallot::server::Server::from_listener(listener)
                    .unwrap()
                    .with_tls(tls);
                announce(local);
                server.serve(app).await.unwrap();
            }
            "axum-tls" => {
                let (cert, key) = self_signed();
                let config = axum_server::tls_rustls::RustlsConfig::from_config(
                    std::sync::Arc::new(rustls_config(&cert, &key)),
                );
                let std_listener = listener.into_std().unwrap();
                announce(local);
                axum_server::from_tcp_rustls(std_listener, config)
                    .serve(axum_app().into_make_service())
                    .await
                    .unwrap();
            }
            "ws-bare" => {
                announce(local);
                ws_bare(listener).await;
            }
            "ws-shallot" => {
                use shallot::router::{get, wrap_routes};
                use shallot::websocket::websocket;
                let app = shallot::chain_middleware((wrap_routes([get(
                    "/ws",
                    websocket(|mut socket| async move {
                        while let Some(message) = socket.recv().await {
                            if socket.send(message).await.is_err() {
                                break;
                            }
                        }
                    }),
                )])
                .unwrap(),))
                .apply(|_req: shallot::Request| async { shallot::HttpError::not_found() });
                let server = shallot::server::Server::from_listener(listener).unwrap();
                announce(local);
                server.serve(app).await.unwrap();
            }
            "shallot" | "shallot-10" | "shallot-1000" | "shallot-10000" | "shallot-observed"
            | "shallot-production" | "shallot-router" => {
                let app = match name {
                    "shallot-observed" => shallot_observed(),
                    "shallot-production" => shallot_production(),
                    // The table's size in all: the four routes of `shallot_app` and more.
                    "shallot-10" => shallot_app(10 - 4),
                    "shallot-1000" => shallot_app(997),
                    "shallot-10000" => shallot_app(10_000 - 4),
                    "shallot-router" => shallot_router_only(),
                    _ => shallot_app(0),
                };
                let server = shallot::server::Server::from_listener(listener).unwrap();
                announce(local);
                server.serve(app).await.unwrap();
            }
            other => panic!("unknown server {other}"),
        }
    });
}

// ---- bare hyper: the baseline, as little as hyper needs -------------------------------

async fn bare_hyper(listener: tokio::net::TcpListener) {
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        stream.set_nodelay(true).unwrap();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(bare_hyper_handle);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Bare hyper's HTTP/2 (prior knowledge), the baseline of `bench/h2.py`.
async fn bare_hyper_h2(listener: tokio::net::TcpListener) {
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        stream.set_nodelay(true).unwrap();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(bare_hyper_handle);
            let _ = hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn hyper_variant(name: &str, listener: tokio::net::TcpListener) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        stream.set_nodelay(true).unwrap();
        let service = hyper::service::service_fn(bare_hyper_handle);
        match name {
            "hyper-auto" => {
                let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                let conn = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .into_owned();
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            "hyper-timer" => {
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(std::time::Duration::from_secs(30));
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ => {
                let conn = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
        }
    }
}

fn upload_summary(bytes: u64, hasher: Sha256) -> String {
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{{\"bytes\":{bytes},\"sha256\":\"{hex}\"}}")
}

async fn bare_hyper_handle(
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    if req.uri().path() == "/upload/raw" {
        // The same work as the showcase's upload route, on hyper alone.
        use http_body_util::BodyExt;
        let mut body = req.into_body();
        let mut hasher = Sha256::new();
        let mut bytes = 0u64;
        while let Some(Ok(frame)) = body.frame().await {
            if let Ok(data) = frame.into_data() {
                bytes += data.len() as u64;
                hasher.update(&data);
            }
        }
        return Ok(hyper::Response::new(Full::new(Bytes::from(
            upload_summary(bytes, hasher),
        ))));
    }
    let path = req.uri().path();
    let (content_type, body) = if path == "/" {
        (
            "text/plain; charset=utf-8",
            Bytes::from_static(HELLO.as_bytes()),
        )
    } else if path == "/json" {
        let body = serde_json::to_vec(&Message { message: HELLO }).unwrap();
        ("application/json", Bytes::from(body))
    } else if let Some(id) = path.strip_prefix("/user/") {
        (
            "text/plain; charset=utf-8",
            Bytes::from(format!("user {id}")),
        )
    } else {
        let mut res = hyper::Response::new(Full::new(Bytes::from_static(b"Not Found")));
        *res.status_mut() = hyper::StatusCode::NOT_FOUND;
        return Ok(res);
    };
    let mut res = hyper::Response::new(Full::new(body));
    res.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    Ok(res)
}

fn bare_answer(path: &str) -> shallot::Response {
    if path == "/json" {
        shallot::json::json(&Message { message: HELLO })
    } else if let Some(id) = path.strip_prefix("/user/") {
        shallot::text(format!("user {id}"))
    } else {
        shallot::text(HELLO)
    }
}

// ---- axum ----------------------------------------------------------------------------

fn axum_app() -> axum::Router {
    use axum::routing::get;
    axum::Router::new()
        .route("/", get(|| async { HELLO }))
        .route(
            "/json",
            get(|| async { axum::Json(Message { message: HELLO }) }),
        )
        .route(
            "/user/{id}",
            get(
                |axum::extract::Path(id): axum::extract::Path<String>| async move {
                    format!("user {id}")
                },
            ),
        )
}

/// The axum piles' log: tracing-subscriber's JSON lines through tracing-appender's
/// non-blocking writer (its own thread) to /dev/null; the guard flushes it at exit.
fn axum_json_log() -> tracing_appender::non_blocking::WorkerGuard {
    let (log, guard) = tracing_appender::non_blocking(std::fs::File::create("/dev/null").unwrap());
    tracing_subscriber::fmt()
        .json()
        .with_writer(log)
        .with_max_level(tracing::Level::INFO)
        .init();
    guard
}

/// axum's app behind tower-http's request id (kept, or a new UUID, and echoed) and its
/// `TraceLayer` writing a JSON line per answer: `shallot-observed`'s features, the ecosystem's way.
fn axum_observed() -> (axum::Router, tracing_appender::non_blocking::WorkerGuard) {
    let guard = axum_json_log();
    (with_axum_observability(axum_app()), guard)
}

/// `app` behind tower-http's request id layers and `TraceLayer` (an INFO span and response
/// event), outermost as in shallot's piles.
fn with_axum_observability(app: axum::Router) -> axum::Router {
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
    use tracing::Level;

    app.layer(
        tower::ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::x_request_id()),
    )
}

/// axum with the tower-http and tower-sessions equivalents of shallot-production's steps:
/// request ids set and propagated, a `TraceLayer` whose INFO span and response event a JSON
/// `tracing-subscriber` writes through `tracing-appender`'s non-blocking writer to /dev/null,
/// the same CORS policy, nosniff, compression, and a memory session store the routes never
/// touch. The guard keeps the log writer's thread alive.
fn axum_production() -> (axum::Router, tracing_appender::non_blocking::WorkerGuard) {
    use std::time::Duration;

    use axum::http::{header, HeaderValue, Method};
    use tower_http::compression::CompressionLayer;
    use tower_http::cors::{AllowOrigin, CorsLayer};
    use tower_http::set_header::SetResponseHeaderLayer;

    let guard = axum_json_log();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list([
            HeaderValue::from_static("https://app.example"),
            HeaderValue::from_static("http://localhost:3000"),
        ]))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::HeaderName::from_static("x-requested-with"),
        ])
        .expose_headers([header::HeaderName::from_static("x-request-id")])
        .max_age(Duration::from_secs(600));
    let sessions = tower_sessions::SessionManagerLayer::new(tower_sessions::MemoryStore::default());
    let layers = tower::ServiceBuilder::new()
        .layer(cors)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(CompressionLayer::new())
        .layer(sessions);
    (with_axum_observability(axum_app().layer(layers)), guard)
}

// ---- actix-web -----------------------------------------------------------------------

fn actix(addr: &str, h2c: bool) {
    use actix_web::{web, App, HttpResponse, HttpServer};
    actix_web::rt::System::new().block_on(async {
        let server = HttpServer::new(|| {
            App::new()
                .route(
                    "/",
                    web::get().to(|| async {
                        HttpResponse::Ok()
                            .content_type("text/plain; charset=utf-8")
                            .body(HELLO)
                    }),
                )
                .route(
                    "/json",
                    web::get().to(|| async { HttpResponse::Ok().json(Message { message: HELLO }) }),
                )
                .route(
                    "/user/{id}",
                    web::get().to(|id: web::Path<String>| async move {
                        HttpResponse::Ok()
                            .content_type("text/plain; charset=utf-8")
                            .body(format!("user {id}"))
                    }),
                )
        })
        .workers(1);
        // With prior-knowledge HTTP/2 detected next to HTTP/1.1 (bench/h2.py), or HTTP/1.1 alone.
        let server = if h2c {
            server.bind_auto_h2c(addr)
        } else {
            server.bind(addr)
        }
        .unwrap();
        announce(server.addrs()[0]);
        server.run().await.unwrap();
    });
}

// ---- shallot: the showcase's full pile -----------------------------------------------

/// The 6-step pile behind request ids, an access log (written to /dev/null by its thread)
/// and the tracing span: what observability costs a request.
fn shallot_observed() -> shallot::ChainHandler {
    use shallot::access_log::{wrap_access_log, LogWriter};
    let log = LogWriter::to_writer(std::fs::File::create("/dev/null").unwrap());
    shallot::chain_middleware((
        shallot::request_id::wrap_request_id(),
        wrap_access_log().with_writer(log),
    ))
    .apply(shallot_app(0))
}

/// The showcase's production pile around the 6-step one: request id, access log, CORS,
/// tower-http's nosniff through the bridge, compression, sessions that the routes never touch.
fn shallot_production() -> shallot::ChainHandler {
    use shallot::access_log::{wrap_access_log, LogWriter};
    use std::time::Duration;
    let log = LogWriter::to_writer(std::fs::File::create("/dev/null").unwrap());
    let cors = shallot::cors::wrap_cors()
        .with_origins(["https://app.example", "http://localhost:3000"])
        .unwrap()
        .with_credentials(true)
        .unwrap()
        .with_methods(["GET", "POST", "PUT", "DELETE"])
        .unwrap()
        .with_headers(["content-type", "authorization", "x-requested-with"])
        .unwrap()
        .with_exposed_headers(["x-request-id"])
        .unwrap()
        .with_max_age(Duration::from_secs(600));
    let nosniff = shallot::tower::wrap_layer(
        tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            shallot::http::header::X_CONTENT_TYPE_OPTIONS,
            shallot::http::HeaderValue::from_static("nosniff"),
        ),
    );
    shallot::chain_middleware((
        shallot::request_id::wrap_request_id(),
        wrap_access_log().with_writer(log),
        cors,
        nosniff,
        shallot::compression::wrap_compression(),
        shallot::sessions::wrap_memory_sessions().with_paths(["/session"]),
    ))
    .apply(shallot_app(0))
}

/// The three measured routes, the same for every shallot server.
fn shallot_routes() -> Vec<shallot::router::Route> {
    use shallot::router::{get, RouterExt};
    use shallot::Request;
    vec![
        get("/", |_req: Request| async { HELLO }),
        get("/json", |_req: Request| async {
            shallot::json::Json(Message { message: HELLO })
        }),
        get("/user/{id}", |req: Request| async move {
            format!("user {}", req.param("id").unwrap_or_default())
        }),
    ]
}

/// The router as the only step: what the pile costs without its other five.
fn shallot_router_only() -> shallot::ChainHandler {
    use shallot::{chain_middleware, HttpError, Request};
    chain_middleware((shallot::router::wrap_routes(shallot_routes()).unwrap(),))
        .apply(|_req: Request| async { HttpError::not_found() })
}

/// The 6-step pile with `extra_routes` more routes in its table.
fn shallot_app(extra_routes: usize) -> shallot::ChainHandler {
    use shallot::router::wrap_routes;
    use shallot::{chain_middleware, HttpError, Request};

    let mut routes = shallot_routes();
    routes.extend([
        // The showcase's streamed upload: 1 GiB limit, SHA-256 computed as chunks arrive.
        shallot::router::put("/upload/raw", |mut req: Request| async move {
            let mut hasher = Sha256::new();
            let mut bytes = 0u64;
            while let Some(chunk) = req.body_mut().chunk().await {
                let chunk = chunk?;
                bytes += chunk.len() as u64;
                hasher.update(&chunk);
            }
            Ok::<_, HttpError>(shallot::text(upload_summary(bytes, hasher)))
        })
        .with(shallot::wrap_body_limit(1 << 30)),
    ]);
    routes.extend(route_table::extra_routes(extra_routes));
    let static_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/static");
    chain_middleware((
        shallot::content_type::wrap_content_type(),
        shallot::static_files::wrap_static("/static", static_dir).unwrap(),
        wrap_routes(routes).unwrap(),
        shallot::cookies::wrap_cookies(),
        shallot::json::wrap_json(),
        shallot::params::wrap_params(),
    ))
    .apply(|_req: Request| async { HttpError::not_found() })
}

// ---- WebSocket echo: a bare tokio-tungstenite server, and a load client ------------------

async fn ws_bare(listener: tokio::net::TcpListener) {
    use futures_util::{SinkExt, StreamExt};
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        stream.set_nodelay(true).unwrap();
        tokio::spawn(async move {
            let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
                return;
            };
            while let Some(Ok(message)) = socket.next().await {
                if (message.is_text() || message.is_binary()) && socket.send(message).await.is_err()
                {
                    break;
                }
            }
        });
    }
}

/// `connections` clients each sending a 1 KiB text message and waiting for its echo, for
/// `seconds`; prints the echoes per second.
fn ws_echo_load(url: &str, connections: usize, seconds: u64) {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let total: u64 = runtime.block_on(async {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(seconds);
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let url = url.to_owned();
            tasks.push(tokio::spawn(async move {
                let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
                let payload = "x".repeat(1024);
                let mut echoed = 0u64;
                while tokio::time::Instant::now() < deadline {
                    socket.send(WsMessage::text(payload.clone())).await.unwrap();
                    match socket.next().await {
                        Some(Ok(_)) => echoed += 1,
                        _ => break,
                    }
                }
                echoed
            }));
        }
        let mut total = 0;
        for task in tasks {
            total += task.await.unwrap();
        }
        total
    });
    println!("{:.0} messages/s", total as f64 / seconds as f64);
}

// ---- HTTPS: a throwaway certificate, the same for both TLS servers ----------------------

fn self_signed() -> (String, String) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    (certified.cert.pem(), certified.signing_key.serialize_pem())
}

/// What axum-server is given: rustls with ring, ALPN h2 and http/1.1, as shallot's TlsConfig.
fn rustls_config(cert: &str, key: &str) -> rustls::ServerConfig {
    use rustls::pki_types::pem::PemObject;
    let chain: Vec<_> = rustls::pki_types::CertificateDer::pem_slice_iter(cert.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
    let mut config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}
