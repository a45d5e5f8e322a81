//! DQN hyperparameters: the `[dqn]` table and its sub-tables, each with serde defaults, so a
//! preset states only what differs. The defaults are CleanRL's `dqn.py` (CartPole-v1).

use crate::common::ControlConfig;
use crate::nets::{ConvSpec, Support};
use crate::replay::PriorityConfig;
use crate::schedule::EpsilonSchedule;
use serde::{Deserialize, Serialize};

/// The optimizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerKind {
    /// Adam (PyTorch defaults: betas 0.9/0.999; `eps` is its epsilon).
    Adam,
    /// RMSprop (PyTorch defaults: alpha 0.99, no momentum; `eps` is its epsilon).
    Rmsprop,
    /// Plain SGD.
    Sgd,
}

/// The TD loss of scalar heads (distributional heads use the cross-entropy).
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

/// The unit of `target.every`.
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

/// The Q-network (`[dqn.network]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkConfig {
    /// Convolutions `[channels, kernel, stride]` for image observations (empty: an MLP).
    pub conv: Vec<ConvSpec>,
    /// BatchNorm after each convolution.
    pub batch_norm: bool,
    /// Hidden layer widths of the fully connected part.
    pub hidden: Vec<usize>,
    /// Dueling head (Wang et al. 2016).
    pub dueling: bool,
    /// Noisy fully connected layers (Fortunato et al. 2018, factorised Gaussian).
    pub noisy: bool,
    /// Initial noise scale `sigma0` of noisy layers (the paper: 0.5).
    pub noisy_sigma0: f64,
    /// A categorical return distribution per action (C51, Bellemare et al. 2017).
    pub distributional: bool,
    /// Atoms of the distribution.
    pub atoms: usize,
    /// Smallest atom.
    pub v_min: f64,
    /// Largest atom.
    pub v_max: f64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            conv: vec![],
            batch_norm: false,
            hidden: vec![120, 84],
            dueling: false,
            noisy: false,
            noisy_sigma0: 0.5,
            distributional: false,
            atoms: 51,
            v_min: -10.0,
            v_max: 10.0,
        }
    }
}

impl NetworkConfig {
    /// The C51 support when the head is distributional.
    pub fn support(&self) -> Option<Support> {
        self.distributional.then_some(Support { atoms: self.atoms, v_min: self.v_min as f32, v_max: self.v_max as f32 })
    }
}

/// The replay memory (`[dqn.replay]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReplayConfig {
    /// Capacity in transitions.
    pub buffer_size: usize,
    /// Batch size.
    pub batch_size: usize,
    /// Steps of the n-step return (1: the one-step TD target).
    pub n_step: usize,
    /// Proportional prioritized replay (Schaul et al. 2016).
    pub prioritized: bool,
    /// Priority exponent alpha.
    pub alpha: f64,
    /// Importance-sampling exponent at the start, annealed linearly to `beta_end`.
    pub beta_start: f64,
    /// Importance-sampling exponent at the end.
    pub beta_end: f64,
    /// Env steps of the beta annealing (0: the whole run).
    pub beta_steps: u64,
    /// Added to `|TD error|` before the exponent.
    pub priority_eps: f64,
    /// Store the replay buffer in the resume checkpoint (when under `save_max_mb`).
    pub save: bool,
    /// Largest replay buffer (MiB) that is saved with the resume checkpoint.
    pub save_max_mb: u64,
}

impl Default for ReplayConfig {
    fn default() -> Self {
        let p = PriorityConfig::default();
        Self {
            buffer_size: 10_000,
            batch_size: 128,
            n_step: 1,
            prioritized: false,
            alpha: p.alpha,
            beta_start: p.beta_start,
            beta_end: p.beta_end,
            beta_steps: p.beta_steps,
            priority_eps: p.eps,
            save: true,
            save_max_mb: 1024,
        }
    }
}

