//! Life loss as the end of a training episode.

use super::{forward_spaces, lives};
use deepq_env::{Env, EnvError, Info, Obs, Space, Step};

/// Makes the loss of a life end the episode (`terminated = true`) without resetting the game,
/// as Baselines' `EpisodicLifeEnv`: the next `reset` only takes a no-op step and play goes on
/// from where the life was lost; the game is really reset only after a real game over (or a
/// truncation). Lives are read from the `lives` info entry. A seeded `reset(Some(seed))`
/// always resets the game for real (a seed asks for a reproducible start).
pub struct EpisodicLife {
    inner: Box<dyn Env>,
    lives: f64,
    real_done: bool,
    over: bool,
}

impl EpisodicLife {
    /// Wraps `inner`, whose info must carry `lives` (every Atari env does).
    pub fn new(inner: Box<dyn Env>) -> Self {
        EpisodicLife { inner, lives: 0.0, real_done: true, over: false }
    }

    /// Whether the last episode end was a real game over (or truncation).
    pub fn was_real_done(&self) -> bool {
        self.real_done
    }
}

impl Env for EpisodicLife {
    forward_spaces!();

    fn observation_space(&self) -> &Space {
        self.inner.observation_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        let (obs, info) = if self.real_done || seed.is_some() {
            self.inner.reset(seed)
        } else {
            match self.inner.step(0) {
                Ok(s) if !s.done() => (s.obs, s.info),
                _ => self.inner.reset(None),
            }
        };
        self.lives = lives(&info);
        self.over = false;
        (obs, info)
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        if self.over {
            return Err(EnvError::EpisodeOver);
        }
        let mut s = self.inner.step(action)?;
        self.real_done = s.done();
        let now = lives(&s.info);
        if now > 0.0 && now < self.lives {
            s.terminated = true;
        }
        self.lives = now;
        self.over = s.done();
        Ok(s)
    }
}
