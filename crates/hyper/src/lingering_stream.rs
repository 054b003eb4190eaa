use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

/// How long a connection the server closes keeps reading what the client still sends.
const LINGER: Duration = Duration::from_secs(2);

/// A TCP stream that closes gracefully when the server hangs up first.
///
/// Closing a socket with unread bytes in its receive buffer makes the kernel send a RST,
/// and a client that gets a RST usually discards the answer it has not read yet: the `413`
/// for a body too large or the `431` for a head too large would be lost exactly when they
/// matter. So, when the server closes while the client has not, the write side is shut down
/// (the answer is followed by a FIN) and the client's further bytes are read and discarded
/// for at most [`LINGER`] before the socket is closed, as nginx's `lingering_close` does.
///
/// It also bounds how long a write may wait for a client that does not read: the timer is
/// armed only while a write is blocked, so the common case pays nothing.
#[derive(Debug)]
pub(crate) struct LingeringStream {
    stream: Option<TcpStream>,
    peer_closed: bool,
    write_timeout: Duration,
    write_blocked_since: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl LingeringStream {
    pub(crate) fn new(stream: TcpStream, write_timeout: Duration) -> Self {
        Self {
            stream: Some(stream),
            peer_closed: false,
            write_timeout,
            write_blocked_since: None,
        }
    }

    /// Turns a write that has been pending for longer than the write timeout into an error.
    fn guard_write<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.write_blocked_since = None;
            return poll;
        }
        let timeout = self.write_timeout;
        let deadline = self
            .write_blocked_since
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        if deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client did not read for the write timeout",
            )));
        }
        Poll::Pending
    }

    fn stream(&mut self) -> Pin<&mut TcpStream> {
        Pin::new(
            self.stream
                .as_mut()
                .expect("the stream is only taken on drop"),
        )
    }
}

impl AsyncRead for LingeringStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = self.stream().poll_read(cx, buf);
        match &poll {
            Poll::Ready(Ok(())) if buf.filled().len() == before && buf.remaining() > 0 => {
                self.peer_closed = true;
            }
            Poll::Ready(Err(_)) => self.peer_closed = true,
            _ => {}
        }
        poll
    }
}

impl AsyncWrite for LingeringStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.stream().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = self.stream().poll_write_vectored(cx, bufs);
        self.guard_write(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream
            .as_ref()
            .is_some_and(TcpStream::is_write_vectored)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = self.stream().poll_flush(cx);
        self.guard_write(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.stream().poll_shutdown(cx)
    }
}

impl Drop for LingeringStream {
    fn drop(&mut self) {
        if self.peer_closed {
            return;
        }
        let (Some(stream), Ok(runtime)) =
            (self.stream.take(), tokio::runtime::Handle::try_current())
        else {
            return;
        };
        runtime.spawn(linger(stream));
    }
}

async fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(LINGER, async {
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}
