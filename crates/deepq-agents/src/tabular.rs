//! Tabular Q-learning, read top to bottom like Lapan's `06_frozenlake_q_learning.py`:
//! sample one transition from a training env (random or epsilon-greedy actions), blend the Bellman
//! target into the table with learning rate `alpha`, then every `test_every` steps play
//! `test_episodes` greedy episodes on a separate test env; solved when the test mean is strictly
//! above `solve_threshold`. Also [`value_iteration`], whose exact solution checks the learner.

use crate::observer::{EpisodeRecord, Observer, ProgressInfo};
use crate::policy::{evaluate, Policy};
use crate::util::rng_for;
use deepq_env::{make_with, EnvError, EnvKwargs, Obs};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// How the training env picks its actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exploration {
    /// Uniformly random actions (Lapan's agent: off-policy learning from random play).
    Random,
    /// Epsilon-greedy on the current table, epsilon decaying linearly.
    EpsilonGreedy,
}

/// Hyperparameters of tabular Q-learning (the `[tabular]` table of a config).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TabularConfig {
    /// Learning rate of the blend `Q <- (1-alpha) Q + alpha target`.
    pub alpha: f64,
    /// Discount factor.
    pub gamma: f64,
    /// Action selection of the training env.
    pub exploration: Exploration,
    /// Initial epsilon (epsilon-greedy only).
    pub epsilon_start: f64,
    /// Final epsilon (epsilon-greedy only).
    pub epsilon_end: f64,
    /// Steps over which epsilon decays linearly (epsilon-greedy only).
    pub epsilon_decay_steps: u64,
    /// Env steps between greedy tests (1 = after every update, as Lapan does).
    pub test_every: u64,
    /// Greedy episodes per test.
    pub test_episodes: usize,
    /// Solved when a test mean is strictly above this; training then stops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solve_threshold: Option<f64>,
}

impl Default for TabularConfig {
    fn default() -> Self {
        Self {
            alpha: 0.2,
            gamma: 0.9,
            exploration: Exploration::Random,
            epsilon_start: 1.0,
            epsilon_end: 0.05,
            epsilon_decay_steps: 10_000,
            test_every: 1,
            test_episodes: 20,
            solve_threshold: Some(0.8),
        }
    }
}

/// A table of action values, `n_states x n_actions`, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct QTable {
    /// Number of states.
    pub n_states: usize,
    /// Number of actions.
    pub n_actions: usize,
    /// `values[s * n_actions + a]`.
    pub values: Vec<f64>,
}

impl QTable {
    /// An all-zero table.
    pub fn zeros(n_states: usize, n_actions: usize) -> Self {
        Self { n_states, n_actions, values: vec![0.0; n_states * n_actions] }
    }
    /// The action values of state `s`.
    pub fn row(&self, s: usize) -> &[f64] {
        &self.values[s * self.n_actions..(s + 1) * self.n_actions]
    }
    /// `Q(s, a)`.
    pub fn get(&self, s: usize, a: usize) -> f64 {
        self.values[s * self.n_actions + a]
    }
    /// The greedy action (first maximum) and its value.
    pub fn best(&self, s: usize) -> (usize, f64) {
        let row = self.row(s);
        let mut best = 0;
        for a in 1..row.len() {
            if row[a] > row[best] {
                best = a;
            }
        }
        (best, row[best])
    }
}

impl Policy for QTable {
    fn act(&mut self, obs: &Obs) -> usize {
        let s = obs.as_discrete().expect("a Q-table acts on discrete observations");
        self.best(s).0
    }
}

/// What a tabular run produced.
#[derive(Debug, Clone)]
pub struct TabularOutcome {
    /// The learned table.
    pub q: QTable,
    /// Training env steps (= updates = Lapan's iterations).
    pub env_steps: u64,
    /// Finished training episodes.
    pub episodes: u64,
    /// Step at which the test mean first exceeded the threshold.
    pub solved_at_step: Option<u64>,
    /// Best test mean seen.
    pub best_test_reward: f64,
}

/// Names of the per-episode scalars of [`train`].
pub const SCALARS: [&str; 3] = ["epsilon", "test_reward", "best_test_reward"];

