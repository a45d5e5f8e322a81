//! Small helpers shared by the algorithms.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// A seeded RNG for stream `stream` of a run: different streams of the same seed are independent.
pub fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Index of the first maximum (ties go to the lowest index, like `numpy.argmax`).
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

/// Mean, population standard deviation, min and max of `xs` (zeros for an empty slice).
pub fn stats(xs: &[f64]) -> (f64, f64, f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0, 0.0, 0.0);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let min = xs.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    (mean, var.sqrt(), min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_takes_first_of_ties() {
        assert_eq!(argmax(&[0.0, 1.0, 1.0]), 1);
        assert_eq!(argmax(&[0.0, 0.0]), 0);
        assert_eq!(argmax(&[-1.0, -3.0, -0.5]), 2);
    }

    #[test]
    fn stats_of_known_values() {
        let (m, s, lo, hi) = stats(&[1.0, 3.0]);
        assert_eq!((m, s, lo, hi), (2.0, 1.0, 1.0, 3.0));
    }
}
