//! The showcase: one server built from the full shallot pile, exercising every crate.
//! Its behaviour is described in docs/showcase.md.
//!
//! Run: `cargo run --release --example showcase -- [--addr HOST:PORT] [--static DIR]
//! [--redis URL] [--trust-proxy CIDR]... [--session-ttl SECONDS] [--tls-cert FILE --tls-key FILE]
//! [--no-access-log] [--routes]`
//! Try: `curl -i http://127.0.0.1:5000/hello/42` (docs/showcase.md describes every row)

use std::future::Future;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};
use shallot::access_log::{wrap_access_log, LogWriter, FLUSH_TIMEOUT};
use shallot::compression::wrap_compression;
use shallot::content_type::wrap_content_type;
use shallot::cookies::{wrap_cookies, CookiesExt, CookiesResponseExt, SameSite, SetCookie};
use shallot::cors::{wrap_cors, CorsMiddleware};
use shallot::forwarded::TrustedProxies;
use shallot::http::header::{CONTENT_TYPE, HOST, X_CONTENT_TYPE_OPTIONS};
use shallot::http::{HeaderValue, Method, StatusCode};
use shallot::json::{json, require_json, wrap_json, JsonExt, MALFORMED_JSON};
use shallot::multipart::{wrap_multipart, MultipartExt};
use shallot::params::{wrap_params, ParamsExt};
use shallot::request_id::wrap_request_id;
use shallot::router::{
    any, get, group, post, put, route, wrap_routes, RouterExt, RouterMiddleware,
};
use shallot::server::{Server, TlsConfig};
use shallot::sessions::{wrap_sessions, MemoryStore, RedisStore, SessionsExt, SessionsMiddleware};
use shallot::sse::{sse, sse_from_iter, Event, SseExt};
use shallot::static_files::wrap_static;
use shallot::tower::wrap_layer;
use shallot::websocket::{websocket, Message, WebSocket};
use shallot::{
    chain_middleware, named, status, wrap_body_limit, App, Body, ConnectionInfo, HttpError, Next,
    Request, Response, StateExt, APPLICATION_OCTET_STREAM, TEXT_PLAIN_UTF_8,
};
use tokio::sync::broadcast;
use tower_http::set_header::SetResponseHeaderLayer;

/// The largest `chunks` accepted by `/stream`.
const MAX_CHUNKS: u32 = 10_000;
/// The longest sleep accepted by `/slow`, in milliseconds.
const MAX_SLEEP_MS: u64 = 30_000;
/// The longest pause accepted between two `/stream` chunks, in milliseconds.
const MAX_DELAY_MS: u64 = 1_000;
/// The largest `/text` answer.
const MAX_TEXT_BYTES: usize = 10 * 1024 * 1024;
/// The body limit of the upload routes: 1 GiB (every other route keeps the server's 2 MiB).
const UPLOAD_LIMIT: u64 = 1024 * 1024 * 1024;
/// The most events `/events` sends.
const MAX_EVENTS: u64 = 10_000;
/// Only the `/session` routes use sessions: every other request skips the middleware.
const SESSION_PATHS: [&str; 1] = ["/session"];
/// How long the showcase waits for Redis at start-up.
const REDIS_TIMEOUT: Duration = Duration::from_secs(5);

/// What the pile is built from, besides the routes: the options of the command line.
pub(crate) struct Config {
    /// The folder served under `/static`.
    pub(crate) static_dir: PathBuf,
    /// The sessions middleware, over memory or Redis.
    pub(crate) sessions: SessionsMiddleware,
    /// Where access-log lines go; `None` with `--no-access-log`.
    pub(crate) access_log: Option<LogWriter>,
}

impl Config {
    /// Sessions in memory, no access log: the pile as tests build it.
    pub(crate) fn new(static_dir: &Path) -> Self {
        Self {
            static_dir: static_dir.to_owned(),
            sessions: wrap_sessions(MemoryStore::new()).with_paths(SESSION_PATHS),
            access_log: None,
        }
    }
}

