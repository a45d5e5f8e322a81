//! A small safe layer over the ALE 0.12.1's C interface (`deepq-ale-sys`).
//!
//! The screen is not the same size for every game: most are 210x160, but some (AirRaid,
//! Carnival, Pooyan, ...) are up to 250 lines tall. The C getters write as many bytes as the
//! loaded ROM's screen has, so every buffer handed to them is checked against the size the
//! emulator reports, before the call, by an assertion that is kept in release builds.
//!
//! The ALE calls `exit(1)` on an unsupported ROM, so [`Ale::load`] asks the ALE's game table
//! first ([`rom_support`]) and returns an error instead. Construction and ROM loading are serialised process-wide (the
//! emulator has lazily built global tables); stepping different instances in parallel is fine.

use deepq_ale_sys as sys;
use std::ffi::{CStr, CString};
use std::os::raw::c_int;
use std::path::Path;
use std::sync::Mutex;

static ALE_LOCK: Mutex<()> = Mutex::new(());

/// The version of the linked ALE (`"0.12.1"`).
pub fn ale_version() -> String {
    // SAFETY: a static NUL-terminated string.
    unsafe { CStr::from_ptr(sys::dq_ale_version()) }.to_string_lossy().into_owned()
}

/// How the linked ALE knows a ROM file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RomSupport {
    /// Its MD5 is one of the ROMs the ALE supports.
    Md5,
    /// Only its file name names a supported game (the ALE loads it with a warning).
    NameOnly,
    /// The ALE has no settings for it (and would exit the process when asked to load it).
    Unsupported,
    /// The file cannot be read.
    Unreadable,
}

/// Whether the linked ALE can load the ROM file `rom`.
pub fn rom_support(rom: &Path) -> RomSupport {
    let path = cstr(&rom.to_string_lossy());
    // SAFETY: a valid C string; the function only reads the file.
    match unsafe { sys::dq_ale_rom_support(path.as_ptr()) } {
        2 => RomSupport::Md5,
        1 => RomSupport::NameOnly,
        0 => RomSupport::Unsupported,
        _ => RomSupport::Unreadable,
    }
}

/// One emulator instance (an `ALEInterface`), owned.
pub struct Ale {
    ptr: *mut sys::DqAle,
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
    /// Creates an emulator the way ale-py 0.12.1's `AtariEnv` sets it up: errors-only logging,
    /// the ALE's own sticky actions with `repeat_action_probability`, `max_frames_per_episode`
    /// (0: no limit), one frame per `act`, the given random seed; then loads `rom`. Errors
    /// when the ALE does not support the ROM (checked first: the ALE would exit the process).
    pub fn load(
        rom: &Path,
        seed: i32,
        repeat_action_probability: f32,
        max_frames_per_episode: i32,
    ) -> Result<Self, String> {
        check_rom(rom)?;
        let _guard = ALE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: plain FFI calls on a freshly created, non-null instance.
        unsafe {
            sys::dq_ale_set_logger_mode(2);
            let ptr = sys::dq_ale_new();
            if ptr.is_null() {
                return Err("the ALE could not be created".into());
            }
            let mut ale = Ale { ptr, width: 0, height: 0, ram_size: 0 };
            sys::dq_ale_set_float(ptr, cstr("repeat_action_probability").as_ptr(), repeat_action_probability);
            sys::dq_ale_set_int(ptr, cstr("max_num_frames_per_episode").as_ptr(), max_frames_per_episode);
            sys::dq_ale_set_int(ptr, cstr("frame_skip").as_ptr(), 1);
            ale.load_rom(rom, seed)?;
            Ok(ale)
        }
    }

    fn load_rom(&mut self, rom: &Path, seed: i32) -> Result<(), String> {
        // SAFETY: valid instance; the ROM was checked to be supported.
        let rc = unsafe {
            sys::dq_ale_set_int(self.ptr, cstr("random_seed").as_ptr(), seed);
            sys::dq_ale_load_rom(self.ptr, cstr(&rom.to_string_lossy()).as_ptr())
        };
        if rc != 0 {
            return Err(format!("the ALE failed to load {}", rom.display()));
        }
        self.read_sizes();
        Ok(())
    }

    /// The emulator's current report: (screen width, screen height, RAM bytes).
    fn reported_sizes(&self) -> (usize, usize, usize) {
        // SAFETY: valid instance; pure getters.
        let (w, h, ram) = unsafe {
            (sys::dq_ale_screen_width(self.ptr), sys::dq_ale_screen_height(self.ptr), sys::dq_ale_ram_size(self.ptr))
        };
        let size = |v: c_int| usize::try_from(v).expect("the ALE reported a negative size");
        (size(w), size(h), size(ram))
    }

    /// Records the sizes the emulator reports for the loaded ROM.
    fn read_sizes(&mut self) {
        (self.width, self.height, self.ram_size) = self.reported_sizes();
    }

