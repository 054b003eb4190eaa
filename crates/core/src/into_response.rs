use std::borrow::Cow;
use std::convert::Infallible;

use bytes::Bytes;
use http::StatusCode;

use crate::{binary, text, Body, Response};

/// Anything a handler may return: it becomes a [`Response`].
///
/// | value | response |
/// |---|---|
/// | `Response` | itself |
/// | `&'static str`, `String`, `Cow<'static, str>` | 200, `text/plain; charset=utf-8` |
/// | `Bytes`, `Vec<u8>`, `&'static [u8]` | 200, `application/octet-stream` |
/// | `Body` | 200, no content type |
/// | `StatusCode` | that status, empty body |
/// | `()` | 200, empty body |
/// | `(StatusCode, T)` | `T`'s response with that status |
/// | [`HttpError`](crate::HttpError) | its status, plain-text message |
/// | `Result<T, E>` | `T`'s or `E`'s response |
///
/// # Examples
///
/// ```
/// use shallot_core::{http::StatusCode, IntoResponse};
///
/// let res = (StatusCode::CREATED, "made").into_response();
/// assert_eq!(res.status(), 201);
/// assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
/// ```
pub trait IntoResponse {
    /// Makes the response.
    fn into_response(self) -> Response;
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl IntoResponse for Body {
    fn into_response(self) -> Response {
        Response::new(self)
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        text(self)
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response {
        text(self)
    }
}

impl IntoResponse for Cow<'static, str> {
    fn into_response(self) -> Response {
        match self {
            Cow::Borrowed(s) => text(s),
            Cow::Owned(s) => text(s),
        }
    }
}

impl IntoResponse for Bytes {
    fn into_response(self) -> Response {
        binary(self)
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        binary(self)
    }
}

impl IntoResponse for &'static [u8] {
    fn into_response(self) -> Response {
        binary(self)
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        crate::status(self)
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new(Body::empty())
    }
}

impl IntoResponse for Infallible {
    fn into_response(self) -> Response {
        match self {}
    }
}

impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        let mut res = self.1.into_response();
        *res.status_mut() = self.0;
        res
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(error) => error.into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HttpError;

    fn parts(res: &Response) -> (u16, Option<String>, Option<Bytes>) {
        let content_type = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        (
            res.status().as_u16(),
            content_type,
            res.body().as_bytes().cloned(),
        )
    }

    const TEXT: Option<&str> = Some("text/plain; charset=utf-8");
    const OCTETS: Option<&str> = Some("application/octet-stream");

    #[test]
    fn conversions_give_the_documented_status_type_and_body() {
        type Row = (Response, u16, Option<&'static str>, Option<&'static [u8]>);
        let table: Vec<Row> = vec![
            ("hi".into_response(), 200, TEXT, Some(b"hi")),
            (String::from("hi").into_response(), 200, TEXT, Some(b"hi")),
            (Cow::Borrowed("hi").into_response(), 200, TEXT, Some(b"hi")),
            (
                Bytes::from_static(b"\x00").into_response(),
                200,
                OCTETS,
                Some(b"\x00"),
            ),
            (vec![1u8].into_response(), 200, OCTETS, Some(b"\x01")),
            (Body::from("x").into_response(), 200, None, Some(b"x")),
            (StatusCode::NO_CONTENT.into_response(), 204, None, None),
            (().into_response(), 200, None, None),
            (
                (StatusCode::CREATED, "made").into_response(),
                201,
                TEXT,
                Some(b"made"),
            ),
            (
                Ok::<_, HttpError>("fine").into_response(),
                200,
                TEXT,
                Some(b"fine"),
            ),
            (
                Err::<&str, _>(HttpError::bad_request("nope")).into_response(),
                400,
                TEXT,
                Some(b"nope"),
            ),
        ];
        for (res, status, content_type, body) in table {
            let (got_status, got_type, got_body) = parts(&res);
            assert_eq!(got_status, status);
            assert_eq!(got_type.as_deref(), content_type);
            assert_eq!(got_body.as_deref(), body);
        }
    }

    #[test]
    fn http_error_keeps_its_extra_headers_and_marks_the_response() {
        let res = HttpError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
            .with_header(http::header::ALLOW, "GET, HEAD".parse().unwrap())
            .into_response();
        assert_eq!(res.status(), 405);
        assert_eq!(res.headers()["allow"], "GET, HEAD");
        assert_eq!(HttpError::of(&res).unwrap().status(), 405);
    }
}
