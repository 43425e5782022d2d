//! `incsite.toml`: the site's settings, all optional, checked like a record.

use crate::diag::{Diagnostic, Pos};
use serde::{Deserialize, Serialize};

pub const FILE: &str = "incsite.toml";

/// The `base_url` that `incsite init` writes: `check` warns (`init-placeholder`) while it is set.
pub const PLACEHOLDER_URL: &str = "https://status.example.com";

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
    pub public: PublicConfig,
    /// `[[notify]]`: where `incsite notify` sends the public events.
    pub notify: Vec<NotifyConfig>,
}

/// One `[[notify]]` channel. Secrets (URLs, the signing key, SMTP credentials) are never in the
/// file: only the names of the environment variables that hold them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    pub kind: NotifyKind,
    /// webhook, slack, teams, discord: the variable holding the URL to POST to.
    #[serde(default)]
    pub url_env: Option<String>,
    /// webhook: the variable holding the HMAC-SHA256 key (the body's signature is then sent).
    #[serde(default)]
    pub secret_env: Option<String>,
    /// Only events that affect one of these services (default: every event).
    #[serde(default)]
    pub services: Vec<String>,
    /// email: the variable holding `smtp://user:pass@host:port` or `smtps://…`.
    #[serde(default)]
    pub smtp_env: Option<String>,
    /// email: the sender.
    #[serde(default)]
    pub from: Option<String>,
    /// email: the recipients.
    #[serde(default)]
    pub to: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyKind {
    Webhook,
    Slack,
    Teams,
    Discord,
    Email,
}

impl NotifyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyKind::Webhook => "webhook",
            NotifyKind::Slack => "slack",
            NotifyKind::Teams => "teams",
            NotifyKind::Discord => "discord",
            NotifyKind::Email => "email",
        }
    }
}

impl NotifyConfig {
    /// What the channel lacks to be usable, if anything (for `parse`'s diagnostics).
    fn missing(&self) -> Option<String> {
        let kind = self.kind.as_str();
        match self.kind {
            NotifyKind::Email => {
                let mut lacks = Vec::new();
                if self.smtp_env.is_none() {
                    lacks.push("`smtp_env`");
                }
                if self.from.is_none() {
                    lacks.push("`from`");
                }
                if self.to.is_empty() {
                    lacks.push("`to`");
                }
                (!lacks.is_empty()).then(|| format!("an `email` channel needs {}", lacks.join(", ")))
            }
            _ if self.url_env.is_none() => Some(format!("a `{kind}` channel needs `url_env`")),
            NotifyKind::Webhook => None,
            _ if self.secret_env.is_some() => Some(format!("`secret_env` is for `webhook` channels, not `{kind}`")),
            _ => None,
        }
    }
}

/// What a public build may show beyond the default (`[public]`): people's names and keys of the
/// records' `extra:` maps. Nothing by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PublicConfig {
    /// Roles' holders, `by`, action-item owners, the facilitator and commit authors.
    pub people: bool,
    /// The `extra:` keys a public build keeps.
    pub extra: Vec<String>,
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
            public: PublicConfig::default(),
            notify: Vec::new(),
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

/// Parses the settings. A problem is reported at its line; an unknown key is left out and the
/// rest still holds, and for any other problem the defaults stand in.
pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
    match toml::from_str::<Config>(text) {
        Ok(config) => settle(config, text, Vec::new()),
        Err(e) => {
            let pos = e.span().map(|s| pos_of(text, s.start)).unwrap_or_else(Pos::file);
            let message = e.message().to_string();
            let code = if message.starts_with("unknown field") { "unknown-key" } else { "bad-settings" };
            let mut d = Diagnostic::error(FILE, pos, code, format!("in settings: {message}"));
            if let Some((got, expected)) = unknown_field(&message) {
                d = d.suggest(got, expected);
            }
            // The other settings still hold: with the defaults in their place, one typo would
            // bring a cascade of errors (every post-mortem checked for the default sections).
            match without_unknown_keys(text) {
                Some(config) => settle(config, text, vec![d]),
                None => (Config::default(), vec![d]),
            }
        }
    }
}

/// Checks what serde cannot (the time zone, init's placeholder URL) and trims `base_url`.
fn settle(mut config: Config, text: &str, mut diags: Vec<Diagnostic>) -> (Config, Vec<Diagnostic>) {
    if config.timezone.parse::<chrono_tz::Tz>().is_err() {
        let pos = locate(text, "timezone");
        let d = Diagnostic::error(FILE, pos, "bad-value", format!("`{}` is not an IANA time zone", config.timezone))
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
    let mut channel_lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[notify]]"))
        .map(|(i, _)| Pos::new(i + 1, 1));
    for channel in &config.notify {
        let pos = channel_lines.next().unwrap_or_else(Pos::file);
        if let Some(problem) = channel.missing() {
            diags.push(Diagnostic::error(FILE, pos, "bad-value", format!("in [[notify]]: {problem}")));
        }
    }
    while config.base_url.ends_with('/') {
        config.base_url.pop();
    }
    if config.base_url == PLACEHOLDER_URL {
        let d = Diagnostic::warning(
            FILE,
            locate(text, "base_url"),
            "init-placeholder",
            format!("`base_url` is still the placeholder `{PLACEHOLDER_URL}` that `incsite init` wrote"),
        )
        .with_hint("set it to the address the site is published at (feeds and the sitemap use it)");
        diags.push(d);
    }
    (config, diags)
}

/// The settings with every unknown key left out, when that is all that is wrong with them.
fn without_unknown_keys(text: &str) -> Option<Config> {
    let mut table: toml::Table = toml::from_str(text).ok()?;
    for _ in 0..32 {
        match toml::Value::Table(table.clone()).try_into::<Config>() {
            Ok(config) => return Some(config),
            Err(e) => {
                let message = e.message().to_string();
                let (key, _) = unknown_field(&message)?;
                if table.remove(key).is_none() {
                    for (_, value) in table.iter_mut() {
                        if let toml::Value::Table(t) = value {
                            t.remove(key);
                        }
                    }
                }
            }
        }
    }
    None
}

/// The key and the expected ones of serde's "unknown field `titel`, expected one of `title`, …"
/// (or "expected `a` or `b`").
fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (got, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    (!expected.is_empty()).then_some((got, expected))
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
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `mttr_from`?"));
        let (c, d) = parse("titel = \"x\"\ntimezone = \"Europe/Berlin\"\n");
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(c.timezone, "Europe/Berlin", "the other settings still hold");
    }

    #[test]
    fn notify_channels_are_read_and_checked() {
        let text = "[[notify]]\nkind = \"webhook\"\nurl_env = \"HOOK\"\nservices = [\"api\"]\n\n[[notify]]\nkind = \"email\"\nsmtp_env = \"SMTP\"\n";
        let (c, d) = parse(text);
        assert_eq!(c.notify.len(), 2);
        assert_eq!(c.notify[0].services, ["api"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 6);
        assert!(d[0].message.contains("`from`, `to`"), "{}", d[0].message);
        let (_, d) = parse("[[notify]]\nkind = \"pager\"\n");
        assert_eq!(d[0].line, 2);
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
