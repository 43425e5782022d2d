//! How the figures are laid out for people, shared by the `report` command's tables and the
//! reports page, so that the two list groups in the same order and round shares the same way.

use std::collections::BTreeMap;

/// Keys in the policy's order first (severities most severe first, services as listed), then the
/// rest alphabetically.
pub fn ordered<'a, V>(map: &'a BTreeMap<String, V>, order: &[&str]) -> Vec<(&'a str, &'a V)> {
    let mut out: Vec<(&str, &V)> =
        order.iter().filter_map(|k| map.get_key_value(*k)).map(|(k, v)| (k.as_str(), v)).collect();
    out.extend(map.iter().filter(|(k, _)| !order.contains(&k.as_str())).map(|(k, v)| (k.as_str(), v)));
    out
}

/// A share (0.0–1.0) as a whole percentage, "42%"; `none` when there is no share.
pub fn percent(v: Option<f64>, none: &str) -> String {
    v.map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_else(|| none.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_order_first_then_the_rest() {
        let map: BTreeMap<String, u8> =
            [("SEV-2", 2), ("SEV-1", 1), ("X", 9), ("A", 0)].into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let keys: Vec<&str> = ordered(&map, &["SEV-1", "SEV-2", "SEV-3"]).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["SEV-1", "SEV-2", "A", "X"]);
        assert_eq!(percent(Some(0.425), "—"), "42%");
        assert_eq!(percent(None, "–"), "–");
    }
}
