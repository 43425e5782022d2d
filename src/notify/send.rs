//! Delivering messages: HTTP POSTs (ureq, rustls) and SMTP (lettre), each with a timeout and
//! three retries with a doubling backoff. The URLs and credentials come from the environment
//! only, and never appear in what incsite prints.

use super::formats::Email;
use anyhow::{anyhow, bail, Context, Result};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// How hard to try.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The wait before the first retry; doubled before each next one.
    pub backoff: Duration,
    /// The longest one attempt may take.
    pub timeout: Duration,
}

/// Overrides the first backoff (in milliseconds), for tests that retry against a local server.
pub const BACKOFF_ENV: &str = "INCSITE_NOTIFY_BACKOFF_MS";

impl Retry {
    /// Three retries after 1, 2 and 4 s (or [`BACKOFF_ENV`]'s first wait), 10 s per attempt.
    pub fn from_env() -> Retry {
        let ms = std::env::var(BACKOFF_ENV).ok().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(1000);
        Retry { retries: 3, backoff: Duration::from_millis(ms), timeout: Duration::from_secs(10) }
    }

    /// Runs `attempt` until it succeeds, it fails for good, or the retries are spent. Returns the
    /// number of attempts made, or the last error with that number.
    fn run(&self, mut attempt: impl FnMut() -> Result<(), Failure>) -> Result<u32, (anyhow::Error, u32)> {
        let mut wait = self.backoff;
        for n in 1..=self.retries + 1 {
            match attempt() {
                Ok(()) => return Ok(n),
                Err(Failure::Final(e)) => return Err((e, n)),
                Err(Failure::Transient(e)) if n > self.retries => return Err((e, n)),
                Err(Failure::Transient(_)) => {
                    std::thread::sleep(wait);
                    wait = wait.saturating_mul(2);
                }
            }
        }
        Err((anyhow!("no attempt was made"), 0))
    }
}

/// Why one attempt failed: worth another try (a timeout, a 5xx, a 429), or not (a 4xx).
enum Failure {
    Transient(anyhow::Error),
    Final(anyhow::Error),
}

/// `sha256=<hex>`: the HMAC-SHA256 of `body` under `secret`, for `X-Incsite-Signature`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC takes keys of any length.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + digest.len() * 2);
    out.push_str("sha256=");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// POSTs `body` (JSON) to `url` with `headers`; returns the attempts it took.
pub fn post(url: &str, body: &[u8], headers: &[(String, String)], retry: &Retry) -> Result<u32, (anyhow::Error, u32)> {
    let config = ureq::Agent::config_builder().timeout_global(Some(retry.timeout)).http_status_as_error(false).build();
    let agent = ureq::Agent::new_with_config(config);
    retry.run(|| {
        let mut request = agent.post(url).header("Content-Type", "application/json");
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        match request.send(body) {
            Ok(response) => {
                let status = response.status().as_u16();
                match status {
                    200..=299 => Ok(()),
                    429 | 500..=599 => Err(Failure::Transient(anyhow!("the server answered {status}"))),
                    _ => Err(Failure::Final(anyhow!("the server answered {status}"))),
                }
            }
            Err(e) => Err(Failure::Transient(anyhow!("{e}"))),
        }
    })
}

/// Sends `email` through the SMTP server at `smtp_url`: `smtp://` upgrades with STARTTLS when
/// the server offers it (add `?tls=required` to insist), `smtps://` speaks TLS from the start.
pub fn mail(
    smtp_url: &str,
    from: &str,
    to: &[String],
    message_id: &str,
    email: &Email,
    retry: &Retry,
) -> Result<u32, (anyhow::Error, u32)> {
    let at = |e: anyhow::Error| (e, 0);
    let message = message(from, to, message_id, email).map_err(at)?;
    let transport = transport(smtp_url, retry.timeout).map_err(at)?;
    use lettre::Transport;
    retry.run(|| {
        transport.send(&message).map(|_| ()).map_err(|e| {
            let permanent = e.is_permanent();
            let e = anyhow!("{e}");
            if permanent {
                Failure::Final(e)
            } else {
                Failure::Transient(e)
            }
        })
    })
}

/// The SMTP transport for a URL; the URL itself is never part of an error (it holds a password).
fn transport(smtp_url: &str, timeout: Duration) -> Result<lettre::SmtpTransport> {
    let mut url = url::Url::parse(smtp_url).map_err(|e| anyhow!("the SMTP URL is not a URL ({e})"))?;
    match url.scheme() {
        "smtps" => {}
        "smtp" => {
            if !url.query_pairs().any(|(k, _)| k == "tls") {
                url.query_pairs_mut().append_pair("tls", "opportunistic");
            }
        }
        other => bail!("the SMTP URL must start with smtp:// or smtps://, not {other}://"),
    }
    let builder = lettre::SmtpTransport::from_url(url.as_str()).map_err(|e| anyhow!("bad SMTP URL: {e}"))?;
    Ok(builder.timeout(Some(timeout)).build())
}

fn message(from: &str, to: &[String], message_id: &str, email: &Email) -> Result<lettre::Message> {
    use lettre::message::{Mailbox, MultiPart};
    let from: Mailbox = from.parse().with_context(|| format!("`from = \"{from}\"` is not an email address"))?;
    let mut builder = lettre::Message::builder().from(from).subject(email.subject.clone());
    for address in to {
        let mailbox: Mailbox =
            address.parse().with_context(|| format!("`to` holds `{address}`, not an email address"))?;
        builder = builder.to(mailbox);
    }
    builder
        .message_id(Some(message_id.to_string()))
        .multipart(MultiPart::alternative_plain_html(email.text.clone(), email.html.clone()))
        .context("cannot make the email")
}

/// A `Message-ID` derived from the event id alone (so a retried job sends the same one):
/// `<key with every character outside a dot-atom as '.'@host>`.
pub fn message_id(key: &str, host: &str) -> String {
    let local: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) { c } else { '.' })
        .collect();
    let local = local.trim_matches('.').replace("..", ".");
    format!("<{local}@{host}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_rfc_4231_says() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn message_ids_are_dot_atoms() {
        assert_eq!(
            message_id("inc-1/update-20260304T091200Z", "status.example"),
            "<inc-1/update-20260304T091200Z@status.example>"
        );
        assert_eq!(message_id("a b..c", "h"), "<a.b.c@h>");
    }

    #[test]
    fn a_final_failure_is_not_retried_and_a_transient_one_is() {
        let retry = Retry { retries: 3, backoff: Duration::from_millis(1), timeout: Duration::from_secs(1) };
        let mut n = 0;
        let r = retry.run(|| {
            n += 1;
            Err(Failure::Final(anyhow!("no")))
        });
        assert_eq!(r.map_err(|(_, n)| n), Err(1));
        let mut n = 0;
        let r = retry.run(|| {
            n += 1;
            if n < 3 {
                Err(Failure::Transient(anyhow!("later")))
            } else {
                Ok(())
            }
        });
        assert_eq!(r.map_err(|(_, n)| n), Ok(3));
        let r = retry.run(|| Err(Failure::Transient(anyhow!("down"))));
        assert_eq!(r.map_err(|(_, n)| n), Err(4));
    }
}
