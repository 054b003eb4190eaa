//! A real browser judges CORS: headless Chromium loads a page from an allowed origin
//! (`http://localhost:PORT`) and from another one (`http://127.0.0.1:PORT`, a different origin
//! for the browser), `fetch()`es an API served by a CORS pile on a third origin, and reports
//! what the page could read. The page writes its findings into the DOM, which Chromium dumps
//! once the page's virtual time has run out (`--dump-dom --virtual-time-budget`): no WebDriver
//! needed, nothing mocked.

#[path = "support/installed.rs"]
mod installed;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shallot::cors::wrap_cors;
use shallot::http::{header, HeaderValue, Method};
use shallot::router::{get, route, wrap_routes};
use shallot::server::Server;
use shallot::{chain_middleware, html, HttpError, Request};

use installed::chromium;

const PAGE: &str = r#"<!doctype html><html><body>running<script>
const api = new URLSearchParams(location.search).get("api");
async function attempt(run) {
  try { return "read:" + await run(); } catch (error) { return "blocked"; }
}
(async () => {
  const results = {
    simple: await attempt(async () => (await fetch(api + "/api")).text()),
    credentials: await attempt(async () => (await fetch(api + "/api", { credentials: "include" })).text()),
    preflighted: await attempt(async () => (await fetch(api + "/api", {
      method: "PUT",
      headers: { "x-requested-with": "page", "content-type": "application/json" },
      body: "{}",
    })).text()),
    refused_header: await attempt(async () => (await fetch(api + "/api", {
      method: "PUT", headers: { "x-secret": "1" },
    })).text()),
    exposed: await attempt(async () => (await fetch(api + "/api")).headers.get("x-request-id") ?? "hidden"),
  };
  document.body.textContent = "RESULTS" + JSON.stringify(results) + "END";
})();
</script></body></html>"#;

async fn serve(server: Server, app: impl shallot::Handler) -> tokio::sync::oneshot::Sender<()> {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.serve_until(app, async move {
        let _ = stopped.await;
    }));
    stop
}

/// What the page loaded from `page_url` could read, as Chromium reports it.
fn run_page(chromium: &PathBuf, page_url: &str) -> serde_json::Value {
    let profile = std::env::temp_dir().join(format!(
        "shallot-chromium-{}-{}",
        std::process::id(),
        page_url.len() + page_url.bytes().map(usize::from).sum::<usize>()
    ));
    let mut child = Command::new(chromium)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .args([
            "--disable-extensions",
            "--virtual-time-budget=15000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(page_url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    while child.try_wait().expect("poll").is_none() {
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut dom = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut dom)
        .expect("read");
    let _ = std::fs::remove_dir_all(&profile);
    let results = dom
        .split("RESULTS")
        .nth(1)
        .and_then(|rest| rest.split("END").next())
        .unwrap_or_else(|| panic!("the page did not finish: {dom}"));
    serde_json::from_str(&results.replace("&quot;", "\"")).expect("the page's JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_reads_only_what_the_policy_allows() {
    let Some(chromium) = chromium() else { return };
    let pages = Server::bind("127.0.0.1:0").await.expect("bind");
    let page_port = pages.local_addr().port();
    let api = Server::bind("127.0.0.1:0").await.expect("bind");
    let api_addr = api.local_addr();

    let page_app = chain_middleware(()).apply(|_req: Request| async { html(PAGE) });
    let cors = wrap_cors()
        .with_origins([format!("http://localhost:{page_port}")])
        .expect("an origin")
        .with_credentials(true)
        .expect("no wildcard")
        .with_methods(["GET", "PUT"])
        .expect("methods")
        .with_headers(["x-requested-with", "content-type"])
        .expect("headers")
        .with_exposed_headers(["x-request-id"])
        .expect("headers");
    let api_app = chain_middleware((
        cors,
        wrap_routes([
            get("/api", |_req: Request| async {
                let mut res = shallot::text("secret data");
                res.headers_mut()
                    .insert("x-request-id", HeaderValue::from_static("rid-1"));
                res.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                res
            }),
            route("/api", Method::PUT, |_req: Request| async { "put done" }),
        ])
        .expect("routes"),
    ))
    .apply(|_req: Request| async { HttpError::not_found() });
    let _pages = serve(pages, page_app).await;
    let _api = serve(api, api_app).await;

    let api_url = format!("http://{api_addr}");
    let chromium_for_allowed = chromium.clone();
    let allowed_url = format!("http://localhost:{page_port}/page.html?api={api_url}");
    let allowed =
        tokio::task::spawn_blocking(move || run_page(&chromium_for_allowed, &allowed_url))
            .await
            .expect("joined");
    assert_eq!(allowed["simple"], "read:secret data", "{allowed}");
    assert_eq!(allowed["credentials"], "read:secret data", "{allowed}");
    assert_eq!(allowed["preflighted"], "read:put done", "{allowed}");
    assert_eq!(allowed["refused_header"], "blocked", "{allowed}");
    assert_eq!(allowed["exposed"], "read:rid-1", "{allowed}");

    let other_url = format!("http://127.0.0.1:{page_port}/page.html?api={api_url}");
    let other = tokio::task::spawn_blocking(move || run_page(&chromium, &other_url))
        .await
        .expect("joined");
    for case in [
        "simple",
        "credentials",
        "preflighted",
        "refused_header",
        "exposed",
    ] {
        assert_eq!(other[case], "blocked", "{case}: {other}");
    }
}
