//! RFC 7239 `Forwarded` and the `X-Forwarded-*` family, read strictly: any malformed entry
//! makes the whole header unusable.

use std::net::IpAddr;

use shallot_core::http::uri::Authority;
use shallot_core::http::{HeaderMap, HeaderValue};

/// One hop of a forwarding chain: the address a proxy received the request from, and what
/// that proxy says about the request's scheme and host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The address of the node this hop forwarded for.
    pub ip: IpAddr,
    /// `Some(true)` for `https`, `Some(false)` for `http`, `None` when not said.
    pub secure: Option<bool>,
    /// The `Host` the client asked for, when said.
    pub host: Option<HeaderValue>,
}

/// The hops of the `Forwarded` header lines, leftmost (closest to the client) first;
/// `None` when there is no such header or any element is malformed (a `for` that is not an
/// address, a duplicate or unknown-valued parameter, broken quoting).
///
/// # Examples
///
/// ```
/// use shallot_core::http::HeaderMap;
/// use shallot_forwarded::parse_forwarded;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("forwarded", r#"for=192.0.2.60;proto=https;host=app.example, for="[2001:db8::17]:4711""#.parse().unwrap());
/// let hops = parse_forwarded(&headers).unwrap();
/// assert_eq!(hops[0].ip.to_string(), "192.0.2.60");
/// assert_eq!(hops[0].secure, Some(true));
/// assert_eq!(hops[1].ip.to_string(), "2001:db8::17");
///
/// headers.insert("forwarded", "for=192.0.2.60;for=10.0.0.1".parse().unwrap());
/// assert!(parse_forwarded(&headers).is_none());
/// ```
pub fn parse_forwarded(headers: &HeaderMap) -> Option<Vec<Hop>> {
    let mut values = headers.get_all("forwarded").iter().peekable();
    values.peek()?;
    let mut hops = Vec::new();
    for value in values {
        let mut parser = Parser {
            bytes: value.as_bytes(),
            at: 0,
        };
        loop {
            hops.push(parser.element()?);
            parser.skip_whitespace();
            match parser.next_byte() {
                None => break,
                Some(b',') => parser.skip_whitespace(),
                Some(_) => return None,
            }
        }
    }
    Some(hops)
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next_byte(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    fn token(&mut self) -> Option<&[u8]> {
        let start = self.at;
        while self.peek().is_some_and(is_tchar) {
            self.at += 1;
        }
        (self.at > start).then(|| &self.bytes[start..self.at])
    }

    fn value(&mut self) -> Option<Vec<u8>> {
        if self.peek() != Some(b'"') {
            return self.token().map(<[u8]>::to_vec);
        }
        self.at += 1;
        let mut out = Vec::new();
        loop {
            match self.next_byte()? {
                b'"' => return Some(out),
                b'\\' => out.push(self.next_byte()?),
                b if b == b'\t' || (b' '..=b'~').contains(&b) => out.push(b),
                _ => return None,
            }
        }
    }

    /// `pair *( ";" pair )`, with `for` required and each parameter at most once.
    fn element(&mut self) -> Option<Hop> {
        let (mut ip, mut secure, mut host, mut seen_by) = (None, None, None, false);
        loop {
            self.skip_whitespace();
            let name = self.token()?.to_ascii_lowercase();
            if self.next_byte()? != b'=' {
                return None;
            }
            let value = self.value()?;
            match name.as_slice() {
                b"for" if ip.is_none() => ip = Some(node_ip(&value)?),
                b"proto" if secure.is_none() => secure = Some(scheme_is_secure(&value)?),
                b"host" if host.is_none() => host = Some(valid_host(&value)?),
                b"by" if !seen_by => seen_by = true,
                _ => return None,
            }
            self.skip_whitespace();
            if self.peek() != Some(b';') {
                break;
            }
            self.at += 1;
        }
        Some(Hop {
            ip: ip?,
            secure,
            host,
        })
    }
}

/// A node of `for`: `192.0.2.60`, `192.0.2.60:47011`, `[2001:db8::17]` or
/// `[2001:db8::17]:4711`; `unknown` and obfuscated names are not addresses.
fn node_ip(node: &[u8]) -> Option<IpAddr> {
    let node = std::str::from_utf8(node).ok()?;
    if let Some(rest) = node.strip_prefix('[') {
        let (v6, port) = rest.split_once(']')?;
        if !(port.is_empty() || port.strip_prefix(':').is_some_and(valid_port)) {
            return None;
        }
        return v6.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let (v4, port) = node.split_once(':').unwrap_or((node, ""));
    if !(port.is_empty() || valid_port(port)) || node.ends_with(':') {
        return None;
    }
    v4.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

fn valid_port(port: &str) -> bool {
    (1..=5).contains(&port.len())
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok()
}

fn scheme_is_secure(scheme: &[u8]) -> Option<bool> {
    if scheme.eq_ignore_ascii_case(b"https") {
        Some(true)
    } else if scheme.eq_ignore_ascii_case(b"http") {
        Some(false)
    } else {
        None
    }
}

fn valid_host(host: &[u8]) -> Option<HeaderValue> {
    if host.is_empty() || host.contains(&b'@') || Authority::try_from(host).is_err() {
        return None;
    }
    HeaderValue::from_bytes(host).ok()
}

/// The addresses of `X-Forwarded-For` (all lines, in order), leftmost first; `None` when
/// absent or when any entry is not an address (`1.2.3.4`, `2001:db8::1`, `[2001:db8::1]`,
/// with or without a port).
///
/// # Examples
///
/// ```
/// use shallot_core::http::HeaderMap;
/// use shallot_forwarded::parse_x_forwarded_for;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-forwarded-for", "203.0.113.7, 2001:db8::1, 10.0.0.2".parse().unwrap());
/// assert_eq!(parse_x_forwarded_for(&headers).unwrap().len(), 3);
/// headers.insert("x-forwarded-for", "203.0.113.7, nonsense".parse().unwrap());
/// assert!(parse_x_forwarded_for(&headers).is_none());
/// ```
pub fn parse_x_forwarded_for(headers: &HeaderMap) -> Option<Vec<IpAddr>> {
    let mut values = headers.get_all("x-forwarded-for").iter().peekable();
    values.peek()?;
    let mut ips = Vec::new();
    for value in values {
        for entry in value.to_str().ok()?.split(',') {
            let entry = entry.trim();
            let ip = match entry.parse::<IpAddr>() {
                Ok(ip) => ip,
                Err(_) => node_ip(entry.as_bytes())?,
            };
            ips.push(ip);
        }
    }
    Some(ips)
}

/// The rightmost value of `X-Forwarded-Proto`: `Some(true)` for `https`, `Some(false)` for
/// `http`, `None` when absent or when any entry is neither.
pub fn parse_x_forwarded_proto(headers: &HeaderMap) -> Option<bool> {
    let entries = entries(headers, "x-forwarded-proto")?;
    let schemes: Option<Vec<bool>> = entries
        .iter()
        .map(|e| scheme_is_secure(e.as_bytes()))
        .collect();
    schemes?.last().copied()
}

/// The rightmost value of `X-Forwarded-Host`, when present and every entry is a valid host.
pub fn parse_x_forwarded_host(headers: &HeaderMap) -> Option<HeaderValue> {
    let entries = entries(headers, "x-forwarded-host")?;
    let hosts: Option<Vec<HeaderValue>> =
        entries.iter().map(|e| valid_host(e.as_bytes())).collect();
    hosts?.pop()
}

/// Every comma-separated entry of every line of `name`; `None` when absent or not text.
fn entries<'h>(headers: &'h HeaderMap, name: &str) -> Option<Vec<&'h str>> {
    let mut entries = Vec::new();
    for value in headers.get_all(name) {
        entries.extend(value.to_str().ok()?.split(',').map(str::trim));
    }
    (!entries.is_empty()).then_some(entries)
}
