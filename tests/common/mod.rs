//! Helpers shared by the integration tests (each test binary uses some of them).
#![allow(dead_code)]

use std::path::Path;

/// Copies the folder `from` (a fixture site) to `to`, which need not exist.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the fixture site `tests/sites/<name>` in a fresh temporary folder (its root).
pub fn copy_site(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites").join(name), dir.path());
    dir
}
