//! Recording episodes as videos: animated GIFs in pure Rust ([`GifRecorder`]) and MP4 through
//! an external `ffmpeg` ([`Mp4Recorder`]); [`record_video`] picks one from the file extension.
//!
//! Frames are packed RGB, row-major, `height x width x 3` bytes. Both recorders write the
//! finished file atomically: the video is built in memory (GIF) or in a temporary file next to
//! the destination (MP4) and only renamed over the destination once complete.

use crate::atomic::atomic_write;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

/// The error message when `ffmpeg` cannot be started.
pub const FFMPEG_MISSING: &str = "ffmpeg not found on PATH; install it (apt-get install ffmpeg) or record a .gif";

/// Speed of the NeuQuant palette search for frames with more than 256 colours (1 = best,
/// 30 = fastest); frames with at most 256 colours get an exact palette instead.
const GIF_QUANT_SPEED: i32 = 10;

/// Distinguishes temporary MP4 files of concurrent recorders in one process.
static MP4_TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// One borrowed RGB frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoFrame<'a> {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `height * width * 3` bytes, row-major RGB.
    pub data: &'a [u8],
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

/// Checks that `data` holds one `width x height` RGB frame.
fn check_frame(width: usize, height: usize, data: &[u8]) -> io::Result<()> {
    if data.len() != width * height * 3 {
        return Err(invalid(format!(
            "video frame has {} bytes, expected {width}x{height}x3 = {}",
            data.len(),
            width * height * 3
        )));
    }
    Ok(())
}

/// Checks the frame rate.
fn check_fps(fps: f64) -> io::Result<()> {
    if !(fps.is_finite() && fps > 0.0) {
        return Err(invalid(format!("video frame rate must be a positive number, got {fps}")));
    }
    Ok(())
}

/// Writes an animated GIF (looping forever) from RGB frames of one size.
///
/// Frames are encoded as they are pushed into an in-memory buffer; [`GifRecorder::finish`] writes
/// the file atomically. Frames with at most 256 distinct colours (CartPole's have about a
/// hundred) are stored losslessly with their own palette; others are quantised with NeuQuant.
/// GIF delays are whole centiseconds, so the frame rate is rounded to `100 / round(100 / fps)`
/// (50 fps is exact).
pub struct GifRecorder {
    path: PathBuf,
    width: u16,
    height: u16,
    delay_cs: u16,
    encoder: gif::Encoder<Vec<u8>>,
    frames: usize,
    // Reused per-frame buffers for the exact-palette path.
    indices: Vec<u8>,
    palette: Vec<u8>,
    lookup: HashMap<[u8; 3], u8>,
}

impl GifRecorder {
    /// Starts a GIF of `width x height` frames at `fps` frames per second, to be written to
    /// `path` by [`GifRecorder::finish`].
    pub fn new(path: impl AsRef<Path>, width: usize, height: usize, fps: f64) -> io::Result<Self> {
        check_fps(fps)?;
        let to_u16 = |v: usize, what: &str| {
            u16::try_from(v)
                .ok()
                .filter(|&v| v > 0)
                .ok_or_else(|| invalid(format!("GIF {what} must be between 1 and 65535 pixels, got {v}")))
        };
        let (w, h) = (to_u16(width, "width")?, to_u16(height, "height")?);
        let delay_cs = (100.0 / fps).round().clamp(1.0, u16::MAX as f64) as u16;
        let mut encoder = gif::Encoder::new(Vec::new(), w, h, &[]).map_err(io::Error::other)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(io::Error::other)?;
        Ok(Self {
            path: path.as_ref().to_path_buf(),
            width: w,
            height: h,
            delay_cs,
            encoder,
            frames: 0,
            indices: Vec::new(),
            palette: Vec::new(),
            lookup: HashMap::new(),
        })
    }

    /// Number of frames pushed so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Appends one RGB frame (`width * height * 3` bytes).
    pub fn push(&mut self, rgb: &[u8]) -> io::Result<()> {
        check_frame(self.width as usize, self.height as usize, rgb)?;
        let mut frame = if self.exact_palette(rgb) {
            gif::Frame::from_palette_pixels(
                self.width,
                self.height,
                std::mem::take(&mut self.indices),
                std::mem::take(&mut self.palette),
                None,
            )
        } else {
            gif::Frame::from_rgb_speed(self.width, self.height, rgb, GIF_QUANT_SPEED)
        };
        frame.delay = self.delay_cs;
        self.encoder.write_frame(&frame).map_err(io::Error::other)?;
        // Take the buffers back for the next frame.
        if let std::borrow::Cow::Owned(v) = frame.buffer {
            self.indices = v;
        }
        if let Some(p) = frame.palette {
            self.palette = p;
        }
        self.frames += 1;
        Ok(())
    }

