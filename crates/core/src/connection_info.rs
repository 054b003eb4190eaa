use std::net::{IpAddr, SocketAddr};

use crate::context::Context;
use crate::Request;

/// Facts about the connection a request arrived on, added by the server to every request.
///
/// # Examples
///
/// ```
/// use shallot_core::{ConnectionInfo, Request};
///
/// let mut req = Request::default();
/// let remote = "127.0.0.1:40000".parse().unwrap();
/// let local = "127.0.0.1:5000".parse().unwrap();
/// ConnectionInfo::new(remote, local, false).set_on(&mut req);
/// assert_eq!(ConnectionInfo::of(&req).unwrap().remote_addr(), remote);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionInfo {
    remote_addr: SocketAddr,
    local_addr: SocketAddr,
    secure: bool,
    client_ip: IpAddr,
    client_secure: bool,
}

impl ConnectionInfo {
    /// Describes a connection from `remote_addr` to `local_addr`; `secure` is true under TLS.
    pub const fn new(remote_addr: SocketAddr, local_addr: SocketAddr, secure: bool) -> Self {
        Self {
            remote_addr,
            local_addr,
            secure,
            client_ip: remote_addr.ip(),
            client_secure: secure,
        }
    }

    /// The same connection, with the client's address and scheme as a trusted proxy
    /// reported them (the socket's own facts are kept in [`ConnectionInfo::remote_addr`]
    /// and [`ConnectionInfo::connection_scheme`]).
    #[must_use]
    pub const fn with_client(mut self, client_ip: IpAddr, secure: bool) -> Self {
        self.client_ip = client_ip;
        self.client_secure = secure;
        self
    }

    /// The connection info of a request, when a server (or the test client) added it.
    pub fn of(req: &Request) -> Option<&Self> {
        Context::of(req)?.connection.as_ref()
    }

    /// Attaches this info to a request, replacing any earlier one: what a server does for
    /// each request, and what a trusted-proxy middleware does once it has read the
    /// forwarding headers. Replacing allocates nothing.
    pub fn set_on(self, req: &mut Request) {
        Context::of_mut(req).connection = Some(self);
    }

    /// The socket peer's address: the client, or the proxy in front of it.
    pub const fn remote_addr(&self) -> SocketAddr {
        self.remote_addr
    }

    /// The client's address as the server understands it: the socket peer's, unless a
    /// trusted proxy reported another ([`ConnectionInfo::with_client`]). What access logs,
    /// rate limits and `/whoami` should use.
    pub const fn client_ip(&self) -> IpAddr {
        self.client_ip
    }

    /// The server's own address for this connection.
    pub const fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The scheme the client used, as the server understands it: the connection's own
    /// (`https` under TLS, else `http`), unless a trusted proxy reported another.
    pub const fn scheme(&self) -> &'static str {
        if self.client_secure {
            "https"
        } else {
            "http"
        }
    }

    /// Whether the client used HTTPS, as [`ConnectionInfo::scheme`] says (what decides a
    /// cookie's `Secure`).
    pub const fn is_secure(&self) -> bool {
        self.client_secure
    }

    /// The scheme of this connection itself, whatever a proxy said.
    pub const fn connection_scheme(&self) -> &'static str {
        if self.secure {
            "https"
        } else {
            "http"
        }
    }
}
