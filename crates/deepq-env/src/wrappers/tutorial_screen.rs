//! The screen observation of PyTorch's classic "Reinforcement Learning (DQN) Tutorial" for
//! CartPole: a cropped, downscaled strip of the rendered picture around the cart, optionally as
//! the difference between the current and the previous screen.
//!
//! Per frame ([`process_screen`]):
//! 1. the rendered `H x W` RGB picture is read in channel-first order;
//! 2. rows `trunc(0.4 H) .. trunc(0.8 H)` are kept (the band with the cart and pole);
//! 3. a window `trunc(0.6 W)` pixels wide is kept around the cart ([`crop_window`]);
//! 4. values are scaled to `[0, 1]`;
//! 5. the crop is resized to height 40, keeping the aspect ratio (width
//!    `trunc(40 * crop_w / crop_h)`, as torchvision's `Resize(40)` computes it), with the `image`
//!    crate's Catmull-Rom filter. That is the Keys cubic with `a = -0.5` widened by the
//!    downscaling factor, the same kernel as PIL's `Image.BICUBIC` (`Image.CUBIC`) that the
//!    tutorial asks torchvision for. The tutorial round-trips the crop through an 8-bit PIL image;
//!    here it stays in `f32`, so values differ from the tutorial's by up to about 1/255.
//!
//! For CartPole's 600x400 picture the result is `[3, 40, 90]`.

use crate::env::{Env, EnvError, Info, Obs, RgbFrame, Step};
use crate::envs::cartpole::render::cart_center_px;
use crate::space::{Dtype, Space};
use image::imageops::{resize, FilterType};
use image::{ImageBuffer, Rgb};

/// Height, in pixels, of the processed screen.
pub const TUTORIAL_SCREEN_HEIGHT: usize = 40;

/// The column range `start..end` of the tutorial's window of `trunc(0.6 * screen_width)`
/// pixels around a cart whose centre is at integer pixel column `cart_px`.
///
/// With `half = view / 2`: a cart left of column `half` gets the leftmost window `0..view`; a
/// cart right of column `screen_width - half` gets the rightmost `screen_width - view ..
/// screen_width`; otherwise the window is `cart_px - half .. cart_px - half + view`. (The tutorial
/// slices `cart - half .. cart + half` there, the same for the even widths that occur, e.g.
/// 360 for a 600 px screen; this form keeps the width fixed for odd `view` too.)
pub fn crop_window(screen_width: usize, cart_px: i64) -> (usize, usize) {
    let view = (screen_width as f64 * 0.6) as usize;
    let half = (view / 2) as i64;
    let w = screen_width as i64;
    if cart_px < half {
        (0, view)
    } else if cart_px > w - half {
        (screen_width - view, screen_width)
    } else {
        let start = (cart_px - half) as usize;
        (start, start + view)
    }
}

/// The row range `start..end` the tutorial keeps: `trunc(0.4 h) .. trunc(0.8 h)`.
pub fn crop_rows(screen_height: usize) -> (usize, usize) {
    ((screen_height as f64 * 0.4) as usize, (screen_height as f64 * 0.8) as usize)
}

/// The shape `[3, 40, width]` that [`process_screen`] produces for a picture of this size.
pub fn processed_shape(screen_width: usize, screen_height: usize) -> [usize; 3] {
    let (r0, r1) = crop_rows(screen_height);
    let view = (screen_width as f64 * 0.6) as usize;
    let width = (TUTORIAL_SCREEN_HEIGHT as f64 * view as f64 / (r1 - r0) as f64) as usize;
    [3, TUTORIAL_SCREEN_HEIGHT, width]
}

