use percent_encoding::percent_decode;

/// Whether `input` is well-formed `application/x-www-form-urlencoded` for strict parsing:
/// every `%` starts a two-hex-digit escape, and every name and value decodes to UTF-8.
pub(crate) fn is_well_formed(input: &[u8]) -> bool {
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' {
            let escape = input.get(i + 1..i + 3);
            if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    input.split(|b| *b == b'&').all(|pair| {
        pair.split(|b| *b == b'=')
            .all(|part| percent_decode(part).decode_utf8().is_ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_parsing_refuses_bad_escapes_and_invalid_utf8() {
        for (input, ok) in [
            ("", true),
            ("a=1&b=%20x", true),
            ("e=%C3%A9", true),
            ("a+b=c", true),
            ("a=%", false),
            ("a=%2", false),
            ("a=%zz", false),
            ("a=%FF", false),
            ("%C3=1", false),
            ("a=%C3%A9%", false),
        ] {
            assert_eq!(is_well_formed(input.as_bytes()), ok, "{input:?}");
        }
    }
}
