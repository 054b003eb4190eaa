use http::uri::Authority;
use http::Version;
#[cfg(test)]
use http::{header::HOST, HeaderMap};

/// RFC 9112 §3.2: an HTTP/1.1 request carries exactly one `Host`, whose value is a valid
/// authority without userinfo, or empty when the target has no authority. HTTP/1.0 may omit
/// it; HTTP/2 carries `:authority` instead.
#[cfg(test)]
pub(crate) fn host_is_valid(version: Version, headers: &HeaderMap) -> bool {
    let mut hosts = headers.get_all(HOST).iter();
    let first = hosts.next();
    let count = usize::from(first.is_some()) + hosts.count();
    host_value_is_valid(version, first, count)
}

/// [`host_is_valid`] from the first `Host` value and the number of them (the adapter counts
/// them in its one pass over the head).
pub(crate) fn host_value_is_valid(
    version: Version,
    host: Option<&http::HeaderValue>,
    count: usize,
) -> bool {
    let Some(host) = host else {
        return version != Version::HTTP_11;
    };
    if count > 1 {
        return false;
    }
    let bytes = host.as_bytes();
    if bytes.is_empty() || plain_host(bytes) {
        return true;
    }
    !bytes.contains(&b'@') && Authority::try_from(bytes).is_ok()
}

/// The common case, checked without parsing: a name or IPv4 address of letters, digits, dots
/// and hyphens, and an optional port of 1 to 5 digits. Anything else goes to `Authority`.
/// One pass over the bytes with a table: it runs for every request.
fn plain_host(bytes: &[u8]) -> bool {
    const NAME: [bool; 256] = {
        let mut table = [false; 256];
        let mut byte = 0;
        while byte < 256 {
            let b = byte as u8;
            table[byte] = b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
            byte += 1;
        }
        table
    };
    let name = bytes.iter().take_while(|b| NAME[usize::from(**b)]).count();
    match bytes.get(name) {
        _ if name == 0 => false,
        None => true,
        Some(b':') => {
            let port = &bytes[name + 1..];
            (1..=5).contains(&port.len()) && port.iter().all(u8::is_ascii_digit)
        }
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(hosts: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for host in hosts {
            map.append(HOST, host.parse().unwrap());
        }
        map
    }

    #[test]
    fn host_rules_follow_rfc_9112() {
        let v11 = Version::HTTP_11;
        let v10 = Version::HTTP_10;
        for (version, hosts, valid) in [
            (v11, &["example.test"][..], true),
            (v11, &["127.0.0.1:5000"], true),
            (v11, &["[::1]:80"], true),
            (v11, &[""], true),
            (v11, &[], false),
            (v11, &["a.test", "b.test"], false),
            (v11, &["user@evil.test"], false),
            (v11, &["bad host"], false),
            (v11, &["a.test/path"], false),
            (v11, &["a.test:"], true), // RFC 3986: the port may be empty
            (v11, &["a.test:123456"], true), // RFC 3986: port = *DIGIT
            (v11, &["a_b.test"], true),
            (v10, &[], true),
            (Version::HTTP_2, &[], true),
        ] {
            assert_eq!(
                host_is_valid(version, &headers(hosts)),
                valid,
                "{version:?} {hosts:?}"
            );
        }
    }

    #[test]
    fn the_fast_path_accepts_only_what_authority_accepts() {
        for host in [
            "a",
            "a.test",
            "127.0.0.1",
            "a-b.c:8080",
            "x:1",
            "x:65535",
            "a:",
            ":80",
            "a:123456",
            "a_b",
            "a b",
            "[::1]",
            "a:8a",
            "é.test",
            "a.test.",
            "-",
        ] {
            if plain_host(host.as_bytes()) {
                assert!(Authority::try_from(host).is_ok(), "{host}");
            }
        }
        assert!(plain_host(b"127.0.0.1:5000") && plain_host(b"example.test"));
        assert!(!plain_host(b"a:") && !plain_host(b"a:123456") && !plain_host(b":80"));
    }
}
