//! The linear logistic policy over two actions, in plain `f64` arithmetic:
//! `pi(a=1|s) = sigmoid(theta . s)`, `pi(a=0|s) = 1 - sigmoid(theta . s)`, no bias.
//!
//! Its score function is `grad_theta log pi(a|s) = (a - sigmoid(theta . s)) s`, and the
//! REINFORCE step of one episode is `theta += lr * sum_t G_t grad_theta log pi(a_t|s_t)`.

use crate::checkpoint::{self, Checkpoint, CheckpointError};
use crate::policy::Policy;
use crate::util::rng_for;
use deepq_env::Obs;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::path::Path;

/// `1 / (1 + e^-z)`, without overflow for large `|z|`.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + e^z)`, without overflow for large `|z|`.
fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// The parameters `theta` of a linear logistic policy.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticPolicy {
    /// One weight per observation feature.
    pub theta: Vec<f64>,
}

impl LogisticPolicy {
    /// A policy with the given weights.
    pub fn new(theta: Vec<f64>) -> Self {
        Self { theta }
    }

    /// `theta . s`, the log-odds of action 1.
    pub fn logit(&self, s: &[f64]) -> f64 {
        self.theta.iter().zip(s).map(|(t, x)| t * x).sum()
    }

    /// `pi(a=1|s)`.
    pub fn prob_one(&self, s: &[f64]) -> f64 {
        sigmoid(self.logit(s))
    }

    /// `log pi(a|s)` for `a` in {0, 1}.
    pub fn log_prob(&self, s: &[f64], a: usize) -> f64 {
        let z = self.logit(s);
        if a == 1 {
            -softplus(-z)
        } else {
            -softplus(z)
        }
    }

    /// `grad_theta log pi(a|s) = (a - pi(1|s)) s`.
    pub fn grad_log_prob(&self, s: &[f64], a: usize) -> Vec<f64> {
        let w = a as f64 - self.prob_one(s);
        s.iter().map(|x| w * x).collect()
    }

    /// Action 1 when the uniform draw `u` in `[0, 1)` is below `pi(1|s)`, else 0.
    pub fn sample(&self, s: &[f64], u: f64) -> usize {
        usize::from(u < self.prob_one(s))
    }

    /// The more likely action (0 on a tie).
    pub fn greedy(&self, s: &[f64]) -> usize {
        usize::from(self.logit(s) > 0.0)
    }

    /// The episode's policy gradient `sum_t G_t grad_theta log pi(a_t|s_t)`; `states` holds the
    /// episode's observations row after row.
    pub fn episode_gradient(&self, states: &[f64], actions: &[usize], returns: &[f64]) -> Vec<f64> {
        let dim = self.theta.len();
        let mut grad = vec![0.0; dim];
        for ((s, &a), &g) in states.chunks_exact(dim).zip(actions).zip(returns) {
            for (acc, d) in grad.iter_mut().zip(self.grad_log_prob(s, a)) {
                *acc += g * d;
            }
        }
        grad
    }

    /// One step of plain gradient ascent: `theta += lr * grad`.
    pub fn ascend(&mut self, grad: &[f64], lr: f64) {
        for (t, g) in self.theta.iter_mut().zip(grad) {
            *t += lr * g;
        }
    }

    /// The Euclidean norm of `theta`.
    pub fn norm(&self) -> f64 {
        self.theta.iter().map(|t| t * t).sum::<f64>().sqrt()
    }

    /// Writes the policy as a checkpoint of kind `pg_linear` (tensor `theta`, f64) with the
    /// metadata `meta` (env id, kwargs, step).
    pub fn save(&self, path: &Path, meta: &HashMap<String, String>) -> Result<(), CheckpointError> {
        let theta = checkpoint::Tensor::f64(vec![self.theta.len()], &self.theta);
        checkpoint::save(path, &[("theta".to_string(), theta)], meta)
    }

    /// Reads the policy of a `pg_linear` checkpoint, checking it has `dim` weights.
    pub fn from_checkpoint(ck: &Checkpoint, path: &Path, dim: usize) -> Result<Self, CheckpointError> {
        let mismatch = |reason: String| CheckpointError::Mismatch { path: path.display().to_string(), reason };
        let t = ck.tensors.get("theta").ok_or_else(|| mismatch("tensor 'theta' is missing".into()))?;
        if t.shape != [dim] {
            return Err(mismatch(format!(
                "tensor 'theta' has shape {:?} but the environment has {dim} features",
                t.shape
            )));
        }
        let theta = t.to_f64();
        if theta.iter().any(|v| !v.is_finite()) {
            return Err(mismatch("tensor 'theta' holds non-finite values".into()));
        }
        Ok(Self::new(theta))
    }
}

/// The observation as `f64` features.
pub fn features(obs: &Obs, out: &mut [f64]) {
    match obs {
        Obs::F32(v) => out.iter_mut().zip(v).for_each(|(o, x)| *o = f64::from(*x)),
        Obs::U8(v) => out.iter_mut().zip(v).for_each(|(o, x)| *o = f64::from(*x)),
        Obs::Discrete(s) => out[0] = *s as f64,
    }
}

/// The logistic policy acting greedily (evaluation, `deepq eval`, `deepq play`).
pub struct GreedyLogistic {
    policy: LogisticPolicy,
    s: Vec<f64>,
}

impl GreedyLogistic {
    /// Acts with `policy`'s more likely action.
    pub fn new(policy: LogisticPolicy) -> Self {
        let s = vec![0.0; policy.theta.len()];
        Self { policy, s }
    }
}

