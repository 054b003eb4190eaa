use std::sync::Arc;

use bytes::Bytes;
use shallot_core::http::header::{
    ACCEPT_ENCODING, ACCEPT_RANGES, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE,
    ETAG,
};
use shallot_core::http::{HeaderMap, HeaderValue, StatusCode};
use shallot_core::{
    add_vary, find_header, preferred_encoding, Body, BoxFuture, Middleware, Next, Request, Response,
};

use crate::compressed_body::CompressedBody;
use crate::encoder::{compress_whole, Coding, Encoder, Levels};

/// Whole bodies up to this size are compressed at once and keep a `content-length`; larger
/// ones are compressed in blocks as the client reads them.
const WHOLE_AT_ONCE: usize = 64 * 1024;

/// `Accept-Encoding` as a `Vary` entry (checked when compiling, not per answer).
const VARY_ACCEPT_ENCODING: HeaderValue = HeaderValue::from_static("Accept-Encoding");

/// Compresses answers with br, zstd or gzip; see the crate docs.
pub fn wrap_compression() -> CompressionMiddleware {
    CompressionMiddleware {
        options: Arc::new(Options {
            codings: vec![Coding::Brotli, Coding::Zstd, Coding::Gzip],
            tokens: vec!["br", "zstd", "gzip"],
            levels: Levels {
                brotli: 4,
                zstd: 3,
                gzip: 6,
            },
            min_size: 1024,
            compressible: Arc::new(is_compressible),
        }),
    }
}

/// The middleware made by [`wrap_compression`].
#[derive(Debug, Clone)]
pub struct CompressionMiddleware {
    options: Arc<Options>,
}

#[derive(Clone)]
struct Options {
    codings: Vec<Coding>,
    tokens: Vec<&'static str>,
    levels: Levels,
    min_size: u64,
    compressible: Arc<dyn Fn(&str) -> bool + Send + Sync>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("codings", &self.codings)
            .field("levels", &self.levels)
            .field("min_size", &self.min_size)
            .finish_non_exhaustive()
    }
}

impl CompressionMiddleware {
    fn options(&mut self) -> &mut Options {
        Arc::make_mut(&mut self.options)
    }

    /// The codings offered, in the server's order of preference among codings the client
    /// weighs the same (default `br`, `zstd`, `gzip`); an empty list compresses nothing.
    #[must_use]
    pub fn with_codings(mut self, codings: impl IntoIterator<Item = Coding>) -> Self {
        let options = self.options();
        options.codings = codings.into_iter().collect();
        options.tokens = options.codings.iter().map(|c| c.token()).collect();
        self
    }

    /// Brotli's quality, 0 (fastest) to 11 (smallest); default 4, a good trade for
    /// answers compressed on the fly.
    #[must_use]
    pub fn with_brotli_quality(mut self, quality: u32) -> Self {
        self.options().levels.brotli = quality.min(11);
        self
    }

    /// Zstandard's level, 1 to 22; default 3.
    #[must_use]
    pub fn with_zstd_level(mut self, level: i32) -> Self {
        self.options().levels.zstd = level.clamp(1, 22);
        self
    }

    /// gzip's level, 0 to 9; default 6.
    #[must_use]
    pub fn with_gzip_level(mut self, level: u32) -> Self {
        self.options().levels.gzip = level.min(9);
        self
    }

    /// Which content types are compressed (the whole `content-type` value is given), instead
    /// of [`is_compressible`]'s list — to add `application/wasm`, say, or to leave one out.
    #[must_use]
    pub fn with_content_types(
        mut self,
        compressible: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.options().compressible = Arc::new(compressible);
        self
    }

    /// Whole bodies shorter than this are sent as they are (default 1,024 bytes: below
    /// that, the coding's overhead eats the gain). Streams are always compressed.
    #[must_use]
    pub fn with_min_size(mut self, bytes: u64) -> Self {
        self.options().min_size = bytes;
        self
    }
}

