//! The [`Env`] trait and the values it exchanges.

use crate::space::Space;
use thiserror::Error;

/// One observation.
#[derive(Debug, Clone, PartialEq)]
pub enum Obs {
    /// A discrete state index (FrozenLake, Taxi, CliffWalking).
    Discrete(usize),
    /// A float vector (CartPole, LunarLander), flattened row-major.
    F32(Vec<f32>),
    /// Bytes (Atari RAM, image frames), flattened row-major (HWC for RGB, CHW for stacks).
    U8(Vec<u8>),
}

impl Obs {
    /// Writes the observation as floats into `out` (`out.len()` must equal the flat size;
    /// a discrete state is written as its index, see [`Obs::write_one_hot`] for one-hot).
    pub fn write_f32(&self, out: &mut [f32]) {
        match self {
            Obs::Discrete(s) => out[0] = *s as f32,
            Obs::F32(v) => out.copy_from_slice(v),
            Obs::U8(v) => {
                for (o, b) in out.iter_mut().zip(v) {
                    *o = *b as f32;
                }
            }
        }
    }

    /// Writes a discrete state as a one-hot vector of `out.len()` entries.
    pub fn write_one_hot(&self, out: &mut [f32]) {
        out.fill(0.0);
        if let Obs::Discrete(s) = self {
            out[*s] = 1.0;
        }
    }

    /// The discrete state index, if this is a discrete observation.
    pub fn as_discrete(&self) -> Option<usize> {
        match self {
            Obs::Discrete(s) => Some(*s),
            _ => None,
        }
    }

    /// The float vector, if this is a float observation.
    pub fn as_f32(&self) -> Option<&[f32]> {
        match self {
            Obs::F32(v) => Some(v),
            _ => None,
        }
    }
}

/// Extra per-step information (Gymnasium's `info` dict), numeric entries only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Info {
    entries: Vec<(&'static str, f64)>,
}

impl Info {
    /// An empty info.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`, replacing an earlier value.
    pub fn set(&mut self, key: &'static str, value: f64) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(e) => e.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Builder form of [`Info::set`].
    pub fn with(mut self, key: &'static str, value: f64) -> Self {
        self.set(key, value);
        self
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<f64> {
        self.entries.iter().find(|(k, _)| *k == key).map(|e| e.1)
    }

    /// All entries in insertion order.
    pub fn entries(&self) -> &[(&'static str, f64)] {
        &self.entries
    }
}

/// The result of one [`Env::step`].
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Observation after the action.
    pub obs: Obs,
    /// Reward for the transition.
    pub reward: f64,
    /// The episode reached a terminal state of the MDP (do not bootstrap).
    pub terminated: bool,
    /// The episode was cut by an outside limit such as a time limit (bootstrap).
    pub truncated: bool,
    /// Extra information.
    pub info: Info,
}

impl Step {
    /// `terminated || truncated`: the episode is over and `reset` must be called.
    pub fn done(&self) -> bool {
        self.terminated || self.truncated
    }
}

/// Errors an environment reports instead of panicking.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum EnvError {
    /// `step` was called before the first `reset`.
    #[error("step() called before reset(); call reset() first")]
    NotReset,
    /// `step` was called after the episode ended.
    #[error("step() called on a finished episode (terminated or truncated); call reset() first")]
    EpisodeOver,
    /// The action is not in the action space.
    #[error("action {action} is outside the action space {space}")]
    InvalidAction {
        /// The offending action.
        action: usize,
        /// The action space, described.
        space: String,
    },
    /// The id is not registered.
    #[error("unknown environment id '{id}'; known ids: {known}")]
    UnknownId {
        /// The id asked for.
        id: String,
        /// Registered ids, comma separated.
        known: String,
    },
    /// A keyword argument is unknown or has a bad value.
    #[error("{0}")]
    BadKwarg(String),
    /// The environment does not support rendering.
    #[error("environment '{0}' does not support rendering")]
    NoRender(String),
    /// Anything else (for example a missing Atari ROM).
    #[error("{0}")]
    Other(String),
}

/// An RGB image, row-major `height x width x 3`.
#[derive(Debug, Clone, PartialEq)]
pub struct RgbFrame {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `height * width * 3` bytes.
    pub data: Vec<u8>,
}

/// A reinforcement-learning environment with Gymnasium semantics and a discrete action space.
pub trait Env: Send {
    /// The Gymnasium id this environment was made from (e.g. `CartPole-v1`).
    fn id(&self) -> &str;
    /// The observation space.
    fn observation_space(&self) -> &Space;
    /// The action space (always `Discrete` for now).
    fn action_space(&self) -> &Space;
    /// Starts a new episode. `Some(seed)` re-seeds the environment's RNG (reproducible episodes);
    /// `None` continues the current RNG stream.
    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info);
    /// Applies `action`. Errors (never panics) on an invalid action or a finished episode.
    fn step(&mut self, action: usize) -> Result<Step, EnvError>;
    /// An RGB picture of the current state, like Gymnasium's `rgb_array` render mode.
    fn render(&mut self) -> Result<RgbFrame, EnvError> {
        Err(EnvError::NoRender(self.id().to_string()))
    }
    /// The state of the environment's random stream (opaque bytes), so that a resumed training
    /// run can rebuild the episode it was killed in: restore it with [`Env::set_rng_state`],
    /// `reset(None)`, and replay the episode's actions. `None` when the environment cannot save
    /// it (the default); wrappers that draw no random numbers forward their inner env's.
    fn rng_state(&self) -> Option<Vec<u8>> {
        None
    }
    /// Restores a state from [`Env::rng_state`]; false (nothing changed) when the environment
    /// cannot, or the bytes are not such a state.
    fn set_rng_state(&mut self, _state: &[u8]) -> bool {
        false
    }
    /// Number of discrete actions.
    fn n_actions(&self) -> usize {
        self.action_space().n().expect("deepq environments have discrete action spaces")
    }
}

/// Tracks the reset/step protocol for an environment implementation: errors when stepping
/// before `reset` or after the episode ended, or with an out-of-range action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EpisodeGuard {
    /// `reset` has not been called yet.
    #[default]
    NeedsReset,
    /// An episode is running.
    Running,
    /// The episode ended; `reset` is required.
    Over,
}

impl EpisodeGuard {
    /// Checks that a step with `action` is allowed in `space`.
    pub fn check_step(&self, action: usize, space: &Space) -> Result<(), EnvError> {
        match self {
            EpisodeGuard::NeedsReset => return Err(EnvError::NotReset),
            EpisodeGuard::Over => return Err(EnvError::EpisodeOver),
            EpisodeGuard::Running => {}
        }
        if !space.contains_action(action) {
            return Err(EnvError::InvalidAction { action, space: space.describe() });
        }
        Ok(())
    }

    /// Records the outcome of a step.
    pub fn after_step(&mut self, done: bool) {
        *self = if done { EpisodeGuard::Over } else { EpisodeGuard::Running };
    }
}
