//! `deepq play`: greedy episodes of a trained policy, printed or recorded as GIF/MP4.
//! Also used by `deepq eval --random ENV --record FILE`.

use crate::commands::policy_loader::{check_episodes, load_policy_with, locate};
use crate::commands::video::VideoWriter;
use anyhow::Result;
use deepq_agents::policy::{play_episode, Policy, Protocol};
use deepq_env::{Env, EnvKwargs};
use std::path::{Path, PathBuf};

/// What `deepq play` was asked to do.
#[derive(Debug, Clone)]
pub struct PlayArgs {
    /// A run directory or a `.safetensors` checkpoint.
    pub target: PathBuf,
    /// Number of episodes.
    pub episodes: usize,
    /// Seed of the first episode; default: the run's evaluation seed.
    pub seed: Option<u64>,
    /// Write the rendered frames to this `.gif` or `.mp4` file.
    pub record: Option<PathBuf>,
    /// Frames per second of the recording.
    pub fps: f64,
    /// An observation wrapper replacing the checkpoint's (the network must fit it).
    pub wrapper: Option<String>,
    /// Record at most this many frames (the episodes still play to their end).
    pub max_frames: Option<usize>,
}

/// Runs `deepq play`: greedy episodes of a trained policy, printed and optionally recorded.
pub fn run(args: PlayArgs) -> Result<()> {
    let PlayArgs { target, episodes, seed, record, fps, wrapper, max_frames } = args;
    check_episodes(episodes)?;
    let (ckpt, default_seed) = locate(&target)?;
    let (mut policy, env_id, kwargs) = load_policy_with(&ckpt, wrapper.as_deref())?;
    // Whole games for Atari stacks (the `full_game` protocol's env), the training env elsewhere.
    let kwargs = Protocol::Auto.env_kwargs(&env_id, &kwargs);
    let opts = PlayOptions {
        episodes,
        seed: seed.unwrap_or(default_seed),
        record: record.as_deref(),
        fps,
        verbose: true,
        max_frames,
    };
    play(&env_id, &kwargs, policy.as_mut(), &opts)
}

/// How to play: how many episodes, from which seed, and whether to record or print.
#[derive(Clone, Copy)]
pub struct PlayOptions<'a> {
    /// Episodes to play.
    pub episodes: usize,
    /// Seed of the first episode (episode `i` uses `seed + i`).
    pub seed: u64,
    /// Video file to write (.gif or .mp4).
    pub record: Option<&'a Path>,
    /// Frames per second of the video.
    pub fps: f64,
    /// Print each episode's return and length.
    pub verbose: bool,
    /// Record at most this many frames.
    pub max_frames: Option<usize>,
}

/// Plays episodes of `policy`; prints each return, and writes every rendered frame to
/// `opts.record` when given.
pub fn play(env_id: &str, kwargs: &EnvKwargs, policy: &mut dyn Policy, opts: &PlayOptions<'_>) -> Result<()> {
    let PlayOptions { episodes, seed, record, fps, verbose, max_frames } = *opts;
    VideoWriter::check_options(fps, max_frames)?;
    check_episodes(episodes)?;
    let mut video = record.map(|path| VideoWriter::new(path, fps, max_frames)).transpose()?;
    let mut env = deepq_env::make_with(env_id, kwargs)?;
    for i in 0..episodes {
        let mut on_step = |env: &mut dyn Env| {
            if let Some(v) = video.as_mut() {
                v.observe(env);
            }
        };
        let (ret, len) = play_episode(env.as_mut(), policy, Some(seed.wrapping_add(i as u64)), &mut on_step)?;
        if let Some(e) = video.as_mut().and_then(VideoWriter::take_error) {
            return Err(e);
        }
        if verbose {
            println!("episode {}: return {ret}, length {len}", i + 1);
        }
    }
    if let (Some(v), Some(path)) = (video, record) {
        let frames = v.finish()?;
        if verbose {
            crate::say!("deepq: wrote {frames} frames to {}", path.display());
        }
    }
    Ok(())
}