/// What every handler shares: the request count and the start time, for `/stats`.
pub(crate) struct Stats {
    requests: AtomicU64,
    started: Instant,
}

/// The route table of the showcase.
pub(crate) fn routes() -> Result<RouterMiddleware, shallot::router::Error> {
    wrap_routes([
        get("/", hello),
        get("/hello", hello),
        get("/hello/{index}", hello_index).named("hello-index"),
        route("/echo", [Method::GET, Method::PUT, Method::POST], echo),
        get("/json", json_hello),
        route("/json", [Method::PUT, Method::POST], json_received).with(require_json()),
        route("/params", [Method::GET, Method::POST], params),
        get("/cookies", cookies_get),
        route("/cookies", Method::POST, cookies_post),
        get("/stream", stream),
        group("/api/v1", [get("/students/{id}/{session?}", student)]),
        get("/files/{*path}", files),
        get("/url/{index}", url),
        get("/slow", slow),
        get("/panic", panic),
        get("/text", text),
        get("/stats", stats),
        any("/any", any_method),
        post("/upload", upload)
            .with(wrap_body_limit(UPLOAD_LIMIT))
            .with(wrap_multipart()),
        put("/upload/raw", upload_raw).with(wrap_body_limit(UPLOAD_LIMIT)),
        get("/whoami", whoami),
        get("/session", session_visit),
        post("/session/login", session_login),
        post("/session/logout", session_logout),
        get("/events", events),
        get(
            "/ws/echo",
            websocket(echo_socket)
                .with_protocols(["echo"])
                .with_origin_check(cors_origins()),
        ),
        get(
            "/ws/chat",
            chat_endpoint().with_origin_check(cors_origins()),
        ),
    ])
}

/// The chat room's queue: each client reads it at its own pace, up to this many messages
/// behind; further behind, it is closed with 1013 (try again later) rather than slowing the
/// others down.
const CHAT_BACKLOG: usize = 256;

/// WebSocket pages may come from the server's own origin or from a CORS-allowed one: the
/// CORS policy, built once, answers for each handshake.
fn cors_origins() -> impl Fn(&HeaderValue) -> bool + Send + Sync + 'static {
    let cors = cors().ok();
    move |origin| cors.as_ref().is_some_and(|cors| cors.allows_origin(origin))
}

/// `/ws/echo`: every message back, unchanged.
async fn echo_socket(mut socket: WebSocket) {
    while let Some(message) = socket.recv().await {
        if socket.send(message).await.is_err() {
            break;
        }
    }
}

/// `/ws/chat`: one room; each text message goes to every client connected at that moment,
/// the sender included, in the order the server received them.
fn chat_endpoint() -> shallot::websocket::WebSocketHandler {
    let (room, _) = broadcast::channel::<std::sync::Arc<str>>(CHAT_BACKLOG);
    websocket(move |socket| chat_client(socket, room.clone()))
}

