//! Pressing FIRE at a fixed period.

use super::forward_spaces;
use deepq_env::{Env, EnvError, Info, Obs, Space, Step};

/// Replaces the agent's action with action 1 (`FIRE`) on agent steps `period`, `2 * period`, ...
/// of every episode (counted from its reset). The UCLA course project's Breakout loop does this
/// so that a relaunch is never missed after a lost life. The replay stores the action the agent
/// chose, not the FIRE that was played (the wrapper sits inside the env). Only meaningful for
/// games whose action 1 is `FIRE`; the Atari provider checks that.
pub struct FireEvery {
    inner: Box<dyn Env>,
    period: usize,
    t: usize,
}

impl FireEvery {
    /// Wraps `inner`; `period` must be at least 1.
    pub fn new(inner: Box<dyn Env>, period: usize) -> Result<Self, EnvError> {
        if period == 0 {
            return Err(EnvError::BadKwarg("fire_every must be at least 1".into()));
        }
        Ok(Self { inner, period, t: 0 })
    }
}

impl Env for FireEvery {
    forward_spaces!();

    fn observation_space(&self) -> &Space {
        self.inner.observation_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        self.t = 0;
        self.inner.reset(seed)
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        self.t += 1;
        let action = if self.t.is_multiple_of(self.period) { 1 } else { action };
        self.inner.step(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_period_th_step_of_an_episode_plays_fire() {
        let mut wrapped = FireEvery::new(deepq_env::make("CartPole-v1").unwrap(), 3).unwrap();
        let mut plain = deepq_env::make("CartPole-v1").unwrap();
        for episode in 0..2 {
            wrapped.reset(Some(episode));
            plain.reset(Some(episode));
            // The agent always picks 0; steps 3 and 6 of each episode play 1.
            for t in 1..=7 {
                let a = wrapped.step(0).unwrap();
                let b = plain.step(usize::from(t % 3 == 0)).unwrap();
                assert_eq!(a.obs, b.obs, "episode {episode} step {t}");
            }
        }
        assert!(FireEvery::new(deepq_env::make("CartPole-v1").unwrap(), 0).is_err());
    }
}