/// Whether answers of this content type are compressed: `text/*` but `text/event-stream`,
/// `application/json`, `application/javascript`, `application/xml` and `image/svg+xml`,
/// parameters and case aside.
///
/// # Examples
///
/// ```
/// use shallot_compression::is_compressible;
///
/// assert!(is_compressible("text/html; charset=utf-8"));
/// assert!(is_compressible("Application/JSON"));
/// assert!(!is_compressible("text/event-stream"));
/// assert!(!is_compressible("image/png"));
/// ```
pub fn is_compressible(content_type: &str) -> bool {
    // Bytes, not `str` searches: this runs on every answer.
    let bytes = content_type.as_bytes();
    let parameters = bytes.iter().position(|&b| b == b';').unwrap_or(bytes.len());
    let essence = bytes[..parameters].trim_ascii();
    let Some(slash) = essence.iter().position(|&b| b == b'/') else {
        return false;
    };
    if essence[..slash].eq_ignore_ascii_case(b"text") {
        return !essence[slash + 1..].eq_ignore_ascii_case(b"event-stream");
    }
    [
        &b"application/json"[..],
        b"application/javascript",
        b"application/xml",
        b"image/svg+xml",
    ]
    .iter()
    .any(|known| known.eq_ignore_ascii_case(essence))
}

fn compressible_answer(headers: &HeaderMap, options: &Options) -> bool {
    find_header(headers, &CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|content_type| (options.compressible)(content_type))
}

/// The coding to use for this answer, when every rule allows one.
fn chosen_coding(
    res: &Response,
    accept_encoding: Option<&HeaderValue>,
    options: &Options,
) -> Option<Coding> {
    let status = res.status();
    if status.is_informational()
        || matches!(
            status,
            StatusCode::NO_CONTENT | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
        )
    {
        return None;
    }
    let headers = res.headers();
    if headers.contains_key(CONTENT_ENCODING) || no_transform(headers) {
        return None;
    }
    if res
        .body()
        .exact_len()
        .is_some_and(|len| len < options.min_size)
    {
        return None;
    }
    let accept = accept_encoding?.to_str().ok()?;
    preferred_encoding(accept, &options.tokens).and_then(Coding::from_token)
}

/// `Cache-Control: no-transform` (RFC 9111 §5.2.2.6) forbids changing the content.
fn no_transform(headers: &HeaderMap) -> bool {
    headers.get_all(CACHE_CONTROL).iter().any(|value| {
        value.to_str().is_ok_and(|text| {
            text.split(',')
                .any(|directive| directive.trim().eq_ignore_ascii_case("no-transform"))
        })
    })
}

/// The answer, compressed when every rule of the crate docs allows it, and with
/// `Vary: Accept-Encoding` when its type is compressible. `accept_encoding` is the
/// request's header.
///
/// # Examples
///
/// ```
/// use shallot_compression::{compression_response, wrap_compression};
///
/// let res = shallot_core::text("hi user! ".repeat(200));
/// let gzip = "gzip".parse().unwrap();
/// let res = compression_response(res, Some(&gzip), &wrap_compression());
/// assert_eq!(res.headers()["content-encoding"], "gzip");
/// assert_eq!(res.headers()["vary"], "Accept-Encoding");
/// assert!(res.body().exact_len().unwrap() < 1800);
/// ```
pub fn compression_response(
    mut res: Response,
    accept_encoding: Option<&HeaderValue>,
    middleware: &CompressionMiddleware,
) -> Response {
    if !compressible_answer(res.headers(), &middleware.options) {
        return res;
    }
    add_vary(res.headers_mut(), VARY_ACCEPT_ENCODING);
    let Some(coding) = chosen_coding(&res, accept_encoding, &middleware.options) else {
        return res;
    };
    let levels = middleware.options.levels;
    let body = std::mem::take(res.body_mut());
    let compressed = match body.as_bytes() {
        Some(whole) if whole.len() <= WHOLE_AT_ONCE => {
            match compress_whole(coding, levels, whole) {
                Ok(bytes) => Body::from(bytes),
                Err(_) => {
                    *res.body_mut() = body;
                    return res;
                }
            }
        }
        _ => {
            let Ok(encoder) = Encoder::new(coding, levels) else {
                *res.body_mut() = body;
                return res;
            };
            let body = match body.as_bytes() {
                Some(whole) => in_blocks(whole.clone()),
                None => body,
            };
            Body::new(CompressedBody::new(body, encoder))
        }
    };
    let headers = res.headers_mut();
    headers.insert(CONTENT_ENCODING, HeaderValue::from_static(coding.token()));
    headers.remove(CONTENT_LENGTH);
    headers.remove(ACCEPT_RANGES);
    weaken_etag(headers);
    *res.body_mut() = compressed;
    res
}

