//! Software rendering of environment states into [`RgbFrame`]s.
//!
//! [`CartPoleRenderer`] draws a CartPole state the way Gymnasium 1.4.0's `rgb_array` mode does
//! (pygame's `gfxdraw` on a 600x400 surface), with the `tiny-skia` rasteriser. The geometry,
//! colours and pixel snapping follow the reference; only the anti-aliased edge pixels differ
//! slightly (tiny-skia computes coverage, pygame draws Wu-style outlines), see
//! `tests/render_conformance.rs` for the measured agreement.

use super::{LENGTH, X_THRESHOLD};
use crate::env::RgbFrame;
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

/// Width of the CartPole picture in pixels (Gymnasium's `screen_width`).
pub const CARTPOLE_SCREEN_WIDTH: usize = 600;
/// Height of the CartPole picture in pixels (Gymnasium's `screen_height`).
pub const CARTPOLE_SCREEN_HEIGHT: usize = 400;

/// Pixels per metre: the world `[-X_THRESHOLD, X_THRESHOLD]` spans the picture's width.
pub const CARTPOLE_SCALE: f64 = CARTPOLE_SCREEN_WIDTH as f64 / (2.0 * X_THRESHOLD);
/// Height of the cart's centre (and of the track line) above the bottom edge, in pixels.
pub const CARTPOLE_CART_Y: f64 = 100.0;
/// Cart width in pixels.
const CART_WIDTH: f64 = 50.0;
/// Cart height in pixels.
const CART_HEIGHT: f64 = 30.0;
/// Pole width in pixels (the axle's diameter too).
const POLE_WIDTH: f64 = 10.0;
/// The axle sits this far above the cart's centre.
const AXLE_OFFSET: f64 = CART_HEIGHT / 4.0;

/// Cart colour (black).
const CART_RGB: [u8; 3] = [0, 0, 0];
/// Pole colour.
const POLE_RGB: [u8; 3] = [202, 152, 101];
/// Axle colour.
const AXLE_RGB: [u8; 3] = [129, 132, 203];
/// Track line colour (black).
const TRACK_RGB: [u8; 3] = [0, 0, 0];
/// Hidden border around the visible surface: shapes leaving the picture are clipped there, away
/// from the visible pixels (tiny-skia's clipping of anti-aliased paths at the surface's edge can
/// smear coverage into the edge column).
const MARGIN: usize = 2;

/// The horizontal pixel coordinate of the cart's centre for cart position `x` (metres) on a
/// picture `screen_width` pixels wide, before any rounding: `x * scale + screen_width / 2`.
pub fn cart_center_px(x: f64, screen_width: usize) -> f64 {
    let scale = screen_width as f64 / (2.0 * X_THRESHOLD);
    x * scale + screen_width as f64 / 2.0
}

/// Draws CartPole states into 600x400 RGB frames, reusing its drawing surface between calls.
///
/// The picture matches Gymnasium's: white background; the track as a one-pixel black line 100 px
/// above the bottom edge; a black 50x30 cart centred on the track at `x * 125 + 300`; a
/// 10 px wide pole of length 125 px (`scale * 2 * half_length`) rotated by `theta` (clockwise for
/// positive angles) about the axle 7.5 px above the cart's centre; a blue-grey axle disc of
/// radius 5. Like pygame's integer API, polygon corners are truncated toward zero to whole
/// pixels before filling.
pub struct CartPoleRenderer {
    pixmap: Pixmap,
    path: PathBuilder,
}

impl std::fmt::Debug for CartPoleRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CartPoleRenderer")
            .field("width", &self.pixmap.width())
            .field("height", &self.pixmap.height())
            .finish()
    }
}

impl Clone for CartPoleRenderer {
    fn clone(&self) -> Self {
        Self::new()
    }
}

impl Default for CartPoleRenderer {
    fn default() -> Self {
        Self::new()
    }
}

/// A solid, opaque paint of `rgb` with anti-aliasing on or off.
fn paint(rgb: [u8; 3], anti_alias: bool) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color(Color::from_rgba8(rgb[0], rgb[1], rgb[2], 255));
    p.anti_alias = anti_alias;
    p
}

