//! Accept-Encoding negotiation: never panics; the preferred coding is the first accepted
//! one; only offered codings come out, each once; a coding the header refuses by name
//! (`q=0`) never comes out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shallot_core::{accepted_encodings, preferred_encoding};

const OFFERED: [&str; 3] = ["br", "zstd", "gzip"];

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else { return };
    let accepted = accepted_encodings(header, &OFFERED);
    assert_eq!(preferred_encoding(header, &OFFERED), accepted.first().copied());
    for (i, coding) in accepted.iter().enumerate() {
        assert!(OFFERED.contains(coding));
        assert!(!accepted[i + 1..].contains(coding), "{coding} twice");
    }
    // An entry naming the coding itself with q=0 and nothing after it naming it again.
    for coding in OFFERED {
        let entries: Vec<&str> = header.split(',').map(str::trim).collect();
        let named: Vec<&&str> = entries
            .iter()
            .filter(|e| e.split(';').next().is_some_and(|n| n.trim().eq_ignore_ascii_case(coding)))
            .collect();
        if let Some(first) = named.first() {
            let params: Vec<&str> = first.split(';').skip(1).map(str::trim).collect();
            if params == ["q=0"] {
                assert!(!accepted.contains(&coding), "{coding} refused by {header:?}");
            }
        }
    }
    // Adding "identity" changes nothing: it is never offered.
    let with_identity = format!("{header},identity");
    assert_eq!(accepted_encodings(&with_identity, &OFFERED), accepted);
});
