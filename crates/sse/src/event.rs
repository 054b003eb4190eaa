use std::time::Duration;

use bytes::Bytes;

/// One server-sent event, or a comment, in the `text/event-stream` format (HTML Living
/// Standard §9.2.6).
///
/// # Examples
///
/// ```
/// use shallot_sse::Event;
///
/// let event = Event::new().id("7").event("tick").data("line 1\nline 2");
/// assert_eq!(event.to_bytes(), "id: 7\nevent: tick\ndata: line 1\ndata: line 2\n\n");
/// assert_eq!(Event::comment("keep-alive").to_bytes(), ": keep-alive\n\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    text: String,
}

/// Removes what would end a field early: a line break in a one-line field.
fn one_line(value: &str) -> impl Iterator<Item = char> + '_ {
    value.chars().filter(|c| *c != '\n' && *c != '\r')
}

impl Event {
    /// An event with no field yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A comment line (`: text`): ignored by clients, useful as a keep-alive. Line breaks in
    /// `text` start new comment lines.
    pub fn comment(text: &str) -> Self {
        let mut event = Self::new();
        for line in split_lines(text) {
            event.text.push_str(": ");
            event.text.push_str(line);
            event.text.push('\n');
        }
        event
    }

    fn field(mut self, name: &str, value: impl Iterator<Item = char>) -> Self {
        self.text.push_str(name);
        self.text.push_str(": ");
        self.text.extend(value);
        self.text.push('\n');
        self
    }

    /// The event's id (`id:`), what the client sends back as `Last-Event-ID` when it
    /// reconnects. Line breaks and NUL (which makes clients ignore the field) are removed.
    #[must_use]
    pub fn id(self, id: &str) -> Self {
        self.field("id", one_line(id).filter(|c| *c != '\0'))
    }

    /// The event's type (`event:`); clients dispatch untyped events as `message`.
    #[must_use]
    pub fn event(self, name: &str) -> Self {
        self.field("event", one_line(name))
    }

    /// The data: one `data:` line per line of `data` (split on `\n`, `\r\n` and `\r`), so
    /// the client receives it back with `\n` between lines.
    #[must_use]
    pub fn data(mut self, data: &str) -> Self {
        for line in split_lines(data) {
            self = self.field("data", line.chars());
        }
        self
    }

    /// How long the client waits before reconnecting (`retry:`, whole milliseconds).
    #[must_use]
    pub fn retry(self, after: Duration) -> Self {
        let millis = after.as_millis().to_string();
        self.field("retry", millis.chars())
    }

    /// The event on the wire: its lines and the empty line that ends it.
    pub fn to_bytes(&self) -> Bytes {
        let mut text = String::with_capacity(self.text.len() + 1);
        text.push_str(&self.text);
        text.push('\n');
        Bytes::from(text)
    }
}

/// Lines split on `\r\n`, `\n` and `\r`, as an event stream's parser splits them.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\r', '\n']) {
            Some(at) => {
                let skip = if text[at..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&text[at + skip..]);
                Some(&text[..at])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_data_is_split_on_every_kind_of_line_break() {
        let event = Event::new().data("a\r\nb\rc\nd");
        assert_eq!(event.to_bytes(), "data: a\ndata: b\ndata: c\ndata: d\n\n");
        assert_eq!(Event::new().data("").to_bytes(), "data: \n\n");
        assert_eq!(
            Event::new().data("end\n").to_bytes(),
            "data: end\ndata: \n\n"
        );
    }

    #[test]
    fn one_line_fields_cannot_inject_lines() {
        let event = Event::new().id("1\ndata: evil\0").event("a\rb");
        assert_eq!(event.to_bytes(), "id: 1data: evil\nevent: ab\n\n");
    }

    #[test]
    fn retry_is_in_milliseconds() {
        assert_eq!(
            Event::new().retry(Duration::from_secs(3)).to_bytes(),
            "retry: 3000\n\n"
        );
    }
}