/// The tutorial's `get_screen` for a rendered CartPole `frame` with the cart at `cart_x`
/// metres: crop, scale to `[0, 1]`, resize to height 40; returns the `[3, 40, W]` screen in CHW
/// order, flattened.
pub fn process_screen(frame: &RgbFrame, cart_x: f64) -> Vec<f32> {
    let (w, h) = (frame.width, frame.height);
    let (r0, r1) = crop_rows(h);
    let (c0, c1) = crop_window(w, cart_center_px(cart_x, w) as i64);
    let (cw, ch) = (c1 - c0, r1 - r0);
    let mut crop = Vec::with_capacity(cw * ch * 3);
    for row in r0..r1 {
        let line = &frame.data[(row * w + c0) * 3..(row * w + c1) * 3];
        crop.extend(line.iter().map(|&v| v as f32 / 255.0));
    }
    let img: ImageBuffer<Rgb<f32>, Vec<f32>> =
        ImageBuffer::from_raw(cw as u32, ch as u32, crop).expect("crop buffer has the crop's size");
    let [_, oh, ow] = processed_shape(w, h);
    let small = resize(&img, ow as u32, oh as u32, FilterType::CatmullRom);
    // HWC -> CHW.
    let hwc = small.as_raw();
    let mut out = vec![0.0; 3 * oh * ow];
    for (i, px) in hwc.chunks_exact(3).enumerate() {
        for c in 0..3 {
            out[c * oh * ow + i] = px[c];
        }
    }
    out
}

/// What a [`TutorialScreen`] observation holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenMode {
    /// The current processed screen, `[3, 40, W]`.
    Plain,
    /// The current minus the previous screen (the tutorial's state), `[3, 40, W]`.
    Diff,
    /// The previous and the current screen stacked on the channel axis, `[6, 40, W]`: position
    /// and motion without the information loss of a difference.
    Stack,
    /// The last `k` screens as "ink" (one channel, `1 - luma`: background 0, cart and pole
    /// positive), oldest first, `[k, 40, W]`; at `reset` the first screen fills every slot. A
    /// third of the input of [`ScreenMode::Stack`] per frame, with the objects as the signal
    /// instead of the white background.
    InkStack(usize),
}

/// One channel of "ink" from a `[3, h, w]` CHW screen: `1 - (0.299 r + 0.587 g + 0.114 b)`.
pub fn ink(screen: &[f32]) -> Vec<f32> {
    let n = screen.len() / 3;
    let (r, rest) = screen.split_at(n);
    let (g, b) = rest.split_at(n);
    r.iter().zip(g).zip(b).map(|((r, g), b)| 1.0 - (0.299 * r + 0.587 * g + 0.114 * b)).collect()
}

/// Turns a CartPole environment into the DQN tutorial's pixel task: observations are
/// [`process_screen`] screens of shape `[3, 40, W]` (`W = 90` for CartPole), either the plain
/// current screen, (`diff = true`, the tutorial's state) the current screen minus the previous
/// one (all zeros right after `reset`), both screens stacked ([`ScreenMode::Stack`]), or the
/// last `k` screens as one-channel ink ([`ScreenMode::InkStack`]).
///
/// The inner environment must render (`Env::render`) and observe the cart position as the first
/// entry of an `Obs::F32` (CartPole does; a `TimeLimit` around it too). The cart position is
/// read from that `f32` observation, so the window choice can differ from the tutorial's `f64`
/// one only when the cart sits within float rounding of a pixel boundary.
pub struct TutorialScreen {
    inner: Box<dyn Env>,
    diff: bool,
    mode: ScreenMode,
    observation_space: Space,
    last: Vec<f32>,
    /// The last screens (ink), oldest first, for [`ScreenMode::InkStack`].
    history: std::collections::VecDeque<Vec<f32>>,
    frame: RgbFrame,
}

impl TutorialScreen {
    /// Wraps `inner`; `diff` selects the difference of consecutive screens over the plain screen.
    /// Renders once to learn the picture size, so it errors if `inner` cannot render.
    pub fn new(inner: Box<dyn Env>, diff: bool) -> Result<Self, EnvError> {
        Self::with_mode(inner, if diff { ScreenMode::Diff } else { ScreenMode::Plain })
    }

