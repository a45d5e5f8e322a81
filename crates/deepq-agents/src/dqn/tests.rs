//! Tests of the DQN maths (targets, Double DQN, clipping, C51 and noisy updates, priorities) and
//! fixed-seed learning tests on small tasks.

use super::*;
use crate::checkpoint::Tensor as StoredTensor;
use crate::nets::{load_params, NetSpec, QNetwork, Support};
use crate::observer::{NullObserver, RecordingObserver};
use crate::replay::Batch;
use crate::schedule::EpsilonSchedule;
use crate::tabular::value_iteration;
use crate::util::rng_for;
use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::Int;
use deepq_env::envs::frozen_lake::FrozenLake;
use deepq_env::EnvKwargs;
use std::collections::HashMap;

/// A linear Q-network `Q(s) = s W + b` (no hidden layer) with the given weights.
fn linear_net(devices: &Devices, train: bool, w: [f32; 4], b: [f32; 2]) -> QNetwork {
    let spec = NetSpec::mlp(2, 2, &[], false);
    let tensors = HashMap::from([
        ("head.weight".to_string(), StoredTensor::f32(vec![2, 2], &w)),
        ("head.bias".to_string(), StoredTensor::f32(vec![2], &b)),
    ]);
    let device = if train { &devices.train } else { &devices.infer };
    load_params(spec.init(device), &tensors, "").unwrap()
}

fn cfg_with(f: impl FnOnce(&mut DqnConfig)) -> DqnConfig {
    let mut c = DqnConfig::default();
    c.network.hidden = vec![];
    f(&mut c);
    c
}

fn learner(double: bool, gamma: f64) -> Learner {
    let cfg = cfg_with(|c| {
        c.double = double;
        c.gamma = gamma;
    });
    Learner::new(NetSpec::mlp(2, 2, &[], false), &cfg, Devices::cpu(), rng_for(0, 5))
}

/// A batch with one-step discounts `gamma * (1 - terminated)`.
fn batch(next_obs: Vec<f32>, rewards: Vec<f32>, terminated: Vec<f32>, gamma: f32) -> Batch {
    let n = rewards.len();
    Batch {
        obs: vec![0.0; n * 2],
        actions: vec![0; n],
        discounts: terminated.iter().map(|t| gamma * (1.0 - t)).collect(),
        rewards,
        next_obs,
        weights: vec![1.0; n],
        indices: vec![0; n],
    }
}

#[test]
fn td_target_bootstraps_through_truncation_but_not_termination() {
    let mut l = learner(false, 0.9);
    // Target Q(s') for s' = [1, 0] is [2, 5]; for s' = [0, 1] it is [3, -1].
    l.target = linear_net(l.devices(), false, [2.0, 5.0, 3.0, -1.0], [0.0, 0.0]);
    let b = batch(vec![1.0, 0.0, 0.0, 1.0, 1.0, 0.0], vec![1.0, 0.5, -1.0], vec![0.0, 0.0, 1.0], 0.9);
    let y = l.td_targets(&b);
    // Row 0: truncated or running -> 1 + 0.9 * 5; row 1: 0.5 + 0.9 * 3; row 2: terminated -> -1.
    let expected = [1.0 + 0.9 * 5.0, 0.5 + 0.9 * 3.0, -1.0];
    for (a, e) in y.iter().zip(expected) {
        assert!((a - e).abs() < 1e-5, "{y:?} vs {expected:?}");
    }
    // An n-step row: the discount is whatever the replay composed (0.9^3 here).
    let mut b3 = batch(vec![1.0, 0.0], vec![2.71], vec![0.0], 0.9);
    b3.discounts = vec![0.729];
    let y = l.td_targets(&b3);
    assert!((y[0] - (2.71 + 0.729 * 5.0)).abs() < 1e-5, "{y:?}");
}

#[test]
fn a_diverged_network_gives_non_finite_targets() {
    for double in [false, true] {
        let mut l = learner(double, 0.9);
        // Q(s') = [NaN, 1] for s' = [1, 0], in the target and (Double DQN) the online network.
        l.target = linear_net(l.devices(), false, [f32::NAN, 1.0, 0.0, 0.0], [0.0, 0.0]);
        l.online = linear_net(l.devices(), true, [f32::NAN, 1.0, 0.0, 0.0], [0.0, 0.0]);
        l.reset_acting();
        let b = batch(vec![1.0, 0.0], vec![1.0], vec![0.0], 0.9);
        assert!(l.td_targets(&b)[0].is_nan(), "double {double}");
    }
}

#[test]
fn double_dqn_evaluates_the_online_argmax_with_the_target_net() {
    let mut l = learner(true, 0.5);
    // Online prefers action 0 in s' = [1, 0]; the target net would prefer action 1.
    l.online = linear_net(l.devices(), true, [4.0, 1.0, 0.0, 0.0], [0.0, 0.0]);
    l.reset_acting();
    l.target = linear_net(l.devices(), false, [2.0, 5.0, 0.0, 0.0], [0.0, 0.0]);
    let b = batch(vec![1.0, 0.0], vec![1.0], vec![0.0], 0.5);
    let y = l.td_targets(&b);
    assert!((y[0] - (1.0 + 0.5 * 2.0)).abs() < 1e-6, "double target {y:?}");
    // Plain DQN takes the target's own max instead.
    let mut plain = learner(false, 0.5);
    plain.target = linear_net(plain.devices(), false, [2.0, 5.0, 0.0, 0.0], [0.0, 0.0]);
    let y = plain.td_targets(&b);
    assert!((y[0] - (1.0 + 0.5 * 5.0)).abs() < 1e-6, "max target {y:?}");
}

