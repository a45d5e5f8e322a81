//! The `deepq` command line: `train`, `eval`, `presets`, `envs`.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod commands;
mod config;
mod logger;
mod progress;
mod run_dir;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// deepq: Deep Q-Network training, fast and complete.
#[derive(Parser)]
#[command(name = "deepq", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train an agent from a preset name or a TOML config file.
    Train {
        /// Preset name (see `deepq presets`) or path to a .toml config.
        config: String,
        /// Master seed (overrides the config's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Run directory (default: runs/<preset>_s<seed>_<timestamp>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override a config key, e.g. `--set tabular.alpha=0.1` (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        overrides: Vec<String>,
        /// No progress bar or progress lines.
        #[arg(long)]
        quiet: bool,
    },
    /// Evaluate a trained run (or checkpoint) greedily, or the random agent with --random.
    Eval {
        /// A run directory or a .safetensors checkpoint.
        target: Option<PathBuf>,
        /// Evaluate the uniformly random agent on this environment id instead.
        #[arg(long, value_name = "ENV_ID", conflicts_with = "target")]
        random: Option<String>,
        /// Number of episodes.
        #[arg(long, default_value_t = 100)]
        episodes: usize,
        /// Seed of the first episode (episode i uses seed + i); default: the run's eval seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the built-in presets.
    Presets,
    /// List the registered environment ids.
    Envs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train { config, seed, out, overrides, quiet } => {
            commands::train::run(&config, seed, out, &overrides, quiet)
        }
        Command::Eval { target, random, episodes, seed, json } => {
            commands::eval::run(target, random, episodes, seed, json)
        }
        Command::Presets => commands::info::presets(),
        Command::Envs => commands::info::envs(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
