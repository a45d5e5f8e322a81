//! Pressing FIRE after a lost life, in whole-game evaluations.

use super::{forward_spaces, lives};
use deepq_env::{Env, EnvError, Info, Obs, Space, Step};

/// After a step that loses a life without ending the game, takes the steps that the training
/// stack's life-loss reset takes (Baselines' and SB3's `EpisodicLifeEnv` then `FireResetEnv`):
/// a no-op, FIRE (action 1), then action 2, all within the same agent step, their rewards added
/// to it. An agent trained on life-loss episodes never had to press FIRE to launch the ball
/// (the reset did it), so without this a whole-game evaluation of Breakout stalls after the
/// first lost life; SB3's and CleanRL's whole-game scores (their `Monitor` and
/// `RecordEpisodeStatistics` sit below these wrappers) and the Practical-RL homework's
/// evaluation env all include these steps. Lives are read from the `lives` info entry.
pub struct FireAfterLifeLoss {
    inner: Box<dyn Env>,
    lives: f64,
}

impl FireAfterLifeLoss {
    /// Wraps `inner`, whose action 1 must be FIRE and whose info must carry `lives`.
    pub fn new(inner: Box<dyn Env>) -> Self {
        FireAfterLifeLoss { inner, lives: 0.0 }
    }
}

impl Env for FireAfterLifeLoss {
    forward_spaces!();

    fn observation_space(&self) -> &Space {
        self.inner.observation_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        let (obs, info) = self.inner.reset(seed);
        self.lives = lives(&info);
        (obs, info)
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        let mut s = self.inner.step(action)?;
        let now = lives(&s.info);
        if now > 0.0 && now < self.lives && !s.done() {
            for relaunch in [0, 1, 2] {
                let t = self.inner.step(relaunch)?;
                s.reward += t.reward;
                (s.obs, s.info, s.terminated, s.truncated) = (t.obs, t.info, t.terminated, t.truncated);
                if s.done() {
                    break;
                }
            }
        }
        self.lives = lives(&s.info);
        Ok(s)
    }
}
