//! Observations as network inputs.

use deepq_env::{Obs, Space};
use serde::{Deserialize, Serialize};

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

    /// The multiplier applied to raw values (1 for one-hot).
    pub fn scale(&self) -> f32 {
        match *self {
            ObsEncoder::Flat { scale, .. } => scale,
            ObsEncoder::OneHot { .. } => 1.0,
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
