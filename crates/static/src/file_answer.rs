use std::borrow::Cow;
use std::fs::Metadata;
use std::path::Path;
use std::time::SystemTime;

use bytes::Bytes;
use shallot_core::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, LAST_MODIFIED,
    RANGE, VARY,
};
use shallot_core::http::{HeaderMap, HeaderValue, Method, StatusCode};
use shallot_core::{status, Body, HttpError, IntoResponse, Request, Response};

use crate::byte_range::{parse_range, RangeRequest};
use crate::conditional::{evaluate, if_range_allows, Precondition, Validators};
use crate::file_chunks::FileChunks;
use crate::resolve::Found;
use crate::validators::{etag, last_modified};

/// The content type of the file as named in the URL (a folder's index is HTML), guessed from
/// mime_guess's table; text types get `; charset=utf-8`.
pub(crate) fn content_type_of(named: &Path) -> HeaderValue {
    let guessed = named
        .extension()
        .and_then(|ext| ext.to_str())
        .and_then(|ext| mime_guess::from_ext(ext).first_raw());
    match guessed {
        Some(mime) if mime.starts_with("text/") || mime == "application/javascript" => {
            HeaderValue::from_str(&format!("{mime}; charset=utf-8"))
                .unwrap_or(shallot_core::APPLICATION_OCTET_STREAM)
        }
        Some(mime) => HeaderValue::from_static(mime),
        None => shallot_core::APPLICATION_OCTET_STREAM,
    }
}

/// What [`answer`] needs of the middleware's options.
pub(crate) struct AnswerOptions<'a> {
    pub(crate) cache_control: Option<&'a HeaderValue>,
    pub(crate) precompressed: bool,
}

/// What every answer with one file says, whatever the request: its length, its validators
/// and its headers (the caller's `content-type` and `content-encoding`, then `etag`,
/// `last-modified`, `cache-control`, `vary` and `accept-ranges`).
#[derive(Debug, Clone)]
pub(crate) struct FileHead {
    pub(crate) len: u64,
    etag: String,
    modified: SystemTime,
    pub(crate) headers: HeaderMap,
    /// The headers of a `304` (`headers` without `content-type` and `accept-ranges`), made
    /// once for a head the file cache keeps.
    not_modified: Option<HeaderMap>,
}

impl FileHead {
    pub(crate) fn new(
        metadata: &Metadata,
        content: Option<&[u8]>,
        mut headers: HeaderMap,
        options: &AnswerOptions<'_>,
    ) -> Self {
        let len = content.map_or(metadata.len(), |c| c.len() as u64);
        let etag = etag(metadata, content);
        let modified = last_modified(metadata);
        headers.insert(
            ETAG,
            HeaderValue::from_str(&etag).expect("hex digits and quotes"),
        );
        headers.insert(
            LAST_MODIFIED,
            HeaderValue::from_str(&httpdate::fmt_http_date(modified)).expect("an HTTP date"),
        );
        if let Some(cache_control) = options.cache_control {
            headers.insert(CACHE_CONTROL, cache_control.clone());
        }
        if options.precompressed {
            headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
        }
        headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        Self {
            len,
            etag,
            modified,
            headers,
            not_modified: None,
        }
    }

    /// Makes the `304` headers now, for a head answered many times.
    pub(crate) fn with_not_modified_headers(mut self) -> Self {
        self.not_modified = Some(not_modified_headers(self.headers.clone()));
        self
    }

    fn validators(&self) -> Validators<'_> {
        Validators {
            etag: &self.etag,
            last_modified: self.modified,
        }
    }
}

/// Where the bytes of an answer come from.
pub(crate) enum Content {
    /// Read whole (a small file), or kept in memory by the file cache.
    Whole(Bytes),
    /// Streamed from the file the lookup opened.
    Stream(Found),
}

/// The answer to `req` from `file`: preconditions (304, 412), ranges (206, 416), `HEAD`.
pub(crate) async fn answer(
    req: &Request,
    file: Found,
    content: Option<Bytes>,
    headers: HeaderMap,
    options: AnswerOptions<'_>,
) -> Response {
    let head = FileHead::new(&file.metadata, content.as_deref(), headers, &options);
    let content = match content {
        Some(bytes) => Content::Whole(bytes),
        None => Content::Stream(file),
    };
    let FileHead {
        len,
        etag,
        modified,
        headers,
        ..
    } = head;
    let validators = Validators {
        etag: &etag,
        last_modified: modified,
    };
    respond(req, len, validators, Cow::Owned(headers), None, content).await
}

/// The answer to `req` from a file whose head is already known (the file cache's).
pub(crate) async fn answer_from_head(req: &Request, head: &FileHead, content: Bytes) -> Response {
    respond(
        req,
        head.len,
        head.validators(),
        Cow::Borrowed(&head.headers),
        head.not_modified.as_ref(),
        Content::Whole(content),
    )
    .await
}

/// A `304` says what a `200` would, but for the body's own headers (RFC 9110 §15.4.5).
fn not_modified_headers(mut headers: HeaderMap) -> HeaderMap {
    headers.remove(CONTENT_TYPE);
    headers.remove(ACCEPT_RANGES);
    headers
}

