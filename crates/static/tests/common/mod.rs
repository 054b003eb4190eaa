//! A throw-away folder of files for each test, and the pile that serves it.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use shallot_core::{chain_middleware, test, ChainHandler, HttpError, Request};
use shallot_static::{FileCache, FileIo, StaticMiddleware};

pub struct Folder {
    pub path: PathBuf,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Folder {
    pub fn new() -> Self {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("shallot-static-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create the test folder");
        Self { path }
    }

    pub fn file(&self, relative: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create parents");
        std::fs::write(&path, content).expect("write the file");
        path
    }

    pub fn root(&self) -> &Path {
        &self.path
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Where the tests' file-system calls run: `SHALLOT_STATIC_FILE_IO=inline` runs every test of
/// this crate with [`FileIo::Inline`] (`.ci/run` does both), else the default.
pub fn file_io() -> FileIo {
    match std::env::var("SHALLOT_STATIC_FILE_IO").as_deref() {
        Ok("inline") => FileIo::Inline,
        Ok("blocking-pool") | Err(_) => FileIo::BlockingPool,
        Ok(other) => panic!("SHALLOT_STATIC_FILE_IO={other}: expected inline or blocking-pool"),
    }
}

/// Whether the tests' answers go through the file cache: `SHALLOT_STATIC_FILE_CACHE=on` runs
/// every test of this crate with a [`FileCache`] whose window is zero (each request is looked
/// up and answered from the entry it makes, so every rule is checked on the cached path while
/// files change between requests; `.ci/run` does this pass too), else no cache.
pub fn with_cache(middleware: StaticMiddleware) -> StaticMiddleware {
    match std::env::var("SHALLOT_STATIC_FILE_CACHE").as_deref() {
        Ok("on") => middleware.with_file_cache(FileCache::new().with_fresh_for(Duration::ZERO)),
        Ok("off") | Err(_) => middleware,
        Ok(other) => panic!("SHALLOT_STATIC_FILE_CACHE={other}: expected on or off"),
    }
}

/// The middleware (with [`file_io`] and [`with_cache`]) in a linted pile whose default
/// handler answers 418.
pub fn app(middleware: StaticMiddleware) -> ChainHandler {
    chain_middleware((test::lint(), with_cache(middleware.with_file_io(file_io())))).apply(
        |_req: Request| async {
            (
                shallot_core::http::StatusCode::IM_A_TEAPOT,
                HttpError::from_status(shallot_core::http::StatusCode::IM_A_TEAPOT)
                    .message()
                    .to_owned(),
            )
        },
    )
}
