use std::fmt;
use std::sync::Arc;

use shallot_core::http::header::CONTENT_TYPE;
use shallot_core::http::{HeaderValue, StatusCode};
use shallot_core::{BoxFuture, Middleware, Next, Request, Response, APPLICATION_OCTET_STREAM};

use crate::guess::{path_extension, with_charset};
use crate::guess_content_type;

/// Fills in `content-type` from the request path; see the crate docs.
pub fn wrap_content_type() -> ContentTypeMiddleware {
    ContentTypeMiddleware::new()
}

/// The middleware made by [`wrap_content_type`].
#[derive(Clone)]
pub struct ContentTypeMiddleware {
    options: Arc<Options>,
}

#[derive(Clone)]
struct Options {
    default: HeaderValue,
    mappings: Vec<(String, HeaderValue)>,
}

impl Default for ContentTypeMiddleware {
    fn default() -> Self {
        Self {
            options: Arc::new(Options {
                default: APPLICATION_OCTET_STREAM,
                mappings: Vec::new(),
            }),
        }
    }
}

impl ContentTypeMiddleware {
    /// mime_guess's table, `application/octet-stream` for the unknown.
    pub fn new() -> Self {
        Self::default()
    }

    /// The content type for paths whose extension is unknown, or absent
    /// (default: `application/octet-stream`).
    #[must_use]
    pub fn with_default(mut self, content_type: HeaderValue) -> Self {
        Arc::make_mut(&mut self.options).default = content_type;
        self
    }

    /// Maps an extension (with or without its leading dot, any case) to a content type,
    /// before the built-in table. Text types get `; charset=utf-8` unless they name one.
    ///
    /// # Errors
    ///
    /// Returns the middleware unchanged with an error when the content type is not valid
    /// header text.
    pub fn with_mapping(
        mut self,
        extension: &str,
        content_type: &str,
    ) -> Result<Self, InvalidContentType> {
        if HeaderValue::from_str(content_type).is_err() {
            return Err(InvalidContentType(content_type.to_owned()));
        }
        let extension = extension.trim_start_matches('.').to_ascii_lowercase();
        let options = Arc::make_mut(&mut self.options);
        options.mappings.retain(|(known, _)| *known != extension);
        options
            .mappings
            .push((extension, with_charset(content_type)));
        Ok(self)
    }

    /// The content type this middleware gives a response to `path`.
    pub fn content_type_for(&self, path: &str) -> HeaderValue {
        let Some(extension) = path_extension(path) else {
            return self.options.default.clone();
        };
        self.options
            .mappings
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(extension))
            .map(|(_, value)| value.clone())
            .or_else(|| guess_content_type(extension))
            .unwrap_or_else(|| self.options.default.clone())
    }
}

/// A content type given to [`ContentTypeMiddleware::with_mapping`] that is not valid header
/// text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidContentType(pub String);

impl fmt::Display for InvalidContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid content type `{}`", self.0)
    }
}

impl std::error::Error for InvalidContentType {}

/// Sets `content-type` on `res` from the request's `path` when it has none and may carry
/// content: not on 1xx, 204 or 304 answers, which have no body to describe.
///
/// # Examples
///
/// ```
/// use shallot_content_type::{content_type_response, ContentTypeMiddleware};
///
/// let res = shallot_core::Response::new("body{}".into());
/// let res = content_type_response(res, "/site.css", &ContentTypeMiddleware::new());
/// assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
/// ```
pub fn content_type_response(
    mut res: Response,
    path: &str,
    middleware: &ContentTypeMiddleware,
) -> Response {
    if needs_content_type(&res) {
        res.headers_mut()
            .insert(CONTENT_TYPE, middleware.content_type_for(path));
    }
    res
}

impl Middleware for ContentTypeMiddleware {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        // Most API paths have no extension, so their answer is the default: decided here,
        // it costs no URI or options clone. Paths with one are guessed only if the answer
        // turns out to need it.
        let fallback = match path_extension(req.uri().path()) {
            None => Fallback::Ready(self.options.default.clone()),
            Some(_) => Fallback::Guess(req.uri().path_and_query().cloned(), self.clone()),
        };
        let fut = next.run(req);
        Box::pin(async move {
            // Changed in place: the answer is not moved through the step.
            let mut res = fut.await;
            if needs_content_type(&res) {
                let value = match fallback {
                    Fallback::Ready(value) => value,
                    Fallback::Guess(path, this) => {
                        this.content_type_for(path.as_ref().map_or("/", |path| path.path()))
                    }
                };
                res.headers_mut().insert(CONTENT_TYPE, value);
            }
            res
        })
    }
}

enum Fallback {
    Ready(HeaderValue),
    /// The path to guess from: its `PathAndQuery` (a reference count, and half a `Uri`'s
    /// size, which keeps the boxed future of every request small).
    Guess(
        Option<shallot_core::http::uri::PathAndQuery>,
        ContentTypeMiddleware,
    ),
}

/// The one test behind [`content_type_response`] and the middleware: no content type yet,
/// and a status that may carry content.
fn needs_content_type(res: &Response) -> bool {
    let status = res.status();
    !(shallot_core::has_header(res.headers(), &CONTENT_TYPE)
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED)
}

impl fmt::Debug for ContentTypeMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContentTypeMiddleware")
            .field("default", &self.options.default)
            .field("mappings", &self.options.mappings)
            .finish()
    }
}
