//! Deep Q-Network, read top to bottom like CleanRL's `dqn.py`, with the switches of the
//! reference setups: Double DQN, dueling head, hard or soft (Polyak) target updates every N
//! steps or episodes, exponential/linear/per-episode epsilon, MSE or Huber loss, Adam/RMSprop/SGD,
//! gradient clipping by value or global norm, periodic greedy evaluation, reward bounds,
//! checkpoints (best/last/final) and exact resume.
//!
//! The loop: pick an epsilon-greedy action with the inference copy of the online network, step
//! the env, store `(obs, action, reward, next_obs, terminated, truncated)` (the real final
//! observation on truncation), and every `train_freq` steps after `learning_starts` run
//! `gradient_steps` updates on uniformly sampled batches. The TD target bootstraps with
//! `(1 - terminated)`, so time-limit truncation is bootstrapped.

use crate::checkpoint::{self, Checkpoint, CheckpointError, Tensor as StoredTensor};
use crate::frame_replay::FrameReplay;
use crate::network::{
    load_params, load_params_with_ids, named_params, param_ids, soft_update, ConvSpec, NetSpec, QNetwork,
};
use crate::observer::{EpisodeRecord, Observer};
use crate::policy::{evaluate, Policy};
use crate::replay::{Batch, ReplayBuffer};
use crate::schedule::EpsilonSchedule;
use crate::util::{argmax, flush_denormals_to_zero, rng_for};
use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, RmsPropConfig, SgdConfig};
use burn::prelude::*;
use burn::tensor::{Bytes, Int};
use deepq_env::{make_with, Dtype, EnvError, EnvKwargs, Obs, Space};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The optimizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerKind {
    /// Adam (PyTorch defaults: betas 0.9/0.999; `optimizer_eps` is its epsilon).
    Adam,
    /// RMSprop (PyTorch defaults: alpha 0.99, no momentum; `optimizer_eps` is its epsilon).
    Rmsprop,
    /// Plain SGD.
    Sgd,
}

/// The TD loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Mean squared error.
    Mse,
    /// Huber / smooth L1 with delta 1.
    Huber,
}

/// How the target network follows the online one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetUpdate {
    /// Copy the online weights.
    Hard,
    /// Polyak averaging with `tau`.
    Soft,
}

/// The unit of `target_update_every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Env steps.
    Steps,
    /// Finished episodes (the PyTorch tutorial syncs every 10 episodes).
    Episodes,
}

/// Gradient clipping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradClip {
    /// No clipping.
    None,
    /// Clamp every gradient element to `[-grad_clip_value, grad_clip_value]` (the tutorial: 1).
    Value,
    /// Rescale all gradients so their global L2 norm is at most `grad_clip_value` (SB3: 10).
    Norm,
}

/// DQN hyperparameters (the `[dqn]` table of a config).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DqnConfig {
    /// Convolutions `[channels, kernel, stride]` for image observations (empty: an MLP).
    #[serde(default)]
    pub conv: Vec<ConvSpec>,
    /// BatchNorm after each convolution.
    #[serde(default)]
    pub batch_norm: bool,
    /// Hidden layer widths of the MLP.
    pub hidden: Vec<usize>,
    /// Dueling head.
    pub dueling: bool,
    /// Double DQN target (online argmax, target evaluation).
    pub double: bool,
    /// Discount factor.
    pub gamma: f64,
    /// Learning rate.
    pub lr: f64,
    /// Optimizer.
    pub optimizer: OptimizerKind,
    /// Epsilon of Adam/RMSprop (PyTorch's default 1e-8).
    pub optimizer_eps: f64,
    /// TD loss.
    pub loss: LossKind,
    /// Batch size.
    pub batch_size: usize,
    /// Replay capacity in transitions.
    pub buffer_size: usize,
    /// Env steps of pure exploration before learning starts.
    pub learning_starts: u64,
    /// Env steps between training rounds.
    pub train_freq: u64,
    /// Gradient steps per training round.
    pub gradient_steps: usize,
    /// Hard copy or Polyak averaging.
    pub target_update: TargetUpdate,
    /// Period of target updates, in `target_update_unit`.
    pub target_update_every: u64,
    /// Unit of `target_update_every`.
    pub target_update_unit: Unit,
    /// Polyak coefficient of soft updates.
    pub tau: f64,
    /// Gradient clipping mode.
    pub grad_clip: GradClip,
    /// Clip value or max norm.
    pub grad_clip_value: f64,
    /// Multiplier applied to observations before the network (e.g. 1/255 for Atari RAM).
    pub obs_scale: f64,
    /// Exploration schedule.
    pub epsilon: EpsilonSchedule,
    /// Env steps between periodic greedy evaluations (0 = none).
    pub eval_every: u64,
    /// Episodes per periodic evaluation.
    pub eval_episodes: usize,
    /// Stop when the mean of the last 100 training episodes reaches this (Lapan's `--reward`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward_bound: Option<f64>,
    /// Stop when a periodic greedy evaluation mean reaches this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eval_bound: Option<f64>,
    /// Record a GIF of one greedy episode every this many training episodes into the run's
    /// `videos/` directory (0 = never).
    #[serde(default)]
    pub video_every: u64,
    /// Stop after this many training episodes (the PyTorch tutorial trains for 50 or 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_episodes: Option<u64>,
    /// Env steps between `last` + resume checkpoints (0 = only at the end).
    pub checkpoint_every: u64,
    /// Store the replay buffer in the resume checkpoint (when under `save_replay_max_mb`).
    pub save_replay: bool,
    /// Largest replay buffer (MiB) that is saved with the resume checkpoint.
    pub save_replay_max_mb: u64,
}