fn grads_of(l: &mut Learner, b: &Batch) -> (GradientsParams, QNetwork) {
    let dev = l.devices().train.clone();
    let targets = Tensor::<1>::from_data(TensorData::new(l.td_targets(b), [b.len()]), &dev);
    let obs = Tensor::<2>::from_data(TensorData::new(b.obs.clone(), [b.len(), 2]), &dev);
    let actions = Tensor::<2, Int>::from_data(TensorData::new(b.actions.clone(), [b.len(), 1]), &dev);
    let q = l.online.forward(obs).gather(1, actions).squeeze_dim::<1>(1);
    let loss = (q - targets.to_device(&dev)).powi_scalar(2).mean();
    (GradientsParams::from_grads(loss.backward(), &l.online), l.online.clone())
}

#[test]
fn gradient_clipping_by_norm_and_by_value() {
    let mut l = learner(false, 0.9);
    l.online = linear_net(l.devices(), true, [0.0; 4], [0.0, 0.0]);
    l.target = linear_net(l.devices(), false, [0.0; 4], [0.0, 0.0]);
    let mut b = batch(vec![0.0, 0.0], vec![100.0], vec![1.0], 0.9);
    b.obs = vec![1.0, 0.0];
    // d loss / d q = 2 (q - y) = -200 for weight[0][0] and bias[0]: norm = 200 * sqrt(2).
    let (mut grads, model) = grads_of(&mut l, &b);
    let norm = clip_gradients(&mut grads, &model, GradClip::Norm, 10.0);
    assert!((norm - 200.0 * 2f32.sqrt()).abs() < 1e-2, "norm {norm}");
    let (mut again, model) = grads_of(&mut l, &b);
    clip_gradients(&mut again, &model, GradClip::Norm, 10.0);
    let after = clip_gradients(&mut again, &model, GradClip::None, 0.0);
    assert!((after - 10.0).abs() < 1e-3, "clipped norm {after}");
    let (mut by_value, model) = grads_of(&mut l, &b);
    clip_gradients(&mut by_value, &model, GradClip::Value, 1.0);
    let after = clip_gradients(&mut by_value, &model, GradClip::None, 0.0);
    // Two non-zero entries clamped to -1 each.
    assert!((after - 2f32.sqrt()).abs() < 1e-4, "value-clipped norm {after}");
}

#[test]
fn importance_weights_scale_the_loss_and_priorities_are_abs_td_errors() {
    let mut l = learner(false, 0.9);
    l.online = linear_net(l.devices(), true, [0.0; 4], [0.0, 0.0]);
    l.target = linear_net(l.devices(), false, [0.0; 4], [0.0, 0.0]);
    // Q = 0 everywhere, terminal rows: TD errors are -r.
    let mut b = batch(vec![0.0; 4], vec![2.0, -4.0], vec![1.0, 1.0], 0.9);
    b.weights = vec![1.0, 0.25];
    let s = l.update(&b, true);
    assert_eq!(s.priorities, vec![2.0, 4.0]);
    // MSE weighted per row: mean(1 * 4, 0.25 * 16) = 4.
    assert!((s.loss - 4.0).abs() < 1e-5, "{}", s.loss);
}

fn c51_learner(double: bool) -> Learner {
    let cfg = cfg_with(|c| {
        c.double = double;
        c.gamma = 0.5;
        c.network.distributional = true;
        c.network.atoms = 3;
        c.network.v_min = 0.0;
        c.network.v_max = 2.0;
        c.optim.lr = 0.02;
    });
    let mut spec = NetSpec::mlp(2, 2, &[], false);
    spec.distributional = cfg.network.support();
    Learner::new(spec, &cfg, Devices::cpu(), rng_for(0, 5))
}

/// A distributional linear net: atom logits `s W + b` with W `[2, 2 * 3]`.
fn c51_net(devices: &Devices, train: bool, w: [f32; 12], b: [f32; 6]) -> QNetwork {
    let mut spec = NetSpec::mlp(2, 2, &[], false);
    spec.distributional = Some(Support { atoms: 3, v_min: 0.0, v_max: 2.0 });
    let tensors = HashMap::from([
        ("head.weight".to_string(), StoredTensor::f32(vec![2, 6], &w)),
        ("head.bias".to_string(), StoredTensor::f32(vec![6], &b)),
    ]);
    load_params(spec.init(if train { &devices.train } else { &devices.infer }), &tensors, "").unwrap()
}

