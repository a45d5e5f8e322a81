//! The `deepq` command line: parses the arguments and calls the library ([`deepq`]).

use clap::{Parser, Subcommand};
use deepq::commands::{bench, eval, info, play, train};
use std::path::PathBuf;
use std::process::ExitCode;

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
        config: Option<String>,
        /// Master seed (overrides the config's `seed`; at most 9223372036854775807).
        #[arg(long, value_parser = deepq::parse_seed)]
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
        /// Continue a killed or interrupted run from its last checkpoint (network, optimizer,
        /// replay, counters); with `--set total_steps=N`, train a finished run for longer.
        #[arg(long, value_name = "RUN_DIR")]
        resume: Option<PathBuf>,
        /// With --resume: restart from scratch, in place, a run that was stopped before its
        /// first checkpoint.
        #[arg(long, requires = "resume")]
        force: bool,
    },
    /// Evaluate a trained run (or checkpoint) greedily, or the random agent with --random.
    Eval {
        /// A run directory or a .safetensors checkpoint.
        target: Option<PathBuf>,
        /// Evaluate the uniformly random agent on this environment id instead.
        #[arg(long, value_name = "ENV_ID", conflicts_with = "target")]
        random: Option<String>,
        /// Number of episodes (default: the protocol's, else 100).
        #[arg(long)]
        episodes: Option<usize>,
        /// Seed of the first episode (episode i uses seed + i); default: the run's eval seed.
        #[arg(long, value_parser = deepq::parse_seed)]
        seed: Option<u64>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Also record the episodes as a .gif or .mp4 (mp4 needs ffmpeg on PATH).
        #[arg(long, value_name = "FILE")]
        record: Option<PathBuf>,
        /// How episodes are played and scored: auto (full_game for Atari stacks, else training),
        /// training (the training env: per life, clipped for Atari stacks), full_game (whole
        /// games, unclipped), homework (the Practical-RL final score: 30 full games, t_max 10,000).
        #[arg(long, default_value = "auto")]
        protocol: String,
        /// Probability of a random action (Dopamine evaluates with 0.001).
        #[arg(long, default_value_t = 0.0)]
        epsilon: f64,
        /// Steps after which an episode is cut (default: the protocol's or 27,000 Atari / 10,000).
        #[arg(long)]
        max_steps: Option<u64>,
        /// With --random: the Atari wrapper stack (atari, lapan, practical_rl) or other wrapper.
        #[arg(long, requires = "random")]
        wrapper: Option<String>,
        /// With --random: keep each random action for N steps (the published Atari random
        /// baselines: N = 6 frames on a NoFrameskip id, i.e. 10 Hz).
        #[arg(long, default_value_t = 1, requires = "random")]
        action_repeat: u32,
    },
    /// Play greedy episodes of a trained run or checkpoint; record them with --record.
    Play {
        /// A run directory or a .safetensors checkpoint.
        target: PathBuf,
        /// Number of episodes.
        #[arg(long, default_value_t = 1)]
        episodes: usize,
        /// Seed of the first episode.
        #[arg(long, value_parser = deepq::parse_seed)]
        seed: Option<u64>,
        /// Write the rendered frames to a .gif or .mp4 (mp4 needs ffmpeg on PATH).
        #[arg(long, value_name = "FILE")]
        record: Option<PathBuf>,
        /// Frames per second of the recording.
        #[arg(long, default_value_t = 30.0)]
        fps: f64,
    },
    /// Measure update time, action latency, env and replay speed.
    Bench {
        /// Which suite: `core` (DQN updates, acting, CartPole, replay), `pixels` (CartPole-from-pixels
        /// CNNs and screen pipeline) or `atari`.
        #[arg(default_value = "core")]
        suite: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Fewer iterations (a smoke run; numbers are noisier).
        #[arg(long)]
        quick: bool,
    },
    /// List the built-in presets.
    Presets,
    /// List the registered environment ids.
    Envs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    deepq::init();
    let result = match cli.command {
        Command::Train { config, seed, out, overrides, quiet, resume, force } => {
            train::run(train::TrainArgs { source: config, seed, out, overrides, quiet, resume, force })
        }
        Command::Eval {
            target,
            random,
            episodes,
            seed,
            json,
            record,
            protocol,
            epsilon,
            max_steps,
            wrapper,
            action_repeat,
        } => eval::run(eval::EvalArgs {
            target,
            random,
            episodes,
            seed,
            json,
            record,
            protocol,
            epsilon,
            max_steps,
            wrapper,
            action_repeat,
        }),
        Command::Play { target, episodes, seed, record, fps } => {
            play::run(play::PlayArgs { target, episodes, seed, record, fps })
        }
        Command::Bench { suite, json, quick } => bench::run(&suite, json, quick),
        Command::Presets => info::presets(),
        Command::Envs => info::envs(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(deepq::report_error(&e)),
    }
}