impl Default for DqnConfig {
    /// CleanRL's `dqn.py` defaults (CartPole-v1).
    fn default() -> Self {
        Self {
            conv: vec![],
            batch_norm: false,
            hidden: vec![120, 84],
            dueling: false,
            double: false,
            gamma: 0.99,
            lr: 2.5e-4,
            optimizer: OptimizerKind::Adam,
            optimizer_eps: 1e-8,
            loss: LossKind::Mse,
            batch_size: 128,
            buffer_size: 10_000,
            learning_starts: 10_000,
            train_freq: 10,
            gradient_steps: 1,
            target_update: TargetUpdate::Hard,
            target_update_every: 500,
            target_update_unit: Unit::Steps,
            tau: 1.0,
            grad_clip: GradClip::None,
            grad_clip_value: 10.0,
            obs_scale: 1.0,
            epsilon: EpsilonSchedule::Linear { start: 1.0, end: 0.05, fraction: 0.5, steps: 0 },
            eval_every: 0,
            eval_episodes: 10,
            reward_bound: None,
            eval_bound: None,
            max_episodes: None,
            video_every: 0,
            checkpoint_every: 0,
            save_replay: true,
            save_replay_max_mb: 1024,
        }
    }
}

impl DqnConfig {
    /// Checks ranges, naming the offending key.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |name: &str, ok: bool| if ok { Ok(()) } else { Err(format!("dqn.{name} must be positive")) };
        positive("lr", self.lr > 0.0 && self.lr.is_finite())?;
        positive("batch_size", self.batch_size > 0)?;
        positive("buffer_size", self.buffer_size > 0)?;
        positive("train_freq", self.train_freq > 0)?;
        positive("gradient_steps", self.gradient_steps > 0)?;
        positive("target_update_every", self.target_update_every > 0)?;
        positive("optimizer_eps", self.optimizer_eps > 0.0)?;
        positive("obs_scale", self.obs_scale > 0.0)?;
        if self.hidden.contains(&0) {
            return Err("dqn.hidden sizes must be positive".into());
        }
        if !(0.0..=1.0).contains(&self.gamma) {
            return Err(format!("dqn.gamma must be in [0, 1], got {}", self.gamma));
        }
        if !(self.tau > 0.0 && self.tau <= 1.0) {
            return Err(format!("dqn.tau must be in (0, 1], got {}", self.tau));
        }
        if self.grad_clip != GradClip::None && self.grad_clip_value <= 0.0 {
            return Err("dqn.grad_clip_value must be positive".into());
        }
        if self.eval_bound.is_some() && self.eval_every == 0 {
            return Err("dqn.eval_bound needs dqn.eval_every > 0".into());
        }
        if self.eval_every > 0 && self.eval_episodes == 0 {
            return Err("dqn.eval_episodes must be positive when dqn.eval_every > 0".into());
        }
        self.epsilon.validate().map_err(|e| format!("dqn.{e}"))
    }
}

/// Errors of a DQN run.
#[derive(Debug, Error)]
pub enum DqnError {
    /// The environment failed.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// A checkpoint could not be written or read.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The loss became NaN or infinite.
    #[error("the loss became {value} at env step {step} (update {update}); training stopped, the last good checkpoint is kept. Lower dqn.lr or enable dqn.grad_clip")]
    NonFiniteLoss {
        /// Env step.
        step: u64,
        /// Update number.
        update: u64,
        /// The loss value.
        value: f32,
    },
    /// The configuration is invalid.
    #[error("{0}")]
    Config(String),
}

/// Turns an observation into the network's input features.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum ObsEncoder {
    /// One-hot encoding of a discrete state.
    OneHot {
        /// Number of states.
        n: usize,
    },
    /// A flattened box, multiplied by `scale`.
    Flat {
        /// Features.
        dim: usize,
        /// Multiplier.
        scale: f32,
    },
}

impl ObsEncoder {
    /// The encoder for an observation space.
    pub fn for_space(space: &Space, scale: f64) -> Self {
        match space {
            Space::Discrete { n } => ObsEncoder::OneHot { n: *n },
            Space::Box { .. } => ObsEncoder::Flat { dim: space.flat_dim(), scale: scale as f32 },
        }
    }
    /// Features per observation.
    pub fn dim(&self) -> usize {
        match *self {
            ObsEncoder::OneHot { n } => n,
            ObsEncoder::Flat { dim, .. } => dim,
        }
    }
    /// Writes the features of `obs` into `out` (`out.len() == self.dim()`).
    pub fn encode(&self, obs: &Obs, out: &mut [f32]) {
        match *self {
            ObsEncoder::OneHot { .. } => obs.write_one_hot(out),
            ObsEncoder::Flat { scale, .. } => {
                obs.write_f32(out);
                if scale != 1.0 {
                    out.iter_mut().for_each(|v| *v *= scale);
                }
            }
        }
    }
}

/// The compute devices: autodiff for learning, plain for acting and targets.
#[derive(Clone)]
pub struct Devices {
    /// Device with autodiff (the online network's).
    pub train: Device,
    /// The same device without autodiff.
    pub infer: Device,
}

impl Devices {
    /// The default CPU backend (burn's flex).
    pub fn cpu() -> Self {
        Self::on(Device::flex())
    }

    /// Learning and acting on `device` (autodiff added for learning).
    pub fn on(device: Device) -> Self {
        Self { train: device.clone().autodiff(), infer: device }
    }

    /// The device named `cpu` (burn's flex backend, always available), `cuda` or `wgpu`
    /// (only when deepq is built with the cargo feature of the same name).
    pub fn by_name(name: &str) -> Result<Self, String> {
        match name {
            "cpu" | "flex" => Ok(Self::cpu()),
            #[cfg(feature = "cuda")]
            "cuda" => Ok(Self::on(Device::cuda(0))),
            #[cfg(feature = "wgpu")]
            "wgpu" => Ok(Self::on(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice))),
            "cuda" | "wgpu" => Err(format!(
                "device '{name}' needs deepq built with the `{name}` cargo feature (cargo build --release --features {name})"
            )),
            other => Err(format!("unknown device '{other}'; known: cpu, cuda, wgpu")),
        }
    }
}

/// Statistics of one gradient update.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpdateStats {
    /// TD loss.
    pub loss: f32,
    /// Global L2 norm of the gradients before clipping.
    pub grad_norm: f32,
    /// Mean Q(s, a) of the batch.
    pub mean_q: f32,
}

/// The online network, its target, the optimizer and the update rule.
pub struct Learner {
    /// The network being trained (on the autodiff device).
    pub online: QNetwork,
    /// The target network (inference device).
    pub target: QNetwork,
    optim: ModuleOptimizer,
    cfg: DqnConfig,
    spec: NetSpec,
    devices: Devices,
    acting: Option<QNetwork>,
}

