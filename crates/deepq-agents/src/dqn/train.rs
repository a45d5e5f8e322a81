//! The DQN training loop. Each env step: act epsilon-greedily (or with a noisy network's
//! noise), store `(obs, action, reward, next_obs, terminated, truncated)` (the real final
//! observation on truncation), every `train_freq` steps after `learning_starts` run
//! `gradient_steps` updates on sampled batches (feeding priorities back under prioritized
//! replay), follow the target network, and let the run control evaluate, checkpoint and stop.

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
use deepq_env::{make_with, Env, Obs};
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

/// Trains a DQN agent.
pub fn train(run: &DqnRun<'_>, observer: &mut dyn Observer) -> Result<Outcome, AgentError> {
    let (cfg, spec) = (run.cfg, &run.spec);
    cfg.validate().map_err(AgentError::Config)?;
    flush_denormals_to_zero();
    let mut env = make_with(spec.env_id, spec.kwargs)?;
    let encoder = ObsEncoder::for_space(env.observation_space(), cfg.obs_scale);
    let n_actions = env.n_actions();
    let net = network_spec(cfg, env.as_ref(), &encoder)?;
    check_memory(cfg, env.as_ref(), encoder.dim())?;
    spec.devices.infer.seed(spec.seed);
    let mut learner = Learner::new(net.clone(), cfg, spec.devices.clone(), rng_for(spec.seed, 5));
    let priority = cfg.replay.priority();
    let mut replay = replay::for_space(
        env.observation_space(),
        cfg.replay.buffer_size,
        encoder.dim(),
        encoder.scale(),
        &priority,
        cfg.replay.n_step,
        cfg.gamma,
        // The Practical-RL homework's frame buffer puts the newest frame first.
        spec.kwargs.wrapper.as_deref() == Some("practical_rl"),
    );
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
    };
    let mut control_state = None;
    if let Some(path) = spec.resume_from {
        st = restore(path, &mut learner, replay.as_mut())?;
        control_state = Some(st.control.clone());
    }
    let atari = deepq_env::provider::looks_like_atari(spec.env_id);
    let names: Vec<&'static str> = SCALARS.iter().chain(if atari { &GAME_SCALARS[..] } else { &[] }).copied().collect();
    let mut control = RunControl::new(&cfg.run, spec, observer, &names, control_state)?;

    let mut features = vec![0.0f32; encoder.dim()];
    let mut next_features = vec![0.0f32; encoder.dim()];
    // The episode in flight, kept for the resume checkpoint.
    let mut open = OpenEpisode::default();
    let (mut ep_return, mut ep_len, mut ep_stats) = (0.0f64, 0u64, EpisodeStats::default());
    let rebuilt = if spec.resume_from.is_some() { rebuild_episode(env.as_mut(), &st.open_episode) } else { None };
    let mut obs = if let Some((obs, ret)) = rebuilt {
        open = st.open_episode.clone();
        (ep_return, ep_len, ep_stats) = (ret, open.actions.len() as u64, EpisodeStats::restore(&open));
        obs
    } else {
        // A fresh run, or a resume whose episode in flight cannot be rebuilt (it is lost): a
        // new episode with a seed derived from the counters, so a resumed run is reproducible.
        let seed = if spec.resume_from.is_some() {
            spec.seed.wrapping_mul(31).wrapping_add(st.episode).wrapping_add(7_777)
        } else {
            spec.seed
        };
        open.start = Some(EpisodeStart::Seed(seed));
        env.reset(Some(seed)).0
    };
    encoder.encode(&obs, &mut features);
    if st.initial_features.is_empty() {
        st.initial_features = features.clone();
    }
    let mut batch = Batch::default();
    let tau = if cfg.target.update == TargetUpdate::Soft { cfg.target.tau } else { 1.0 };
    // Under `learner_thread` the updates run on their own thread and the actor acts with a copy.
    let threaded = cfg.learner_thread;
    let mut actor = ActorNet::new(st.actor_noise_rng.clone().unwrap_or_else(|| rng_for(spec.seed, 6)));
    actor.refresh(&mut learner);
    let mut learner = LearnerSlot::new(learner);

    while st.step < spec.total_steps {
        if control.should_stop() {
            break;
        }
        // 1. Act with the inference copy of the online network.
        let epsilon = cfg.exploration.value(st.step, st.episode, spec.total_steps);
        let action = if threaded {
            epsilon_greedy(|| actor.q_values(&features), epsilon, n_actions, &mut st.rng)
        } else {
            epsilon_greedy(|| learner.get().q_values(&features), epsilon, n_actions, &mut st.rng)
        };
        let s = env.step(action)?;
        if open.start.is_some() {
            open.actions.push(action as u32);
        }
        st.step += 1;
        ep_return += s.reward;
        ep_len += 1;

        // 2. Store the transition (the real next observation, also on truncation).
        encoder.encode(&s.obs, &mut next_features);
        replay.push(&Transition {
            obs: &obs,
            obs_features: &features,
            action,
            reward: s.reward as f32,
            next_obs: &s.obs,
            next_features: &next_features,
            terminated: s.terminated || (cfg.terminal_on_truncation && s.truncated),
            truncated: s.truncated,
        });
        std::mem::swap(&mut features, &mut next_features);
        obs = s.obs;

        // 3. Learn: a round of `gradient_steps` updates, here or on the learner thread (the
        //    actor first collects the previous round's priorities and network).
        let beta = priority.beta(st.step, spec.total_steps);
        if st.step > cfg.learning_starts && st.step.is_multiple_of(cfg.train_freq) && !replay.is_empty() {
            if threaded {
                collect_round(&mut learner, &mut actor, replay.as_mut(), &mut ep_stats, cfg, &st, spec)?;
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
                    ep_stats.add(&stats);
                }
            }
        }
        let target_due = cfg.target.unit == Unit::Steps && st.step.is_multiple_of(cfg.target.every);
        if threaded && (target_due || s.terminated || s.truncated || control.sync_due(st.step)) {
            collect_round(&mut learner, &mut actor, replay.as_mut(), &mut ep_stats, cfg, &st, spec)?;
        }
        // 4. Target network (per-step schedules).
        if target_due {
            learner.get().update_target(tau);
        }

        // 5. Episode end: log, per-episode target schedule, window, bounds, videos.
        if s.terminated || s.truncated {
            st.episode += 1;
            let v0 =
                learner.get().greedy_q_values(&st.initial_features).iter().cloned().fold(f32::NEG_INFINITY, f32::max);
            let mut scalars = vec![
                epsilon,
                ep_stats.mean(ep_stats.loss),
                ep_stats.mean(ep_stats.grad_norm),
                ep_stats.mean(ep_stats.mean_q),
                v0 as f64,
            ];
            if atari {
                scalars.push(s.info.get("game_return").unwrap_or(f64::NAN));
                scalars.push(s.info.get("game_length").unwrap_or(f64::NAN));
            }
            let rec = EpisodeRecord { step: st.step, episode: st.episode, ret: ep_return, length: ep_len, scalars };
            (ep_return, ep_len, ep_stats) = (0.0, 0, EpisodeStats::default());
            if cfg.target.unit == Unit::Episodes && st.episode.is_multiple_of(cfg.target.every) {
                learner.get().update_target(tau);
            }
            control.end_episode(&rec, &mut DqnTrainee { learner: learner.get(), meta: &meta })?;
            open = OpenEpisode { start: env.rng_state().map(EpisodeStart::Rng), ..OpenEpisode::default() };
            obs = env.reset(None).0;
            encoder.encode(&obs, &mut features);
        }

        // 6. Periodic greedy evaluation, best checkpoint, eval bound.
        control.after_step(st.step, &mut DqnTrainee { learner: learner.get(), meta: &meta })?;

        // 7. Periodic last + resume checkpoints.
        if control.checkpoint_due(st.step) {
            st.control = control.state().clone();
            ep_stats.save(&mut open);
            st.open_episode = open.clone();
            st.actor_noise_rng = threaded.then(|| actor.noise_rng.clone());
            st.noise_rng = learner.get().noise_rng.clone();
            write_checkpoints(spec, learner.get(), replay.as_ref(), &st, cfg, &meta, "last")?;
        }
        if st.step.is_multiple_of(500) {
            control.observer().on_progress(&progress_info(&st, cfg, epsilon));
        }
        if control.finished() {
            break;
        }
    }
    collect_round(&mut learner, &mut actor, replay.as_mut(), &mut ep_stats, cfg, &st, spec)?;
    let epsilon = cfg.exploration.value(st.step, st.episode, spec.total_steps);
    control.observer().on_progress(&progress_info(&st, cfg, epsilon));
    st.control = control.state().clone();
    ep_stats.save(&mut open);
    st.open_episode = open;
    st.actor_noise_rng = threaded.then(|| actor.noise_rng.clone());
    st.noise_rng = learner.get().noise_rng.clone();
    let final_checkpoint = write_checkpoints(spec, learner.get(), replay.as_ref(), &st, cfg, &meta, "final")?;
    Ok(control.finish(st.step, st.episode, st.updates, final_checkpoint))
}

/// Waits for the round of updates in flight (under `learner_thread`), feeds its priorities back
/// to the replay, adds its statistics to the episode's and gives the actor the new network.
fn collect_round(
    learner: &mut LearnerSlot,
    actor: &mut ActorNet,
    replay: &mut dyn Replay,
    ep_stats: &mut EpisodeStats,
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
        ep_stats.add(&stats);
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

/// Refuses a replay buffer larger than the machine's memory, before allocating it.
fn check_memory(cfg: &DqnConfig, env: &dyn Env, features: usize) -> Result<(), AgentError> {
    let need = replay::planned_bytes(env.observation_space(), cfg.replay.buffer_size, features);
    if let Some(total) = crate::util::total_memory_bytes() {
        if need > total as u128 {
            return Err(AgentError::Config(format!(
                "dqn.replay.buffer_size = {} needs {:.1} GB for this env's observations, but the machine has {:.1} GB; lower it",
                cfg.replay.buffer_size,
                need as f64 / 1e9,
                total as f64 / 1e9
            )));
        }
    }
    Ok(())
}
