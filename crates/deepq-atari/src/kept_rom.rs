//! The ROM an env loaded, kept in memory so that a seeded reset, which reloads the ROM as
//! ale-py does, still works when the file has since been removed or replaced (a venv rebuilt or
//! upgraded during a long training).

use crate::ale::Ale;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static PRIVATE_COPIES: AtomicU64 = AtomicU64::new(0);

/// The ROM file an env was made from and the bytes it had then.
pub struct KeptRom {
    path: PathBuf,
    bytes: Vec<u8>,
    /// A private directory holding a copy of `bytes`, made once the original could not be used.
    private_dir: Option<PathBuf>,
}

impl KeptRom {
    /// Keeps `path`'s current contents (read right after the emulator loaded it).
    pub fn read(path: &Path) -> Result<Self, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read the ROM '{}': {e}", path.display()))?;
        Ok(Self { path: path.to_path_buf(), bytes, private_dir: None })
    }

    /// The file the emulator loads from: the original ROM, or the private copy once made.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reloads the ROM into `ale` with `seed`. When the file is gone or holds other bytes, the
    /// kept bytes are written to a private copy (same file name, which the ALE may use to
    /// identify the game) and that is loaded instead, now and from then on.
    pub fn reload(&mut self, ale: &mut Ale, seed: i32) -> Result<(), String> {
        if self.private_dir.is_none() && std::fs::read(&self.path).ok().as_deref() != Some(&self.bytes[..]) {
            self.make_private_copy()?;
        }
        ale.reseed_and_reload(&self.path, seed)
    }

    fn make_private_copy(&mut self) -> Result<(), String> {
        let n = PRIVATE_COPIES.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("deepq-rom-{}-{n}", std::process::id()));
        let name = self.path.file_name().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("rom.bin"));
        let copy = dir.join(name);
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&copy, &self.bytes))
            .map_err(|e| format!("the ROM '{}' changed and no copy could be written: {e}", self.path.display()))?;
        self.path = copy;
        self.private_dir = Some(dir);
        Ok(())
    }
}

impl Drop for KeptRom {
    fn drop(&mut self) {
        if let Some(dir) = &self.private_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