impl Learner {
    /// A fresh learner for `spec`.
    pub fn new(spec: NetSpec, cfg: &DqnConfig, devices: Devices) -> Self {
        let online = spec.init(&devices.train);
        let target = online.valid();
        let optim = match cfg.optimizer {
            OptimizerKind::Adam => AdamConfig::new().with_epsilon(cfg.optimizer_eps as f32).init(),
            OptimizerKind::Rmsprop => {
                RmsPropConfig::new().with_alpha(0.99).with_momentum(0.0).with_epsilon(cfg.optimizer_eps as f32).init()
            }
            OptimizerKind::Sgd => SgdConfig::new().init(),
        };
        Self { online, target, optim, cfg: cfg.clone(), spec, devices, acting: None }
    }

    /// The network's shape.
    pub fn spec(&self) -> &NetSpec {
        &self.spec
    }

    /// The inference copy of the online network (refreshed lazily after updates).
    pub fn acting(&mut self) -> &QNetwork {
        if self.acting.is_none() {
            self.acting = Some(self.online.valid());
        }
        self.acting.as_ref().expect("just set")
    }

    /// Q-values of one encoded observation, from the inference copy.
    pub fn q_values(&mut self, features: &[f32]) -> Vec<f32> {
        let dim = features.len();
        let device = self.devices.infer.clone();
        let x = Tensor::<2>::from_data(TensorData::new(features.to_vec(), [1, dim]), &device);
        self.acting().forward(x).into_data().try_into_vec_as::<f32>().expect("f32 q-values")
    }

    /// The TD targets `r + gamma * (1 - terminated) * next_value` of a batch (no gradient).
    pub fn td_targets(&mut self, batch: &Batch) -> Tensor<1> {
        let b = batch.actions.len();
        let d = self.spec.obs_dim;
        let dev = self.devices.infer.clone();
        let next_obs = Tensor::<2>::from_data(TensorData::new(batch.next_obs.clone(), [b, d]), &dev);
        let next_q = self.target.forward(next_obs.clone());
        let next_value = if self.cfg.double {
            let best = self.acting().forward(next_obs).argmax(1);
            next_q.gather(1, best).squeeze_dim::<1>(1)
        } else {
            next_q.max_dim(1).squeeze_dim::<1>(1)
        };
        let rewards = Tensor::<1>::from_data(TensorData::new(batch.rewards.clone(), [b]), &dev);
        let not_done =
            Tensor::<1>::from_data(TensorData::new(batch.terminated.clone(), [b]), &dev).neg().add_scalar(1.0);
        rewards + next_value * not_done.mul_scalar(self.cfg.gamma)
    }

    /// One gradient step on `batch`.
    pub fn update(&mut self, batch: &Batch) -> UpdateStats {
        let b = batch.actions.len();
        let d = self.spec.obs_dim;
        let targets = self.td_targets(batch);
        let dev = self.devices.train.clone();
        let obs = Tensor::<2>::from_data(TensorData::new(batch.obs.clone(), [b, d]), &dev);
        let actions = Tensor::<2, Int>::from_data(TensorData::new(batch.actions.clone(), [b, 1]), &dev);
        let q = self.online.forward(obs).gather(1, actions).squeeze_dim::<1>(1);
        let mean_q = q.clone().detach().mean().into_scalar::<f32>();
        let diff = q - targets.to_device(&dev);
        let loss = match self.cfg.loss {
            LossKind::Mse => diff.powi_scalar(2).mean(),
            LossKind::Huber => {
                let abs = diff.abs();
                let quadratic = abs.clone().clamp_max(1.0);
                (quadratic.clone().powi_scalar(2).mul_scalar(0.5) + (abs - quadratic)).mean()
            }
        };
        let mut grads = GradientsParams::from_grads(loss.backward(), &self.online);
        let loss = loss.into_scalar::<f32>();
        let grad_norm = clip_gradients(&mut grads, &self.online, self.cfg.grad_clip, self.cfg.grad_clip_value as f32);
        if loss.is_finite() {
            self.online = self.optim.step(self.cfg.lr, self.online.clone(), grads);
            self.acting = None;
        }
        UpdateStats { loss, grad_norm, mean_q }
    }

    /// Hard copy (`tau = 1`) or Polyak averaging of the online weights into the target.
    pub fn update_target(&mut self, tau: f64) {
        if tau >= 1.0 {
            self.target = self.online.valid();
        } else {
            let online = self.acting().clone();
            self.target = soft_update(self.target.clone(), &online, tau);
        }
    }

    /// Optimizer state as bytes (for resume).
    pub fn optimizer_bytes(&self) -> Result<Vec<u8>, String> {
        self.optim.into_bytes().map(|b| b.to_vec()).map_err(|e| format!("{e:?}"))
    }

    /// Restores online/target weights (with their parameter ids) and the optimizer state.
    pub fn restore(&mut self, ck: &Checkpoint, path: &Path) -> Result<(), CheckpointError> {
        let mismatch = |reason: String| CheckpointError::Mismatch { path: path.display().to_string(), reason };
        let ids: HashMap<String, u64> = serde_json::from_str(ck.meta("deepq.param_ids", path)?)
            .map_err(|e| mismatch(format!("bad param ids: {e}")))?;
        self.online = load_params_with_ids(self.spec.init(&self.devices.train), &ck.tensors, "online.", Some(&ids))
            .map_err(mismatch)?;
        self.target = load_params(self.spec.init(&self.devices.infer), &ck.tensors, "target.").map_err(mismatch)?;
        let optim_bytes = ck.tensor("optimizer", path)?.bytes.clone();
        self.optim = self
            .optim
            .clone()
            .from_bytes(Bytes::from_bytes_vec(optim_bytes))
            .map_err(|e| mismatch(format!("optimizer state: {e:?}")))?;
        self.acting = None;
        Ok(())
    }
}

