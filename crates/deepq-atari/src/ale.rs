//! A small safe layer over the ALE's C interface (`ale-sys`, ALE 0.6).
//!
//! The screen is not the same size for every game: most are 210x160, but some (AirRaid,
//! Carnival, Pooyan, ...) are up to 250 lines tall. The C getters write as many bytes as the
//! loaded ROM's screen has, so every buffer handed to them is checked against the size the
//! emulator reports, before the call, by an assertion that is kept in release builds.
//!
//! The ALE calls `exit(1)` on a missing or unsupported ROM, so [`Ale::load`] checks both before
//! handing the path over. Construction and ROM loading are serialised process-wide (the
//! emulator has lazily built global tables); stepping different instances in parallel is fine.

use std::ffi::CString;
use std::os::raw::c_int;
use std::path::Path;
use std::sync::Mutex;

static ALE_LOCK: Mutex<()> = Mutex::new(());

/// One emulator instance (an `ALEInterface`), owned.
pub struct Ale {
    ptr: *mut ale_sys::ALEInterface,
    /// Screen size and RAM size as the emulator reported them after the last ROM load.
    width: usize,
    height: usize,
    ram_size: usize,
}

// SAFETY: an `ALEInterface` has no thread affinity; it is only used through `&mut self`
// (or `&self` for pure getters), so it is never accessed from two threads at once.
unsafe impl Send for Ale {}

fn cstr(s: &str) -> CString {
    CString::new(s).expect("ALE setting names and paths have no NUL bytes")
}

impl Ale {
    /// Creates an emulator with the ALE's own sticky actions switched off (deepq applies sticky
    /// actions itself), no per-episode frame limit and the given random seed, and loads `rom`.
    /// The caller must have checked that `rom` exists and names a supported game.
    pub fn load(rom: &Path, seed: i32) -> Self {
        let _guard = ALE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: plain FFI calls on a freshly created, non-null instance.
        unsafe {
            ale_sys::setLoggerMode(2);
            let ptr = ale_sys::ALE_new();
            assert!(!ptr.is_null(), "ALE_new returned null");
            let mut ale = Ale { ptr, width: 0, height: 0, ram_size: 0 };
            ale_sys::setFloat(ptr, cstr("repeat_action_probability").as_ptr(), 0.0);
            ale_sys::setInt(ptr, cstr("max_num_frames_per_episode").as_ptr(), 0);
            ale_sys::setInt(ptr, cstr("frame_skip").as_ptr(), 1);
            ale_sys::setInt(ptr, cstr("random_seed").as_ptr(), seed);
            ale_sys::loadROM(ptr, cstr(&rom.to_string_lossy()).as_ptr());
            ale.read_sizes();
            ale
        }
    }

    /// The emulator's current report: (screen width, screen height, RAM bytes).
    fn reported_sizes(&self) -> (usize, usize, usize) {
        // SAFETY: valid instance; pure getters.
        let (w, h, ram) = unsafe {
            (ale_sys::getScreenWidth(self.ptr), ale_sys::getScreenHeight(self.ptr), ale_sys::getRAMSize(self.ptr))
        };
        let size = |v: std::os::raw::c_int| usize::try_from(v).expect("the ALE reported a negative size");
        (size(w), size(h), size(ram))
    }

    /// Records the sizes the emulator reports for the loaded ROM.
    fn read_sizes(&mut self) {
        (self.width, self.height, self.ram_size) = self.reported_sizes();
    }

    /// Panics unless `len` is the number of bytes the emulator reports for the screen times
    /// `bytes_per_pixel` (so that a C getter writing the screen stays inside the buffer).
    #[inline]
    fn check_screen_buffer(&self, len: usize, bytes_per_pixel: usize, what: &str) {
        let (w, h, _) = self.reported_sizes();
        assert!(
            len == w * h * bytes_per_pixel,
            "{what}: buffer of {len} bytes, but the emulator's screen is {h}x{w} ({} bytes)",
            w * h * bytes_per_pixel
        );
    }

    /// Re-seeds the emulator's RNG and reloads the ROM (what ale-py does on a seeded reset).
    pub fn reseed_and_reload(&mut self, rom: &Path, seed: i32) {
        let _guard = ALE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: valid instance; the ROM was loaded from this path before.
        unsafe {
            ale_sys::setInt(self.ptr, cstr("random_seed").as_ptr(), seed);
            ale_sys::loadROM(self.ptr, cstr(&rom.to_string_lossy()).as_ptr());
        }
        self.read_sizes();
    }

    /// Screen width in pixels, as the emulator reports it for the loaded ROM (160 for every
    /// game the ALE runs).
    #[inline]
    pub fn screen_width(&self) -> usize {
        self.width
    }

    /// Screen height in pixels, as the emulator reports it for the loaded ROM: 210 for most
    /// games, up to 250 for some.
    #[inline]
    pub fn screen_height(&self) -> usize {
        self.height
    }

