use crate::{ConnectionInfo, Request, Shutdown, State};

/// What the toolkit attaches to every request, in one extension slot: one insert per
/// request whatever the number of facts, and later changes (a trusted proxy's client
/// address, the application's state) are made in place, without allocating.
#[derive(Debug, Clone, Default)]
pub(crate) struct Context {
    pub(crate) connection: Option<ConnectionInfo>,
    pub(crate) state: Option<State>,
    /// Only on upgrade requests: the server's shutdown, for connections that outlive them.
    pub(crate) shutdown: Option<Shutdown>,
}

impl Context {
    pub(crate) fn of(req: &Request) -> Option<&Self> {
        req.extensions().get::<Self>()
    }

    /// The request's slot, made on first use (one lookup, not a lookup, an insert and
    /// another lookup).
    pub(crate) fn of_mut(req: &mut Request) -> &mut Self {
        req.extensions_mut().get_or_insert_default::<Self>()
    }
}
