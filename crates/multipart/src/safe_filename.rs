/// The longest name kept, in bytes: the limit of common file systems (ext4, APFS, NTFS counts
/// UTF-16 units, which this never exceeds).
const MAX_LEN: usize = 255;

/// A client's file name made safe to use as one file name in a folder of yours, or `None` when
/// nothing usable is left (name the file yourself then).
///
/// The name is never a path: only what follows the last `/` or `\` is kept (browsers on
/// Windows once sent whole paths). Removed: controls, the characters Windows refuses
/// (`<>:"|?*`) and Unicode's bidirectional controls (with which `invoice\u{202E}fdp.exe`
/// shows as `invoiceexe.pdf`). Trimmed: dots and spaces at either end (no hidden file, no
/// `..`; Windows drops trailing ones itself, so `a.php.` would be `a.php` there). At most 255
/// bytes are kept. Windows device names (`CON`, `NUL`, `COM1`…) are refused. Two uploads may
/// still bear the same name, and an extension says nothing of the content.
///
/// # Examples
///
/// ```
/// use shallot_multipart::safe_filename;
///
/// assert_eq!(safe_filename("holiday photo.jpg").as_deref(), Some("holiday photo.jpg"));
/// assert_eq!(safe_filename("../../etc/passwd").as_deref(), Some("passwd"));
/// assert_eq!(safe_filename(r"C:\Users\ann\report.pdf").as_deref(), Some("report.pdf"));
/// assert_eq!(safe_filename(".htaccess").as_deref(), Some("htaccess"));
/// assert_eq!(safe_filename("..").as_deref(), None);
/// assert_eq!(safe_filename("nul.txt").as_deref(), None);
/// ```
pub fn safe_filename(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .chars()
        .filter(|&c| !c.is_control() && !is_reserved(c) && !is_bidi_control(c))
        .collect();
    let kept = kept.trim_start_matches(is_trimmed);
    let mut end = kept.len().min(MAX_LEN);
    while !kept.is_char_boundary(end) {
        end -= 1;
    }
    // The end is trimmed after the cut, which could otherwise leave a dot or a space there.
    let safe = kept[..end].trim_end_matches(is_trimmed);
    (!safe.is_empty() && !is_windows_device(safe)).then(|| safe.to_owned())
}

/// Dots and spaces, dropped at both ends of a name.
fn is_trimmed(c: char) -> bool {
    c == '.' || c.is_whitespace()
}

/// Characters Windows does not allow in a file name (besides the separators and controls).
fn is_reserved(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*')
}

/// Unicode's bidirectional controls: `invoice\u{202E}fdp.exe` shows as `invoiceexe.pdf`.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `name` opens a Windows device whatever its extension (`con`, `nul.txt`, `COM1.log`).
fn is_windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    let upper = stem.to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || (upper.len() == 4
        && (upper.starts_with("COM") || upper.starts_with("LPT"))
        && upper.as_bytes()[3].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::safe_filename;

    #[test]
    fn names_are_cut_to_their_last_component_and_cleaned() {
        for (name, safe) in [
            ("a.jpg", Some("a.jpg")),
            ("résumé 2026.pdf", Some("résumé 2026.pdf")),
            ("/etc/passwd", Some("passwd")),
            ("..\\..\\windows\\win.ini", Some("win.ini")),
            ("dir/", None),
            ("", None),
            (".", None),
            ("...", None),
            (" . ", None),
            ("..hidden", Some("hidden")),
            ("a.php.", Some("a.php")),
            ("a.php . .", Some("a.php")),
            ("  spaced.txt  ", Some("spaced.txt")),
            ("nul\u{0}byte.txt", Some("nulbyte.txt")),
            ("line\nbreak\r.txt", Some("linebreak.txt")),
            ("a<b>c:d\"e|f?g*h.txt", Some("abcdefgh.txt")),
            ("invoice\u{202E}fdp.exe", Some("invoicefdp.exe")),
            ("\u{2066}a\u{2069}\u{200F}.txt", Some("a.txt")),
            ("C:evil.txt", Some("Cevil.txt")),
            ("CON", None),
            ("con.txt", None),
            ("Com7.log", None),
            ("lpt9", None),
            ("COM10.txt", Some("COM10.txt")),
            ("console.txt", Some("console.txt")),
            ("conin$", None),
        ] {
            assert_eq!(safe_filename(name).as_deref(), safe, "{name:?}");
        }
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary() {
        let long = "é".repeat(200); // 400 bytes
        let safe = safe_filename(&long).unwrap();
        assert_eq!(safe.len(), 254);
        assert!(long.starts_with(&safe));
        let dots = format!("{}.{}", "a".repeat(254), "b".repeat(10));
        assert_eq!(safe_filename(&dots).unwrap(), "a".repeat(254));
    }
}
