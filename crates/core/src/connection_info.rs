use std::net::SocketAddr;

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
}

impl ConnectionInfo {
    /// Describes a connection from `remote_addr` to `local_addr`; `secure` is true under TLS.
    pub const fn new(remote_addr: SocketAddr, local_addr: SocketAddr, secure: bool) -> Self {
        Self {
            remote_addr,
            local_addr,
            secure,
        }
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

    /// The client's address, as seen by the socket (proxies are not trusted here).
    pub const fn remote_addr(&self) -> SocketAddr {
        self.remote_addr
    }

    /// The server's own address for this connection.
    pub const fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The scheme the connection speaks: `https` under TLS, else `http`.
    pub const fn scheme(&self) -> &'static str {
        if self.secure {
            "https"
        } else {
            "http"
        }
    }
}
