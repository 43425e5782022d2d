//! Policy durations as people write them: `30s`, `15m`, `2h`, `3d`, `1w`, `1h30m`.

/// Parses a duration into seconds. Units: s, m, h, d, w; at least one part; no sign.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        let n: i64 = digits.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        digits.clear();
    }
    digits.is_empty().then_some(total)
}

/// Writes seconds the short way people read them: `45s`, `12m`, `1h 05m`, `2d 3h`.
pub fn human(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    let body = if d > 0 {
        if h > 0 {
            format!("{d}d {h}h")
        } else {
            format!("{d}d")
        }
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        if sec > 0 && m < 10 {
            format!("{m}m {sec:02}s")
        } else {
            format!("{m}m")
        }
    } else {
        format!("{sec}s")
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!(parse("30s"), Some(30));
        assert_eq!(parse("15m"), Some(900));
        assert_eq!(parse("2h"), Some(7200));
        assert_eq!(parse("3d"), Some(259_200));
        assert_eq!(parse("1w"), Some(604_800));
        assert_eq!(parse("1h30m"), Some(5400));
        assert_eq!(parse("15"), None);
        assert_eq!(parse("m"), None);
        assert_eq!(parse("1x"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("99999999999999999999w"), None);
    }

    #[test]
    fn human_is_short() {
        assert_eq!(human(45), "45s");
        assert_eq!(human(125), "2m 05s");
        assert_eq!(human(900), "15m");
        assert_eq!(human(3900), "1h 05m");
        assert_eq!(human(2 * 86_400 + 3 * 3600), "2d 3h");
    }
}
