/// A precompressed sibling a client may take, best first: `file.br` (brotli), then
/// `file.gz` (gzip).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gz",
        }
    }

    pub(crate) fn token(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gzip",
        }
    }
}

/// The encodings `Accept-Encoding` allows, in this crate's order of preference (RFC 9110
/// §12.5.3: `q=0` refuses, `*` stands for any encoding not named).
pub(crate) fn accepted(header: &str) -> Vec<Encoding> {
    let mut named: Vec<(String, bool)> = Vec::new();
    for item in header.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let refused = parts.any(|param| {
            let param = param.trim().to_ascii_lowercase();
            param
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        named.push((name, !refused));
    }
    let allowed = |token: &str, alias: Option<&str>| {
        let found = named
            .iter()
            .find(|(name, _)| name == token || Some(name.as_str()) == alias);
        match found {
            Some((_, ok)) => *ok,
            None => named.iter().any(|(name, ok)| name == "*" && *ok),
        }
    };
    let mut encodings = Vec::new();
    if allowed("br", None) {
        encodings.push(Encoding::Brotli);
    }
    if allowed("gzip", Some("x-gzip")) {
        encodings.push(Encoding::Gzip);
    }
    encodings
}

#[cfg(test)]
mod tests {
    use super::*;
    use Encoding::{Brotli, Gzip};

    #[test]
    fn accept_encoding_is_read_with_q_values_and_wildcards() {
        for (header, expected) in [
            ("", vec![]),
            ("gzip", vec![Gzip]),
            ("br", vec![Brotli]),
            ("gzip, deflate, br", vec![Brotli, Gzip]),
            ("br;q=0, gzip", vec![Gzip]),
            ("br; q=0.0, gzip;q=0.5", vec![Gzip]),
            ("*", vec![Brotli, Gzip]),
            ("*;q=0", vec![]),
            ("*, br;q=0", vec![Gzip]),
            ("identity", vec![]),
            ("X-GZIP", vec![Gzip]),
            ("GZip;Q=0", vec![]),
        ] {
            assert_eq!(accepted(header), expected, "{header:?}");
        }
    }
}
