//! Deep Q-Network and the Rainbow family, on the shared pieces of the crate:
//!
//! - [`config`]: the nested `[dqn]` table (network, replay, optim, target, exploration, run).
//! - [`learner`]: online and target networks, the update rule, targets (Double DQN, n-step,
//!   C51 projection), importance weights and priorities.
//! - `td_loss`: the scalar heads' loss (MSE or Huber) and its gradient with respect to the
//!   Q-values, computed on the host.
//! - [`explorer`]: epsilon-greedy acting (noisy networks explore through their noise).
//! - `pipeline`: the learner thread of `learner_thread = true` and the actor's network copy.
//! - [`train`](train()): the loop, top to bottom like CleanRL's `dqn.py`.
//!
//! Every Rainbow piece (Hessel et al. 2018) is a switch: `double`, `network.dueling`,
//! `replay.prioritized`, `replay.n_step`, `network.noisy`, `network.distributional`.

pub mod config;
pub mod explorer;
pub mod learner;
mod pipeline;
mod saving;
mod td_loss;
mod train;

pub use crate::common::{AgentError, Devices, ObsEncoder, Outcome, RunSpec, StopReason};
pub use crate::policy::GreedyPolicy;
pub use config::{
    DqnConfig, GradClip, LossKind, NetworkConfig, OptimConfig, OptimizerKind, ReplayConfig, TargetConfig, TargetUpdate,
    Unit,
};
pub use learner::{clip_gradients, Learner, UpdateStats};
pub use train::{network_spec, train, DqnRun, GAME_SCALARS, SCALARS};

#[cfg(test)]
mod tests;
