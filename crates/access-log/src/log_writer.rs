use std::fmt;
use std::io::Write;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How many bytes of lines may wait for the writer thread before new lines are dropped
/// (counted): about 40,000 lines, 8 MiB at most.
const MAX_PENDING_BYTES: usize = 8 * 1024 * 1024;
/// How long the writer lets lines gather after the first one of a batch: one write and one
/// wake-up for many requests under load, at most this much delay for a line.
const BATCH_WINDOW: Duration = Duration::from_millis(5);

/// Where access-log lines go: appended to a buffer that a thread of its own writes out, so a
/// slow terminal, disk or pipe never blocks the runtime. A request costs one short,
/// uncontended lock and a copy of its line — no allocation, no message, no wake-up unless the
/// writer is asleep. When the buffer is full a line is dropped and counted; the writer then
/// reports the count on a line of its own (not JSON).
#[derive(Clone)]
pub struct LogWriter {
    handle: Arc<Handle>,
}

/// Held by every clone of one [`LogWriter`]; the last one dropped lets the thread finish.
struct Handle {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// Lines not yet taken by the writer, each ending in `\n`.
    pending: Vec<u8>,
    /// Lines dropped in all.
    dropped: u64,
    /// Lines dropped since the writer last reported them.
    unreported: u64,
    /// Callers of [`LogWriter::flush`] waiting for everything before them to be written.
    flushes: Vec<SyncSender<()>>,
    /// The writer waits on the condition variable (a line must wake it).
    writer_asleep: bool,
    /// Every [`LogWriter`] is gone: write what is left and stop.
    closed: bool,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock is held cannot leave `State` half-changed in a way that
        // matters (at worst a partial line), so a poisoned lock is used as it is.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.state().closed = true;
        self.shared.wake.notify_one();
    }
}

impl fmt::Debug for LogWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogWriter")
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

impl LogWriter {
    /// Lines written to standard error, each batch under stderr's lock so that lines from
    /// other threads never cut into them.
    pub fn stderr() -> Self {
        Self::spawn(Sink::Stderr)
    }

    /// Lines written to `out` (a file, a pipe, a socket), flushed after each batch.
    pub fn to_writer(out: impl Write + Send + 'static) -> Self {
        Self::spawn(Sink::Writer(Box::new(out)))
    }

    /// Lines kept in memory, for tests: [`MemoryLines::lines`] reads them.
    pub fn in_memory() -> (Self, MemoryLines) {
        let lines = MemoryLines::default();
        (Self::spawn(Sink::Memory(lines.clone())), lines)
    }

