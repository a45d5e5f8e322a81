//! The DQN training loop. Each env step: act epsilon-greedily (or with a noisy network's
//! noise), store `(obs, action, reward, next_obs, terminated, truncated)` (the real final
//! observation on truncation), every `train_freq` steps after `learning_starts` run
//! `gradient_steps` updates on sampled batches (feeding priorities back under prioritized
//! replay), follow the target network, and let the run control evaluate, checkpoint and stop.
//!
//! With `num_envs > 1` the envs step in lockstep (a vector env with same-step autoreset) and
//! act from one batched forward pass; their transitions are then processed one env after the
//! other exactly like single-env steps, so every step-based schedule counts transitions and the
//! replay ratio is the single-env loop's. With one env this is the plain loop.

use super::config::{DqnConfig, TargetUpdate, Unit};
use super::explorer::epsilon_greedy;
use super::learner::{Learner, UpdateStats};
use super::pipeline::{ActorNet, LearnerSlot};
use super::saving::{save_policy, save_resume, CheckpointMeta, EpisodeStart, OpenEpisode, ResumeState};
use crate::checkpoint::{self, CheckpointError};
use crate::common::{AgentError, ObsEncoder, Outcome, RunControl, RunSpec, Trainee};
use crate::nets::NetSpec;
use crate::observer::{EpisodeRecord, Observer, Phase, ProgressInfo};
use crate::policy::{GreedyPolicy, Policy};
use crate::replay::{self, Batch, Replay, Transition};
use crate::util::{flush_denormals_to_zero, rng_for};
use deepq_env::{make_with, Autoreset, Env, Obs, Stepping, VecEnv};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// Everything a DQN run needs besides its observer.
pub struct DqnRun<'a> {
    /// The env, length, seed and files of the run.
    pub spec: RunSpec<'a>,
    /// Hyperparameters.
    pub cfg: &'a DqnConfig,
}

/// Names of the per-episode scalars of [`train`].
pub const SCALARS: [&str; 5] = ["epsilon", "loss", "grad_norm", "mean_q", "initial_state_value"];

/// Extra per-episode scalars of Atari runs: the full game's unclipped score and length (in steps
/// of the ALE env under the wrappers: emulator frames for `NoFrameskip-v4` ids, including the
/// reset no-ops, agent steps for `v5` ids), on the training episode (life) that ended the game,
/// NaN on the others.
pub const GAME_SCALARS: [&str; 2] = ["game_return", "game_length"];

/// The network a config builds for an env.
pub fn network_spec(cfg: &DqnConfig, env: &dyn Env, encoder: &ObsEncoder) -> Result<NetSpec, AgentError> {
    let n = &cfg.network;
    let spec = NetSpec {
        obs_dim: encoder.dim(),
        n_actions: env.n_actions(),
        hidden: n.hidden.clone(),
        dueling: n.dueling,
        input_shape: env.observation_space().shape().to_vec(),
        conv: n.conv.clone(),
        batch_norm: n.batch_norm,
        distributional: n.support(),
        noisy_sigma0: n.noisy.then_some(n.noisy_sigma0),
    };
    spec.features().map_err(|e| AgentError::Config(format!("dqn.network: {e}")))?;
    Ok(spec)
}

/// The learner as the run control sees it.
struct DqnTrainee<'a, 'm> {
    learner: &'a mut Learner,
    meta: &'a CheckpointMeta<'m>,
}

impl Trainee for DqnTrainee<'_, '_> {
    fn greedy_policy(&mut self) -> Box<dyn Policy + '_> {
        let net = self.learner.acting().clone();
        Box::new(GreedyPolicy::new(net, self.meta.encoder, net_device(self.learner)))
    }
    fn save_policy(&mut self, path: &Path, step: u64) -> Result<(), AgentError> {
        Ok(save_policy(path, self.learner, self.meta, step)?)
    }
}

fn net_device(learner: &mut Learner) -> burn::prelude::Device {
    learner.acting().head.weight.val().device()
}

/// Per-episode means of the update statistics.
#[derive(Default)]
struct EpisodeStats {
    loss: f64,
    grad_norm: f64,
    mean_q: f64,
    updates: u64,
}

