//! REINFORCE (Williams, 1992): Monte-Carlo policy gradient with a softmax MLP policy.
//!
//! Read top to bottom: play `batch_episodes` whole episodes with actions sampled from the
//! policy, compute each step's discounted return-to-go `G_t`, subtract a baseline (none; the
//! batch's normalisation to mean 0, std 1; or a learned `V(s_t)`, see [`baseline`]) to get the
//! advantage `A_t`, then take one Adam step on
//! `-mean(log pi(a_t|s_t) A_t) - entropy_coef * mean(entropy)`. The policy network is a
//! [`QNetwork`] whose outputs are logits, so its checkpoints play greedily (argmax) through
//! the same `deepq eval` / `deepq play` path as DQN's.

pub mod baseline;

pub use baseline::{Baseline, ValueBaseline};

use crate::checkpoint;
use crate::common::{AgentError, ControlConfig, ObsEncoder, Outcome, RunControl, RunSpec, Trainee};
use crate::nets::{named_params, NetSpec, QNetwork};
use crate::observer::{EpisodeRecord, Observer, ProgressInfo};
use crate::policy::{GreedyPolicy, Policy};
use crate::util::{flush_denormals_to_zero, rng_for};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use burn::tensor::activation::log_softmax;
use deepq_env::make_with;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// REINFORCE hyperparameters (`[reinforce]` in a config).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReinforceConfig {
    /// Hidden layer sizes of the policy MLP.
    pub hidden: Vec<usize>,
    /// Adam learning rate.
    pub lr: f64,
    /// Discount factor of the returns.
    pub gamma: f64,
    /// Whole episodes per gradient step.
    pub batch_episodes: usize,
    /// What is subtracted from the returns: `none`, `normalize` (the batch's returns to mean
    /// 0, std 1) or `value` (a learned `V(s)`). The former `normalize_returns = true | false`
    /// is read as `normalize` | `none`.
    #[serde(alias = "normalize_returns")]
    pub baseline: Baseline,
    /// Hidden layer sizes of the value MLP (`baseline = "value"`).
    #[serde(default = "default_value_hidden")]
    pub value_hidden: Vec<usize>,
    /// Adam learning rate of the value MLP (`baseline = "value"`).
    #[serde(default = "default_value_lr")]
    pub value_lr: f64,
    /// Multiplier of the observations (1/255 for Atari RAM bytes).
    #[serde(default = "default_obs_scale")]
    pub obs_scale: f64,
    /// Weight of the entropy bonus (0 = none).
    pub entropy_coef: f64,
    /// Stop when the mean return of the last 100 training episodes reaches this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward_bound: Option<f64>,
    /// Stop after this many training episodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_episodes: Option<u64>,
}

impl Default for ReinforceConfig {
    fn default() -> Self {
        Self {
            hidden: vec![128],
            lr: 0.01,
            gamma: 0.99,
            batch_episodes: 4,
            baseline: Baseline::Normalize,
            value_hidden: default_value_hidden(),
            value_lr: default_value_lr(),
            obs_scale: default_obs_scale(),
            entropy_coef: 0.0,
            reward_bound: None,
            max_episodes: None,
        }
    }
}

fn default_value_hidden() -> Vec<usize> {
    vec![128]
}

fn default_value_lr() -> f64 {
    0.01
}

fn default_obs_scale() -> f64 {
    1.0
}