/// A large whole body as a stream of blocks (slices of the same buffer, no copy), so it is
/// compressed as the client reads it rather than all at once on the runtime.
fn in_blocks(whole: Bytes) -> Body {
    let blocks = (0..whole.len())
        .step_by(WHOLE_AT_ONCE)
        .map(move |start| whole.slice(start..(start + WHOLE_AT_ONCE).min(whole.len())));
    Body::from_iter(blocks.collect::<Vec<_>>())
}

/// A strong validator names exact bytes: the compressed representation gets a weak one.
fn weaken_etag(headers: &mut HeaderMap) {
    if let Some(etag) = headers.get(ETAG) {
        if !etag.as_bytes().starts_with(b"W/") {
            let mut weak = b"W/".to_vec();
            weak.extend_from_slice(etag.as_bytes());
            if let Ok(weak) = HeaderValue::from_bytes(&weak) {
                headers.insert(ETAG, weak);
            }
        }
    }
}

impl Middleware for CompressionMiddleware {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        let accept_encoding = find_header(req.headers(), &ACCEPT_ENCODING).cloned();
        let middleware = self.clone();
        // Started here: the box holds the rest of the chain, not the request.
        let call = next.run(req);
        Box::pin(
            async move { compression_response(call.await, accept_encoding.as_ref(), &middleware) },
        )
    }
}

#[cfg(test)]
mod tests {
    /// The rule as first written with `str` searches: the reference the byte version must
    /// agree with.
    fn reference(content_type: &str) -> bool {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        let Some((kind, subtype)) = essence.split_once('/') else {
            return false;
        };
        if kind.eq_ignore_ascii_case("text") {
            return !subtype.eq_ignore_ascii_case("event-stream");
        }
        [
            "application/json",
            "application/javascript",
            "application/xml",
            "image/svg+xml",
        ]
        .iter()
        .any(|known| known.eq_ignore_ascii_case(essence))
    }

    #[test]
    fn the_byte_scan_agrees_with_the_reference_on_every_shape() {
        let essences = [
            "text/plain",
            "TEXT/Html",
            "text/event-stream",
            "Text/Event-Stream",
            "text/",
            "/plain",
            "text",
            "",
            "application/json",
            "APPLICATION/JSON",
            "application/jsonx",
            "application/javascript",
            "application/xml",
            "image/svg+xml",
            "image/png",
            "text/plain/x",
            "application/json/",
            "a/b",
            "/",
        ];
        let around = ["", " ", "\t", "  \t "];
        let parameters = ["", ";", "; charset=utf-8", ";x=y;z", " ; q=\"a;b\""];
        let mut checked = 0;
        for essence in essences {
            for before in around {
                for after in around {
                    for parameter in parameters {
                        let content_type = format!("{before}{essence}{after}{parameter}");
                        assert_eq!(
                            super::is_compressible(&content_type),
                            reference(&content_type),
                            "{content_type:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 19 * 4 * 4 * 5);
    }
}
