//! Downsampling the screen to a small grayscale frame.

use super::forward_spaces;
use crate::env::cv2_gray;
use crate::resize::AreaResizer;
use deepq_env::{Dtype, Env, EnvError, Info, Obs, Space, Step};

/// Which preprocessing [`WarpFrame`] applies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WarpKind {
    /// Baselines / SB3 / CleanRL `WarpFrame`: RGB -> gray with OpenCV's weights, then
    /// `INTER_AREA` resizing of the whole screen to `width x height` (84x84 as standard),
    /// rounded to bytes. Output `height x width x 1`.
    Sb3 {
        /// Output width.
        width: usize,
        /// Output height.
        height: usize,
    },
    /// Lapan's "Deep RL Hands-On" (2nd ed., ch. 6) `ProcessFrame84`: gray with float weights
    /// 0.299/0.587/0.114, `INTER_AREA` resize to 84 wide x 110 high, keep rows 18..102,
    /// truncate to bytes. Output 84x84x1.
    Lapan,
    /// The Practical-RL course's DQN homework (week 4, `PreprocessAtariObs`): crop the
    /// irrelevant borders, resize to 64x64, gray with the template's channel weights
    /// 0.8/0.1/0.1. The template leaves the crop and resize method to the student; deepq crops
    /// to columns 8..152 and rows 32..193 (the playfield box used by published solutions) and
    /// resizes with `INTER_AREA`. Output bytes (the homework then divides by 255), 64x64x1.
    PracticalRl,
}

enum GrayRule {
    Cv2,
    Float([f32; 3]),
}

/// The image side of [`WarpFrame`], usable on its own: turns one `in_h x in_w` screen (RGB or
/// gray) into the small frame of a [`WarpKind`].
pub struct FrameProcessor {
    kind: WarpKind,
    rgb_input: bool,
    in_w: usize,
    gray: GrayRule,
    crop: (usize, usize),
    keep_rows: (usize, usize),
    round: bool,
    resizer: AreaResizer,
    plane_u8: Vec<u8>,
    plane_f32: Vec<f32>,
    /// The previous input, to skip the rows that did not change.
    prev: Vec<u8>,
    /// Which source rows changed in this call.
    changed: Vec<bool>,
}

/// Rounds half to even and saturates to a byte, like OpenCV's `saturate_cast<uchar>` (adding
/// and removing 2^23 rounds an `f32` in `[0, 2^23)` to an integer in the current, nearest-even,
/// rounding mode).
#[inline]
fn round_byte(v: f32) -> u8 {
    let v = v.clamp(0.0, 255.0);
    ((v + 8_388_608.0) - 8_388_608.0) as u8
}

impl FrameProcessor {
    /// A processor for `in_h x in_w` screens, RGB (`rgb_input`) or gray.
    pub fn new(kind: WarpKind, in_h: usize, in_w: usize, rgb_input: bool) -> Result<Self, EnvError> {
        let (gray, crop_x, crop_y, crop_w, crop_h, rw, rh, keep_rows, round) = match kind {
            WarpKind::Sb3 { width, height } => (GrayRule::Cv2, 0, 0, in_w, in_h, width, height, (0, height), true),
            WarpKind::Lapan => (GrayRule::Float([0.299, 0.587, 0.114]), 0, 0, in_w, in_h, 84, 110, (18, 102), false),
            WarpKind::PracticalRl => {
                if in_w < 152 || in_h < 193 {
                    return Err(EnvError::Other(format!(
                        "WarpKind::PracticalRl crops columns 8..152 and rows 32..193, which a {in_h}x{in_w} screen \
                         does not have"
                    )));
                }
                (GrayRule::Float([0.8, 0.1, 0.1]), 8, 32, 144, 161, 64, 64, (0, 64), true)
            }
        };
        if rw == 0 || rh == 0 || rw > crop_w || rh > crop_h {
            return Err(EnvError::Other(format!("WarpFrame only downsamples: {crop_w}x{crop_h} -> {rw}x{rh}")));
        }
        Ok(FrameProcessor {
            kind,
            rgb_input,
            in_w,
            gray,
            crop: (crop_x, crop_y),
            keep_rows,
            round,
            resizer: AreaResizer::new(crop_w, crop_h, rw, rh),
            plane_u8: vec![0; in_h * in_w],
            plane_f32: vec![0.0; in_h * in_w],
            prev: Vec::new(),
            changed: Vec::new(),
        })
    }

    /// Output `(height, width)`.
    pub fn out_size(&self) -> (usize, usize) {
        (self.keep_rows.1 - self.keep_rows.0, self.resizer.dst_size().0)
    }

    /// The preprocessing applied.
    pub fn kind(&self) -> WarpKind {
        self.kind
    }

