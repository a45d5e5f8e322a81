//! Policies and greedy evaluation on a separate environment.

use crate::util::{rng_for, stats};
use deepq_env::{Env, EnvError, Obs};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Something that picks an action for an observation.
pub trait Policy {
    /// The action to take in `obs`.
    fn act(&mut self, obs: &Obs) -> usize;
}

/// Uniformly random actions (the baseline every tutorial reports first).
pub struct RandomPolicy {
    rng: ChaCha8Rng,
    n_actions: usize,
}

impl RandomPolicy {
    /// A random policy over `n_actions` actions, seeded.
    pub fn new(n_actions: usize, seed: u64) -> Self {
        Self { rng: rng_for(seed, 7), n_actions }
    }
}

impl Policy for RandomPolicy {
    fn act(&mut self, _obs: &Obs) -> usize {
        self.rng.random_range(0..self.n_actions)
    }
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalResult {
    /// Number of episodes played.
    pub episodes: usize,
    /// Mean return.
    pub mean: f64,
    /// Population standard deviation of the returns.
    pub std: f64,
    /// Lowest return.
    pub min: f64,
    /// Highest return.
    pub max: f64,
    /// Mean episode length.
    pub mean_length: f64,
    /// Seed of the first episode (episode `i` is reset with `seed + i`).
    pub seed: u64,
    /// Every episode's return.
    pub returns: Vec<f64>,
}

/// Plays `episodes` episodes of `policy` on `env`, resetting episode `i` with seed `seed + i`
/// (so an evaluation is reproducible), and returns the statistics of the returns.
pub fn evaluate(
    env: &mut dyn Env,
    policy: &mut dyn Policy,
    episodes: usize,
    seed: u64,
) -> Result<EvalResult, EnvError> {
    let mut returns = Vec::with_capacity(episodes);
    let mut lengths = Vec::with_capacity(episodes);
    for i in 0..episodes {
        let (ret, len) = play_episode(env, policy, Some(seed + i as u64), &mut |_| {})?;
        returns.push(ret);
        lengths.push(len as f64);
    }
    let (mean, std, min, max) = stats(&returns);
    let mean_length = stats(&lengths).0;
    Ok(EvalResult { episodes, mean, std, min, max, mean_length, seed, returns })
}

/// Plays one episode; `on_step` sees the environment after every step (for recording).
/// Returns the undiscounted return and the length.
pub fn play_episode(
    env: &mut dyn Env,
    policy: &mut dyn Policy,
    seed: Option<u64>,
    on_step: &mut dyn FnMut(&mut dyn Env),
) -> Result<(f64, u64), EnvError> {
    let (mut obs, _) = env.reset(seed);
    on_step(env);
    let mut ret = 0.0;
    let mut len = 0;
    loop {
        let action = policy.act(&obs);
        let step = env.step(action)?;
        ret += step.reward;
        len += 1;
        on_step(env);
        if step.done() {
            return Ok((ret, len));
        }
        obs = step.obs;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_cartpole_baseline_is_in_the_low_twenties() {
        let mut env = deepq_env::make("CartPole-v1").unwrap();
        let mut policy = RandomPolicy::new(2, 0);
        let r = evaluate(env.as_mut(), &mut policy, 300, 0).unwrap();
        assert!(r.mean > 17.0 && r.mean < 28.0, "random CartPole mean {}", r.mean);
        assert_eq!(r.returns.len(), 300);
    }

    #[test]
    fn evaluation_is_reproducible() {
        let mut env = deepq_env::make("FrozenLake-v1").unwrap();
        let a = evaluate(env.as_mut(), &mut RandomPolicy::new(4, 3), 50, 10).unwrap();
        let b = evaluate(env.as_mut(), &mut RandomPolicy::new(4, 3), 50, 10).unwrap();
        assert_eq!(a, b);
    }
}
