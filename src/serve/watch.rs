//! Watching the site's files: notify events, less the ones that only read a file (the builds
//! themselves read every file, and on Linux each read is an event), gathered until 100 ms pass
//! quietly so that an editor's burst of writes is one save, and fed to one rebuild thread.

use super::http::State;
use super::rebuild::{classify, Builder, Change};
use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A save is over when no event came for this long.
const QUIET: Duration = Duration::from_millis(100);
/// A steady stream of writes is still built at least this often.
const MAX_WAIT: Duration = Duration::from_secs(1);
/// The folders the site is made of, watched recursively (the root itself only for its own files,
/// so that `target/` or `public/` next to the site cost nothing).
const FOLDERS: [&str; 3] = ["content", "schema", "theme"];

/// Keeps watching while it lives.
pub struct Watch {
    _watcher: Arc<Mutex<RecommendedWatcher>>,
}

/// Whether an event may mean different contents: not a read, an open or a metadata change.
fn changes_contents(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

/// Starts watching `root` and rebuilding with `builder` into `state` on every change.
pub fn start(root: &Path, mut builder: Builder, state: Arc<State>) -> Result<Watch> {
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    // Set by every change: a render of the whole site still under way stops for the newer save.
    let cancel = Arc::new(AtomicBool::new(false));
    let changed = cancel.clone();
    let handler = move |result: notify::Result<notify::Event>| match result {
        Ok(event) if changes_contents(&event.kind) => {
            changed.store(true, Ordering::SeqCst);
            let _ = tx.send(event.paths);
        }
        Ok(_) => {}
        Err(e) => eprintln!("warning: watching files: {e}"),
    };
    let watcher = Arc::new(Mutex::new(notify::recommended_watcher(handler).context("cannot watch the site's files")?));
    watcher
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    watch_folders(root, &watcher);

    let (root, watched) = (root.to_path_buf(), watcher.clone());
    std::thread::Builder::new()
        .name("incsite-rebuild".into())
        .spawn(move || {
            // After a save, the saved records' pages are served first; the rest of the site is
            // rendered next, unless another save comes in first (then its build starts over).
            let mut rest: Option<(String, Vec<String>)> = None;
            let mut backlog: Vec<PathBuf> = Vec::new();
            loop {
                if let Some((what, fresh)) = rest.take() {
                    cancel.store(false, Ordering::SeqCst);
                    while let Ok(more) = rx.try_recv() {
                        backlog.extend(more);
                    }
                    if backlog.is_empty() {
                        let started = Instant::now();
                        match builder.render_rest(&cancel) {
                            Ok(Some(pages)) => super::apply_rest(&state, &what, pages, &fresh, started.elapsed()),
                            Ok(None) => rest = Some((what, fresh)),
                            Err(e) => eprintln!("{what}: error: the rest of the site could not be rendered: {e:#}"),
                        }
                    } else {
                        rest = Some((what, fresh));
                    }
                }
                let paths = if backlog.is_empty() {
                    match next_save(&rx) {
                        Some(p) => p,
                        None => break,
                    }
                } else {
                    std::mem::take(&mut backlog)
                };
                let change = classify(&root, &paths);
                let what = describe(&change);
                match change {
                    Change::None => continue,
                    Change::Full => watch_folders(&root, &watched),
                    Change::Records(_) => {}
                }
                let outcome = builder.build(&change);
                rest = match &outcome {
                    Ok(o) if o.partial && o.errors.is_empty() => {
                        let fresh = o.pages.iter().flat_map(|p| p.keys()).map(|k| super::http::url_path(k)).collect();
                        Some((what.clone(), fresh))
                    }
                    // A full build covers the rest; a failed one keeps the last good site.
                    _ => None,
                };
                super::apply(&root, &state, &what, outcome);
            }
        })
        .context("cannot start the rebuild thread")?;
    Ok(Watch { _watcher: watcher })
}

/// Waits for the next event, then gathers events until [`QUIET`] passes without one (or
/// [`MAX_WAIT`] is up). `None` when the watcher is gone.
fn next_save(rx: &mpsc::Receiver<Vec<PathBuf>>) -> Option<Vec<PathBuf>> {
    let mut paths = rx.recv().ok()?;
    let started = Instant::now();
    loop {
        match rx.recv_timeout(QUIET) {
            Ok(more) => {
                paths.extend(more);
                if started.elapsed() >= MAX_WAIT {
                    return Some(paths);
                }
            }
            Err(RecvTimeoutError::Timeout) => return Some(paths),
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// (Re)watches the site's folders that exist now: one may have been created or replaced.
fn watch_folders(root: &Path, watcher: &Mutex<RecommendedWatcher>) {
    let mut w = watcher.lock().unwrap_or_else(|e| e.into_inner());
    for folder in FOLDERS {
        let dir = root.join(folder);
        if dir.is_dir() {
            if let Err(e) = w.watch(&dir, RecursiveMode::Recursive) {
                eprintln!("warning: cannot watch {}: {e}", dir.display());
            }
        }
    }
}

/// What changed, for the terminal: the record's path when one was saved.
fn describe(change: &Change) -> String {
    match change {
        Change::Records(paths) => {
            let records: Vec<&String> = paths.iter().filter(|p| p.ends_with(".md")).collect();
            match (records.as_slice(), paths.len()) {
                ([one], _) => one.to_string(),
                (_, 1) => paths.iter().next().cloned().unwrap_or_default(),
                _ => format!("{} changes under content/incidents", paths.len()),
            }
        }
        _ => "site changed".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, MetadataKind, RemoveKind};

    #[test]
    fn reads_are_not_changes() {
        assert!(!changes_contents(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!changes_contents(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(!changes_contents(&EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any))));
        assert!(changes_contents(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(changes_contents(&EventKind::Modify(ModifyKind::Data(DataChange::Any))));
        assert!(changes_contents(&EventKind::Create(CreateKind::File)));
        assert!(changes_contents(&EventKind::Remove(RemoveKind::File)));
    }
}
