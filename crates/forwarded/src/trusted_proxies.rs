use std::net::IpAddr;
use std::sync::Arc;

use shallot_core::http::header::HOST;
use shallot_core::{BoxFuture, ConnectionInfo, Middleware, Next, Request, Response};

use crate::forwarded_header::{
    parse_forwarded, parse_x_forwarded_for, parse_x_forwarded_host, parse_x_forwarded_proto, Hop,
};
use crate::{InvalidIpRange, IpRange};

/// The proxies whose forwarding headers are believed, as address ranges. Empty (the
/// default) trusts nobody.
///
/// # Examples
///
/// ```
/// use shallot_forwarded::TrustedProxies;
///
/// let proxies = TrustedProxies::parse(["10.0.0.0/8", "::1"]).unwrap();
/// assert!(proxies.trusts("10.9.8.7".parse().unwrap()));
/// assert!(!proxies.trusts("192.0.2.1".parse().unwrap()));
/// assert!(TrustedProxies::parse(["10.0.0.0/40"]).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    ranges: Vec<IpRange>,
}

impl TrustedProxies {
    /// Trusts the given ranges.
    pub fn new(ranges: impl IntoIterator<Item = IpRange>) -> Self {
        Self {
            ranges: ranges.into_iter().collect(),
        }
    }

    /// Parses ranges in CIDR notation (`10.0.0.0/8`) or single addresses.
    ///
    /// # Errors
    ///
    /// The first string that is not a range.
    pub fn parse<I>(ranges: I) -> Result<Self, InvalidIpRange>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let ranges = ranges
            .into_iter()
            .map(|range| range.as_ref().parse())
            .collect::<Result<_, _>>()?;
        Ok(Self { ranges })
    }

    /// Whether `ip` is a trusted proxy.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.ranges.iter().any(|range| range.contains(ip))
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The client as the forwarding headers describe it, when the request came from a
    /// trusted `peer`: the rightmost hop that is not itself a trusted proxy (or the leftmost,
    /// when every hop is), with its scheme and host. `None` when the peer is not trusted or
    /// no usable header says anything.
    pub fn client(&self, req: &Request, peer: IpAddr) -> Option<Hop> {
        if !self.trusts(peer) {
            return None;
        }
        let headers = req.headers();
        if headers.contains_key("forwarded") {
            // Present but malformed: ignored as a whole, the peer's values stand.
            return self.walk(parse_forwarded(headers)?);
        }
        let secure = parse_x_forwarded_proto(headers);
        let host = parse_x_forwarded_host(headers);
        let ip = parse_x_forwarded_for(headers).and_then(|ips| {
            let hops = ips.into_iter().map(|ip| Hop {
                ip,
                secure: None,
                host: None,
            });
            self.walk(hops.collect()).map(|hop| hop.ip)
        });
        if ip.is_none() && secure.is_none() && host.is_none() {
            return None;
        }
        Some(Hop {
            ip: ip.unwrap_or(peer),
            secure,
            host,
        })
    }

    fn walk(&self, mut hops: Vec<Hop>) -> Option<Hop> {
        let position = hops
            .iter()
            .rposition(|hop| !self.trusts(hop.ip))
            .unwrap_or(0);
        (position < hops.len()).then(|| hops.swap_remove(position))
    }
}

/// Believes the forwarding headers of trusted proxies; see the crate docs.
pub fn wrap_trusted_proxies(proxies: TrustedProxies) -> TrustedProxiesMiddleware {
    TrustedProxiesMiddleware {
        proxies: Arc::new(proxies),
    }
}

/// The middleware made by [`wrap_trusted_proxies`].
#[derive(Debug, Clone)]
pub struct TrustedProxiesMiddleware {
    proxies: Arc<TrustedProxies>,
}

impl TrustedProxiesMiddleware {
    /// The trusted proxies.
    pub fn proxies(&self) -> &TrustedProxies {
        &self.proxies
    }
}

/// The request with its [`ConnectionInfo`] (client address, scheme) and `Host` as a
/// trusted proxy reported them; unchanged when the peer is not trusted, the headers say
/// nothing usable, or the request has no connection info.
///
/// # Examples
///
/// ```
/// use shallot_core::{test, ConnectionInfo};
/// use shallot_forwarded::{forwarded_request, TrustedProxies};
///
/// let proxies = TrustedProxies::parse(["127.0.0.1"]).unwrap(); // the test client's address
/// let req = test::get("/")
///     .header("x-forwarded-for", "203.0.113.9")
///     .header("x-forwarded-proto", "https")
///     .into_request();
/// let req = forwarded_request(req, &proxies);
/// let info = ConnectionInfo::of(&req).unwrap();
/// assert_eq!(info.client_ip().to_string(), "203.0.113.9");
/// assert_eq!(info.scheme(), "https");
/// ```
pub fn forwarded_request(mut req: Request, proxies: &TrustedProxies) -> Request {
    let Some(info) = ConnectionInfo::of(&req).copied() else {
        return req;
    };
    let Some(hop) = proxies.client(&req, info.remote_addr().ip()) else {
        return req;
    };
    let secure = hop.secure.unwrap_or(info.is_secure());
    info.with_client(hop.ip.to_canonical(), secure)
        .set_on(&mut req);
    if let Some(host) = hop.host {
        req.headers_mut().insert(HOST, host);
    }
    req
}

impl Middleware for TrustedProxiesMiddleware {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        next.run(forwarded_request(req, &self.proxies))
    }

    fn passes_through(&self, req: &Request) -> bool {
        self.proxies.is_empty()
            || ConnectionInfo::of(req)
                .is_none_or(|info| !self.proxies.trusts(info.remote_addr().ip()))
    }
}
