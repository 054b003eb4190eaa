//! deploy/nginx.conf for real: nginx in front of two showcase processes sharing Redis.
//! The file is used as shipped, with only its ports replaced and nginx's upstream connections
//! bound to 127.0.0.2, so that the proxy (trusted) and the test's client (127.0.0.1, not
//! trusted) have different addresses, as they would on a real network.

mod common;
#[path = "support/installed.rs"]
mod installed;
#[path = "support/redis_server.rs"]
mod redis_server;
#[path = "support/showcase_process.rs"]
mod showcase_process;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hyper::Method;
use installed::installed;
use redis_server::RedisServer;
use showcase_process::{listening_addr, showcase_binary};

fn nginx_binary() -> Option<PathBuf> {
    installed(
        "nginx",
        ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"].map(PathBuf::from),
    )
}

/// A process this test started, stopped by its PID when dropped: SIGTERM first (nginx's
/// master then stops its workers, which a SIGKILL would leave behind), SIGKILL if it lingers.
struct Owned(Child);

impl Drop for Owned {
    fn drop(&mut self) {
        // Never signal a PID this test has already reaped: it may be another process's now.
        if !matches!(self.0.try_wait(), Ok(None)) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.0.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn showcase(redis: &str) -> (Owned, String) {
    let mut child = Command::new(showcase_binary())
        .args([
            "--addr",
            "127.0.0.1:0",
            "--redis",
            redis,
            "--trust-proxy",
            "127.0.0.2/32",
        ])
        .env_remove("SHALLOT_ADDR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the showcase");
    let addr = listening_addr(&mut child, "http");
    (Owned(child), addr)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port()
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "deploy/nginx.conf should contain `{from}` once"
    );
    text.replacen(from, to, 1)
}

/// Stops a showcase process by SIGTERM and returns its stderr.
fn stderr_after_term(mut process: Owned) -> String {
    showcase_process::stderr_after_term(&mut process.0)
}

/// Redis, two showcase processes trusting 127.0.0.2, and nginx in front with the shipped
/// configuration on free ports; `None` when nginx or redis-server is missing outside CI.
/// Fields drop in this order: the processes stop before their folder is removed (nginx
/// removes its PID file there as it exits).
struct Deployment {
    _redis: RedisServer,
    one: Owned,
    two: Owned,
    nginx: Owned,
    port: u16,
    dir: ScratchDir,
}

/// nginx's prefix folder, removed when dropped.
struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Deployment {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn deploy() -> Option<Deployment> {
    let nginx = nginx_binary()?;
    let redis = RedisServer::start()?;
    let (one, one_addr) = showcase(&redis.url());
    let (two, two_addr) = showcase(&redis.url());

    static DEPLOYMENTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "shallot-nginx-{}-{}",
        std::process::id(),
        DEPLOYMENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    for sub in [
        "tmp/body",
        "tmp/proxy",
        "tmp/fastcgi",
        "tmp/uwsgi",
        "tmp/scgi",
    ] {
        std::fs::create_dir_all(dir.join(sub)).expect("nginx folders");
    }
    let port = free_port();
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx.conf"))
            .expect("deploy/nginx.conf");
    let config = replace_once(
        &shipped,
        "listen 127.0.0.1:8080;",
        &format!("listen 127.0.0.1:{port};"),
    );
    let config = replace_once(
        &config,
        "server 127.0.0.1:5001;",
        &format!("server {one_addr};"),
    );
    let config = replace_once(
        &config,
        "server 127.0.0.1:5002;",
        &format!("server {two_addr};"),
    );
    let config = replace_once(
        &config,
        "proxy_pass http://showcase;",
        "proxy_pass http://showcase;\n            proxy_bind 127.0.0.2;",
    );
    std::fs::write(dir.join("nginx.conf"), config).expect("write the config");
    let nginx = Owned(
        Command::new(nginx)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .arg("-p")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start nginx"),
    );
    // nginx is ready when its port accepts connections.
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not listen within 20 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(Deployment {
        _redis: redis,
        one,
        two,
        nginx,
        port,
        dir: ScratchDir(dir),
    })
}

#[tokio::test]
async fn two_processes_behind_nginx_share_sessions_and_see_the_real_client() {
    let Some(Deployment {
        _redis,
        one,
        two,
        nginx,
        port,
        dir,
    }) = deploy()
    else {
        return;
    };
    let url = |path: &str| format!("http://127.0.0.1:{port}{path}");

    // The client, not the proxy, and not what the client claims in either family of
    // forwarding headers: nginx appends to `X-Forwarded-For` and removes a client's
    // `Forwarded` (which, when present, the server reads first).
    let real = serde_json::json!({
        "ip": "127.0.0.1",
        "scheme": "http",
        "host": format!("127.0.0.1:{port}"),
    });
    for claim in [
        &[("x-forwarded-for", "6.6.6.6")][..],
        &[("forwarded", "for=6.6.6.6;proto=https;host=evil.test")],
        &[
            ("forwarded", "for=6.6.6.6"),
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-proto", "https"),
        ],
    ] {
        let me = common::send(Method::GET, &url("/whoami"), claim, "").await;
        assert_eq!(me.json(), real, "{claim:?}");
    }

    // One session, served alternately by both processes, counts on.
    let first = common::get(&url("/session")).await;
    let cookie = first
        .header("set-cookie")
        .expect("a cookie")
        .split(';')
        .next()
        .expect("sid")
        .to_owned();
    for n in 2..=6u64 {
        let res = common::send(Method::GET, &url("/session"), &[("cookie", &cookie)], "").await;
        assert_eq!(res.json()["visits"], n);
    }
    // Streams pass through unbuffered and whole.
    let stream = common::get(&url("/stream?chunks=5")).await;
    assert_eq!(
        stream.text(),
        "chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n"
    );

    drop(nginx);
    let served = |stderr: &str| {
        stderr
            .lines()
            .filter(|l| l.contains("\"path\":\"/session\""))
            .count()
    };
    let (one_log, two_log) = (stderr_after_term(one), stderr_after_term(two));
    assert!(
        served(&one_log) > 0 && served(&two_log) > 0,
        "both processes served the session"
    );
    assert_eq!(served(&one_log) + served(&two_log), 6);
    // Their access logs name the real client too.
    assert!(one_log
        .lines()
        .filter(|l| l.starts_with('{'))
        .all(|l| l.contains("\"ip\":\"127.0.0.1\"")));
    // nginx stopped above, so its folder can go.
    drop(dir);
}

#[tokio::test]
async fn two_thousand_sessions_through_nginx_lose_no_update() {
    use std::sync::Arc;

    let Some(deployment) = deploy() else { return };
    let url = Arc::new(deployment.url("/session"));
    let sessions = 2000;
    let visits = 3;
    // 2,000 sessions alive at once, at most 200 requests in flight (nginx's 1,024 worker
    // connections hold both sides of each).
    let in_flight = Arc::new(tokio::sync::Semaphore::new(200));
    let started = Instant::now();
    let tasks: Vec<_> = (0..sessions)
        .map(|_| {
            let (url, in_flight) = (Arc::clone(&url), Arc::clone(&in_flight));
            tokio::spawn(async move {
                let mut cookie = String::new();
                let mut last = 0;
                for _ in 0..visits {
                    let _permit = in_flight.acquire().await.expect("open");
                    let res = common::send(Method::GET, &url, &[("cookie", &cookie)], "").await;
                    assert_eq!(res.status, 200, "{}", res.text());
                    if let Some(set) = res.header("set-cookie") {
                        cookie = set.split(';').next().expect("sid").to_owned();
                    }
                    last = res.json()["visits"].as_u64().expect("a count");
                }
                last
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("joined"), visits, "every visit counted");
    }
    assert!(
        started.elapsed() < Duration::from_secs(300),
        "{:?}",
        started.elapsed()
    );
    drop(deployment);
}
