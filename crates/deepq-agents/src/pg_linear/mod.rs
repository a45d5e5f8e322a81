//! Linear policy gradient: REINFORCE with a linear logistic policy over two actions and plain
//! gradient ascent, in `f64` without a deep-learning framework (the policy is a handful of
//! numbers).
//!
//! Read top to bottom: play one whole episode sampling `a_t ~ pi(.|s_t)` with
//! `pi(1|s) = sigmoid(theta . s)`, compute the discounted returns-to-go `G_t` (unnormalised, no
//! baseline), and take one step `theta += lr * sum_t G_t grad log pi(a_t|s_t)`; repeat. The
//! final parameters are written as `checkpoints/final.safetensors` (kind `pg_linear`), which
//! `deepq eval` and `deepq play` act greedily with.

pub mod logistic;

pub use logistic::{GreedyLogistic, LogisticPolicy, SampledLogistic};

use crate::common::{AgentError, ControlConfig, Outcome, RunControl, RunSpec, Trainee};
use crate::observer::{EpisodeRecord, Observer, ProgressInfo};
use crate::policy::Policy;
use crate::reinforce::returns_to_go;
use crate::util::rng_for;
use deepq_env::{make_with, Space};
use rand::Rng;
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// Linear policy-gradient hyperparameters (`[pg_linear]` in a config).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PgLinearConfig {
    /// Step size of the plain gradient ascent.
    pub lr: f64,
    /// Discount factor of the returns.
    pub gamma: f64,
    /// Standard deviation of the normal initial weights (0: all weights start at zero).
    #[serde(default)]
    pub init_std: f64,
    /// Stop when the mean return of the last 100 training episodes reaches this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward_bound: Option<f64>,
    /// Stop after this many training episodes (= updates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_episodes: Option<u64>,
}

impl Default for PgLinearConfig {
    fn default() -> Self {
        Self { lr: 0.002, gamma: 0.99, init_std: 0.0, reward_bound: None, max_episodes: None }
    }
}

impl PgLinearConfig {
    /// Checks the values, returning a message naming the bad key.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return Err(format!("pg_linear.lr must be positive, got {}", self.lr));
        }
        if !(0.0..=1.0).contains(&self.gamma) {
            return Err(format!("pg_linear.gamma must be in [0, 1], got {}", self.gamma));
        }
        if !(self.init_std >= 0.0 && self.init_std.is_finite()) {
            return Err(format!("pg_linear.init_std must be >= 0, got {}", self.init_std));
        }
        Ok(())
    }
}

/// Everything a linear policy-gradient run needs besides its observer.
pub struct PgLinearRun<'a> {
    /// The env, length, seed and files of the run (only `final` is written: no best, resume
    /// or video files).
    pub spec: RunSpec<'a>,
    /// Hyperparameters.
    pub cfg: &'a PgLinearConfig,
}

/// Names of the per-episode scalars of [`train`] (after that episode's update).
pub const SCALARS: [&str; 2] = ["grad_norm", "theta_norm"];

/// What [`train`] produced: the run's outcome and the final policy.
pub struct Trained {
    /// Counters, stop reason and checkpoints.
    pub outcome: Outcome,
    /// The final parameters.
    pub policy: LogisticPolicy,
}

/// The policy as the run control sees it (no checkpoints are asked of it: the control runs
/// without a checkpoint directory).
struct LinearTrainee<'a> {
    policy: &'a LogisticPolicy,
    meta: &'a HashMap<String, String>,
}

impl Trainee for LinearTrainee<'_> {
    fn greedy_policy(&mut self) -> Box<dyn Policy + '_> {
        Box::new(GreedyLogistic::new(self.policy.clone()))
    }
    fn save_policy(&mut self, path: &Path, step: u64) -> Result<(), AgentError> {
        Ok(self.policy.save(path, &with_step(self.meta, step))?)
    }
}

