//! The showcase example run as a process by the tests that need one (signals, exit codes,
//! several processes behind nginx): where `cargo test` built it, its address line, and
//! stopping it by its own PID.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

/// The showcase binary: `cargo test` builds the examples next to the test binaries' folder.
///
/// # Panics
///
/// When it is not there.
pub(crate) fn showcase_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let binary = profile_dir.join("examples").join("showcase");
    assert!(
        binary.exists(),
        "{} is missing: cargo test builds it (or run `cargo build --example showcase`)",
        binary.display()
    );
    binary
}

/// The address from the showcase's first line on stdout, `listening on <scheme>://ADDR`.
///
/// # Panics
///
/// When stdout is not piped, or its first line is anything else.
pub(crate) fn listening_addr(child: &mut Child, scheme: &str) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut line)
        .expect("the start-up line");
    line.trim_end()
        .strip_prefix(&format!("listening on {scheme}://"))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned()
}

/// Sends the signal `name` (`TERM`, `INT`) to `child`, by its PID.
pub(crate) fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} {}", child.id());
}

/// Waits for `child` to exit.
///
/// # Panics
///
/// When it is still running after `limit` (it is killed first).
pub(crate) fn wait_exit(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the process did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Stops `child` with SIGTERM (15 s to exit) and returns everything it wrote on stderr.
pub(crate) fn stderr_after_term(child: &mut Child) -> String {
    signal(child, "TERM");
    wait_exit(child, Duration::from_secs(15));
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut err)
        .expect("read stderr");
    err
}
