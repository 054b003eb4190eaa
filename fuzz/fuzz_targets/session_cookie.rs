//! Session ids in Cookie headers: never panic; a found id always has the server's shape and
//! appears verbatim in the header as the value of a `sid` pair; an id the server makes is
//! always found again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shallot_core::http::{HeaderMap, HeaderValue};
use shallot_sessions::{presented_session_id, SessionId, SESSION_ID_LEN};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = HeaderValue::from_bytes(data) else { return };
    let mut headers = HeaderMap::new();
    headers.insert("cookie", value.clone());
    if let Some(id) = presented_session_id(&headers, "sid") {
        assert_eq!(id.as_str().len(), SESSION_ID_LEN);
        assert_eq!(SessionId::parse(id.as_str()).as_ref(), Some(&id));
        let text = value.to_str().expect("an id was found in text");
        assert!(text.contains(id.as_str()));
        assert!(text.contains("sid"));
    }
    let made = SessionId::random();
    let Ok(text) = value.to_str() else { return };
    let appended = format!("{text}; sid={}", made.as_str());
    let Ok(appended) = HeaderValue::from_str(&appended) else { return };
    headers.insert("cookie", appended);
    assert!(presented_session_id(&headers, "sid").is_some());
});
