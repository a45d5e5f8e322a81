//! deepq as a library: everything behind the `deepq` command line.
//!
//! The binary only parses its arguments and calls into this crate, so other programs can do
//! what it does:
//!
//! - [`config`]: presets, TOML config files and `--set key=value` overrides, resolved into a
//!   checked [`config::RunConfig`];
//! - [`run_dir`]: the run directory (location, `config.toml`, `summary.json`);
//! - [`logger`]: the training observer that writes `metrics.csv`, TensorBoard events and plots;
//! - [`progress`]: the progress bar or progress lines;
//! - [`commands`]: one module per subcommand (`train`, `eval`, `play`, `bench`, `presets`/`envs`).
//!
//! Errors are [`anyhow::Error`]s meant to be shown as one line ([`error_line`]); [`exit_code`]
//! maps them to the binary's exit status.
#![warn(missing_docs)]

pub mod commands;
pub mod config;
pub mod logger;
pub mod progress;
pub mod run_dir;

/// Registers the optional environment providers compiled in (the Atari games with the `atari`
/// feature). Call once before resolving configs or making environments.
pub fn init() {
    #[cfg(feature = "atari")]
    deepq_atari::register();
}

/// Exit status of a user error (bad input, unreadable file, failed run).
pub const EXIT_ERROR: u8 = 1;

/// The message of an error as one line: its causes joined with `: `, newlines removed.
pub fn error_line(e: &anyhow::Error) -> String {
    format!("{e:#}").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The exit status for an error returned by a command.
pub fn exit_code(_e: &anyhow::Error) -> u8 {
    EXIT_ERROR
}
