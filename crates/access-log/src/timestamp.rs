use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a thread's wall-clock anchor serves before the wall clock is read again.
const ANCHOR_LIFETIME: Duration = Duration::from_secs(1);

/// The wall-clock time at `now`, from an anchor (a monotonic reading and the wall clock's at
/// the same moment) that each thread reads again once a second: one clock read per request
/// rather than two (on the project's machine a read of either clock costs ≈ 25 ns, the anchored
/// time ≈ 7 ns). A step of the wall clock shows within a second; between anchors the time
/// follows the monotonic clock, which NTP slews by at most 0.05 %.
pub(crate) fn wall_clock_at(now: Instant) -> SystemTime {
    thread_local! {
        static ANCHOR: Cell<Option<(Instant, SystemTime)>> = const { Cell::new(None) };
    }
    let anchored = ANCHOR.try_with(|anchor| {
        if let Some((at, wall)) = anchor.get() {
            if let Some(since) = now.checked_duration_since(at) {
                if since < ANCHOR_LIFETIME {
                    return wall + since;
                }
            }
        }
        let wall = SystemTime::now();
        anchor.set(Some((now, wall)));
        wall
    });
    // The thread is exiting (its anchor is gone): the wall clock read afresh.
    anchored.unwrap_or_else(|_| SystemTime::now())
}

/// Writes `at` as an RFC 3339 UTC timestamp with milliseconds: `2026-12-02T14:40:18.123Z`.
pub(crate) fn write_rfc3339(out: &mut Vec<u8>, at: SystemTime) {
    thread_local! {
        /// The last second written on this thread, as `2026-12-02T14:40:18.`: most lines
        /// share their second with the one before.
        static SECOND: RefCell<(u64, Vec<u8>)> = const { RefCell::new((u64::MAX, Vec::new())) };
    }
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let cached = SECOND.try_with(|cell| {
        let mut cell = cell.try_borrow_mut().ok()?;
        let (second, text) = &mut *cell;
        if *second != secs {
            text.clear();
            write_second(text, secs);
            *second = secs;
        }
        out.extend_from_slice(text);
        Some(())
    });
    if !matches!(cached, Ok(Some(()))) {
        // The thread is exiting (its cache is gone): written afresh.
        write_second(out, secs);
    }
    push_three_digits(out, since.subsec_millis());
    out.push(b'Z');
}

/// `secs` since the epoch as `YYYY-MM-DDTHH:MM:SS.`, UTC.
fn write_second(out: &mut Vec<u8>, secs: u64) {
    let (year, month, day) = civil_from_days(secs / 86_400);
    let of_day = secs % 86_400;
    let parts = [
        (year, 4, b'-'),
        (month, 2, b'-'),
        (day, 2, b'T'),
        (of_day / 3600, 2, b':'),
        (of_day / 60 % 60, 2, b':'),
        (of_day % 60, 2, b'.'),
    ];
    for (value, width, after) in parts {
        push_padded(out, value, width);
        out.push(after);
    }
}

/// Writes `value` (below 1,000: milliseconds, a status code) as exactly three decimal digits,
/// zero-padded; a larger value as all its digits. Without `itoa`'s buffer and copy: two of these
/// are on every access line, three with the status.
#[inline]
pub(crate) fn push_three_digits(out: &mut Vec<u8>, value: u32) {
    if value >= 1000 {
        push_padded(out, u64::from(value), 3);
        return;
    }
    // `value < 1000`, so each quotient is a single digit.
    let digit = |d: u32| b'0' + d as u8;
    out.extend_from_slice(&[
        digit(value / 100),
        digit(value / 10 % 10),
        digit(value % 10),
    ]);
}

/// Writes `value` in decimal, zero-padded to `width` digits (more digits if it needs them).
pub(crate) fn push_padded(out: &mut Vec<u8>, value: u64, width: usize) {
    let mut numbers = itoa::Buffer::new();
    let digits = numbers.format(value);
    for _ in digits.len()..width {
        out.push(b'0');
    }
    out.extend_from_slice(digits.as_bytes());
}

fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(secs: u64, millis: u64) -> String {
        let mut out = Vec::new();
        write_rfc3339(
            &mut out,
            UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis),
        );
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_same_second_twice_and_then_another_read_right() {
        assert_eq!(at(1_545_335_438, 505), "2018-12-20T19:50:38.505Z");
        assert_eq!(at(1_545_335_438, 7), "2018-12-20T19:50:38.007Z");
        assert_eq!(at(1_545_335_439, 0), "2018-12-20T19:50:39.000Z");
    }

    #[test]
    fn the_anchored_wall_clock_follows_the_monotonic_one_and_is_read_again_after_a_second() {
        let start = Instant::now();
        let before = SystemTime::now();
        let anchored = wall_clock_at(start);
        let after = SystemTime::now();
        // The first reading of a thread is the wall clock itself.
        assert!(before <= anchored && anchored <= after);
        // Within the anchor's second, a later instant moves the time by exactly as much.
        let later = start + Duration::from_millis(250);
        assert_eq!(
            wall_clock_at(later).duration_since(anchored).unwrap(),
            Duration::from_millis(250)
        );
        // An instant a second past the anchor, or before it, reads the wall clock again: the
        // answer is then the wall clock's (now), not the anchor's arithmetic (an hour on, or
        // earlier than the first reading).
        let past = start + ANCHOR_LIFETIME + Duration::from_secs(3600);
        let reread = wall_clock_at(past);
        assert!(reread < anchored + Duration::from_secs(60), "{reread:?}");
        assert!(reread >= before);
        if let Some(earlier) = past.checked_sub(Duration::from_secs(1800)) {
            // `past` is now the anchor; half an hour before it is before the anchor.
            let reread = wall_clock_at(earlier);
            assert!(reread >= before, "{reread:?}");
        }
    }

    #[test]
    fn three_digits_are_padded_and_larger_values_kept_whole() {
        for (value, text) in [
            (0, "000"),
            (7, "007"),
            (42, "042"),
            (100, "100"),
            (999, "999"),
            (1000, "1000"),
            (65_535, "65535"),
        ] {
            let mut out = b"x".to_vec();
            push_three_digits(&mut out, value);
            assert_eq!(out, format!("x{text}").as_bytes(), "{value}");
        }
        for value in 0..1000 {
            let mut out = Vec::new();
            push_three_digits(&mut out, value);
            assert_eq!(out, format!("{value:03}").as_bytes());
        }
    }

    #[test]
    fn known_instants() {
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(at(1_545_335_438, 505), "2018-12-20T19:50:38.505Z");
        assert_eq!(at(4_102_444_799, 999), "2099-12-31T23:59:59.999Z");
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        let mut previous = civil_from_days(0);
        for days in 1..200_000 {
            let (y, m, d) = civil_from_days(days);
            let next_day = (y, m, d) == (previous.0, previous.1, previous.2 + 1);
            let next_month = d == 1 && ((y, m) == (previous.0, previous.1 + 1));
            let next_year = (m, d) == (1, 1) && y == previous.0 + 1;
            assert!(
                next_day || next_month || next_year,
                "{previous:?} → {y}-{m}-{d}"
            );
            previous = (y, m, d);
        }
    }
}