/// The convex hull of `points`, counter-clockwise (Andrew's monotone chain).
fn convex_hull(mut points: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let cross = |o: (f32, f32), a: (f32, f32), b: (f32, f32)| (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0);
    let mut hull: Vec<(f32, f32)> = Vec::with_capacity(points.len() + 1);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &(f32, f32)>> =
            if pass == 0 { Box::new(points.iter()) } else { Box::new(points.iter().rev()) };
        for &p in iter {
            while hull.len() >= start + 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

/// The rows of a midpoint-circle pixel disc of radius `r`: `(dy, half_width)` for `dy >= 0`,
/// meaning the pixels `-half_width..=half_width` on rows `+dy` and `-dy` (one entry per row).
///
/// The midpoint walk visits `(x, y)` from `(0, r)` for `x <= y`. Row `x` spans `±y` (each `x`
/// is visited once; skipped when `x == y`); row `y` spans `±x` for the first `x` at which the
/// walk reaches that `y`. A row reached both ways keeps the union (the wider span).
fn midpoint_disc_rows(r: i32) -> Vec<(i32, i32)> {
    let n = r.max(0) as usize + 1;
    let mut half = vec![-1; n];
    let (mut x, mut y, mut err) = (0, r.max(0), 1 - r.max(0));
    let mut last_y = -1;
    while x <= y {
        if y != last_y {
            half[y as usize] = half[y as usize].max(x);
            last_y = y;
        }
        if x != y {
            half[x as usize] = half[x as usize].max(y);
        }
        if err < 0 {
            err += 2 * x + 3;
        } else {
            err += 2 * (x - y) + 5;
            y -= 1;
        }
        x += 1;
    }
    half.into_iter().enumerate().filter(|&(_, h)| h >= 0).map(|(dy, h)| (dy as i32, h)).collect()
}

/// Truncation toward zero, as pygame does when it receives float coordinates.
fn trunc(v: f64) -> f32 {
    v.trunc() as f32
}

impl CartPoleRenderer {
    /// A renderer with its own 600x400 surface.
    pub fn new() -> Self {
        let (w, h) = (CARTPOLE_SCREEN_WIDTH + 2 * MARGIN, CARTPOLE_SCREEN_HEIGHT + 2 * MARGIN);
        let pixmap = Pixmap::new(w as u32, h as u32).expect("valid pixmap size");
        Self { pixmap, path: PathBuilder::new() }
    }

    /// Renders `state = [x, x_dot, theta, theta_dot]` into a new frame.
    pub fn render(&mut self, state: &[f64; 4]) -> RgbFrame {
        let mut frame = RgbFrame { width: 0, height: 0, data: Vec::new() };
        self.render_into(state, &mut frame);
        frame
    }

    /// Renders `state` into `frame`, reusing `frame.data`'s allocation.
    pub fn render_into(&mut self, state: &[f64; 4], frame: &mut RgbFrame) {
        self.draw(state);
        self.copy_flipped(frame);
    }

    /// Draws the scene in "y up" coordinates (row 0 is the bottom edge); [`Self::copy_flipped`]
    /// turns it the right way up, as Gymnasium flips its surface before returning it.
    fn draw(&mut self, state: &[f64; 4]) {
        let [x, _, theta, _] = *state;
        self.pixmap.fill(Color::WHITE);
        let cart_x = cart_center_px(x, CARTPOLE_SCREEN_WIDTH);
        let cart_y = CARTPOLE_CART_Y;

        // Cart: corners truncated to whole pixels like pygame's integer polygon API; the filled
        // pixels are those from the left to the right corner column, both included.
        let (l, r) = (trunc(cart_x - CART_WIDTH / 2.0), trunc(cart_x + CART_WIDTH / 2.0));
        let (b, t) = (trunc(cart_y - CART_HEIGHT / 2.0), trunc(cart_y + CART_HEIGHT / 2.0));
        self.fill_pixels(l, b, r - l + 1.0, t - b + 1.0, CART_RGB, 1.0);

        // Pole: a rectangle from just below the axle up to the pole's length, rotated by -theta
        // (a positive angle leans the pole to the right).
        let pole_len = CARTPOLE_SCALE * (2.0 * LENGTH);
        let half = POLE_WIDTH / 2.0;
        let (sin, cos) = (-theta).sin_cos();
        let axle_y = cart_y + AXLE_OFFSET;
        let corners = [(-half, -half), (-half, pole_len - half), (half, pole_len - half), (half, -half)];
        let pole = corners.map(|(px, py)| (trunc(px * cos - py * sin + cart_x), trunc(px * sin + py * cos + axle_y)));
        self.polygon(&pole, POLE_RGB);

        // Axle: a disc of radius 5 around the truncated axle centre.
        self.disc(cart_x.trunc() as i32, axle_y.trunc() as i32, half as i32, AXLE_RGB);

        // Track: one full-width pixel row at the cart's height, drawn last.
        self.fill_pixels(0.0, cart_y as f32, CARTPOLE_SCREEN_WIDTH as f32, 1.0, TRACK_RGB, 1.0);
    }

    /// Fills the whole pixels of the rectangle at `(x, y)` of size `w x h` with `rgb` at opacity
    /// `alpha`. The rectangle is clipped to the surface here, in integers, because tiny-skia
    /// rounds the edges of partly visible rectangles differently.
    fn fill_pixels(&mut self, x: f32, y: f32, w: f32, h: f32, rgb: [u8; 3], alpha: f32) {
        let (sw, sh) = (self.pixmap.width() as f32, self.pixmap.height() as f32);
        let (x, y) = (x + MARGIN as f32, y + MARGIN as f32);
        let (x0, y0) = (x.max(0.0), y.max(0.0));
        let (x1, y1) = ((x + w).min(sw), (y + h).min(sh));
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        let Some(rect) = Rect::from_ltrb(x0, y0, x1, y1) else { return };
        let mut p = paint(rgb, false);
        if alpha < 1.0 {
            let c = Color::from_rgba(rgb[0] as f32 / 255.0, rgb[1] as f32 / 255.0, rgb[2] as f32 / 255.0, alpha);
            p.set_color(c.expect("alpha in [0, 1]"));
        }
        self.pixmap.fill_rect(rect, &p, Transform::identity(), None);
    }

    /// Draws the convex polygon with integer `corners` the way pygame does: a one-pixel
    /// anti-aliased outline through the corner pixels' centres, then, on top, every pixel whose
    /// centre lies within half a pixel horizontally of the polygon (pygame's scanline fill rounds
    /// each row's span ends to the nearest pixel).
    fn polygon(&mut self, corners: &[(f32, f32); 4], rgb: [u8; 3]) {
        // Outline: a 1 px wide anti-aliased stroke along the edges through the pixel centres.
        let outline = self.build_path(corners.iter().map(|&(x, y)| (x + 0.5, y + 0.5)));
        if let Some(path) = outline {
            let stroke = Stroke { width: 1.0, ..Stroke::default() };
            self.pixmap.stroke_path(&path, &paint(rgb, true), &stroke, Transform::identity(), None);
            self.path = path.clear();
        }
        // Fill: the polygon swept one pixel to the right (sampled at pixel centres), and grown by a
        // hair vertically so that its top and bottom rows are included like pygame's.
        const EPS: f32 = 1.0 / 128.0;
        let mut pts = Vec::with_capacity(16);
        for &(x, y) in corners {
            for (dx, dy) in [(0.0, 0.5 - EPS), (1.0, 0.5 - EPS), (0.0, 0.5 + EPS), (1.0, 0.5 + EPS)] {
                pts.push((x + dx, y + dy));
            }
        }
        let hull = convex_hull(pts);
        if let Some(path) = self.build_path(hull.into_iter()) {
            self.pixmap.fill_path(&path, &paint(rgb, false), FillRule::Winding, Transform::identity(), None);
            self.path = path.clear();
        }
    }

    /// A closed path through `points` (visible-surface coordinates), built in the reused path
    /// builder.
    fn build_path(&mut self, points: impl Iterator<Item = (f32, f32)>) -> Option<tiny_skia::Path> {
        let mut pb = std::mem::take(&mut self.path);
        pb.clear();
        let m = MARGIN as f32;
        for (i, (x, y)) in points.map(|(x, y)| (x + m, y + m)).enumerate() {
            if i == 0 {
                pb.move_to(x, y);
            } else {
                pb.line_to(x, y);
            }
        }
        pb.close();
        pb.finish()
    }

    /// Draws a disc of integer radius `r` centred on pixel `(cx, cy)` like pygame's
    /// `aacircle` + `filled_circle`: an anti-aliased ring (per column or row, the two pixels
    /// straddling the exact circle share the coverage), then the midpoint-circle pixel disc.
    fn disc(&mut self, cx: i32, cy: i32, r: i32, rgb: [u8; 3]) {
        let rf = r as f64;
        let octant = (rf / std::f64::consts::SQRT_2).floor() as i32;
        for d in 0..=octant {
            let e = (rf * rf - (d * d) as f64).sqrt();
            let (inner, frac) = (e.floor() as i32, e - e.floor());
            for (off, alpha) in [(inner, 1.0 - frac), (inner + 1, frac)] {
                if alpha <= 0.0 {
                    continue;
                }
                for (sx, sy) in [(1, 1), (1, -1), (-1, 1), (-1, -1)] {
                    for (px, py) in [(cx + sx * d, cy + sy * off), (cx + sx * off, cy + sy * d)] {
                        self.fill_pixels(px as f32, py as f32, 1.0, 1.0, rgb, alpha as f32);
                    }
                }
            }
        }
        for (dy, half_width) in midpoint_disc_rows(r) {
            let w = (2 * half_width + 1) as f32;
            for y in [cy + dy, cy - dy] {
                self.fill_pixels((cx - half_width) as f32, y as f32, w, 1.0, rgb, 1.0);
            }
        }
    }

    /// Copies the surface into `frame` as RGB, bottom row first (the vertical flip).
    fn copy_flipped(&self, frame: &mut RgbFrame) {
        let (w, h) = (CARTPOLE_SCREEN_WIDTH, CARTPOLE_SCREEN_HEIGHT);
        frame.width = w;
        frame.height = h;
        frame.data.resize(w * h * 3, 0);
        let src = self.pixmap.data();
        let stride = self.pixmap.width() as usize * 4;
        for (out_row, dst) in frame.data.chunks_exact_mut(w * 3).enumerate() {
            let row = &src[(h - 1 - out_row + MARGIN) * stride + MARGIN * 4..][..w * 4];
            // Every colour drawn is opaque, so the premultiplied RGBA values are plain RGB.
            for (d, s) in dst.chunks_exact_mut(3).zip(row.chunks_exact(4)) {
                d.copy_from_slice(&s[..3]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn px(f: &RgbFrame, x: usize, y: usize) -> [u8; 3] {
        let i = (y * f.width + x) * 3;
        [f.data[i], f.data[i + 1], f.data[i + 2]]
    }

    #[test]
    fn midpoint_disc_of_radius_five() {
        // Row half-widths of pygame's filled circle of radius 5 (read off a reference frame).
        assert_eq!(midpoint_disc_rows(5), vec![(0, 5), (1, 5), (2, 5), (3, 4), (4, 3), (5, 0)]);
        assert_eq!(midpoint_disc_rows(0), vec![(0, 0)]);
    }

    #[test]
    fn hull_of_a_square_with_inner_points() {
        let pts = vec![(0.0, 0.0), (1.0, 0.0), (0.5, 0.5), (1.0, 1.0), (0.0, 1.0), (0.2, 0.8)];
        assert_eq!(convex_hull(pts), vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]);
    }

    #[test]
    fn upright_picture_layout() {
        let mut r = CartPoleRenderer::new();
        let f = r.render(&[0.0, 0.0, 0.0, 0.0]);
        assert_eq!((f.width, f.height, f.data.len()), (600, 400, 600 * 400 * 3));
        // Background, track row (399 - 100 after the flip), cart body, pole above, axle.
        assert_eq!(px(&f, 10, 10), [255, 255, 255]);
        assert_eq!(px(&f, 10, 299), [0, 0, 0]);
        assert_eq!(px(&f, 10, 298), [255, 255, 255]);
        assert_eq!(px(&f, 290, 310), [0, 0, 0]);
        assert_eq!(px(&f, 300, 250), POLE_RGB);
        assert_eq!(px(&f, 300, 292), AXLE_RGB);
        // The pole's top is 125 - 5 px above the axle.
        assert_eq!(px(&f, 300, 299 - 7 - 118), POLE_RGB);
        assert_eq!(px(&f, 300, 299 - 7 - 124), [255, 255, 255]);
    }

    #[test]
    fn positive_theta_tilts_right_and_x_moves_right() {
        let mut r = CartPoleRenderer::new();
        let f = r.render(&[1.0, 0.0, 0.5, 0.0]);
        // Cart centre at 1 * 125 + 300 = 425; the pole top leans right of it.
        assert_eq!(px(&f, 425, 310), [0, 0, 0]);
        let tip_x = 425.0 + 110.0 * 0.5f64.sin();
        let tip_y = 299.0 - 7.0 - 110.0 * 0.5f64.cos();
        assert_eq!(px(&f, tip_x as usize, tip_y as usize), POLE_RGB);
    }

    #[test]
    fn reuse_gives_identical_frames() {
        let mut r = CartPoleRenderer::new();
        let a = r.render(&[0.3, 0.0, -0.1, 0.0]);
        r.render(&[-2.0, 0.0, 0.2, 0.0]);
        let mut b = RgbFrame { width: 0, height: 0, data: Vec::new() };
        r.render_into(&[0.3, 0.0, -0.1, 0.0], &mut b);
        assert_eq!(a, b);
    }
}
