//! multipart/form-data bodies: every part is read or the body is refused with a 4xx, never
//! a panic or a 5xx; a part's data is bytes of the body, and there are no more parts than
//! boundary lines. A file name made safe is one plain file name, whatever the client sent.
#![no_main]

mod common;

use common::poll_once;
use libfuzzer_sys::fuzz_target;
use shallot_core::{test, HttpError};
use shallot_multipart::{MultipartError, MultipartExt};

fuzz_target!(|data: &[u8]| {
    let mut req = test::post("/", data.to_vec())
        .header("content-type", "multipart/form-data; boundary=X")
        .into_request();
    let mut parts = req.multipart().expect("the content type names a boundary");
    let result: Result<usize, MultipartError> = poll_once(async {
        let mut count = 0;
        while let Some(mut part) = parts.next_part().await? {
            count += 1;
            if let Some(name) = part.safe_filename() {
                assert_safe(&name);
            }
            let bytes = part.bytes().await?;
            assert!(
                bytes.is_empty() || data.windows(bytes.len()).any(|w| w == &bytes[..]),
                "a part's data comes from the body"
            );
        }
        Ok(count)
    });
    let delimiters = data.windows(3).filter(|w| *w == b"--X").count();
    match result {
        Ok(count) => assert!(count <= delimiters, "{count} parts from {delimiters} boundaries"),
        Err(error) => {
            let status = HttpError::from(error).status();
            assert!(status.is_client_error(), "a refused body is a 4xx, got {status}");
        }
    }
});

/// One name a folder can hold and no more: a single normal path component on Unix and on
/// Windows, visible, at most 255 bytes, not a Windows device.
fn assert_safe(name: &str) {
    use std::path::{Component, Path};
    assert!(!name.is_empty() && name.len() <= 255, "{name:?}");
    assert!(
        !name.contains(['/', '\\', ':', '<', '>', '"', '|', '?', '*']),
        "{name:?}"
    );
    assert!(!name.chars().any(char::is_control), "{name:?}");
    let bidi = |c| matches!(c, '\u{061C}' | '\u{200E}'..='\u{200F}' | '\u{202A}'..='\u{202E}');
    let isolate = |c| matches!(c, '\u{2066}'..='\u{2069}');
    assert!(!name.chars().any(|c| bidi(c) || isolate(c)), "{name:?}");
    assert!(!name.starts_with('.') && !name.ends_with('.'), "{name:?}");
    assert!(name.trim() == name, "{name:?}");
    let components: Vec<_> = Path::new(name).components().collect();
    assert!(
        matches!(components[..], [Component::Normal(one)] if one == name),
        "{name:?}"
    );
    let stem = name.split('.').next().unwrap().trim_end().to_ascii_uppercase();
    assert!(!["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str()), "{name:?}");
}
