use std::future::Future;
use std::pin::Pin;

use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use shallot_core::http::Method;
use shallot_core::{
    Body, BoxError, BoxFuture, ConnectionInfo, Middleware, Next, Request, Response,
};
use shallot_request_id::RequestIdExt;
use tracing::Instrument as _;

use crate::timestamp::{push_three_digits, wall_clock_at, write_rfc3339};
use crate::LogWriter;

/// Logs every answered request as one JSON line to standard error, and opens a `tracing`
/// span per request; see the crate docs.
pub fn wrap_access_log() -> AccessLogMiddleware {
    AccessLogMiddleware {
        writer: Some(LogWriter::stderr()),
    }
}

/// The middleware made by [`wrap_access_log`].
#[derive(Debug, Clone)]
pub struct AccessLogMiddleware {
    writer: Option<LogWriter>,
}

impl AccessLogMiddleware {
    /// Writes the lines with `writer` ([`LogWriter::to_writer`] for a file).
    #[must_use]
    pub fn with_writer(mut self, writer: LogWriter) -> Self {
        self.writer = Some(writer);
        self
    }

    /// Writes no lines; the tracing span stays.
    #[must_use]
    pub fn without_lines(mut self) -> Self {
        self.writer = None;
        self
    }

    /// The writer of the lines, to flush it at shutdown ([`LogWriter::flush`]).
    pub fn writer(&self) -> Option<&LogWriter> {
        self.writer.as_ref()
    }
}

/// What the access log knows of a request before it is answered.
#[derive(Debug)]
pub struct AccessRecord {
    arrived: SystemTime,
    started: Instant,
    ip: Option<std::net::IpAddr>,
    method: Method,
    /// The target as sent (shares the request's buffer: no copy).
    target: Option<shallot_core::http::uri::PathAndQuery>,
    request_id: Option<shallot_core::http::HeaderValue>,
}

impl AccessRecord {
    /// Notes the request as it arrives: the time, the client (as [`ConnectionInfo`]
    /// understands it), the method, the target as sent and the request id.
    pub fn of(req: &Request) -> Self {
        let started = Instant::now();
        Self {
            arrived: wall_clock_at(started),
            started,
            ip: ConnectionInfo::of(req).map(ConnectionInfo::client_ip),
            method: req.method().clone(),
            target: req.uri().path_and_query().cloned(),
            request_id: req.request_id_value().cloned(),
        }
    }

    /// The line for this request once `bytes` of an answer with `status` were sent: a JSON
    /// object with `ts`, `ip`, `method`, `path`, `status`, `bytes`, `duration_ms` and
    /// `request_id`, without a newline.
    ///
    /// # Examples
    ///
    /// ```
    /// use shallot_access_log::AccessRecord;
    /// use shallot_core::test;
    ///
    /// let req = test::get("/a?b=c").header("x-request-id", "r1").into_request();
    /// let line = AccessRecord::of(&req).line(404, 9);
    /// let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    /// assert_eq!(value["path"], "/a?b=c");
    /// assert_eq!(value["status"], 404);
    /// assert_eq!(value["bytes"], 9);
    /// assert_eq!(value["request_id"], "r1");
    /// ```
    pub fn line(&self, status: u16, bytes: u64) -> String {
        let mut line = Vec::new();
        self.write_line(&mut line, status, bytes);
        // Always UTF-8 (text copied whole, bytes checked to be ASCII): nothing is replaced.
        String::from_utf8_lossy(&line).into_owned()
    }

