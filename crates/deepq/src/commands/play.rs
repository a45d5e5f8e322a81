//! `deepq play`: greedy episodes of a trained policy, printed or recorded as GIF/MP4.
//! Also used by `deepq eval --random ENV --record FILE`.

use anyhow::{anyhow, bail, Context, Result};
use deepq_agents::policy::{play_episode, Policy, Protocol};
use deepq_env::{Env, EnvKwargs};
use deepq_log::{GifRecorder, Mp4Recorder};
use std::path::{Path, PathBuf};

/// A video file being written, chosen by the file extension.
enum Recorder {
    Gif(GifRecorder),
    Mp4(Mp4Recorder),
}

impl Recorder {
    fn open(path: &Path, width: usize, height: usize, fps: f64) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
            Some("gif") => Ok(Recorder::Gif(
                GifRecorder::new(path, width, height, fps)
                    .with_context(|| format!("cannot write '{}'", path.display()))?,
            )),
            Some("mp4") => Ok(Recorder::Mp4(Mp4Recorder::new(path, width, height, fps).map_err(|e| anyhow!("{e}"))?)),
            _ => bail!("cannot record '{}': use a .gif or .mp4 file name", path.display()),
        }
    }
    fn push(&mut self, rgb: &[u8]) -> std::io::Result<()> {
        match self {
            Recorder::Gif(r) => r.push(rgb),
            Recorder::Mp4(r) => r.push(rgb),
        }
    }
    fn finish(self) -> std::io::Result<()> {
        match self {
            Recorder::Gif(r) => r.finish(),
            Recorder::Mp4(r) => r.finish(),
        }
    }
}

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
    crate::commands::eval::check_episodes(episodes)?;
    let (ckpt, default_seed) = crate::commands::eval::locate(&target)?;
    let (mut policy, env_id, kwargs) = crate::commands::eval::load_policy_with(&ckpt, wrapper.as_deref())?;
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
    if max_frames == Some(0) {
        bail!("--max-frames must be at least 1");
    }
    crate::commands::eval::check_episodes(episodes)?;
    if !(fps > 0.0 && fps <= 100.0) {
        bail!("--fps must be in (0, 100], got {fps}");
    }
    let mut env = deepq_env::make_with(env_id, kwargs)?;
    let mut recorder: Option<Recorder> = None;
    let mut write_error: Option<anyhow::Error> = None;
    let mut frames = 0usize;
    for i in 0..episodes {
        let mut on_step = |env: &mut dyn Env| {
            let Some(path) = record else { return };
            if write_error.is_some() || max_frames.is_some_and(|m| frames >= m) {
                return;
            }
            let frame = match env.render() {
                Ok(f) => f,
                Err(e) => {
                    write_error = Some(anyhow!("{e}; cannot record this environment"));
                    return;
                }
            };
            if recorder.is_none() {
                match Recorder::open(path, frame.width, frame.height, fps) {
                    Ok(r) => recorder = Some(r),
                    Err(e) => {
                        write_error = Some(e);
                        return;
                    }
                }
            }
            if let Some(r) = recorder.as_mut() {
                match r.push(&frame.data) {
                    Ok(()) => frames += 1,
                    Err(e) => write_error = Some(anyhow!("cannot write '{}': {e}", path.display())),
                }
            }
        };
        let (ret, len) = play_episode(env.as_mut(), policy, Some(seed + i as u64), &mut on_step)?;
        if let Some(e) = write_error.take() {
            return Err(e);
        }
        if verbose {
            println!("episode {}: return {ret}, length {len}", i + 1);
        }
    }
    if let (Some(r), Some(path)) = (recorder, record) {
        r.finish().map_err(|e| anyhow!("cannot finish '{}': {e}", path.display()))?;
        if verbose {
            eprintln!("deepq: wrote {frames} frames to {}", path.display());
        }
    }
    Ok(())
}
