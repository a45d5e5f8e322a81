//! Seeding and sampling shared by the environment ports.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// An environment's random stream: re-seeded by `reset(Some(seed))`, continued by
/// `reset(None)`, and seeded from OS entropy on a first unseeded reset.
#[derive(Debug, Clone, Default)]
pub(crate) struct EnvRng {
    rng: Option<ChaCha8Rng>,
}

impl EnvRng {
    /// Applies the `seed` argument of `reset`.
    pub(crate) fn reseed(&mut self, seed: Option<u64>) {
        match seed {
            Some(seed) => self.rng = Some(ChaCha8Rng::seed_from_u64(seed)),
            None if self.rng.is_none() => self.rng = Some(ChaCha8Rng::from_os_rng()),
            None => {}
        }
    }

    /// The stream's state: empty before the first reset, else the ChaCha8 seed (32 bytes),
    /// stream (8) and word position (16), little endian.
    pub(crate) fn state(&self) -> Vec<u8> {
        let Some(rng) = &self.rng else { return Vec::new() };
        let mut out = rng.get_seed().to_vec();
        out.extend_from_slice(&rng.get_stream().to_le_bytes());
        out.extend_from_slice(&rng.get_word_pos().to_le_bytes());
        out
    }

    /// Restores a [`EnvRng::state`]; false (nothing changed) for bytes of another length.
    pub(crate) fn set_state(&mut self, state: &[u8]) -> bool {
        if state.is_empty() {
            self.rng = None;
            return true;
        }
        if state.len() != 56 {
            return false;
        }
        let mut rng = ChaCha8Rng::from_seed(state[..32].try_into().expect("32 seed bytes"));
        rng.set_stream(u64::from_le_bytes(state[32..40].try_into().expect("8 stream bytes")));
        rng.set_word_pos(u128::from_le_bytes(state[40..56].try_into().expect("16 position bytes")));
        self.rng = Some(rng);
        true
    }

    /// A uniform draw in `[0, 1)`.
    pub(crate) fn uniform(&mut self) -> f64 {
        self.rng.get_or_insert_with(ChaCha8Rng::from_os_rng).random::<f64>()
    }
}

/// Gymnasium's categorical sampling rule: the first index whose cumulative probability exceeds
/// `u`, or 0 if none does (numpy's `argmax` of an all-false array).
pub(crate) fn categorical<I: IntoIterator<Item = f64>>(probs: I, u: f64) -> usize {
    let mut cum = 0.0;
    for (i, p) in probs.into_iter().enumerate() {
        cum += p;
        if cum > u {
            return i;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categorical_picks_first_cumulative_above_u() {
        let p = [0.25, 0.5, 0.25];
        assert_eq!(categorical(p, 0.0), 0);
        assert_eq!(categorical(p, 0.25), 1);
        assert_eq!(categorical(p, 0.74), 1);
        assert_eq!(categorical(p, 0.75), 2);
        assert_eq!(categorical([0.5, 0.4], 0.95), 0);
    }

    #[test]
    fn a_restored_state_continues_the_stream() {
        let mut a = EnvRng::default();
        assert!(a.state().is_empty());
        a.reseed(Some(3));
        a.uniform();
        let saved = a.state();
        assert_eq!(saved.len(), 56);
        let next: Vec<f64> = (0..5).map(|_| a.uniform()).collect();
        let mut b = EnvRng::default();
        assert!(b.set_state(&saved));
        assert_eq!((0..5).map(|_| b.uniform()).collect::<Vec<_>>(), next);
        assert!(!b.set_state(&[1, 2, 3]));
        assert!(b.set_state(&[]));
        assert!(b.state().is_empty());
    }

    #[test]
    fn seeded_streams_repeat_and_unseeded_differ() {
        let (mut a, mut b) = (EnvRng::default(), EnvRng::default());
        a.reseed(Some(7));
        b.reseed(Some(7));
        assert_eq!(a.uniform(), b.uniform());
        let (mut c, mut d) = (EnvRng::default(), EnvRng::default());
        c.reseed(None);
        d.reseed(None);
        assert_ne!(c.uniform(), d.uniform());
    }
}
