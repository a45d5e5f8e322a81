//! One module per subcommand.

pub mod analyze;
pub mod bench;
pub mod curves;
pub mod eval;
pub mod eval_checkpoints;
pub mod info;
pub mod play;
pub mod policy_loader;
pub mod show_obs;
pub mod train;
pub mod video;
