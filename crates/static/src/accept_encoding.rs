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

/// The encodings `Accept-Encoding` allows, best first (shallot-core's
/// [`accepted_encodings`](shallot_core::accepted_encodings) rule: q-values, `*`, `x-gzip`;
/// brotli before gzip when the client weighs them the same).
pub(crate) fn accepted(header: &str) -> Vec<Encoding> {
    shallot_core::accepted_encodings(header, &["br", "gzip"])
        .into_iter()
        .map(|token| {
            if token == "br" {
                Encoding::Brotli
            } else {
                Encoding::Gzip
            }
        })
        .collect()
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
