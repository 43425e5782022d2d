//! Writing a rendered site to disk atomically: built beside the target, swapped in on success.
//!
//! The pages go into a temporary folder next to the target (same parent, so the swap is a rename
//! on one file system). Only when every file is written is the old output renamed aside, the new
//! one renamed into place and the old one removed. A build that fails leaves the previous site
//! as it was. A marker file says a folder is incsite's to replace; a non-empty folder without it,
//! the site root, or anything holding or inside the site's sources is refused.

use crate::render::Sink;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The file that marks a folder as incsite output, safe to replace.
pub const MARKER: &str = ".incsite-output";
const MARKER_TEXT: &str = "This folder is written by `incsite build` and replaced whole by the next build.\n";

/// Folders of a site that output may never go into (nor contain).
const SOURCES: [&str; 4] = ["content", "schema", "theme", ".git"];

/// A new output being written beside the target: files go in as they are rendered (it is a
/// [`Sink`]), and [`Staging::commit`] swaps the whole folder in. Dropped without a commit (the
/// render failed), it removes what it wrote and the previous output stays as it was.
pub struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    files: AtomicUsize,
    committed: bool,
}

impl Staging {
    /// Checks that `out` may be replaced and makes the empty temporary folder beside it.
    pub fn new(out: &Path, root: &Path) -> Result<Staging> {
        let target = absolute(out)?;
        let root = absolute(root)?;
        check_target(&target, &root)?;
        let parent = target.parent().context("the output folder has no parent folder")?.to_path_buf();
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target.file_name().context("the output folder has no name")?.to_string_lossy().into_owned();
        let pid = std::process::id();
        let tmp = parent.join(format!(".{name}.tmp-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        remove_leftovers(&parent, &name)?;
        remove_if_exists(&tmp)?;
        std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(Staging { target, tmp, old, files: AtomicUsize::new(0), committed: false })
    }

    /// Writes one file.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let file = self.file(path)?;
        std::fs::write(&file, bytes).with_context(|| format!("cannot write {}", file.display()))
    }

    /// Where the file at `path` goes, its folders made (`create_dir_all` tolerates a folder
    /// another thread just made), counted.
    fn file(&self, path: &str) -> Result<PathBuf> {
        let file = self.tmp.join(relative(path)?);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(file)
    }

    /// Adds the marker and swaps the new output in, then removes the old one. On Linux the two
    /// folders trade places in one step (`renameat2` with `RENAME_EXCHANGE`), so there is no
    /// moment without a whole site at the target; elsewhere, or on a file system without it, the
    /// old output is renamed aside first. Returns how many files the site has.
    pub fn commit(mut self) -> Result<usize> {
        let marker = self.tmp.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).with_context(|| format!("cannot write {}", marker.display()))?;
        let (target, tmp, old) = (&self.target, &self.tmp, &self.old);
        if !target.exists() {
            std::fs::rename(tmp, target)
                .with_context(|| format!("cannot move the new site into {}", target.display()))?;
            self.committed = true;
            return Ok(self.files.load(Ordering::Relaxed));
        }
        // After an exchange the temporary folder holds the previous site.
        let previous = if exchange(tmp, target)? {
            tmp
        } else {
            remove_if_exists(old)?;
            std::fs::rename(target, old)
                .with_context(|| format!("cannot move the previous {} aside", target.display()))?;
            if let Err(e) = std::fs::rename(tmp, target) {
                let _ = std::fs::rename(old, target);
                return Err(e).with_context(|| format!("cannot move the new site into {}", target.display()));
            }
            old
        };
        self.committed = true;
        std::fs::remove_dir_all(previous)
            .with_context(|| format!("cannot remove the previous site at {}", previous.display()))?;
        Ok(self.files.load(Ordering::Relaxed))
    }
}

/// Swaps two folders in one step; `Ok(false)` where the system or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).context("a path holds a NUL byte");
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::ENOSYS | libc::EINVAL | libc::ENOTSUP) => Ok(false),
        _ => Err(e).with_context(|| format!("cannot swap the new site into {}", b.display())),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> Result<bool> {
    Ok(false)
}

/// Removes what killed builds of the output `name` left in `parent`: `.<name>.tmp-<pid>` and
/// `.<name>.old-<pid>` folders whose process is gone (a running build's are left alone).
fn remove_leftovers(parent: &Path, name: &str) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(parent) else { return Ok(()) };
    let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let Some(pid) = file.strip_prefix(&tmp).or_else(|| file.strip_prefix(&old)) else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if pid != std::process::id() && !process_alive(pid) && entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_if_exists(&entry.path())?;
        }
    }
    Ok(())
}