/// Trains a linear logistic policy with one plain gradient-ascent step per episode.
pub fn train(run: &PgLinearRun<'_>, observer: &mut dyn Observer) -> Result<Trained, AgentError> {
    let (cfg, spec) = (run.cfg, &run.spec);
    cfg.validate().map_err(AgentError::Config)?;
    let mut env = make_with(spec.env_id, spec.kwargs)?;
    let dim = match env.observation_space() {
        Space::Box { .. } if env.n_actions() == 2 => env.observation_space().flat_dim(),
        _ => {
            return Err(AgentError::Config(format!(
            "algo = \"pg_linear\" needs two actions and a vector observation; {} has {} actions and observations {}",
            spec.env_id,
            env.n_actions(),
            env.observation_space().describe()
        )))
        }
    };
    let mut rng = rng_for(spec.seed, 3);
    let mut policy = LogisticPolicy::new(initial_theta(dim, cfg.init_std, spec.seed));
    let meta = checkpoint_meta(spec);
    // Only the final parameters are kept (the summary evaluates them): the control writes no
    // best checkpoint.
    let control_spec = RunSpec { checkpoint_dir: None, video_dir: None, devices: spec.devices.clone(), ..*spec };
    let control_cfg =
        ControlConfig { reward_bound: cfg.reward_bound, max_episodes: cfg.max_episodes, ..ControlConfig::default() };
    let mut control = RunControl::new(&control_cfg, &control_spec, observer, &SCALARS, None)?;

    let (mut env_steps, mut episodes) = (0u64, 0u64);
    let mut s = vec![0.0f64; dim];
    let mut obs = env.reset(Some(spec.seed)).0;
    while env_steps < spec.total_steps {
        // 1. One episode with actions sampled from the policy.
        let (mut states, mut actions, mut rewards) = (Vec::new(), Vec::new(), Vec::new());
        loop {
            logistic::features(&obs, &mut s);
            let action = policy.sample(&s, rng.random::<f64>());
            let step = env.step(action)?;
            states.extend_from_slice(&s);
            actions.push(action);
            rewards.push(step.reward);
            env_steps += 1;
            if step.done() {
                obs = env.reset(None).0;
                break;
            }
            obs = step.obs;
        }
        // 2. theta += lr * sum_t G_t grad log pi(a_t|s_t).
        let returns = returns_to_go(&rewards, cfg.gamma);
        let grad = policy.episode_gradient(&states, &actions, &returns);
        policy.ascend(&grad, cfg.lr);
        episodes += 1;
        if policy.theta.iter().any(|t| !t.is_finite()) {
            return Err(AgentError::Diverged {
                what: "policy weights",
                step: env_steps,
                update: episodes,
                value: policy.norm() as f32,
                kept: "",
                hint: "Lower pg_linear.lr",
            });
        }
        // 3. The episode goes to the run control (log, window, bound, episode limit).
        let rec = EpisodeRecord {
            step: env_steps,
            episode: episodes,
            ret: rewards.iter().sum(),
            length: rewards.len() as u64,
            scalars: vec![grad.iter().map(|g| g * g).sum::<f64>().sqrt(), policy.norm()],
        };
        control.end_episode(&rec, &mut LinearTrainee { policy: &policy, meta: &meta })?;
        control.observer().on_progress(&ProgressInfo::learning(env_steps, episodes));
        if control.should_stop() {
            break;
        }
    }
    let final_checkpoint = match spec.checkpoint("final") {
        Some(path) => {
            policy.save(&path, &with_step(&meta, env_steps))?;
            Some(path)
        }
        None => None,
    };
    Ok(Trained { outcome: control.finish(env_steps, episodes, episodes, final_checkpoint), policy })
}

/// The initial weights: zeros, or normal with standard deviation `std` drawn from the seed's
/// own stream.
fn initial_theta(dim: usize, std: f64, seed: u64) -> Vec<f64> {
    if std == 0.0 {
        return vec![0.0; dim];
    }
    let normal = Normal::new(0.0, std).expect("a finite, non-negative std");
    let mut rng = rng_for(seed, 4);
    (0..dim).map(|_| normal.sample(&mut rng)).collect()
}

