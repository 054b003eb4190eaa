use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use shallot_core::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};
use shallot_core::http::{HeaderMap, HeaderValue, Method};
use shallot_core::{BoxFuture, HttpError, IntoResponse, Middleware, Next, Request, Response};

use crate::accept_encoding::{accepted, Encoding};
use crate::file_answer::{
    answer, answer_from_head, content_type_of, vanished_file, AnswerOptions, FileHead,
};
use crate::file_cache::{Cache, CacheKey, Held};
use crate::resolve::{resolve, sibling, Found};
use crate::safe_path::relative_path;
use crate::{Error, FileCache};

/// Files up to this size are read whole (one read, an exact `content-length`, a content
/// hash in the ETag); larger ones are streamed.
pub const WHOLE_READ_LIMIT: u64 = 1024 * 1024;
/// The size of each chunk read from a streamed file.
pub const CHUNK_SIZE: usize = 256 * 1024;

/// What happens to a request under the prefix that finds no file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum NotFound {
    /// It goes on down the chain (so routes may share the prefix). The default.
    #[default]
    PassOn,
    /// It is answered `404 Not Found`.
    Answer404,
}

/// Where symlinks may lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Symlinks {
    /// Followed only when they resolve inside the folder (the default).
    #[default]
    InsideOnly,
    /// Followed anywhere (for a folder made of links into a build tree, say).
    Follow,
}

/// Where a request's file-system calls run: the lookup (resolving the path, the symlink
/// checks, the precompressed sibling, the metadata) and the read of a file small enough to be
/// answered whole. Larger files are streamed on the blocking pool either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FileIo {
    /// On tokio's blocking pool, one trip per request (the default): a slow disk never
    /// stalls the runtime, at the price of a hand-off between threads.
    #[default]
    BlockingPool,
    /// On the runtime's own thread, as nginx does by default: for folders on a local disk
    /// whose files sit in the page cache, each call takes microseconds and the hand-off is
    /// saved (about 1.6× the requests per second on a small file, docs/performance.md). A slow
    /// or network file system then stalls every connection served by that thread.
    Inline,
}

/// Serves the files under `folder` at `url_prefix`; see the crate docs.
///
/// # Errors
///
/// [`Error::NotAFolder`] when `folder` does not exist or is not a folder;
/// [`Error::InvalidPrefix`] when `url_prefix` does not start with `/`.
pub fn wrap_static(url_prefix: &str, folder: impl AsRef<Path>) -> Result<StaticMiddleware, Error> {
    StaticMiddleware::new(url_prefix, folder)
}

/// The middleware made by [`wrap_static`].
#[derive(Clone)]
pub struct StaticMiddleware {
    config: Arc<Config>,
}

#[derive(Clone)]
struct Config {
    prefix: String,
    root: PathBuf,
    index: Option<String>,
    not_found: NotFound,
    symlinks: Symlinks,
    cache_control: Option<HeaderValue>,
    precompressed: bool,
    content_type: bool,
    file_io: FileIo,
    cache: Option<Arc<Cache>>,
}

impl StaticMiddleware {
    /// See [`wrap_static`].
    ///
    /// # Errors
    ///
    /// As [`wrap_static`].
    pub fn new(url_prefix: &str, folder: impl AsRef<Path>) -> Result<Self, Error> {
        if !url_prefix.starts_with('/') {
            return Err(Error::InvalidPrefix(url_prefix.to_owned()));
        }
        let folder = folder.as_ref();
        let root = std::fs::canonicalize(folder)
            .ok()
            .filter(|root| root.is_dir())
            .ok_or_else(|| Error::NotAFolder(folder.to_path_buf()))?;
        Ok(Self {
            config: Arc::new(Config {
                prefix: url_prefix.trim_end_matches('/').to_owned(),
                root,
                index: Some("index.html".to_owned()),
                not_found: NotFound::default(),
                symlinks: Symlinks::default(),
                cache_control: None,
                precompressed: false,
                content_type: true,
                file_io: FileIo::default(),
                cache: None,
            }),
        })
    }

    fn config_mut(&mut self) -> &mut Config {
        Arc::make_mut(&mut self.config)
    }

    /// The file served for a folder (default `index.html`); `None` serves nothing for
    /// folders.
    #[must_use]
    pub fn with_index(mut self, index: Option<&str>) -> Self {
        self.config_mut().index = index.map(str::to_owned);
        self
    }

