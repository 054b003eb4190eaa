use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How many lines may wait for the writer thread before new ones are dropped (counted).
const QUEUE_LINES: usize = 16 * 1024;
/// How long the writer lets lines gather after the first one of a batch: one write and one
/// wake-up for many requests under load, at most this much delay for a line.
const BATCH_WINDOW: Duration = Duration::from_millis(5);

enum Message {
    Line(String),
    Flush(SyncSender<()>),
}

/// Where access-log lines go: a queue read by a thread of its own, so that a slow terminal,
/// disk or pipe never blocks the runtime. When the queue is full a line is dropped and
/// counted; the writer then reports the count on a line of its own (not JSON).
#[derive(Clone)]
pub struct LogWriter {
    queue: SyncSender<Message>,
    dropped: Arc<AtomicU64>,
}

impl fmt::Debug for LogWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogWriter")
            .field("dropped", &self.dropped.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl LogWriter {
    /// Lines written to standard error, each batch under stderr's lock so that lines from
    /// other threads never cut into them.
    pub fn stderr() -> Self {
        Self::spawn(Sink::Stderr)
    }

    /// Lines written to `out` (a file, a pipe, a socket), flushed whenever the queue is
    /// empty.
    pub fn to_writer(out: impl Write + Send + 'static) -> Self {
        Self::spawn(Sink::Writer(Box::new(out)))
    }

    /// Lines kept in memory, for tests: [`MemoryLines::lines`] reads them.
    pub fn in_memory() -> (Self, MemoryLines) {
        let lines = MemoryLines::default();
        (Self::spawn(Sink::Memory(lines.clone())), lines)
    }

    fn spawn(sink: Sink) -> Self {
        let (queue, received) = sync_channel(QUEUE_LINES);
        let dropped = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&dropped);
        std::thread::Builder::new()
            .name("shallot-access-log".into())
            .spawn(move || write_lines(&received, sink, &counted))
            .expect("the access-log thread starts");
        Self { queue, dropped }
    }

    /// Queues one line (without its newline); never blocks.
    pub(crate) fn write(&self, line: String) {
        match self.queue.try_send(Message::Line(line)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            // The thread is gone (the process is exiting): nothing left to write to.
            Err(TrySendError::Disconnected(_)) => {}
        }
    }

    /// Waits (at most `timeout`) until every line queued so far is written and flushed:
    /// for shutdown hooks, so the last lines are not lost when the process exits. Blocks
    /// the calling thread; returns whether the writer caught up in time.
    pub fn flush(&self, timeout: Duration) -> bool {
        let (done, wait) = sync_channel(1);
        if self.queue.send(Message::Flush(done)).is_err() {
            return false;
        }
        wait.recv_timeout(timeout).is_ok()
    }

    /// How many lines were dropped because the writer could not keep up.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The lines of [`LogWriter::in_memory`].
#[derive(Debug, Clone, Default)]
pub struct MemoryLines(Arc<Mutex<Vec<String>>>);

impl MemoryLines {
    /// The lines written so far (call [`LogWriter::flush`] first).
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().map(|lines| lines.clone()).unwrap_or_default()
    }
}

enum Sink {
    Stderr,
    Writer(Box<dyn Write + Send>),
    Memory(MemoryLines),
}

impl Sink {
    fn write_batch(&mut self, batch: &[u8]) {
        // A log that cannot be written is not worth failing requests for: errors are dropped.
        let _ = match self {
            Self::Stderr => std::io::stderr().lock().write_all(batch),
            Self::Writer(out) => out.write_all(batch).and_then(|()| out.flush()),
            Self::Memory(lines) => {
                if let Ok(mut lines) = lines.0.lock() {
                    lines.extend(String::from_utf8_lossy(batch).lines().map(str::to_owned));
                }
                Ok(())
            }
        };
    }
}

/// The writer thread: takes every waiting line, writes them as one batch, and repeats until
/// every [`LogWriter`] is dropped.
fn write_lines(received: &Receiver<Message>, mut sink: Sink, dropped: &AtomicU64) {
    let mut batch = Vec::with_capacity(64 * 1024);
    let mut flushes = Vec::new();
    while let Ok(first) = received.recv() {
        if matches!(first, Message::Line(_)) {
            // Senders do not wake a sleeping thread: lines pile up in the queue meanwhile.
            std::thread::sleep(BATCH_WINDOW);
        }
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                Message::Line(line) => {
                    batch.extend_from_slice(line.as_bytes());
                    batch.push(b'\n');
                }
                Message::Flush(done) => flushes.push(done),
            }
            next = if batch.len() < 1024 * 1024 {
                received.try_recv().ok()
            } else {
                None
            };
        }
        let lost = dropped.swap(0, Ordering::Relaxed);
        if lost > 0 {
            batch.extend_from_slice(
                format!("access log: {lost} lines dropped, the writer could not keep up\n")
                    .as_bytes(),
            );
        }
        if !batch.is_empty() {
            sink.write_batch(&batch);
            batch.clear();
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}
