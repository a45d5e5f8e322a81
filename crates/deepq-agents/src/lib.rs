//! The learning side of deepq: algorithms and the pieces they share.
//!
//! - [`common`]: observation encoding, devices, the algorithm-neutral error, and the run
//!   control every algorithm reports to (evaluation, checkpoints, bounds, stop reasons).
//! - [`replay`]: the [`Replay`](replay::Replay) interface over vector or frame storage, with
//!   uniform or prioritized sampling and n-step returns.
//! - [`nets`]: Q-networks (trunk + scalar/dueling/distributional head, noisy layers) and their
//!   parameter plumbing.
//! - Algorithms, each reading top to bottom: [`tabular`] (Q-learning, value iteration),
//!   [`dqn`] (DQN and the Rainbow extensions), [`reinforce`] (Monte-Carlo policy gradient),
//!   [`pg_linear`] (the same gradient for a linear logistic policy, in plain `f64`).
//! - [`analysis`]: the arithmetic of `deepq analyze` (returns-to-go, TD errors, value bias).
//! - [`policy`]: policies (greedy over a checkpoint's network, random) and evaluation.
//! - [`observer`]: how an algorithm reports episodes and scalars to the run directory.

pub mod analysis;
pub mod bench;
pub mod checkpoint;
pub mod common;
pub mod dqn;
pub mod nets;
pub mod observer;
pub mod optim;
pub mod pg_linear;
pub mod policy;
pub mod reinforce;
pub mod replay;
pub mod schedule;
mod second_core;
pub mod tabular;
pub mod util;
pub use burn;