impl ReinforceConfig {
    /// Checks the values, returning a message naming the bad key.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return Err(format!("reinforce.lr must be positive, got {}", self.lr));
        }
        if !(0.0..=1.0).contains(&self.gamma) {
            return Err(format!("reinforce.gamma must be in [0, 1], got {}", self.gamma));
        }
        if self.batch_episodes == 0 {
            return Err("reinforce.batch_episodes must be at least 1".into());
        }
        if self.hidden.contains(&0) {
            return Err("reinforce.hidden layer sizes must be positive".into());
        }
        for (key, widths) in [("hidden", &self.hidden), ("value_hidden", &self.value_hidden)] {
            // Far beyond any policy network, and short of an allocation that would abort.
            let between: u128 = widths.windows(2).map(|w| w[0] as u128 * w[1] as u128).sum();
            if widths.iter().any(|&h| h > 1 << 20) || between > 1 << 30 {
                return Err(format!(
                    "reinforce.{key} = {widths:?} is too large (at most 1048576 per layer and 2^30 weights between them)"
                ));
            }
        }
        if !(self.entropy_coef >= 0.0 && self.entropy_coef.is_finite()) {
            return Err(format!("reinforce.entropy_coef must be >= 0, got {}", self.entropy_coef));
        }
        if !(self.value_lr > 0.0 && self.value_lr.is_finite()) {
            return Err(format!("reinforce.value_lr must be positive, got {}", self.value_lr));
        }
        if self.value_hidden.contains(&0) {
            return Err("reinforce.value_hidden layer sizes must be positive".into());
        }
        if !(self.obs_scale > 0.0 && self.obs_scale.is_finite()) {
            return Err(format!("reinforce.obs_scale must be a positive number, got {}", self.obs_scale));
        }
        Ok(())
    }
}

/// The discounted return-to-go of every step of one episode: `G_t = r_t + gamma G_{t+1}`
/// (in `f32` for the networks, `f64` for the linear policy gradient).
pub fn returns_to_go<T>(rewards: &[T], gamma: T) -> Vec<T>
where
    T: Copy + Default + std::ops::Add<Output = T> + std::ops::Mul<Output = T>,
{
    let mut out = vec![T::default(); rewards.len()];
    let mut g = T::default();
    for (t, r) in rewards.iter().enumerate().rev() {
        g = *r + gamma * g;
        out[t] = g;
    }
    out
}

/// Shifts and scales `values` to mean 0 and (population) standard deviation 1; constant
/// values become 0.
pub fn normalize(values: &mut [f32]) {
    let n = values.len() as f32;
    if values.is_empty() {
        return;
    }
    let mean = values.iter().sum::<f32>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n;
    let std = var.sqrt();
    for v in values.iter_mut() {
        *v = if std > 1e-8 { (*v - mean) / std } else { 0.0 };
    }
}

/// Samples an index from the softmax of `logits` with the uniform draw `u` in `[0, 1)`.
pub fn sample_softmax(logits: &[f32], u: f32) -> usize {
    let max = logits.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let weights: Vec<f32> = logits.iter().map(|l| (l - max).exp()).collect();
    let total: f32 = weights.iter().sum();
    let mut acc = 0.0;
    for (i, w) in weights.iter().enumerate() {
        acc += w / total;
        if u < acc {
            return i;
        }
    }
    logits.len() - 1
}

/// Everything a REINFORCE run needs besides its observer.
pub struct ReinforceRun<'a> {
    /// The env, length, seed and files of the run (REINFORCE writes no resume checkpoint and
    /// no videos).
    pub spec: RunSpec<'a>,
    /// Hyperparameters.
    pub cfg: &'a ReinforceConfig,
}

/// Names of the per-episode scalars of [`train`] (values of the latest update).
pub const SCALARS: [&str; 2] = ["loss", "entropy"];

/// [`SCALARS`] plus the value loss, with `baseline = "value"`.
pub const VALUE_SCALARS: [&str; 3] = ["loss", "entropy", "value_loss"];

/// The policy network as the run control sees it.
struct PolicyTrainee<'a> {
    policy: &'a QNetwork,
    encoder: ObsEncoder,
    device: &'a burn::prelude::Device,
    meta: &'a Meta,
}

impl Trainee for PolicyTrainee<'_> {
    fn greedy_policy(&mut self) -> Box<dyn Policy + '_> {
        Box::new(GreedyPolicy::new(self.policy.valid(), self.encoder, self.device.clone()))
    }
    fn save_policy(&mut self, path: &Path, step: u64) -> Result<(), AgentError> {
        Ok(checkpoint::save(path, &named_params(self.policy), &self.meta.with_step(step))?)
    }
}

