//! Pieces every learning algorithm shares: turning observations into network inputs
//! ([`ObsEncoder`]), the compute devices ([`Devices`]), one algorithm-neutral error
//! ([`AgentError`]), the 100-episode window ([`EpisodeWindow`]) and the run control
//! ([`RunControl`]: periodic evaluation, best/last checkpoints, bounds, GIFs, stop reasons).

mod devices;
mod encoder;
mod error;
mod run_control;
mod window;

pub use devices::Devices;
pub use encoder::ObsEncoder;
pub use error::AgentError;
pub use run_control::{
    step_checkpoint_name, step_of_checkpoint, ControlConfig, ControlState, Outcome, RunControl, RunSpec, StopReason,
    Trainee,
};
pub use window::EpisodeWindow;