    /// Appends [`line`](Self::line)'s text to `line`.
    fn write_line(&self, line: &mut Vec<u8>, status: u16, bytes: u64) {
        // Written by hand rather than through `core::fmt`: the line is built for every
        // request, and `write!` cost ≈ 5,000 instructions of it (docs/performance.md).
        let target = self.target.as_ref().map_or("/", |pq| pq.as_str());
        line.reserve(192 + target.len());
        let mut numbers = itoa::Buffer::new();
        line.extend_from_slice(b"{\"ts\":\"");
        write_rfc3339(line, self.arrived);
        line.extend_from_slice(b"\",\"ip\":");
        match self.ip {
            Some(ip) => {
                line.push(b'"');
                push_ip(line, ip);
                line.push(b'"');
            }
            None => line.extend_from_slice(b"null"),
        }
        // A method is a token (letters, digits and `!#$%&'*+-.^_`|~`): nothing to escape.
        line.extend_from_slice(b",\"method\":\"");
        line.extend_from_slice(self.method.as_str().as_bytes());
        line.push(b'"');
        line.extend_from_slice(b",\"path\":");
        push_json_string(line, target);
        line.extend_from_slice(b",\"status\":");
        if (100..1000).contains(&status) {
            // Every status `http` can hold: three digits, no leading zero.
            push_three_digits(line, u32::from(status));
        } else {
            line.extend_from_slice(numbers.format(status).as_bytes());
        }
        line.extend_from_slice(b",\"bytes\":");
        line.extend_from_slice(numbers.format(bytes).as_bytes());
        // In `u64` (585,000 years of microseconds): `u128` division is a library call.
        let micros = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        line.extend_from_slice(b",\"duration_ms\":");
        line.extend_from_slice(numbers.format(micros / 1000).as_bytes());
        line.push(b'.');
        push_three_digits(line, (micros % 1000) as u32);
        line.extend_from_slice(b",\"request_id\":");
        match &self.request_id {
            // The usual id: copied as it is (the same text `to_str` would give, checked once).
            Some(id) if is_plain_ascii(id.as_bytes()) => {
                line.push(b'"');
                line.extend_from_slice(id.as_bytes());
                line.push(b'"');
            }
            Some(id) => match id.to_str() {
                Ok(id) => push_json_string(line, id),
                Err(_) => line.extend_from_slice(b"null"),
            },
            None => line.extend_from_slice(b"null"),
        }
        line.push(b'}');
    }
}

/// Writes an address as `Display` does; IPv4, the common case, without `core::fmt`.
fn push_ip(out: &mut Vec<u8>, ip: std::net::IpAddr) {
    match ip {
        std::net::IpAddr::V4(v4) => {
            // At most `255.255.255.255`: written on the stack, copied once.
            let mut text = [0; 15];
            let mut len = 0;
            for (at, octet) in v4.octets().into_iter().enumerate() {
                if at > 0 {
                    text[len] = b'.';
                    len += 1;
                }
                if octet >= 100 {
                    text[len] = b'0' + octet / 100;
                    len += 1;
                }
                if octet >= 10 {
                    text[len] = b'0' + octet / 10 % 10;
                    len += 1;
                }
                text[len] = b'0' + octet % 10;
                len += 1;
            }
            out.extend_from_slice(&text[..len]);
        }
        std::net::IpAddr::V6(v6) => {
            use std::io::Write as _;
            let _ = write!(out, "{v6}");
        }
    }
}

/// Whether every byte of `bytes` is printable ASCII (0x20–0x7e) other than `"` and `\\`, so
/// the text goes into a JSON string as it is; eight bytes at a time, so a request id or a path is
/// checked in a few words rather than byte by byte.
fn is_plain_ascii(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    /// Whether a byte of `word` is zero. A borrow can only start at a zero byte, so the
    /// answer is exact for the word even where single bytes above a zero are misreported.
    fn has_zero(word: u64) -> bool {
        word.wrapping_sub(ONES) & !word & HIGHS != 0
    }
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let mut eight = [0; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_ne_bytes(eight);
        if word & HIGHS != 0 {
            return false;
        }
        // With every high bit clear, a byte below 0x20 is the only one to borrow when 0x20 is
        // taken from it.
        let control = word.wrapping_sub(ONES * 0x20) & HIGHS != 0;
        if control
            || has_zero(word ^ (ONES * 0x7f))
            || has_zero(word ^ (ONES * u64::from(b'"')))
            || has_zero(word ^ (ONES * u64::from(b'\\')))
        {
            return false;
        }
    }
    words
        .remainder()
        .iter()
        .all(|&byte| (0x20..0x7f).contains(&byte) && byte != b'"' && byte != b'\\')
}