/// Computes the global L2 norm of the gradients (returned, before clipping) and clips them
/// in place by value or by global norm.
pub fn clip_gradients(grads: &mut GradientsParams, model: &QNetwork, mode: GradClip, value: f32) -> f32 {
    struct Norm<'a> {
        grads: &'a GradientsParams,
        squares: Vec<f32>,
    }
    impl ModuleVisitor for Norm<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if let Some(g) = self.grads.get::<D>(param.id) {
                self.squares.push(g.powi_scalar(2).sum().into_scalar::<f32>());
            }
        }
    }
    struct Scale<'a> {
        grads: &'a mut GradientsParams,
        mode: GradClip,
        factor: f32,
        value: f32,
    }
    impl ModuleVisitor for Scale<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if let Some(g) = self.grads.remove::<D>(param.id) {
                let g = match self.mode {
                    GradClip::Value => g.clamp(-self.value, self.value),
                    _ => g.mul_scalar(self.factor),
                };
                self.grads.register(param.id, g);
            }
        }
    }
    let mut norm = Norm { grads, squares: Vec::new() };
    model.visit(&mut norm);
    let total = norm.squares.iter().sum::<f32>().sqrt();
    let factor = value / (total + 1e-6);
    let needs = match mode {
        GradClip::None => false,
        GradClip::Value => true,
        GradClip::Norm => factor < 1.0,
    };
    if needs {
        model.visit(&mut Scale { grads, mode, factor, value });
    }
    total
}

/// A greedy policy from a Q-network (evaluation, `deepq eval`, `deepq play`).
pub struct GreedyPolicy {
    net: QNetwork,
    encoder: ObsEncoder,
    device: Device,
    features: Vec<f32>,
}

impl GreedyPolicy {
    /// Wraps an inference-mode network.
    pub fn new(net: QNetwork, encoder: ObsEncoder, device: Device) -> Self {
        let features = vec![0.0; encoder.dim()];
        Self { net, encoder, device, features }
    }

    /// Loads the policy of a DQN checkpoint (`best`, `last` or `final`).
    pub fn from_checkpoint(ck: &Checkpoint, path: &Path, device: Device) -> Result<Self, CheckpointError> {
        let mismatch = |reason: String| CheckpointError::Mismatch { path: path.display().to_string(), reason };
        let spec: NetSpec = serde_json::from_str(ck.meta("deepq.net", path)?)
            .map_err(|e| mismatch(format!("bad network spec: {e}")))?;
        let encoder: ObsEncoder = serde_json::from_str(ck.meta("deepq.obs_encoder", path)?)
            .map_err(|e| mismatch(format!("bad encoder: {e}")))?;
        let net = load_params(spec.init(&device), &ck.tensors, "").map_err(mismatch)?;
        Ok(Self::new(net, encoder, device))
    }

    /// The network's input size and number of actions, for checking against an env.
    pub fn shape(&self) -> (usize, usize) {
        (self.encoder.dim(), self.net.head.weight.val().dims()[1])
    }

    /// Greedy actions for a batch of observations (one forward pass).
    pub fn act_batch(&mut self, observations: &[Obs]) -> Vec<usize> {
        let d = self.encoder.dim();
        let mut x = vec![0.0f32; observations.len() * d];
        for (row, obs) in x.chunks_mut(d).zip(observations) {
            self.encoder.encode(obs, row);
        }
        let x = Tensor::<2>::from_data(TensorData::new(x, [observations.len(), d]), &self.device);
        let a = self.net.forward(x).argmax(1).into_data().try_into_vec_as::<i64>().expect("i64 actions");
        a.into_iter().map(|v| v as usize).collect()
    }

    /// The encoder.
    pub fn encoder(&self) -> ObsEncoder {
        self.encoder
    }
}

impl Policy for GreedyPolicy {
    fn act(&mut self, obs: &Obs) -> usize {
        self.encoder.encode(obs, &mut self.features);
        let x = Tensor::<2>::from_data(TensorData::new(self.features.clone(), [1, self.features.len()]), &self.device);
        self.net.forward(x).argmax(1).into_scalar::<i64>() as usize
    }
}

/// Everything a DQN run needs besides its observer.
pub struct DqnRun<'a> {
    /// Environment id.
    pub env_id: &'a str,
    /// Environment kwargs.
    pub kwargs: &'a EnvKwargs,
    /// Hyperparameters.
    pub cfg: &'a DqnConfig,
    /// Training length in env steps.
    pub total_steps: u64,
    /// Master seed.
    pub seed: u64,
    /// Where checkpoints go (`None`: none are written).
    pub checkpoint_dir: Option<&'a Path>,
    /// Resume from this resume checkpoint.
    pub resume_from: Option<&'a Path>,
    /// Where periodic greedy-episode GIFs go (`dqn.video_every`); `None`: none are written.
    pub video_dir: Option<&'a Path>,
    /// Compute devices.
    pub devices: Devices,
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// `total_steps` reached.
    TotalSteps,
    /// `reward_bound` or `eval_bound` reached.
    Solved,
    /// The observer asked to stop (Ctrl-C, disk full).
    Interrupted,
    /// `max_episodes` reached.
    MaxEpisodes,
}

/// What a DQN run produced.
#[derive(Debug, Clone)]
pub struct DqnOutcome {
    /// Env steps taken (including those before a resume).
    pub env_steps: u64,
    /// Finished training episodes.
    pub episodes: u64,
    /// Gradient updates.
    pub updates: u64,
    /// Step at which a bound was reached.
    pub solved_at_step: Option<u64>,
    /// Why training stopped.
    pub stopped_by: StopReason,
    /// Best periodic-eval mean (or best 100-episode mean when there is no periodic eval).
    pub best_score: Option<f64>,
    /// The best checkpoint, if one was written.
    pub best_checkpoint: Option<PathBuf>,
    /// The final checkpoint, if written.
    pub final_checkpoint: Option<PathBuf>,
}

/// Names of the per-episode scalars of [`train`].
pub const SCALARS: [&str; 5] = ["epsilon", "loss", "grad_norm", "mean_q", "initial_state_value"];

/// Counters and RNG saved in the resume checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ResumeState {
    step: u64,
    episode: u64,
    updates: u64,
    target_updates_episode_mark: u64,
    rng: ChaCha8Rng,
    best_score: Option<f64>,
    recent_returns: Vec<f64>,
    eval_seed: u64,
    initial_features: Vec<f32>,
}

