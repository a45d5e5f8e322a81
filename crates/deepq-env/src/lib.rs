//! Environments with Gymnasium semantics for deepq.
//!
//! The [`Env`] trait mirrors Gymnasium's API: `reset(seed)` returns the first observation,
//! `step(action)` returns a [`Step`] with `terminated` (the MDP reached a terminal state) kept
//! apart from `truncated` (an outside limit, such as [`wrappers::TimeLimit`], cut the episode).
//! [`registry::make`] builds an environment from its Gymnasium id with the default kwargs.

pub mod env;
pub mod envs;
pub mod heuristics;
pub mod provider;
pub mod registry;
pub mod space;
pub mod spec;
pub mod vector;
pub mod wrappers;

pub use env::{Env, EnvError, EpisodeGuard, Info, Obs, RgbFrame, Step};
pub use provider::{register_provider, EnvProvider};
pub use registry::{make, make_with, EnvKwargs, EnvSpec};
pub use space::{Dtype, Space};
pub use vector::{Autoreset, Stepping, VecEnv, VecStep};
