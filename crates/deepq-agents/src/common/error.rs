//! The error of a training run, whatever the algorithm.

use crate::checkpoint::CheckpointError;
use deepq_env::EnvError;
use thiserror::Error;

/// Errors of a training run.
#[derive(Debug, Error)]
pub enum AgentError {
    /// The environment failed.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// A checkpoint could not be written or read.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The loss (or the gradient norm, or the Q-values) stopped being finite or bounded.
    #[error("the {what} became {value} at env step {step} (update {update}); training stopped{kept}. {hint}")]
    Diverged {
        /// What diverged: "loss", "gradient norm", "Q-values".
        what: &'static str,
        /// Env step.
        step: u64,
        /// Update number.
        update: u64,
        /// The offending value.
        value: f32,
        /// ", the last good checkpoint is kept" when one was written, else empty.
        kept: &'static str,
        /// What to change, naming the algorithm's keys.
        hint: &'static str,
    },
    /// The configuration is invalid.
    #[error("{0}")]
    Config(String),
}
