use crate::{ConnectionInfo, Next, Request, Shutdown, State};

/// What the toolkit attaches to every request, in one extension slot: one insert per
/// request whatever the number of facts, and later changes (a trusted proxy's client
/// address, the application's state) are made in place, without allocating.
#[derive(Debug, Clone, Default)]
pub(crate) struct Context {
    pub(crate) connection: Option<ConnectionInfo>,
    pub(crate) state: Option<State>,
    /// Only on upgrade requests: the server's shutdown, for connections that outlive them.
    pub(crate) shutdown: Option<Shutdown>,
    /// The rest of the chain while the request travels through code that only passes requests
    /// on (a tower layer): [`Next::park`](crate::Next::park).
    pub(crate) parked: ParkedNext,
}

/// A parked [`Next`]. A copy of the request (a layer that clones it) gets none: only the request
/// it was parked in can run the rest of the chain.
#[derive(Default)]
pub(crate) struct ParkedNext(pub(crate) Option<Next>);

impl Clone for ParkedNext {
    fn clone(&self) -> Self {
        Self(None)
    }
}

impl std::fmt::Debug for ParkedNext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Some(Next)"
        } else {
            "None"
        })
    }
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
