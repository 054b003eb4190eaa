use std::io;
use std::time::Duration;

use tokio::net::TcpStream;

/// The protocol a connection speaks, told from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    Http1,
    /// HTTP/2 with prior knowledge: the client opens with the preface
    /// `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` (RFC 9113 §3.4).
    Http2,
}

/// Peeks (without consuming) at the first bytes of a connection to tell HTTP/2's preface
/// from an HTTP/1 request line. `PRI` is not an HTTP/1 method anyone uses (RFC 9113 §3.4
/// reserves it for the preface), so three bytes decide; a client that sends fewer waits,
/// with growing pauses, up to `limit`.
///
/// # Errors
///
/// The connection failed, closed before sending anything, or took longer than `limit`.
pub(crate) async fn detect(stream: &TcpStream, limit: Duration) -> io::Result<Protocol> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut pause = Duration::from_millis(1);
    let mut buf = [0u8; 3];
    loop {
        let n = tokio::time::timeout_at(deadline, stream.peek(&mut buf))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no request head in time"))??;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        if buf[..n] != b"PRI"[..n] {
            return Ok(Protocol::Http1);
        }
        if n == 3 {
            return Ok(Protocol::Http2);
        }
        // A peek returns at once while bytes wait, so pause before looking again.
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(100));
        if tokio::time::Instant::now() >= deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no request head in time",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;

    async fn detect_after(chunks: &[&[u8]]) -> io::Result<Protocol> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let mut client = TcpStream::connect(listener.local_addr()?).await?;
        let (server, _) = listener.accept().await?;
        let chunks: Vec<Vec<u8>> = chunks.iter().map(|c| c.to_vec()).collect();
        let writer = tokio::spawn(async move {
            for chunk in chunks {
                client.write_all(&chunk).await.unwrap();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            client
        });
        let found = detect(&server, Duration::from_secs(2)).await;
        drop(writer.await);
        found
    }

    #[tokio::test]
    async fn the_first_bytes_tell_the_protocol() {
        assert_eq!(
            detect_after(&[b"GET / HTTP/1.1\r\n"]).await.unwrap(),
            Protocol::Http1
        );
        assert_eq!(
            detect_after(&[b"POST /x HTTP/1.1\r\n"]).await.unwrap(),
            Protocol::Http1
        );
        assert_eq!(
            detect_after(&[b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"])
                .await
                .unwrap(),
            Protocol::Http2
        );
        assert_eq!(
            detect_after(&[b"P", b"U", b"T /"]).await.unwrap(),
            Protocol::Http1
        );
        assert_eq!(
            detect_after(&[b"P", b"R", b"I"]).await.unwrap(),
            Protocol::Http2
        );
    }

    #[tokio::test]
    async fn a_silent_client_times_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let error = detect(&server, Duration::from_millis(100))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }
}
