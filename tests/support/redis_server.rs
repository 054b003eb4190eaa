//! A real `redis-server` for tests: started on a free loopback port, ready when it says so,
//! stopped by PID when dropped. Shared by the sessions crate's tests and the showcase's.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `redis-server` this test started.
pub(crate) struct RedisServer {
    child: Child,
    port: u16,
}

/// Whether a missing `redis-server` must fail the test (under CI) rather than skip it.
fn required() -> bool {
    std::env::var("CI").is_ok_and(|ci| ci == "true")
}

impl RedisServer {
    /// Starts a server on a free port; `None` (the test should return early) when
    /// `redis-server` is not installed and `CI` is not `true`.
    ///
    /// # Panics
    ///
    /// Under `CI=true` when `redis-server` is missing, or when it does not start.
    pub(crate) fn start() -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        Self::start_on(port)
    }

    /// Starts a server on `port` (to restart one that was stopped).
    pub(crate) fn start_on(port: u16) -> Option<Self> {
        let spawned = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && !required() => {
                eprintln!("redis-server is not installed: test skipped (it fails under CI=true)");
                return None;
            }
            Err(error) => panic!("redis-server could not start: {error}"),
        };
        let stdout = child.stdout.take().expect("piped stdout");
        let (ready, wait) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains("Ready to accept connections") {
                    let _ = ready.send(());
                }
            }
        });
        if wait.recv_timeout(Duration::from_secs(20)).is_err() {
            let _ = child.kill();
            let _ = child.wait();
            panic!("redis-server on port {port} did not become ready within 20 s");
        }
        Some(Self { child, port })
    }

    /// The server's port.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:{port}`.
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {signal} failed");
    }

    /// Freezes the server (SIGSTOP): connections stay open, nothing is answered.
    pub(crate) fn pause(&self) {
        self.signal("-STOP");
    }

    /// Thaws a paused server (SIGCONT).
    pub(crate) fn resume(&self) {
        self.signal("-CONT");
    }

    /// Stops the server now and waits for it to exit.
    pub(crate) fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