    /// Processes one screen (`in_h * in_w * 3` bytes for RGB input, `in_h * in_w` for gray;
    /// panics on another length).
    pub fn process(&mut self, src: &[u8]) -> Vec<u8> {
        let (x0, y0) = self.crop;
        let stride = self.in_w;
        let bpp = if self.rgb_input { 3 } else { 1 };
        assert_eq!(src.len(), self.plane_u8.len() * bpp, "FrameProcessor: input is not an in_h x in_w screen");
        let (w, _) = self.resizer.dst_size();
        // Rows equal to the previous input keep their horizontal reduction (bit-identical).
        let row_bytes = stride * bpp;
        let (_, rows) = self.resizer.src_size();
        if self.prev.len() != src.len() {
            self.prev = src.to_vec();
            self.changed = vec![true; rows];
        } else {
            for (sy, c) in self.changed.iter_mut().enumerate() {
                let r = (y0 + sy) * row_bytes..(y0 + sy + 1) * row_bytes;
                *c = src[r.clone()] != self.prev[r.clone()];
                if *c {
                    self.prev[r.clone()].copy_from_slice(&src[r]);
                }
            }
        }
        let mask = &self.changed;
        let changed = |sy: usize| mask[sy];
        let acc: &[f32] = match (&self.gray, self.rgb_input) {
            (GrayRule::Cv2, true) => {
                for (o, p) in self.plane_u8.iter_mut().zip(src.chunks_exact(3)) {
                    *o = cv2_gray(p[0], p[1], p[2]);
                }
                self.resizer.resize_f32_changed(&self.plane_u8, stride, x0, y0, changed)
            }
            (GrayRule::Float(wt), true) => {
                for (o, p) in self.plane_f32.iter_mut().zip(src.chunks_exact(3)) {
                    *o = p[0] as f32 * wt[0] + p[1] as f32 * wt[1] + p[2] as f32 * wt[2];
                }
                self.resizer.resize_f32_changed(&self.plane_f32, stride, x0, y0, changed)
            }
            (_, false) => self.resizer.resize_f32_changed(src, stride, x0, y0, changed),
        };
        let kept = &acc[self.keep_rows.0 * w..self.keep_rows.1 * w];
        let out = if self.round {
            kept.iter().map(|&v| round_byte(v)).collect()
        } else {
            kept.iter().map(|&v| v.clamp(0.0, 255.0) as u8).collect()
        };
        out
    }
}

/// Turns screens into small grayscale frames; see [`WarpKind`] for the variants. Accepts RGB
/// (`H x W x 3`) or already gray (`H x W` or `H x W x 1`) observations; gray input skips the
/// colour conversion (for [`WarpKind::Sb3`] that is exact when the gray came from
/// [`crate::wrappers::SkipOutput::Gray`], which uses the same weights). Output `h x w x 1`.
pub struct WarpFrame {
    inner: Box<dyn Env>,
    processor: FrameProcessor,
    observation_space: Space,
}

impl WarpFrame {
    /// The standard 84x84 Baselines/SB3 frame.
    pub fn new(inner: Box<dyn Env>) -> Result<Self, EnvError> {
        Self::with_kind(inner, WarpKind::Sb3 { width: 84, height: 84 })
    }

    /// A frame of the given kind.
    pub fn with_kind(inner: Box<dyn Env>, kind: WarpKind) -> Result<Self, EnvError> {
        let shape = inner.observation_space().shape().to_vec();
        let (in_h, in_w, rgb_input) = match shape.as_slice() {
            [h, w, 3] => (*h, *w, true),
            [h, w] | [h, w, 1] => (*h, *w, false),
            _ => {
                return Err(EnvError::Other(format!(
                    "WarpFrame needs image observations (HxWx3 or HxW), '{}' has {}",
                    inner.id(),
                    inner.observation_space().describe()
                )))
            }
        };
        let processor = FrameProcessor::new(kind, in_h, in_w, rgb_input)?;
        let (h, w) = processor.out_size();
        let n = h * w;
        Ok(WarpFrame {
            inner,
            processor,
            observation_space: Space::Box {
                shape: vec![h, w, 1],
                low: vec![0.0; n],
                high: vec![255.0; n],
                dtype: Dtype::U8,
            },
        })
    }

    /// The preprocessing applied.
    pub fn kind(&self) -> WarpKind {
        self.processor.kind()
    }

    /// Processes one observation of the inner env.
    pub fn process(&mut self, obs: &Obs) -> Obs {
        let Obs::U8(src) = obs else { panic!("WarpFrame needs byte image observations") };
        Obs::U8(self.processor.process(src))
    }
}

impl Env for WarpFrame {
    forward_spaces!();

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        let (obs, info) = self.inner.reset(seed);
        (self.process(&obs), info)
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        let mut s = self.inner.step(action)?;
        s.obs = self.process(&s.obs);
        Ok(s)
    }
}
