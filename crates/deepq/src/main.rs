//! The `deepq` command line: parses the arguments and calls the library ([`deepq`]).

use clap::{Parser, Subcommand};
use deepq::commands::{analyze, bench, curves, eval, info, play, show_obs, train};
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
        /// Stop cleanly once the run's training time (summed over its resumes) reaches this,
        /// e.g. `3h`, `90m` or `1h30m`; a DQN run keeps a resume checkpoint and continues with
        /// --resume RUN_DIR --time-limit LONGER.
        #[arg(long, value_name = "DURATION", value_parser = deepq::parse_time_limit)]
        time_limit: Option<std::time::Duration>,
    },
    /// Evaluate a trained run (or checkpoint) greedily, or the random agent with --random.
    Eval(eval::EvalArgs),
    /// Play greedy episodes of a trained run or checkpoint (whole games for Atari); record them
    /// with --record.
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
        /// Feed the network through another observation wrapper than the checkpoint's (e.g.
        /// lapan_pad for a lapan run); it must give the observation shape the network takes.
        #[arg(long)]
        wrapper: Option<String>,
        /// Record at most this many frames (a short clip of a long game); episodes still play
        /// to their end.
        #[arg(long, value_name = "N")]
        max_frames: Option<usize>,
    },
    /// Compare a trained network's value estimates with the returns that followed: values.csv,
    /// bias.json, charts, the most telling states and report.md.
    Analyze(analyze::AnalyzeArgs),
    /// Draw the learning curves of run directories in one PNG, against env steps or training time.
    Curves(curves::CurvesArgs),
    /// Write what the agent sees: the rendered frame and the processed observation as PNGs.
    ShowObs(show_obs::ShowObsArgs),
    /// Measure update time, action latency, env and replay speed.
    Bench {
        /// Which suite: `core` (DQN updates, acting, CartPole, replay), `pixels` (CartPole-from-pixels
        /// CNNs and screen pipeline), `cnn`, `vec` (vector envs), `atari`, `atari-train` (the
        /// Pong presets' training loops alone), or comma-separated entry ids.
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
    Envs {
        /// Also every Atari id ale-py registers (all games; v0/v4/v5, NoFrameskip, RAM forms).
        #[arg(long)]
        all: bool,
    },
}

/// mimalloc hands memory back to the OS 10 ms after it is freed (its `purge_delay`), but a
/// training loop frees and allocates the same large buffers every update, so those pages were
/// zeroed and faulted in again each time: keeping them makes a Nature-CNN update 5-8% faster
/// (BENCHMARKS.md, "Speed"). A `MIMALLOC_PURGE_DELAY` set by the user still wins.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // The position of `mi_option_purge_delay` in mimalloc's option enum (the same in its v2
    // and v3 headers; libmimalloc-sys has no constant for it).
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: stores one allocator option; -1 means "never purge".
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

/// Rust ignores SIGPIPE, so a command whose output pipe closes (`deepq envs --all | head`)
/// would panic at its next line. Every command but `train` takes the Unix default and ends
/// quietly; `train` keeps ignoring it and drops its message lines instead ([`deepq::say`]), so
/// that a closed log pipe never stops a training before it writes its run directory.
fn end_quietly_on_closed_pipe(command: &Command) {
    let training = matches!(command, Command::Train { .. });
    #[cfg(unix)]
    if !training {
        // SAFETY: restores the default disposition of one signal before any thread is started.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    }
    #[cfg(not(unix))]
    let _ = training;
}

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = Cli::parse();
    end_quietly_on_closed_pipe(&cli.command);
    deepq::init();
    let result = match cli.command {
        Command::Train { config, seed, out, overrides, quiet, resume, force, time_limit } => {
            train::run(train::TrainArgs { source: config, seed, out, overrides, quiet, resume, force, time_limit })
        }
        Command::Eval(args) => eval::run(args),
        Command::Play { target, episodes, seed, record, fps, wrapper, max_frames } => {
            play::run(play::PlayArgs { target, episodes, seed, record, fps, wrapper, max_frames })
        }
        Command::Analyze(args) => analyze::run(args),
        Command::ShowObs(args) => show_obs::run(args),
        Command::Curves(args) => curves::run(args),
        Command::Bench { suite, json, quick } => bench::run(&suite, json, quick),
        Command::Presets => info::presets(),
        Command::Envs { all } => info::envs(all),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(deepq::report_error(&e)),
    }
}