    /// Pixels per screen (`screen_height() * screen_width()`).
    #[inline]
    pub fn screen_pixels(&self) -> usize {
        self.width * self.height
    }

    /// Bytes of console RAM, as the emulator reports it (128 on the Atari 2600).
    #[inline]
    pub fn ram_size(&self) -> usize {
        self.ram_size
    }

    /// Emulates one frame with the ALE action code `action`; returns the frame's reward.
    #[inline]
    pub fn act(&mut self, action: i32) -> i32 {
        // SAFETY: valid instance.
        unsafe { ale_sys::act(self.ptr, action as c_int) }
    }

    /// Whether the game is over.
    #[inline]
    pub fn game_over(&self) -> bool {
        // SAFETY: valid instance.
        unsafe { ale_sys::game_over(self.ptr) }
    }

    /// Resets the game (the ALE's deterministic reset sequence).
    pub fn reset_game(&mut self) {
        // SAFETY: valid instance.
        unsafe { ale_sys::reset_game(self.ptr) }
    }

    /// Remaining lives.
    #[inline]
    pub fn lives(&self) -> i32 {
        // SAFETY: valid instance.
        unsafe { ale_sys::lives(self.ptr) }
    }

    /// Frames emulated since the ROM was loaded.
    pub fn frame_number(&self) -> i64 {
        // SAFETY: valid instance.
        unsafe { ale_sys::getFrameNumber(self.ptr) as i64 }
    }

    /// Frames emulated in the current episode.
    #[inline]
    pub fn episode_frame_number(&self) -> i64 {
        // SAFETY: valid instance.
        unsafe { ale_sys::getEpisodeFrameNumber(self.ptr) as i64 }
    }

    /// The game's minimal action set (ALE action codes).
    pub fn minimal_action_set(&self) -> Vec<i32> {
        // SAFETY: the buffer has the size the ALE reports.
        unsafe {
            let n = ale_sys::getMinimalActionSize(self.ptr).max(0) as usize;
            let mut v = vec![0 as c_int; n];
            ale_sys::getMinimalActionSet(self.ptr, v.as_mut_ptr());
            v
        }
    }

    /// All 18 legal actions (ALE action codes).
    pub fn legal_action_set(&self) -> Vec<i32> {
        // SAFETY: the buffer has the size the ALE reports.
        unsafe {
            let n = ale_sys::getLegalActionSize(self.ptr).max(0) as usize;
            let mut v = vec![0 as c_int; n];
            ale_sys::getLegalActionSet(self.ptr, v.as_mut_ptr());
            v
        }
    }

    /// Copies the console RAM into `out`, which must hold exactly [`Ale::ram_size`] bytes.
    pub fn ram(&self, out: &mut [u8]) {
        // SAFETY: valid instance; pure getter.
        let n = unsafe { ale_sys::getRAMSize(self.ptr) };
        assert!(
            usize::try_from(n).is_ok_and(|n| n == out.len()),
            "RAM: buffer of {} bytes, but the emulator has {n}",
            out.len()
        );
        // SAFETY: `out` holds exactly the RAM size the emulator reports (checked above).
        unsafe { ale_sys::getRAM(self.ptr, out.as_mut_ptr()) }
    }

    /// Copies the screen's palette indices (one byte per pixel, row-major) into `out`, which
    /// must hold exactly [`Ale::screen_pixels`] bytes.
    #[inline]
    pub fn screen_indices(&self, out: &mut [u8]) {
        self.check_screen_buffer(out.len(), 1, "screen indices");
        // SAFETY: `out` holds one byte per pixel of the screen the emulator reports (checked).
        unsafe { ale_sys::getScreen(self.ptr, out.as_mut_ptr()) }
    }

    /// Writes the RGB screen (height x width x 3, HWC) into `out`, which must hold exactly
    /// `3 *` [`Ale::screen_pixels`] bytes.
    pub fn screen_rgb(&self, out: &mut [u8]) {
        self.check_screen_buffer(out.len(), 3, "RGB screen");
        // SAFETY: `out` holds three bytes per pixel of the screen the emulator reports (checked).
        unsafe { ale_sys::getScreenRGB(self.ptr, out.as_mut_ptr()) }
    }

    /// Writes the ALE's grayscale screen (its luminance palette, height x width) into `out`,
    /// which must hold exactly [`Ale::screen_pixels`] bytes.
    pub fn screen_grayscale(&self, out: &mut [u8]) {
        self.check_screen_buffer(out.len(), 1, "grayscale screen");
        // SAFETY: `out` holds one byte per pixel of the screen the emulator reports (checked).
        unsafe { ale_sys::getScreenGrayscale(self.ptr, out.as_mut_ptr()) }
    }
}

impl Drop for Ale {
    fn drop(&mut self) {
        // SAFETY: the instance was created by `ALE_new` and is deleted once.
        unsafe { ale_sys::ALE_del(self.ptr) }
    }
}