    /// What a request that finds no file gets (default: [`NotFound::PassOn`]).
    #[must_use]
    pub fn with_not_found(mut self, policy: NotFound) -> Self {
        self.config_mut().not_found = policy;
        self
    }

    /// Where symlinks may lead (default: [`Symlinks::InsideOnly`]).
    #[must_use]
    pub fn with_symlinks(mut self, policy: Symlinks) -> Self {
        self.config_mut().symlinks = policy;
        self
    }

    /// A `Cache-Control` value for every file answer, 304s included (default: none, so
    /// browsers revalidate with the ETag).
    #[must_use]
    pub fn with_cache_control(mut self, value: HeaderValue) -> Self {
        self.config_mut().cache_control = Some(value);
        self
    }

    /// Serves `file.br` or `file.gz` instead of `file` when they exist and
    /// `Accept-Encoding` allows, with `Content-Encoding` and `Vary: Accept-Encoding`
    /// (default: off).
    #[must_use]
    pub fn with_precompressed(mut self, enabled: bool) -> Self {
        self.config_mut().precompressed = enabled;
        self
    }

    /// Whether this middleware sets `content-type` from the file's extension (default:
    /// `true`). Turn it off to leave it to `shallot-content-type` further out in the pile;
    /// both use mime_guess's table.
    #[must_use]
    pub fn with_content_type(mut self, enabled: bool) -> Self {
        self.config_mut().content_type = enabled;
        self
    }

    /// Where the file-system calls of a request run (default: [`FileIo::BlockingPool`]).
    #[must_use]
    pub fn with_file_io(mut self, file_io: FileIo) -> Self {
        self.config_mut().file_io = file_io;
        self
    }

    /// Keeps small files in memory (default: off); see [`FileCache`] for what a cached file
    /// costs in freshness. Clones of this middleware share one cache; calling this again
    /// starts an empty one.
    #[must_use]
    pub fn with_file_cache(mut self, cache: FileCache) -> Self {
        self.config_mut().cache = Some(Arc::new(Cache::new(cache)));
        self
    }

    /// The part of `path` under the prefix, or `None` when the path is not under it.
    fn under_prefix<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rest = path.strip_prefix(&self.config.prefix)?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    }

    /// Answers `req` from the folder, or `None` when no file answers it.
    pub async fn serve(&self, req: &Request) -> Option<Response> {
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return None;
        }
        let relative = relative_path(self.under_prefix(req.uri().path())?)?;
        let config = &*self.config;
        let accept_encoding = shallot_core::find_header(req.headers(), &ACCEPT_ENCODING).cloned();
        let Some(cache) = &config.cache else {
            return self
                .look_up_and_answer(req, relative, accept_encoding)
                .await;
        };
        let key = CacheKey {
            relative,
            accept_encoding: if config.precompressed {
                accept_encoding.clone()
            } else {
                None
            },
        };
        let stale = match cache.get(&key) {
            Held::Fresh(file) => {
                return Some(answer_from_head(req, &file.head, file.content.clone()).await)
            }
            Held::Stale => true,
            Held::Nothing => false,
        };
        // A stale entry goes whatever the lookup finds, unless it is replaced; a miss takes
        // no write lock.
        let forget = || {
            if stale {
                cache.forget(&key);
            }
        };
        let found = self.look_up(key.relative.clone(), accept_encoding).await;
        let Some(Lookup {
            named,
            file,
            encoding,
            content,
        }) = found
        else {
            forget();
            return None;
        };
        let headers = self.file_headers(&named, encoding);
        let content = match content {
            Some(Ok(bytes)) => bytes,
            Some(Err(_)) => {
                forget();
                return Some(vanished_file());
            }
            None => {
                // Too big to read whole: streamed, and not kept.
                forget();
                return Some(answer(req, file, None, headers, self.answer_options()).await);
            }
        };
        let head = FileHead::new(
            &file.metadata,
            Some(&content),
            headers,
            &self.answer_options(),
        );
        if !cache.keeps(content.len()) {
            // Answered from the head just made, the way a kept file is.
            forget();
            return Some(answer_from_head(req, &head, content).await);
        }
        let kept = cache.keep(key, head, content);
        Some(answer_from_head(req, &kept.head, kept.content.clone()).await)
    }

    /// [`StaticMiddleware::serve`] without the cache.
    async fn look_up_and_answer(
        &self,
        req: &Request,
        relative: PathBuf,
        accept_encoding: Option<HeaderValue>,
    ) -> Option<Response> {
        let Lookup {
            named,
            file,
            encoding,
            content,
        } = self.look_up(relative, accept_encoding).await?;
        let content = match content {
            Some(Ok(bytes)) => Some(bytes),
            Some(Err(_)) => return Some(vanished_file()),
            None => None,
        };
        let headers = self.file_headers(&named, encoding);
        Some(answer(req, file, content, headers, self.answer_options()).await)
    }

    /// The lookup of `relative`, where [`FileIo`] says it runs.
    async fn look_up(
        &self,
        relative: PathBuf,
        accept_encoding: Option<HeaderValue>,
    ) -> Option<Lookup> {
        let config = Arc::clone(&self.config);
        match config.file_io {
            FileIo::Inline => look_up(&config, &relative, accept_encoding),
            // Every file-system call of the request in one trip to the blocking pool: each
            // trip is a hand-off between threads, which cost more than the calls themselves.
            FileIo::BlockingPool => {
                let lookup = tokio::task::spawn_blocking(move || {
                    look_up(&config, &relative, accept_encoding)
                });
                match lookup.await {
                    Ok(found) => found,
                    Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                    Err(_) => None, // the runtime is shutting down
                }
            }
        }
    }

    /// The headers this middleware's options give a file named `named`, sent as `encoding`.
    fn file_headers(&self, named: &Path, encoding: Option<Encoding>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if self.config.content_type {
            headers.insert(CONTENT_TYPE, content_type_of(named));
        }
        if let Some(encoding) = encoding {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding.token()));
        }
        headers
    }

    fn answer_options(&self) -> AnswerOptions<'_> {
        AnswerOptions {
            cache_control: self.config.cache_control.as_ref(),
            precompressed: self.config.precompressed,
        }
    }
}

