use std::fmt;
use std::time::Duration;

use cookie::time::OffsetDateTime;
use cookie::{Cookie, SameSite};
use shallot_core::http::HeaderValue;

/// How a cookie is protected when it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protection {
    Plain,
    #[cfg(feature = "secure")]
    Signed,
    #[cfg(feature = "secure")]
    Private,
}

/// A cookie to set (or remove) on a response: one `Set-Cookie` header with every attribute.
///
/// The name and value are percent-encoded where RFC 6265 forbids their bytes, the same way
/// [`RequestCookies`](crate::RequestCookies) decodes them, so a value round-trips.
///
/// # Examples
///
/// ```
/// use shallot_cookies::{SameSite, SetCookie};
///
/// let cookie = SetCookie::new("session", "a b")
///     .with_path("/")
///     .with_max_age(std::time::Duration::from_secs(3600))
///     .with_http_only(true)
///     .with_same_site(SameSite::Lax);
/// assert_eq!(
///     cookie.header_value().unwrap(),
///     "session=a%20b; HttpOnly; SameSite=Lax; Path=/; Max-Age=3600"
/// );
/// ```
#[derive(Clone)]
pub struct SetCookie {
    pub(crate) cookie: Cookie<'static>,
    expires_text: Option<String>,
    pub(crate) protection: Protection,
}

/// A cookie attribute that cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidCookie {
    /// An `Expires` timestamp outside what HTTP dates can say.
    TimestampOutOfRange(String),
    /// An `Expires` text with `;` or control characters, which would break the header.
    InvalidExpiresText(String),
    /// A name that is empty or not a token (RFC 6265 §4.1.1).
    InvalidName(String),
}

impl fmt::Display for InvalidCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TimestampOutOfRange(ts) => write!(f, "expires timestamp {ts} is out of range"),
            Self::InvalidExpiresText(text) => {
                write!(f, "expires text {text:?} cannot be sent in a header")
            }
            Self::InvalidName(name) => write!(f, "cookie name {name:?} is not a token"),
        }
    }
}

impl std::error::Error for InvalidCookie {}

impl SetCookie {
    /// A session cookie (no `Expires` nor `Max-Age`) with this name and value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            cookie: Cookie::new(name.into(), value.into()),
            expires_text: None,
            protection: Protection::Plain,
        }
    }

    /// A cookie that tells the client to drop `name`: an empty value, `Max-Age=0` and an
    /// `Expires` in the past. Give it the same `Path` and `Domain` the cookie was set with.
    pub fn removal(name: impl Into<String>) -> Self {
        let mut this = Self::new(name, "");
        this.cookie.make_removal();
        this
    }

    /// `Path`.
    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.cookie.set_path(path.into());
        self
    }

    /// `Domain`.
    #[must_use]
    pub fn with_domain(mut self, domain: impl Into<String>) -> Self {
        self.cookie.set_domain(domain.into());
        self
    }

    /// `Max-Age`, in whole seconds.
    #[must_use]
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        let seconds = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
        self.cookie
            .set_max_age(cookie::time::Duration::seconds(seconds));
        self
    }

    /// `Expires` at a Unix timestamp (seconds, fractions dropped), sent as an HTTP date
    /// (`Thu, 20 Dec 2018 19:50:38 GMT`).
    ///
    /// # Errors
    ///
    /// [`InvalidCookie::TimestampOutOfRange`] for a time an HTTP date cannot say.
    pub fn with_expires_at(mut self, unix_seconds: f64) -> Result<Self, InvalidCookie> {
        let out_of_range = || InvalidCookie::TimestampOutOfRange(unix_seconds.to_string());
        if !unix_seconds.is_finite() {
            return Err(out_of_range());
        }
        #[allow(clippy::cast_possible_truncation)] // checked finite; from_unix_timestamp bounds it
        let whole = unix_seconds.floor() as i64;
        let at = OffsetDateTime::from_unix_timestamp(whole).map_err(|_| out_of_range())?;
        if !(0..=9999).contains(&at.year()) {
            return Err(out_of_range());
        }
        self.cookie.set_expires(at);
        self.expires_text = None;
        Ok(self)
    }

    /// `Expires` sent exactly as given (`Thu, 20 Dec 2018 19:50:38 GMT`).
    ///
    /// # Errors
    ///
    /// [`InvalidCookie::InvalidExpiresText`] when the text holds `;` or a control character.
    pub fn with_expires_text(mut self, text: impl Into<String>) -> Result<Self, InvalidCookie> {
        let text = text.into();
        if text.is_empty() || text.contains(';') || text.chars().any(char::is_control) {
            return Err(InvalidCookie::InvalidExpiresText(text));
        }
        self.cookie.unset_expires();
        self.expires_text = Some(text);
        Ok(self)
    }

    /// `Secure`.
    #[must_use]
    pub fn with_secure(mut self, secure: bool) -> Self {
        self.cookie.set_secure(secure);
        self
    }

    /// `HttpOnly`.
    #[must_use]
    pub fn with_http_only(mut self, http_only: bool) -> Self {
        self.cookie.set_http_only(http_only);
        self
    }

    /// `SameSite`.
    #[must_use]
    pub fn with_same_site(mut self, same_site: SameSite) -> Self {
        self.cookie.set_same_site(same_site);
        self
    }

    /// `Partitioned` (CHIPS); browsers require `Secure` with it.
    #[must_use]
    pub fn with_partitioned(mut self, partitioned: bool) -> Self {
        self.cookie.set_partitioned(partitioned);
        self
    }

    /// Signs the value with the middleware's key (HMAC-SHA256): readable by the client,
    /// not forgeable. Read it back with `req.signed_cookie(name)`.
    #[cfg(feature = "secure")]
    #[cfg_attr(docsrs, doc(cfg(feature = "secure")))]
    #[must_use]
    pub fn signed(mut self) -> Self {
        self.protection = Protection::Signed;
        self
    }

    /// Encrypts and authenticates the value with the middleware's key (AES-256-GCM):
    /// neither readable nor forgeable. Read it back with `req.private_cookie(name)`.
    #[cfg(feature = "secure")]
    #[cfg_attr(docsrs, doc(cfg(feature = "secure")))]
    #[must_use]
    pub fn private(mut self) -> Self {
        self.protection = Protection::Private;
        self
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        self.cookie.name()
    }

    /// The `Set-Cookie` header value, for a plain cookie (protected ones are finished by the
    /// middleware, which holds the key).
    ///
    /// # Errors
    ///
    /// [`InvalidCookie::InvalidName`] for an empty name or one with separators.
    pub fn header_value(&self) -> Result<HeaderValue, InvalidCookie> {
        header_value_of(&self.cookie, self.expires_text.as_deref())
    }
}

pub(crate) fn header_value_of(
    cookie: &Cookie<'_>,
    expires_text: Option<&str>,
) -> Result<HeaderValue, InvalidCookie> {
    let name = cookie.name();
    let is_token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
    if !is_token {
        return Err(InvalidCookie::InvalidName(name.to_owned()));
    }
    let mut text = cookie.encoded().to_string();
    if let Some(expires) = expires_text {
        text.push_str("; Expires=");
        text.push_str(expires);
    }
    HeaderValue::from_str(&text).map_err(|_| InvalidCookie::InvalidName(name.to_owned()))
}

impl SetCookie {
    #[cfg(feature = "secure")]
    pub(crate) fn expires_text(&self) -> Option<&str> {
        self.expires_text.as_deref()
    }
}

impl fmt::Debug for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetCookie")
            .field("name", &self.cookie.name())
            .field("protection", &self.protection)
            .finish_non_exhaustive()
    }
}
