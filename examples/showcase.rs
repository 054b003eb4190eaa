//! The showcase: one server built from the full shallot pile, exercising every crate.
//! Its behaviour is the contract in SHOWCASE.md (see docs/SPEC.md and the README).
//!
//! Run: `cargo run --release --example showcase -- [--addr HOST:PORT] [--static DIR] [--routes]`
//! Try: `curl -i http://127.0.0.1:5000/hello/42`

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use shallot::http::header::{HeaderValue, CONTENT_TYPE};
use shallot::http::Method;
use shallot::router::{get, group, route, wrap_routes, RouterExt, RouterMiddleware};
use shallot::server::Server;
use shallot::{
    chain_middleware, Body, ChainHandler, HttpError, Request, Response, APPLICATION_OCTET_STREAM,
    TEXT_PLAIN_UTF_8,
};

/// The largest `chunks` accepted by `/stream`.
const MAX_CHUNKS: u32 = 10_000;
/// The longest sleep accepted by `/slow`, in milliseconds.
const MAX_SLEEP_MS: u64 = 30_000;

/// The route table of the showcase.
pub fn routes() -> Result<RouterMiddleware, shallot::router::Error> {
    wrap_routes([
        get("/", hello),
        get("/hello", hello),
        get("/hello/{index}", hello_index).named("hello-index"),
        route("/echo", [Method::GET, Method::PUT, Method::POST], echo),
        get("/stream", stream),
        group("/api/v1", [get("/students/{id}/{session?}", student)]),
        get("/files/{*path}", files),
        get("/url/{index}", url),
        get("/slow", slow),
        get("/panic", panic),
    ])
}

/// The whole pile over the default handler (404). `static_dir` is served under `/static`.
pub fn app(static_dir: &Path) -> Result<ChainHandler, shallot::router::Error> {
    let _ = static_dir;
    Ok(chain_middleware((routes()?,)).apply(not_found))
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

async fn echo(req: Request) -> Response {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .cloned()
        .unwrap_or(APPLICATION_OCTET_STREAM);
    let mut res = Response::new(Body::from(req.into_body()));
    res.headers_mut().insert(CONTENT_TYPE, content_type);
    res
}

async fn stream(req: Request) -> Result<Response, HttpError> {
    let chunks = match query_value(&req, "chunks") {
        None => 3,
        Some(value) => value
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_CHUNKS)
            .ok_or_else(|| {
                HttpError::bad_request("chunks must be a whole number from 0 to 10000")
            })?,
    };
    let body = Body::from_iter((0..chunks).map(|i| format!("chunk {i}\n")));
    Ok(shallot::stream(TEXT_PLAIN_UTF_8, body))
}

async fn student(req: Request) -> Response {
    let value = serde_json::json!({
        "id": req.param("id"),
        "session": req.param("session"),
    });
    let mut res = Response::new(Body::from(value.to_string()));
    res.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
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
    let ms = match query_value(&req, "ms") {
        None => 1000,
        Some(value) => value
            .parse::<u64>()
            .ok()
            .filter(|ms| *ms <= MAX_SLEEP_MS)
            .ok_or_else(|| HttpError::bad_request("ms must be a whole number from 0 to 30000"))?,
    };
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(format!("slept {ms} ms"))
}

async fn panic(_req: Request) -> Response {
    panic!("the /panic route panics on purpose")
}

/// The first value of a query parameter, as written (the showcase only reads numbers).
fn query_value<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.uri()
        .query()?
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Start-up options, from the command line or the environment.
struct Options {
    addr: String,
    static_dir: PathBuf,
    print_routes: bool,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        addr: std::env::var("SHALLOT_ADDR").unwrap_or_else(|_| "127.0.0.1:5000".into()),
        static_dir: std::env::var_os("SHALLOT_STATIC").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/static"),
            PathBuf::from,
        ),
        print_routes: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => options.addr = args.next().ok_or("--addr needs HOST:PORT")?,
            "--static" => options.static_dir = args.next().ok_or("--static needs DIR")?.into(),
            "--routes" => options.print_routes = true,
            other => {
                return Err(format!(
                    "unknown argument `{other}`; expected --addr, --static or --routes"
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
        print!("{}", routes()?);
    }
    let app = app(&options.static_dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let server = Server::bind(&options.addr).await?;
        let addr: SocketAddr = server.local_addr();
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on http://{addr}")?;
        stdout.flush()?;
        drop(stdout);
        server.serve(app).await?;
        Ok(())
    })
}