/// Trains a DQN agent.
pub fn train(run: &DqnRun<'_>, observer: &mut dyn Observer) -> Result<DqnOutcome, DqnError> {
    let cfg = run.cfg;
    cfg.validate().map_err(DqnError::Config)?;
    flush_denormals_to_zero();
    let mut env = make_with(run.env_id, run.kwargs)?;
    let mut eval_env = make_with(run.env_id, run.kwargs)?;
    let encoder = ObsEncoder::for_space(env.observation_space(), cfg.obs_scale);
    let n_actions = env.n_actions();
    let spec = NetSpec {
        obs_dim: encoder.dim(),
        n_actions,
        hidden: cfg.hidden.clone(),
        dueling: cfg.dueling,
        input_shape: env.observation_space().shape().to_vec(),
        conv: cfg.conv.clone(),
        batch_norm: cfg.batch_norm,
    };
    spec.features().map_err(|e| DqnError::Config(format!("dqn.conv: {e} (env {})", run.env_id)))?;
    run.devices.infer.seed(run.seed);
    let mut learner = Learner::new(spec.clone(), cfg, run.devices.clone());
    let mut replay = Store::for_space(env.observation_space(), cfg.buffer_size, encoder.dim());
    let frame_scale = match encoder {
        ObsEncoder::Flat { scale, .. } => scale,
        ObsEncoder::OneHot { .. } => 1.0,
    };
    let meta = CheckpointMeta { env_id: run.env_id, kwargs: run.kwargs, spec: &spec, encoder };

    // Counters (restored on resume).
    let mut st = ResumeState {
        step: 0,
        episode: 0,
        updates: 0,
        target_updates_episode_mark: 0,
        rng: rng_for(run.seed, 2),
        best_score: None,
        recent_returns: Vec::new(),
        eval_seed: 1_000_000 + run.seed * 100_000,
        initial_features: Vec::new(),
    };
    let mut first_reset_seed = Some(run.seed);
    if let Some(path) = run.resume_from {
        let ck = checkpoint::load(path)?;
        learner.restore(&ck, path)?;
        st = serde_json::from_str(ck.meta("deepq.resume_state", path)?).map_err(|e| CheckpointError::Mismatch {
            path: path.display().to_string(),
            reason: format!("bad resume state: {e}"),
        })?;
        if let Some(t) = ck.tensors.get("replay") {
            replay
                .load(&t.bytes)
                .map_err(|reason| CheckpointError::Corrupt { path: path.display().to_string(), reason })?;
        }
        // The episode in flight when the run was killed is lost; start a fresh one with a
        // seed derived from the counters so a resumed run is reproducible.
        first_reset_seed = Some(run.seed.wrapping_mul(31).wrapping_add(st.episode).wrapping_add(7_777));
    }
    observer.begin(&SCALARS, run.total_steps);

    let mut features = vec![0.0f32; encoder.dim()];
    let mut next_features = vec![0.0f32; encoder.dim()];
    let (mut obs, _) = env.reset(first_reset_seed);
    encoder.encode(&obs, &mut features);
    if st.initial_features.is_empty() {
        st.initial_features = features.clone();
    }
    let mut batch = Batch::default();
    let (mut ep_return, mut ep_len) = (0.0f64, 0u64);
    let (mut loss_sum, mut norm_sum, mut q_sum, mut n_updates_ep) = (0.0f64, 0.0f64, 0.0f64, 0u64);
    let mut solved_at_step = None;
    let mut stopped_by = StopReason::TotalSteps;
    let mut best_checkpoint = None;
    let ckpt = |name: &str| run.checkpoint_dir.map(|d| d.join(format!("{name}.safetensors")));

    while st.step < run.total_steps {
        if observer.stop_requested() {
            stopped_by = StopReason::Interrupted;
            break;
        }
        // 1. Act epsilon-greedily with the inference copy of the online network.
        let epsilon = cfg.epsilon.value(st.step, st.episode, run.total_steps);
        let action = if st.rng.random::<f64>() < epsilon {
            st.rng.random_range(0..n_actions)
        } else {
            argmax(&learner.q_values(&features))
        };
        let s = env.step(action)?;
        let done = s.done();
        st.step += 1;
        ep_return += s.reward;
        ep_len += 1;

        // 2. Store the transition (the real next observation, also on truncation).
        encoder.encode(&s.obs, &mut next_features);
        replay.push((&obs, &features), action, s.reward as f32, (&s.obs, &next_features), s.terminated, s.truncated);
        std::mem::swap(&mut features, &mut next_features);
        obs = s.obs;

        // 3. Learn.
        if st.step > cfg.learning_starts && st.step.is_multiple_of(cfg.train_freq) && !replay.is_empty() {
            for _ in 0..cfg.gradient_steps {
                replay.sample_into(cfg.batch_size, &mut st.rng, &mut batch, frame_scale);
                let stats = learner.update(&batch);
                st.updates += 1;
                if !stats.loss.is_finite() {
                    return Err(DqnError::NonFiniteLoss { step: st.step, update: st.updates, value: stats.loss });
                }
                loss_sum += stats.loss as f64;
                norm_sum += stats.grad_norm as f64;
                q_sum += stats.mean_q as f64;
                n_updates_ep += 1;
            }
        }
        // 4. Target network (per-step schedules).
        if cfg.target_update_unit == Unit::Steps && st.step.is_multiple_of(cfg.target_update_every) {
            learner.update_target(if cfg.target_update == TargetUpdate::Soft { cfg.tau } else { 1.0 });
        }

        // 5. Episode end: log, per-episode target schedule, reward bound.
        if done {
            st.episode += 1;
            st.recent_returns.push(ep_return);
            if st.recent_returns.len() > 100 {
                st.recent_returns.remove(0);
            }
            let mean = |sum: f64| if n_updates_ep > 0 { sum / n_updates_ep as f64 } else { f64::NAN };
            let v0 = learner.q_values(&st.initial_features).iter().cloned().fold(f32::NEG_INFINITY, f32::max);
            observer.on_episode(&EpisodeRecord {
                step: st.step,
                episode: st.episode,
                ret: ep_return,
                length: ep_len,
                scalars: vec![epsilon, mean(loss_sum), mean(norm_sum), mean(q_sum), v0 as f64],
            });
            (ep_return, ep_len) = (0.0, 0);
            (loss_sum, norm_sum, q_sum, n_updates_ep) = (0.0, 0.0, 0.0, 0);
            if cfg.target_update_unit == Unit::Episodes && st.episode.is_multiple_of(cfg.target_update_every) {
                learner.update_target(if cfg.target_update == TargetUpdate::Soft { cfg.tau } else { 1.0 });
                st.target_updates_episode_mark = st.episode;
            }
            let recent_mean = st.recent_returns.iter().sum::<f64>() / st.recent_returns.len() as f64;
            if cfg.eval_every == 0 && st.recent_returns.len() >= 100.min(st.episode as usize) {
                // Without periodic evaluation, "best" is the best 100-episode training mean.
                if st.episode >= 10 && st.best_score.is_none_or(|b| recent_mean > b) {
                    st.best_score = Some(recent_mean);
                    if let Some(p) = ckpt("best") {
                        save_policy(&p, &learner, &meta, st.step)?;
                        best_checkpoint = Some(p);
                    }
                }
            }
            if let Some(bound) = cfg.reward_bound {
                if st.recent_returns.len() >= 100 && recent_mean >= bound {
                    solved_at_step = Some(st.step);
                    stopped_by = StopReason::Solved;
                }
            }
            obs = env.reset(None).0;
            encoder.encode(&obs, &mut features);
            if let (Some(dir), true) =
                (run.video_dir, cfg.video_every > 0 && st.episode.is_multiple_of(cfg.video_every))
            {
                let mut policy = GreedyPolicy::new(learner.acting().clone(), encoder, run.devices.infer.clone());
                let path = dir.join(format!("episode-{:06}.gif", st.episode));
                record_greedy_episode(run, &mut policy, &path, st.eval_seed)?;
            }
            if cfg.max_episodes.is_some_and(|m| st.episode >= m) && stopped_by != StopReason::Solved {
                stopped_by = StopReason::MaxEpisodes;
            }
        }

        // 6. Periodic greedy evaluation on a separate env; best checkpoint; eval bound.
        if cfg.eval_every > 0 && st.step.is_multiple_of(cfg.eval_every) {
            let mut policy = GreedyPolicy::new(learner.acting().clone(), encoder, run.devices.infer.clone());
            let r = evaluate(eval_env.as_mut(), &mut policy, cfg.eval_episodes, st.eval_seed)?;
            st.eval_seed += cfg.eval_episodes as u64;
            observer.on_scalar("eval/mean_return", r.mean, st.step);
            if st.best_score.is_none_or(|b| r.mean > b) {
                st.best_score = Some(r.mean);
                if let Some(p) = ckpt("best") {
                    save_policy(&p, &learner, &meta, st.step)?;
                    best_checkpoint = Some(p);
                }
            }
            if let Some(bound) = cfg.eval_bound {
                if r.mean >= bound {
                    solved_at_step = Some(st.step);
                    stopped_by = StopReason::Solved;
                }
            }
        }

        // 7. Periodic last + resume checkpoints.
        if cfg.checkpoint_every > 0 && st.step.is_multiple_of(cfg.checkpoint_every) {
            if let Some(dir) = run.checkpoint_dir {
                save_policy(&dir.join("last.safetensors"), &learner, &meta, st.step)?;
                save_resume(&dir.join("resume.safetensors"), &learner, &replay, &st, cfg, &meta)?;
            }
        }
        if st.step.is_multiple_of(500) {
            observer.on_progress(st.step);
        }
        if matches!(stopped_by, StopReason::Solved | StopReason::MaxEpisodes) {
            break;
        }
    }
    observer.on_progress(st.step);
    let mut final_checkpoint = None;
    if let Some(dir) = run.checkpoint_dir {
        let p = dir.join("final.safetensors");
        save_policy(&p, &learner, &meta, st.step)?;
        final_checkpoint = Some(p);
        save_resume(&dir.join("resume.safetensors"), &learner, &replay, &st, cfg, &meta)?;
    }
    Ok(DqnOutcome {
        env_steps: st.step,
        episodes: st.episode,
        updates: st.updates,
        solved_at_step,
        stopped_by,
        best_score: st.best_score,
        best_checkpoint,
        final_checkpoint,
    })
}