async fn chat_client(mut socket: WebSocket, room: broadcast::Sender<std::sync::Arc<str>>) {
    let mut inbox = room.subscribe();
    loop {
        tokio::select! {
            message = socket.recv() => match message {
                Some(Message::Text(text)) => {
                    let _ = room.send(text.into());
                }
                Some(Message::Binary(_)) => {}
                None => break,
            },
            received = inbox.recv() => match received {
                Ok(text) => {
                    if socket.send(Message::Text(text.to_string())).await.is_err() {
                        break;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    socket.close(1013, "too far behind the chat").await;
                    break;
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
    }
}

/// The CORS policy of the contract.
pub(crate) fn cors() -> Result<CorsMiddleware, shallot::cors::CorsError> {
    Ok(wrap_cors()
        .with_origins(["https://app.example", "http://localhost:3000"])?
        .with_credentials(true)?
        .with_methods(["GET", "POST", "PUT", "DELETE"])?
        .with_headers(["content-type", "authorization", "x-requested-with"])?
        .with_exposed_headers(["x-request-id"])?
        .with_max_age(Duration::from_secs(600)))
}

/// The whole pile over the default handler (404), outermost first, as an application with
/// its shared state and its shutdown hook (the access log's last lines are flushed).
pub(crate) fn app(config: &Config) -> Result<App, Box<dyn std::error::Error>> {
    let access_log = match &config.access_log {
        Some(writer) => wrap_access_log().with_writer(writer.clone()),
        None => wrap_access_log().without_lines(),
    };
    let nosniff = wrap_layer(SetResponseHeaderLayer::if_not_present(
        X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ));
    let pile = chain_middleware((
        named("count-requests", count_requests),
        wrap_request_id(),
        access_log,
        cors()?,
        nosniff,
        wrap_content_type(),
        wrap_static("/static", &config.static_dir)
            .map_err(|error| format!("--static {}: {error}", config.static_dir.display()))?,
        wrap_compression(),
        config.sessions.clone(),
        routes()?,
        wrap_cookies(),
        wrap_json(),
        wrap_params(),
    ))
    .apply(not_found);
    let writer = config.access_log.clone();
    Ok(App::new(pile)
        .with_state(Stats {
            requests: AtomicU64::new(0),
            started: Instant::now(),
        })
        .on_stop(move |_state| {
            let writer = writer.clone();
            async move {
                if let Some(writer) = writer {
                    // The writer's thread takes the last lines; waiting for it blocks, so not on
                    // the runtime's own threads.
                    let _ = tokio::task::spawn_blocking(move || writer.flush(FLUSH_TIMEOUT)).await;
                }
            }
        }))
}

/// `GET /whoami`: the client as the server understands it (after trusted proxies).
async fn whoami(req: Request) -> Result<Response, HttpError> {
    let info = ConnectionInfo::of(&req).ok_or_else(|| HttpError::internal("no connection info"))?;
    let host = req
        .headers()
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .unwrap_or("");
    Ok(json(&serde_json::json!({
        "ip": info.client_ip().to_string(),
        "scheme": info.scheme(),
        "host": host,
    })))
}

/// `GET /session`: one more visit, atomically, in a session made when there is none.
async fn session_visit(req: Request) -> Result<Response, HttpError> {
    let (visits, user) = req
        .session()?
        .update(|data| {
            let visits = data.get("visits").and_then(Value::as_u64).unwrap_or(0) + 1;
            data.insert("visits".into(), visits.into());
            (visits, data.get("user").cloned().unwrap_or(Value::Null))
        })
        .await?;
    Ok(json(&serde_json::json!({ "visits": visits, "user": user })))
}

/// `POST /session/login` with `{"user": "name"}`: the session gets the user and a new id.
async fn session_login(mut req: Request) -> Result<Response, HttpError> {
    let bad = || HttpError::bad_request("the body must be JSON {\"user\": \"1 to 64 characters\"}");
    let body: Value = match req.json_value() {
        Some(value) => value.clone(),
        None => serde_json::from_slice(req.body_mut().read_all().await?).map_err(|_| bad())?,
    };
    let user = match body.get("user") {
        Some(Value::String(user)) if (1..=64).contains(&user.chars().count()) => user.clone(),
        _ => return Err(bad()),
    };
    let session = req.session()?;
    session
        .update(|data| {
            data.insert("user".into(), Value::from(user.clone()));
        })
        .await?;
    session.rotate().await?;
    Ok(json(&serde_json::json!({ "user": user })))
}

/// `POST /session/logout`: the session is destroyed and its cookie removed.
async fn session_logout(req: Request) -> Result<Response, HttpError> {
    req.session()?.destroy().await?;
    Ok(status(StatusCode::NO_CONTENT))
}

/// `GET /events?n=N&delay_ms=D`: N events `id: i` / `data: tick i`, resuming after
/// `Last-Event-ID`, D ms apart (default 0: all at once; the demo page paces them).
async fn events(req: Request) -> Result<Response, HttpError> {
    let n = bounded(&req, "n", 5, MAX_EVENTS)?;
    let delay = bounded(&req, "delay_ms", 0, MAX_DELAY_MS)?;
    let start = req
        .last_event_id()
        .and_then(|id| id.parse::<u64>().ok())
        .map_or(0, |last| last.saturating_add(1));
    let tick = |i: u64| {
        let i = i.to_string();
        Event::new().id(&i).data(&format!("tick {i}"))
    };
    if delay == 0 {
        return Ok(sse_from_iter((start..n).map(tick)));
    }
    let pause = Duration::from_millis(delay);
    let paced = futures_util::stream::unfold(start, move |i| async move {
        if i >= n {
            return None;
        }
        if i > start {
            tokio::time::sleep(pause).await;
        }
        Some((tick(i), i + 1))
    });
    Ok(sse(paced))
}

/// Counts every request that reaches the pile, for `/stats`.
async fn count_requests(req: Request, next: Next) -> Result<Response, HttpError> {
    req.state::<Stats>()?
        .requests
        .fetch_add(1, Ordering::Relaxed);
    Ok(next.run(req).await)
}

async fn stats(req: Request) -> Result<Response, HttpError> {
    let stats = req.state::<Stats>()?;
    Ok(json(&serde_json::json!({
        "requests": stats.requests.load(Ordering::Relaxed),
        "uptime_ms": u64::try_from(stats.started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })))
}

async fn any_method(req: Request) -> String {
    format!("method: {}", req.method())
}

/// `N` bytes of readable text, the same for the same `N`: words in lines of about 60.
async fn text(req: Request) -> Result<Response, HttpError> {
    let bytes = bounded(&req, "bytes", 4096, MAX_TEXT_BYTES as u64)?;
    Ok(shallot::text(readable_text(
        usize::try_from(bytes).unwrap_or(0),
    )))
}

fn readable_text(len: usize) -> String {
    const WORDS: [&str; 12] = [
        "shallot",
        "onion",
        "layer",
        "request",
        "response",
        "middleware",
        "handler",
        "chain",
        "router",
        "body",
        "stream",
        "header",
    ];
    let mut out = String::with_capacity(len + 16);
    let mut line = 0;
    let mut i = 0;
    while out.len() < len {
        let word = WORDS[(i * 7 + i / 12) % WORDS.len()];
        i += 1;
        if line > 0 && line + word.len() + 1 > 60 {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out.truncate(len);
    out
}

/// A whole-number query parameter from 0 to `max`, `default` when absent, else 400.
fn bounded(req: &Request, name: &str, default: u64, max: u64) -> Result<u64, HttpError> {
    match req.query_params().get(name) {
        None => Ok(default),
        Some(value) => value
            .parse::<u64>()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| {
                HttpError::bad_request(format!("{name} must be a whole number from 0 to {max}"))
            }),
    }
}

/// `POST /upload`: each part summed up as it streams by, files hashed without being kept.
async fn upload(mut req: Request) -> Result<Response, HttpError> {
    let mut parts = req.multipart()?;
    let mut summary = Vec::new();
    while let Some(mut part) = parts.next_part().await? {
        let name = part.name().map(str::to_owned);
        if part.is_file() {
            let filename = part.filename().map(str::to_owned);
            let content_type = part.content_type().map(str::to_owned);
            let mut hasher = Sha256::new();
            let mut bytes = 0u64;
            while let Some(chunk) = part.chunk().await? {
                bytes += chunk.len() as u64;
                hasher.update(&chunk);
            }
            summary.push(serde_json::json!({
                "name": name, "filename": filename, "content_type": content_type,
                "bytes": bytes, "sha256": hex(&hasher.finalize()),
            }));
        } else {
            summary.push(serde_json::json!({ "name": name, "value": part.text().await? }));
        }
    }
    Ok(json(&summary))
}

/// `PUT /upload/raw`: the body's length and SHA-256, hashed as it streams in.
async fn upload_raw(mut req: Request) -> Result<Response, HttpError> {
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    while let Some(chunk) = req.body_mut().chunk().await {
        let chunk = chunk?;
        bytes += chunk.len() as u64;
        hasher.update(&chunk);
    }
    Ok(json(&serde_json::json!({
        "bytes": bytes,
        "sha256": hex(&hasher.finalize()),
    })))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn not_found(_req: Request) -> HttpError {
    HttpError::not_found()
}

async fn hello(_req: Request) -> &'static str {
    "hi user!"
}

async fn hello_index(req: Request) -> String {
    format!("hi user number: {}", req.param("index").unwrap_or_default())
}

async fn echo(mut req: Request) -> Result<Response, HttpError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .cloned()
        .unwrap_or(APPLICATION_OCTET_STREAM);
    let body = req.body_mut().read_all().await?.clone();
    let mut res = Response::new(Body::from(body));
    res.headers_mut().insert(CONTENT_TYPE, content_type);
    Ok(res)
}

async fn json_hello(_req: Request) -> Response {
    json(&serde_json::json!({"hello": "world"}))
}

async fn json_received(req: Request) -> Result<Response, HttpError> {
    let value = req
        .json_value()
        .ok_or_else(|| HttpError::bad_request(MALFORMED_JSON))?;
    Ok(json(&serde_json::json!({ "received": value })))
}

async fn params(req: Request) -> Result<Response, HttpError> {
    // Written by hand so each map keeps its names in order of appearance.
    let body = format!(
        r#"{{"query_params":{},"form_params":{},"params":{}}}"#,
        to_json(req.query_params())?,
        to_json(req.form_params())?,
        to_json(req.params())?,
    );
    let mut res = Response::new(Body::from(body));
    res.headers_mut()
        .insert(CONTENT_TYPE, shallot::json::APPLICATION_JSON);
    Ok(res)
}

fn to_json(map: &shallot::params::ParamMap) -> Result<String, HttpError> {
    serde_json::to_string(map).map_err(|_| HttpError::internal_server_error())
}

async fn cookies_get(req: Request) -> Response {
    let cookies: serde_json::Map<String, Value> = req
        .cookies()
        .iter()
        .map(|(name, value)| (name.to_owned(), Value::from(value)))
        .collect();
    json(&cookies)
}

/// Sets and deletes exactly the cookies of a body in the showcase's cookie data model.
async fn cookies_post(mut req: Request) -> Result<Response, HttpError> {
    let parsed;
    let body = match req.json_value() {
        Some(value) => value,
        // A client that forgot the JSON content type still sent JSON.
        None => {
            let bytes = req.body_mut().read_all().await?;
            parsed = serde_json::from_slice::<Value>(bytes)
                .map_err(|_| HttpError::bad_request(MALFORMED_JSON))?;
            &parsed
        }
    };
    let Value::Object(specs) = body else {
        return Err(HttpError::bad_request(
            "the body must be a JSON object of cookies",
        ));
    };
    let mut res = status(StatusCode::NO_CONTENT);
    for (name, spec) in specs {
        res.set_cookie(cookie_from_spec(name, spec)?);
    }
    Ok(res)
}

fn cookie_from_spec(name: &str, spec: &Value) -> Result<SetCookie, HttpError> {
    let bad = |what: &str| HttpError::bad_request(format!("cookie `{name}`: {what}"));
    let attributes = match spec {
        Value::Null => return Ok(SetCookie::removal(name)),
        Value::Object(attributes) => attributes,
        _ => return Err(bad("must be an object or null")),
    };
    let value = match attributes.get("value") {
        Some(Value::String(text)) => text.clone(),
        Some(value @ (Value::Number(_) | Value::Bool(_))) => value.to_string(),
        _ => return Err(bad("`value` must be a string, a number or a boolean")),
    };
    let mut cookie = SetCookie::new(name, value);
    for (attribute, value) in attributes {
        cookie = match (attribute.to_ascii_lowercase().as_str(), value) {
            ("value", _) | (_, Value::Null) => cookie,
            ("expires", Value::Number(at)) => cookie
                .with_expires_at(at.as_f64().unwrap_or(f64::NAN))
                .map_err(|e| bad(&e.to_string()))?,
            ("expires", Value::String(text)) => cookie
                .with_expires_text(text.clone())
                .map_err(|e| bad(&e.to_string()))?,
            ("path", Value::String(path)) => cookie.with_path(path.clone()),
            ("domain", Value::String(domain)) => cookie.with_domain(domain.clone()),
            ("max-age", Value::Number(seconds)) => {
                let seconds = seconds
                    .as_f64()
                    .filter(|s| s.is_finite())
                    .ok_or_else(|| bad("bad `max-age`"))?;
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // clamped
                let seconds = seconds.clamp(0.0, u32::MAX.into()) as u64;
                cookie.with_max_age(Duration::from_secs(seconds))
            }
            ("secure", Value::Bool(on)) => cookie.with_secure(*on),
            ("httponly", Value::Bool(on)) => cookie.with_http_only(*on),
            ("partitioned", Value::Bool(on)) => cookie.with_partitioned(*on),
            ("samesite", Value::String(mode)) => {
                cookie.with_same_site(match mode.to_ascii_lowercase().as_str() {
                    "strict" => SameSite::Strict,
                    "lax" => SameSite::Lax,
                    "none" => SameSite::None,
                    _ => return Err(bad("`samesite` must be Strict, Lax or None")),
                })
            }
            (
                "expires" | "path" | "domain" | "max-age" | "secure" | "httponly" | "partitioned"
                | "samesite",
                _,
            ) => return Err(bad(&format!("`{attribute}` has the wrong type"))),
            // Unknown attributes are ignored, as browsers ignore unknown cookie attributes.
            _ => cookie,
        };
    }
    Ok(cookie)
}

async fn stream(req: Request) -> Result<Response, HttpError> {
    let chunks = bounded(&req, "chunks", 3, MAX_CHUNKS.into())?;
    let delay = bounded(&req, "delay_ms", 0, MAX_DELAY_MS)?;
    let body = if delay == 0 {
        Body::from_iter((0..chunks).map(|i| format!("chunk {i}\n")))
    } else {
        Body::from_stream(PacedChunks {
            next: 0,
            count: chunks,
            delay: Duration::from_millis(delay),
            pause: None,
        })
    };
    Ok(shallot::stream(TEXT_PLAIN_UTF_8, body))
}

/// `chunk {i}\n` for i in 0..count, with a pause between two chunks: each chunk is yielded
/// as soon as it is made, so a client sees the first before the second exists.
struct PacedChunks {
    next: u64,
    count: u64,
    delay: Duration,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl futures_core::Stream for PacedChunks {
    type Item = Result<String, std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.next >= self.count {
            return Poll::Ready(None);
        }
        if let Some(pause) = self.pause.as_mut() {
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        let i = self.next;
        self.next += 1;
        self.pause = Some(Box::pin(tokio::time::sleep(self.delay)));
        Poll::Ready(Some(Ok(format!("chunk {i}\n"))))
    }
}

async fn student(req: Request) -> Response {
    json(&serde_json::json!({
        "id": req.param("id"),
        "session": req.param("session"),
    }))
}

async fn files(req: Request) -> String {
    format!("path: {}", req.param("path").unwrap_or_default())
}

async fn url(req: Request) -> Result<String, HttpError> {
    let index = req.param("index").unwrap_or_default();
    req.url_for("hello-index", &[("index", index)])
        .map_err(|error| HttpError::internal(error.to_string()))
}

async fn slow(req: Request) -> Result<String, HttpError> {
    let ms = bounded(&req, "ms", 1000, MAX_SLEEP_MS)?;
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(format!("slept {ms} ms"))
}

async fn panic(_req: Request) -> Response {
    panic!("the /panic route panics on purpose")
}

/// Start-up options, from the command line or the environment.
struct Options {
    addr: String,
    static_dir: PathBuf,
    print_routes: bool,
    redis: Option<String>,
    trust_proxy: Vec<String>,
    session_ttl: Duration,
    access_log: bool,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
}

/// An option's value from its environment variable, when set and not empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        addr: std::env::var("SHALLOT_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".into()),
        static_dir: std::env::var_os("SHALLOT_STATIC").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/static"),
            PathBuf::from,
        ),
        print_routes: false,
        redis: env("SHALLOT_REDIS"),
        trust_proxy: env("SHALLOT_TRUST_PROXY")
            .map(|list| list.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_default(),
        session_ttl: Duration::from_secs(86_400),
        access_log: env("SHALLOT_NO_ACCESS_LOG").is_none(),
        tls_cert: env("SHALLOT_TLS_CERT").map(PathBuf::from),
        tls_key: env("SHALLOT_TLS_KEY").map(PathBuf::from),
    };
    let ttl = |text: &str| {
        text.parse::<u64>()
            .ok()
            .filter(|seconds| *seconds > 0)
            .map(Duration::from_secs)
            .ok_or_else(|| {
                format!("--session-ttl: `{text}` is not a whole number of seconds above 0")
            })
    };
    if let Some(text) = env("SHALLOT_SESSION_TTL") {
        options.session_ttl = ttl(&text)?;
    }
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |what: &str| args.next().ok_or(format!("{arg} needs {what}"));
        match arg.as_str() {
            "--addr" => options.addr = value("HOST:PORT")?,
            "--static" => options.static_dir = value("DIR")?.into(),
            "--redis" => options.redis = Some(value("URL")?),
            "--trust-proxy" => options.trust_proxy.push(value("CIDR")?),
            "--session-ttl" => options.session_ttl = ttl(&value("SECONDS")?)?,
            "--no-access-log" => options.access_log = false,
            "--tls-cert" => options.tls_cert = Some(value("FILE")?.into()),
            "--tls-key" => options.tls_key = Some(value("FILE")?.into()),
            "--routes" => options.print_routes = true,
            other => {
                return Err(format!(
                    "unknown argument `{other}`; expected --addr, --static, --redis, \
                     --trust-proxy, --session-ttl, --tls-cert, --tls-key, --no-access-log \
                     or --routes"
                ))
            }
        }
    }
    Ok(options)
}

fn main() {
    if let Err(error) = run() {
        eprintln!("showcase: {error}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let options = options()?;
    // One line per panic instead of a backtrace: `/panic` is a row that load tests hit.
    std::panic::set_hook(Box::new(|info| eprintln!("showcase: {info}")));
    if options.print_routes {
        // On stderr: stdout carries exactly one line, the address, in every mode.
        eprint!("{}", routes()?);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let proxies = TrustedProxies::parse(&options.trust_proxy)
        .map_err(|error| format!("--trust-proxy: {error}"))?;
    let tls = match (&options.tls_cert, &options.tls_key) {
        (None, None) => None,
        (Some(cert), Some(key)) => Some(TlsConfig::from_pem_files(cert, key).map_err(|error| {
            format!(
                "--tls-cert {} --tls-key {}: {error}",
                cert.display(),
                key.display()
            )
        })?),
        (Some(_), None) => return Err("--tls-cert needs --tls-key too".into()),
        (None, Some(_)) => return Err("--tls-key needs --tls-cert too".into()),
    };
    runtime.block_on(async move {
        let sessions = match &options.redis {
            None => wrap_sessions(MemoryStore::new()),
            Some(url) => wrap_sessions(
                RedisStore::connect(url, REDIS_TIMEOUT)
                    .await
                    .map_err(|error| format!("--redis {url}: {error}"))?,
            ),
        }
        .with_paths(SESSION_PATHS);
        let config = Config {
            sessions: sessions.with_ttl(options.session_ttl),
            access_log: options.access_log.then(LogWriter::stderr),
            ..Config::new(&options.static_dir)
        };
        let server = Server::bind(&options.addr)
            .await
            .map_err(|error| format!("--addr {}: {error}", options.addr))?
            .with_trusted_proxies(proxies);
        let server = match tls {
            Some(tls) => server.with_tls(tls),
            None => server,
        };
        let scheme = server.scheme();
        let addr: SocketAddr = server.local_addr();
        // The last start-up hook: the line is printed once every other hook succeeded, just
        // before the server accepts connections.
        let app = app(&config)?.on_start(move |_state| async move {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "listening on {scheme}://{addr}")?;
            stdout.flush()?;
            Ok(())
        });
        server.serve(app).await?;
        eprintln!("shutdown complete");
        Ok(())
    })
}
