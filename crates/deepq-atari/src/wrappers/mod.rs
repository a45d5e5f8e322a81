//! The standard Atari wrappers (OpenAI Baselines / Stable-Baselines3 semantics), each a
//! reusable [`Env`](deepq_env::Env) wrapper, and the stacks built from them.
//!
//! The two lowest layers ([`NoopReset`], [`MaxAndSkip`]) wrap an [`AtariCore`] — the
//! [`AtariEnv`] itself or a wrapper that hands it through — because they read the emulator's
//! screen directly instead of building an observation on every frame. The upper layers wrap
//! any `Box<dyn Env>`.

mod clip_reward;
mod episodic_life;
mod fire_after_life_loss;
mod fire_every;
mod fire_reset;
mod frame_stack;
mod max_and_skip;
mod noop_reset;
mod stacks;
mod warp_frame;

pub use clip_reward::ClipReward;
pub use episodic_life::EpisodicLife;
pub use fire_after_life_loss::FireAfterLifeLoss;
pub use fire_every::FireEvery;
pub use fire_reset::FireReset;
pub use frame_stack::{FrameStack, StackOrder, StackPadding};
pub use max_and_skip::{MaxAndSkip, SkipMemory, SkipOutput};
pub use noop_reset::NoopReset;
pub use stacks::{make_atari_stack, StackKind};
pub use warp_frame::{FrameProcessor, WarpFrame, WarpKind};

use crate::env::AtariEnv;
use deepq_env::Env;

/// An environment with an [`AtariEnv`] at its core that wrappers may reach through.
pub trait AtariCore: Env {
    /// The emulator environment.
    fn atari(&self) -> &AtariEnv;
    /// The emulator environment, mutably.
    fn atari_mut(&mut self) -> &mut AtariEnv;
}

impl AtariCore for AtariEnv {
    fn atari(&self) -> &AtariEnv {
        self
    }
    fn atari_mut(&mut self) -> &mut AtariEnv {
        self
    }
}

/// The lives left, from an Atari env's `lives` info entry (0 when absent).
pub(crate) fn lives(info: &deepq_env::Info) -> f64 {
    info.get("lives").unwrap_or(0.0)
}

/// Forwards the `Env` methods that a wrapper does not change to `self.inner`.
macro_rules! forward_spaces {
    () => {
        fn id(&self) -> &str {
            self.inner.id()
        }
        fn action_space(&self) -> &deepq_env::Space {
            self.inner.action_space()
        }
        fn render(&mut self) -> Result<deepq_env::RgbFrame, deepq_env::EnvError> {
            self.inner.render()
        }
    };
}
pub(crate) use forward_spaces;
