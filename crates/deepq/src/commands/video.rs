//! Recording an env's rendered frames to a GIF or MP4 file while episodes are played
//! (`deepq play --record`, `deepq eval --record`).

use anyhow::{anyhow, bail, Context, Result};
use deepq_env::Env;
use deepq_log::{GifRecorder, Mp4Recorder};
use std::path::Path;

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
