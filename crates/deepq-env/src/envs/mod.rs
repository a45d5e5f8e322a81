//! The environment ports.

pub mod cartpole;
pub mod cliff_walking;
pub mod frozen_lake;
#[cfg(feature = "box2d")]
pub mod lunar_lander;
mod rng;
mod tabular;
pub mod taxi;

pub use tabular::Transition;