impl EpisodeStats {
    /// The sums as saved in a resume checkpoint.
    fn save(&self, open: &mut OpenEpisode) {
        open.stat_sums = [self.loss.to_bits(), self.grad_norm.to_bits(), self.mean_q.to_bits()];
        open.updates = self.updates;
    }
    fn restore(open: &OpenEpisode) -> Self {
        let [loss, grad_norm, mean_q] = open.stat_sums.map(f64::from_bits);
        Self { loss, grad_norm, mean_q, updates: open.updates }
    }
    fn add(&mut self, s: &UpdateStats) {
        self.loss += s.loss as f64;
        self.grad_norm += s.grad_norm as f64;
        self.mean_q += s.mean_q as f64;
        self.updates += 1;
    }
    fn mean(&self, sum: f64) -> f64 {
        if self.updates > 0 {
            sum / self.updates as f64
        } else {
            f64::NAN
        }
    }
}

/// One env of the run's vector env as the loop tracks it: its observation, the episode in
/// flight (for the resume checkpoint), and that episode's return, length and update statistics.
struct Stream {
    obs: Obs,
    open: OpenEpisode,
    ret: f64,
    len: u64,
    stats: EpisodeStats,
}

/// Trains a DQN agent.
pub fn train(run: &DqnRun<'_>, observer: &mut dyn Observer) -> Result<Outcome, AgentError> {
    let (cfg, spec) = (run.cfg, &run.spec);
    cfg.validate().map_err(AgentError::Config)?;
    flush_denormals_to_zero();
    let n_envs = cfg.num_envs;
    let mut envs = make_envs(spec, n_envs)?;
    let encoder = ObsEncoder::for_space(envs.observation_space(), cfg.obs_scale);
    let (n_actions, dim) = (envs.n_actions(), encoder.dim());
    let net = network_spec(cfg, envs.env_mut(0), &encoder)?;
    check_memory(cfg, envs.env_mut(0), dim, &net)?;
    spec.devices.infer.seed(spec.seed);
    let mut learner = Learner::new(net.clone(), cfg, spec.devices.clone(), rng_for(spec.seed, 5));
    let priority = cfg.replay.priority();
    let layout = replay::Layout {
        capacity: cfg.replay.buffer_size,
        features: dim,
        frame_scale: encoder.scale(),
        // The Practical-RL homework's frame buffer puts the newest frame first.
        newest_first: spec.kwargs.wrapper.as_deref() == Some("practical_rl"),
        streams: n_envs,
    };
    let mut replay = replay::for_space(envs.observation_space(), &layout, &priority, cfg.replay.n_step, cfg.gamma);
    let meta = CheckpointMeta { env_id: spec.env_id, kwargs: spec.kwargs, spec: &net, encoder };

    // Counters (restored on resume).
    let mut st = ResumeState {
        step: 0,
        episode: 0,
        updates: 0,
        rng: rng_for(spec.seed, 2),
        noise_rng: rng_for(spec.seed, 5),
        control: crate::common::ControlState::new(spec.seed),
        initial_features: Vec::new(),
        open_episode: OpenEpisode::default(),
        actor_noise_rng: None,
        more_open_episodes: Vec::new(),
    };
    let mut control_state = None;
    if let Some(path) = spec.resume_from {
        st = restore(path, &mut learner, replay.as_mut())?;
        control_state = Some(st.control.clone());
    }
    let atari = deepq_env::provider::looks_like_atari(spec.env_id);
    let names: Vec<&'static str> = SCALARS.iter().chain(if atari { &GAME_SCALARS[..] } else { &[] }).copied().collect();
    let mut control = RunControl::new(&cfg.run, spec, observer, &names, control_state)?;

    // The episodes in flight: rebuilt on resume, else new ones (env `i` seeded `seed + i`).
    let mut streams = start_episodes(&mut envs, spec, &st);
    // Encoded observations of the envs, row after row (what acting batches).
    let mut features = vec![0.0f32; n_envs * dim];
    for (i, e) in streams.iter().enumerate() {
        encoder.encode(&e.obs, &mut features[i * dim..(i + 1) * dim]);
    }
    if st.initial_features.is_empty() {
        st.initial_features = features[..dim].to_vec();
    }
    let mut next_features = vec![0.0f32; dim];
    let mut batch = Batch::default();
    let tau = if cfg.target.update == TargetUpdate::Soft { cfg.target.tau } else { 1.0 };
    // Under `learner_thread` the updates run on their own thread and the actor acts with a copy.
    let threaded = cfg.learner_thread;
    let mut actor = ActorNet::new(st.actor_noise_rng.clone().unwrap_or_else(|| rng_for(spec.seed, 6)));
    actor.refresh(&mut learner);
    let mut learner = LearnerSlot::new(learner);

    let mut stop = false;
    while st.step < spec.total_steps {
        if control.should_stop() {
            break;
        }
        // 1. Act: every env's epsilon-greedy action, the greedy ones from one batched forward
        //    pass of the inference copy of the online network.
        let epsilons: Vec<f64> =
            (0..n_envs as u64).map(|i| cfg.exploration.value(st.step + i, st.episode, spec.total_steps)).collect();
        let actions = epsilon_greedy(&features, dim, &epsilons, n_actions, &mut st.rng, |rows, count| {
            if threaded {
                actor.q_values(rows, count)
            } else {
                learner.get().q_values(rows, count)
            }
        });
        let steps = envs.step(&actions)?;
        let first_step = st.step;

        // Then each env's transition in turn, as if the envs had taken turns: every schedule
        // below counts transitions.
        for (i, s) in steps.into_iter().enumerate() {
            let (action, epsilon, e) = (actions[i], epsilons[i], &mut streams[i]);
            if e.open.start.is_some() {
                e.open.actions.push(action as u32);
            }
            st.step += 1;
            e.ret += s.reward;
            e.len += 1;

            // 2. Store the transition (the real last observation, also on truncation).
            let row = i * dim..(i + 1) * dim;
            encoder.encode(s.next_obs(), &mut next_features);
            replay.push(&Transition {
                obs: &e.obs,
                obs_features: &features[row.clone()],
                action,
                reward: s.reward as f32,
                next_obs: s.next_obs(),
                next_features: &next_features,
                terminated: s.terminated || (cfg.terminal_on_truncation && s.truncated),
                truncated: s.truncated,
                stream: i,
            });
            let done = s.terminated || s.truncated;
            features[row.clone()].copy_from_slice(&next_features);

            // 3. Learn: a round of `gradient_steps` updates, here or on the learner thread (the
            //    actor first collects the previous round's priorities and network).
            let beta = priority.beta(st.step, spec.total_steps);
            if st.step > cfg.learning_starts && st.step.is_multiple_of(cfg.train_freq) && !replay.is_empty() {
                if threaded {
                    collect_round(&mut learner, &mut actor, replay.as_mut(), &mut streams, cfg, &st, spec)?;
                    let batches = (0..cfg.gradient_steps)
                        .map(|_| {
                            let mut b = learner.spare_batch();
                            replay.sample_into(cfg.replay.batch_size, beta, &mut st.rng, &mut b);
                            b
                        })
                        .collect();
                    st.updates += cfg.gradient_steps as u64;
                    learner.start(batches, priority.enabled);
                } else {
                    for _ in 0..cfg.gradient_steps {
                        replay.sample_into(cfg.replay.batch_size, beta, &mut st.rng, &mut batch);
                        let stats = learner.get().update(&batch, priority.enabled);
                        st.updates += 1;
                        check_divergence(&stats, cfg, &st, spec)?;
                        replay.update_priorities(&batch.indices, &stats.priorities);
                        streams.iter_mut().for_each(|e| e.stats.add(&stats));
                    }
                }
            }
            let target_due = cfg.target.unit == Unit::Steps && st.step.is_multiple_of(cfg.target.every);
            if threaded && (target_due || done || control.sync_due(st.step)) {
                collect_round(&mut learner, &mut actor, replay.as_mut(), &mut streams, cfg, &st, spec)?;
            }
            // 4. Target network (per-step schedules).
            if target_due {
                learner.get().update_target(tau);
            }

            // 5. Episode end: log, per-episode target schedule, window, bounds, videos. The
            //    vector env has already started the env's next episode.
            if done {
                st.episode += 1;
                let v0 = learner
                    .get()
                    .greedy_q_values(&st.initial_features)
                    .iter()
                    .cloned()
                    .fold(f32::NEG_INFINITY, f32::max);
                let e = &mut streams[i];
                let mut scalars = vec![
                    epsilon,
                    e.stats.mean(e.stats.loss),
                    e.stats.mean(e.stats.grad_norm),
                    e.stats.mean(e.stats.mean_q),
                    v0 as f64,
                ];
                if atari {
                    scalars.push(s.info.get("game_return").unwrap_or(f64::NAN));
                    scalars.push(s.info.get("game_length").unwrap_or(f64::NAN));
                }
                let rec = EpisodeRecord { step: st.step, episode: st.episode, ret: e.ret, length: e.len, scalars };
                (e.ret, e.len, e.stats) = (0.0, 0, EpisodeStats::default());
                e.open = OpenEpisode { start: s.reset_from.map(EpisodeStart::Rng), ..OpenEpisode::default() };
                if cfg.target.unit == Unit::Episodes && st.episode.is_multiple_of(cfg.target.every) {
                    learner.get().update_target(tau);
                }
                control.end_episode(&rec, &mut DqnTrainee { learner: learner.get(), meta: &meta })?;
                encoder.encode(&s.obs, &mut features[row]);
            }
            streams[i].obs = s.obs;

            // 6. Periodic greedy evaluation, best checkpoint, eval bound.
            control.after_step(st.step, &mut DqnTrainee { learner: learner.get(), meta: &meta })?;
            if st.step.is_multiple_of(500) {
                control.observer().on_progress(&progress_info(&st, cfg, epsilon));
            }
            // A run that reached a bound stops at once; the step budget and Ctrl-C take effect
            // after the whole vector step, so every env's transition is stored (a run of
            // `num_envs` envs does `total_steps` rounded up to a multiple of `num_envs`).
            if control.finished() {
                stop = true;
                break;
            }
        }

        // 7. Periodic last + resume checkpoints (after the whole vector step, so a resume
        //    continues from a state in which every env's transition is stored).
        if (first_step + 1..=st.step).any(|k| control.checkpoint_due(k)) {
            save_streams(&mut st, &mut streams, &control, threaded.then(|| actor.noise_rng.clone()), &mut learner);
            let last = write_checkpoints(spec, learner.get(), replay.as_ref(), &st, cfg, &meta, "last")?;
            if let (true, Some(last), Some(kept)) = (cfg.run.keep_checkpoints, last, spec.step_checkpoint(st.step)) {
                keep_copy(&last, &kept)?;
            }
        }
        if stop {
            break;
        }
    }
    collect_round(&mut learner, &mut actor, replay.as_mut(), &mut streams, cfg, &st, spec)?;
    let epsilon = cfg.exploration.value(st.step, st.episode, spec.total_steps);
    control.observer().on_progress(&progress_info(&st, cfg, epsilon));
    save_streams(&mut st, &mut streams, &control, threaded.then(|| actor.noise_rng.clone()), &mut learner);
    let final_checkpoint = write_checkpoints(spec, learner.get(), replay.as_ref(), &st, cfg, &meta, "final")?;
    Ok(control.finish(st.step, st.episode, st.updates, final_checkpoint))
}

