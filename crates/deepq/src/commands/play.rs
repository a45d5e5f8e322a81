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
    /// Whether `path` names a video file this can write (`.gif` or `.mp4`): `Ok(true)` for GIF.
    fn is_gif(path: &Path) -> Result<bool> {
        match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
            Some("gif") => Ok(true),
            Some("mp4") => Ok(false),
            _ => bail!("cannot record '{}': use a .gif or .mp4 file name", path.display()),
        }
    }

    fn open(path: &Path, width: usize, height: usize, fps: f64) -> Result<Self> {
        if Self::is_gif(path)? {
            let gif = GifRecorder::new(path, width, height, fps)
                .with_context(|| format!("cannot write '{}'", path.display()))?;
            Ok(Recorder::Gif(gif))
        } else {
            Ok(Recorder::Mp4(Mp4Recorder::new(path, width, height, fps).map_err(|e| anyhow!("{e}"))?))
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

/// Writes the rendered frames of an env to a video file, one frame per [`VideoWriter::observe`],
/// up to an optional frame limit. Errors are kept until [`VideoWriter::take_error`] or
/// [`VideoWriter::finish`], so it can sit inside an episode loop's step callback.
pub struct VideoWriter<'a> {
    path: &'a Path,
    fps: f64,
    max_frames: Option<usize>,
    recorder: Option<Recorder>,
    error: Option<anyhow::Error>,
    frames: usize,
}

impl<'a> VideoWriter<'a> {
    /// A writer for `path` (.gif or .mp4; the file is created at the first frame).
    pub fn new(path: &'a Path, fps: f64, max_frames: Option<usize>) -> Result<Self> {
        Self::check_options(fps, max_frames)?;
        Recorder::is_gif(path)?;
        // Before the games are played, not after: a whole game lost to a typo in the path.
        deepq_log::check_writable_destination(path).with_context(|| format!("cannot record '{}'", path.display()))?;
        Ok(Self { path, fps, max_frames, recorder: None, error: None, frames: 0 })
    }

    /// Checks `--fps` and `--max-frames` (also when nothing is recorded, so a typo is caught).
    pub fn check_options(fps: f64, max_frames: Option<usize>) -> Result<()> {
        if max_frames == Some(0) {
            bail!("--max-frames must be at least 1");
        }
        if !(fps > 0.0 && fps <= 100.0) {
            bail!("--fps must be in (0, 100], got {fps}");
        }
        Ok(())
    }

    /// Renders `env` and appends the frame (nothing after an error or past the frame limit).
    pub fn observe(&mut self, env: &mut dyn Env) {
        if self.error.is_some() || self.max_frames.is_some_and(|m| self.frames >= m) {
            return;
        }
        let frame = match env.render() {
            Ok(f) => f,
            Err(e) => {
                self.error = Some(anyhow!("{e}; cannot record this environment"));
                return;
            }
        };
        if self.recorder.is_none() {
            match Recorder::open(self.path, frame.width, frame.height, self.fps) {
                Ok(r) => self.recorder = Some(r),
                Err(e) => {
                    self.error = Some(e);
                    return;
                }
            }
        }
        if let Some(r) = self.recorder.as_mut() {
            match r.push(&frame.data) {
                Ok(()) => self.frames += 1,
                Err(e) => self.error = Some(anyhow!("cannot write '{}': {e}", self.path.display())),
            }
        }
    }

    /// The first error seen so far, if any (recording stops at it).
    pub fn take_error(&mut self) -> Option<anyhow::Error> {
        self.error.take()
    }

    /// Finishes the file and returns the number of frames written.
    pub fn finish(mut self) -> Result<usize> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if let Some(r) = self.recorder.take() {
            r.finish().map_err(|e| anyhow!("cannot finish '{}': {e}", self.path.display()))?;
        }
        Ok(self.frames)
    }
}

/// Plays episodes of `policy`; prints each return, and writes every rendered frame to
/// `opts.record` when given.
pub fn play(env_id: &str, kwargs: &EnvKwargs, policy: &mut dyn Policy, opts: &PlayOptions<'_>) -> Result<()> {
    let PlayOptions { episodes, seed, record, fps, verbose, max_frames } = *opts;
    VideoWriter::check_options(fps, max_frames)?;
    crate::commands::eval::check_episodes(episodes)?;
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
