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
    headers: ForwardingHeaders,
}

/// Which forwarding headers the trusted proxies write, and so which are read. A header of a
/// family the proxy does not write reaches the server as the client sent it: read, it would
/// let the client choose its address.
///
/// # Examples
///
/// ```
/// use shallot_core::{test, ConnectionInfo};
/// use shallot_forwarded::{forwarded_request, ForwardingHeaders, TrustedProxies};
///
/// // A proxy that appends to X-Forwarded-For and leaves `Forwarded` alone (nginx's usual
/// // configuration, most cloud load balancers).
/// let proxies = TrustedProxies::parse(["127.0.0.1"])
///     .unwrap()
///     .with_headers(ForwardingHeaders::XForwarded);
/// let req = test::get("/")
///     .header("forwarded", "for=6.6.6.6") // the client's own
///     .header("x-forwarded-for", "6.6.6.6, 203.0.113.9")
///     .into_request();
/// let req = forwarded_request(req, &proxies);
/// assert_eq!(ConnectionInfo::of(&req).unwrap().client_ip().to_string(), "203.0.113.9");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ForwardingHeaders {
    /// `Forwarded` (RFC 7239) when present, else `X-Forwarded-For`, `-Proto` and `-Host` (the
    /// default). The proxies must write, or remove, both families.
    #[default]
    Both,
    /// Only `Forwarded`; `X-Forwarded-*` are ignored.
    Forwarded,
    /// Only `X-Forwarded-For`, `-Proto` and `-Host`; `Forwarded` is ignored.
    XForwarded,
}

impl TrustedProxies {
    /// Trusts the given ranges.
    pub fn new(ranges: impl IntoIterator<Item = IpRange>) -> Self {
        Self {
            ranges: ranges.into_iter().collect(),
            headers: ForwardingHeaders::default(),
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
        let ranges: Vec<IpRange> = ranges
            .into_iter()
            .map(|range| range.as_ref().parse())
            .collect::<Result<_, _>>()?;
        Ok(Self::new(ranges))
    }

    /// Reads only the forwarding headers the proxies write ([`ForwardingHeaders`]); by default
    /// `Forwarded` when present, else `X-Forwarded-*`.
    #[must_use]
    pub fn with_headers(mut self, headers: ForwardingHeaders) -> Self {
        self.headers = headers;
        self
    }

    /// The forwarding headers read.
    pub fn headers(&self) -> ForwardingHeaders {
        self.headers
    }

    /// Whether `ip` is a trusted proxy.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.ranges.iter().any(|range| range.contains(ip))
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The client as the forwarding headers read ([`TrustedProxies::with_headers`]) describe
    /// it, when the request came from a trusted `peer`: the rightmost hop that is not itself
    /// a trusted proxy (or the leftmost, when every hop is), with its scheme and host. `None`
    /// when the peer is not trusted or no usable header says anything.
    pub fn client(&self, req: &Request, peer: IpAddr) -> Option<Hop> {
        if !self.trusts(peer) {
            return None;
        }
        let headers = req.headers();
        let read_forwarded = match self.headers {
            ForwardingHeaders::Both => headers.contains_key("forwarded"),
            ForwardingHeaders::Forwarded => true,
            ForwardingHeaders::XForwarded => false,
        };
        if read_forwarded {
            // Missing, or present but malformed: ignored as a whole, the peer's values stand.
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