/// Writes `text` as a JSON string. Bytes that need no escape (all but the quote, the backslash
/// and the controls) are copied in runs; UTF-8 passes through unchanged.
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    if is_plain_ascii(bytes) {
        // The common case (a method, a path, an id): one copy.
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut plain = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..0x20 => "",
            _ => continue,
        };
        // `at` is an ASCII byte, so the cuts never split a UTF-8 character.
        out.extend_from_slice(&bytes[plain..at]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 15)]);
        } else {
            out.extend_from_slice(escape.as_bytes());
        }
        plain = at + 1;
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// The target of the request's span.
const SPAN_TARGET: &str = "shallot::request";

/// Whether anyone may want the request's span: a `tracing` subscriber at `INFO` or finer (the
/// span macro's own first check), or a `log` logger for the span's target, which tracing's
/// `log` compatibility feeds when an application turns that feature on. With neither, the span
/// is not made at all: the macro would still hand a disabled span's fields to the `log`
/// compatibility (≈ 130 instructions per request, docs/performance.md).
#[inline]
fn span_may_be_wanted() -> bool {
    tracing::level_enabled!(tracing::Level::INFO)
        || log::log_enabled!(target: SPAN_TARGET, log::Level::Info)
}

impl Middleware for AccessLogMiddleware {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        let record = AccessRecord::of(&req);
        // No span at all unless someone may want it and its subscriber does: no `Instrumented`
        // wrapper, no field records, no span to drop.
        let span = span_may_be_wanted()
            .then(|| {
                tracing::info_span!(
                    target: SPAN_TARGET,
                    "request",
                    method = %record.method,
                    path = %req.uri().path(),
                    request_id = record.request_id.as_ref().and_then(|id| id.to_str().ok()).unwrap_or(""),
                    status = tracing::field::Empty,
                    latency_ms = tracing::field::Empty,
                )
            })
            .filter(|span| !span.is_disabled());
        let started = record.started;
        let line = self.writer.clone().map(|writer| (record, writer));
        let Some(span) = span else {
            let call = next.run(req);
            return match line {
                Some(line) => Box::pin(Logged {
                    call,
                    line: Some(line),
                }),
                None => call,
            };
        };
        let call = next.run(req).instrument(span.clone());
        Box::pin(async move {
            let res = call.await;
            span.record("status", res.status().as_u16());
            span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
            with_line(res, line)
        })
    }
}

/// The rest of the chain, whose answer gets the line's counting body: a plain future rather
/// than an `async` block, so the record is moved into its box once.
struct Logged {
    call: BoxFuture<Response>,
    line: Option<(AccessRecord, LogWriter)>,
}

impl Future for Logged {
    type Output = Response;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let res = std::task::ready!(self.call.as_mut().poll(cx));
        Poll::Ready(with_line(res, self.line.take()))
    }
}

/// The answer with its line to come, when lines are written. Inlined: out of line the answer
/// and the record are moved through one more call (+140 instructions per request).
#[inline]
fn with_line(res: Response, line: Option<(AccessRecord, LogWriter)>) -> Response {
    match line {
        Some((record, writer)) => access_log_response(res, record, writer),
        None => res,
    }
}

/// The answer, whose body now counts the bytes it yields and writes the request's line
/// with `writer` when it ends or is dropped (the client left, or a `HEAD` answer's body
/// was never sent). The body keeps its size hint, so a whole body keeps its
/// `content-length`.
pub fn access_log_response(res: Response, record: AccessRecord, writer: LogWriter) -> Response {
    let status = res.status().as_u16();
    res.map(|body| {
        Body::new(CountedBody {
            inner: body,
            bytes: 0,
            pending: Some(Pending {
                record,
                status,
                writer,
            }),
        })
    })
}

struct Pending {
    record: AccessRecord,
    status: u16,
    writer: LogWriter,
}

pin_project_lite::pin_project! {
    struct CountedBody {
        #[pin]
        inner: Body,
        bytes: u64,
        pending: Option<Pending>,
    }

    impl PinnedDrop for CountedBody {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            write_line(this.pending, *this.bytes);
        }
    }
}

