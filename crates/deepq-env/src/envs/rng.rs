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
