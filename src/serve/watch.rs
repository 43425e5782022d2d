//! Watching the site's files: a debounced watcher (about 100 ms, so that an editor's burst of
//! writes is one save) feeding one rebuild thread, which coalesces whatever piled up meanwhile.

use super::http::State;
use super::rebuild::{classify, Builder, Change};
use anyhow::{Context, Result};
use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const DEBOUNCE: Duration = Duration::from_millis(100);
/// The folders the site is made of, watched recursively (the root itself only for its own files,
/// so that `target/` or `public/` next to the site cost nothing).
const FOLDERS: [&str; 3] = ["content", "schema", "theme"];

/// Keeps watching while it lives.
pub struct Watch {
    _debouncer: Arc<Mutex<Debouncer<RecommendedWatcher>>>,
}

/// Starts watching `root` and rebuilding with `builder` into `state` on every change.
pub fn start(root: &Path, mut builder: Builder, state: Arc<State>) -> Result<Watch> {
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let _ = tx.send(events.into_iter().map(|e| e.path).collect());
        }
        Err(e) => eprintln!("warning: watching files: {e}"),
    };
    let debouncer = Arc::new(Mutex::new(new_debouncer(DEBOUNCE, handler).context("cannot watch the site's files")?));
    {
        let mut d = debouncer.lock().unwrap_or_else(|e| e.into_inner());
        d.watcher()
            .watch(root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", root.display()))?;
    }
    watch_folders(root, &debouncer);

    let (root, watched) = (root.to_path_buf(), debouncer.clone());
    std::thread::Builder::new()
        .name("incsite-rebuild".into())
        .spawn(move || {
            while let Ok(mut paths) = rx.recv() {
                // Whatever arrived while the last build ran goes into this one.
                while let Ok(more) = rx.try_recv() {
                    paths.extend(more);
                }
                let change = classify(&root, &paths);
                let what = describe(&change);
                match change {
                    Change::None => continue,
                    Change::Full => watch_folders(&root, &watched),
                    Change::Records(_) => {}
                }
                let outcome = builder.build(&change);
                super::apply(&root, &state, &what, outcome);
            }
        })
        .context("cannot start the rebuild thread")?;
    Ok(Watch { _debouncer: debouncer })
}

/// (Re)watches the site's folders that exist now: one may have been created or replaced.
fn watch_folders(root: &Path, debouncer: &Mutex<Debouncer<RecommendedWatcher>>) {
    let mut d = debouncer.lock().unwrap_or_else(|e| e.into_inner());
    for folder in FOLDERS {
        let dir = root.join(folder);
        if dir.is_dir() {
            if let Err(e) = d.watcher().watch(&dir, RecursiveMode::Recursive) {
                eprintln!("warning: cannot watch {}: {e}", dir.display());
            }
        }
    }
}

fn describe(change: &Change) -> String {
    match change {
        Change::Records(paths) if paths.len() == 1 => paths.iter().next().cloned().unwrap_or_default(),
        Change::Records(paths) => format!("{} records", paths.len()),
        _ => "site changed".to_string(),
    }
}
