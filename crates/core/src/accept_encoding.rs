/// The content codings a client accepts, read from `Accept-Encoding` (RFC 9110 §12.5.3): the
/// one rule shared by compression and precompressed static files.
///
/// `offered` lists the codings the server can produce, in its order of preference; the
/// result keeps those the header allows (a positive `q`, named or through `*`), the highest
/// `q` first and, among equal `q`s, in the server's order. Names are compared without case;
/// `x-gzip` counts as `gzip`; an entry with a malformed `q` is ignored; `identity` is never
/// offered here (it is what "none of these" means). No allocation but the result.
///
/// # Examples
///
/// ```
/// use shallot_core::accepted_encodings;
///
/// let offered = ["br", "zstd", "gzip"];
/// assert_eq!(accepted_encodings("gzip, br", &offered), ["br", "gzip"]);
/// assert_eq!(accepted_encodings("gzip;q=1, br;q=0.5", &offered), ["gzip", "br"]);
/// assert_eq!(accepted_encodings("*, zstd;q=0", &offered), ["br", "gzip"]);
/// assert!(accepted_encodings("identity", &offered).is_empty());
/// ```
pub fn accepted_encodings<'a>(accept_encoding: &str, offered: &[&'a str]) -> Vec<&'a str> {
    let mut ranked: Vec<(u16, usize, &'a str)> = offered
        .iter()
        .enumerate()
        .filter_map(|(order, coding)| {
            let q = coding_weight(accept_encoding, coding)?;
            (q > 0).then_some((q, order, *coding))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().map(|(_, _, coding)| coding).collect()
}

/// The best of `offered` that `Accept-Encoding` allows ([`accepted_encodings`]'s first),
/// without allocating.
///
/// # Examples
///
/// ```
/// use shallot_core::preferred_encoding;
///
/// assert_eq!(preferred_encoding("gzip, deflate, br, zstd", &["br", "zstd", "gzip"]), Some("br"));
/// assert_eq!(preferred_encoding("br;q=0, gzip;q=0.1", &["br", "zstd", "gzip"]), Some("gzip"));
/// assert_eq!(preferred_encoding("", &["br", "zstd", "gzip"]), None);
/// ```
pub fn preferred_encoding<'a>(accept_encoding: &str, offered: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(u16, &'a str)> = None;
    for coding in offered {
        if let Some(q) = coding_weight(accept_encoding, coding) {
            if q > 0 && best.is_none_or(|(best_q, _)| q > best_q) {
                best = Some((q, coding));
            }
        }
    }
    best.map(|(_, coding)| coding)
}

/// The weight (0 to 1000) the header gives `coding`: its own entry's (the first one naming it
/// exactly), else its alias's (`x-gzip` for `gzip`), else `*`'s, else `None` (not accepted).
fn coding_weight(header: &str, coding: &str) -> Option<u16> {
    let (mut alias, mut star) = (None, None);
    for entry in header.split(',') {
        let mut parts = entry.split(';');
        let name = parts.next().unwrap_or("").trim();
        if name.is_empty() {
            continue;
        }
        let exact = name.eq_ignore_ascii_case(coding);
        let is_alias = coding.eq_ignore_ascii_case("gzip") && name.eq_ignore_ascii_case("x-gzip");
        let is_star = name == "*";
        if !exact && !is_alias && !is_star {
            continue;
        }
        let Some(q) = weight(parts) else { continue };
        if exact {
            return Some(q);
        }
        if is_alias {
            alias = alias.or(Some(q));
        } else {
            star = star.or(Some(q));
        }
    }
    alias.or(star)
}

/// The `q` of an entry's parameters, in thousandths; 1000 when absent; `None` when
/// malformed (RFC 9110 §12.4.2: `0[.ddd]` or `1[.000]`).
fn weight<'p>(params: impl Iterator<Item = &'p str>) -> Option<u16> {
    let mut q = 1000;
    for param in params {
        let param = param.trim();
        let (key, value) = param.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("q") {
            continue;
        }
        q = parse_qvalue(value.trim())?;
    }
    Some(q)
}

fn parse_qvalue(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = 0;
    for (i, digit) in fraction.bytes().enumerate() {
        thousandths += u16::from(digit - b'0') * [100, 10, 1][i];
    }
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFERED: [&str; 3] = ["br", "zstd", "gzip"];

    #[test]
    fn q_values_and_wildcards() {
        for (header, expected) in [
            ("", vec![]),
            ("gzip", vec!["gzip"]),
            ("gzip, deflate, br", vec!["br", "gzip"]),
            ("br;q=0, gzip", vec!["gzip"]),
            ("br; q=0.0, gzip;q=0.5", vec!["gzip"]),
            ("*", vec!["br", "zstd", "gzip"]),
            ("*;q=0", vec![]),
            ("*, br;q=0", vec!["zstd", "gzip"]),
            ("identity", vec![]),
            ("X-GZIP", vec!["gzip"]),
            ("GZip;Q=0", vec![]),
            (
                "gzip;q=0.9, zstd;q=0.9, br;q=0.8",
                vec!["zstd", "gzip", "br"],
            ),
            ("gzip;q=1.0, br;q=0.999", vec!["gzip", "br"]),
            ("br;q=1.5, gzip", vec!["gzip"]),
            ("br;q=0.1234, gzip;q=x", vec![]),
            ("br;level=3", vec!["br"]),
            ("br;foo=bar;q=0.5, gzip;q=0.4", vec!["br", "gzip"]),
            (" , ,gzip ,", vec!["gzip"]),
            ("x-gzip, gzip;q=0", vec![]),
            ("x-gzip;q=0, gzip", vec!["gzip"]),
            ("*;q=0, *", vec![]),
        ] {
            assert_eq!(accepted_encodings(header, &OFFERED), expected, "{header:?}");
            assert_eq!(
                preferred_encoding(header, &OFFERED),
                expected.first().copied(),
                "{header:?}"
            );
        }
    }
}
