//! The learning side of deepq: algorithms and the pieces they share.
//!
//! - [`tabular`]: tabular Q-learning (Lapan ch.6) and value iteration.
//! - [`policy`]: the [`Policy`](policy::Policy) trait and greedy evaluation.
//! - [`observer`]: how an algorithm reports episodes and scalars to the run directory.

pub mod checkpoint;
pub mod dqn;
pub mod frame_replay;
pub mod network;
pub mod observer;
pub mod policy;
pub mod reinforce;
pub mod replay;
pub mod schedule;
pub mod tabular;
pub mod util;
pub use burn;
pub mod bench;
