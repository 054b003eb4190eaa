use bytes::{Bytes, BytesMut};
use http_body::Body as _;
use hyper::body::Incoming;

/// Why a request body could not be read whole.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Larger than the limit: answered 413 before reading the rest.
    TooLarge,
    /// The client broke off or sent a malformed chunked body.
    Broken(hyper::Error),
}

/// Reads the whole body, refusing it as soon as it is known to exceed `limit` bytes: from
/// `content-length` before reading anything, else when the running total passes it.
///
/// A body that arrives in one frame (the common case) is kept without copying.
pub(crate) async fn read_body(mut body: Incoming, limit: usize) -> Result<Bytes, BodyError> {
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    let hint = body.size_hint();
    if hint.lower() > limit as u64 {
        return Err(BodyError::TooLarge);
    }
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let frame = frame.map_err(BodyError::Broken)?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers carry no body bytes
        };
        total += data.len();
        if total > limit {
            return Err(BodyError::TooLarge);
        }
        match (&mut first, &mut rest) {
            (None, _) => first = Some(data),
            (Some(head), None) => {
                let capacity = hint.exact().map_or(total * 2, |n| n as usize).min(limit);
                let mut buf = BytesMut::with_capacity(capacity.max(total));
                buf.extend_from_slice(head);
                buf.extend_from_slice(&data);
                rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&data),
        }
    }
    Ok(match (first, rest) {
        (_, Some(buf)) => buf.freeze(),
        (Some(head), None) => head,
        (None, None) => Bytes::new(),
    })
}
