//! The access log's JSON line: whatever target and `x-request-id` a client sends, from whatever
//! address, and whatever status and byte count the answer has, the line is valid JSON and gives
//! back the target as sent, the id as `RequestIdExt` reads it, the address as `Display` writes
//! it and the status and byte count as numbers.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use libfuzzer_sys::fuzz_target;
use shallot_access_log::AccessRecord;
use shallot_core::http::{HeaderValue, Request, Uri};
use shallot_core::{ConnectionInfo, RequestBody};

fuzz_target!(|data: &[u8]| {
    // 2 bytes of status, 8 of byte count, 1 choosing the address family, 16 of address; then
    // the target's line and the id's raw bytes.
    let Some((head, rest)) = data.split_first_chunk::<27>() else {
        return;
    };
    let status = u16::from_le_bytes([head[0], head[1]]);
    let bytes = u64::from_le_bytes(head[2..10].try_into().unwrap());
    let address: [u8; 16] = head[11..27].try_into().unwrap();
    let ip = if head[10] & 1 == 0 {
        IpAddr::V4(Ipv4Addr::new(address[0], address[1], address[2], address[3]))
    } else {
        IpAddr::V6(Ipv6Addr::from(address))
    };
    let (target, id) = match rest.iter().position(|&b| b == b'\n') {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let Ok(uri) = Uri::try_from(target) else { return };
    let mut req = Request::new(RequestBody::empty());
    *req.uri_mut() = uri;
    let local = SocketAddr::from(([127, 0, 0, 1], 5000));
    ConnectionInfo::new(SocketAddr::new(ip, 40_000), local, false).set_on(&mut req);
    let id = HeaderValue::from_bytes(id).ok();
    if let Some(id) = &id {
        req.headers_mut().insert("x-request-id", id.clone());
    }
    let line = AccessRecord::of(&req).line(status, bytes);
    let value: serde_json::Value = serde_json::from_str(&line).expect("the line is JSON");
    let expected_path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    assert_eq!(value["path"], expected_path, "{line}");
    match id.as_ref().and_then(|id| id.to_str().ok()) {
        Some(text) => assert_eq!(value["request_id"], text, "{line}"),
        None => assert!(value["request_id"].is_null(), "{line}"),
    }
    assert_eq!(value["ip"], ip.to_string(), "{line}");
    assert_eq!(value["status"], status, "{line}");
    assert_eq!(value["bytes"], bytes, "{line}");
});
