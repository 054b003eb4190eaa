//! multipart/form-data bodies: every part is read or the body is refused with a 4xx, never
//! a panic or a 5xx; a part's data is bytes of the body, and there are no more parts than
//! boundary lines.
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
