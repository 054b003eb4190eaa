use http::header::HOST;
use http::uri::Authority;
use http::{HeaderMap, Version};

/// RFC 9112 §3.2: an HTTP/1.1 request carries exactly one `Host`, whose value is a valid
/// authority without userinfo, or empty when the target has no authority. HTTP/1.0 may omit
/// it; HTTP/2 carries `:authority` instead.
pub(crate) fn host_is_valid(version: Version, headers: &HeaderMap) -> bool {
    let mut hosts = headers.get_all(HOST).iter();
    let Some(host) = hosts.next() else {
        return version != Version::HTTP_11;
    };
    if hosts.next().is_some() {
        return false;
    }
    let bytes = host.as_bytes();
    if bytes.is_empty() {
        return true;
    }
    !bytes.contains(&b'@') && Authority::try_from(bytes).is_ok()
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
}