/// Checkpoint metadata: what `deepq eval` needs to rebuild the policy and its environment.
fn checkpoint_meta(run: &RunSpec<'_>) -> HashMap<String, String> {
    HashMap::from([
        ("deepq.kind".to_string(), "pg_linear".to_string()),
        ("deepq.env_id".to_string(), run.env_id.to_string()),
        ("deepq.env_kwargs".to_string(), serde_json::to_string(run.kwargs).expect("kwargs serialise")),
        ("deepq.outputs".to_string(), "theta of pi(1|s) = sigmoid(theta . s) (greedy action = theta . s > 0)".into()),
    ])
}

fn with_step(meta: &HashMap<String, String>, step: u64) -> HashMap<String, String> {
    let mut m = meta.clone();
    m.insert("deepq.step".into(), step.to_string());
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observer::RecordingObserver;
    use crate::policy::evaluate;
    use deepq_env::EnvKwargs;

    fn run_on(env_id: &str, cfg: &PgLinearConfig, seed: u64) -> (Trained, RecordingObserver) {
        let kwargs = EnvKwargs::default();
        let run = PgLinearRun { spec: RunSpec::in_memory(env_id, &kwargs, 10_000_000, seed), cfg };
        let mut obs = RecordingObserver::default();
        let trained = train(&run, &mut obs).unwrap();
        (trained, obs)
    }

    #[test]
    fn bad_configs_name_the_key() {
        let bad = |c: PgLinearConfig| c.validate().unwrap_err();
        assert!(bad(PgLinearConfig { lr: -0.1, ..Default::default() }).contains("pg_linear.lr"));
        assert!(bad(PgLinearConfig { gamma: 1.5, ..Default::default() }).contains("pg_linear.gamma"));
        assert!(bad(PgLinearConfig { init_std: f64::NAN, ..Default::default() }).contains("pg_linear.init_std"));
    }

    #[test]
    fn improves_on_cartpole_v0_with_a_fixed_seed() {
        let cfg = PgLinearConfig { max_episodes: Some(600), ..Default::default() };
        let (trained, obs) = run_on("CartPole-v0", &cfg, 0);
        assert_eq!(obs.episodes.len(), 600);
        assert_eq!(trained.outcome.updates, 600);
        let mean = |e: &[crate::observer::EpisodeRecord]| e.iter().map(|e| e.ret).sum::<f64>() / e.len() as f64;
        let (first, last) = (mean(&obs.episodes[..50]), mean(&obs.episodes[550..]));
        assert!(first < 40.0, "the initial policy (pi = 0.5 everywhere) should be poor: {first}");
        assert!(last > first + 60.0, "training returns should improve: first 50 {first}, last 50 {last}");
        let mut env = make_with("CartPole-v0", &EnvKwargs::default()).unwrap();
        let greedy = evaluate(env.as_mut(), &mut GreedyLogistic::new(trained.policy), 20, 100_000).unwrap();
        assert!(greedy.mean > 150.0, "greedy evaluation {}", greedy.mean);
        assert_eq!(obs.scalar_names, SCALARS.to_vec());
    }

    #[test]
    fn runs_are_deterministic_and_the_seed_matters() {
        let cfg = PgLinearConfig { max_episodes: Some(30), init_std: 0.1, ..Default::default() };
        let (a, _) = run_on("CartPole-v0", &cfg, 7);
        let (b, _) = run_on("CartPole-v0", &cfg, 7);
        let (c, _) = run_on("CartPole-v0", &cfg, 8);
        assert_eq!(a.policy, b.policy);
        assert_ne!(a.policy, c.policy);
    }

    #[test]
    fn envs_without_two_actions_are_refused() {
        let kwargs = EnvKwargs::default();
        let cfg = PgLinearConfig::default();
        let run = PgLinearRun { spec: RunSpec::in_memory("LunarLander-v3", &kwargs, 10, 0), cfg: &cfg };
        let e = train(&run, &mut RecordingObserver::default()).err().unwrap().to_string();
        assert!(e.contains("needs two actions") && e.contains("4 actions"), "{e}");
    }
}