    /// Wraps `inner` with the given observation mode.
    pub fn with_mode(mut inner: Box<dyn Env>, mode: ScreenMode) -> Result<Self, EnvError> {
        let frame = inner.render()?;
        let mut shape = processed_shape(frame.width, frame.height);
        let n: usize = shape.iter().product();
        match mode {
            ScreenMode::Stack => shape[0] *= 2,
            ScreenMode::InkStack(0) => return Err(EnvError::BadKwarg("an ink stack needs at least one screen".into())),
            ScreenMode::InkStack(k) => shape[0] = k,
            ScreenMode::Plain | ScreenMode::Diff => {}
        }
        let len = shape.iter().product();
        let (low, high) = if mode == ScreenMode::Diff { (-1.0, 1.0) } else { (0.0, 1.0) };
        let observation_space =
            Space::Box { shape: shape.to_vec(), low: vec![low; len], high: vec![high; len], dtype: Dtype::F32 };
        let history = std::collections::VecDeque::new();
        Ok(Self { inner, diff: mode == ScreenMode::Diff, mode, observation_space, last: vec![0.0; n], history, frame })
    }

    /// The observation mode.
    pub fn mode(&self) -> ScreenMode {
        self.mode
    }

    /// Whether observations are screen differences.
    pub fn is_diff(&self) -> bool {
        self.diff
    }

    /// The wrapped environment.
    pub fn inner(&self) -> &dyn Env {
        self.inner.as_ref()
    }

    /// The processed screen of the inner environment's current state.
    fn screen(&mut self, obs: &Obs) -> Result<Vec<f32>, EnvError> {
        let x = match obs {
            Obs::F32(v) if !v.is_empty() => v[0] as f64,
            _ => {
                return Err(EnvError::Other(format!(
                    "TutorialScreen needs the cart position as the first float of the observation; '{}' gave {obs:?}",
                    self.inner.id()
                )))
            }
        };
        self.frame = self.inner.render()?;
        Ok(process_screen(&self.frame, x))
    }

    /// The observation for a new screen `current`: the difference with the previous screen or
    /// the screen itself; remembers `current`.
    fn observe(&mut self, current: Vec<f32>) -> Obs {
        let out = match self.mode {
            ScreenMode::Diff => current.iter().zip(&self.last).map(|(c, l)| c - l).collect(),
            ScreenMode::Plain => current.clone(),
            ScreenMode::Stack => self.last.iter().chain(&current).copied().collect(),
            ScreenMode::InkStack(k) => {
                let screen = ink(&current);
                while self.history.len() < k {
                    self.history.push_back(screen.clone()); // after reset: fill every slot
                }
                self.history.pop_front();
                self.history.push_back(screen);
                self.history.iter().flatten().copied().collect()
            }
        };
        self.last = current;
        Obs::F32(out)
    }
}

