//! Crash-safe whole-file writes.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temp files created by concurrent writers of the same process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Atomically replaces the contents of `path` with `bytes`.
///
/// The data is first written to a hidden temporary file in the same directory as `path`
/// (so that the final rename never crosses a file system), flushed to disk with `fsync`, and
/// then renamed over `path`. Readers therefore see either the old file or the complete new
/// one, never a torn write. On Unix the parent directory is also synced (best effort) so the
/// rename itself survives a power loss.
///
/// If anything fails, the temporary file is removed and the original `path` is untouched.
/// The parent directory must already exist.
pub fn atomic_write(path: impl AsRef<Path>, bytes: &[u8]) -> io::Result<()> {
    let path = path.as_ref();
    let file_name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("atomic_write: path has no file name: {}", path.display()))
    })?;
    let dir = directory_of(path);

    let (tmp_path, mut file) = create_temp(&dir, &file_name.to_string_lossy())?;
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        pause_for_tests(&file_name.to_string_lossy());
        fs::rename(&tmp_path, path)
    })();
    if let Err(err) = result {
        let _ = fs::remove_file(&tmp_path);
        return Err(err);
    }
    sync_dir(&dir);
    Ok(())
}

/// Checks, before any work is done, that [`atomic_write`] could later put a file at `path`:
/// its directory exists and takes a new file (one is created and removed), and `path` is not a
/// directory. Long jobs (a recorded game, an evaluation's report) call it first, so a bad path
/// fails at once rather than after the work.
pub fn check_writable_destination(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref();
    let file_name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("'{}' has no file name", path.display())))?;
    if path.is_dir() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("'{}' is a directory", path.display())));
    }
    let dir = directory_of(path);
    let (tmp_path, file) = create_temp(&dir, &file_name.to_string_lossy())?;
    drop(file);
    fs::remove_file(tmp_path)
}

/// The environment variable of a test hook (off unless set): `DEEPQ_TEST_PAUSE_WRITE=NAME@N`
/// makes the `N`-th atomic write (1-based; `NAME` alone means the first) of a file named `NAME`
/// in this process wait 60 s between its complete temporary file and the rename, after saying
/// so on stderr ([`PAUSE_WRITE_NOTE`]), so a test can kill the process inside that window (see
/// `crates/deepq/tests/reliability_kill.rs`).
pub const PAUSE_WRITE_VAR: &str = "DEEPQ_TEST_PAUSE_WRITE";

/// The stderr line of the [`PAUSE_WRITE_VAR`] hook when it holds a write.
pub const PAUSE_WRITE_NOTE: &str = "deepq: test hook: holding an atomic write before its rename";

/// Atomic writes of the file named in [`PAUSE_WRITE_VAR`] so far.
static PAUSE_WRITE_COUNT: AtomicU64 = AtomicU64::new(0);

/// The test hook of [`PAUSE_WRITE_VAR`].
fn pause_for_tests(file_name: &str) {
    let Some(spec) = std::env::var_os(PAUSE_WRITE_VAR) else { return };
    let spec = spec.to_string_lossy();
    let (name, nth) = match spec.split_once('@') {
        Some((name, n)) => (name, n.parse::<u64>().unwrap_or(1)),
        None => (&*spec, 1),
    };
    if name == file_name && PAUSE_WRITE_COUNT.fetch_add(1, Ordering::Relaxed) + 1 == nth {
        eprintln!("{PAUSE_WRITE_NOTE}");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

/// Serializes `value` as pretty-printed JSON (with a trailing newline) and writes it to
/// `path` with [`atomic_write`].
///
/// Accepts a `serde_json::Value` or any other `Serialize` type.
pub fn write_json_atomic<T: serde::Serialize + ?Sized>(path: impl AsRef<Path>, value: &T) -> io::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    bytes.push(b'\n');
    atomic_write(path, &bytes)
}

/// Creates a fresh, exclusively-owned temp file next to the destination.
fn create_temp(dir: &Path, file_name: &str) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp_path = dir.join(format!(".{file_name}.tmp.{pid}.{n}"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp_path) {
            Ok(file) => return Ok((tmp_path, file)),
            // A stale file from a crashed process with the same pid: pick the next name.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
    }
}

/// The directory a file at `path` goes into (`.` for a bare file name).
fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes a completed rename durable; errors are ignored because not every platform or
/// file system supports syncing a directory handle.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "deepq-log-atomic-{name}-{}-{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_replaces_without_leaving_temp_files() {
        let dir = scratch_dir("replace");
        let path = dir.join("summary.json");
        atomic_write(&path, b"first version, which is longer").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first version, which is longer");
        atomic_write(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(entries(&dir), vec!["summary.json".to_string()]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_parent_dir_is_an_error_and_leaves_nothing() {
        let dir = scratch_dir("missing");
        let err = atomic_write(dir.join("nope").join("x.txt"), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(entries(&dir).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rejects_path_without_file_name() {
        let err = atomic_write("/", b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn a_writable_destination_is_checked_without_leaving_anything() {
        let dir = scratch_dir("check");
        check_writable_destination(dir.join("x.gif")).unwrap();
        assert!(entries(&dir).is_empty());
        let missing = check_writable_destination(dir.join("nope").join("x.gif")).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        let is_dir = check_writable_destination(&dir).unwrap_err();
        assert!(is_dir.to_string().contains("is a directory"), "{is_dir}");
        assert!(entries(&dir).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn json_is_pretty_with_trailing_newline() {
        let dir = scratch_dir("json");
        let path = dir.join("summary.json");
        let value = serde_json::json!({"steps": 10, "mean_return": 1.5});
        write_json_atomic(&path, &value).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.ends_with("}\n"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        assert_eq!(entries(&dir), vec!["summary.json".to_string()]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
