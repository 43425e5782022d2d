//! Reading the site's own files safely: only regular files inside the site root (after
//! resolving symlinks), under a size cap, never blocking on a FIFO or reading a device. A file
//! that fails these rules is refused by name, and nothing of what it holds is ever printed.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The most `incsite.toml` or a schema file may hold.
pub const MAX_SETTINGS: u64 = 1 << 20;
/// The most a record or runbook file may hold.
pub const MAX_RECORD: u64 = 32 << 20;
/// The most a theme file (a template, a stylesheet, an image) may hold.
pub const MAX_THEME: u64 = 16 << 20;

/// Why a file was not read.
#[derive(Debug)]
pub enum Refusal {
    /// There is no such file.
    Missing,
    /// It resolves (through a symlink) to somewhere outside the site root.
    Outside(PathBuf),
    /// It is not a regular file: a folder, a FIFO, a device, a socket.
    NotRegular(&'static str),
    /// It holds more than the cap.
    TooLarge { size: u64, cap: u64 },
    /// The system would not give it (permissions, an I/O error).
    Io(std::io::Error),
}

impl Refusal {
    /// The diagnostic code for a refusal the site can fix.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooLarge { .. } => "file-too-large",
            _ => "unsafe-file",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Missing => write!(f, "no such file"),
            Refusal::Outside(target) => {
                write!(
                    f,
                    "it resolves to {}, outside the site; incsite reads only files inside the site",
                    target.display()
                )
            }
            Refusal::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            Refusal::TooLarge { size, cap } => {
                write!(f, "it holds {} bytes, more than the {} incsite reads from one file", size, cap)
            }
            Refusal::Io(e) => write!(f, "{e}"),
        }
    }
}

/// A site root, resolved once, that files are read from.
#[derive(Debug, Clone)]
pub struct Root {
    /// The root as given.
    pub path: PathBuf,
    /// The root with every symlink resolved.
    canonical: PathBuf,
}

impl Root {
    pub fn new(path: &Path) -> Root {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        Root { path: path.to_path_buf(), canonical }
    }

    /// Reads the file at `rel` (relative to the root, `/`-separated) after resolving it: it must
    /// be a regular file inside the root and hold at most `cap` bytes.
    pub fn read(&self, rel: &str, cap: u64) -> Result<Vec<u8>, Refusal> {
        let path = self.path.join(rel);
        let resolved = match path.canonicalize() {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A dangling symlink is refused as one; a file that is not there is missing.
                return match std::fs::symlink_metadata(&path) {
                    Ok(_) => Err(Refusal::NotRegular("a symlink to nothing")),
                    Err(_) => Err(Refusal::Missing),
                };
            }
            Err(e) => return Err(Refusal::Io(e)),
        };
        if !resolved.starts_with(&self.canonical) {
            return Err(Refusal::Outside(resolved));
        }
        read_regular(&resolved, cap)
    }

    /// Whether the folder at `dir` (which may be a symlink) lies inside the root once resolved.
    /// A walk that starts there and follows no symlink stays inside the root.
    pub fn holds_dir(&self, dir: &Path) -> bool {
        dir.canonicalize().is_ok_and(|d| d.starts_with(&self.canonical))
    }
}

/// The text of a site file for showing a diagnostic's line, read by the same rules (nothing
/// when it may not be read).
pub fn source_text(root: &Path, rel: &str) -> Option<String> {
    Root::new(root).read(rel, MAX_RECORD).ok().map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Reads a file that must be a regular file of at most `cap` bytes. It is opened without
/// blocking (a FIFO would otherwise wait for a writer forever) and checked through the open
/// handle, so what is read is what was checked.
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, Refusal> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Refusal::Missing,
        _ => Refusal::Io(e),
    })?;
    let meta = file.metadata().map_err(Refusal::Io)?;
    if !meta.is_file() {
        return Err(Refusal::NotRegular(kind_of(&meta)));
    }
    if meta.len() > cap {
        return Err(Refusal::TooLarge { size: meta.len(), cap });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // `take`: a file that grows while it is read stops at the cap all the same.
    file.take(cap + 1).read_to_end(&mut bytes).map_err(Refusal::Io)?;
    if bytes.len() as u64 > cap {
        return Err(Refusal::TooLarge { size: bytes.len() as u64, cap });
    }
    Ok(bytes)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_inside_and_refuses_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("schema")).unwrap();
        std::fs::write(root.join("schema/a.yaml"), "a: 1\n").unwrap();
        std::fs::write(dir.path().join("secret"), "TOKEN=1\n").unwrap();
        let r = Root::new(&root);
        assert_eq!(r.read("schema/a.yaml", 100).unwrap(), b"a: 1\n");
        assert!(matches!(r.read("schema/none.yaml", 100), Err(Refusal::Missing)));
        assert!(matches!(r.read("schema/a.yaml", 3), Err(Refusal::TooLarge { size: 5, cap: 3 })));
        assert!(matches!(r.read("schema", 100), Err(Refusal::NotRegular("a folder"))));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret"), root.join("schema/out.yaml")).unwrap();
            std::os::unix::fs::symlink(root.join("schema/a.yaml"), root.join("schema/in.yaml")).unwrap();
            std::os::unix::fs::symlink(root.join("gone"), root.join("schema/dangling.yaml")).unwrap();
            let refused = r.read("schema/out.yaml", 100).unwrap_err();
            assert!(matches!(refused, Refusal::Outside(_)));
            assert!(!refused.to_string().contains("TOKEN"));
            assert_eq!(r.read("schema/in.yaml", 100).unwrap(), b"a: 1\n");
            assert!(matches!(r.read("schema/dangling.yaml", 100), Err(Refusal::NotRegular(_))));
            assert!(matches!(read_regular(Path::new("/dev/zero"), 100), Err(Refusal::NotRegular("a device"))));
        }
    }
}