/// The replay memory: float vectors, or (for stacked u8 image observations) frames stored
/// once each and re-stacked at sampling time.
enum Store {
    Vector(ReplayBuffer),
    Frames(FrameReplay),
}

impl Store {
    /// Frame storage for `[stack, h, w]` byte observations, vectors otherwise.
    fn for_space(space: &Space, capacity: usize, features: usize) -> Self {
        match space {
            Space::Box { shape, dtype: Dtype::U8, .. } if shape.len() == 3 => {
                Store::Frames(FrameReplay::new(capacity, shape[0], shape[1] * shape[2]))
            }
            _ => Store::Vector(ReplayBuffer::new(capacity, features)),
        }
    }
    fn is_empty(&self) -> bool {
        match self {
            Store::Vector(r) => r.is_empty(),
            Store::Frames(r) => r.is_empty(),
        }
    }
    #[allow(clippy::too_many_arguments)]
    fn push(&mut self, obs: (&Obs, &[f32]), action: usize, reward: f32, next: (&Obs, &[f32]), term: bool, trunc: bool) {
        match self {
            Store::Vector(r) => r.push(obs.1, action, reward, next.1, term, trunc),
            Store::Frames(r) => {
                let (Obs::U8(o), Obs::U8(n)) = (obs.0, next.0) else {
                    unreachable!("frame store holds u8 observations")
                };
                r.push(o, action, reward, n, term, trunc)
            }
        }
    }
    fn sample_into(&self, batch_size: usize, rng: &mut ChaCha8Rng, out: &mut Batch, scale: f32) {
        match self {
            Store::Vector(r) => r.sample_into(batch_size, rng, out),
            Store::Frames(r) => r.sample_into(batch_size, rng, out, scale),
        }
    }
    fn stored_bytes(&self) -> usize {
        match self {
            Store::Vector(r) => r.stored_bytes(),
            Store::Frames(r) => r.stored_bytes(),
        }
    }
    fn to_bytes(&self) -> Vec<u8> {
        match self {
            Store::Vector(r) => r.to_bytes(),
            Store::Frames(r) => r.to_bytes(),
        }
    }
    fn load(&mut self, bytes: &[u8]) -> Result<(), String> {
        match self {
            Store::Vector(r) => *r = ReplayBuffer::from_bytes(bytes)?,
            Store::Frames(r) => *r = FrameReplay::from_bytes(bytes)?,
        }
        Ok(())
    }
}

