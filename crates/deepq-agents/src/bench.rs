//! Micro-benchmarks behind `deepq bench`: DQN update time, action latency, env and replay speed.

use crate::dqn::{Devices, DqnConfig, Learner};
use crate::nets::{ConvSpec, NetSpec};
use crate::replay::{Batch, PriorityConfig, Replay, ReplayMemory, Transition, VectorStorage};
use crate::util::rng_for;
use deepq_env::EnvError;
use rand::Rng;
use serde::Serialize;
use std::time::Instant;

/// One measured quantity.
#[derive(Debug, Clone, Serialize)]
pub struct Measurement {
    /// What was measured.
    pub name: String,
    /// The value.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// Repetitions timed.
    pub iterations: u64,
}

/// Times `f` for `iters` repetitions after `warmup` untimed ones; returns seconds per call.
fn time_per_call(warmup: u64, iters: u64, mut f: impl FnMut()) -> f64 {
    for _ in 0..warmup {
        f();
    }
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_secs_f64() / iters as f64
}

fn random_batch(obs_dim: usize, n_actions: usize, batch: usize, seed: u64) -> Batch {
    let mut rng = rng_for(seed, 0);
    let mut v = |n: usize| (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect::<Vec<f32>>();
    Batch {
        obs: v(batch * obs_dim),
        next_obs: v(batch * obs_dim),
        rewards: v(batch),
        discounts: vec![0.99; batch],
        weights: vec![1.0; batch],
        actions: (0..batch).map(|i| (i % n_actions) as i64).collect(),
        indices: vec![0; batch],
    }
}

/// Milliseconds per DQN update (forward, TD target, backward, Adam step) of an MLP.
pub fn update_time(name: &str, spec: NetSpec, batch_size: usize, double: bool, iters: u64) -> Measurement {
    let mut cfg = DqnConfig { double, ..DqnConfig::default() };
    cfg.network.hidden = spec.hidden.clone();
    cfg.replay.batch_size = batch_size;
    let batch = random_batch(spec.obs_dim, spec.n_actions, batch_size, 1);
    let mut learner = Learner::new(spec, &cfg, Devices::cpu(), rng_for(0, 5));
    let secs = time_per_call(iters / 10 + 5, iters, || {
        learner.update(&batch, false);
    });
    Measurement { name: name.into(), value: secs * 1e3, unit: "ms/update", iterations: iters }
}

/// Milliseconds per update of the Nature DQN CNN (4x84x84 input, batch 32, as in the Atari
/// presets).
pub fn nature_cnn_update_time(n_actions: usize, iters: u64) -> Measurement {
    let spec = NetSpec {
        obs_dim: 4 * 84 * 84,
        n_actions,
        hidden: vec![512],
        dueling: false,
        input_shape: vec![4, 84, 84],
        conv: vec![ConvSpec(32, 8, 4), ConvSpec(64, 4, 2), ConvSpec(64, 3, 1)],
        batch_norm: false,
        distributional: None,
        noisy_sigma0: None,
    };
    let mut m = update_time("update: Nature CNN 4x84x84, batch 32", spec, 32, false, iters);
    m.iterations = iters;
    m
}

/// The tutorial's CNN (three 5x5 stride-2 convolutions with 16/32/32 channels, each with
/// BatchNorm when `batch_norm`) on `channels x 40 x 90` screens, with the given hidden layers.
pub fn tutorial_cnn_spec(channels: usize, hidden: Vec<usize>, batch_norm: bool) -> NetSpec {
    NetSpec {
        obs_dim: channels * 40 * 90,
        n_actions: 2,
        hidden,
        dueling: false,
        input_shape: vec![channels, 40, 90],
        conv: vec![ConvSpec(16, 5, 2), ConvSpec(32, 5, 2), ConvSpec(32, 5, 2)],
        batch_norm,
        distributional: None,
        noisy_sigma0: None,
    }
}

/// The `pixels` suite of `deepq bench`: CNN update times of the CartPole-from-pixels presets and
/// the screen pipeline's env steps per second.
pub fn pixel_suite(quick: bool) -> Result<Vec<Measurement>, EnvError> {
    crate::util::flush_denormals_to_zero();
    let k = if quick { 10 } else { 1 };
    Ok(vec![
        update_time(
            "update: tutorial CNN 3x40x90 + BatchNorm, batch 128 (cartpole-pixels-tutorial)",
            tutorial_cnn_spec(3, vec![], true),
            128,
            false,
            30 / k,
        ),
        update_time(
            "update: CNN 2x40x90 (ink), hidden 64, dueling, batch 32, double (cartpole-pixels)",
            NetSpec { dueling: true, ..tutorial_cnn_spec(2, vec![64], false) },
            32,
            true,
            100 / k,
        ),
        wrapped_env_steps_per_second("CartPole-v0", Some("tutorial_screen_diff"), 3000 / k)?,
        wrapped_env_steps_per_second("CartPole-v0", Some("tutorial_screen_ink"), 3000 / k)?,
    ])
}

/// Times `f` (one call = `per_call` units) for about `secs` seconds; returns units per second.
pub fn rate(secs: f64, per_call: f64, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed().as_secs_f64() < secs {
        f();
        calls += 1;
    }
    calls as f64 * per_call / start.elapsed().as_secs_f64()
}

/// Microseconds to pick one greedy action (inference copy of the network).
pub fn action_latency(spec: NetSpec, iters: u64) -> Measurement {
    let mut cfg = DqnConfig::default();
    cfg.network.hidden = spec.hidden.clone();
    let obs = vec![0.1f32; spec.obs_dim];
    let mut learner = Learner::new(spec, &cfg, Devices::cpu(), rng_for(0, 5));
    let secs = time_per_call(200, iters, || {
        std::hint::black_box(crate::util::argmax(&learner.q_values(&obs)));
    });
    Measurement { name: "greedy action, MLP 4-64-64-2".into(), value: secs * 1e6, unit: "us/action", iterations: iters }
}

/// Env steps per second of `env_id` under random actions (resets included).
pub fn env_steps_per_second(env_id: &str, steps: u64) -> Result<Measurement, EnvError> {
    wrapped_env_steps_per_second(env_id, None, steps)
}

/// Env steps per second with random actions, optionally through an observation `wrapper`
/// (e.g. `tutorial_screen_diff`: render + crop + resize on every step).
pub fn wrapped_env_steps_per_second(env_id: &str, wrapper: Option<&str>, steps: u64) -> Result<Measurement, EnvError> {
    let kwargs = deepq_env::EnvKwargs { wrapper: wrapper.map(str::to_string), ..Default::default() };
    let mut env = deepq_env::make_with(env_id, &kwargs)?;
    let n = env.n_actions();
    let mut rng = rng_for(0, 0);
    env.reset(Some(0));
    let start = Instant::now();
    for _ in 0..steps {
        let s = env.step(rng.random_range(0..n))?;
        if s.done() {
            env.reset(None);
        }
    }
    let sps = steps as f64 / start.elapsed().as_secs_f64();
    Ok(Measurement {
        name: match wrapper {
            None => format!("{env_id} env steps (random actions)"),
            Some(w) => format!("{env_id} + {w} env steps (random actions)"),
        },
        value: sps,
        unit: "steps/s",
        iterations: steps,
    })
}

/// Microseconds to sample a batch of `batch` from a full replay buffer of `capacity`.
pub fn replay_sample_time(capacity: usize, obs_dim: usize, batch: usize, iters: u64) -> Measurement {
    let mut buf = ReplayMemory::new(VectorStorage::new(capacity, obs_dim), &PriorityConfig::default(), 1, 0.99);
    let features = vec![0.5f32; obs_dim];
    let obs = deepq_env::Obs::F32(features.clone());
    for i in 0..capacity {
        buf.push(&Transition {
            obs: &obs,
            obs_features: &features,
            action: i % 2,
            reward: 1.0,
            next_obs: &obs,
            next_features: &features,
            terminated: false,
            truncated: false,
        });
    }
    let mut rng = rng_for(0, 1);
    let mut out = Batch::default();
    let secs = time_per_call(100, iters, || buf.sample_into(batch, 1.0, &mut rng, &mut out));
    Measurement {
        name: format!("replay sample {batch} of {capacity} (obs {obs_dim})"),
        value: secs * 1e6,
        unit: "us/batch",
        iterations: iters,
    }
}

/// The standard suite of `deepq bench`; `quick` runs fewer iterations (for tests).
pub fn standard_suite(quick: bool) -> Result<Vec<Measurement>, EnvError> {
    crate::util::flush_denormals_to_zero();
    let k = if quick { 20 } else { 1 };
    let mlp = |obs_dim, n_actions, hidden: &[usize]| NetSpec::mlp(obs_dim, n_actions, hidden, false);
    Ok(vec![
        update_time(
            "update: deepq cartpole preset, MLP 4-64-64-2, batch 64, double",
            mlp(4, 2, &[64, 64]),
            64,
            true,
            4000 / k,
        ),
        update_time("update: CleanRL, MLP 4-120-84-2, batch 128", mlp(4, 2, &[120, 84]), 128, false, 3000 / k),
        update_time("update: RL-Zoo, MLP 4-256-256-2, batch 64", mlp(4, 2, &[256, 256]), 64, false, 1000 / k),
        update_time(
            "update: LunarLander-size, MLP 8-256-256-4, batch 128",
            mlp(8, 4, &[256, 256]),
            128,
            false,
            500 / k,
        ),
        action_latency(mlp(4, 2, &[64, 64]), 20_000 / k),
        env_steps_per_second("CartPole-v1", 2_000_000 / k)?,
        replay_sample_time(100_000, 4, 128, 20_000 / k),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn quick_suite_measures_positive_values() {
        let m = super::standard_suite(true).unwrap();
        assert_eq!(m.len(), 7);
        assert!(m.iter().all(|x| x.value > 0.0 && x.value.is_finite()), "{m:?}");
    }

    #[test]
    fn pixel_suite_measures_positive_values() {
        let m = super::pixel_suite(true).unwrap();
        assert_eq!(m.len(), 4);
        assert!(m.iter().all(|x| x.value > 0.0 && x.value.is_finite()), "{m:?}");
    }
}
