//! The preview server: renders the site into memory, serves it (loopback by default), watches
//! the files, and after every save reloads the open pages — or, when the save broke a record,
//! keeps the last good site up and shows the errors over it.

pub mod guard;
pub mod http;
pub mod rebuild;
mod watch;

use crate::diag::{self, Diagnostic};
use crate::site::Audience;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rebuild::{Builder, Change, Outcome, Settings};
use std::io::{IsTerminal, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long a stop may wait for open connections before the server gives up on them.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// How long a connection may take to send a request's headers, and may sit idle between requests.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// What `incsite serve` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub bind: IpAddr,
    /// 0: any free port (the address printed says which).
    pub port: u16,
    /// Open the browser once the server is up.
    pub open: bool,
    pub audience: Audience,
    /// A fixed "now"; `None`: the clock, read again on every rebuild.
    pub now: Option<DateTime<Utc>>,
    /// The URL feeds and the sitemap use; default: the server's own address.
    pub base_url: Option<String>,
}

/// Builds, serves and watches the site at `root` until Ctrl-C. An `Err` means it could not
/// start (the port is taken, a file cannot be read).
pub fn run(root: &Path, opts: &Options) -> Result<()> {
    let root = root.canonicalize().with_context(|| format!("cannot open {}", root.display()))?;
    let listener = std::net::TcpListener::bind(SocketAddr::new(opts.bind, opts.port)).with_context(|| {
        format!(
            "cannot listen on {}: pick another port with --port (0 picks a free one)",
            SocketAddr::new(opts.bind, opts.port)
        )
    })?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    if !opts.bind.is_loopback() {
        eprintln!(
            "note: listening on {}: other machines can open this preview{}",
            opts.bind,
            if opts.audience == Audience::Internal { ", private incidents included" } else { "" }
        );
    }

    let history = match crate::git::history(&root) {
        Ok(h) => Some(std::sync::Arc::new(h)),
        Err(reason) => {
            eprintln!("note: {reason}");
            None
        }
    };
    let base_url = opts.base_url.clone().unwrap_or_else(|| url.clone()).trim_end_matches('/').to_string();
    let mut builder =
        Builder::new(Settings { root: root.clone(), audience: opts.audience, now: opts.now, base_url, history });
    let mut first = builder.build(&Change::Full)?;
    for note in &first.notes {
        eprintln!("note: {note}");
    }
    let pages = first.pages.take().unwrap_or_default();
    let count = pages.len();
    let state = http::State::new(pages);
    if !first.errors.is_empty() {
        print_errors(&root, &first.errors);
        state.fail(first.errors.clone());
    }
    println!("Serving {} at {url} ({count} pages, built in {} ms)", first.title, first.elapsed.as_millis());
    if first.warnings > 0 {
        println!("{}: `incsite check` lists them", plural(first.warnings, "warning"));
    }
    let _ = std::io::stdout().flush();

    let _watch = watch::start(&root, builder, state.clone())?;
    if opts.open {
        open_browser(&url);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server")?;
    runtime.block_on(serve(listener, state))?;
    println!("Stopped.");
    Ok(())
}

/// Serves until Ctrl-C (or SIGTERM), then ends the event streams, closes idle connections and
/// lets requests finish (for at most [`STOP_GRACE`]). Each connection must send a request's
/// headers within [`HEADER_TIMEOUT`], and is closed when it sits idle that long between requests.
async fn serve(listener: std::net::TcpListener, state: Arc<http::State>) -> Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let at = listener.local_addr()?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let listening = guard::Listening { ip: at.ip(), port: at.port() };
    let app = http::router(state.clone()).layer(axum::middleware::from_fn_with_state(listening, guard::check_host));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                // A failed accept (too many open files, a reset) ends that connection only.
                let Ok((stream, _)) = accepted else { continue };
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                let mut stopping = stop_rx.clone();
                connections.spawn(async move {
                    let conn = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEADER_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = stopping.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
        }
    }
    state.shutdown();
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(STOP_GRACE, async { while connections.join_next().await.is_some() {} }).await;
    Ok(())
}

async fn stop_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}

/// Applies one rebuild's outcome: serve it and reload the pages, or keep the last good build
/// and show the errors. Prints what happened.
fn apply(root: &Path, state: &http::State, what: &str, outcome: Result<Outcome>) {
    let mut out = std::io::stdout().lock();
    match outcome {
        Ok(outcome) if outcome.errors.is_empty() => {
            let ms = outcome.elapsed.as_millis();
            let count = outcome.pages.as_ref().map_or(0, |p| p.len());
            let how = if state.errors().is_empty() { "rebuilt" } else { "fixed, rebuilt" };
            let detail = if outcome.partial {
                format!("{count} page{} first, the rest follows", if count == 1 { "" } else { "s" })
            } else {
                format!("{count} pages")
            };
            if let Some(pages) = outcome.pages {
                if outcome.partial {
                    state.patch(pages);
                } else {
                    state.publish(pages);
                }
            }
            let _ = writeln!(out, "{what}: {how} in {ms} ms ({detail})");
        }
        Ok(outcome) => {
            drop(out);
            print_errors(root, &outcome.errors);
            let _ = writeln!(
                std::io::stdout(),
                "{what}: {}: still serving the last good build",
                plural(outcome.errors.len(), "error")
            );
            state.fail(outcome.errors);
            return;
        }
        Err(e) => {
            let _ = writeln!(out, "{what}: error: {e:#}: still serving the last good build");
            state.fail(vec![Diagnostic::error(".", diag::Pos::file(), "load-failed", format!("{e:#}"))]);
        }
    }
    let _ = out.flush();
}

/// Serves the whole site rendered after a save's own pages (`fresh`, which need no reload).
fn apply_rest(state: &http::State, what: &str, pages: rebuild::Pages, fresh: &[String], took: Duration) {
    let count = pages.len();
    state.publish_except(pages, fresh);
    println!("{what}: the rest of the site rebuilt in {} ms ({count} pages)", took.as_millis());
    let _ = std::io::stdout().flush();
}

/// The errors, as `incsite check` prints them.
fn print_errors(root: &Path, errors: &[Diagnostic]) {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::stdout().lock();
    for d in errors {
        let text = crate::files::source_text(root, &d.file);
        let _ = writeln!(out, "{}", diag::human(d, text.as_deref(), color));
    }
    let _ = out.flush();
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Opens `url` in the default browser; a failure only costs the convenience.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // Reap it when it exits.
        Ok(mut child) => drop(std::thread::spawn(move || child.wait())),
        Err(_) => eprintln!("note: could not open a browser; open {url} yourself"),
    }
}