async fn respond(
    req: &Request,
    len: u64,
    validators: Validators<'_>,
    headers: Cow<'_, HeaderMap>,
    not_modified: Option<&HeaderMap>,
    content: Content,
) -> Response {
    match evaluate(req.headers(), validators) {
        Precondition::Proceed => {}
        Precondition::NotModified => {
            let headers = match not_modified {
                Some(prepared) => prepared.clone(),
                None => not_modified_headers(headers.into_owned()),
            };
            return with_headers(status(StatusCode::NOT_MODIFIED), headers);
        }
        Precondition::Failed => {
            let res = HttpError::from_status(StatusCode::PRECONDITION_FAILED).into_response();
            return res;
        }
    }

    let mut headers = headers.into_owned();
    let head = req.method() == Method::HEAD;
    let range = match shallot_core::find_header(req.headers(), &RANGE).and_then(|v| v.to_str().ok())
    {
        // Range is defined for GET only (RFC 9110 §14.2); HEAD gets the whole length.
        Some(range) if !head && if_range_allows(req.headers(), validators) => {
            parse_range(range, len)
        }
        _ => RangeRequest::Whole,
    };
    let (status_code, start, count) = match range {
        RangeRequest::Whole => (StatusCode::OK, 0, len),
        RangeRequest::Partial { start, end } => {
            let content_range = format!("bytes {start}-{end}/{len}");
            headers.insert(
                CONTENT_RANGE,
                HeaderValue::from_str(&content_range).expect("digits"),
            );
            (StatusCode::PARTIAL_CONTENT, start, end - start + 1)
        }
        RangeRequest::Unsatisfiable => {
            let content_range = HeaderValue::from_str(&format!("bytes */{len}")).expect("digits");
            let res = HttpError::from_status(StatusCode::RANGE_NOT_SATISFIABLE)
                .with_header(CONTENT_RANGE, content_range)
                .into_response();
            return res;
        }
    };

    let body = if head {
        Body::empty()
    } else {
        match content {
            #[allow(clippy::cast_possible_truncation)] // bounded by WHOLE_READ_LIMIT
            Content::Whole(content) => {
                Body::from(content.slice(start as usize..(start + count) as usize))
            }
            Content::Stream(mut file) => {
                match stream_file(file.opened.take(), &file.path, start, count).await {
                    Some(body) => body,
                    None => return vanished_file(),
                }
            }
        }
    };
    headers.insert(CONTENT_LENGTH, HeaderValue::from(count));
    let mut res = with_headers(Response::new(body), headers);
    *res.status_mut() = status_code;
    res
}

async fn stream_file(
    opened: Option<std::fs::File>,
    path: &Path,
    start: u64,
    count: u64,
) -> Option<Body> {
    let file = match opened {
        Some(file) => file,
        None => {
            let path = path.to_owned();
            tokio::task::spawn_blocking(move || std::fs::File::open(path))
                .await
                .ok()?
                .ok()?
        }
    };
    Some(Body::new(FileChunks::new(file, start, count)))
}

/// The file vanished between being found and being read.
pub(crate) fn vanished_file() -> Response {
    HttpError::not_found().into_response()
}

fn with_headers(mut res: Response, headers: HeaderMap) -> Response {
    if res.headers().is_empty() {
        // A new answer: the map is taken whole rather than inserted into name by name.
        *res.headers_mut() = headers;
    } else {
        res.headers_mut().extend(headers);
    }
    res
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use shallot_core::test;

    use super::*;
    use crate::resolve::resolve;
    use crate::WHOLE_READ_LIMIT;

    /// A large file is streamed from the file the lookup opened and described (its length,
    /// its validators), not from whatever the path names by the time the body is read.
    #[tokio::test]
    async fn a_streamed_file_is_the_one_the_lookup_opened_even_if_the_path_is_replaced() {
        let folder =
            std::env::temp_dir().join(format!("shallot-static-swap-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        let root = std::fs::canonicalize(&folder).unwrap();
        let length = usize::try_from(WHOLE_READ_LIMIT).unwrap() + 4096;
        let original = vec![b'a'; length];
        std::fs::write(root.join("big.bin"), &original).unwrap();

        let found = resolve(&root, Path::new("big.bin"), None, false).expect("found");
        // The path now names another file of the same length: a deploy replacing it, or a
        // symlink swapped in, between the lookup and the body.
        std::fs::write(root.join("next.bin"), vec![b'b'; length]).unwrap();
        std::fs::rename(root.join("next.bin"), root.join("big.bin")).unwrap();

        let options = AnswerOptions {
            cache_control: None,
            precompressed: false,
        };
        let req = test::get("/big.bin").into_request();
        let res = answer(&req, found, None, HeaderMap::new(), options).await;
        let slot = Arc::new(Mutex::new(Some(res)));
        let handler = move |_req: Request| {
            let res = slot.lock().unwrap().take().expect("answered once");
            async move { res }
        };
        let read = test::get("/big.bin").send(&handler).await;
        read.assert_status(200)
            .assert_header("content-length", &length.to_string());
        assert!(read.chunks() > 1, "read in chunks, not whole");
        assert!(
            read.body()[..] == original[..],
            "the bytes of the replaced file were sent"
        );
        let _ = std::fs::remove_dir_all(&folder);
    }
}
