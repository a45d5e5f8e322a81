//! One module per subcommand.

pub mod eval;
pub mod info;
pub mod train;
