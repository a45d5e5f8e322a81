//! Acting while training: epsilon-greedy over the online network's Q-values (with fresh noise
//! for noisy networks, whose noise is the exploration).

use crate::util::argmax;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// With probability `epsilon` a uniformly random action, else the greedy one under
/// `q_values` (called only then).
pub fn epsilon_greedy(
    q_values: impl FnOnce() -> Vec<f32>,
    epsilon: f64,
    n_actions: usize,
    rng: &mut ChaCha8Rng,
) -> usize {
    if rng.random::<f64>() < epsilon {
        rng.random_range(0..n_actions)
    } else {
        argmax(&q_values())
    }
}
