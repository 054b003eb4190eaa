use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use shallot_core::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use shallot_core::http::HeaderValue;
use shallot_core::{Body, Request, Response};

use crate::Event;

/// `text/event-stream`.
pub const TEXT_EVENT_STREAM: HeaderValue = HeaderValue::from_static("text/event-stream");

/// A streamed answer of server-sent events: `200`, `text/event-stream`,
/// `cache-control: no-cache`, each event written as soon as the stream yields it. Compression
/// middlewares leave `text/event-stream` alone.
///
/// # Examples
///
/// ```
/// use shallot_core::{test, Request};
/// use shallot_sse::{sse_from_iter, Event};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = |_req: Request| async {
///     sse_from_iter((0..2).map(|i| Event::new().id(&i.to_string()).data("tick")))
/// };
/// test::get("/events")
///     .send(&app)
///     .await
///     .assert_header("content-type", "text/event-stream")
///     .assert_header("cache-control", "no-cache")
///     .assert_body("id: 0\ndata: tick\n\nid: 1\ndata: tick\n\n");
/// # }
/// ```
pub fn sse<S>(events: S) -> Response
where
    S: Stream<Item = Event> + Send + 'static,
{
    let body = Body::from_stream(EventBytes {
        events: Box::pin(events),
    });
    let mut res = Response::new(body);
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, TEXT_EVENT_STREAM);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// [`sse`] over events an iterator makes one at a time, as the connection is ready to send
/// them (a long run of events is never held in memory).
pub fn sse_from_iter<I>(events: I) -> Response
where
    I: IntoIterator<Item = Event>,
    I::IntoIter: Send + 'static,
{
    sse(IterEvents(events.into_iter()))
}

struct IterEvents<I>(I);

impl<I> Unpin for IterEvents<I> {}

impl<I: Iterator<Item = Event>> Stream for IterEvents<I> {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Event>> {
        Poll::Ready(self.0.next())
    }
}

/// [`sse`] with a comment (`: keep-alive`) sent whenever `interval` passes without an
/// event, so proxies and clients do not take a quiet stream for a dead one.
pub fn sse_with_keep_alive<S>(events: S, interval: Duration) -> Response
where
    S: Stream<Item = Event> + Send + 'static,
{
    sse(KeepAlive {
        events: Box::pin(events),
        interval,
        timer: Box::pin(tokio::time::sleep(interval)),
    })
}

struct EventBytes {
    events: Pin<Box<dyn Stream<Item = Event> + Send>>,
}

impl Stream for EventBytes {
    type Item = Result<Bytes, std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events
            .as_mut()
            .poll_next(cx)
            .map(|event| event.map(|event| Ok(event.to_bytes())))
    }
}

struct KeepAlive {
    events: Pin<Box<dyn Stream<Item = Event> + Send>>,
    interval: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl Stream for KeepAlive {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        let this = &mut *self;
        if let Poll::Ready(event) = this.events.as_mut().poll_next(cx) {
            let next = tokio::time::Instant::now() + this.interval;
            this.timer.as_mut().reset(next);
            return Poll::Ready(event);
        }
        if this.timer.as_mut().poll(cx).is_ready() {
            let next = tokio::time::Instant::now() + this.interval;
            this.timer.as_mut().reset(next);
            return Poll::Ready(Some(Event::comment("keep-alive")));
        }
        Poll::Pending
    }
}

/// Reads the `Last-Event-ID` a reconnecting client sends.
pub trait SseExt {
    /// The request's `Last-Event-ID`, when present and text.
    fn last_event_id(&self) -> Option<&str>;
}

impl SseExt for Request {
    fn last_event_id(&self) -> Option<&str> {
        self.headers().get("last-event-id")?.to_str().ok()
    }
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use futures_core::Stream;
    use http_body::Body as _;
    use shallot_core::Body;
    use tokio::sync::mpsc;
    use tokio::time::Instant;

    use super::sse_with_keep_alive;
    use crate::Event;

    /// Events sent by the test, as a stream.
    struct Events(mpsc::UnboundedReceiver<Event>);

    impl Stream for Events {
        type Item = Event;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
            self.0.poll_recv(cx)
        }
    }

    /// The next chunk of the answer, as text; `None` once it has ended.
    async fn next(body: &mut Body) -> Option<String> {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await?;
        let data = frame.unwrap().into_data().unwrap();
        Some(String::from_utf8(data.to_vec()).unwrap())
    }

    // Tokio's clock is paused: it moves only when every task waits, straight to the next
    // timer, so the times below are exact, whatever the machine's load.
    #[tokio::test(start_paused = true)]
    async fn a_quiet_stream_gets_a_comment_each_interval_and_an_event_restarts_the_wait() {
        let interval = Duration::from_secs(15);
        let (events, source) = mpsc::unbounded_channel();
        let mut body = sse_with_keep_alive(Events(source), interval).into_body();
        let start = Instant::now();
        let keep_alive = Some(": keep-alive\n\n".to_owned());

        assert_eq!(next(&mut body).await, keep_alive);
        assert_eq!(start.elapsed(), interval);
        assert_eq!(next(&mut body).await, keep_alive);
        assert_eq!(start.elapsed(), interval * 2);

        // An event goes out at once, and the next comment comes a whole interval after it.
        tokio::time::sleep(Duration::from_secs(5)).await;
        events.send(Event::new().data("tick")).unwrap();
        assert_eq!(next(&mut body).await, Some("data: tick\n\n".to_owned()));
        assert_eq!(start.elapsed(), interval * 2 + Duration::from_secs(5));
        assert_eq!(next(&mut body).await, keep_alive);
        assert_eq!(start.elapsed(), interval * 3 + Duration::from_secs(5));

        // Events arriving more often than the interval: no comment between them.
        for at in 1..=4 {
            tokio::time::sleep(interval - Duration::from_secs(1)).await;
            events.send(Event::new().id(&at.to_string())).unwrap();
            assert_eq!(next(&mut body).await, Some(format!("id: {at}\n\n")));
        }

        // The events end, and so does the answer: no comment after the last one.
        drop(events);
        assert_eq!(next(&mut body).await, None);
    }
}
