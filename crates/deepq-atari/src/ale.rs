//! A small safe layer over the ALE's C interface (`ale-sys`, ALE 0.6).
//!
//! The ALE calls `exit(1)` on a missing or unsupported ROM, so [`Ale::load`] checks both before
//! handing the path over. Construction and ROM loading are serialised process-wide (the
//! emulator has lazily built global tables); stepping different instances in parallel is fine.

use std::ffi::CString;
use std::os::raw::c_int;
use std::path::Path;
use std::sync::Mutex;

/// Screen height in pixels.
pub const SCREEN_HEIGHT: usize = 210;
/// Screen width in pixels.
pub const SCREEN_WIDTH: usize = 160;
/// Pixels per screen.
pub const SCREEN_PIXELS: usize = SCREEN_HEIGHT * SCREEN_WIDTH;
/// Bytes of console RAM.
pub const RAM_SIZE: usize = 128;

static ALE_LOCK: Mutex<()> = Mutex::new(());

/// One emulator instance (an `ALEInterface`), owned.
pub struct Ale {
    ptr: *mut ale_sys::ALEInterface,
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
            let ale = Ale { ptr };
            ale_sys::setFloat(ptr, cstr("repeat_action_probability").as_ptr(), 0.0);
            ale_sys::setInt(ptr, cstr("max_num_frames_per_episode").as_ptr(), 0);
            ale_sys::setInt(ptr, cstr("frame_skip").as_ptr(), 1);
            ale_sys::setInt(ptr, cstr("random_seed").as_ptr(), seed);
            ale_sys::loadROM(ptr, cstr(&rom.to_string_lossy()).as_ptr());
            ale
        }
    }

    /// Re-seeds the emulator's RNG and reloads the ROM (what ale-py does on a seeded reset).
    pub fn reseed_and_reload(&mut self, rom: &Path, seed: i32) {
        let _guard = ALE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: valid instance; the ROM was loaded from this path before.
        unsafe {
            ale_sys::setInt(self.ptr, cstr("random_seed").as_ptr(), seed);
            ale_sys::loadROM(self.ptr, cstr(&rom.to_string_lossy()).as_ptr());
        }
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

    /// Copies the 128 RAM bytes into `out`.
    pub fn ram(&self, out: &mut [u8; RAM_SIZE]) {
        // SAFETY: `out` holds exactly the RAM size.
        unsafe { ale_sys::getRAM(self.ptr, out.as_mut_ptr()) }
    }

    /// Copies the screen's palette indices (210x160 bytes) into `out`.
    #[inline]
    pub fn screen_indices(&self, out: &mut [u8]) {
        assert_eq!(out.len(), SCREEN_PIXELS);
        // SAFETY: `out` holds one byte per pixel.
        unsafe { ale_sys::getScreen(self.ptr, out.as_mut_ptr()) }
    }

    /// Writes the RGB screen (210x160x3, HWC) into `out`.
    pub fn screen_rgb(&self, out: &mut [u8]) {
        assert_eq!(out.len(), SCREEN_PIXELS * 3);
        // SAFETY: `out` holds three bytes per pixel.
        unsafe { ale_sys::getScreenRGB(self.ptr, out.as_mut_ptr()) }
    }

    /// Writes the ALE's grayscale screen (its luminance palette, 210x160) into `out`.
    pub fn screen_grayscale(&self, out: &mut [u8]) {
        assert_eq!(out.len(), SCREEN_PIXELS);
        // SAFETY: `out` holds one byte per pixel.
        unsafe { ale_sys::getScreenGrayscale(self.ptr, out.as_mut_ptr()) }
    }
}

impl Drop for Ale {
    fn drop(&mut self) {
        // SAFETY: the instance was created by `ALE_new` and is deleted once.
        unsafe { ale_sys::ALE_del(self.ptr) }
    }
}
