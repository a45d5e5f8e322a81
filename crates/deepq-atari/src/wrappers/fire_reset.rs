//! Pressing FIRE to start.

use super::forward_spaces;
use deepq_env::{Env, EnvError, Info, Obs, Space, Step};

/// On reset, takes action 1 (`FIRE`) and then action 2, as Baselines' and SB3's `FireResetEnv`
/// (used by Lapan's book and the Practical-RL course too): games such as Breakout wait for
/// FIRE before play starts. If either step ends the episode, the inner env is reset again
/// (without a seed). As in those references the observation returned is the one of the second
/// step, even when that step ended the episode and the env was reset after it (the info is then
/// the reset's). Only meaningful for games whose action 1 is `FIRE`;
/// [`crate::wrappers::make_atari_stack`] adds it only for those.
pub struct FireReset {
    inner: Box<dyn Env>,
}

impl FireReset {
    /// Wraps `inner`, which needs at least 3 actions.
    pub fn new(inner: Box<dyn Env>) -> Result<Self, EnvError> {
        if inner.n_actions() < 3 {
            return Err(EnvError::Other(format!(
                "FireReset needs an env with at least 3 actions (FIRE = 1), '{}' has {}",
                inner.id(),
                inner.n_actions()
            )));
        }
        Ok(FireReset { inner })
    }
}

impl Env for FireReset {
    forward_spaces!();

    fn observation_space(&self) -> &Space {
        self.inner.observation_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        let mut out = self.inner.reset(seed);
        for action in [1, 2] {
            out = match self.inner.step(action) {
                Ok(s) if !s.done() => (s.obs, s.info),
                Ok(s) => {
                    let (_, info) = self.inner.reset(None);
                    (s.obs, info)
                }
                Err(_) => self.inner.reset(None),
            };
        }
        out
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        self.inner.step(action)
    }
}
