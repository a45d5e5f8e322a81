//! Random no-op starts.

use super::{forward_spaces, AtariCore};
use crate::env::AtariEnv;
use deepq_env::{Env, EnvError, Info, Obs, Space, Step};

/// On reset, takes a random number of no-op actions (uniform in `1..=noop_max`), as SB3's
/// `NoopResetEnv`: episodes then start from different states even with a deterministic
/// emulator. Action 0 must be `NOOP` (true for every ALE action set).
///
/// As in SB3, the count is drawn after the inner reset from the env's generator
/// ([`AtariEnv::np_random`], ale-py's `np_random`), so a seeded reset takes exactly the no-ops
/// SB3 takes for that seed; a game over during the no-ops resets again with the same seed.
pub struct NoopReset<E> {
    inner: E,
    noop_max: usize,
}

impl<E: AtariCore> NoopReset<E> {
    /// Wraps `inner` with at most `noop_max` no-ops per reset (0 disables them).
    pub fn new(inner: E, noop_max: usize) -> Self {
        NoopReset { inner, noop_max }
    }

    /// The wrapped environment.
    pub fn inner(&self) -> &E {
        &self.inner
    }
}

impl<E: AtariCore> Env for NoopReset<E> {
    forward_spaces!();

    fn observation_space(&self) -> &Space {
        self.inner.observation_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        let (mut obs, mut info) = self.inner.reset(seed);
        if self.noop_max == 0 {
            return (obs, info);
        }
        let noops = self.inner.atari_mut().np_random().integers(1, self.noop_max as i64 + 1);
        for _ in 0..noops {
            match self.inner.step(0) {
                Ok(s) if !s.done() => (obs, info) = (s.obs, s.info),
                _ => (obs, info) = self.inner.reset(seed),
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
