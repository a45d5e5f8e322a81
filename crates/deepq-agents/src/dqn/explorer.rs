//! Acting while training: epsilon-greedy over the online network's Q-values (with fresh noise
//! for noisy networks, whose noise is the exploration), for one env or a vector of them.

use crate::util::argmax;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// One action per env: env `i` takes a uniformly random action with probability
/// `epsilons[i]`, else the greedy one. The random draws are made env by env in order; then
/// `q_values(rows, count)` is called once (and only if some env acts greedily) with the
/// `features` rows (`dim` floats each) of the greedy envs, and returns their Q-values row
/// after row. With one env this is plain epsilon-greedy.
pub fn epsilon_greedy(
    features: &[f32],
    dim: usize,
    epsilons: &[f64],
    n_actions: usize,
    rng: &mut ChaCha8Rng,
    q_values: impl FnOnce(&[f32], usize) -> Vec<f32>,
) -> Vec<usize> {
    let mut actions = vec![usize::MAX; epsilons.len()];
    let mut greedy = Vec::new();
    for (i, &eps) in epsilons.iter().enumerate() {
        if rng.random::<f64>() < eps {
            actions[i] = rng.random_range(0..n_actions);
        } else {
            greedy.push(i);
        }
    }
    if greedy.is_empty() {
        return actions;
    }
    let q = if greedy.len() == epsilons.len() {
        q_values(features, greedy.len())
    } else {
        let rows: Vec<f32> = greedy.iter().flat_map(|&i| features[i * dim..(i + 1) * dim].iter().copied()).collect();
        q_values(&rows, greedy.len())
    };
    for (k, &i) in greedy.iter().enumerate() {
        actions[i] = argmax(&q[k * n_actions..(k + 1) * n_actions]);
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rng_for;

    #[test]
    fn greedy_envs_share_one_batched_call_and_random_ones_none() {
        // Env 0 always explores (epsilon 1), env 1 and 2 never: one call with their two rows.
        let features = [0.0, 0.0, 1.0, 1.0, 2.0, 2.0];
        let mut calls = Vec::new();
        let actions = epsilon_greedy(&features, 2, &[1.0, 0.0, 0.0], 3, &mut rng_for(0, 0), |rows, count| {
            calls.push((rows.to_vec(), count));
            // Row k prefers action k + 1.
            (0..count).flat_map(|k| (0..3).map(move |a| if a == k + 1 { 1.0 } else { 0.0 })).collect()
        });
        assert_eq!(calls, vec![(vec![1.0, 1.0, 2.0, 2.0], 2)]);
        assert_eq!(&actions[1..], &[1, 2]);
        assert!(actions[0] < 3);
        let mut called = false;
        let all_random = epsilon_greedy(&features, 2, &[1.0; 3], 3, &mut rng_for(0, 0), |_, _| {
            called = true;
            vec![]
        });
        assert!(!called && all_random.iter().all(|&a| a < 3));
    }

    #[test]
    fn one_env_draws_like_the_textbook_rule() {
        // With probability epsilon a random action, else the argmax, from the same stream.
        let (mut a, mut b) = (rng_for(3, 1), rng_for(3, 1));
        for t in 0..200 {
            let eps = (t % 10) as f64 / 10.0;
            let got = epsilon_greedy(&[0.0], 1, &[eps], 4, &mut a, |_, _| vec![0.0, 0.0, 5.0, 0.0])[0];
            let want = if b.random::<f64>() < eps { b.random_range(0..4) } else { 2 };
            assert_eq!(got, want);
        }
    }
}
