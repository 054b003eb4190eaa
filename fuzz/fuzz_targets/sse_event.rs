//! Server-sent events: whatever the data, an event parses back (by the HTML standard's
//! event-stream rules) to exactly one event whose data is the input with its line breaks
//! normalised to `\n`, and whose id and type cannot be smuggled by the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shallot_sse::Event;

/// The fields of the first event in `stream`, by the standard's line rules.
fn parse(stream: &str) -> (Vec<(String, String)>, usize) {
    let mut fields = Vec::new();
    let mut events = 0;
    let normalised = stream.replace("\r\n", "\n").replace('\r', "\n");
    for line in normalised.split('\n') {
        if line.is_empty() {
            events += 1;
            continue;
        }
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        fields.push((name.to_owned(), value.strip_prefix(' ').unwrap_or(value).to_owned()));
    }
    (fields, events)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let event = Event::new().id(text).event(text).data(text);
    let bytes = event.to_bytes();
    let wire = std::str::from_utf8(&bytes).expect("UTF-8");
    let (fields, _) = parse(wire);
    let ids: Vec<_> = fields.iter().filter(|(n, _)| n == "id").collect();
    let types: Vec<_> = fields.iter().filter(|(n, _)| n == "event").collect();
    assert_eq!(ids.len(), 1, "{wire:?}");
    assert_eq!(types.len(), 1, "{wire:?}");
    let data: Vec<&str> = fields.iter().filter(|(n, _)| n == "data").map(|(_, v)| v.as_str()).collect();
    let expected = text.replace("\r\n", "\n").replace('\r', "\n");
    assert_eq!(data.join("\n"), expected);
    assert!(fields.iter().all(|(n, _)| ["id", "event", "data"].contains(&n.as_str())), "{wire:?}");
    assert!(wire.ends_with("\n\n"));
    assert_eq!(wire.matches("\n\n").count(), 1, "one event: {wire:?}");
});
