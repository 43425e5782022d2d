//! Replacing one file atomically: the new bytes go to a temporary file beside it, are flushed to
//! disk, and renamed over it, so a killed command leaves either the old file or the new one.

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A new version of a file, written and flushed beside it but not yet in its place. Dropped
/// without [`Staged::commit`], it is deleted; a process killed before then leaves a hidden
/// `.incsite-*.tmp` file that `check` and `build` never read, and the old file as it was.
pub struct Staged {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

/// Writes `bytes` into a temporary file in `path`'s folder with `path`'s permissions, flushed.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged> {
    // A symbolic link is followed: the file it points to is the one replaced.
    let target = std::fs::canonicalize(path).with_context(|| format!("cannot find {}", path.display()))?;
    let dir = target.parent().context("a file to replace has a folder")?;
    let mut temp = tempfile::Builder::new()
        .prefix(".incsite-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write a temporary file in {}", dir.display()))?;
    let permissions =
        std::fs::metadata(&target).with_context(|| format!("cannot read {}", path.display()))?.permissions();
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().set_permissions(permissions))
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", temp.path().display()))?;
    Ok(Staged { temp, target })
}

impl Staged {
    /// Renames the new version over the file and flushes the folder.
    pub fn commit(self) -> Result<()> {
        let dir = self.target.parent().map(Path::to_path_buf);
        self.temp.persist(&self.target).with_context(|| format!("cannot replace {}", self.target.display()))?;
        if let Some(dir) = dir {
            // The rename is durable once the folder is; not every system can open a folder.
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    /// Where the new version is while staged.
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }
}

/// Replaces the file at `path`, which must still hold `expected`, with `bytes`.
pub fn replace(path: &Path, expected: &[u8], bytes: &[u8]) -> Result<()> {
    let staged = stage(path, bytes)?;
    let now = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if now != expected {
        bail!("{} changed while it was being edited; run the command again", path.display());
    }
    staged.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_killed_before_the_rename_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "old\n").unwrap();
        let staged = stage(&path, b"new\n").unwrap();
        let temp = staged.temp_path().to_path_buf();
        assert_eq!(std::fs::read(&temp).unwrap(), b"new\n", "the new version is complete beside it");
        // Killed here: the temporary file stays (as a killed process leaves it), the rename never happens.
        let kept = staged.temp.into_temp_path().keep().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        let name = kept.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with('.') && !name.ends_with(".md"), "{name}: never read as a record");
        assert_eq!(kept.parent(), path.parent());
    }

    #[cfg(unix)]
    #[test]
    fn replaces_keeping_permissions_and_refuses_a_file_changed_meanwhile() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "old\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace(&path, b"old\n", b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
        assert!(replace(&path, b"old\n", b"newer\n").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left after a refusal");
    }
}