/// The run's vector env: `n` copies of the env with same-step autoreset, stepped across threads
/// when one step is costly (image observations).
fn make_envs(spec: &RunSpec<'_>, n: usize) -> Result<VecEnv, AgentError> {
    let probe = make_with(spec.env_id, spec.kwargs)?;
    let images = matches!(probe.observation_space(), deepq_env::Space::Box { shape, .. } if shape.len() == 3);
    let stepping = if n > 1 && images { Stepping::Threads } else { Stepping::Serial };
    let mut envs = vec![probe];
    for _ in 1..n {
        envs.push(make_with(spec.env_id, spec.kwargs)?);
    }
    Ok(VecEnv::from_envs(envs, stepping)?.with_autoreset(Autoreset::SameStep))
}

/// The episode each env starts the run with: on resume the episode in flight at the
/// checkpoint, replayed into the env (or, when that is impossible, a new one with a seed
/// derived from the counters, so a resumed run is reproducible); otherwise env `i`'s first
/// episode with seed `seed + i`.
fn start_episodes(envs: &mut VecEnv, spec: &RunSpec<'_>, st: &ResumeState) -> Vec<Stream> {
    let fresh = |obs, start| Stream {
        obs,
        open: OpenEpisode { start: Some(start), ..OpenEpisode::default() },
        ret: 0.0,
        len: 0,
        stats: EpisodeStats::default(),
    };
    if spec.resume_from.is_none() {
        let first = envs.reset(Some(spec.seed));
        let seed = |i: usize| EpisodeStart::Seed(spec.seed.wrapping_add(i as u64));
        return first.into_iter().enumerate().map(|(i, (obs, _))| fresh(obs, seed(i))).collect();
    }
    (0..envs.len())
        .map(|i| {
            let saved = if i == 0 { Some(&st.open_episode) } else { st.more_open_episodes.get(i - 1) };
            if let Some(open) = saved {
                if let Some((obs, ret)) = rebuild_episode(envs.env_mut(i), open) {
                    let len = open.actions.len() as u64;
                    envs.restart_episode(i, ret, len);
                    return Stream { obs, open: open.clone(), ret, len, stats: EpisodeStats::restore(open) };
                }
            }
            let seed = spec.seed.wrapping_mul(31).wrapping_add(st.episode).wrapping_add(7_777).wrapping_add(i as u64);
            let obs = envs.env_mut(i).reset(Some(seed)).0;
            envs.restart_episode(i, 0.0, 0);
            fresh(obs, EpisodeStart::Seed(seed))
        })
        .collect()
}

