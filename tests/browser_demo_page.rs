//! The showcase's demo page (`/static/`) driven by a real browser: headless Chromium opens it in
//! two tabs (each with its own session, WebSocket and event stream), one tab says something in
//! the chat and the other sees it (and back), a 3 MiB file uploads from the first tab to 100%
//! with the server's SHA-256 checked against the browser's own, and the ticker and the visit
//! counter show what the server sent. The tabs are driven over the DevTools protocol
//! (`--remote-debugging-port=0`, a WebSocket on loopback): the page keeps an `EventSource` and
//! a `WebSocket` open, so `--dump-dom --virtual-time-budget` (which waits for the network to be
//! idle) never finishes here. Nothing is mocked.

mod common;
#[path = "support/installed.rs"]
mod installed;

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine as _;
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use installed::chromium;

/// How long any one DevTools call (a page-side wait included) may take.
const CALL_LIMIT: Duration = Duration::from_secs(60);

/// A headless Chromium this test started, stopped by PID when dropped, with its profile.
struct Browser {
    child: Child,
    profile: PathBuf,
    devtools_url: String,
}

impl Browser {
    fn start(chromium: &PathBuf) -> Self {
        let profile =
            std::env::temp_dir().join(format!("shallot-chromium-demo-{}", std::process::id()));
        let mut child = Command::new(chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        // Chromium names its DevTools endpoint on stderr once it listens.
        let stderr = child.stderr.take().expect("piped stderr");
        let (found, listening) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = found.send(url.trim().to_owned());
                }
            }
        });
        let Ok(devtools_url) = listening.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not open its DevTools endpoint within 60 s");
        };
        Self {
            child,
            profile,
            devtools_url,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The few DevTools calls the test needs, over the browser's WebSocket (flat sessions).
struct DevTools {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    /// Events that arrived while a command waited for its answer.
    events: Vec<Value>,
}

impl DevTools {
    async fn connect(url: &str) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connect to DevTools");
        Self {
            socket,
            next_id: 0,
            events: Vec::new(),
        }
    }

    /// The next DevTools message, within [`CALL_LIMIT`].
    async fn receive(&mut self, waiting_for: &str) -> Value {
        let message = tokio::time::timeout(CALL_LIMIT, async {
            loop {
                let message = self
                    .socket
                    .next()
                    .await
                    .expect("DevTools hung up")
                    .expect("a DevTools message");
                if let Message::Text(text) = message {
                    break text;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{waiting_for} took longer than {CALL_LIMIT:?}"));
        serde_json::from_str(&message).expect("DevTools JSON")
    }

    /// Sends one command (to a page when `session` is given) and returns its `result`;
    /// events that arrive meanwhile are kept for [`DevTools::event`].
    async fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(command.to_string()))
            .await
            .expect("send to DevTools");
        let answer = loop {
            let value = self.receive(method).await;
            if value["id"] == json!(id) {
                break value;
            }
            if value.get("method").is_some() {
                self.events.push(value);
            }
        };
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    /// Waits for the event `method` from the page `session`.
    async fn event(&mut self, session: &str, method: &str) -> Value {
        let from_page = |event: &Value| event["method"] == method && event["sessionId"] == session;
        if let Some(index) = self.events.iter().position(from_page) {
            return self.events.remove(index);
        }
        loop {
            let value = self.receive(method).await;
            if from_page(&value) {
                return value;
            }
        }
    }

    /// Opens `url` in a new tab, waits until it has loaded, and returns the tab's session.
    async fn open_tab(&mut self, url: &str) -> String {
        let target = self
            .call(None, "Target.createTarget", json!({ "url": "about:blank" }))
            .await;
        let attached = self
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await;
        let session = attached["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        self.call(Some(&session), "Page.enable", json!({})).await;
        let navigated = self
            .call(Some(&session), "Page.navigate", json!({ "url": url }))
            .await;
        assert!(navigated.get("errorText").is_none(), "{url}: {navigated}");
        self.event(&session, "Page.loadEventFired").await;
        session
    }

    /// Runs `body` (the body of an async JavaScript function, with the page helpers below in
    /// scope) in a tab and returns what it returns.
    async fn run(&mut self, tab: &str, body: &str) -> Value {
        let expression = format!("(async () => {{ {PAGE_HELPERS}\n{body} }})()");
        let result = self
            .call(
                Some(tab),
                "Runtime.evaluate",
                json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
            )
            .await;
        assert!(
            result.get("exceptionDetails").is_none(),
            "the page threw: {result}"
        );
        result["result"]["value"].clone()
    }
}

/// Page-side helpers: an element's text, and a bounded wait for a condition.
const PAGE_HELPERS: &str = r##"
const text = (id) => (document.getElementById(id) || {}).textContent || "";
const until = (what, check, ms = 30000) => new Promise((resolve, reject) => {
  const started = Date.now();
  const tick = () => {
    let value;
    try { value = check(); } catch (error) { value = undefined; }
    if (value) return resolve(value);
    if (Date.now() - started > ms) return reject(new Error("timed out waiting for " + what));
    setTimeout(tick, 50);
  };
  tick();
});
const say = (line) => {
  document.getElementById("line").value = line;
  document.getElementById("say").requestSubmit();
};
const heard = (line) => until("the chat line " + line, () =>
  [...document.querySelectorAll("#messages li")].map((li) => li.textContent).find((t) => t.includes(line)));
"##;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_chat_and_a_file_uploads_to_100_percent_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let app = common::start().await;
    let browser = tokio::task::spawn_blocking(move || Browser::start(&chromium))
        .await
        .expect("joined");
    let mut devtools = DevTools::connect(&browser.devtools_url).await;
    // localhost: a secure context, so the page may use crypto.subtle.
    let page = format!("http://localhost:{}/static/", app.addr.port());
    let a = devtools.open_tab(&page).await;
    let b = devtools.open_tab(&page).await;

    for tab in [&a, &b] {
        let state = devtools
            .run(
                tab,
                r#"return await until("the chat to connect", () => text("chat-state") === "(connected)" && text("chat-state"));"#,
            )
            .await;
        assert_eq!(state, "(connected)");
    }
    let visits = devtools
        .run(
            &a,
            r#"return await until("the visit count", () => /^\d+$/.test(text("visits")) && text("visits"));"#,
        )
        .await;
    assert!(
        visits.as_str().is_some_and(|v| v.parse::<u64>().is_ok()),
        "{visits}"
    );

    // Two tabs chatting: each sees what the other said.
    devtools.run(&a, r#"say("hello from a");"#).await;
    let heard_in_b = devtools
        .run(&b, r#"return await heard("hello from a");"#)
        .await;
    assert!(
        heard_in_b
            .as_str()
            .is_some_and(|l| l.contains("hello from a")),
        "{heard_in_b}"
    );
    devtools.run(&b, r#"say("and hello from b");"#).await;
    let heard_in_a = devtools
        .run(&a, r#"return await heard("and hello from b");"#)
        .await;
    assert!(
        heard_in_a
            .as_str()
            .is_some_and(|l| l.contains("and hello from b")),
        "{heard_in_a}"
    );

    // An upload through the page's form, watched to 100%.
    let upload = devtools
        .run(
            &a,
            r#"
const bytes = new Uint8Array(3 * 1024 * 1024);
for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 255;
const transfer = new DataTransfer();
transfer.items.add(new File([bytes], "upload.bin", { type: "application/octet-stream" }));
document.getElementById("file").files = transfer.files;
document.getElementById("upload-form").requestSubmit();
const percent = await until("100%", () => text("percent") === "100%" && text("percent"));
const answer = await until("the server's answer", () => text("upload-result"));
const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
return { percent, answer, sha256, size: bytes.length };
"#,
        )
        .await;
    assert_eq!(upload["percent"], "100%", "{upload}");
    let answer: Value = serde_json::from_str(upload["answer"].as_str().expect("an answer"))
        .expect("JSON from the upload route");
    let answer_text = answer.to_string();
    assert!(
        answer_text.contains(upload["sha256"].as_str().expect("a digest")),
        "{answer} vs {upload}"
    );
    assert!(
        answer_text.contains(&upload["size"].to_string()),
        "{answer}"
    );

    // The ticker shows a server-sent event with its id.
    let tick = devtools
        .run(
            &b,
            r#"return await until("a server-sent event", () => text("tick").includes("(id") && text("tick"));"#,
        )
        .await;
    assert!(tick.as_str().is_some_and(|t| t.contains("(id")), "{tick}");

    // `SHALLOT_DEMO_SCREENSHOT=docs/showcase-page.png` refreshes the picture in docs/showcase.md.
    if let Ok(path) = std::env::var("SHALLOT_DEMO_SCREENSHOT") {
        devtools
            .call(
                Some(&a),
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": 900, "height": 960, "deviceScaleFactor": 1, "mobile": false }),
            )
            .await;
        let shot = devtools
            .call(
                Some(&a),
                "Page.captureScreenshot",
                json!({ "format": "png" }),
            )
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("base64 data"))
            .expect("a PNG in base64");
        std::fs::write(&path, png).expect("write the screenshot");
    }

    let _ = tokio::time::timeout(
        Duration::from_secs(10),
        devtools.call(None, "Browser.close", json!({})),
    )
    .await;
    drop(browser);
}