    /// Builds `indices`/`palette` for `rgb` if it has at most 256 colours.
    fn exact_palette(&mut self, rgb: &[u8]) -> bool {
        self.lookup.clear();
        self.palette.clear();
        self.indices.clear();
        self.indices.reserve(rgb.len() / 3);
        let mut last: Option<([u8; 3], u8)> = None;
        for px in rgb.chunks_exact(3) {
            let c = [px[0], px[1], px[2]];
            let idx = match last {
                Some((lc, li)) if lc == c => li,
                _ => {
                    let next = self.lookup.len();
                    let idx = match self.lookup.get(&c) {
                        Some(&i) => i,
                        None if next < 256 => {
                            self.lookup.insert(c, next as u8);
                            self.palette.extend_from_slice(&c);
                            next as u8
                        }
                        None => return false,
                    };
                    last = Some((c, idx));
                    idx
                }
            };
            self.indices.push(idx);
        }
        true
    }

    /// Finishes the GIF and writes it to the path given to [`GifRecorder::new`] atomically.
    pub fn finish(self) -> io::Result<()> {
        if self.frames == 0 {
            return Err(invalid(format!("no frames to write to {}", self.path.display())));
        }
        let bytes = self.encoder.into_inner().map_err(io::Error::other)?;
        atomic_write(&self.path, &bytes)
    }
}

/// Writes an H.264 MP4 by piping raw RGB frames into an `ffmpeg` process
/// (`-f rawvideo -pix_fmt rgb24 -s WxH -r FPS -i - ... -pix_fmt yuv420p`; odd sizes are padded to
/// even ones, as yuv420p needs). ffmpeg writes a temporary file next to the destination, which
/// [`Mp4Recorder::finish`] renames over it once ffmpeg has succeeded. Dropping an unfinished
/// recorder stops ffmpeg and removes the temporary file.
pub struct Mp4Recorder {
    path: PathBuf,
    tmp: PathBuf,
    width: usize,
    height: usize,
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    stderr: Option<JoinHandle<String>>,
    frames: usize,
}

impl Mp4Recorder {
    /// Starts `ffmpeg` (from `PATH`) to record `width x height` frames at `fps` into `path`.
    /// Errors with [`FFMPEG_MISSING`] when ffmpeg cannot be found.
    pub fn new(path: impl AsRef<Path>, width: usize, height: usize, fps: f64) -> io::Result<Self> {
        Self::with_program("ffmpeg", path, width, height, fps)
    }