/// Plays one greedy episode on a fresh env and writes its rendered frames as a GIF.
fn record_greedy_episode(run: &DqnRun<'_>, policy: &mut GreedyPolicy, path: &Path, seed: u64) -> Result<(), DqnError> {
    let io = |e: std::io::Error| DqnError::Config(format!("cannot write the training video '{}': {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut env = make_with(run.env_id, run.kwargs)?;
    let mut recorder: Option<deepq_log::GifRecorder> = None;
    let mut failure: Option<DqnError> = None;
    crate::policy::play_episode(env.as_mut(), policy, Some(seed), &mut |env| {
        if failure.is_some() {
            return;
        }
        let frame = match env.render() {
            Ok(f) => f,
            Err(e) => {
                failure = Some(e.into());
                return;
            }
        };
        if recorder.is_none() {
            match deepq_log::GifRecorder::new(path, frame.width, frame.height, 30.0) {
                Ok(r) => recorder = Some(r),
                Err(e) => failure = Some(io(e)),
            }
        }
        if let Some(r) = recorder.as_mut() {
            if let Err(e) = r.push(&frame.data) {
                failure = Some(io(e));
            }
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    if let Some(r) = recorder {
        r.finish().map_err(io)?;
    }
    Ok(())
}

/// What every DQN checkpoint records about its network and env.
struct CheckpointMeta<'a> {
    env_id: &'a str,
    kwargs: &'a EnvKwargs,
    spec: &'a NetSpec,
    encoder: ObsEncoder,
}

impl CheckpointMeta<'_> {
    fn map(&self, step: u64) -> HashMap<String, String> {
        HashMap::from([
            ("deepq.kind".to_string(), "dqn".to_string()),
            ("deepq.env_id".to_string(), self.env_id.to_string()),
            ("deepq.env_kwargs".to_string(), serde_json::to_string(self.kwargs).expect("kwargs serialise")),
            ("deepq.net".to_string(), serde_json::to_string(self.spec).expect("spec serialises")),
            ("deepq.obs_encoder".to_string(), serde_json::to_string(&self.encoder).expect("encoder serialises")),
            ("deepq.step".to_string(), step.to_string()),
            ("deepq.linear_weight_layout".to_string(), "in_out (transpose for torch.nn.Linear)".to_string()),
        ])
    }
}

/// Writes the online network as a standalone policy checkpoint.
fn save_policy(path: &Path, learner: &Learner, meta: &CheckpointMeta<'_>, step: u64) -> Result<(), CheckpointError> {
    checkpoint::save(path, &named_params(&learner.online), &meta.map(step))
}

/// Writes everything needed to continue the run exactly.
fn save_resume(
    path: &Path,
    learner: &Learner,
    replay: &Store,
    st: &ResumeState,
    cfg: &DqnConfig,
    meta: &CheckpointMeta<'_>,
) -> Result<(), CheckpointError> {
    let mut tensors: Vec<(String, StoredTensor)> =
        named_params(&learner.online).into_iter().map(|(n, t)| (format!("online.{n}"), t)).collect();
    tensors.extend(named_params(&learner.target).into_iter().map(|(n, t)| (format!("target.{n}"), t)));
    let optim = learner.optimizer_bytes().map_err(|reason| CheckpointError::Mismatch {
        path: path.display().to_string(),
        reason: format!("cannot serialise the optimizer: {reason}"),
    })?;
    let optim_len = optim.len();
    tensors.push(("optimizer".to_string(), StoredTensor::u8(vec![optim_len], optim)));
    if cfg.save_replay && (replay.stored_bytes() as u64) <= cfg.save_replay_max_mb * 1024 * 1024 {
        let bytes = replay.to_bytes();
        let n = bytes.len();
        tensors.push(("replay".to_string(), StoredTensor::u8(vec![n], bytes)));
    }
    let mut m = meta.map(st.step);
    m.insert("deepq.resume_state".into(), serde_json::to_string(st).expect("state serialises"));
    let ids: HashMap<String, u64> = param_ids(&learner.online).into_iter().collect();
    m.insert("deepq.param_ids".into(), serde_json::to_string(&ids).expect("ids serialise"));
    checkpoint::save(path, &tensors, &m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observer::{NullObserver, RecordingObserver};
    use crate::tabular::value_iteration;
    use deepq_env::envs::frozen_lake::FrozenLake;

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

    fn learner(double: bool, gamma: f64) -> Learner {
        let cfg = DqnConfig { double, gamma, hidden: vec![], ..DqnConfig::default() };
        let spec = NetSpec::mlp(2, 2, &[], false);
        Learner::new(spec, &cfg, Devices::cpu())
    }

    fn batch(next_obs: Vec<f32>, rewards: Vec<f32>, terminated: Vec<f32>) -> Batch {
        let n = rewards.len();
        Batch { obs: vec![0.0; n * 2], actions: vec![0; n], rewards, next_obs, terminated, indices: vec![0; n] }
    }

    fn values(t: Tensor<1>) -> Vec<f32> {
        t.into_data().try_into_vec_as::<f32>().unwrap()
    }

    #[test]
    fn td_target_bootstraps_through_truncation_but_not_termination() {
        let mut l = learner(false, 0.9);
        // Target Q(s') for s' = [1, 0] is [2, 5]; for s' = [0, 1] it is [3, -1].
        l.target = linear_net(&l.devices, false, [2.0, 5.0, 3.0, -1.0], [0.0, 0.0]);
        let b = batch(vec![1.0, 0.0, 0.0, 1.0, 1.0, 0.0], vec![1.0, 0.5, -1.0], vec![0.0, 0.0, 1.0]);
        let y = values(l.td_targets(&b));
        // Row 0: truncated or running -> 1 + 0.9 * 5; row 1: 0.5 + 0.9 * 3; row 2: terminated -> -1.
        let expected = [1.0 + 0.9 * 5.0, 0.5 + 0.9 * 3.0, -1.0];
        for (a, e) in y.iter().zip(expected) {
            assert!((a - e).abs() < 1e-5, "{y:?} vs {expected:?}");
        }
    }

    #[test]
    fn double_dqn_evaluates_the_online_argmax_with_the_target_net() {
        let mut l = learner(true, 0.5);
        // Online prefers action 0 in s' = [1, 0]; the target net would prefer action 1.
        l.online = linear_net(&l.devices, true, [4.0, 1.0, 0.0, 0.0], [0.0, 0.0]);
        l.acting = None;
        l.target = linear_net(&l.devices, false, [2.0, 5.0, 0.0, 0.0], [0.0, 0.0]);
        let b = batch(vec![1.0, 0.0], vec![1.0], vec![0.0]);
        let y = values(l.td_targets(&b));
        assert!((y[0] - (1.0 + 0.5 * 2.0)).abs() < 1e-6, "double target {y:?}");
        // Plain DQN takes the target's own max instead.
        let mut plain = learner(false, 0.5);
        plain.target = linear_net(&plain.devices, false, [2.0, 5.0, 0.0, 0.0], [0.0, 0.0]);
        let y = values(plain.td_targets(&b));
        assert!((y[0] - (1.0 + 0.5 * 5.0)).abs() < 1e-6, "max target {y:?}");
    }

    fn grads_of(l: &mut Learner, b: &Batch) -> (GradientsParams, QNetwork) {
        let targets = l.td_targets(b);
        let dev = l.devices.train.clone();
        let obs = Tensor::<2>::from_data(TensorData::new(b.obs.clone(), [b.rewards.len(), 2]), &dev);
        let actions = Tensor::<2, Int>::from_data(TensorData::new(b.actions.clone(), [b.rewards.len(), 1]), &dev);
        let q = l.online.forward(obs).gather(1, actions).squeeze_dim::<1>(1);
        let loss = (q - targets.to_device(&dev)).powi_scalar(2).mean();
        (GradientsParams::from_grads(loss.backward(), &l.online), l.online.clone())
    }

    #[test]
    fn gradient_clipping_by_norm_and_by_value() {
        let mut l = learner(false, 0.9);
        l.online = linear_net(&l.devices, true, [0.0; 4], [0.0, 0.0]);
        l.target = linear_net(&l.devices, false, [0.0; 4], [0.0, 0.0]);
        let mut b = batch(vec![0.0, 0.0], vec![100.0], vec![1.0]);
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

    fn lake_cfg() -> DqnConfig {
        DqnConfig {
            hidden: vec![32],
            gamma: 0.9,
            lr: 0.003,
            batch_size: 32,
            buffer_size: 5000,
            learning_starts: 200,
            train_freq: 1,
            target_update_every: 100,
            epsilon: EpsilonSchedule::Linear { start: 1.0, end: 0.1, fraction: 0.5, steps: 0 },
            ..DqnConfig::default()
        }
    }

    #[test]
    fn learns_the_optimal_q_of_the_deterministic_lake() {
        let kwargs = EnvKwargs { is_slippery: Some(false), ..Default::default() };
        let cfg = lake_cfg();
        let run = DqnRun {
            env_id: "FrozenLake-v1",
            kwargs: &kwargs,
            cfg: &cfg,
            total_steps: 6000,
            seed: 0,
            checkpoint_dir: None,
            resume_from: None,
            video_dir: None,
            devices: Devices::cpu(),
        };
        // Train, then read the learned Q-values through a fresh learner trained identically.
        let mut obs = RecordingObserver::default();
        let out = train(&run, &mut obs).unwrap();
        assert_eq!(out.env_steps, 6000);
        assert_eq!(obs.scalar_names, SCALARS.to_vec());
        // The value of the start state converges to the optimum 0.9^5 (logged per episode).
        let lake = FrozenLake::new("FrozenLake-v1", "4x4", false).unwrap();
        let optimal = value_iteration(16, 4, &|s, a| lake.transitions(s, a).to_vec(), 0.9, 1e-12);
        let v0 = obs.episodes.last().unwrap().scalars[4];
        assert!((v0 - optimal.best(0).1).abs() < 0.05, "learned V(start) {v0}, optimal {}", optimal.best(0).1);
    }

    #[test]
    fn same_seed_gives_identical_episodes() {
        let kwargs = EnvKwargs { is_slippery: Some(false), ..Default::default() };
        let cfg = DqnConfig { double: true, dueling: true, ..lake_cfg() };
        let go = |seed| {
            let run = DqnRun {
                env_id: "FrozenLake-v1",
                kwargs: &kwargs,
                cfg: &cfg,
                total_steps: 1500,
                seed,
                checkpoint_dir: None,
                resume_from: None,
                video_dir: None,
                devices: Devices::cpu(),
            };
            let mut obs = RecordingObserver::default();
            train(&run, &mut obs).unwrap();
            obs.episodes
        };
        let a = go(5);
        assert_eq!(format!("{a:?}"), format!("{:?}", go(5)));
        assert_ne!(format!("{a:?}"), format!("{:?}", go(6)));
    }

    #[test]
    fn nan_loss_stops_with_a_clear_error() {
        let kwargs = EnvKwargs::default();
        let cfg = DqnConfig { lr: 1e30, learning_starts: 50, train_freq: 1, ..lake_cfg() };
        let run = DqnRun {
            env_id: "CartPole-v1",
            kwargs: &kwargs,
            cfg: &cfg,
            total_steps: 5000,
            seed: 0,
            checkpoint_dir: None,
            resume_from: None,
            video_dir: None,
            devices: Devices::cpu(),
        };
        match train(&run, &mut NullObserver) {
            Err(e @ DqnError::NonFiniteLoss { .. }) => assert!(e.to_string().contains("env step")),
            other => panic!("expected a NaN-loss error, got {other:?}"),
        }
    }

    #[test]
    fn invalid_config_names_the_key() {
        let cfg = DqnConfig { tau: 0.0, ..DqnConfig::default() };
        assert!(cfg.validate().unwrap_err().contains("dqn.tau"));
        let cfg = DqnConfig { eval_bound: Some(1.0), eval_every: 0, ..DqnConfig::default() };
        assert!(cfg.validate().unwrap_err().contains("eval_every"));
    }
}