/// Puts the episodes in flight, the run control's state and the noise streams into the
/// resume state.
fn save_streams(
    st: &mut ResumeState,
    streams: &mut [Stream],
    control: &RunControl<'_>,
    actor_noise_rng: Option<ChaCha8Rng>,
    learner: &mut LearnerSlot,
) {
    st.control = control.state().clone();
    for e in streams.iter_mut() {
        e.stats.save(&mut e.open);
    }
    st.open_episode = streams[0].open.clone();
    st.more_open_episodes = streams[1..].iter().map(|e| e.open.clone()).collect();
    st.actor_noise_rng = actor_noise_rng;
    st.noise_rng = learner.get().noise_rng.clone();
}

/// Waits for the round of updates in flight (under `learner_thread`), feeds its priorities back
/// to the replay, adds its statistics to the episodes' and gives the actor the new network.
fn collect_round(
    learner: &mut LearnerSlot,
    actor: &mut ActorNet,
    replay: &mut dyn Replay,
    streams: &mut [Stream],
    cfg: &DqnConfig,
    st: &ResumeState,
    spec: &RunSpec<'_>,
) -> Result<(), AgentError> {
    learner.wait();
    let finished = learner.take_finished();
    if finished.is_empty() {
        return Ok(());
    }
    for (batch, stats) in finished {
        check_divergence(&stats, cfg, st, spec)?;
        replay.update_priorities(&batch.indices, &stats.priorities);
        streams.iter_mut().for_each(|e| e.stats.add(&stats));
        learner.recycle(batch);
    }
    actor.refresh(learner.get());
    Ok(())
}

