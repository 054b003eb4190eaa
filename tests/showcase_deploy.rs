//! The showcase as processes: the access log on stderr, start-up mistakes, and sessions shared
//! through a real Redis by two processes and across a restart.

mod common;
#[path = "support/redis_server.rs"]
mod redis_server;
#[path = "support/showcase_process.rs"]
mod showcase_process;

use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hyper::Method;
use redis_server::RedisServer;
use showcase_process::{listening_addr, showcase_binary, stderr_after_term, wait_exit};

/// A showcase process this test started; killed by its PID when dropped.
struct Process {
    child: Child,
    addr: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(showcase_binary());
    command
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in [
        "SHALLOT_ADDR",
        "SHALLOT_REDIS",
        "SHALLOT_TRUST_PROXY",
        "SHALLOT_NO_ACCESS_LOG",
        "SHALLOT_SESSION_TTL",
    ] {
        command.env_remove(name);
    }
    command
}

fn start(args: &[&str]) -> Process {
    let mut child = command(args).spawn().expect("start the showcase");
    let addr = listening_addr(&mut child, "http");
    Process { child, addr }
}

/// Runs the showcase expecting a start-up mistake: its exit status, stdout and stderr.
fn fails_to_start(args: &[&str], within: Duration) -> (Option<i32>, String, String) {
    let mut child = command(args).spawn().expect("start the showcase");
    let status = wait_exit(&mut child, within);
    let (mut out, mut err) = (String::new(), String::new());
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read");
    (status.code(), out, err)
}

fn terminate(mut process: Process) -> String {
    stderr_after_term(&mut process.child)
}

#[tokio::test]
async fn access_log_lines_go_to_stderr_as_json_unless_disabled() {
    let process = start(&[]);
    let url = format!("http://{}/hello?who=me", process.addr);
    common::send(Method::GET, &url, &[("x-request-id", "deploy-1")], "").await;
    let stderr = terminate(process);
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert_eq!(lines[0]["path"], "/hello?who=me");
    assert_eq!(lines[0]["request_id"], "deploy-1");
    assert_eq!(stderr.lines().last(), Some("shutdown complete"));

    let quiet = start(&["--no-access-log"]);
    common::get(&format!("http://{}/hello", quiet.addr)).await;
    let stderr = terminate(quiet);
    assert!(
        !stderr.lines().any(|line| line.starts_with('{')),
        "{stderr}"
    );
}

#[test]
fn start_up_mistakes_exit_non_zero_naming_the_option() {
    let free_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    let unreachable = format!("redis://127.0.0.1:{free_port}");
    for (args, option) in [
        (vec!["--redis", unreachable.as_str()], "--redis"),
        (vec!["--redis", "not a url"], "--redis"),
        (vec!["--trust-proxy", "10.0.0.0/99"], "--trust-proxy"),
        (vec!["--session-ttl", "soon"], "--session-ttl"),
        (vec!["--bogus"], "--bogus"),
        (
            vec!["--static", "/nonexistent-shallot-dir"],
            "--static /nonexistent-shallot-dir",
        ),
    ] {
        let (code, stdout, stderr) = fails_to_start(&args, Duration::from_secs(8));
        assert_ne!(code, Some(0), "{args:?}");
        assert!(code.is_some(), "{args:?} ended by a signal");
        assert!(stdout.is_empty(), "{args:?} printed {stdout:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(option), "{args:?}: {stderr}");
    }
}

fn sid(answer: &common::Answer) -> String {
    answer
        .header("set-cookie")
        .expect("a sid cookie")
        .split(';')
        .next()
        .expect("name=value")
        .to_owned()
}

async fn visits(addr: &str, cookie: &str) -> u64 {
    let url = format!("http://{addr}/session");
    let answer = common::send(Method::GET, &url, &[("cookie", cookie)], "").await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["visits"].as_u64().expect("a count")
}

#[tokio::test]
async fn two_processes_share_sessions_through_redis_and_survive_a_restart() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let url = redis.url();
    let one = start(&["--redis", &url]);
    let two = start(&["--redis", &url]);
    let first = common::get(&format!("http://{}/session", one.addr)).await;
    let cookie = sid(&first);
    assert_eq!(visits(&two.addr, &cookie).await, 2);
    assert_eq!(visits(&one.addr, &cookie).await, 3);
    drop(one);
    let again = start(&["--redis", &url]);
    assert_eq!(visits(&again.addr, &cookie).await, 4);
}