    /// Panics unless `len` is the number of bytes the emulator reports for the screen times
    /// `bytes_per_pixel` (so that a C getter writing the screen stays inside the buffer; the
    /// C side checks the length again).
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
    pub fn reseed_and_reload(&mut self, rom: &Path, seed: i32) -> Result<(), String> {
        let _guard = ALE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        self.load_rom(rom, seed)
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

    /// Emulates one frame with the ALE action code `action` (the ALE applies its sticky
    /// actions, drawing from its RNG even when the game is over, and emulates nothing past the
    /// end of an episode); returns the frame's reward.
    #[inline]
    pub fn act(&mut self, action: i32) -> i32 {
        // SAFETY: valid instance.
        unsafe { sys::dq_ale_act(self.ptr, action as c_int, 1.0) }
    }

    /// Whether the game is over (not counting the frame limit: see [`Ale::game_truncated`]).
    #[inline]
    pub fn game_over(&self) -> bool {
        // SAFETY: valid instance.
        unsafe { sys::dq_ale_game_over(self.ptr, false) }
    }

    /// Whether the episode reached the frame limit.
    #[inline]
    pub fn game_truncated(&self) -> bool {
        // SAFETY: valid instance.
        unsafe { sys::dq_ale_game_truncated(self.ptr) }
    }

    /// Resets the game (the ALE's deterministic reset sequence).
    pub fn reset_game(&mut self) {
        // SAFETY: valid instance.
        unsafe { sys::dq_ale_reset_game(self.ptr) };
    }

    /// Remaining lives.
    #[inline]
    pub fn lives(&self) -> i32 {
        // SAFETY: valid instance.
        unsafe { sys::dq_ale_lives(self.ptr) }
    }

    /// Frames emulated since the ROM was loaded.
    pub fn frame_number(&self) -> i64 {
        // SAFETY: valid instance.
        unsafe { sys::dq_ale_frame_number(self.ptr) as i64 }
    }

    /// Frames emulated in the current episode.
    #[inline]
    pub fn episode_frame_number(&self) -> i64 {
        // SAFETY: valid instance.
        unsafe { sys::dq_ale_episode_frame_number(self.ptr) as i64 }
    }

    /// The game's minimal action set (ALE action codes).
    pub fn minimal_action_set(&self) -> Vec<i32> {
        // SAFETY: the buffer has the size the ALE reports.
        unsafe {
            let n = sys::dq_ale_minimal_action_set(self.ptr, std::ptr::null_mut(), 0).max(0);
            let mut v = vec![0 as c_int; n as usize];
            let m = sys::dq_ale_minimal_action_set(self.ptr, v.as_mut_ptr(), n);
            assert_eq!(m, n, "the minimal action set changed size");
            v
        }
    }

    /// All 18 legal actions (ALE action codes).
    pub fn legal_action_set(&self) -> Vec<i32> {
        // SAFETY: the buffer has the size the ALE reports.
        unsafe {
            let n = sys::dq_ale_legal_action_set(self.ptr, std::ptr::null_mut(), 0).max(0);
            let mut v = vec![0 as c_int; n as usize];
            let m = sys::dq_ale_legal_action_set(self.ptr, v.as_mut_ptr(), n);
            assert_eq!(m, n, "the legal action set changed size");
            v
        }
    }

    /// Copies the console RAM into `out`, which must hold exactly [`Ale::ram_size`] bytes.
    pub fn ram(&self, out: &mut [u8]) {
        // SAFETY: valid instance; pure getter.
        let n = unsafe { sys::dq_ale_ram_size(self.ptr) };
        assert!(
            usize::try_from(n).is_ok_and(|n| n == out.len()),
            "RAM: buffer of {} bytes, but the emulator has {n}",
            out.len()
        );
        // SAFETY: `out` holds exactly the RAM size the emulator reports (checked above, and
        // by the C side, which writes nothing on a mismatch).
        let w = unsafe { sys::dq_ale_get_ram(self.ptr, out.as_mut_ptr(), out.len()) };
        assert_eq!(w, n, "RAM getter failed");
    }

    /// Copies the screen's palette indices (one byte per pixel, row-major) into `out`, which
    /// must hold exactly [`Ale::screen_pixels`] bytes.
    #[inline]
    pub fn screen_indices(&self, out: &mut [u8]) {
        self.check_screen_buffer(out.len(), 1, "screen indices");
        // SAFETY: `out` holds one byte per pixel of the screen the emulator reports (checked).
        let w = unsafe { sys::dq_ale_get_screen(self.ptr, out.as_mut_ptr(), out.len()) };
        assert_eq!(w as usize, out.len(), "screen getter failed");
    }

    /// Writes the RGB screen (height x width x 3, HWC) into `out`, which must hold exactly
    /// `3 *` [`Ale::screen_pixels`] bytes.
    pub fn screen_rgb(&self, out: &mut [u8]) {
        self.check_screen_buffer(out.len(), 3, "RGB screen");
        // SAFETY: `out` holds three bytes per pixel of the screen the emulator reports (checked).
        let w = unsafe { sys::dq_ale_get_screen_rgb(self.ptr, out.as_mut_ptr(), out.len()) };
        assert_eq!(w as usize, out.len(), "screen getter failed");
    }

    /// Writes the ALE's grayscale screen (its luminance palette, height x width) into `out`,
    /// which must hold exactly [`Ale::screen_pixels`] bytes.
    pub fn screen_grayscale(&self, out: &mut [u8]) {
        self.check_screen_buffer(out.len(), 1, "grayscale screen");
        // SAFETY: `out` holds one byte per pixel of the screen the emulator reports (checked).
        let w = unsafe { sys::dq_ale_get_screen_grayscale(self.ptr, out.as_mut_ptr(), out.len()) };
        assert_eq!(w as usize, out.len(), "screen getter failed");
    }
}

impl Drop for Ale {
    fn drop(&mut self) {
        // SAFETY: the instance was created by `ALE_new` and is deleted once.
        unsafe { sys::dq_ale_del(self.ptr) }
    }
}

/// An error unless the ALE supports the ROM file `rom`.
fn check_rom(rom: &Path) -> Result<(), String> {
    match rom_support(rom) {
        RomSupport::Md5 | RomSupport::NameOnly => Ok(()),
        RomSupport::Unsupported => Err(format!(
            "{} is not a ROM the ALE {} supports (neither its MD5 nor its file name is in the ALE's game list)",
            rom.display(),
            ale_version()
        )),
        RomSupport::Unreadable => Err(format!("cannot read the ROM file {}", rom.display())),
    }
}
