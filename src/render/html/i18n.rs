//! The words the theme shows, in the site's `language`: the built-in locale files
//! (`theme/i18n/<lang>.toml`, embedded) with a site's own `theme/i18n/<lang>.toml` overriding them
//! key by key. Templates get them as `t` (`{{ t.nav.status }}`); the page code asks [`Words`].
//! Month and day names come from chrono's locale data (`format_localized`), not from these files.

use anyhow::{anyhow, Context, Result};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The built-in languages and their locale files.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", include_str!("../../../theme/i18n/en.toml")),
    ("de", include_str!("../../../theme/i18n/de.toml")),
    ("fr", include_str!("../../../theme/i18n/fr.toml")),
    ("es", include_str!("../../../theme/i18n/es.toml")),
];

/// The words of one language.
#[derive(Debug)]
pub struct Words {
    /// `en`, `de`, …: `<html lang>`.
    pub lang: String,
    /// The locale chrono names months and days in.
    pub locale: chrono::Locale,
    /// Dotted key (`nav.status`, `date.unit.hour.one`) → text.
    flat: BTreeMap<String, String>,
    /// The same words as the nested value templates get as `t`.
    pub value: Arc<serde_json::Value>,
    /// The built-in English with the built-in date patterns: times take the fast path.
    pub plain_english: bool,
}

impl Words {
    /// The words of `lang`, with the site's overrides from `theme_dir/i18n/<lang>.toml`.
    pub fn load(lang: &str, theme_dir: Option<&Path>) -> Result<Words> {
        let builtin = LANGUAGES
            .iter()
            .find(|(code, _)| *code == lang)
            .map(|(_, text)| *text)
            .ok_or_else(|| anyhow!("`{lang}` is not a language incsite has words for"))?;
        let mut table: toml::Table =
            toml::from_str(builtin).with_context(|| format!("the built-in theme/i18n/{lang}.toml"))?;
        if let Some(dir) = theme_dir {
            let path = dir.join("i18n").join(format!("{lang}.toml"));
            if path.is_file() {
                let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                let own: toml::Table = toml::from_str(&text)
                    .map_err(|e| anyhow!("{}: {}", path.display(), e.message()))
                    .with_context(|| format!("theme/i18n/{lang}.toml is not valid"))?;
                merge(&mut table, own);
            }
        }
        Ok(Words::from_table(table))
    }

    fn from_table(table: toml::Table) -> Words {
        let mut flat = BTreeMap::new();
        flatten("", &table, &mut flat);
        let lang = flat.get("meta.lang").cloned().unwrap_or_else(|| "en".into());
        let locale =
            flat.get("meta.locale").and_then(|l| chrono::Locale::try_from(l.as_str()).ok()).unwrap_or_default();
        let value = Arc::new(serde_json::to_value(&table).unwrap_or_default());
        let plain_english =
            lang == "en" && ["date.day", "date.time"].iter().all(|k| flat.get(*k) == english().flat.get(*k));
        Words { lang, locale, flat, value, plain_english }
    }

    /// The text at `key`; the key itself when no file has it (a test keeps the built-in files
    /// complete).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.flat.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The text at `key` with each `{name}` filled in.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(self.get(key), values)
    }

    /// `key.one` or `key.other` by `n`, with `{n}` filled in.
    pub fn count(&self, key: &str, n: u64) -> String {
        let form = if n == 1 { "one" } else { "other" };
        fill(self.get(&format!("{key}.{form}")), &[("n", &n.to_string())])
    }

    /// A date in a pattern of `date.*` (`day`, `month`, `month_only`), month names in the locale.
    pub fn date(&self, d: NaiveDate, pattern: &str) -> String {
        d.format_localized(self.get(&format!("date.{pattern}")), self.locale).to_string()
    }

    /// Every key, for the completeness test.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.flat.keys().map(String::as_str)
    }
}

/// The built-in English, which the time code's fast path writes.
pub fn english() -> &'static Words {
    static EN: std::sync::OnceLock<Words> = std::sync::OnceLock::new();
    EN.get_or_init(|| {
        let table: toml::Table = toml::from_str(LANGUAGES[0].1).unwrap_or_default();
        let mut flat = BTreeMap::new();
        flatten("", &table, &mut flat);
        let value = Arc::new(serde_json::to_value(&table).unwrap_or_default());
        Words { lang: "en".into(), locale: chrono::Locale::en_GB, flat, value, plain_english: true }
    })
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => drop(out.insert(key, s.clone())),
            other => drop(out.insert(key, other.to_string())),
        }
    }
}

/// `own`'s keys over `base`'s, table by table.
fn merge(base: &mut toml::Table, own: toml::Table) {
    for (k, v) in own {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => drop(base.insert(k, v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key_of_every_other() {
        let all: Vec<Words> = LANGUAGES
            .iter()
            .map(|(code, text)| {
                let table: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{code}.toml: {e}"));
                Words::from_table(table)
            })
            .collect();
        let mut missing = Vec::new();
        for a in &all {
            for b in &all {
                for key in a.keys() {
                    if !b.flat.contains_key(key) {
                        missing.push(format!("{}.toml lacks `{key}` ({}.toml has it)", b.lang, a.lang));
                    }
                }
            }
            assert!(a.locale != chrono::Locale::POSIX, "{}: meta.locale names a locale chrono knows", a.lang);
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
        for ((code, _), w) in LANGUAGES.iter().zip(&all) {
            assert_eq!(*code, w.lang, "meta.lang");
        }
    }

    #[test]
    fn dates_in_the_locale() {
        let de = Words::load("de", None).unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
        assert_eq!(de.date(d, "day"), "4. März 2026");
        assert_eq!(de.count("date.unit.hour", 2), "2 Stunden");
        assert_eq!(Words::load("fr", None).unwrap().date(d, "month"), "mars 2026");
        assert!(english().plain_english);
    }

    #[test]
    fn a_site_overrides_a_word() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("i18n")).unwrap();
        std::fs::write(dir.path().join("i18n/de.toml"), "[nav]\nstatus = \"Lage\"\n").unwrap();
        let de = Words::load("de", Some(dir.path())).unwrap();
        assert_eq!(de.get("nav.status"), "Lage");
        assert_eq!(de.get("nav.incidents"), "Vorfälle");
        assert!(Words::load("xx", None).is_err());
    }
}