    fn spawn(sink: Sink) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                pending: Vec::with_capacity(64 * 1024),
                ..State::default()
            }),
            wake: Condvar::new(),
        });
        let for_thread = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("shallot-access-log".into())
            .spawn(move || write_lines(&for_thread, sink))
            .expect("the access-log thread starts");
        Self {
            handle: Arc::new(Handle { shared }),
        }
    }

    /// Adds one line (without its newline); never blocks on the output.
    pub(crate) fn write(&self, line: &[u8]) {
        let shared = &self.handle.shared;
        let mut state = shared.state();
        if state.pending.len() + line.len() + 1 > MAX_PENDING_BYTES {
            state.dropped += 1;
            state.unreported += 1;
            return;
        }
        state.pending.extend_from_slice(line);
        state.pending.push(b'\n');
        if std::mem::take(&mut state.writer_asleep) {
            drop(state);
            shared.wake.notify_one();
        }
    }

    /// Waits (at most `timeout`) until every line written so far is written out and
    /// flushed: for shutdown hooks, so the last lines are not lost when the process exits.
    /// Blocks the calling thread; returns whether the writer caught up in time.
    pub fn flush(&self, timeout: Duration) -> bool {
        let (done, wait) = sync_channel(1);
        let shared = &self.handle.shared;
        let mut state = shared.state();
        state.flushes.push(done);
        let asleep = std::mem::take(&mut state.writer_asleep);
        drop(state);
        if asleep {
            shared.wake.notify_one();
        }
        wait.recv_timeout(timeout).is_ok()
    }

    /// How many lines were dropped because the writer could not keep up.
    pub fn dropped(&self) -> u64 {
        self.handle.shared.state().dropped
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
fn write_lines(shared: &Shared, mut sink: Sink) {
    let mut batch = Vec::with_capacity(64 * 1024);
    let mut flushes = Vec::new();
    loop {
        let mut state = shared.state();
        while state.pending.is_empty() && state.flushes.is_empty() && !state.closed {
            state.writer_asleep = true;
            state = shared
                .wake
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if state.flushes.is_empty() && !state.closed {
            // Lines arrived: let more gather (writers do not wake a thread that is not
            // waiting on the condition variable).
            drop(state);
            std::thread::sleep(BATCH_WINDOW);
            state = shared.state();
        }
        // The emptied batch goes back as the pending buffer: its capacity is reused.
        std::mem::swap(&mut state.pending, &mut batch);
        flushes.append(&mut state.flushes);
        let lost = std::mem::take(&mut state.unreported);
        let closed = state.closed;
        drop(state);
        if lost > 0 {
            batch.extend_from_slice(
                format!("access log: {lost} lines dropped, the writer could not keep up\n")
                    .as_bytes(),
            );
        }
        if !batch.is_empty() {
            sink.write_batch(&batch);
            batch.clear();
            if batch.capacity() > MAX_PENDING_BYTES / 8 {
                // A burst is over: do not keep its buffer for ever.
                batch.shrink_to(64 * 1024);
            }
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
        if closed {
            // Nothing can be added any more: what was pending has just been written.
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::{channel, Receiver, Sender};

    use super::*;

    /// A sink that holds every write until the test lets it go, and says when it is dropped
    /// (the writer thread has finished).
    struct Gate {
        entered: Sender<()>,
        open: Receiver<()>,
        written: Arc<Mutex<Vec<u8>>>,
        gone: Sender<()>,
    }

    impl Write for Gate {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let _ = self.entered.send(());
            let _ = self.open.recv_timeout(Duration::from_secs(30));
            self.written.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Drop for Gate {
        fn drop(&mut self) {
            let _ = self.gone.send(());
        }
    }

    struct Gated {
        writer: LogWriter,
        entered: Receiver<()>,
        open: Sender<()>,
        written: Arc<Mutex<Vec<u8>>>,
        finished: Receiver<()>,
    }

    fn gated() -> Gated {
        let (entered_tx, entered) = channel();
        let (open, gate) = channel();
        let (gone, finished) = channel();
        let written = Arc::new(Mutex::new(Vec::new()));
        let writer = LogWriter::to_writer(Gate {
            entered: entered_tx,
            open: gate,
            written: Arc::clone(&written),
            gone,
        });
        Gated {
            writer,
            entered,
            open,
            written,
            finished,
        }
    }

    #[test]
    fn the_last_lines_are_written_when_the_last_writer_is_dropped() {
        let Gated {
            writer,
            open,
            written,
            finished,
            ..
        } = gated();
        let other = writer.clone();
        writer.write(b"one");
        drop(writer);
        other.write(b"two");
        drop(other);
        for _ in 0..4 {
            let _ = open.send(());
        }
        finished
            .recv_timeout(Duration::from_secs(30))
            .expect("the thread finishes");
        assert_eq!(written.lock().unwrap().as_slice(), b"one\ntwo\n");
    }

    #[test]
    fn lines_over_the_buffer_are_dropped_counted_and_reported() {
        let Gated {
            writer,
            entered,
            open,
            written,
            finished,
        } = gated();
        writer.write(b"first");
        // The thread has taken "first" and is blocked writing it: what follows piles up.
        entered
            .recv_timeout(Duration::from_secs(30))
            .expect("the thread writes");
        let line = "x".repeat(1023);
        let fit = MAX_PENDING_BYTES / 1024;
        for _ in 0..fit + 10 {
            writer.write(line.as_bytes());
        }
        let dropped = writer.dropped();
        assert_eq!(dropped, 10);
        drop(writer);
        for _ in 0..4 {
            let _ = open.send(());
        }
        finished
            .recv_timeout(Duration::from_secs(30))
            .expect("the thread finishes");
        let written = written.lock().unwrap();
        let text = String::from_utf8_lossy(&written);
        assert!(text.starts_with("first\n"), "{}", &text[..20]);
        assert_eq!(
            text.lines().filter(|l| *l == line).count() as u64,
            fit as u64 + 10 - dropped
        );
        assert!(
            text.ends_with(&format!(
                "access log: {dropped} lines dropped, the writer could not keep up\n"
            )),
            "the report follows the lines"
        );
    }

    #[test]
    fn flush_waits_for_the_lines_before_it() {
        let (writer, lines) = LogWriter::in_memory();
        for i in 0..100 {
            writer.write(format!("line {i}").as_bytes());
        }
        assert!(writer.flush(Duration::from_secs(30)));
        assert_eq!(lines.lines().len(), 100);
        assert_eq!(lines.lines()[99], "line 99");
    }
}