#[test]
fn c51_target_projects_the_greedy_next_distribution() {
    let mut l = c51_learner(false);
    // In s' = [0, 0] the logits are the biases: action 0 puts all mass on atom 2 (value 2),
    // action 1 on atom 0: greedy is action 0 with Q = 2.
    let big = 50.0;
    l.target = c51_net(l.devices(), false, [0.0; 12], [0.0, 0.0, big, big, 0.0, 0.0]);
    let b = batch(vec![0.0, 0.0, 0.0, 0.0], vec![0.5, 1.0], vec![0.0, 1.0], 0.5);
    let m = l.target_distribution(&b);
    // Row 0: 0.5 + 0.5 * 2 = 1.5 -> half on atom 1, half on atom 2. Row 1: terminal, r = 1 -> atom 1.
    let expected = [0.0, 0.5, 0.5, 0.0, 1.0, 0.0];
    for (a, e) in m.iter().zip(expected) {
        assert!((a - e).abs() < 1e-5, "{m:?}");
    }
    // Q-values of the net are the expectations.
    let q = l.target.forward(Tensor::<2>::from_data(TensorData::new(vec![0.0f32, 0.0], [1, 2]), &l.devices().infer));
    let q: Vec<f32> = q.into_data().try_into_vec_as::<f32>().unwrap();
    assert!((q[0] - 2.0).abs() < 1e-5 && q[1].abs() < 1e-5, "{q:?}");
}

#[test]
fn c51_update_lowers_the_cross_entropy_and_reports_it_as_priority() {
    let mut l = c51_learner(true);
    let b = batch(vec![0.3, -0.2, 0.1, 0.4], vec![1.0, 0.0], vec![1.0, 1.0], 0.5);
    let mut b = b;
    b.obs = vec![1.0, 0.0, 0.0, 1.0];
    let first = l.update(&b, true);
    assert_eq!(first.priorities.len(), 2);
    // The loss is the mean cross-entropy, so it equals the mean of the priorities.
    assert!((first.loss - (first.priorities[0] + first.priorities[1]) / 2.0).abs() < 1e-5);
    for _ in 0..300 {
        l.update(&b, false);
    }
    let last = l.update(&b, true);
    assert!(last.loss < first.loss * 0.5, "{} -> {}", first.loss, last.loss);
    // Terminal targets with r = 1 and r = 0: the chosen action's mean approaches the reward.
    assert!(last.priorities.iter().all(|p| *p < first.priorities.iter().cloned().fold(0.0, f32::max)));
}

#[test]
fn noisy_networks_act_with_fresh_noise_and_evaluate_without() {
    let cfg = cfg_with(|c| {
        c.network.noisy = true;
        c.network.hidden = vec![8];
    });
    let mut spec = NetSpec::mlp(2, 3, &[8], false);
    spec.noisy_sigma0 = Some(0.5);
    let mut l = Learner::new(spec, &cfg, Devices::cpu(), rng_for(3, 5));
    let x = [0.7f32, -1.2];
    let (a, b) = (l.q_values(&x, 1), l.q_values(&x, 1));
    assert_ne!(a, b, "each action draws new noise");
    assert_eq!(l.greedy_q_values(&x), l.greedy_q_values(&x), "no noise when evaluating");
    // The update trains the noise scales too.
    let before = crate::nets::named_params(&l.online);
    let mut bt = batch(vec![0.0; 2], vec![1.0], vec![1.0], 0.99);
    bt.obs = x.to_vec();
    l.update(&bt, false);
    let after: HashMap<_, _> = crate::nets::named_params(&l.online).into_iter().collect();
    let sigma = before.iter().find(|(n, _)| n == "noise.head.weight").expect("noise scales are parameters");
    assert_ne!(sigma.1.to_f32(), after["noise.head.weight"].to_f32());
}

fn lake_cfg() -> DqnConfig {
    let mut c = DqnConfig { gamma: 0.9, learning_starts: 200, train_freq: 1, ..DqnConfig::default() };
    c.network.hidden = vec![32];
    c.optim.lr = 0.003;
    c.replay.batch_size = 32;
    c.replay.buffer_size = 5000;
    c.target.every = 100;
    c.exploration = EpsilonSchedule::Linear { start: 1.0, end: 0.1, fraction: 0.5, steps: 0 };
    c
}

fn run_on<'a>(env_id: &'a str, kwargs: &'a EnvKwargs, cfg: &'a DqnConfig, total_steps: u64, seed: u64) -> DqnRun<'a> {
    DqnRun { spec: RunSpec::in_memory(env_id, kwargs, total_steps, seed), cfg }
}

/// Learns the deterministic 4x4 lake's optimal start value 0.9^5 with `cfg` (logged per episode).
fn learns_the_lake(cfg: &DqnConfig, steps: u64) {
    let kwargs = EnvKwargs { is_slippery: Some(false), ..Default::default() };
    let mut obs = RecordingObserver::default();
    let out = train(&run_on("FrozenLake-v1", &kwargs, cfg, steps, 0), &mut obs).unwrap();
    assert_eq!(out.env_steps, steps);
    assert_eq!(obs.scalar_names, SCALARS.to_vec());
    let lake = FrozenLake::new("FrozenLake-v1", "4x4", false).unwrap();
    let optimal = value_iteration(16, 4, &|s, a| lake.transitions(s, a).to_vec(), 0.9, 1e-12);
    let v0 = obs.episodes.last().unwrap().scalars[4];
    assert!((v0 - optimal.best(0).1).abs() < 0.05, "learned V(start) {v0}, optimal {}", optimal.best(0).1);
}

#[test]
fn learns_the_optimal_q_of_the_deterministic_lake() {
    learns_the_lake(&lake_cfg(), 6000);
}

#[test]
fn prioritized_replay_learns_the_optimal_q_of_the_deterministic_lake() {
    let mut c = lake_cfg();
    c.replay.prioritized = true;
    c.double = true;
    learns_the_lake(&c, 6000);
}