impl ReplayConfig {
    /// The prioritized-sampling settings.
    pub fn priority(&self) -> PriorityConfig {
        PriorityConfig {
            enabled: self.prioritized,
            alpha: self.alpha,
            beta_start: self.beta_start,
            beta_end: self.beta_end,
            beta_steps: self.beta_steps,
            eps: self.priority_eps,
        }
    }
}

/// The optimizer and the loss (`[dqn.optim]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OptimConfig {
    /// Optimizer.
    pub optimizer: OptimizerKind,
    /// Learning rate.
    pub lr: f64,
    /// Epsilon of Adam/RMSprop (PyTorch's default 1e-8).
    pub eps: f64,
    /// TD loss of scalar heads.
    pub loss: LossKind,
    /// Gradient clipping mode.
    pub grad_clip: GradClip,
    /// Clip value or max norm.
    pub grad_clip_value: f64,
    /// The run stops as diverged when the batch's mean |Q| exceeds this.
    pub max_abs_q: f64,
}

impl Default for OptimConfig {
    fn default() -> Self {
        Self {
            optimizer: OptimizerKind::Adam,
            lr: 2.5e-4,
            eps: 1e-8,
            loss: LossKind::Mse,
            grad_clip: GradClip::None,
            grad_clip_value: 10.0,
            max_abs_q: 1e9,
        }
    }
}

/// The target network (`[dqn.target]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TargetConfig {
    /// Hard copy or Polyak averaging.
    pub update: TargetUpdate,
    /// Period of target updates, in `unit`.
    pub every: u64,
    /// Unit of `every`.
    pub unit: Unit,
    /// Polyak coefficient of soft updates.
    pub tau: f64,
}

impl Default for TargetConfig {
    fn default() -> Self {
        Self { update: TargetUpdate::Hard, every: 500, unit: Unit::Steps, tau: 1.0 }
    }
}

/// DQN hyperparameters (the `[dqn]` table of a config).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DqnConfig {
    /// Discount factor.
    pub gamma: f64,
    /// Double DQN target (online argmax, target evaluation).
    pub double: bool,
    /// Env steps of pure exploration before learning starts.
    pub learning_starts: u64,
    /// Env steps between training rounds.
    pub train_freq: u64,
    /// Gradient steps per training round.
    pub gradient_steps: usize,
    /// Multiplier applied to observations before the network (e.g. 1/255 for Atari).
    pub obs_scale: f64,
    /// Treat every episode end as terminal, also a time-limit truncation (no bootstrap from the
    /// last observation), as the PyTorch DQN tutorial does. Off by default: a truncated
    /// episode's last transition bootstraps, as in SB3 and CleanRL.
    pub terminal_on_truncation: bool,
    /// Run the gradient updates on a thread of their own while the actor keeps stepping, so
    /// both cores work. Bit-reproducible for a seed and with the same
    /// replay ratio, but the actor's network is one training round behind the sequential
    /// loop's, so results differ from `false` (the default).
    pub learner_thread: bool,
    /// Envs stepped in lockstep (a vector env with same-step autoreset; env `i` is seeded
    /// `seed + i`), acting with one batched forward pass. Every step-based schedule
    /// (`learning_starts`, `train_freq`, `target.every`, epsilon, evaluations, checkpoints,
    /// `total_steps`) counts transitions, i.e. env steps summed over the envs, so the replay
    /// ratio does not change with `num_envs`; the replay gives each env a ring of
    /// `buffer_size / num_envs` transitions. 1 (the default) is the single-env loop.
    pub num_envs: usize,
    /// The Q-network.
    pub network: NetworkConfig,
    /// The replay memory.
    pub replay: ReplayConfig,
    /// Optimizer and loss.
    pub optim: OptimConfig,
    /// Target network.
    pub target: TargetConfig,
    /// Epsilon-greedy exploration (`kind = "constant"`, `value = 0` with noisy nets).
    pub exploration: EpsilonSchedule,
    /// Periodic evaluation, checkpoints, bounds and videos.
    pub run: ControlConfig,
}

