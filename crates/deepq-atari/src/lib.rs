//! The Arcade Learning Environment (Atari 2600) as deepq environments, and the standard Atari
//! wrappers.
//!
//! This crate links the ALE 0.12.1 — the emulator of ale-py 0.12.1, built from source by
//! `deepq-ale-sys` — and is therefore GPL-2.0; the rest of deepq does not depend on it. Call
//! [`register`] once to make the Atari ids available through `deepq_env::make` / `make_with`:
//!
//! - `<Game>NoFrameskip-v4` (1 frame per step, no sticky actions) and `ALE/<Game>-v5` (4 frames,
//!   sticky actions 0.25), e.g. `PongNoFrameskip-v4`, `ALE/Breakout-v5`; the legacy
//!   `<Game>-v4`, `<Game>NoFrameskip-v0`, `<Game>-v0` (see [`games::all_ids`]);
//! - their RAM variants `<Game>-ramNoFrameskip-v4`, `ALE/<Game>-ram-v5` (or `obs_type = "ram"`).
//!
//! ROMs are not shipped: they are read from the `rom_dir` kwarg, `$DEEPQ_ROM_DIR`, or the
//! `ale_py/roms/` folder of the reference venv `.venv-ref` (`scripts/setup_atari.sh`).
//! [`wrappers::make_atari_stack`] builds the standard preprocessing stacks.

#![warn(missing_docs)]

pub mod ale;
pub mod env;
pub mod games;
pub mod kept_rom;
pub mod np_random;
pub mod provider;
pub mod resize;
pub mod wrappers;

pub use ale::ale_version;
pub use env::{AtariConfig, AtariEnv, ObsType};
pub use games::all_ids;
pub use provider::AtariProvider;
pub use wrappers::{make_atari_stack, StackKind};

/// Registers the Atari ids with the deepq-env registry (idempotent).
pub fn register() {
    deepq_env::register_provider(Box::new(AtariProvider));
}