/// The loop's counters for the progress display (no epsilon under noisy exploration).
fn progress_info(st: &ResumeState, cfg: &DqnConfig, epsilon: f64) -> ProgressInfo {
    let phase = if st.step > cfg.learning_starts { Phase::Learning } else { Phase::Filling };
    let epsilon = (!cfg.network.noisy || epsilon > 0.0).then_some(epsilon);
    ProgressInfo { step: st.step, updates: st.updates, epsilon, phase }
}

/// Writes the policy checkpoint `name` and the resume checkpoint; returns the policy's path.
fn write_checkpoints(
    spec: &RunSpec<'_>,
    learner: &Learner,
    replay: &dyn Replay,
    st: &ResumeState,
    cfg: &DqnConfig,
    meta: &CheckpointMeta<'_>,
    name: &str,
) -> Result<Option<std::path::PathBuf>, AgentError> {
    let (Some(policy), Some(resume)) = (spec.checkpoint(name), spec.checkpoint("resume")) else {
        return Ok(None);
    };
    save_policy(&policy, learner, meta, st.step)?;
    save_resume(&resume, learner, replay, st, cfg.replay.save, cfg.replay.save_max_mb, meta)?;
    Ok(Some(policy))
}

/// Keeps a copy of the policy checkpoint `last` as `kept` (written atomically).
fn keep_copy(last: &Path, kept: &Path) -> Result<(), AgentError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| AgentError::Checkpoint(CheckpointError::Io { path, source })
    };
    let bytes = std::fs::read(last).map_err(io(last))?;
    deepq_log::atomic_write(kept, &bytes).map_err(io(kept))
}