/// What the file system says about one request.
struct Lookup {
    /// The name asked for (what the content type is guessed from).
    named: PathBuf,
    /// The file to send: the one asked for, or its precompressed sibling.
    file: Found,
    encoding: Option<Encoding>,
    /// The whole file when it is small enough to be read at once (an error if it vanished).
    content: Option<std::io::Result<Bytes>>,
}

/// Finds the file for `relative`, the best precompressed sibling `accept_encoding` allows, and
/// reads it when small: blocking calls, made on the blocking pool.
fn look_up(
    config: &Config,
    relative: &Path,
    accept_encoding: Option<HeaderValue>,
) -> Option<Lookup> {
    let follow = config.symlinks == Symlinks::Follow;
    let file = resolve(&config.root, relative, config.index.as_deref(), follow)?;
    let named = file.named.clone();
    let accepted_encodings = match accept_encoding {
        Some(value) if config.precompressed => value.to_str().map(accepted).unwrap_or_default(),
        _ => Vec::new(),
    };
    let variant = accepted_encodings.into_iter().find_map(|encoding| {
        sibling(&config.root, &file.path, encoding.extension(), follow)
            .map(|variant| (variant, encoding))
    });
    let (mut file, encoding) = match variant {
        Some((variant, encoding)) => (variant, Some(encoding)),
        None => (file, None),
    };
    let content =
        (file.metadata.len() <= WHOLE_READ_LIMIT).then(|| file.read_whole().map(Bytes::from));
    Some(Lookup {
        named,
        file,
        encoding,
        content,
    })
}

impl Middleware for StaticMiddleware {
    fn passes_through(&self, req: &Request) -> bool {
        self.under_prefix(req.uri().path()).is_none()
    }

    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        // Requests outside the prefix cost one string comparison and no allocation.
        if self.under_prefix(req.uri().path()).is_none() {
            return next.run(req);
        }
        let this = self.clone();
        Box::pin(async move {
            match this.serve(&req).await {
                Some(res) => res,
                None if this.config.not_found == NotFound::Answer404
                    && (req.method() == Method::GET || req.method() == Method::HEAD) =>
                {
                    HttpError::not_found().into_response()
                }
                None => next.run(req).await,
            }
        })
    }
}

impl fmt::Debug for StaticMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.config;
        f.debug_struct("StaticMiddleware")
            .field("prefix", &config.prefix)
            .field("root", &config.root)
            .field("index", &config.index)
            .field("not_found", &config.not_found)
            .field("symlinks", &config.symlinks)
            .field("cache_control", &config.cache_control)
            .field("precompressed", &config.precompressed)
            .field("content_type", &config.content_type)
            .field("file_io", &config.file_io)
            .field("file_cache", &config.cache.is_some())
            .finish()
    }
}
