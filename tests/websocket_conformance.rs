//! The Autobahn TestSuite's RFC 6455 cases against the showcase's `/ws/echo`, run by
//! [kosoku](https://pypi.org/project/kosoku/) (a Python 3 runner of Autobahn's own case files;
//! Autobahn's runner needs Python 2). `.ci/run` installs it when `kosoku` is not on `PATH`
//! (`KOSOKU` may name the program); under `CI=true` a missing runner fails the test.
//!
//! Every case must end OK, NON-STRICT or INFORMATIONAL, with two documented exceptions:
//! the permessage-deflate cases (12.*, 13.*) are UNIMPLEMENTED (the extension is not offered),
//! and a case whose message is over the showcase's 1 MiB limit must be refused with close code
//! 1009 — the contract's rule, which Autobahn counts as a failure because it expects an echo.
//! docs/reliability.md has the table.

mod common;
#[path = "support/installed.rs"]
mod installed;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use installed::{installed, on_path};
use serde_json::Value;

/// The showcase's message limit (docs/showcase.md): exactly this much is accepted.
const MESSAGE_LIMIT: u64 = 1024 * 1024;

fn kosoku() -> Option<PathBuf> {
    if let Some(named) = std::env::var_os("KOSOKU") {
        return Some(PathBuf::from(named));
    }
    installed("kosoku", on_path("kosoku"))
}

/// Runs every case against `url`, writing the reports into `reports`; bounded to 10 minutes.
fn run_suite(kosoku: &Path, url: &str, reports: &Path) {
    let mut child = Command::new(kosoku)
        .args(["--parallelism", "2", "--outdir"])
        .arg(reports)
        .arg(url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kosoku");
    let started = Instant::now();
    // kosoku exits 1 when a case fails (the over-limit ones always do); the reports judge.
    while child.try_wait().expect("poll kosoku").is_none() {
        if started.elapsed() > Duration::from_secs(600) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kosoku did not finish within 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// How many bytes the runner sent in a case (every frame, the close included).
fn bytes_sent(report: &Value) -> u64 {
    report["txOctetStats"]
        .as_object()
        .expect("txOctetStats")
        .iter()
        .map(|(size, count)| {
            size.parse::<u64>().expect("a size") * count.as_u64().expect("a count")
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autobahn_cases_pass_against_ws_echo() {
    let Some(kosoku) = kosoku() else { return };
    let app = common::start().await;
    let url = format!("ws://{}/ws/echo", app.addr);
    let reports = std::env::temp_dir().join(format!("shallot-autobahn-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&reports);
    let reports_for_run = reports.clone();
    tokio::task::spawn_blocking(move || run_suite(&kosoku, &url, &reports_for_run))
        .await
        .expect("joined");

    let index: Value = serde_json::from_slice(
        &std::fs::read(reports.join("index.json")).expect("kosoku wrote index.json"),
    )
    .expect("index.json");
    let cases = index
        .as_object()
        .and_then(|agents| agents.values().next())
        .and_then(Value::as_object)
        .expect("one agent's cases");
    assert!(cases.len() >= 500, "only {} cases ran", cases.len());

    let mut refused_over_limit = 0;
    let mut unexpected = Vec::new();
    for (id, case) in cases {
        let behavior = case["behavior"].as_str().unwrap_or("?");
        let close = case["behaviorClose"].as_str().unwrap_or("?");
        let passed = |verdict: &str| matches!(verdict, "OK" | "NON-STRICT" | "INFORMATIONAL");
        if passed(behavior) && passed(close) {
            continue;
        }
        let compression = id.starts_with("12.") || id.starts_with("13.");
        if compression && behavior == "UNIMPLEMENTED" && passed(close) {
            continue;
        }
        let report: Value = serde_json::from_slice(
            &std::fs::read(reports.join(case["reportfile"].as_str().expect("a report file")))
                .expect("the case's report"),
        )
        .expect("the case's JSON");
        if case["remoteCloseCode"] == 1009 && bytes_sent(&report) > MESSAGE_LIMIT {
            refused_over_limit += 1;
            continue;
        }
        unexpected.push(format!("{id}: {behavior}/{close}: {}", report["result"]));
    }
    let _ = std::fs::remove_dir_all(&reports);
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    // Autobahn's 9.* cases send messages of up to 16 MiB: the limit must have been exercised.
    assert!(refused_over_limit >= 20, "{refused_over_limit}");
}