impl Env for TutorialScreen {
    fn id(&self) -> &str {
        self.inner.id()
    }
    fn observation_space(&self) -> &Space {
        &self.observation_space
    }
    fn action_space(&self) -> &Space {
        self.inner.action_space()
    }
    /// Resets the inner environment. Panics only if the inner environment stops rendering or
    /// observing floats, which [`TutorialScreen::new`] has checked.
    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        let (obs, info) = self.inner.reset(seed);
        let screen = self.screen(&obs).expect("TutorialScreen: inner environment must render its state");
        self.last = screen.clone();
        self.history.clear();
        (self.observe(screen), info)
    }
    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        let step = self.inner.step(action)?;
        let screen = self.screen(&step.obs)?;
        Ok(Step { obs: self.observe(screen), ..step })
    }
    fn render(&mut self) -> Result<RgbFrame, EnvError> {
        self.inner.render()
    }
    fn rng_state(&self) -> Option<Vec<u8>> {
        self.inner.rng_state()
    }
    fn set_rng_state(&mut self, state: &[u8]) -> bool {
        self.inner.set_rng_state(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envs::cartpole::CartPole;
    use crate::wrappers::TimeLimit;

    #[test]
    fn crop_window_at_edges_and_middle() {
        // 600 px screen: view 360, half 180.
        assert_eq!(crop_window(600, 0), (0, 360));
        assert_eq!(crop_window(600, 179), (0, 360));
        assert_eq!(crop_window(600, 180), (0, 360));
        assert_eq!(crop_window(600, 181), (1, 361));
        assert_eq!(crop_window(600, 300), (120, 480));
        assert_eq!(crop_window(600, 420), (240, 600));
        assert_eq!(crop_window(600, 421), (240, 600));
        assert_eq!(crop_window(600, 599), (240, 600));
        assert_eq!(crop_window(600, -40), (0, 360));
        assert_eq!(crop_window(600, 700), (240, 600));
        // Odd view width keeps its width.
        let (a, b) = crop_window(105, 50);
        assert_eq!(b - a, 63);
    }

    #[test]
    fn rows_and_shape() {
        assert_eq!(crop_rows(400), (160, 320));
        assert_eq!(processed_shape(600, 400), [3, 40, 90]);
        // The tutorial's larger 1200x800 picture gives the same shape.
        assert_eq!(processed_shape(1200, 800), [3, 40, 90]);
    }

    #[test]
    fn cart_location_uses_the_render_scale() {
        // x = 0 -> column 300 (centred window); x = -2.4 -> column 0; x = 2.4 -> column 600.
        assert_eq!(crop_window(600, cart_center_px(0.0, 600) as i64), (120, 480));
        assert_eq!(crop_window(600, cart_center_px(-2.4, 600) as i64), (0, 360));
        assert_eq!(crop_window(600, cart_center_px(2.4, 600) as i64), (240, 600));
        assert_eq!(crop_window(600, cart_center_px(0.5, 600) as i64), (182, 542));
        assert_eq!(crop_window(600, cart_center_px(1.0, 600) as i64), (240, 600));
    }

    #[test]
    fn processed_screen_is_chw_in_unit_range_and_centres_the_cart() {
        let mut env = CartPole::new("CartPole-v1");
        env.set_state([0.0, 0.0, 0.0, 0.0]);
        let frame = env.render().unwrap();
        let s = process_screen(&frame, 0.0);
        assert_eq!(s.len(), 3 * 40 * 90);
        assert!(s.iter().all(|v| (0.0..=1.0).contains(v)));
        // The cart (black) sits mid-width, in the lower part of the strip (rows 160..320 of the
        // picture hold the cart at rows 284..314, i.e. 124..154 of 160 -> ~31..38 of 40).
        let red = |row: usize, col: usize| s[row * 90 + col];
        assert!(red(35, 45) < 0.05, "cart pixel {}", red(35, 45));
        assert!(red(20, 5) > 0.95 && red(5, 5) > 0.95, "background is white");
        // Off-centre carts keep the same shape and stay inside the window.
        for x in [-2.3, -1.0, 1.7, 2.39] {
            env.set_state([x, 0.0, 0.0, 0.0]);
            let s = process_screen(&env.render().unwrap(), x);
            assert_eq!(s.len(), 3 * 40 * 90);
            assert!(s.iter().any(|&v| v < 0.05), "cart visible at x = {x}");
        }
    }

    #[test]
    fn wrapper_observations_and_diff() {
        let make = || Box::new(TimeLimit::new(Box::new(CartPole::new("CartPole-v1")), 500)) as Box<dyn Env>;
        let mut plain = TutorialScreen::new(make(), false).unwrap();
        let mut diff = TutorialScreen::new(make(), true).unwrap();
        assert_eq!(plain.observation_space().shape(), &[3, 40, 90]);
        assert_eq!(diff.observation_space().shape(), &[3, 40, 90]);
        let (o0, _) = plain.reset(Some(3));
        let (d0, _) = diff.reset(Some(3));
        assert!(d0.as_f32().unwrap().iter().all(|&v| v == 0.0), "first diff is zero");
        let mut prev = o0.as_f32().unwrap().to_vec();
        let mut moved = false;
        for t in 0..10 {
            let s = plain.step(t % 2).unwrap();
            let d = diff.step(t % 2).unwrap();
            let cur = s.obs.as_f32().unwrap();
            let expect: Vec<f32> = cur.iter().zip(&prev).map(|(a, b)| a - b).collect();
            assert_eq!(d.obs.as_f32().unwrap(), &expect[..]);
            assert_eq!((d.reward, d.terminated, d.truncated), (s.reward, s.terminated, s.truncated));
            moved |= expect.iter().any(|&v| v != 0.0);
            prev = cur.to_vec();
        }
        assert!(moved, "the cart and pole moved");
    }

    #[test]
    fn non_rendering_env_is_rejected() {
        let env = crate::make("FrozenLake-v1").unwrap();
        assert!(matches!(TutorialScreen::new(env, true), Err(EnvError::NoRender(_))));
    }

    #[test]
    fn stack_mode_holds_previous_then_current_screen() {
        let env: Box<dyn Env> = Box::new(TimeLimit::new(Box::new(CartPole::new("CartPole-v1")), 500));
        let mut w = TutorialScreen::with_mode(env, ScreenMode::Stack).unwrap();
        assert_eq!(w.observation_space().shape(), &[6, 40, 90]);
        let (first, _) = w.reset(Some(0));
        let first = first.as_f32().unwrap().to_vec();
        let n = 3 * 40 * 90;
        assert_eq!(first.len(), 2 * n);
        assert_eq!(first[..n], first[n..], "after reset both halves are the first screen");
        let second = w.step(1).unwrap().obs.as_f32().unwrap().to_vec();
        assert_eq!(second[..n], first[n..], "the first half is the previous screen");
    }

    #[test]
    fn ink_is_one_minus_luma() {
        // Three pixels: white, black, pure red; CHW order.
        let screen = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        let out = ink(&screen);
        assert!(out[0].abs() < 1e-6 && (out[1] - 1.0).abs() < 1e-6 && (out[2] - 0.701).abs() < 1e-6, "{out:?}");
    }

    #[test]
    fn ink_stack_holds_the_last_k_screens_oldest_first() {
        let env: Box<dyn Env> = Box::new(TimeLimit::new(Box::new(CartPole::new("CartPole-v1")), 500));
        let mut w = TutorialScreen::with_mode(env, ScreenMode::InkStack(4)).unwrap();
        assert_eq!(w.observation_space().shape(), &[4, 40, 90]);
        let n = 40 * 90;
        let frames = |o: &Obs| o.as_f32().unwrap().chunks(n).map(<[f32]>::to_vec).collect::<Vec<_>>();
        let first = frames(&w.reset(Some(0)).0);
        assert_eq!(first.len(), 4);
        assert!(first.iter().all(|f| f == &first[3]), "after reset every slot is the first screen");
        // Background is zero ink, the cart is dark: some pixels are near 1.
        assert!(first[3].iter().filter(|&&v| v.abs() < 1e-3).count() > n / 2);
        assert!(first[3].iter().any(|&v| v > 0.9));
        let second = frames(&w.step(1).unwrap().obs);
        let third = frames(&w.step(1).unwrap().obs);
        assert_eq!(third[..3], second[1..], "each step shifts the stack by one screen");
        assert_ne!(third[3], third[2]);
        // A new episode clears the history.
        let again = frames(&w.reset(Some(1)).0);
        assert!(again.iter().all(|f| f == &again[3]));
        assert!(TutorialScreen::with_mode(
            Box::new(CartPole::new("CartPole-v1")) as Box<dyn Env>,
            ScreenMode::InkStack(0)
        )
        .is_err());
    }
}