/// Trains a softmax policy with REINFORCE.
pub fn train(run: &ReinforceRun<'_>, observer: &mut dyn Observer) -> Result<Outcome, AgentError> {
    let (cfg, spec) = (run.cfg, &run.spec);
    cfg.validate().map_err(AgentError::Config)?;
    flush_denormals_to_zero();
    let mut env = make_with(spec.env_id, spec.kwargs)?;
    let encoder = ObsEncoder::for_space(env.observation_space(), cfg.obs_scale);
    let net = NetSpec::mlp(encoder.dim(), env.n_actions(), &cfg.hidden, false);
    spec.devices.infer.seed(spec.seed);
    spec.devices.train.seed(spec.seed);
    let mut policy: QNetwork = net.init(&spec.devices.train);
    // Created after the policy, so the policy's initial weights do not depend on the baseline.
    let mut value = (cfg.baseline == Baseline::Value)
        .then(|| ValueBaseline::new(encoder.dim(), &cfg.value_hidden, cfg.value_lr, &spec.devices.train));
    let mut optim: ModuleOptimizer = AdamConfig::new().init();
    let mut rng = rng_for(spec.seed, 3);
    let meta = checkpoint_meta(spec, &net, encoder);
    let control_cfg =
        ControlConfig { reward_bound: cfg.reward_bound, max_episodes: cfg.max_episodes, ..ControlConfig::default() };
    let scalar_names: &[&'static str] = if value.is_some() { &VALUE_SCALARS } else { &SCALARS };
    let mut control = RunControl::new(&control_cfg, spec, observer, scalar_names, None)?;

    let (mut env_steps, mut episodes, mut updates) = (0u64, 0u64, 0u64);
    let (mut last_loss, mut last_entropy, mut last_value_loss) = (f64::NAN, f64::NAN, f64::NAN);
    let mut features = vec![0.0f32; encoder.dim()];
    let mut obs = env.reset(Some(spec.seed)).0;
    'training: while env_steps < spec.total_steps {
        // 1. Play `batch_episodes` episodes with the current policy (inference copy).
        let acting = policy.valid();
        let (mut batch_obs, mut batch_actions, mut batch_returns) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..cfg.batch_episodes {
            let mut rewards = Vec::new();
            loop {
                encoder.encode(&obs, &mut features);
                let x =
                    Tensor::<2>::from_data(TensorData::new(features.clone(), [1, features.len()]), &spec.devices.infer);
                let logits: Vec<f32> = acting.forward(x).into_data().try_into_vec_as::<f32>().expect("f32 logits");
                let action = sample_softmax(&logits, rng.random::<f32>());
                let step = env.step(action)?;
                batch_obs.extend_from_slice(&features);
                batch_actions.push(action as i64);
                rewards.push(step.reward as f32);
                env_steps += 1;
                if step.done() {
                    obs = env.reset(None).0;
                    break;
                }
                obs = step.obs;
            }
            // 2. Returns-to-go; the episode goes to the run control (log, window, best, bound).
            batch_returns.extend(returns_to_go(&rewards, cfg.gamma as f32));
            episodes += 1;
            let rec = EpisodeRecord {
                step: env_steps,
                episode: episodes,
                ret: rewards.iter().map(|&r| r as f64).sum(),
                length: rewards.len() as u64,
                scalars: if value.is_some() {
                    vec![last_loss, last_entropy, last_value_loss]
                } else {
                    vec![last_loss, last_entropy]
                },
            };
            let device = spec.devices.infer.clone();
            control.end_episode(&rec, &mut PolicyTrainee { policy: &policy, encoder, device: &device, meta: &meta })?;
            if control.should_stop() || env_steps >= spec.total_steps {
                break 'training;
            }
        }
        control.observer().on_progress(&ProgressInfo::learning(env_steps, updates));

        // 3. The advantages: the returns minus the baseline (the value net then fits the returns).
        let advantages = match (cfg.baseline, value.as_mut()) {
            (Baseline::Value, Some(v)) => {
                let a = baseline::advantages(&batch_returns, &v.predict(&batch_obs, &spec.devices.infer));
                last_value_loss = v.fit(&batch_obs, &batch_returns, &spec.devices.train);
                a
            }
            (Baseline::Normalize, _) => {
                normalize(&mut batch_returns);
                batch_returns
            }
            _ => batch_returns,
        };

        // 4. One policy-gradient step on the batch.
        let n = batch_actions.len();
        let dev = &spec.devices.train;
        let x = Tensor::<2>::from_data(TensorData::new(batch_obs, [n, encoder.dim()]), dev);
        let actions = Tensor::<2, Int>::from_data(TensorData::new(batch_actions, [n, 1]), dev);
        let returns = Tensor::<1>::from_data(TensorData::new(advantages, [n]), dev);
        let log_probs = log_softmax(policy.forward(x), 1);
        let entropy = (log_probs.clone().exp() * log_probs.clone()).sum_dim(1).neg().mean();
        let chosen = log_probs.gather(1, actions).squeeze_dim::<1>(1);
        let loss = (chosen * returns).mean().neg() - entropy.clone().mul_scalar(cfg.entropy_coef);
        let grads = GradientsParams::from_grads(loss.backward(), &policy);
        last_loss = loss.into_scalar::<f32>() as f64;
        last_entropy = entropy.into_scalar::<f32>() as f64;
        if !last_loss.is_finite() {
            let kept = spec.checkpoint("best").is_some_and(|p| p.exists());
            return Err(AgentError::Diverged {
                what: "loss",
                step: env_steps,
                update: updates,
                value: last_loss as f32,
                kept: if kept { ", the best checkpoint so far is kept" } else { "" },
                hint: "Lower reinforce.lr",
            });
        }
        policy = optim.step(cfg.lr, policy, grads);
        updates += 1;
    }
    control.observer().on_progress(&ProgressInfo::learning(env_steps, updates));
    let final_checkpoint = match spec.checkpoint("final") {
        Some(path) => {
            checkpoint::save(&path, &named_params(&policy), &meta.with_step(env_steps))?;
            Some(path)
        }
        None => None,
    };
    Ok(control.finish(env_steps, episodes, updates, final_checkpoint))
}

