//! A plotters backend wrapper that renders text itself with `ab_glyph`.
//!
//! plotters' own `ab_glyph` text path positions every glyph at the pen position without its
//! side bearing (so `100` renders as `1 00`). This wrapper forwards all drawing to the bitmap
//! backend except text, which it lays out with proper bearings, kerning and sub-pixel
//! positions, honouring anchors and 90° rotations. Sizes are measured exactly as plotters'
//! `ab_glyph` font does (sum of advances wide, `size / 1.24` high), so layout computed by
//! plotters matches what is drawn.

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontTransform};

/// The embedded DejaVu Sans regular face, parsed once.
pub(crate) fn dejavu_sans() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(dejavu::sans::regular()).expect("embedded DejaVu Sans is valid"))
}

/// Bitmap backend with ab_glyph text rendering.
pub(crate) struct TextBackend<'a> {
    inner: BitMapBackend<'a>,
}

impl<'a> TextBackend<'a> {
    pub(crate) fn new(inner: BitMapBackend<'a>) -> Self {
        Self { inner }
    }
}

type Res<'a> = Result<(), DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>>;

impl<'a> DrawingBackend for TextBackend<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Res<'a> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Res<'a> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Res<'a> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Res<'a> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Res<'a> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Res<'a> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Res<'a> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Res<'a> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Res<'a> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let (w, h) = text_box(text, style.size());
        Ok((w.ceil() as u32, h.ceil() as u32))
    }

    fn draw_text<TStyle: BackendTextStyle>(&mut self, text: &str, style: &TStyle, pos: BackendCoord) -> Res<'a> {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let font = dejavu_sans();
        let size = style.size();
        let scale = PxScale::from(size as f32);
        let scaled = font.as_scaled(scale);
        let (width, height) = text_box(text, size);
        let (width, height) = (width as f32, height as f32);

        // Offsets of the (unrotated) text box's top-left corner from the anchor point.
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0.0,
            VPos::Center => -height / 2.0,
            VPos::Bottom => -height,
        };
        // Centre capital letters vertically in the box; descenders may hang below it.
        let cap_height =
            font.outline_glyph(scaled.scaled_glyph('H')).map(|g| g.px_bounds().height()).unwrap_or(height * 0.9);
        let baseline = (height + cap_height) / 2.0;

        let transform = style.transform();
        let (canvas_w, canvas_h) = self.get_size();
        let mut pen = 0.0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(scale, point(pen, baseline));
            pen += scaled.h_advance(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let mut result = Ok(());
            outline.draw(|gx, gy, coverage| {
                if result.is_err() || coverage <= 0.0 {
                    return;
                }
                let lx = (bounds.min.x + dx) as i32 + gx as i32;
                let ly = (bounds.min.y + dy) as i32 + gy as i32;
                let (tx, ty) = rotate(&transform, lx, ly);
                let (x, y) = (pos.0 + tx, pos.1 + ty);
                if x >= 0 && y >= 0 && (x as u32) < canvas_w && (y as u32) < canvas_h {
                    let px_color = BackendColor { alpha: color.alpha * f64::from(coverage.min(1.0)), rgb: color.rgb };
                    result = self.inner.draw_pixel((x, y), px_color);
                }
            });
            result?;
        }
        Ok(())
    }
}

/// Applies a plotters font rotation to a point relative to the anchor.
fn rotate(t: &FontTransform, x: i32, y: i32) -> (i32, i32) {
    match t {
        FontTransform::None => (x, y),
        FontTransform::Rotate90 => (-y, x),
        FontTransform::Rotate180 => (-x, -y),
        FontTransform::Rotate270 => (y, -x),
    }
}

/// Width and height of the unrotated layout box of `text` at `size`, matching plotters'
/// `ab_glyph` font metrics.
pub(crate) fn text_box(text: &str, size: f64) -> (f64, f64) {
    let font = dejavu_sans();
    let scaled = font.as_scaled(PxScale::from(size as f32));
    let mut width = 0.0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            width += scaled.kern(p, id);
        }
        width += scaled.h_advance(id);
        prev = Some(id);
    }
    (f64::from(width), size / 1.24)
}