/// Whether a process with this id is running (on systems where that cannot be asked: yes, so
/// that nothing of a running build is removed).
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return true };
        // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

impl Sink for Staging {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        self.write(&path, &bytes)
    }

    fn put_with(&self, path: String, write: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()> {
        let file = self.file(&path)?;
        let mut out = std::fs::File::create(&file).with_context(|| format!("cannot write {}", file.display()))?;
        write(&mut out).with_context(|| format!("cannot write {}", file.display()))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Refuses targets that could destroy a user's files.
fn check_target(target: &Path, root: &Path) -> Result<()> {
    if target == root {
        bail!(
            "refusing to write the site into the site root {} itself; use --out with a separate folder such as public/",
            root.display()
        );
    }
    if root.starts_with(target) {
        bail!("refusing to write the site into {}: it holds the site's sources ({})", target.display(), root.display());
    }
    for dir in SOURCES {
        let source = root.join(dir);
        if target.starts_with(&source) {
            bail!("refusing to write the site into {}: it is inside the site's {dir}/ folder", target.display());
        }
    }
    if target.exists() {
        if !target.is_dir() {
            bail!("refusing to write the site to {}: it is a file, not a folder", target.display());
        }
        let mut entries = std::fs::read_dir(target).with_context(|| format!("cannot list {}", target.display()))?;
        let empty = entries.next().is_none();
        if !empty && !target.join(MARKER).is_file() {
            bail!(
                "refusing to replace {}: it is not empty and was not written by incsite (no {MARKER} file in it); \
                 choose another --out folder, or empty this one first",
                target.display()
            );
        }
    }
    Ok(())
}

/// A page path as a relative path that cannot leave the output folder.
fn relative(path: &str) -> Result<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_))) && !path.contains('\\');
    if !ok {
        bail!("internal error: page path `{path}` would leave the output folder");
    }
    Ok(p.to_path_buf())
}

fn remove_if_exists(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot remove the leftover {}", dir.display())),
    }
}

/// An absolute, normalised path (without following a final component that may not exist yet).
fn absolute(path: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    // Resolve symlinks in the part that exists, so that two spellings of one folder compare equal.
    let mut existing = abs.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    Ok(normalise(&out))
}

/// Removes `.` and resolves `..` lexically.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Pages;

    /// A whole build as the `build` command makes one: staged, then swapped in.
    fn write(pages: &Pages, out: &Path, root: &Path) -> Result<()> {
        let staging = Staging::new(out, root)?;
        pages.iter().try_for_each(|(path, bytes)| staging.write(path, bytes))?;
        staging.commit().map(|_| ())
    }

    fn pages() -> Pages {
        let mut p = Pages::new();
        p.insert("index.html".into(), b"<h1>new</h1>".to_vec());
        p.insert("incidents/A/index.html".into(), b"a".to_vec());
        p
    }

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let out = root.join("public");
        write(&pages(), &out, &root).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"<h1>new</h1>");
        assert!(out.join(MARKER).is_file());
        std::fs::write(out.join("stale.html"), "old").unwrap();
        let mut p = pages();
        p.insert("index.html".into(), b"v2".to_vec());
        write(&p, &out, &root).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"v2");
        assert!(!out.join("stale.html").exists(), "the old output is replaced whole");
        let leftovers: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn refuses_dangerous_targets() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content/incidents")).unwrap();
        std::fs::write(root.join("content/incidents/a.md"), "keep").unwrap();
        for bad in
            [root.clone(), root.join("content"), root.join("content/out"), dir.path().to_path_buf(), root.join("x/..")]
        {
            assert!(write(&pages(), &bad, &root).is_err(), "{} was accepted", bad.display());
        }
        let foreign = root.join("docs");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("mine.txt"), "keep").unwrap();
        let err = write(&pages(), &foreign, &root).unwrap_err().to_string();
        assert!(err.contains("not written by incsite"), "{err}");
        assert_eq!(std::fs::read(foreign.join("mine.txt")).unwrap(), b"keep");
        assert_eq!(std::fs::read(root.join("content/incidents/a.md")).unwrap(), b"keep");
        // An empty folder is fine.
        let empty = root.join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        write(&pages(), &empty, &root).unwrap();
    }

    #[test]
    fn a_bad_page_path_leaves_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let out = root.join("public");
        write(&pages(), &out, &root).unwrap();
        let mut bad = pages();
        bad.insert("../escape.html".into(), b"x".to_vec());
        assert!(write(&bad, &out, &root).is_err());
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"<h1>new</h1>");
        assert!(!root.join("escape.html").exists());
    }
}
