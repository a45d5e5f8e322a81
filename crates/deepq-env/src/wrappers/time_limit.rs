//! Gymnasium's `TimeLimit`: truncates an episode after a number of steps.

use crate::env::{Env, EnvError, Info, Obs, RgbFrame, Step};
use crate::space::Space;

/// Sets `truncated` once `max_episode_steps` steps have been taken in an episode.
pub struct TimeLimit {
    inner: Box<dyn Env>,
    max_episode_steps: usize,
    elapsed: usize,
    over: bool,
}

impl TimeLimit {
    /// Wraps `inner` with a limit of `max_episode_steps` steps per episode.
    pub fn new(inner: Box<dyn Env>, max_episode_steps: usize) -> Self {
        Self { inner, max_episode_steps, elapsed: 0, over: false }
    }

    /// Steps taken in the current episode.
    pub fn elapsed_steps(&self) -> usize {
        self.elapsed
    }
}

impl Env for TimeLimit {
    fn id(&self) -> &str {
        self.inner.id()
    }
    fn observation_space(&self) -> &Space {
        self.inner.observation_space()
    }
    fn action_space(&self) -> &Space {
        self.inner.action_space()
    }
    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        self.elapsed = 0;
        self.over = false;
        self.inner.reset(seed)
    }
    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        if self.over {
            return Err(EnvError::EpisodeOver);
        }
        let mut step = self.inner.step(action)?;
        self.elapsed += 1;
        if self.elapsed >= self.max_episode_steps {
            step.truncated = true;
        }
        self.over = step.done();
        Ok(step)
    }
    fn render(&mut self) -> Result<RgbFrame, EnvError> {
        self.inner.render()
    }
    fn rng_state(&self) -> Option<Vec<u8>> {
        self.inner.rng_state()
    }
    fn set_rng_state(&mut self, state: &[u8]) -> bool {
        self.inner.set_rng_state(state)
    }
}
