//! Pictures for reports: RGB images built from observation frames (grayscale panels side by
//! side, enlarged), saved as PNGs with optional caption lines drawn in the embedded font.

use std::io;
use std::path::Path;

use plotters::prelude::*;

use crate::atomic::atomic_write;
use crate::plot::{encode_png, ensure_font};
use crate::text_backend::{text_box, TextBackend};

/// An RGB image, row-major `height x width x 3` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `height * width * 3` bytes.
    pub data: Vec<u8>,
}

impl Picture {
    /// A `width x height` picture of one colour.
    pub fn filled(width: usize, height: usize, rgb: [u8; 3]) -> Self {
        Self { width, height, data: rgb.repeat(width * height) }
    }

    /// An RGB picture from `height * width * 3` bytes; `None` when the size does not match.
    pub fn from_rgb(width: usize, height: usize, data: Vec<u8>) -> Option<Self> {
        (data.len() == width * height * 3).then_some(Self { width, height, data })
    }

    /// A grayscale picture from `height * width` intensities (0 black, 255 white); `None` when
    /// the size does not match.
    pub fn from_gray(width: usize, height: usize, gray: &[u8]) -> Option<Self> {
        (gray.len() == width * height).then(|| Self {
            width,
            height,
            data: gray.iter().flat_map(|&g| [g; 3]).collect(),
        })
    }

    /// This picture enlarged `factor` times in each direction (nearest neighbour, so pixels
    /// stay sharp); `factor` 0 is taken as 1.
    pub fn scaled(&self, factor: usize) -> Self {
        let f = factor.max(1);
        let (w, h) = (self.width * f, self.height * f);
        let mut data = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            let row = &self.data[(y / f) * self.width * 3..(y / f + 1) * self.width * 3];
            for x in 0..w {
                data.extend_from_slice(&row[(x / f) * 3..(x / f) * 3 + 3]);
            }
        }
        Self { width: w, height: h, data }
    }

    /// `panels` left to right with `gap` white pixels between them, aligned at the top.
    pub fn side_by_side(panels: &[Picture], gap: usize) -> Self {
        let height = panels.iter().map(|p| p.height).max().unwrap_or(0);
        let width = panels.iter().map(|p| p.width).sum::<usize>() + gap * panels.len().saturating_sub(1);
        let mut out = Self::filled(width, height, [255; 3]);
        let mut x0 = 0;
        for p in panels {
            out.paste(p, x0, 0);
            x0 += p.width + gap;
        }
        out
    }

    /// Copies `src` into this picture with its top-left corner at `(x0, y0)`, clipped.
    pub fn paste(&mut self, src: &Picture, x0: usize, y0: usize) {
        for y in 0..src.height.min(self.height.saturating_sub(y0)) {
            let n = src.width.min(self.width.saturating_sub(x0)) * 3;
            let from = y * src.width * 3;
            let to = ((y0 + y) * self.width + x0) * 3;
            self.data[to..to + n].copy_from_slice(&src.data[from..from + n]);
        }
    }
}

/// Saves `picture` as an RGB PNG (written atomically).
pub fn write_png(path: impl AsRef<Path>, picture: &Picture) -> io::Result<()> {
    if picture.width == 0 || picture.height == 0 || picture.data.len() != picture.width * picture.height * 3 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("cannot save a {}x{} picture of {} bytes", picture.width, picture.height, picture.data.len()),
        ));
    }
    let png = encode_png(&picture.data, picture.width as u32, picture.height as u32)?;
    atomic_write(path.as_ref(), &png)
}

/// Font size (pixels) of caption lines.
const CAPTION_SIZE: f64 = 15.0;
/// Height of one caption line.
const CAPTION_LINE: usize = 21;
/// Margin around the captions and the picture.
const MARGIN: usize = 8;

/// Saves `picture` as a PNG under a white band holding `captions` (one text line each, in the
/// embedded DejaVu Sans); the image is widened when a caption is wider than the picture.
pub fn write_labelled_png(path: impl AsRef<Path>, picture: &Picture, captions: &[String]) -> io::Result<()> {
    ensure_font()?;
    let text_w = captions.iter().map(|c| text_box(c, CAPTION_SIZE).0.ceil() as usize).max().unwrap_or(0);
    let band = if captions.is_empty() { 0 } else { captions.len() * CAPTION_LINE + MARGIN };
    let width = picture.width.max(text_w) + 2 * MARGIN;
    let height = picture.height + band + 2 * MARGIN;
    let mut canvas = Picture::filled(width, height, [255; 3]);
    canvas.paste(picture, MARGIN, MARGIN + band);
    {
        let backend = BitMapBackend::with_buffer(&mut canvas.data, (width as u32, height as u32));
        let root = TextBackend::new(backend).into_drawing_area();
        let style = ("sans-serif", CAPTION_SIZE).into_font().color(&BLACK);
        for (i, line) in captions.iter().enumerate() {
            let y = (MARGIN + i * CAPTION_LINE) as i32;
            root.draw_text(line, &style, (MARGIN as i32, y))
                .map_err(|e| io::Error::other(format!("drawing a caption failed: {e}")))?;
        }
        root.present().map_err(|e| io::Error::other(format!("drawing a caption failed: {e}")))?;
    }
    write_png(path, &canvas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_scale_and_sit_side_by_side() {
        let a = Picture::from_gray(2, 1, &[0, 255]).unwrap();
        let b = Picture::from_gray(1, 2, &[100, 200]).unwrap();
        let s = a.scaled(2);
        assert_eq!((s.width, s.height), (4, 2));
        assert_eq!(&s.data[..12], &[0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
        let row = Picture::side_by_side(&[a, b], 1);
        assert_eq!((row.width, row.height), (4, 2));
        // Row 0: a's two pixels, the white gap, b's first pixel; row 1: white under a.
        assert_eq!(&row.data[..12], &[0, 0, 0, 255, 255, 255, 255, 255, 255, 100, 100, 100]);
        assert_eq!(&row.data[12..15], &[255, 255, 255]);
        assert!(Picture::from_gray(2, 2, &[0]).is_none());
    }

    #[test]
    fn labelled_png_has_the_caption_band() {
        let path = std::env::temp_dir().join(format!("deepq-log-picture-{}.png", std::process::id()));
        let pic = Picture::from_gray(10, 10, &[0; 100]).unwrap().scaled(3);
        write_labelled_png(&path, &pic, &["Q = [1.00, 2.00]".into(), "episode 1, t = 3 (beginning)".into()]).unwrap();
        let decoder = png::Decoder::new(io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let info = decoder.read_info().unwrap().info().clone();
        assert_eq!(info.height as usize, 30 + 2 * CAPTION_LINE + MARGIN + 2 * MARGIN);
        assert!(info.width as usize > 30 + 2 * MARGIN, "widened for the caption");
        std::fs::remove_file(&path).unwrap();
    }
}
