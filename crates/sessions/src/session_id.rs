use std::fmt;

use shallot_core::http::header::COOKIE;
use shallot_core::http::HeaderMap;

/// The length of a session id: 32 characters of URL-safe base 64, 192 random bits.
pub const SESSION_ID_LEN: usize = 32;

const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A session id: 192 bits from the operating system's CSPRNG, in URL-safe base 64. Ids are
/// only ever made by the server ([`SessionId::random`]); one read from a cookie is only
/// trusted after the store has found it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    /// A new random id.
    ///
    /// # Panics
    ///
    /// When the operating system cannot give random bytes (no entropy source at all), since
    /// a guessable session id would be worse than no answer.
    pub fn random() -> Self {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        let mut id = String::with_capacity(SESSION_ID_LEN);
        for triple in bytes.chunks(3) {
            let n = u32::from(triple[0]) << 16 | u32::from(triple[1]) << 8 | u32::from(triple[2]);
            for shift in [18, 12, 6, 0] {
                id.push(char::from(DIGITS[(n >> shift & 63) as usize]));
            }
        }
        Self(id)
    }

    /// An id read from a client, when it has the shape of one this server makes (32
    /// characters of URL-safe base 64); anything else is no id.
    ///
    /// # Examples
    ///
    /// ```
    /// use shallot_sessions::SessionId;
    ///
    /// let id = SessionId::random();
    /// assert_eq!(SessionId::parse(id.as_str()), Some(id));
    /// assert_eq!(SessionId::parse("short"), None);
    /// assert_eq!(SessionId::parse(&"!".repeat(32)), None);
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == SESSION_ID_LEN && text.bytes().all(|b| DIGITS.contains(&b)))
            .then(|| Self(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ids are secrets: logs show a prefix only.
        write!(f, "SessionId({}…)", &self.0[..6.min(self.0.len())])
    }
}

/// The session id presented in the request's `Cookie` headers under `name`: the first
/// cookie of that name whose value has the shape of an id (RFC 6265 §5.4 puts the most
/// specific path first). Malformed cookie pairs are skipped.
///
/// # Examples
///
/// ```
/// use shallot_core::http::HeaderMap;
/// use shallot_sessions::{presented_session_id, SessionId};
///
/// let id = SessionId::random();
/// let mut headers = HeaderMap::new();
/// headers.insert("cookie", format!("theme=dark; sid=forged; sid={}", id.as_str()).parse().unwrap());
/// assert_eq!(presented_session_id(&headers, "sid"), Some(id));
/// ```
pub fn presented_session_id(headers: &HeaderMap, name: &str) -> Option<SessionId> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, _)| key.trim() == name)
        .find_map(|(_, value)| SessionId::parse(value.trim().trim_matches('"')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_are_distinct_and_well_formed() {
        let ids: std::collections::HashSet<_> = (0..1000).map(|_| SessionId::random()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids
            .iter()
            .all(|id| SessionId::parse(id.as_str()).as_ref() == Some(id)));
    }

    #[test]
    fn the_debug_form_hides_the_id() {
        let id = SessionId::random();
        assert!(!format!("{id:?}").contains(id.as_str()));
    }
}
