//! Finding a real component a test starts (a browser, nginx, a conformance runner): one rule
//! for every such test. Missing, the test is skipped with a message, except under `CI=true`,
//! where `.ci/run` installs it and a missing one fails the test.

#![allow(dead_code)]

use std::path::PathBuf;

/// The first of `candidates` that is a file, or `None` (the test should return early) when
/// none is and `CI` is not `true`.
///
/// # Panics
///
/// Under `CI=true` when none of `candidates` exists.
pub(crate) fn installed(
    name: &str,
    candidates: impl IntoIterator<Item = PathBuf>,
) -> Option<PathBuf> {
    let found = candidates.into_iter().find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var("CI").map_or(true, |ci| ci != "true"),
            "{name} is not installed (CI=true: .ci/run installs it)"
        );
        eprintln!("{name} is not installed: test skipped (it fails under CI=true)");
    }
    found
}

/// `program` in each folder of `PATH`, in order: candidates for [`installed`].
pub(crate) fn on_path(program: &str) -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(program))
                .collect()
        })
        .unwrap_or_default()
}

/// Debian's Chromium (or another Chromium or Chrome where it usually is), for the browser tests.
pub(crate) fn chromium() -> Option<PathBuf> {
    installed(
        "chromium",
        [
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
        ]
        .map(PathBuf::from),
    )
}