/// Trains a Q-table on `env_id` for at most `total_steps` env steps.
pub fn train(
    env_id: &str,
    kwargs: &EnvKwargs,
    cfg: &TabularConfig,
    total_steps: u64,
    seed: u64,
    observer: &mut dyn Observer,
) -> Result<TabularOutcome, EnvError> {
    let mut env = make_with(env_id, kwargs)?;
    let mut test_env = make_with(env_id, kwargs)?;
    let n_states = env.observation_space().n().ok_or_else(|| {
        EnvError::Other(format!(
            "tabular Q-learning needs a discrete observation space; {env_id} has {}",
            env.observation_space().describe()
        ))
    })?;
    let n_actions = env.n_actions();
    let mut q = QTable::zeros(n_states, n_actions);
    let mut rng = rng_for(seed, 1);
    observer.begin(&SCALARS, total_steps);

    let (obs, _) = env.reset(Some(seed));
    let mut state = obs.as_discrete().expect("discrete observation space");
    let mut episode = 0u64;
    let (mut ep_return, mut ep_len) = (0.0, 0u64);
    let mut test_reward = f64::NAN;
    let mut best_test_reward = f64::NEG_INFINITY;
    let mut solved_at_step = None;
    let mut test_seed = seed.wrapping_mul(1_000_003).wrapping_add(10_000);
    let mut step = 0u64;

    while step < total_steps && !observer.stop_requested() && !observer.time_limit_reached() {
        // 1. Sample one transition from the training env.
        let epsilon = match cfg.exploration {
            Exploration::Random => 1.0,
            Exploration::EpsilonGreedy => {
                let frac = (step as f64 / cfg.epsilon_decay_steps.max(1) as f64).min(1.0);
                cfg.epsilon_start + frac * (cfg.epsilon_end - cfg.epsilon_start)
            }
        };
        let action = if rng.random::<f64>() < epsilon { rng.random_range(0..n_actions) } else { q.best(state).0 };
        let s = env.step(action)?;
        let next_state = s.obs.as_discrete().expect("discrete observation space");
        step += 1;
        ep_return += s.reward;
        ep_len += 1;

        // 2. Bellman update: bootstrap unless the MDP terminated (a time-limit cut still bootstraps).
        let bootstrap = if s.terminated { 0.0 } else { q.best(next_state).1 };
        let target = s.reward + cfg.gamma * bootstrap;
        let cell = &mut q.values[state * n_actions + action];
        *cell = *cell * (1.0 - cfg.alpha) + target * cfg.alpha;

        if s.done() {
            episode += 1;
            observer.on_episode(&EpisodeRecord {
                step,
                episode,
                ret: ep_return,
                length: ep_len,
                scalars: vec![
                    epsilon,
                    test_reward,
                    if best_test_reward.is_finite() { best_test_reward } else { f64::NAN },
                ],
            });
            (ep_return, ep_len) = (0.0, 0);
            state = env.reset(None).0.as_discrete().expect("discrete observation space");
        } else {
            state = next_state;
        }

        // 3. Greedy test on the separate env.
        if cfg.test_every > 0 && step.is_multiple_of(cfg.test_every) {
            let result = evaluate(test_env.as_mut(), &mut q.clone(), cfg.test_episodes, test_seed)?;
            test_seed = test_seed.wrapping_add(cfg.test_episodes as u64);
            test_reward = result.mean;
            observer.on_scalar("test_reward", test_reward, step);
            if test_reward > best_test_reward {
                best_test_reward = test_reward;
            }
            if let Some(threshold) = cfg.solve_threshold {
                if test_reward > threshold {
                    solved_at_step = Some(step);
                    break;
                }
            }
        }
        if step.is_multiple_of(256) {
            observer.on_progress(&ProgressInfo { epsilon: Some(epsilon), ..ProgressInfo::learning(step, step) });
        }
    }
    observer.on_progress(&ProgressInfo::learning(step, step));
    Ok(TabularOutcome { q, env_steps: step, episodes: episode, solved_at_step, best_test_reward })
}

/// One transition of a model: `(probability, next state, reward, terminated)`.
pub type Transition = (f64, usize, f64, bool);

/// Value iteration on a known model (Gymnasium's `P`): returns the optimal action values,
/// iterating until the largest change is below `tol`.
pub fn value_iteration(
    n_states: usize,
    n_actions: usize,
    model: &dyn Fn(usize, usize) -> Vec<Transition>,
    gamma: f64,
    tol: f64,
) -> QTable {
    let mut q = QTable::zeros(n_states, n_actions);
    let mut v = vec![0.0; n_states];
    loop {
        let mut delta: f64 = 0.0;
        for s in 0..n_states {
            for a in 0..n_actions {
                let value: f64 = model(s, a)
                    .iter()
                    .map(|&(p, next, r, term)| p * (r + if term { 0.0 } else { gamma * v[next] }))
                    .sum();
                q.values[s * n_actions + a] = value;
            }
        }
        for (s, vs) in v.iter_mut().enumerate() {
            let best = q.best(s).1;
            delta = delta.max((best - *vs).abs());
            *vs = best;
        }
        if delta < tol {
            return q;
        }
    }
}

