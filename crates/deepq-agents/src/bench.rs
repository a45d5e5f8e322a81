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
    /// A stable identifier (`update.nature_cnn_b32`, `env.cartpole_v1`, ...) for scripts that
    /// compare runs; the `name` may be reworded, the id is not.
    pub id: String,
    /// What was measured.
    pub name: String,
    /// The value.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// Repetitions timed.
    pub iterations: u64,
}

impl Measurement {
    /// A measurement that is not a count of timed repetitions (a rate over a time span).
    pub fn rate(id: &str, name: &str, value: f64, unit: &'static str) -> Self {
        Self { id: id.into(), name: name.into(), value, unit, iterations: 0 }
    }
}

/// Times `f` for `iters` repetitions after `warmup` untimed ones; returns the median seconds
/// per call (robust to the other processes of a shared machine, and what the PyTorch peer
/// script reports).
fn time_per_call(warmup: u64, iters: u64, mut f: impl FnMut()) -> f64 {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<f64> = (0..iters.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let n = times.len();
    if n % 2 == 1 {
        times[n / 2]
    } else {
        0.5 * (times[n / 2 - 1] + times[n / 2])
    }
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

/// Milliseconds per DQN update (forward, TD target, backward, Adam step; the median of `iters`).
pub fn update_time(id: &str, name: &str, spec: NetSpec, batch_size: usize, double: bool, iters: u64) -> Measurement {
    let mut cfg = DqnConfig { double, ..DqnConfig::default() };
    cfg.network.hidden = spec.hidden.clone();
    cfg.replay.batch_size = batch_size;
    let batch = random_batch(spec.obs_dim, spec.n_actions, batch_size, 1);
    let mut learner = Learner::new(spec, &cfg, Devices::cpu(), rng_for(0, 5));
    let secs = time_per_call(iters / 10 + 5, iters, || {
        learner.update(&batch, false);
    });
    Measurement { id: id.into(), name: name.into(), value: secs * 1e3, unit: "ms/update", iterations: iters }
}

/// The Nature DQN CNN (Mnih et al. 2015) on 4x84x84 frames: convolutions 32x8x8 stride 4,
/// 64x4x4 stride 2, 64x3x3 stride 1, then 512 hidden units.
pub fn nature_cnn_spec(n_actions: usize) -> NetSpec {
    NetSpec {
        obs_dim: 4 * 84 * 84,
        n_actions,
        hidden: vec![512],
        dueling: false,
        input_shape: vec![4, 84, 84],
        conv: vec![ConvSpec(32, 8, 4), ConvSpec(64, 4, 2), ConvSpec(64, 3, 1)],
        batch_norm: false,
        distributional: None,
        noisy_sigma0: None,
    }
}

/// The Practical-RL homework network (preset `breakout-homework`): 4x64x64 frames, 3x3
/// stride-2 convolutions with 16/32/64 channels, 256 hidden units, dueling head.
pub fn homework_cnn_spec(n_actions: usize) -> NetSpec {
    NetSpec {
        obs_dim: 4 * 64 * 64,
        n_actions,
        hidden: vec![256],
        dueling: true,
        input_shape: vec![4, 64, 64],
        conv: vec![ConvSpec(16, 3, 2), ConvSpec(32, 3, 2), ConvSpec(64, 3, 2)],
        batch_norm: false,
        distributional: None,
        noisy_sigma0: None,
    }
}

/// Milliseconds per update of the Nature DQN CNN (4x84x84 input, batch 32, as in the Atari
/// presets and the PyTorch peer benchmark), id `update.nature_cnn_b32`.
pub fn nature_cnn_update_time(n_actions: usize, iters: u64) -> Measurement {
    update_time(
        "update.nature_cnn_b32",
        "update: Nature CNN 4x84x84, batch 32",
        nature_cnn_spec(n_actions),
        32,
        false,
        iters,
    )
}

/// Milliseconds per update of the homework network (batch 16, Double DQN, as in its preset),
/// id `update.homework_cnn_b16`.
pub fn homework_cnn_update_time(iters: u64) -> Measurement {
    update_time(
        "update.homework_cnn_b16",
        "update: homework CNN 4x64x64, dueling, batch 16, double (breakout-homework)",
        homework_cnn_spec(4),
        16,
        true,
        iters,
    )
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

/// One benchmark of a suite: its stable id and how to run it (`quick`: fewer iterations).
pub struct Entry {
    /// The id of the measurement it produces.
    pub id: &'static str,
    /// Runs it.
    pub run: Box<dyn Fn(bool) -> Result<Measurement, EnvError>>,
}

impl Entry {
    /// An entry.
    pub fn new(id: &'static str, run: impl Fn(bool) -> Result<Measurement, EnvError> + 'static) -> Self {
        Self { id, run: Box::new(run) }
    }
}

/// Runs the entries in order (denormals flushed to zero, as in training).
pub fn run_entries(entries: &[Entry], quick: bool) -> Result<Vec<Measurement>, EnvError> {
    crate::util::flush_denormals_to_zero();
    entries.iter().map(|e| (e.run)(quick)).collect()
}

/// Divides an iteration count for quick runs (at least 3 iterations remain).
fn iters(full: u64, quick: bool, div: u64) -> u64 {
    if quick {
        (full / div).max(3)
    } else {
        full
    }
}

/// The CNN updates without Atari (`deepq bench cnn`): the Nature CNN, the homework network and
/// the two CartPole-from-pixels networks.
pub fn cnn_entries() -> Vec<Entry> {
    vec![
        Entry::new("update.nature_cnn_b32", |q| Ok(nature_cnn_update_time(6, iters(40, q, 10)))),
        Entry::new("update.homework_cnn_b16", |q| Ok(homework_cnn_update_time(iters(200, q, 20)))),
        Entry::new("act.nature_cnn", |q| {
            let name = "greedy action, Nature CNN 4x84x84 (one observation)";
            Ok(action_latency("act.nature_cnn", name, nature_cnn_spec(6), iters(500, q, 20)))
        }),
        Entry::new("update.tutorial_cnn_b128", |q| Ok(tutorial_update(iters(30, q, 10)))),
        Entry::new("update.pixels_cnn_b32", |q| Ok(pixels_update(iters(100, q, 10)))),
    ]
}

fn tutorial_update(iters: u64) -> Measurement {
    update_time(
        "update.tutorial_cnn_b128",
        "update: tutorial CNN 3x40x90 + BatchNorm, batch 128 (cartpole-pixels-tutorial)",
        tutorial_cnn_spec(3, vec![], true),
        128,
        false,
        iters,
    )
}

fn pixels_update(iters: u64) -> Measurement {
    update_time(
        "update.pixels_cnn_b32",
        "update: CNN 2x40x90 (ink), hidden 64, dueling, batch 32, double (cartpole-pixels)",
        NetSpec { dueling: true, ..tutorial_cnn_spec(2, vec![64], false) },
        32,
        true,
        iters,
    )
}

/// The `pixels` suite of `deepq bench`: the CartPole-from-pixels CNN updates and the screen
/// pipelines' env steps per second.
pub fn pixel_entries() -> Vec<Entry> {
    vec![
        Entry::new("update.tutorial_cnn_b128", |q| Ok(tutorial_update(iters(30, q, 10)))),
        Entry::new("update.pixels_cnn_b32", |q| Ok(pixels_update(iters(100, q, 10)))),
        Entry::new("env.cartpole_v0_screen_diff", |q| {
            wrapped_env_steps_per_second(
                "env.cartpole_v0_screen_diff",
                "CartPole-v0",
                Some("tutorial_screen_diff"),
                iters(3000, q, 10),
            )
        }),
        Entry::new("env.cartpole_v0_screen_ink", |q| {
            wrapped_env_steps_per_second(
                "env.cartpole_v0_screen_ink",
                "CartPole-v0",
                Some("tutorial_screen_ink"),
                iters(3000, q, 10),
            )
        }),
    ]
}

/// The `pixels` suite of `deepq bench`.
pub fn pixel_suite(quick: bool) -> Result<Vec<Measurement>, EnvError> {
    run_entries(&pixel_entries(), quick)
}

/// The `cnn` suite of `deepq bench`.
pub fn cnn_suite(quick: bool) -> Result<Vec<Measurement>, EnvError> {
    run_entries(&cnn_entries(), quick)
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
pub fn action_latency(id: &str, name: &str, spec: NetSpec, iters: u64) -> Measurement {
    let mut cfg = DqnConfig::default();
    cfg.network.hidden = spec.hidden.clone();
    let obs = vec![0.1f32; spec.obs_dim];
    let mut learner = Learner::new(spec, &cfg, Devices::cpu(), rng_for(0, 5));
    let secs = time_per_call(iters / 10 + 5, iters, || {
        std::hint::black_box(crate::util::argmax(&learner.q_values(&obs, 1)));
    });
    Measurement { id: id.into(), name: name.into(), value: secs * 1e6, unit: "us/action", iterations: iters }
}

/// Env steps per second of `env_id` under random actions (resets included).
pub fn env_steps_per_second(id: &str, env_id: &str, steps: u64) -> Result<Measurement, EnvError> {
    wrapped_env_steps_per_second(id, env_id, None, steps)
}

/// Env steps per second with random actions, optionally through an observation `wrapper`
/// (e.g. `tutorial_screen_diff`: render + crop + resize on every step).
pub fn wrapped_env_steps_per_second(
    id: &str,
    env_id: &str,
    wrapper: Option<&str>,
    steps: u64,
) -> Result<Measurement, EnvError> {
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
        id: id.into(),
        name: match wrapper {
            None => format!("{env_id} env steps (random actions)"),
            Some(w) => format!("{env_id} + {w} env steps (random actions)"),
        },
        value: sps,
        unit: "steps/s",
        iterations: steps,
    })
}

/// Env steps per second (summed over the envs) of a [`VecEnv`](deepq_env::VecEnv) of `n`
/// copies of `env_id` with random actions and next-step autoreset.
pub fn vector_env_steps_per_second(
    id: &str,
    env_id: &str,
    kwargs: &deepq_env::EnvKwargs,
    n: usize,
    stepping: deepq_env::Stepping,
    vector_steps: u64,
) -> Result<Measurement, EnvError> {
    let mut env = deepq_env::VecEnv::make(env_id, kwargs, n, stepping)?;
    let n_actions = env.n_actions();
    let mut rng = rng_for(0, 0);
    env.reset(Some(0));
    let mut actions = vec![0usize; n];
    let start = Instant::now();
    for _ in 0..vector_steps {
        actions.iter_mut().for_each(|a| *a = rng.random_range(0..n_actions));
        env.step(&actions)?;
    }
    let sps = (vector_steps * n as u64) as f64 / start.elapsed().as_secs_f64();
    let how = match stepping {
        deepq_env::Stepping::Serial => "one thread",
        deepq_env::Stepping::Threads => "threads",
    };
    Ok(Measurement {
        id: id.into(),
        name: format!("{env_id} x {n} vector env ({how}, random actions), env steps"),
        value: sps,
        unit: "steps/s",
        iterations: vector_steps,
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
            stream: 0,
        });
    }
    let mut rng = rng_for(0, 1);
    let mut out = Batch::default();
    let secs = time_per_call(100, iters, || buf.sample_into(batch, 1.0, &mut rng, &mut out));
    Measurement {
        id: format!("replay.sample_b{batch}"),
        name: format!("replay sample {batch} of {capacity} (obs {obs_dim})"),
        value: secs * 1e6,
        unit: "us/batch",
        iterations: iters,
    }
}

/// The standard (`core`) suite of `deepq bench`: MLP updates, acting, CartPole, replay.
pub fn core_entries() -> Vec<Entry> {
    let mlp = |obs_dim, n_actions, hidden: &[usize]| NetSpec::mlp(obs_dim, n_actions, hidden, false);
    vec![
        Entry::new("update.cartpole_mlp_b64", move |q| {
            Ok(update_time(
                "update.cartpole_mlp_b64",
                "update: the cartpole preset's MLP 4-64-64-2 at batch 64 (the preset trains at 128), double",
                mlp(4, 2, &[64, 64]),
                64,
                true,
                iters(4000, q, 20),
            ))
        }),
        Entry::new("update.cleanrl_mlp_b128", move |q| {
            Ok(update_time(
                "update.cleanrl_mlp_b128",
                "update: CleanRL, MLP 4-120-84-2, batch 128",
                mlp(4, 2, &[120, 84]),
                128,
                false,
                iters(3000, q, 20),
            ))
        }),
        Entry::new("update.zoo_mlp_b64", move |q| {
            Ok(update_time(
                "update.zoo_mlp_b64",
                "update: RL-Zoo, MLP 4-256-256-2, batch 64",
                mlp(4, 2, &[256, 256]),
                64,
                false,
                iters(1000, q, 20),
            ))
        }),
        Entry::new("update.lunar_mlp_b128", move |q| {
            Ok(update_time(
                "update.lunar_mlp_b128",
                "update: LunarLander-size, MLP 8-256-256-4, batch 128",
                mlp(8, 4, &[256, 256]),
                128,
                false,
                iters(500, q, 20),
            ))
        }),
        Entry::new("act.cartpole_mlp", move |q| {
            Ok(action_latency(
                "act.cartpole_mlp",
                "greedy action, MLP 4-64-64-2",
                mlp(4, 2, &[64, 64]),
                iters(20_000, q, 20),
            ))
        }),
        Entry::new("env.cartpole_v1", |q| {
            env_steps_per_second("env.cartpole_v1", "CartPole-v1", iters(2_000_000, q, 20))
        }),
        Entry::new("env.cartpole_v1_vec8", |q| {
            let kw = deepq_env::EnvKwargs::default();
            let steps = iters(250_000, q, 20);
            vector_env_steps_per_second(
                "env.cartpole_v1_vec8",
                "CartPole-v1",
                &kw,
                8,
                deepq_env::Stepping::Serial,
                steps,
            )
        }),
        Entry::new("replay.sample_b128", |q| Ok(replay_sample_time(100_000, 4, 128, iters(20_000, q, 20)))),
    ]
}

/// The standard suite of `deepq bench`; `quick` runs fewer iterations (for tests).
pub fn standard_suite(quick: bool) -> Result<Vec<Measurement>, EnvError> {
    run_entries(&core_entries(), quick)
}

#[cfg(test)]
mod tests {
    #[test]
    fn quick_suite_measures_positive_values() {
        let m = super::standard_suite(true).unwrap();
        assert_eq!(m.len(), 8);
        assert!(m.iter().all(|x| x.value > 0.0 && x.value.is_finite()), "{m:?}");
    }

    #[test]
    fn pixel_suite_measures_positive_values() {
        let m = super::pixel_suite(true).unwrap();
        assert_eq!(m.len(), 4);
        assert!(m.iter().all(|x| x.value > 0.0 && x.value.is_finite()), "{m:?}");
    }

    #[test]
    fn entries_produce_the_measurement_of_their_id_and_ids_are_unique() {
        let all: Vec<_> =
            [super::core_entries(), super::pixel_entries(), super::cnn_entries()].into_iter().flatten().collect();
        let mut seen = std::collections::HashMap::new();
        for e in &all {
            seen.entry(e.id).or_insert(0);
        }
        // Suites may share an entry (pixels and cnn both time the CartPole CNNs), with one id.
        assert!(seen.contains_key("update.nature_cnn_b32") && seen.contains_key("update.homework_cnn_b16"));
        assert!(seen.contains_key("update.cleanrl_mlp_b128") && seen.contains_key("update.zoo_mlp_b64"));
        let core = super::standard_suite(true).unwrap();
        for (e, m) in super::core_entries().iter().zip(&core) {
            assert_eq!(e.id, m.id);
        }
        let hw = super::homework_cnn_update_time(3);
        assert_eq!(hw.id, "update.homework_cnn_b16");
        assert!(hw.value > 0.0);
    }
}