/// Replays the episode in flight at a checkpoint on `env`: its observation now and its return so
/// far, or `None` when it cannot be rebuilt (the env cannot restore its random state, or the
/// replay does not end where it should).
fn rebuild_episode(env: &mut dyn Env, open: &OpenEpisode) -> Option<(Obs, f64)> {
    let mut obs = match open.start.as_ref()? {
        EpisodeStart::Seed(seed) => env.reset(Some(*seed)).0,
        EpisodeStart::Rng(state) => {
            if !env.set_rng_state(state) {
                return None;
            }
            env.reset(None).0
        }
    };
    let mut ret = 0.0;
    for &a in &open.actions {
        let s = env.step(a as usize).ok()?;
        if s.terminated || s.truncated {
            return None;
        }
        ret += s.reward;
        obs = s.obs;
    }
    Some((obs, ret))
}

/// Restores the learner, the replay memory and the counters from a resume checkpoint.
fn restore(path: &Path, learner: &mut Learner, replay: &mut dyn Replay) -> Result<ResumeState, AgentError> {
    let ck = checkpoint::load(path)?;
    learner.restore(&ck, path)?;
    let corrupt = |reason: String| CheckpointError::Corrupt { path: path.display().to_string(), reason };
    let st: ResumeState = serde_json::from_str(ck.meta("deepq.resume_state", path)?).map_err(|e| {
        CheckpointError::Mismatch { path: path.display().to_string(), reason: format!("bad resume state: {e}") }
    })?;
    if let Some(t) = ck.tensors.get("replay") {
        let priorities = ck.tensors.get("replay_priorities").map(|p| p.bytes.as_slice());
        replay.load_bytes(&t.bytes, priorities).map_err(corrupt)?;
    }
    learner.noise_rng = st.noise_rng.clone();
    Ok(st)
}

/// A non-finite loss or gradient norm, or Q-values beyond `optim.max_abs_q`, stop the run.
fn check_divergence(
    stats: &UpdateStats,
    cfg: &DqnConfig,
    st: &ResumeState,
    spec: &RunSpec<'_>,
) -> Result<(), AgentError> {
    let (what, value) = if !stats.loss.is_finite() {
        ("loss", stats.loss)
    } else if !stats.grad_norm.is_finite() {
        ("gradient norm", stats.grad_norm)
    } else if !stats.mean_q.is_finite() || stats.mean_q.abs() as f64 > cfg.optim.max_abs_q {
        ("mean Q-value", stats.mean_q)
    } else {
        return Ok(());
    };
    let kept = ["best", "last"].iter().any(|n| spec.checkpoint(n).is_some_and(|p| p.exists()));
    Err(AgentError::Diverged {
        what,
        step: st.step,
        update: st.updates,
        value,
        kept: if kept { ", the last good checkpoint is kept" } else { "" },
        hint: "Lower dqn.optim.lr or enable dqn.optim.grad_clip",
    })
}

/// Refuses a replay buffer, a batch or a network larger than the machine's memory, before
/// allocating it (an allocation that fails aborts the process).
fn check_memory(cfg: &DqnConfig, env: &dyn Env, features: usize, net: &NetSpec) -> Result<(), AgentError> {
    let Some(total) = crate::util::total_memory_bytes() else { return Ok(()) };
    let gb = |bytes: u128| bytes as f64 / 1e9;
    let replay = replay::planned_bytes(env.observation_space(), cfg.replay.buffer_size, features);
    // A batch's observations and next observations as floats, twice (the batch and its tensors).
    let batch = cfg.replay.batch_size as u128 * features as u128 * 4 * 2 * 2;
    // Online and target weights, gradients and Adam's two moments: five copies.
    let network = net.dense_params().map_err(AgentError::Config)? * 4 * 5;
    let too_large = |key: String, need: u128| {
        AgentError::Config(format!(
            "{key} needs {:.1} GB, but the machine has {:.1} GB; lower it",
            gb(need),
            gb(total as u128)
        ))
    };
    if replay > total as u128 {
        let key = format!("dqn.replay.buffer_size = {} (this env's observations)", cfg.replay.buffer_size);
        return Err(too_large(key, replay));
    }
    if batch > total as u128 {
        return Err(too_large(format!("dqn.replay.batch_size = {}", cfg.replay.batch_size), batch));
    }
    if network > total as u128 {
        return Err(too_large(format!("the network (dqn.network.hidden = {:?})", cfg.network.hidden), network));
    }
    Ok(())
}
