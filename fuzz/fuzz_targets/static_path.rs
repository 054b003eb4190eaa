//! Static path decoding: whatever the bytes, an accepted path is relative, has no `.` or `..`
//! component, and holds no separator, NUL or drive letter of its own.
#![no_main]

use std::path::Component;

use libfuzzer_sys::fuzz_target;
use shallot_static::fuzzing::relative_path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(path) = relative_path(text) else { return };
    for component in path.components() {
        match component {
            Component::Normal(part) => {
                let part = part.to_str().expect("decoded paths are UTF-8");
                assert!(!part.contains(['\\', '\0', ':', '/']), "{text:?} → {path:?}");
                assert!(part != "." && part != "..", "{text:?} → {path:?}");
            }
            other => panic!("{text:?} gave the component {other:?}"),
        }
    }
});
