//! Random no-op starts.

use super::{forward_spaces, AtariCore};
use crate::env::AtariEnv;
use deepq_env::{Env, EnvError, Info, Obs, Space, Step};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Stream offset that keeps the no-op count independent of the emulator's seed.
const NOOP_STREAM: u64 = 0x6e6f_6f70_5f72_6e67;

/// On reset, takes a random number of no-op actions (uniform in `1..=noop_max`, drawn from
/// deepq's RNG), as Baselines' `NoopResetEnv`: episodes then start from different states even
/// with a deterministic emulator. Action 0 must be `NOOP` (true for every ALE action set).
/// `reset(Some(seed))` also seeds the no-op count, so seeded episodes repeat.
pub struct NoopReset<E> {
    inner: E,
    noop_max: usize,
    rng: Option<ChaCha8Rng>,
}

impl<E: AtariCore> NoopReset<E> {
    /// Wraps `inner` with at most `noop_max` no-ops per reset (0 disables them).
    pub fn new(inner: E, noop_max: usize) -> Self {
        NoopReset { inner, noop_max, rng: None }
    }

    /// The wrapped environment.
    pub fn inner(&self) -> &E {
        &self.inner
    }

    /// Draws the number of no-ops for the next reset.
    fn draw(&mut self, seed: Option<u64>) -> usize {
        if let Some(seed) = seed {
            self.rng = Some(ChaCha8Rng::seed_from_u64(seed ^ NOOP_STREAM));
        }
        let rng = self.rng.get_or_insert_with(ChaCha8Rng::from_os_rng);
        if self.noop_max == 0 {
            0
        } else {
            rng.random_range(1..=self.noop_max)
        }
    }
}

impl<E: AtariCore> Env for NoopReset<E> {
    forward_spaces!();

    fn observation_space(&self) -> &Space {
        self.inner.observation_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        let noops = self.draw(seed);
        let (mut obs, mut info) = self.inner.reset(seed);
        for _ in 0..noops {
            match self.inner.step(0) {
                Ok(s) if !s.done() => (obs, info) = (s.obs, s.info),
                _ => (obs, info) = self.inner.reset(None),
            }
        }
        (obs, info)
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        self.inner.step(action)
    }
}

impl<E: AtariCore> AtariCore for NoopReset<E> {
    fn atari(&self) -> &AtariEnv {
        self.inner.atari()
    }
    fn atari_mut(&mut self) -> &mut AtariEnv {
        self.inner.atari_mut()
    }
}