    /// Like [`Mp4Recorder::new`] with an explicit ffmpeg executable (a name looked up on `PATH`
    /// or a path).
    pub fn with_program(
        program: impl AsRef<OsStr>,
        path: impl AsRef<Path>,
        width: usize,
        height: usize,
        fps: f64,
    ) -> io::Result<Self> {
        check_fps(fps)?;
        if width == 0 || height == 0 {
            return Err(invalid(format!("video size must be positive, got {width}x{height}")));
        }
        let path = path.as_ref().to_path_buf();
        let file_name = path
            .file_name()
            .ok_or_else(|| invalid(format!("video path has no file name: {}", path.display())))?
            .to_string_lossy()
            .into_owned();
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let n = MP4_TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{file_name}.tmp-{}-{n}.mp4", std::process::id()));
        let mut cmd = Command::new(program.as_ref());
        cmd.args(["-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s"])
            .arg(format!("{width}x{height}"))
            .arg("-r")
            .arg(format!("{fps}"))
            .args(["-i", "-", "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", "-f", "mp4"])
            .arg(OsString::from(tmp.as_os_str()))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                io::Error::new(io::ErrorKind::NotFound, FFMPEG_MISSING)
            } else {
                io::Error::new(e.kind(), format!("could not start ffmpeg: {e}"))
            }
        })?;
        let stdin = child.stdin.take();
        // Drained on a thread so that ffmpeg never blocks on a full stderr pipe.
        let stderr = child.stderr.take().map(|mut s| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = s.read_to_string(&mut text);
                text
            })
        });
        Ok(Self { path, tmp, width, height, child: Some(child), stdin, stderr, frames: 0 })
    }

    /// Number of frames pushed so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Sends one RGB frame (`width * height * 3` bytes) to ffmpeg.
    pub fn push(&mut self, rgb: &[u8]) -> io::Result<()> {
        check_frame(self.width, self.height, rgb)?;
        let stdin = self.stdin.as_mut().ok_or_else(|| io::Error::other("ffmpeg input is closed"))?;
        if let Err(e) = stdin.write_all(rgb) {
            // ffmpeg quit early: report what it said.
            let (_, log) = self.stop();
            return Err(io::Error::other(format!("ffmpeg stopped reading frames ({e}): {}", log.trim())));
        }
        self.frames += 1;
        Ok(())
    }

    /// Closes ffmpeg's input, waits for it and returns its exit status and error output.
    fn stop(&mut self) -> (Option<std::process::ExitStatus>, String) {
        drop(self.stdin.take());
        let status = self.child.take().and_then(|mut c| c.wait().ok());
        let log = self.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
        (status, log)
    }

    /// Waits for ffmpeg to finish encoding and moves the video to its destination.
    pub fn finish(mut self) -> io::Result<()> {
        if self.frames == 0 {
            return Err(invalid(format!("no frames to write to {}", self.path.display())));
        }
        let (status, log) = self.stop();
        match status {
            Some(s) if s.success() => fs::rename(&self.tmp, &self.path),
            Some(s) => Err(io::Error::other(format!("ffmpeg failed ({s}): {}", log.trim()))),
            None => Err(io::Error::other(format!("ffmpeg could not be waited for: {}", log.trim()))),
        }
    }
}

impl Drop for Mp4Recorder {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
        }
        self.stop();
        let _ = fs::remove_file(&self.tmp);
    }
}