/// Saves a Q-table checkpoint (`q_table`, f64 `[n_states, n_actions]`) with its env metadata.
pub fn save_q_table(
    path: &std::path::Path,
    q: &QTable,
    env_id: &str,
    kwargs: &EnvKwargs,
) -> Result<(), crate::checkpoint::CheckpointError> {
    use crate::checkpoint::{save, Tensor};
    let meta = std::collections::HashMap::from([
        ("deepq.kind".to_string(), "tabular_q".to_string()),
        ("deepq.env_id".to_string(), env_id.to_string()),
        ("deepq.env_kwargs".to_string(), serde_json::to_string(kwargs).expect("kwargs serialise")),
    ]);
    save(path, &[("q_table".to_string(), Tensor::f64(vec![q.n_states, q.n_actions], &q.values))], &meta)
}

/// Rebuilds a Q-table from a loaded checkpoint.
pub fn q_table_from(
    ckpt: &crate::checkpoint::Checkpoint,
    path: &std::path::Path,
) -> Result<QTable, crate::checkpoint::CheckpointError> {
    let t = ckpt.tensor("q_table", path)?;
    if t.shape.len() != 2 {
        return Err(crate::checkpoint::CheckpointError::Mismatch {
            path: path.display().to_string(),
            reason: format!("q_table has shape {:?}, expected [states, actions]", t.shape),
        });
    }
    Ok(QTable { n_states: t.shape[0], n_actions: t.shape[1], values: t.to_f64() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observer::{NullObserver, RecordingObserver};
    use deepq_env::envs::frozen_lake::FrozenLake;

    fn frozen_lake_model(lake: &FrozenLake) -> impl Fn(usize, usize) -> Vec<Transition> + '_ {
        move |s, a| lake.transitions(s, a).to_vec()
    }

    #[test]
    fn value_iteration_solves_deterministic_lake_exactly() {
        let lake = FrozenLake::new("FrozenLake-v1", "4x4", false).unwrap();
        let q = value_iteration(16, 4, &frozen_lake_model(&lake), 0.9, 1e-12);
        // Start (0) is 6 moves from the goal: V* = 0.9^5.
        assert!((q.best(0).1 - 0.9f64.powi(5)).abs() < 1e-9, "V*(0) = {}", q.best(0).1);
        // The cell left of the goal (14) reaches it in one move with reward 1.
        assert!((q.get(14, 2) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn q_learning_converges_to_value_iteration_on_deterministic_lake() {
        let lake = FrozenLake::new("FrozenLake-v1", "4x4", false).unwrap();
        let optimal = value_iteration(16, 4, &frozen_lake_model(&lake), 0.9, 1e-12);
        let cfg = TabularConfig { test_every: 0, solve_threshold: None, ..TabularConfig::default() };
        let kwargs = EnvKwargs { is_slippery: Some(false), ..Default::default() };
        let out = train("FrozenLake-v1", &kwargs, &cfg, 200_000, 0, &mut NullObserver).unwrap();
        // Every state-action pair that random play visits from the start converges; check the
        // values along the optimal path and the start state's greedy value.
        for s in [0usize, 4, 8, 9, 13, 14] {
            let (a, v) = optimal.best(s);
            assert!((out.q.get(s, a) - v).abs() < 1e-3, "state {s}: learned {} optimal {v}", out.q.get(s, a));
        }
    }

    #[test]
    fn lapan_setup_solves_slippery_lake_and_reports_progress() {
        let mut obs = RecordingObserver::default();
        let out =
            train("FrozenLake-v1", &EnvKwargs::default(), &TabularConfig::default(), 100_000, 0, &mut obs).unwrap();
        let at = out.solved_at_step.expect("Lapan's setup solves FrozenLake within 100k iterations");
        assert!(out.best_test_reward > 0.8);
        assert_eq!(out.env_steps, at);
        assert_eq!(obs.scalars.len() as u64, at, "one test reward per iteration");
        assert!(!obs.episodes.is_empty());
        assert_eq!(obs.scalar_names, SCALARS.to_vec());
    }

    #[test]
    fn same_seed_same_run() {
        let run = |seed| {
            let cfg = TabularConfig { test_every: 100, ..TabularConfig::default() };
            train("FrozenLake-v1", &EnvKwargs::default(), &cfg, 5_000, seed, &mut NullObserver).unwrap().q
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }

    #[test]
    fn q_table_checkpoint_roundtrip() {
        let dir = std::env::temp_dir().join(format!("deepq-qt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("q.safetensors");
        let mut q = QTable::zeros(3, 2);
        q.values[3] = 0.25;
        save_q_table(&path, &q, "FrozenLake-v1", &EnvKwargs::default()).unwrap();
        let ck = crate::checkpoint::load(&path).unwrap();
        assert_eq!(q_table_from(&ck, &path).unwrap(), q);
        assert_eq!(ck.metadata["deepq.kind"], "tabular_q");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