impl Default for DqnConfig {
    /// CleanRL's `dqn.py` defaults (CartPole-v1).
    fn default() -> Self {
        Self {
            gamma: 0.99,
            double: false,
            learning_starts: 10_000,
            train_freq: 10,
            gradient_steps: 1,
            obs_scale: 1.0,
            terminal_on_truncation: false,
            learner_thread: false,
            num_envs: 1,
            network: NetworkConfig::default(),
            replay: ReplayConfig::default(),
            optim: OptimConfig::default(),
            target: TargetConfig::default(),
            exploration: EpsilonSchedule::Linear { start: 1.0, end: 0.05, fraction: 0.5, steps: 0 },
            run: ControlConfig::default(),
        }
    }
}

/// Largest replay capacity, batch size or layer width accepted (beyond, memory runs out first).
const MAX_SIZE: usize = 1 << 32;

/// Most envs of a vector env for DQN.
const MAX_ENVS: usize = 1024;

impl DqnConfig {
    /// Checks ranges, naming the offending key.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |name: &str, ok: bool| if ok { Ok(()) } else { Err(format!("dqn.{name} must be positive")) };
        let o = &self.optim;
        positive("optim.lr", o.lr > 0.0 && o.lr.is_finite())?;
        positive("optim.eps", o.eps > 0.0 && o.eps.is_finite())?;
        positive("optim.max_abs_q", o.max_abs_q > 0.0)?;
        positive("replay.batch_size", self.replay.batch_size > 0)?;
        positive("replay.buffer_size", self.replay.buffer_size > 0)?;
        positive("replay.n_step", self.replay.n_step > 0)?;
        positive("train_freq", self.train_freq > 0)?;
        positive("gradient_steps", self.gradient_steps > 0)?;
        positive("target.every", self.target.every > 0)?;
        positive("obs_scale", self.obs_scale > 0.0 && self.obs_scale.is_finite())?;
        if !(1..=MAX_ENVS).contains(&self.num_envs) {
            return Err(format!("dqn.num_envs must be in 1..={MAX_ENVS}, got {}", self.num_envs));
        }
        if self.replay.buffer_size < self.num_envs {
            return Err(format!(
                "dqn.replay.buffer_size = {} is smaller than dqn.num_envs = {} (each env needs a ring of the replay)",
                self.replay.buffer_size, self.num_envs
            ));
        }
        for (key, v) in [
            ("replay.buffer_size", self.replay.buffer_size),
            ("replay.batch_size", self.replay.batch_size),
            ("replay.n_step", self.replay.n_step),
            ("gradient_steps", self.gradient_steps),
        ] {
            if v > MAX_SIZE {
                return Err(format!("dqn.{key} = {v} is larger than the supported {MAX_SIZE}"));
            }
        }
        if self.network.hidden.iter().any(|&h| h == 0 || h > 1 << 20) {
            return Err("dqn.network.hidden sizes must be in 1..=1048576".into());
        }
        if !(0.0..=1.0).contains(&self.gamma) {
            return Err(format!("dqn.gamma must be in [0, 1], got {}", self.gamma));
        }
        if !(self.target.tau > 0.0 && self.target.tau <= 1.0) {
            return Err(format!("dqn.target.tau must be in (0, 1], got {}", self.target.tau));
        }
        if o.grad_clip != GradClip::None && !(o.grad_clip_value > 0.0 && o.grad_clip_value.is_finite()) {
            return Err("dqn.optim.grad_clip_value must be a positive number".into());
        }
        if self.network.noisy && !(self.network.noisy_sigma0 >= 0.0 && self.network.noisy_sigma0.is_finite()) {
            return Err(format!("dqn.network.noisy_sigma0 must be >= 0, got {}", self.network.noisy_sigma0));
        }
        if let Some(s) = self.network.support() {
            s.validate().map_err(|e| format!("dqn.network: {e}"))?;
        }
        self.replay.priority().validate("dqn.replay").map_err(|e| e.replace(".eps", ".priority_eps"))?;
        self.run.validate("dqn.run")?;
        self.exploration.validate().map_err(|e| format!("dqn.{}", e.replacen("epsilon.", "exploration.", 1)))
    }
}
