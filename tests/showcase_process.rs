//! The showcase as a process: the start-up line, `--addr` / `SHALLOT_ADDR`, and a graceful
//! exit 0 on SIGTERM or SIGINT that lets an in-flight request finish.

mod common;
#[path = "support/showcase_process.rs"]
mod showcase_process;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use showcase_process::{listening_addr, showcase_binary, signal, wait_exit};

struct Running {
    child: Child,
    addr: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        // Only the child this test started is ever killed, by its own PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str], env: &[(&str, &str)]) -> Running {
    let mut command = Command::new(showcase_binary());
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command
        .env_remove("SHALLOT_ADDR")
        .env_remove("SHALLOT_STATIC");
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("start the showcase");
    let addr = listening_addr(&mut child, "http");
    Running { child, addr }
}

#[tokio::test]
async fn it_prints_the_real_address_once_listening_and_serves_there() {
    let running = spawn(&["--addr", "127.0.0.1:0"], &[]);
    assert!(running.addr.starts_with("127.0.0.1:"));
    assert_ne!(running.addr, "127.0.0.1:0");
    let res = common::get(&format!("http://{}/hello", running.addr)).await;
    assert_eq!(res.text(), "hi user!");
}

#[tokio::test]
async fn the_address_can_come_from_the_environment() {
    let running = spawn(&[], &[("SHALLOT_ADDR", "127.0.0.1:0")]);
    let res = common::get(&format!("http://{}/", running.addr)).await;
    assert_eq!(res.status, 200);
}

async fn graceful_exit_on(signal_name: &str) {
    let mut running = spawn(&["--addr", "127.0.0.1:0"], &[]);
    let url = format!("http://{}/slow?ms=1500", running.addr);
    let in_flight = tokio::spawn(async move { common::get(&url).await });
    common::wait_in_flight(&running.addr).await;
    signal(&running.child, signal_name);

    let res = in_flight.await.expect("the in-flight request task");
    assert_eq!((res.status.as_u16(), res.text()), (200, "slept 1500 ms"));
    let status = wait_exit(&mut running.child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0), "exit status after {signal_name}");
}

#[tokio::test]
async fn after_the_last_request_the_shutdown_hooks_run_and_stderr_says_shutdown_complete() {
    let mut command = Command::new(showcase_binary());
    command
        .args(["--addr", "127.0.0.1:0"])
        .env_remove("SHALLOT_ADDR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("start the showcase");
    let addr = listening_addr(&mut child, "http");
    let url = format!("http://{addr}/slow?ms=800");
    let in_flight = tokio::spawn(async move { common::get(&url).await });
    // Wait until the request is in flight: /stats counts it once it reached the pile.
    let stats = format!("http://{addr}/stats");
    for asked in 1u64.. {
        let seen = common::get(&stats).await.json()["requests"]
            .as_u64()
            .unwrap();
        if seen > asked {
            break; // every /stats so far, and the slow request
        }
        assert!(asked < 10_000, "the slow request never reached the pile");
    }
    signal(&child, "TERM");
    assert_eq!(in_flight.await.unwrap().text(), "slept 800 ms");
    let status = wait_exit(&mut child, Duration::from_secs(15));
    assert_eq!(status.code(), Some(0));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(stderr.lines().last(), Some("shutdown complete"), "{stderr}");
}

#[tokio::test]
async fn sigterm_lets_the_in_flight_request_finish_then_exits_0() {
    graceful_exit_on("TERM").await;
}

#[tokio::test]
async fn sigint_lets_the_in_flight_request_finish_then_exits_0() {
    graceful_exit_on("INT").await;
}

#[test]
fn routes_prints_the_table_on_stderr_and_keeps_stdout_to_the_address_line() {
    let mut child = Command::new(showcase_binary())
        .args(["--addr", "127.0.0.1:0", "--routes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("SHALLOT_ADDR")
        .spawn()
        .expect("start the showcase");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(
        first.starts_with("listening on http://127.0.0.1:"),
        "{first:?}"
    );
    let mut table = String::new();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    while !table.contains("/url/{index}") {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        table.push_str(&line);
    }
    let _ = child.kill();
    let _ = child.wait();
    let named = table.lines().find(|line| line.contains("/hello/{index}"));
    assert!(
        named.is_some_and(|line| line.starts_with("GET") && line.ends_with("hello-index")),
        "{table}"
    );
    let echo = table.lines().find(|line| line.contains("/echo"));
    assert!(
        echo.is_some_and(|line| line.starts_with("GET,POST,PUT")),
        "{table}"
    );
}

#[test]
fn a_bad_argument_is_refused_with_exit_code_1() {
    let output = Command::new(showcase_binary())
        .arg("--bogus")
        .output()
        .expect("run the showcase");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown argument `--bogus`"));
    assert!(output.stdout.is_empty());
}

/// The resident memory of a process, in KiB, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line")
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_file_over_64_mib_streams_with_bounded_server_memory_even_when_the_client_stalls() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let folder = std::env::temp_dir().join(format!("shallot-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let size: u64 = 80 * 1024 * 1024;
    let file = std::fs::File::create(folder.join("big.bin")).unwrap();
    file.set_len(size).unwrap(); // sparse: reads as zeros, costs no disk

    let running = spawn(
        &[
            "--addr",
            "127.0.0.1:0",
            "--static",
            folder.to_str().unwrap(),
        ],
        &[],
    );
    let pid = running.child.id();
    // Warm up the pile so the baseline includes the runtime's steady state.
    assert_eq!(
        common::get(&format!("http://{}/static/big.bin", running.addr))
            .await
            .body
            .len() as u64,
        size
    );
    let baseline = rss_kib(pid);

    let mut stream = tokio::net::TcpStream::connect(&running.addr).await.unwrap();
    stream
        .write_all(b"GET /static/big.bin HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let mut received = stream.read(&mut buf).await.unwrap() as u64;
    // Stall: the server must wait for the client, not read the file ahead into memory.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let stalled = rss_kib(pid);
    loop {
        let n = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buf))
            .await
            .expect("the download keeps flowing")
            .unwrap();
        if n == 0 {
            break;
        }
        received += n as u64;
    }
    let after = rss_kib(pid);
    std::fs::remove_dir_all(&folder).unwrap();
    // The figures crates/static/README.md quotes (`--nocapture` shows them).
    eprintln!("resident KiB: baseline {baseline}, stalled {stalled}, after {after}");

    assert!(
        received > size,
        "headers and all {size} bytes arrive, got {received}"
    );
    let limit = 16 * 1024; // KiB: a few chunk buffers and socket buffers, never the file
    assert!(
        stalled < baseline + limit,
        "stalled: {stalled} KiB vs baseline {baseline} KiB"
    );
    assert!(
        after < baseline + limit,
        "after: {after} KiB vs baseline {baseline} KiB"
    );
}
