//! `incsite.toml`: the site's settings, all optional, checked like a record.

use crate::diag::{Diagnostic, Pos};
use serde::{Deserialize, Serialize};

pub const FILE: &str = "incsite.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    /// Absolute URL the site is published at, without a trailing slash.
    pub base_url: String,
    /// A sentence under the title on the status page.
    pub description: String,
    /// IANA time-zone name that times are shown in.
    pub timezone: String,
    /// The language of the theme's words and dates: `en` (the default), `de`, `fr`, `es`.
    pub language: String,
    pub metrics: MetricsConfig,
    pub postmortem: PostmortemConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum From {
    Started,
    Detected,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    pub mttr_from: From,
    pub mtta_from: From,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PostmortemConfig {
    pub required_sections: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Status".into(),
            base_url: "http://localhost:1111".into(),
            description: String::new(),
            timezone: "UTC".into(),
            language: "en".into(),
            metrics: MetricsConfig::default(),
            postmortem: PostmortemConfig::default(),
        }
    }
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig { mttr_from: From::Started, mtta_from: From::Detected }
    }
}

impl Default for PostmortemConfig {
    fn default() -> Self {
        PostmortemConfig {
            required_sections: ["Summary", "Impact", "Root Cause", "Action Items"].map(String::from).to_vec(),
        }
    }
}

impl Config {
    /// The display time zone; UTC when the name is not valid (which `parse` reports).
    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::UTC)
    }
}

/// Parses the settings. A problem is reported at its line and the defaults stand in.
pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
    match toml::from_str::<Config>(text) {
        Ok(mut config) => {
            let mut diags = Vec::new();
            if config.timezone.parse::<chrono_tz::Tz>().is_err() {
                let pos = locate(text, "timezone");
                let d = Diagnostic::error(
                    FILE,
                    pos,
                    "bad-value",
                    format!("`{}` is not an IANA time zone", config.timezone),
                )
                .with_hint("use a name like `UTC`, `Europe/Berlin` or `America/New_York`");
                diags.push(d);
            }
            if !crate::render::html::i18n::LANGUAGES.iter().any(|(code, _)| *code == config.language) {
                let codes: Vec<&str> = crate::render::html::i18n::LANGUAGES.iter().map(|(code, _)| *code).collect();
                let d = Diagnostic::error(
                    FILE,
                    locate(text, "language"),
                    "bad-value",
                    format!("`{}` is not a language incsite has words for", config.language),
                )
                .with_hint(format!("use one of {}", codes.join(", ")));
                diags.push(d);
                config.language = "en".into();
            }
            while config.base_url.ends_with('/') {
                config.base_url.pop();
            }
            (config, diags)
        }
        Err(e) => {
            let pos = e.span().map(|s| pos_of(text, s.start)).unwrap_or_else(Pos::file);
            let message = e.message().to_string();
            let code = if message.starts_with("unknown field") { "unknown-key" } else { "bad-settings" };
            (Config::default(), vec![Diagnostic::error(FILE, pos, code, format!("in settings: {message}"))])
        }
    }
}

/// The 1-based line and column of a byte offset.
pub fn pos_of(text: &str, offset: usize) -> Pos {
    let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    Pos::new(line, col)
}

/// The position of the first line that sets `key`.
fn locate(text: &str, key: &str) -> Pos {
    text.lines().position(|l| l.trim_start().starts_with(key)).map(|i| Pos::new(i + 1, 1)).unwrap_or_else(Pos::file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_empty() {
        let (c, d) = parse("");
        assert!(d.is_empty());
        assert_eq!(c.metrics.mttr_from, From::Started);
        assert_eq!(c.postmortem.required_sections.len(), 4);
    }

    #[test]
    fn unknown_key_has_its_line() {
        let (_, d) = parse("title = \"x\"\n[metrics]\nmttr_form = \"detected\"\n");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code, d[0].line), ("unknown-key", 3));
    }

    #[test]
    fn unknown_language_at_its_line() {
        let (c, d) = parse("title = \"x\"\nlanguage = \"xx\"\n");
        assert_eq!((d[0].code, d[0].line), ("bad-value", 2));
        assert_eq!(c.language, "en");
        assert!(parse("language = \"de\"\n").1.is_empty());
    }

    #[test]
    fn bad_timezone() {
        let (c, d) = parse("timezone = \"Mars/Olympus\"\n");
        assert_eq!(d[0].line, 1);
        assert_eq!(c.tz(), chrono_tz::UTC);
    }
}
