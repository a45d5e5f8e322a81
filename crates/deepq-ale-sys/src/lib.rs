//! Raw bindings to the Arcade Learning Environment 0.12.1 — the emulator inside ale-py 0.12.1 —
//! vendored in `ale/` (from the ale-py 0.12.1 source distribution) and compiled by `build.rs`,
//! through the small C interface of `shim/deepq_ale.cpp`.
//!
//! Every function takes the pointer returned by [`dq_ale_new`] (except the free-standing
//! ones) and must not be called after [`dq_ale_del`]. No C++ exception crosses the interface:
//! failures are reported by the return values documented on each function.
//!
//! GPL-2.0-only, like the ALE.

#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int, c_void};

/// An `ale::ALEInterface` (opaque).
pub type DqAle = c_void;

extern "C" {
    /// The ALE version string (`"0.12.1"`), static.
    pub fn dq_ale_version() -> *const c_char;
    /// The ALE's process-wide log level: 0 info, 1 warnings, 2 errors only.
    pub fn dq_ale_set_logger_mode(mode: c_int);
    /// A new emulator without a ROM, or null on failure.
    pub fn dq_ale_new() -> *mut DqAle;
    /// Deletes an emulator made by [`dq_ale_new`].
    pub fn dq_ale_del(ale: *mut DqAle);
    /// Sets an integer setting (`random_seed`, `max_num_frames_per_episode`, `frame_skip`, ...);
    /// 0 on success, -1 on failure. Takes effect at the next ROM load.
    pub fn dq_ale_set_int(ale: *mut DqAle, key: *const c_char, value: c_int) -> c_int;
    /// Sets a float setting (`repeat_action_probability`); 0 on success, -1 on failure.
    pub fn dq_ale_set_float(ale: *mut DqAle, key: *const c_char, value: f32) -> c_int;
    /// Sets a boolean setting; 0 on success, -1 on failure.
    pub fn dq_ale_set_bool(ale: *mut DqAle, key: *const c_char, value: bool) -> c_int;
    /// Whether the ALE has game settings for the ROM file at `path`: 2 if its MD5 is a supported
    /// ROM's, 1 if only the file name names a supported game, 0 if the ALE would refuse it (its
    /// `loadROM` exits the process then), -1 if the file cannot be read.
    pub fn dq_ale_rom_support(path: *const c_char) -> c_int;
    /// Loads a ROM (check it with [`dq_ale_rom_support`] first); 0 on success, -1 on failure.
    pub fn dq_ale_load_rom(ale: *mut DqAle, path: *const c_char) -> c_int;
    /// Emulates `frame_skip` frames with the ALE action code `action` (sticky actions applied
    /// by the ALE); returns the reward.
    pub fn dq_ale_act(ale: *mut DqAle, action: c_int, paddle_strength: f32) -> c_int;
    /// Whether the game is over (or, with `with_truncation`, truncated by the frame limit).
    pub fn dq_ale_game_over(ale: *mut DqAle, with_truncation: bool) -> bool;
    /// Whether the episode reached `max_num_frames_per_episode`.
    pub fn dq_ale_game_truncated(ale: *mut DqAle) -> bool;
    /// Resets the game; 0 on success, -1 on failure.
    pub fn dq_ale_reset_game(ale: *mut DqAle) -> c_int;
    /// Remaining lives.
    pub fn dq_ale_lives(ale: *mut DqAle) -> c_int;
    /// Frames emulated since the ROM was loaded.
    pub fn dq_ale_frame_number(ale: *mut DqAle) -> c_int;
    /// Frames emulated in the current episode.
    pub fn dq_ale_episode_frame_number(ale: *mut DqAle) -> c_int;
    /// Writes at most `cap` action codes of the minimal action set to `out` (may be null);
    /// returns the set's size, or -1 on failure.
    pub fn dq_ale_minimal_action_set(ale: *mut DqAle, out: *mut c_int, cap: c_int) -> c_int;
    /// As [`dq_ale_minimal_action_set`] for the 18 legal actions.
    pub fn dq_ale_legal_action_set(ale: *mut DqAle, out: *mut c_int, cap: c_int) -> c_int;
    /// Screen width of the loaded ROM, in pixels.
    pub fn dq_ale_screen_width(ale: *mut DqAle) -> c_int;
    /// Screen height of the loaded ROM, in pixels.
    pub fn dq_ale_screen_height(ale: *mut DqAle) -> c_int;
    /// Bytes of console RAM (128).
    pub fn dq_ale_ram_size(ale: *mut DqAle) -> c_int;
    /// Copies the RAM into `out` if `len` is the RAM size; returns the bytes written or -1.
    pub fn dq_ale_get_ram(ale: *mut DqAle, out: *mut u8, len: usize) -> c_int;
    /// Copies the screen's palette indices into `out` if `len` is width * height; returns the
    /// bytes written or -1.
    pub fn dq_ale_get_screen(ale: *mut DqAle, out: *mut u8, len: usize) -> c_int;
    /// Writes the RGB screen (HWC) into `out` if `len` is 3 * width * height; returns the bytes
    /// written or -1.
    pub fn dq_ale_get_screen_rgb(ale: *mut DqAle, out: *mut u8, len: usize) -> c_int;
    /// Writes the ALE's grayscale screen into `out` if `len` is width * height; returns the
    /// bytes written or -1.
    pub fn dq_ale_get_screen_grayscale(ale: *mut DqAle, out: *mut u8, len: usize) -> c_int;
}
