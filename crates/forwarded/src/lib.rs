#![doc = include_str!("../README.md")]

mod forwarded_header;
mod ip_range;
mod trusted_proxies;

pub use forwarded_header::{
    parse_forwarded, parse_x_forwarded_for, parse_x_forwarded_host, parse_x_forwarded_proto, Hop,
};
pub use ip_range::{InvalidIpRange, IpRange};
pub use trusted_proxies::{
    forwarded_request, wrap_trusted_proxies, ForwardingHeaders, TrustedProxies,
    TrustedProxiesMiddleware,
};
