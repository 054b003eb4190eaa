use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use shallot_core::{Body, BoxError};

use crate::encoder::Encoder;

/// Compressed output handed on without waiting for a flush once this much is ready.
const EMIT_AT: usize = 32 * 1024;

/// A body compressed as it streams: every chunk the inner body has ready is compressed;
/// when the inner body has nothing more ready (it is waiting for the handler), what was
/// compressed is flushed and sent, so a slow stream reaches the client as it is produced,
/// and a fast one is compressed in large blocks.
pub(crate) struct CompressedBody {
    inner: Body,
    encoder: Option<Encoder>,
    /// Input written since the last flush.
    unflushed: bool,
}

impl CompressedBody {
    pub(crate) fn new(inner: Body, encoder: Encoder) -> Self {
        Self {
            inner,
            encoder: Some(encoder),
            unflushed: false,
        }
    }
}

impl http_body::Body for CompressedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        loop {
            let Some(encoder) = this.encoder.as_mut() else {
                return Poll::Ready(None);
            };
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => {
                        encoder.write(&data)?;
                        this.unflushed = true;
                        if encoder.ready_len() >= EMIT_AT {
                            return Poll::Ready(Some(Ok(Frame::data(encoder.take()))));
                        }
                    }
                    // Trailers are dropped (documented): rare in answers, and they would
                    // have to wait for the end of the compressed stream.
                    Err(_trailers) => {}
                },
                Poll::Ready(Some(Err(error))) => {
                    this.encoder = None;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(None) => {
                    let last = this.encoder.take().map(Encoder::finish).transpose()?;
                    return Poll::Ready(last.filter(|b| !b.is_empty()).map(|b| Ok(Frame::data(b))));
                }
                Poll::Pending => {
                    if this.unflushed {
                        this.unflushed = false;
                        encoder.flush()?;
                        if encoder.ready_len() > 0 {
                            return Poll::Ready(Some(Ok(Frame::data(encoder.take()))));
                        }
                    }
                    return Poll::Pending;
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.encoder.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}