impl Policy for GreedyLogistic {
    fn act(&mut self, obs: &Obs) -> usize {
        features(obs, &mut self.s);
        self.policy.greedy(&self.s)
    }
}

/// The logistic policy sampling its actions (the stochastic policy it was trained as), with
/// seeded draws.
pub struct SampledLogistic {
    policy: LogisticPolicy,
    s: Vec<f64>,
    rng: ChaCha8Rng,
}

impl SampledLogistic {
    /// Samples from `policy` with a random stream seeded by `seed`.
    pub fn new(policy: LogisticPolicy, seed: u64) -> Self {
        let s = vec![0.0; policy.theta.len()];
        Self { policy, s, rng: rng_for(seed, 13) }
    }
}

impl Policy for SampledLogistic {
    fn act(&mut self, obs: &Obs) -> usize {
        features(obs, &mut self.s);
        self.policy.sample(&self.s, self.rng.random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: [f64; 4] = [0.03, -0.4, 0.12, 0.9];

    #[test]
    fn log_prob_gradient_matches_a_central_finite_difference() {
        let p = LogisticPolicy::new(vec![0.5, -1.2, 2.0, 0.3]);
        let h = 1e-6;
        for a in [0, 1] {
            let analytic = p.grad_log_prob(&S, a);
            for (i, want) in analytic.iter().enumerate() {
                let (mut plus, mut minus) = (p.clone(), p.clone());
                plus.theta[i] += h;
                minus.theta[i] -= h;
                let numeric = (plus.log_prob(&S, a) - minus.log_prob(&S, a)) / (2.0 * h);
                assert!((numeric - want).abs() < 1e-8, "a={a} i={i}: {numeric} vs {want}");
            }
        }
    }

    #[test]
    fn probabilities_are_a_sigmoid_of_the_logit() {
        let p = LogisticPolicy::new(vec![1.0, 0.0, 0.0, 0.0]);
        let s = [2.0f64.ln(), 0.0, 0.0, 0.0];
        // logit ln 2: pi(1) = 2/3.
        assert!((p.prob_one(&s) - 2.0 / 3.0).abs() < 1e-12);
        assert!((p.log_prob(&s, 0).exp() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!((p.sample(&s, 0.6), p.sample(&s, 0.7), p.greedy(&s)), (1, 0, 1));
        assert_eq!(LogisticPolicy::new(vec![0.0; 4]).greedy(&S), 0, "a tie is action 0");
        // No overflow far out.
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert!(LogisticPolicy::new(vec![1000.0, 0.0, 0.0, 0.0]).log_prob(&[1.0, 0.0, 0.0, 0.0], 0).is_finite());
    }

    #[test]
    fn gradient_ascent_step_matches_a_hand_computation() {
        // theta = 0: pi(1|s) = 0.5 in every state, so grad log pi(a|s) = (a - 0.5) s.
        let mut p = LogisticPolicy::new(vec![0.0; 2]);
        let states = [1.0, 2.0, -1.0, 0.5];
        let actions = [1, 0];
        let returns = [1.99, 1.0]; // rewards [1, 1] with gamma 0.99
                                   // sum = 1.99 * 0.5 * [1, 2] + 1.0 * (-0.5) * [-1, 0.5] = [0.995 + 0.5, 1.99 - 0.25].
        let grad = p.episode_gradient(&states, &actions, &returns);
        assert_eq!(grad, vec![1.495, 1.74]);
        p.ascend(&grad, 0.002);
        assert_eq!(p.theta, vec![0.002 * 1.495, 0.002 * 1.74]);
        // A second step starts from the new theta: pi(1|s0) = sigmoid(0.00299 + 0.00696).
        let z: f64 = 0.002 * 1.495 + 2.0 * 0.002 * 1.74;
        let want = (1.0 - 1.0 / (1.0 + (-z).exp())) * 1.99;
        let grad = p.episode_gradient(&states[..2], &[1], &[1.99]);
        assert!((grad[0] - want).abs() < 1e-15 && (grad[1] - 2.0 * want).abs() < 1e-15, "{grad:?}");
    }

    #[test]
    fn sampled_and_greedy_actors_read_the_observation() {
        let p = LogisticPolicy::new(vec![0.0, 0.0, 0.0, 5.0]);
        let obs = Obs::F32(vec![0.0, 0.0, 0.0, 1.0]);
        assert_eq!(GreedyLogistic::new(p.clone()).act(&obs), 1);
        let mut sampled = SampledLogistic::new(p, 0);
        // pi(1) = sigmoid(5) ~ 0.9933.
        let ones = (0..3000).filter(|_| sampled.act(&obs) == 1).count();
        assert!((2940..=3000).contains(&ones), "{ones}");
    }

    #[test]
    fn checkpoints_round_trip_and_check_the_size() {
        let dir = std::env::temp_dir().join(format!("deepq-pg-linear-ck-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("final.safetensors");
        let p = LogisticPolicy::new(vec![0.1, -0.2, 0.3, 1e-300]);
        p.save(&path, &HashMap::from([("deepq.kind".into(), "pg_linear".into())])).unwrap();
        let ck = checkpoint::load(&path).unwrap();
        assert_eq!(LogisticPolicy::from_checkpoint(&ck, &path, 4).unwrap(), p);
        let e = LogisticPolicy::from_checkpoint(&ck, &path, 8).unwrap_err().to_string();
        assert!(e.contains("8 features"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