/// Checkpoint metadata: a policy network that `GreedyPolicy::from_checkpoint` can load.
struct Meta(HashMap<String, String>);

impl Meta {
    fn with_step(&self, step: u64) -> HashMap<String, String> {
        let mut m = self.0.clone();
        m.insert("deepq.step".into(), step.to_string());
        m
    }
}

fn checkpoint_meta(run: &RunSpec<'_>, spec: &NetSpec, encoder: ObsEncoder) -> Meta {
    Meta(HashMap::from([
        ("deepq.kind".to_string(), "reinforce".to_string()),
        ("deepq.env_id".to_string(), run.env_id.to_string()),
        ("deepq.env_kwargs".to_string(), serde_json::to_string(run.kwargs).expect("kwargs serialise")),
        ("deepq.net".to_string(), serde_json::to_string(spec).expect("spec serialises")),
        ("deepq.obs_encoder".to_string(), serde_json::to_string(&encoder).expect("encoder serialises")),
        ("deepq.outputs".to_string(), "policy logits (greedy action = argmax)".to_string()),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observer::RecordingObserver;
    use deepq_env::EnvKwargs;

    #[test]
    fn returns_to_go_discount_backwards_from_the_end() {
        let g = returns_to_go(&[1.0, 0.0, 2.0], 0.5);
        // G2 = 2, G1 = 0 + 0.5 * 2 = 1, G0 = 1 + 0.5 * 1 = 1.5.
        assert_eq!(g, vec![1.5, 1.0, 2.0]);
        assert!(returns_to_go(&[], 0.9).is_empty());
    }

    #[test]
    fn returns_to_go_in_f64_with_gamma_099() {
        let g = returns_to_go(&[1.0f64, 1.0, 1.0], 0.99);
        // G2 = 1, G1 = 1 + 0.99, G0 = 1 + 0.99 + 0.99^2 = 2.9701.
        assert_eq!(g.len(), 3);
        for (got, want) in g.iter().zip([2.9701, 1.99, 1.0]) {
            assert!((got - want).abs() < 1e-12, "{g:?}");
        }
    }

    #[test]
    fn normalize_gives_mean_zero_std_one_and_handles_constants() {
        let mut v = vec![1.0, 2.0, 3.0, 4.0];
        normalize(&mut v);
        let mean: f32 = v.iter().sum::<f32>() / 4.0;
        let var: f32 = v.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / 4.0;
        assert!(mean.abs() < 1e-6 && (var - 1.0).abs() < 1e-5, "{v:?}");
        let mut c = vec![3.0; 5];
        normalize(&mut c);
        assert_eq!(c, vec![0.0; 5]);
    }

    #[test]
    fn softmax_sampling_follows_the_probabilities() {
        // logits ln(1), ln(3): probabilities 0.25, 0.75.
        let logits = [0.0, 3.0f32.ln()];
        assert_eq!(sample_softmax(&logits, 0.2), 0);
        assert_eq!(sample_softmax(&logits, 0.3), 1);
        assert_eq!(sample_softmax(&logits, 0.999_999), 1);
        let mut rng = rng_for(0, 0);
        let n = 20_000;
        let ones = (0..n).filter(|_| sample_softmax(&logits, rng.random::<f32>()) == 1).count();
        let p = ones as f64 / n as f64;
        assert!((p - 0.75).abs() < 0.015, "{p}");
    }

    #[test]
    fn bad_configs_name_the_key() {
        let bad = |c: ReinforceConfig| c.validate().unwrap_err();
        assert!(bad(ReinforceConfig { lr: 0.0, ..Default::default() }).contains("reinforce.lr"));
        assert!(bad(ReinforceConfig { gamma: 1.5, ..Default::default() }).contains("reinforce.gamma"));
        assert!(bad(ReinforceConfig { batch_episodes: 0, ..Default::default() }).contains("batch_episodes"));
        assert!(bad(ReinforceConfig { hidden: vec![0], ..Default::default() }).contains("hidden"));
        let huge = vec![1 << 20, 1 << 20];
        assert!(
            bad(ReinforceConfig { hidden: huge.clone(), ..Default::default() }).contains("reinforce.hidden = [1048576")
        );
        assert!(bad(ReinforceConfig { value_hidden: huge, ..Default::default() }).contains("reinforce.value_hidden ="));
        assert!(bad(ReinforceConfig { hidden: vec![1 << 21], ..Default::default() }).contains("too large"));
        assert!(bad(ReinforceConfig { entropy_coef: -1.0, ..Default::default() }).contains("entropy_coef"));
        assert!(bad(ReinforceConfig { value_lr: -0.1, ..Default::default() }).contains("reinforce.value_lr"));
        assert!(bad(ReinforceConfig { value_hidden: vec![0], ..Default::default() }).contains("value_hidden"));
        assert!(bad(ReinforceConfig { obs_scale: f64::NAN, ..Default::default() }).contains("reinforce.obs_scale"));
        assert!(bad(ReinforceConfig { obs_scale: 0.0, ..Default::default() }).contains("reinforce.obs_scale"));
    }

    #[test]
    fn learns_cartpole_with_a_fixed_seed() {
        let cfg = ReinforceConfig { reward_bound: Some(195.0), ..Default::default() };
        let kwargs = EnvKwargs::default();
        let run = ReinforceRun { spec: RunSpec::in_memory("CartPole-v1", &kwargs, 1_000_000, 0), cfg: &cfg };
        let mut obs = RecordingObserver::default();
        let out = train(&run, &mut obs).unwrap();
        let first: f64 = obs.episodes[..20].iter().map(|e| e.ret).sum::<f64>() / 20.0;
        assert!(first < 60.0, "the untrained policy should be poor, got {first}");
        assert!(out.solved_at_step.is_some(), "not solved: best 100-episode mean {:?}", out.best_score);
        assert_eq!(out.stopped_by, crate::common::StopReason::Solved);
        assert_eq!(obs.scalar_names, SCALARS.to_vec());
    }
}