/// Writes `frames` (all of one size) as a video at `fps` frames per second, choosing the format
/// from `path`'s extension: `.gif` ([`GifRecorder`]) or `.mp4` ([`Mp4Recorder`] with `ffmpeg`
/// from `PATH`).
pub fn record_video(path: impl AsRef<Path>, frames: &[VideoFrame<'_>], fps: f64) -> io::Result<()> {
    record_video_with_ffmpeg(path, frames, fps, "ffmpeg")
}

/// [`record_video`] with an explicit ffmpeg executable for `.mp4`.
pub fn record_video_with_ffmpeg(
    path: impl AsRef<Path>,
    frames: &[VideoFrame<'_>],
    fps: f64,
    ffmpeg: impl AsRef<OsStr>,
) -> io::Result<()> {
    let path = path.as_ref();
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if ext != "gif" && ext != "mp4" {
        return Err(invalid(format!(
            "cannot record video to {}: unsupported extension '{}'; use .gif or .mp4",
            path.display(),
            if ext.is_empty() { "(none)".to_string() } else { format!(".{ext}") }
        )));
    }
    let first = frames.first().ok_or_else(|| invalid(format!("no frames to write to {}", path.display())))?;
    let (w, h) = (first.width, first.height);
    if let Some((i, f)) = frames.iter().enumerate().find(|(_, f)| (f.width, f.height) != (w, h)) {
        return Err(invalid(format!("frame {i} is {}x{}, but frame 0 is {w}x{h}", f.width, f.height)));
    }
    if ext == "gif" {
        let mut rec = GifRecorder::new(path, w, h, fps)?;
        for f in frames {
            rec.push(f.data)?;
        }
        rec.finish()
    } else {
        let mut rec = Mp4Recorder::with_program(ffmpeg, path, w, h, fps)?;
        for f in frames {
            rec.push(f.data)?;
        }
        rec.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("deepq-video-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    /// A moving red square on white, `n` frames of 30x20.
    fn frames(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|t| {
                let mut f = vec![255u8; 30 * 20 * 3];
                for y in 5..10 {
                    for x in t..t + 5 {
                        f[(y * 30 + x) * 3..][..3].copy_from_slice(&[200, 10, 20]);
                    }
                }
                f
            })
            .collect()
    }

    fn decode_gif(path: &Path) -> (u16, u16, Vec<(u16, Vec<u8>)>) {
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::RGBA);
        let mut dec = opts.read_info(fs::File::open(path).unwrap()).unwrap();
        let (w, h) = (dec.width(), dec.height());
        let mut out = Vec::new();
        while let Some(f) = dec.read_next_frame().unwrap() {
            out.push((f.delay, f.buffer.to_vec()));
        }
        (w, h, out)
    }

    #[test]
    fn gif_round_trip_is_lossless_for_few_colours() {
        let dir = temp_dir("gif");
        let path = dir.join("ep.gif");
        let data = frames(4);
        let vf: Vec<VideoFrame> = data.iter().map(|d| VideoFrame { width: 30, height: 20, data: d }).collect();
        record_video(&path, &vf, 50.0).unwrap();
        let (w, h, decoded) = decode_gif(&path);
        assert_eq!((w, h, decoded.len()), (30, 20, 4));
        for ((delay, rgba), rgb) in decoded.iter().zip(&data) {
            assert_eq!(*delay, 2, "50 fps = 2 cs per frame");
            let back: Vec<u8> = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
            assert_eq!(&back, rgb);
        }
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn gif_with_many_colours_is_quantised() {
        let dir = temp_dir("gifq");
        let path = dir.join("noise.gif");
        let mut rec = GifRecorder::new(&path, 32, 32, 10.0).unwrap();
        let f: Vec<u8> = (0..32 * 32 * 3).map(|i| (i * 7 % 256) as u8).collect();
        rec.push(&f).unwrap();
        rec.push(&f).unwrap();
        assert_eq!(rec.frames(), 2);
        rec.finish().unwrap();
        let (w, h, decoded) = decode_gif(&path);
        assert_eq!((w, h, decoded.len()), (32, 32, 2));
        assert_eq!(decoded[0].0, 10);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_inputs_are_clear_errors() {
        let dir = temp_dir("bad");
        let data = frames(1);
        let vf = [VideoFrame { width: 30, height: 20, data: &data[0] }];
        let e = record_video(dir.join("x.avi"), &vf, 30.0).unwrap_err();
        assert!(e.to_string().contains("use .gif or .mp4"), "{e}");
        let e = record_video(dir.join("x"), &vf, 30.0).unwrap_err();
        assert!(e.to_string().contains("(none)"), "{e}");
        let e = record_video(dir.join("x.gif"), &[], 30.0).unwrap_err();
        assert!(e.to_string().contains("no frames"), "{e}");
        let e = record_video(dir.join("x.gif"), &vf, 0.0).unwrap_err();
        assert!(e.to_string().contains("frame rate"), "{e}");
        let short = [VideoFrame { width: 30, height: 20, data: &data[0][..10] }];
        assert!(record_video(dir.join("x.gif"), &short, 30.0).is_err());
        let mixed = [vf[0], VideoFrame { width: 20, height: 30, data: &data[0] }];
        assert!(record_video(dir.join("x.gif"), &mixed, 30.0).unwrap_err().to_string().contains("frame 1"));
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0, "nothing written");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_ffmpeg_is_reported() {
        let dir = temp_dir("noffmpeg");
        let data = frames(2);
        let vf: Vec<VideoFrame> = data.iter().map(|d| VideoFrame { width: 30, height: 20, data: d }).collect();
        let e = record_video_with_ffmpeg(dir.join("ep.mp4"), &vf, 30.0, "deepq-no-such-ffmpeg").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert_eq!(e.to_string(), FFMPEG_MISSING);
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn mp4_via_ffmpeg_when_available() {
        let available = Command::new("ffmpeg").arg("-version").stdout(Stdio::null()).stderr(Stdio::null()).status();
        if !available.map(|s| s.success()).unwrap_or(false) {
            eprintln!("ffmpeg not on PATH; skipping the MP4 encode check");
            return;
        }
        let dir = temp_dir("mp4");
        let path = dir.join("ep.mp4");
        // Odd size on purpose: padded to even for yuv420p.
        let data: Vec<Vec<u8>> = (0..5).map(|t| vec![(t * 40) as u8; 31 * 21 * 3]).collect();
        let vf: Vec<VideoFrame> = data.iter().map(|d| VideoFrame { width: 31, height: 21, data: d }).collect();
        record_video(&path, &vf, 25.0).unwrap();
        let bytes = fs::read(&path).unwrap();
        assert!(bytes.len() > 100 && &bytes[4..8] == b"ftyp", "an MP4 file");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "temporary file renamed");
        fs::remove_dir_all(&dir).unwrap();
    }
}