#[test]
fn n_step_returns_learn_the_optimal_q_of_the_deterministic_lake() {
    // n-step returns are uncorrected off-policy: they converge to the optimal values once the
    // behaviour policy (and the buffer's recent data) is greedy.
    let mut c = lake_cfg();
    c.replay.n_step = 3;
    c.replay.buffer_size = 1000;
    c.exploration = EpsilonSchedule::Linear { start: 1.0, end: 0.0, fraction: 0.5, steps: 0 };
    learns_the_lake(&c, 6000);
}

#[test]
fn c51_learns_the_optimal_q_of_the_deterministic_lake() {
    let mut c = lake_cfg();
    c.network.distributional = true;
    c.network.atoms = 21;
    c.network.v_min = 0.0;
    c.network.v_max = 1.0;
    learns_the_lake(&c, 6000);
}

#[test]
fn same_seed_gives_identical_episodes() {
    let kwargs = EnvKwargs { is_slippery: Some(false), ..Default::default() };
    let mut cfg = lake_cfg();
    cfg.double = true;
    cfg.network.dueling = true;
    cfg.network.noisy = true;
    cfg.replay.prioritized = true;
    cfg.replay.n_step = 2;
    let go = |seed| {
        let mut obs = RecordingObserver::default();
        train(&run_on("FrozenLake-v1", &kwargs, &cfg, 1500, seed), &mut obs).unwrap();
        obs.episodes
    };
    let a = go(5);
    assert_eq!(format!("{a:?}"), format!("{:?}", go(5)));
    assert_ne!(format!("{a:?}"), format!("{:?}", go(6)));
}

#[test]
fn divergence_stops_with_a_clear_error() {
    let kwargs = EnvKwargs::default();
    for lr in [1e30, 1e10] {
        let mut cfg = DqnConfig { learning_starts: 50, train_freq: 1, ..lake_cfg() };
        cfg.optim.lr = lr;
        cfg.optim.max_abs_q = 1e6;
        match train(&run_on("CartPole-v1", &kwargs, &cfg, 5000, 0), &mut NullObserver) {
            Err(e @ AgentError::Diverged { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains("env step") && msg.contains("dqn.optim.lr"), "{msg}");
                assert!(!msg.contains("checkpoint is kept"), "no checkpoint was written: {msg}");
            }
            other => panic!("lr {lr}: expected a divergence error, got {other:?}"),
        }
    }
}

#[test]
fn invalid_config_names_the_key() {
    let mut cfg = DqnConfig::default();
    cfg.target.tau = 0.0;
    assert!(cfg.validate().unwrap_err().contains("dqn.target.tau"));
    let mut cfg = DqnConfig::default();
    cfg.run.eval_bound = Some(1.0);
    assert!(cfg.validate().unwrap_err().contains("eval_every"));
    let mut cfg = DqnConfig::default();
    cfg.network.distributional = true;
    cfg.network.v_min = 5.0;
    cfg.network.v_max = 5.0;
    assert!(cfg.validate().unwrap_err().contains("dqn.network"));
    let mut cfg = DqnConfig::default();
    cfg.replay.alpha = f64::NAN;
    assert!(cfg.validate().unwrap_err().contains("dqn.replay.alpha"));
    cfg.replay.alpha = 6.0; // a typo for 0.6
    assert!(cfg.validate().unwrap_err().contains("dqn.replay.alpha must be in [0, 1], got 6"));
    let cfg = DqnConfig { exploration: EpsilonSchedule::Constant { value: 2.0 }, ..DqnConfig::default() };
    assert!(cfg.validate().unwrap_err().contains("dqn.exploration.value"));
    let cfg = DqnConfig { num_envs: 0, ..DqnConfig::default() };
    assert!(cfg.validate().unwrap_err().contains("dqn.num_envs must be in 1..="));
    let mut cfg = DqnConfig { num_envs: 8, ..DqnConfig::default() };
    cfg.replay.buffer_size = 4;
    let err = cfg.validate().unwrap_err();
    assert!(err.contains("dqn.replay.buffer_size = 4") && err.contains("dqn.num_envs = 8"), "{err}");
}