/// A self-signed certificate for `localhost` in PEM files under a fresh folder.
fn certificate_files() -> (PathBuf, PathBuf, rustls::pki_types::CertificateDer<'static>) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("a certificate");
    let dir = std::env::temp_dir().join(format!(
        "shallot-tls-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).expect("a folder");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).expect("write");
    std::fs::write(&key, certified.signing_key.serialize_pem()).expect("write");
    (cert, key, certified.cert.der().clone())
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

#[tokio::test]
async fn with_a_certificate_it_serves_https_and_says_so() {
    use http_body_util::BodyExt as _;
    use std::sync::Arc;

    let (cert, key, der) = certificate_files();
    let mut child = command(&[
        "--tls-cert",
        cert.to_str().expect("utf-8"),
        "--tls-key",
        key.to_str().expect("utf-8"),
    ])
    .spawn()
    .expect("start");
    let process = Process {
        addr: listening_addr(&mut child, "https"),
        child,
    };

    let mut roots = rustls::RootCertStore::empty();
    roots.add(der).expect("root");
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let tcp = tokio::net::TcpStream::connect(&process.addr)
        .await
        .expect("connect");
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(
            rustls::pki_types::ServerName::try_from("localhost").expect("name"),
            tcp,
        )
        .await
        .expect("handshake");
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(tls),
    )
    .await
    .expect("h2");
    tokio::spawn(connection);
    let get = |path: &str| {
        hyper::Request::get(format!("https://localhost{path}"))
            .body(http_body_util::Empty::<bytes::Bytes>::new())
            .expect("request")
    };
    let res = sender.send_request(get("/whoami")).await.expect("answer");
    assert_eq!(res.version(), hyper::Version::HTTP_2);
    let body = res.into_body().collect().await.expect("body").to_bytes();
    let who: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(
        (who["scheme"].as_str(), who["host"].as_str()),
        (Some("https"), Some("localhost"))
    );
    let res = sender.send_request(get("/session")).await.expect("answer");
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(cookie.ends_with("; Secure"), "{cookie}");
    drop(process);
}

#[test]
fn tls_mistakes_exit_non_zero_naming_the_option_and_file() {
    let (cert, key, _) = certificate_files();
    let (_, other_key, _) = certificate_files();
    let missing = cert.with_file_name("absent.pem");
    let (cert, key, other_key, missing) = (
        cert.to_str().expect("utf-8").to_owned(),
        key.to_str().expect("utf-8").to_owned(),
        other_key.to_str().expect("utf-8").to_owned(),
        missing.to_str().expect("utf-8").to_owned(),
    );
    for (args, needles) in [
        (vec!["--tls-cert", cert.as_str()], vec!["--tls-key"]),
        (vec!["--tls-key", key.as_str()], vec!["--tls-cert"]),
        (
            vec!["--tls-cert", missing.as_str(), "--tls-key", key.as_str()],
            vec!["--tls-cert", "absent.pem"],
        ),
        (
            vec!["--tls-cert", cert.as_str(), "--tls-key", other_key.as_str()],
            vec!["--tls-cert", "--tls-key"],
        ),
        (
            vec!["--tls-cert", key.as_str(), "--tls-key", key.as_str()],
            vec!["--tls-cert", "certificate"],
        ),
    ] {
        let (code, stdout, stderr) = fails_to_start(&args, Duration::from_secs(8));
        assert!(code.is_some_and(|c| c != 0), "{args:?}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        for needle in needles {
            assert!(stderr.contains(needle), "{args:?}: {stderr}");
        }
    }
}

#[tokio::test]
async fn on_sigterm_every_websocket_gets_1001_at_once_and_the_process_exits_0() {
    use futures_util::StreamExt as _;
    use tokio_tungstenite::tungstenite::Message;

    let mut process = start(&["--no-access-log"]);
    let mut sockets = Vec::new();
    for path in ["/ws/echo", "/ws/chat", "/ws/echo"] {
        let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{}{path}", process.addr))
            .await
            .expect("upgraded");
        sockets.push(socket);
    }
    let status = Command::new("kill")
        .args(["-TERM", &process.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let signalled = Instant::now();
    for socket in &mut sockets {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a close frame")
            .expect("not ended")
            .expect("no error");
        match message {
            Message::Close(Some(frame)) => assert_eq!(u16::from(frame.code), 1001),
            other => panic!("{other:?}"),
        }
    }
    assert!(
        signalled.elapsed() < Duration::from_secs(1),
        "{:?}",
        signalled.elapsed()
    );
    // The clients answer the close (tungstenite does when polled) and the server exits 0.
    for socket in &mut sockets {
        let _ = tokio::time::timeout(Duration::from_secs(2), socket.next()).await;
    }
    let started = Instant::now();
    let code = loop {
        if let Some(status) = process.child.try_wait().expect("poll") {
            break status.code();
        }
        assert!(started.elapsed() < Duration::from_secs(15), "no exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
}

#[tokio::test]
async fn session_ttl_and_options_from_the_environment() {
    // --session-ttl: a session unused for that long is gone (time passing is the event here).
    let process = start(&["--session-ttl", "1", "--no-access-log"]);
    let url = format!("http://{}/session", process.addr);
    let cookie = sid(&common::get(&url).await);
    assert_eq!(visits(&process.addr, &cookie).await, 2);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        visits(&process.addr, &cookie).await,
        1,
        "expired after 1 s unused"
    );
    drop(process);

    // The same options from the environment: trust the test client as a proxy, no log lines.
    let mut child = command(&[])
        .env("SHALLOT_TRUST_PROXY", "10.0.0.0/8, 127.0.0.1/32")
        .env("SHALLOT_NO_ACCESS_LOG", "1")
        .env("SHALLOT_SESSION_TTL", "60")
        .spawn()
        .expect("start");
    let addr = listening_addr(&mut child, "http");
    let process = Process { child, addr };
    let who = common::send(
        Method::GET,
        &format!("http://{}/whoami", process.addr),
        &[("x-forwarded-for", "203.0.113.5")],
        "",
    )
    .await;
    assert_eq!(who.json()["ip"], "203.0.113.5");
    let stderr = terminate(process);
    assert!(!stderr.lines().any(|l| l.starts_with('{')), "{stderr}");
}
