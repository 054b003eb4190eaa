//! Forwarding headers: never panic; whatever parses is made of addresses; what
//! `X-Forwarded-For` accepts survives a round trip through its own text; a trusted peer never
//! yields an address that the header did not contain.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shallot_core::http::{HeaderMap, HeaderValue};
use shallot_core::{test, ConnectionInfo};
use shallot_forwarded::{forwarded_request, parse_forwarded, parse_x_forwarded_for, TrustedProxies};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = HeaderValue::from_bytes(data) else { return };
    let mut headers = HeaderMap::new();
    headers.insert("forwarded", value.clone());
    headers.insert("x-forwarded-for", value.clone());
    let hops = parse_forwarded(&headers);
    if let Some(hops) = &hops {
        assert!(!hops.is_empty());
    }
    let ips = parse_x_forwarded_for(&headers);
    if let Some(ips) = &ips {
        let text = ips.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        let mut again = HeaderMap::new();
        again.insert("x-forwarded-for", HeaderValue::from_str(&text).expect("addresses are header text"));
        assert_eq!(parse_x_forwarded_for(&again).as_ref(), Some(ips));
    }

    let proxies = TrustedProxies::parse(["127.0.0.0/8", "10.0.0.0/8"]).expect("ranges");
    for name in ["forwarded", "x-forwarded-for"] {
        let req = test::get("/").header(name, value.to_str().unwrap_or("")).into_request();
        let req = forwarded_request(req, &proxies);
        let client = ConnectionInfo::of(&req).expect("kept").client_ip();
        let from_header: Vec<std::net::IpAddr> = if name == "forwarded" {
            hops.iter().flatten().map(|hop| hop.ip.to_canonical()).collect()
        } else {
            ips.iter().flatten().map(|ip| ip.to_canonical()).collect()
        };
        assert!(
            client.to_string() == "127.0.0.1" || from_header.contains(&client),
            "{client} came from nowhere"
        );
    }
});