#[test]
fn a_resumed_run_keeps_its_best_checkpoint() {
    // The deterministic lake: the greedy policy's evaluation does not depend on the eval seed,
    // so the resumed part finds no better network and the best one must still be reported.
    let dir = std::env::temp_dir().join(format!("deepq-resume-best-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let kwargs = EnvKwargs { is_slippery: Some(false), ..Default::default() };
    let mut cfg = lake_cfg();
    cfg.run.eval_every = 500;
    cfg.run.eval_episodes = 1;
    let mut first = run_on("FrozenLake-v1", &kwargs, &cfg, 3000, 0);
    first.spec.checkpoint_dir = Some(&dir);
    let out = train(&first, &mut NullObserver).unwrap();
    assert_eq!(out.best_checkpoint, Some(dir.join("best.safetensors")));
    // Continue without learning: the network, and so every evaluation, stays the same.
    let frozen = DqnConfig { learning_starts: 1_000_000, ..cfg.clone() };
    let resume = dir.join("resume.safetensors");
    let mut second = run_on("FrozenLake-v1", &kwargs, &frozen, 4000, 0);
    second.spec.checkpoint_dir = Some(&dir);
    second.spec.resume_from = Some(&resume);
    let again = train(&second, &mut NullObserver).unwrap();
    assert_eq!(again.env_steps, 4000);
    assert_eq!(again.best_score, out.best_score);
    assert_eq!(again.best_checkpoint, Some(dir.join("best.safetensors")), "the best checkpoint was forgotten");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn terminal_on_truncation_stops_bootstrapping_at_time_limits() {
    // CartPole cut after one step: every transition has reward 1 and is truncated. Bootstrapping
    // through the cut drives Q towards 1 / (1 - 0.9) = 10; treating the cut as terminal, to 1.
    let kwargs = EnvKwargs { max_episode_steps: Some(1), ..Default::default() };
    let v0_after = |terminal_on_truncation: bool| {
        let mut c = lake_cfg();
        c.terminal_on_truncation = terminal_on_truncation;
        c.learning_starts = 100;
        let mut obs = RecordingObserver::default();
        train(&run_on("CartPole-v1", &kwargs, &c, 3000, 0), &mut obs).unwrap();
        obs.episodes.last().unwrap().scalars[4]
    };
    let cut_is_terminal = v0_after(true);
    assert!((cut_is_terminal - 1.0).abs() < 0.2, "V(s0) {cut_is_terminal}, expected 1");
    let bootstrapped = v0_after(false);
    assert!(bootstrapped > 2.5, "V(s0) {bootstrapped} should grow towards 10");
}

/// The config of [`trained_learner`].
fn three_layer_cfg() -> DqnConfig {
    cfg_with(|c| c.network.hidden = vec![8, 8])
}

/// A learner with three layers (six parameters, so six optimizer states in a hash map) after
/// `updates` Adam updates on fixed batches.
fn trained_learner(updates: usize) -> Learner {
    let mut l = Learner::new(NetSpec::mlp(2, 2, &[8, 8], false), &three_layer_cfg(), Devices::cpu(), rng_for(3, 5));
    for i in 0..updates {
        l.update(&fixed_batch(i), false);
    }
    l
}

fn fixed_batch(i: usize) -> Batch {
    let x = i as f32 * 0.1;
    let mut b = batch(vec![x, 0.5, -x, 1.0], vec![1.0, -0.5], vec![0.0, 1.0], 0.9);
    b.obs = vec![0.3, x, x, -0.2];
    b.actions = vec![(i % 2) as i64, 1];
    b
}

fn prefixed(prefix: &str, net: &QNetwork) -> Vec<(String, StoredTensor)> {
    crate::nets::named_params(net).into_iter().map(|(n, t)| (format!("{prefix}{n}"), t)).collect()
}

/// A fresh learner restored from `a`'s networks and optimizer bytes, as a resume does.
fn restored_copy(a: &Learner) -> Learner {
    let mut tensors: HashMap<String, StoredTensor> =
        prefixed("online.", &a.online).into_iter().chain(prefixed("target.", &a.target)).collect();
    let optim = a.optimizer_bytes().unwrap();
    tensors.insert("optimizer".into(), StoredTensor::u8(vec![optim.len()], optim));
    let ids: HashMap<String, u64> = crate::nets::param_ids(&a.online).into_iter().collect();
    let metadata = HashMap::from([("deepq.param_ids".to_string(), serde_json::to_string(&ids).unwrap())]);
    let ck = crate::checkpoint::Checkpoint { tensors, metadata };
    let mut b = Learner::new(a.spec().clone(), &three_layer_cfg(), Devices::cpu(), rng_for(9, 5));
    b.restore(&ck, std::path::Path::new("memory")).unwrap();
    b
}

#[test]
fn the_same_optimizer_state_gives_the_same_bytes() {
    // burn keeps an optimizer's per-parameter state in a hash map with a random state of its
    // own, and writes its record in that map's order: unsorted, the same state restored into
    // another optimizer (a resumed run) would give other bytes.
    let a = trained_learner(3);
    let bytes = a.optimizer_bytes().unwrap();
    assert_eq!(a.optimizer_bytes().unwrap(), bytes);
    for _ in 0..4 {
        assert!(restored_copy(&a).optimizer_bytes().unwrap() == bytes, "other bytes for the same state");
    }
}

#[test]
fn a_learner_restored_from_the_sorted_optimizer_state_continues_identically() {
    let mut a = trained_learner(4);
    let mut b = restored_copy(&a);
    for i in 4..8 {
        assert_eq!(a.update(&fixed_batch(i), false), b.update(&fixed_batch(i), false), "update {i}");
    }
    assert_eq!(prefixed("", &a.online), prefixed("", &b.online));
    assert!(a.optimizer_bytes().unwrap() == b.optimizer_bytes().unwrap());
}

#[test]
fn the_learner_thread_learns_the_lake() {
    let mut c = lake_cfg();
    c.learner_thread = true;
    c.replay.prioritized = true;
    c.double = true;
    learns_the_lake(&c, 6000);
}

/// Episodes of a 1500-step lake run with two gradient steps per round of `cfg`.
fn lake_episodes(cfg: &DqnConfig, seed: u64) -> (Outcome, Vec<crate::observer::EpisodeRecord>) {
    let kwargs = EnvKwargs { is_slippery: Some(false), ..Default::default() };
    let mut obs = RecordingObserver::default();
    let out = train(&run_on("FrozenLake-v1", &kwargs, cfg, 1500, seed), &mut obs).unwrap();
    (out, obs.episodes)
}

#[test]
fn the_learner_thread_reproduces_its_runs_and_keeps_the_replay_ratio() {
    let mut cfg = lake_cfg();
    cfg.train_freq = 3;
    cfg.gradient_steps = 2;
    cfg.replay.prioritized = true;
    cfg.network.noisy = true;
    let sequential = lake_episodes(&cfg, 5);
    cfg.learner_thread = true;
    let (out, episodes) = lake_episodes(&cfg, 5);
    // Rounds at steps 201..=1500 that are multiples of 3, two updates each, in both modes.
    let rounds = (201..=1500u64).filter(|s| s % 3 == 0).count() as u64;
    assert_eq!((out.updates, sequential.0.updates), (2 * rounds, 2 * rounds));
    let updates_logged =
        |eps: &[crate::observer::EpisodeRecord]| eps.iter().filter(|e| e.scalars[1].is_finite()).count();
    assert!(updates_logged(&episodes) > 0, "no episode saw an update");
    // Bit-reproducible, whatever the threads' timing.
    for _ in 0..2 {
        assert_eq!(format!("{episodes:?}"), format!("{:?}", lake_episodes(&cfg, 5).1));
    }
    // The actor's network is a round behind, so the trajectory is not the sequential one.
    assert_ne!(format!("{episodes:?}"), format!("{:?}", sequential.1));
}

/// Noisy networks, so the noise streams are covered too.
#[test]
fn a_resumed_learner_thread_run_continues_exactly() {
    resumed_run_continues_exactly(true, 1);
}

#[test]
fn a_resumed_sequential_run_continues_exactly() {
    resumed_run_continues_exactly(false, 1);
}

#[test]
fn a_resumed_vector_env_run_continues_exactly() {
    resumed_run_continues_exactly(false, 3);
    resumed_run_continues_exactly(true, 2);
}

#[test]
fn vector_envs_learn_the_lake() {
    let mut c = lake_cfg();
    c.num_envs = 4;
    c.replay.prioritized = true;
    c.double = true;
    learns_the_lake(&c, 6000);
}

#[test]
fn vector_envs_keep_the_replay_ratio_and_reproduce() {
    let mut cfg = lake_cfg();
    cfg.train_freq = 3;
    cfg.gradient_steps = 2;
    cfg.replay.n_step = 3;
    let single = lake_episodes(&cfg, 5);
    cfg.num_envs = 3;
    let (out, episodes) = lake_episodes(&cfg, 5);
    // Schedules count transitions: the same rounds at steps 201..=1500 as with one env.
    let rounds = (201..=1500u64).filter(|s| s % 3 == 0).count() as u64;
    assert_eq!((out.env_steps, out.updates, single.0.updates), (1500, 2 * rounds, 2 * rounds));
    assert_eq!(episodes.iter().map(|e| e.length).sum::<u64>() + open_steps(&episodes, 1500), 1500);
    for _ in 0..2 {
        assert_eq!(format!("{episodes:?}"), format!("{:?}", lake_episodes(&cfg, 5).1));
    }
    assert_ne!(format!("{episodes:?}"), format!("{:?}", single.1));
    // A total that is not a multiple of the envs is rounded up to whole vector steps.
    let kwargs = EnvKwargs { is_slippery: Some(false), ..Default::default() };
    let out = train(&run_on("FrozenLake-v1", &kwargs, &cfg, 1000, 5), &mut NullObserver).unwrap();
    assert_eq!(out.env_steps, 1002);
}

/// Steps of the episodes still in flight at the end: all steps minus the logged episodes'
/// lengths are the three envs' open episodes, each shorter than the lake's 100-step limit.
fn open_steps(episodes: &[crate::observer::EpisodeRecord], total: u64) -> u64 {
    let open = total - episodes.iter().map(|e| e.length).sum::<u64>();
    assert!(open < 3 * 100, "{open} steps in flight");
    open
}

#[test]
fn vector_envs_train_on_pixels_with_one_frame_ring_per_env() {
    // CartPole from pixels: u8 frame stacks, stored once per env stream, envs stepped on threads.
    let kwargs = EnvKwargs { wrapper: Some("tutorial_screen_ink".into()), ..Default::default() };
    let mut cfg = DqnConfig { learning_starts: 64, train_freq: 2, num_envs: 2, ..DqnConfig::default() };
    cfg.network.conv = vec![crate::nets::ConvSpec(4, 5, 2)];
    cfg.network.hidden = vec![16];
    cfg.replay.batch_size = 8;
    cfg.replay.buffer_size = 400;
    let mut obs = RecordingObserver::default();
    let out = train(&run_on("CartPole-v1", &kwargs, &cfg, 300, 0), &mut obs).unwrap();
    assert_eq!((out.env_steps, out.updates), (300, (65..=300u64).filter(|s| s % 2 == 0).count() as u64));
    assert!(obs.episodes.len() >= 2, "both envs finished episodes");
}

fn resumed_run_continues_exactly(learner_thread: bool, num_envs: usize) {
    let dir = std::env::temp_dir().join(format!("deepq-resume-{}-{learner_thread}-{num_envs}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let kwargs = EnvKwargs { is_slippery: Some(false), ..Default::default() };
    let mut cfg = lake_cfg();
    cfg.learner_thread = learner_thread;
    cfg.num_envs = num_envs;
    cfg.network.noisy = true;
    cfg.train_freq = 2;
    cfg.run.checkpoint_every = 1000;
    cfg.replay.save = true;
    // An absolute schedule, so the first part's shorter total does not change it.
    cfg.exploration = EpsilonSchedule::Linear { start: 1.0, end: 0.1, fraction: 0.0, steps: 1000 };
    let whole_dir = dir.join("whole");
    std::fs::create_dir_all(&whole_dir).unwrap();
    let mut whole_run = run_on("FrozenLake-v1", &kwargs, &cfg, 3000, 0);
    whole_run.spec.checkpoint_dir = Some(&whole_dir);
    let mut whole = RecordingObserver::default();
    train(&whole_run, &mut whole).unwrap();
    let mut first = run_on("FrozenLake-v1", &kwargs, &cfg, 2000, 0);
    first.spec.checkpoint_dir = Some(&dir);
    let stopped_at = train(&first, &mut NullObserver).unwrap().env_steps;
    let resume = dir.join("resume.safetensors");
    let mut second = run_on("FrozenLake-v1", &kwargs, &cfg, 3000, 0);
    second.spec.checkpoint_dir = Some(&dir);
    second.spec.resume_from = Some(&resume);
    let mut rest = RecordingObserver::default();
    train(&second, &mut rest).unwrap();
    let after: Vec<_> = whole.episodes.iter().filter(|e| e.step > stopped_at).collect();
    assert!(after.len() > 10);
    assert_eq!(format!("{after:?}"), format!("{:?}", rest.episodes.iter().collect::<Vec<_>>()));
    // Writing checkpoints changes nothing.
    let mut no_files = RecordingObserver::default();
    train(&run_on("FrozenLake-v1", &kwargs, &cfg, 3000, 0), &mut no_files).unwrap();
    assert_eq!(format!("{:?}", whole.episodes), format!("{:?}", no_files.episodes));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_evaluation_that_reaches_the_bound_is_confirmed_on_more_episodes() {
    // No learning: the greedy policy is the same in every run, so the scores can be compared.
    let kwargs = EnvKwargs::default();
    let mut cfg = DqnConfig { learning_starts: 1_000_000, ..DqnConfig::default() };
    cfg.run.eval_every = 200;
    let last_evaluation = std::cell::RefCell::new(None);
    let eval_scores = |cfg: &DqnConfig| {
        let mut obs = RecordingObserver::default();
        let out = train(&run_on("CartPole-v1", &kwargs, cfg, 1000, 3), &mut obs).unwrap();
        let scores: Vec<f64> = obs.scalars.iter().filter(|s| s.0 == "eval/mean_return").map(|s| s.1).collect();
        let reported: Vec<f64> = obs.evaluations.iter().map(|e| e.1.mean).collect();
        assert_eq!(scores, reported, "every evaluation reaches the observer, with the score the run kept");
        last_evaluation.replace(obs.evaluations.pop());
        (scores, out)
    };
    cfg.run.eval_episodes = 6;
    let (six, _) = eval_scores(&cfg);
    cfg.run.eval_episodes = 1;
    cfg.run.eval_bound = Some(1.0); // every CartPole episode scores at least 1
    let (one, out) = eval_scores(&cfg);
    assert_eq!((one.len(), out.solved_at_step), (1, Some(200)));
    assert_ne!(one[0], six[0], "pick a seed where one episode differs from six");
    cfg.run.eval_confirm_episodes = 5;
    let (confirmed, out) = eval_scores(&cfg);
    assert_eq!(confirmed, vec![six[0]], "scored on the first episode and 5 more, as a 6-episode evaluation");
    let (step, pooled) = last_evaluation.borrow_mut().take().unwrap();
    assert_eq!((step, pooled.episodes, pooled.returns.len()), (200, 6, 6));
    assert_eq!(pooled.min, pooled.returns.iter().copied().fold(f64::INFINITY, f64::min));
    assert_eq!(out.solved_at_step, Some(200));
    // Evaluations below the bound are not extended: the same one-episode scores with and
    // without confirmation.
    cfg.run.eval_bound = Some(1e9);
    let (unextended, out) = eval_scores(&cfg);
    cfg.run.eval_confirm_episodes = 0;
    assert_eq!((unextended.len(), out.solved_at_step), (5, None));
    assert_eq!(unextended, eval_scores(&cfg).0);
    assert_eq!(unextended[0], one[0]);
    let mut bad = DqnConfig::default();
    bad.run.eval_confirm_episodes = 3;
    assert!(bad.validate().unwrap_err().contains("eval_confirm_episodes needs dqn.run.eval_bound"));
}

#[test]
fn an_evaluation_that_beats_the_best_is_confirmed_on_more_episodes() {
    // No learning: the greedy policy is the same at every evaluation, so only the seeds differ.
    let kwargs = EnvKwargs::default();
    let mut cfg = DqnConfig { learning_starts: 1_000_000, ..DqnConfig::default() };
    cfg.run.eval_every = 100;
    let evaluations = |cfg: &DqnConfig| {
        let mut obs = RecordingObserver::default();
        train(&run_on("CartPole-v1", &kwargs, cfg, 2000, 3), &mut obs).unwrap();
        let scores: Vec<f64> = obs.scalars.iter().filter(|s| s.0 == "eval/mean_return").map(|s| s.1).collect();
        let reported: Vec<f64> = obs.evaluations.iter().map(|e| e.1.mean).collect();
        assert_eq!(scores, reported, "every evaluation reaches the observer, with the score the run kept");
        obs.evaluations
    };
    cfg.run.eval_episodes = 6;
    let six = evaluations(&cfg);
    cfg.run.eval_episodes = 1;
    cfg.run.best_confirm_episodes = 5;
    let confirmed = evaluations(&cfg);
    assert_eq!(confirmed.len(), 20);
    assert_eq!(confirmed[0].1.mean, six[0].1.mean, "the first evaluation is a new best: 1 episode and 5 more");
    // Every later evaluation is extended exactly when its first episode beats the best mean so far.
    let mut best = confirmed[0].1.mean;
    let (mut extended, mut single) = (0, 0);
    for (step, r) in &confirmed[1..] {
        let first = r.returns[0];
        if first > best {
            assert_eq!(r.returns.len(), 6, "step {step}: {first} beats {best}, so it is confirmed");
            extended += 1;
        } else {
            assert_eq!(r.returns.len(), 1, "step {step}: {first} does not beat {best}");
            single += 1;
        }
        best = best.max(r.mean);
    }
    assert!(extended > 0 && single > 0, "pick a seed with both kinds: {extended} extended, {single} not");
}

/// The loss computed on the host (`td_loss`) gives the network the gradients of the loss built
/// from burn's tensor ops: one SGD step from the same weights lands on the same network, for
/// both losses, with and without importance weights, and with Double DQN targets.
#[test]
fn the_host_td_loss_gives_the_gradients_of_the_tensor_loss() {
    use burn::optim::{ModuleOptimizer, SgdConfig};
    for (kind, weighted, double) in
        [(LossKind::Mse, false, false), (LossKind::Huber, false, true), (LossKind::Huber, true, false)]
    {
        let cfg = cfg_with(|c| {
            c.network.hidden = vec![8];
            c.optim.optimizer = OptimizerKind::Sgd;
            c.optim.lr = 0.05;
            c.optim.loss = kind;
            c.double = double;
            c.gamma = 0.9;
        });
        let mut l = Learner::new(NetSpec::mlp(2, 3, &[8], false), &cfg, Devices::cpu(), rng_for(3, 5));
        // TD errors on both sides of Huber's kink (rewards from -3 to 4).
        let b = Batch {
            obs: vec![0.5, -1.0, 1.5, 0.2, -0.7, 0.9, 0.0, 2.0],
            actions: vec![0, 2, 1, 2],
            next_obs: vec![1.0, 0.0, -0.5, 0.5, 0.3, -1.2, 2.0, 1.0],
            rewards: vec![3.0, -3.0, 0.4, 4.0],
            discounts: vec![0.9, 0.0, 0.9, 0.9],
            weights: if weighted { vec![1.0, 0.5, 0.25, 0.8] } else { vec![1.0; 4] },
            indices: vec![0; 4],
        };
        // The reference: the loss from burn's ops, its gradients and one SGD step.
        let dev = l.devices().train.clone();
        let before = l.online.clone();
        let targets = Tensor::<1>::from_data(TensorData::new(l.td_targets(&b), [4]), &dev);
        let obs = Tensor::<2>::from_data(TensorData::new(b.obs.clone(), [4, 2]), &dev);
        let actions = Tensor::<2, Int>::from_data(TensorData::new(b.actions.clone(), [4, 1]), &dev);
        let diff = before.forward(obs).gather(1, actions).squeeze_dim::<1>(1) - targets;
        let per_row = match kind {
            LossKind::Mse => diff.powi_scalar(2),
            LossKind::Huber => {
                let abs = diff.abs();
                let quadratic = abs.clone().clamp_max(1.0);
                quadratic.clone().powi_scalar(2).mul_scalar(0.5) + (abs - quadratic)
            }
        };
        let w = Tensor::<1>::from_data(TensorData::new(b.weights.clone(), [4]), &dev);
        let loss = (per_row * w).mean();
        let grads = GradientsParams::from_grads(loss.backward(), &before);
        let want_loss = loss.into_scalar::<f32>();
        let mut sgd: ModuleOptimizer = SgdConfig::new().init();
        let want = sgd.step(0.05, before, grads);

        let stats = l.update(&b, true);
        assert!(
            (stats.loss - want_loss).abs() < 1e-5 * (1.0 + want_loss.abs()),
            "{kind:?}: loss {} vs {want_loss}",
            stats.loss
        );
        let probe = Tensor::<2>::from_data(TensorData::new(vec![0.3, -0.4, 1.1, 0.6, -2.0, 0.5], [3, 2]), &dev);
        let got: Vec<f32> = l.online.forward(probe.clone()).into_data().try_into_vec_as().unwrap();
        let expected: Vec<f32> = want.forward(probe).into_data().try_into_vec_as().unwrap();
        for (g, e) in got.iter().zip(&expected) {
            assert!((g - e).abs() < 1e-5, "{kind:?} weighted {weighted} double {double}: {got:?} vs {expected:?}");
        }
    }
}