fn write_line(pending: &mut Option<Pending>, bytes: u64) {
    thread_local! {
        /// Each line is built here and copied into the writer's buffer: no allocation.
        static LINE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let Some(pending) = pending.take() else {
        return;
    };
    let write = |line: &mut Vec<u8>| {
        line.clear();
        pending.record.write_line(line, pending.status, bytes);
        pending.writer.write(line);
    };
    // A body dropped while its thread is exiting may find the buffer gone: a fresh one then.
    let reused = LINE.try_with(|cell| cell.try_borrow_mut().map(|mut line| write(&mut line)));
    if !matches!(reused, Ok(Ok(()))) {
        write(&mut Vec::new());
    }
}

impl http_body::Body for CountedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    *this.bytes += data.len() as u64;
                }
            }
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => write_line(this.pending, *this.bytes),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// How long [`LogWriter::flush`] may take at shutdown in the showcase and the docs.
pub const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::{push_ip, push_json_string};

    #[test]
    fn any_status_and_byte_count_is_a_json_number() {
        let req = shallot_core::test::get("/").into_request();
        let record = super::AccessRecord::of(&req);
        for status in [0, 5, 42, 99, 100, 200, 404, 999, 1000, u16::MAX] {
            for bytes in [0, 9, 1000, u64::MAX] {
                let line = record.line(status, bytes);
                let value: serde_json::Value = serde_json::from_str(&line).expect(&line);
                assert_eq!(value["status"], status, "{line}");
                assert_eq!(value["bytes"], bytes, "{line}");
                let duration = value["duration_ms"].as_f64().expect(&line);
                assert!((0.0..60_000.0).contains(&duration), "{line}");
            }
        }
    }

    #[test]
    fn addresses_read_as_display_writes_them() {
        for ip in [
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "10.20.3.4",
            "9.99.100.109",
            "200.110.101.90",
            "::1",
            "2001:db8::8:1",
        ] {
            let ip: std::net::IpAddr = ip.parse().unwrap();
            let mut out = Vec::new();
            push_ip(&mut out, ip);
            assert_eq!(String::from_utf8(out).unwrap(), ip.to_string());
        }
        for octet in 0..=u8::MAX {
            let ip = std::net::Ipv4Addr::new(octet, u8::MAX - octet, octet / 2, octet % 10);
            let mut out = Vec::new();
            push_ip(&mut out, ip.into());
            assert_eq!(String::from_utf8(out).unwrap(), ip.to_string());
        }
    }

    #[test]
    fn the_word_scan_finds_every_byte_that_is_not_plain_at_every_position() {
        let plain = |byte: u8| (0x20..0x7f).contains(&byte) && byte != b'"' && byte != b'\\';
        for byte in 0..=u8::MAX {
            for len in 1..=24 {
                for at in 0..len {
                    // Neighbours that a carry or borrow could be mistaken for.
                    for filler in [b'a', 0x20, 0x21, 0x5d, 0x7e, 0x7f, 0xff] {
                        let mut bytes = vec![filler; len];
                        bytes[at] = byte;
                        assert_eq!(
                            super::is_plain_ascii(&bytes),
                            bytes.iter().all(|&b| plain(b)),
                            "byte {byte:#x} at {at} of {len}, filler {filler:#x}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn no_method_http_accepts_needs_an_escape() {
        // The line copies the method without escaping it: every method `http` can hold is a
        // token, whatever byte a client tries.
        for byte in 0..=u8::MAX {
            for bytes in [vec![byte], vec![b'A', byte, b'B']] {
                if let Ok(method) = shallot_core::http::Method::from_bytes(&bytes) {
                    assert!(
                        super::is_plain_ascii(method.as_str().as_bytes()),
                        "{bytes:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn escaped_strings_read_back_as_themselves() {
        for text in [
            "",
            "/plain?a=1",
            "quote\" back\\slash",
            "line\nbreak\r\ttab",
            "\u{1}\u{1f}",
            "é ☃ 𝄞",
        ] {
            let mut out = Vec::new();
            push_json_string(&mut out, text);
            let out = String::from_utf8(out).expect("UTF-8");
            let back: String = serde_json::from_str(&out).expect("valid JSON");
            assert_eq!(back, text, "{out}");
        }
    }
}
