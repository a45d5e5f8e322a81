//! Reward clipping.

use super::forward_spaces;
use deepq_env::{Env, EnvError, Info, Obs, Space, Step};

/// Replaces every reward by its sign (-1, 0 or +1), as Baselines' `ClipRewardEnv` (the DQN
/// paper's reward clipping). The unclipped reward is kept in the info entry `raw_reward`.
pub struct ClipReward {
    inner: Box<dyn Env>,
}

impl ClipReward {
    /// Wraps `inner`.
    pub fn new(inner: Box<dyn Env>) -> Self {
        ClipReward { inner }
    }
}

/// The sign of `r`, 0 for 0 (`np.sign`).
pub(crate) fn sign(r: f64) -> f64 {
    if r > 0.0 {
        1.0
    } else if r < 0.0 {
        -1.0
    } else {
        0.0
    }
}

impl Env for ClipReward {
    forward_spaces!();

    fn observation_space(&self) -> &Space {
        self.inner.observation_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        self.inner.reset(seed)
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        let mut s = self.inner.step(action)?;
        s.info.set("raw_reward", s.reward);
        s.reward = sign(s.reward);
        Ok(s)
    }
}
